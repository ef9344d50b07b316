"""Turn YAML paper records into Markdown pages for MkDocs."""

__version__ = "0.1.0"
