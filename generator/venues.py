"""Short venue names and venue series: `ICLR 2015` and the series ICLR for a proceedings title
such as "3rd International Conference on Learning Representations, ICLR 2015, San Diego...".

The full venue stays what citations give; the short name is for display and for grouping a
series' years on one page. A record's `venue_short` comes first, then the first pattern of the
`venues` setting that matches the venue, then derivation. Derivation is conservative: it names
a series only when the venue's text names exactly one, and never for a journal; otherwise
the full venue is shown. Every step reads the text once (venues come from records, so from
anyone), and the same text always gives the same name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .publication import venue_year

# A word: letters and digits, possibly joined by - / & (NAACL-HLT, ACL/IJCNLP). One separator
# between runs, so a word is read in one pass.
WORD = re.compile(r"[A-Za-z0-9]+(?:[-/&][A-Za-z0-9]+)*")
YEAR = re.compile(r"(?:19|20)[0-9]{2}")
# A year written onto a name: ICLR2021, SemEval-2017.
GLUED_YEAR = re.compile(r"(.*?[A-Za-z])[-']?((?:19|20)[0-9]{2})")
# Conferences known by their acronym, as written; a few older names join their series.
KNOWN = ("ICLR ICML NeurIPS CVPR ICCV ECCV WACV BMVC ACCV ACL EMNLP NAACL EACL AACL COLING "
         "CoNLL LREC IJCNLP AAAI IJCAI KDD SIGIR WSDM WWW CIKM RecSys ICDM CHI UIST CSCW "
         "SIGGRAPH ICRA IROS CoRL AISTATS UAI COLT ICASSP Interspeech MICCAI MLSys ICDE SIGMOD "
         "OSDI SOSP NSDI EuroSys ASPLOS PLDI POPL ICSE STOC FOCS SODA IJCNN ICANN").split()
ALIASES = {"NIPS": "NeurIPS", "SIGKDD": "KDD"}
ACRONYMS = {name: name for name in KNOWN} | ALIASES
BY_FOLDED = {name.casefold(): series for name, series in ACRONYMS.items()}
# Capitals that name publishers, places or series of volumes, never a conference.
NOT_VENUES = frozenset("IEEE ACM CVF USA UK PMLR LNCS LNAI CEUR SIAM USENIX AFNLP ISBN DOI "
                       "IAPR IFIP ISCA".split())
# Full names of conferences (compared casefolded, spacing folded), as proceedings title them.
FULL_NAMES = (
    ("advances in neural information processing systems", "NeurIPS"),
    ("neural information processing systems", "NeurIPS"),
    ("conference on computer vision and pattern recognition", "CVPR"),
    ("international conference on computer vision", "ICCV"),
    ("european conference on computer vision", "ECCV"),
    ("winter conference on applications of computer vision", "WACV"),
    ("international conference on learning representations", "ICLR"),
    ("international conference on machine learning", "ICML"),
    ("annual meeting of the association for computational linguistics", "ACL"),
    ("conference on empirical methods in natural language processing", "EMNLP"),
    ("north american chapter of the association for computational linguistics", "NAACL"),
    ("international joint conference on artificial intelligence", "IJCAI"),
    ("aaai conference on artificial intelligence", "AAAI"),
    ("conference on uncertainty in artificial intelligence", "UAI"),
    ("conference on learning theory", "COLT"),
    ("international conference on artificial intelligence and statistics", "AISTATS"),
    ("conference on robot learning", "CoRL"),
    ("international conference on world wide web", "WWW"),
    ("conference on knowledge discovery and data mining", "KDD"),
    ("international conference on artificial neural networks", "ICANN"),
    ("international joint conference on neural networks", "IJCNN"),
)
# What may follow a full name: the end, punctuation, or a number or parenthesis after a space
# ("... Systems 33", "... Representations (ICLR)"); never another word, which names another
# conference ("... Machine Learning and Applications").
AFTER_NAME = re.compile(r"$|[,.:;)(]| [0-9(]")
# Words of a journal's name: a journal keeps its name.
JOURNAL_WORDS = frozenset("journal transactions trans letters magazine review endow".split())
NAME_LIMIT = 100  # characters of a short name, given or derived


@dataclass(frozen=True)
class VenueName:
    short: str  # what pages show: the series and the year (`ICLR 2015`), or the full venue
    series: str  # what groups papers: `ICLR`, or the full venue when none is derived
    year: str | None  # the venue's year, else the paper's
    full: str | None  # the venue as the record gives it, for citations


def fold(text: str) -> str:
    """Text compared without case, spacing or invisible characters (format characters)."""
    text = unicodedata.normalize("NFC", text)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split()).casefold()


def split_year(name: str) -> tuple[str, str | None]:
    """`ICLR 2015` -> (`ICLR`, `2015`); a name without a year at its end keeps it None."""
    head, _, last = name.rpartition(" ")
    if head.strip() and YEAR.fullmatch(last):
        return head.strip(), last
    return name.strip(), None


def _acronym(word: str) -> str | None:
    """The series a word names as an acronym (known, or shaped like one: two capitals or more,
    at least a third of its letters), or None."""
    if word in ACRONYMS:
        return ACRONYMS[word]
    if not 2 <= len(word) <= 20 or not word[0].isupper():
        return None
    if all(part in NOT_VENUES for part in re.split(r"[-/&]", word)):  # IEEE/CVF
        return None
    upper = sum(c.isupper() for c in word)
    lower = sum(c.islower() for c in word)
    roman = set(word) <= set("IVX")  # volume or edition numbers: II, XIV
    return word if upper >= 2 and 3 * upper >= lower and not roman else None


def _words(venue: str) -> list[tuple[str, str | None, int, int]]:
    """(word, year written onto it, start, end) for each word of venue, in order."""
    found = []
    for match in WORD.finditer(venue):
        word, year = match.group(), None
        glued = GLUED_YEAR.fullmatch(word)
        if glued and not word.isdigit():
            word, year = glued.group(1), glued.group(2)
        found.append((word, year, match.start(), match.end()))
    return found


def _one(candidates: list[tuple[str, str | None]]) -> tuple[str, str | None] | None | bool:
    """The one series the candidates name (with the first year given with it); None when
    there is none; False when they name two: in doubt."""
    series = {name.casefold() for name, _ in candidates}
    if len(series) > 1:
        return False
    if not series:
        return None
    return candidates[0][0], next((year for _, year in candidates if year), None)


def _with_year(words, venue: str) -> list[tuple[str, str | None]]:
    """Acronyms written with their year: `ICLR 2015`, `ICLR2015`, `(CVPR 2020)`."""
    found = []
    for index, (word, glued, _, end) in enumerate(words):
        series = _acronym(word)
        if series is None:
            continue
        if glued:
            found.append((series, glued))
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        # `COMPSTAT'2010` too
        if following and YEAR.fullmatch(following[0]) and venue[end:following[2]] in (" ", "'"):
            found.append((series, following[0]))
    return found


def _in_parentheses(words, venue: str) -> list[tuple[str, str | None]]:
    """Acronyms that are all a parenthesis holds: `... Pattern Recognition (CVPR)`."""
    return [(series, glued) for word, glued, start, end in words
            if venue[start - 1 : start] == "(" and venue[end : end + 1] == ")"
            and (series := _acronym(word))]


def _known(words, venue: str) -> list[tuple[str, str | None]]:
    """Known acronyms anywhere (`Thirty-First AAAI Conference...`), or the whole venue one
    in any case (`icml`)."""
    whole = BY_FOLDED.get(fold(venue))
    if whole:
        return [(whole, None)]
    return [(ACRONYMS[word], glued) for word, glued, _, _ in words if word in ACRONYMS]


def _full_names(words, venue: str) -> list[tuple[str, str | None]]:
    folded = fold(venue)
    found = []
    for name, series in FULL_NAMES:
        at = folded.find(name)
        while at >= 0:
            before = folded[at - 1 : at]
            if not before.isalnum() and AFTER_NAME.match(folded, at + len(name)):
                found.append((series, None))
                break
            at = folded.find(name, at + 1)
    return found


LEVELS = (_with_year, _in_parentheses, _known, _full_names)


def derive(venue: str) -> tuple[str, str | None] | None:
    """(series, year the venue names) for a conference's venue text, or None: a journal, no
    series named, or two named."""
    words = _words(venue)
    lowered = {word.casefold() for word, _, _, _ in words}
    if lowered & JOURNAL_WORDS:
        return None
    for level in LEVELS:
        found = _one(level(words, venue))
        if found is False:
            return None
        if found:
            return _qualified(found[0], lowered), found[1] or venue_year(venue)
    return None


def _qualified(series: str, lowered: set[str]) -> str:
    """A conference's workshops and its Findings are series of their own."""
    if "findings" in lowered:
        return f"Findings of {series}"
    if lowered & {"workshop", "workshops"} and series in ACRONYMS.values():
        return f"{series} Workshops"
    return series


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether folded text matches a folded pattern, where `*` stands for any text: each part
    found in turn (the leftmost place is always right for `*` alone), so never backtracking."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == text
    if not (text.startswith(parts[0]) and text.endswith(parts[-1])):
        return False
    at, end = len(parts[0]), len(text) - len(parts[-1])
    for part in parts[1:-1]:
        at = text.find(part, at, end)
        if at < 0:
            return False
        at += len(part)
    return at <= end


