"""Importers: one parser per format, one shared record writer (common.py)."""
