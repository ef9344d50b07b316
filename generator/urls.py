"""Find http(s) URLs in running text, in time linear in the text's length."""

from __future__ import annotations

import re
from collections.abc import Iterator

URL = re.compile(r"https?://[^\s<>\"'{}\[\]]+")
TRAILING = ".,;:!?"


def trim_url(url: str) -> str:
    """Drop trailing punctuation and closing parentheses that the URL did not open."""
    unopened = url.count(")") - url.count("(")
    end = len(url)
    while end:
        char = url[end - 1]
        if char in TRAILING:
            end -= 1
        elif char == ")" and unopened > 0:
            unopened -= 1
            end -= 1
        else:
            break
    return url[:end]


def find_urls(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, url) of each URL, trailing sentence punctuation left out."""
    for match in URL.finditer(text):
        url = trim_url(match.group())
        if len(url) > len("https://"):
            yield match.start(), match.start() + len(url), url
