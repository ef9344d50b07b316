"""Helpers for driving the built site in Chromium."""

from __future__ import annotations


def search_for(page, word: str, seconds: float = 30):
    """Type word into the header's search box and submit: the search page lists the results
    (Pagefind's index, built after `mkdocs build`)."""
    box = page.locator(".papers-header-search input")
    box.fill(word)
    box.press("Enter")
    results = page.locator(".papers-result")
    results.first.wait_for(state="visible", timeout=seconds * 1000)
    return results