class VenueNames:
    """Short names and series of venues, with the `venues` setting's patterns (full title or
    a pattern with `*` -> short name, the first that matches wins)."""

    def __init__(self, patterns: Iterable[tuple[str, str]] = ()):
        self.patterns = tuple((fold(pattern), split_year(short)) for pattern, short in patterns)
        self._named: dict[str, tuple[str, str | None] | None] = {}

    def named(self, venue: str) -> tuple[str, str | None] | None:
        """(series, year) the settings or derivation give a venue; a venue is read once."""
        if venue not in self._named:
            self._named[venue] = self._configured(venue) or derive(venue)
        return self._named[venue]

    def _configured(self, venue: str) -> tuple[str, str | None] | None:
        folded = fold(venue)
        for pattern, (series, year) in self.patterns:
            if pattern_matches(pattern, folded):
                return series, year or venue_year(venue)
        return None

    def name(self, venue: str | None, short: str | None, year: str | None) -> VenueName | None:
        """The venue name of a paper from its venue, its `venue_short` and its own year."""
        if short:
            series, given_year = split_year(short)
            found = (series, given_year or venue_year(venue))
        elif venue:
            found = self.named(venue)
        else:
            return None
        if not found:  # in doubt: the venue as written, grouped by the paper's year
            return VenueName(venue, venue, year, venue)
        series, named_year = found
        year = named_year or year
        return VenueName(f"{series} {year}" if year else series, series, year, venue)

    def of(self, paper) -> VenueName | None:
        return self.name(paper.venue, paper.venue_short, paper.year)

    def terms(self, paper) -> tuple[str, ...]:
        """A paper's venue as a facet term: its series."""
        found = self.of(paper)
        return (found.series,) if found else ()


DERIVED = VenueNames()
