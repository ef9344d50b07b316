"""Where MkDocs publishes a file of docs/, and how a page links back to the site root."""

from __future__ import annotations


def site_url(docs_path: str, directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives the file at docs_path."""
    if not docs_path.endswith(".md"):
        return docs_path
    stem = docs_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        folder = stem[: -len("index")]
        return folder if directory_urls else folder + "index.html"
    return stem + "/" if directory_urls else stem + ".html"


def root_prefix(docs_path: str, directory_urls: bool = True) -> str:
    """How a page at docs_path reaches the site root with a relative link: "../" per folder."""
    return "../" * site_url(docs_path, directory_urls).count("/")
