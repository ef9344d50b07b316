"""Where a paper was published, as its citations give it: the entry type, the field naming the
journal or proceedings, and the year. A record's own bibliographic fields (`type`, `bib`) say
it when they can; otherwise its `venue` does, by the kinds of venue below."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .model import year_of

# (BibTeX entry type, words that name such a venue): the first match wins, whole words, an
# acronym in capitals as written (SC is no `M.Sc.`), other words in any case. Journals named
# like proceedings come first, then conferences, then other journals (a conference of the
# Association for Computational Linguistics is no journal of that name).
VENUE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("article", ("Proceedings of the IEEE", "Proceedings of the National Academy of Sciences",
                 "PNAS", "Journal", "Transactions", "Letters", "TPAMI", "JMLR", "TMLR", "TACL",
                 "IJCV")),
    ("inproceedings", ("Conference", "Proceedings", "Workshop", "Symposium", "CVPR", "ICCV",
                       "ECCV", "NeurIPS", "NIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "EACL",
                       "COLING", "AAAI", "IJCAI", "KDD", "WWW", "SIGIR", "Interspeech", "ICASSP",
                       "IWSLT", "CoRL", "CoLLAs", "PMLR", "ACM MM", "SC", "WACV", "BMVC", "MLSys",
                       "AISTATS", "UAI", "COLT")),
    ("article", ("Computational Linguistics", "Scientific Reports", "Nature")),
)


def _words(words: tuple[str, ...]) -> re.Pattern:
    either = "|".join(re.escape(w) if w.isupper() else f"(?i:{re.escape(w)})" for w in words)
    return re.compile(rf"(?<![^\W\d_])(?:{either})(?![^\W\d_])")  # ICLR2021 names ICLR too


KINDS = [(kind, _words(words)) for kind, words in VENUE_KINDS]
CONTAINER = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
             "inbook": "booktitle", "conference": "booktitle"}
VENUE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def venue_kind(venue: str) -> str:
    """The entry type a venue names: article, inproceedings, or misc when it names neither."""
    return next((kind for kind, words in KINDS if words.search(venue)), "misc")


def publication(entry_type: str | None, bib: Mapping[str, str],
                venue: str | None) -> tuple[str, str | None, str | None]:
    """(entry type, field, text): where the paper appeared, as the field of that entry type
    (journal, booktitle or howpublished) and its text; field and text are None without one."""
    for field, default_type in (("journal", "article"), ("booktitle", "inproceedings")):
        if bib.get(field):
            return entry_type or default_type, field, bib[field]
    entry_type = entry_type or (venue_kind(venue) if venue else "misc")
    if not venue:
        return entry_type, None, None
    return entry_type, CONTAINER.get(entry_type, "howpublished"), venue


def venue_year(venue: str | None) -> str | None:
    """The first year (19xx or 20xx) a venue names, as in `CVPR 2020`."""
    match = VENUE_YEAR.search(venue or "")
    return match.group() if match else None


def cited_year(venue: str | None, date: str | None, arxiv: str | None) -> str | None:
    """The year a citation gives: the venue's, else the record's date's, else the arXiv id's
    (the preprint's, which a later publication does not share)."""
    return venue_year(venue) or year_of(date, arxiv)
