"""How papers are ordered on listing pages: explicit keys, never file or hash order."""

from __future__ import annotations

import re
import unicodedata

from .latex import plain_text
from .model import date_sort_key

OTHER_LETTER = "#"
LEADING_NON_WORD = re.compile(r"^[\W_]+")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def folded_title(title: str) -> str:
    """A title as sorted: accents, case, braces and leading punctuation do not count."""
    bare = strip_accents(plain_text(title)).replace("{", "").replace("}", "")
    return LEADING_NON_WORD.sub("", " ".join(bare.casefold().split()))


def initial(title: str) -> str:
    """The A-Z section of a title: its first folded letter, or # for digits and other scripts."""
    first = folded_title(title)[:1]
    return first.upper() if "a" <= first <= "z" else OTHER_LETTER


def orders(papers) -> tuple[list, list, list]:
    """(alphabetical, newest first, A-Z with # first), folding each title once."""
    folded = {id(p): folded_title(p.title) for p in papers}
    by_title = sorted(papers, key=lambda p: (folded[id(p)], p.title, p.id))
    # stable: ties stay alphabetical
    newest = sorted(by_title, key=lambda p: date_sort_key(p.date), reverse=True)
    by_letter = sorted(by_title, key=lambda p: not ("a" <= folded[id(p)][:1] <= "z"), reverse=True)
    return by_title, newest, by_letter
