"""Readable, file-safe names made from free text."""

from __future__ import annotations

import re

from anyascii import anyascii

# Page names that are taken by index pages (and their `page/N` pages) or are not safe file
# names on every system.
DEVICE_NAMES = {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)}
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", "index", "page"} | DEVICE_NAMES)
STOP_WORDS = {"a", "an", "and", "the", "of", "for", "in", "on", "with", "to", "via", "by", "from",
              "at", "is"}


def slugify(text: str, max_length: int = 80) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word boundary; other scripts are
    transliterated (Müller -> muller, Москва -> moskva, 한국어 -> hangugeo)."""
    words = re.findall(r"[a-z0-9]+", anyascii(text).lower())
    return _join_within(words, max_length)


def title_slug(title: str, max_length: int = 60) -> str:
    """Slug of a paper title, dropping small words when the title is long."""
    full = slugify(title, 10_000) or "paper"
    if len(full) <= max_length:
        return full
    words = [w for w in full.split("-") if w not in STOP_WORDS] or full.split("-")
    return _join_within(words, max_length)


def _join_within(words: list[str], max_length: int) -> str:
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "-".join(words)[:max_length].strip("-")


class FreeNames:
    """Names not taken yet (nor reserved): base, or else base-2, base-3, ...

    Remembers, for each base, the suffixes found taken (names are only ever added), so naming
    n papers with one title costs O(n) tries, not O(n²)."""

    def __init__(self, taken: set[str], max_length: int = 60):
        self.taken = taken
        self.max_length = max_length
        self.tried: dict[str, int] = {}

    def free(self, base: str) -> str:
        if base not in self.taken and base not in RESERVED_NAMES:
            return base
        n = self.tried.get(base, 2)
        while (candidate := self._numbered(base, n)) in self.taken or candidate in RESERVED_NAMES:
            n += 1
        self.tried[base] = n
        return candidate

    def take(self, base: str) -> str:
        name = self.free(base)
        self.taken.add(name)
        return name

    def _numbered(self, base: str, n: int) -> str:
        suffix = f"-{n}"
        return base[: self.max_length - len(suffix)].rstrip("-") + suffix
