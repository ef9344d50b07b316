"""Readable, file-safe names made from free text."""

from __future__ import annotations

import hashlib
import re

from anyascii import anyascii

# Page names that are taken by index pages (and their `page/N` pages) or are not safe file
# names on every system.
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", "index", "page"} | {f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)})
STOP_WORDS = {"a", "an", "and", "the", "of", "for", "in", "on", "with", "to", "via", "by", "from", "at", "is"}


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


def unique_slug(base: str, taken: set[str], max_length: int = 60) -> str:
    """base, or base-2, base-3, ... whichever is not taken yet (nor reserved)."""
    taken = set(taken) | RESERVED_NAMES
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


def tag_slug(tag: str) -> str:
    """Page name of a tag; tags with no ASCII letters or digits get a stable hashed name."""
    slug = slugify(tag) or hashlib.sha1(tag.encode("utf-8")).hexdigest()[:10]
    return f"tag-{slug}" if slug in RESERVED_NAMES or not slugify(tag) else slug
