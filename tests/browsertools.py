"""Helpers for driving the built site in Chromium."""

from __future__ import annotations

import time


def search_for(page, word: str, seconds: float = 30):
    """Type word into Material's search box until results show.

    Material's search worker ignores queries typed before its index is ready, so the query
    is typed again (at most once a second, for at most `seconds`) until results appear.
    """
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator(".md-search__input")
    results = page.locator(".md-search-result__item")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        box.fill("")
        box.press_sequentially(word, delay=20)
        try:
            results.first.wait_for(state="visible", timeout=1000)
            return results
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try again
            continue
    raise AssertionError(f"no search results for {word!r} within {seconds} s")
