"""BibTeX and BibLaTeX files (bibtexparser 2): @string macros and `#` joins, crossref, comments.

A broken entry is reported with its line and left out; the others import.
"""

from __future__ import annotations

import logging
import re
from string import ascii_letters

from ..latex import dollar_math
from ..names import bibtex_parts, editor_text, record_name
from ..problems import NOTE
from .common import Candidate, EntryError, latex_field
from .fields import (
    MONTH_NAMES,
    arxiv_from,
    clean_doi,
    date_of,
    extra_doi,
    link_for,
    month_number,
    split_tags,
    unkept,
)

# Standard BibTeX styles define these macros; a .bib may use them without @string.
MONTH_MACROS = {name[:3].lower(): name for name in MONTH_NAMES}
# The longest text a record field may hold (abstract): no field's @string macros expand past it.
FIELD_TEXT_MAX = 100_000
# What a file's macros may add to it in all: a few times what real files use.
MACRO_TEXT_EXTRA = 1_000_000
# What crossref copies may add to a file's fields in all, beyond the file's length: a child
# rarely inherits more than it holds, and BibTeX copies each parent into every child.
CROSSREF_TEXT_EXTRA = 1_000_000
# Record `bib` keys and the fields they come from, the first with a value winning.
BIB_SOURCES = (("journal", "journal"), ("journal", "journaltitle"), ("booktitle", "booktitle"),
               ("maintitle", "maintitle"), ("series", "series"), ("volume", "volume"),
               ("number", "number"), ("number", "issue"), ("pages", "pages"),
               ("pagetotal", "pagetotal"), ("publisher", "publisher"), ("address", "address"),
               ("address", "location"), ("institution", "institution"), ("school", "school"),
               ("edition", "edition"), ("isbn", "isbn"), ("issn", "issn"), ("note", "note"))
# The fields a record holds (crossref is resolved); the rest are named as not kept.
KEPT = {"title", "author", "date", "year", "month", "abstract", "keywords", "crossref", "doi",
        "url", "editor", "issue", "journaltitle", "location"} | {name for name, _ in BIB_SOURCES}
# Fields that al-folio (a common academic site theme) gives links in; kept when they are URLs
# (a bare file name there is a file of that site, not a link).
LINK_FIELDS = ("pdf", "code", "html", "slides", "video", "poster", "website", "blog", "supp",
               "project", "data")
URL = re.compile(r"https?://\S+")
# al-folio's `pdf = {name.pdf}`: a file of that site, which it links under assets/pdf/.
ALFOLIO_PDF = re.compile(r"(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_][A-Za-z0-9_./ -]*\.pdf")
ALFOLIO_PDF_DIR = "assets/pdf/"
TITLE_MAX = 1000  # the longest title (and booktitle) a record holds
VENUE_MAX = 300
# biblatex entry types that hold no paper of their own (their members or users are entries).
NOT_PAPERS = {"set": "a set of entries (biblatex @set)", "xdata": "shared data (biblatex @xdata)"}
# biblatex's @thesis and @report with the kind `type` names: the BibTeX types classic styles know
# (a thesis's university is their `school`).
KINDS = {("thesis", "phdthesis"): "phdthesis", ("thesis", "mathesis"): "mastersthesis",
         ("report", "techreport"): "techreport"}
# Types whose title is the booktitle of the entries that crossref them.
CONTAINER_TYPES = {"proceedings", "book", "collection", "mvbook", "mvproceedings", "mvcollection",
                   "periodical"}


def parse_bibtex(text: str, display: str) -> tuple[list[Candidate], list]:
    import bibtexparser

    # failed blocks are reported below, with their line
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, parse_stack=[])
    problems = [_failed(block, display) for block in library.failed_blocks]
    why = f"the file's @string macros make its fields over {MACRO_TEXT_EXTRA:,} characters"
    expansions = Budget(len(text) + MACRO_TEXT_EXTRA, f"{why} longer than the file itself")
    macros = Macros(library.strings, expansions)
    entries = {}
    for entry in library.entries:
        where = Candidate({}, display, entry.start_line + 1, entry.key)
        first = entries.get(entry.key.lower())
        if first:  # BibTeX compares keys case aside, keeps the first and ignores the repeat
            why = f"the key is the one of line {first[0].start_line + 1}, case aside"
            problems.append(_not_imported(where, entry, EntryError("key", why)))
            continue
        try:
            entries[entry.key.lower()] = (entry, *_resolved(entry, macros))
        except EntryError as err:
            problems.append(_not_imported(where, entry, err))
    why = f"fields inherited through crossref add up to over {CROSSREF_TEXT_EXTRA:,} characters"
    copies = Budget(len(text) + CROSSREF_TEXT_EXTRA, f"{why} more than the file itself")
    convert, candidates = Conversions(), []
    for entry, fields, undefined in entries.values():
        candidate = Candidate({}, display, entry.start_line + 1, entry.key)
        if entry.entry_type.lower() in NOT_PAPERS:
            why = f"{_named(entry)} is {NOT_PAPERS[entry.entry_type.lower()]}, not a paper: skipped"
            problems.append(candidate.problem(why, severity=NOTE))
            continue
        if undefined:
            why = f"undefined @string macro(s) kept as their names: {', '.join(undefined)}"
            problems.append(candidate.problem(why, severity="warning"))
        try:
            fields = _with_crossref(fields, entries, copies, candidate, problems)
            record = entry_record(entry.entry_type.lower(), entry.key, fields, convert)
        except EntryError as err:
            problems.append(_not_imported(candidate, entry, err))
            continue
        if record is None:
            why = f"{_named(entry)} has no title: not imported"
            problems.append(candidate.problem(why, "title"))
            continue
        names = [name for name, value in fields.items() if value.strip()]
        kept = set(record.get("links", ())) | ({"eprint", "archiveprefix", "eprinttype"}
                                                if "arxiv" in record else set())
        kept |= _subtitles_kept(fields, record, convert)
        kept |= {"type"} if record["type"] != entry.entry_type.lower() else set()
        left = unkept(names, KEPT | kept)
        candidates.append(Candidate(record, display, candidate.line, entry.key, left))
    return candidates, problems


def _named(entry) -> str:
    return f"@{entry.entry_type[:20]}{{{entry.key[:60]}}}"


def _not_imported(where: Candidate, entry, err: EntryError):
    return where.problem(f"{_named(entry)} not imported: {err.message}", err.field_name)


def _resolved(entry, macros: Macros) -> tuple[dict[str, str], list[str]]:
    fields, undefined = {}, set()
    for f in entry.fields:
        fields[f.key.lower()], missing = macros.resolve(f.key.lower(), f.value)
        undefined.update(missing)
    return fields, sorted(undefined)


def _failed(block, display: str):
    from ..problems import Problem

    reason = str(getattr(block, "error", "") or "").split("\n")[0] or "not valid BibTeX"
    if "Duplicate entry key" in reason:
        reason = f"{reason}: the second entry with this key is left out"
    return Problem(display, (block.start_line or 0) + 1, 1, "", f"entry not imported: {reason}")


def split_joined(raw: str) -> list[str]:
    """Parts of a value joined with `#` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return [p.strip() for p in parts]


class Budget:
    """Characters that @string macros or crossref copies may still add to a file's fields, so
    that what an import handles is bounded by the file's length. An entry that would go past it
    is an error and adds nothing, so a smaller one after it may still fit."""

    def __init__(self, chars: int, why: str):
        self.chars, self.why = chars, why

    def charge(self, field: str, chars: int) -> None:
        if chars > self.chars:
            raise EntryError(field, self.why)
        self.chars -= chars


class Conversions:
    """Unicode of each field text, converted once: crossref copies a parent's fields into every
    child, and converting them again for each child took time of children times parent."""

    def __init__(self):
        self.done: dict[tuple[str, bool], str | EntryError] = {}

    def __call__(self, latex: str, field_name: str, paragraphs: bool = False) -> str:
        key = (latex, paragraphs)
        if key not in self.done:
            try:
                self.done[key] = latex_field(biblatex_text(latex), field_name, paragraphs)
            except EntryError as err:
                self.done[key] = err
        found = self.done[key]
        if isinstance(found, EntryError):
            raise EntryError(field_name, found.message)  # named as this entry has the text
        return found


# biblatex's own commands, which LaTeX conversion would drop with their meaning: a hyphen
# (`methodology\hyphen independent`: TeX eats the space after a command) and quotations.
BIBLATEX_MARKS = re.compile(r"\\(hyphen|slash)(?![A-Za-z])\s*(?:\{\})?")
MARK_TEXT = {"hyphen": "-", "slash": "/"}
QUOTE_TOKENS = re.compile(r"\\(?:mkbibquote|enquote)\s*\{|\\[{}\\]|[{}]")


def biblatex_text(latex: str) -> str:
    """latex with biblatex's hyphen, slash and quotation commands written out: `\\mkbibquote{x}`
    becomes “{x}”. One pass, so nested or many quotations take linear time."""
    if "\\" not in latex:
        return latex
    latex = BIBLATEX_MARKS.sub(lambda match: MARK_TEXT[match.group(1)], latex)
    pieces, last, open_groups = [], 0, []  # per open brace: whether it closes a quotation
    for match in QUOTE_TOKENS.finditer(latex):
        token = match.group()
        if token.startswith("\\") and token[1] in "{}\\":
            continue  # an escaped brace or backslash
        if token != "}":
            open_groups.append(token != "{")
            if token != "{":
                pieces += [latex[last:match.start()], "“{"]
                last = match.end()
        elif open_groups and open_groups.pop():
            pieces += [latex[last:match.end()], "”"]
            last = match.end()
    return "".join(pieces) + latex[last:]


class Macros:
    """@string macros, expanded only in the fields that use them, and never past a bound: each
    of 30 lines `@string{b = a # a}` doubles the text, so expanding all of them up front would
    ask for gigabytes. A field gets at most FIELD_TEXT_MAX characters, and a file's fields all
    together at most budget (its own length and MACRO_TEXT_EXTRA)."""

    def __init__(self, blocks, budget: Budget):
        # Per definition: its parts, each text or the number of an earlier definition; and the
        # length of its text, at most FIELD_TEXT_MAX + 1.
        self.parts: list[list[str | int]] = []
        self.lengths: list[int] = []
        self.names: dict[str, int] = {}  # each name's latest definition
        self.budget = budget
        for block in blocks:
            self.define(block.key.lower(), block.value)

    def define(self, name: str, raw: str) -> None:
        parts = [p for p in self._parts(raw)[0] if self._length(p)]
        if len(parts) == 1 and isinstance(parts[0], int):
            # another name for one macro: pointed through, so long chains cost nothing to expand
            self.names[name] = parts[0]
            return
        self.names[name] = len(self.parts)
        self.parts.append(parts)
        self.lengths.append(min(sum(self._length(p) for p in parts), FIELD_TEXT_MAX + 1))

    def resolve(self, field: str, raw: str) -> tuple[str, list[str]]:
        """A field's text: braces or quotes removed, macros replaced; and the undefined macros."""
        parts, undefined = self._parts(raw)
        length = sum(self._length(p) for p in parts)
        if length > FIELD_TEXT_MAX:
            why = f"its @string macros make it longer than {FIELD_TEXT_MAX:,} characters"
            raise EntryError(field, why)
        self.budget.charge(field, length)
        return self._expand(parts), undefined

    def _parts(self, raw: str) -> tuple[list[str | int], list[str]]:
        parts, undefined = [], []
        for part in split_joined(raw):
            if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
                parts.append(part[1:-1])
            elif part.isdigit():
                parts.append(part)
            elif part.lower() in self.names:
                parts.append(self.names[part.lower()])
            elif part.lower() in MONTH_MACROS:
                parts.append(MONTH_MACROS[part.lower()])
            elif part:
                undefined.append(part)
                parts.append(part)
        return parts, undefined

    def _length(self, part: str | int) -> int:
        return len(part) if isinstance(part, str) else self.lengths[part]

    def _expand(self, parts: list[str | int]) -> str:
        # Every definition reached adds text or joins two or more nonempty parts, so this takes
        # time linear in the text it makes (at most FIELD_TEXT_MAX).
        text, pending = [], parts[::-1]
        while pending:
            part = pending.pop()
            if isinstance(part, str):
                text.append(part)
            else:
                pending += self.parts[part][::-1]
        return "".join(text)


def _with_crossref(fields: dict, entries: dict, copies: Budget, where: Candidate, problems) -> dict:
    """The fields with those inherited from the crossref parent, each charged to copies."""
    parent_key = fields.get("crossref", "").strip().lower()
    if not parent_key:
        return fields
    if parent_key not in entries:
        why = f"{fields['crossref']!r} is not in the file: its fields are not inherited"
        problems.append(where.problem(why, "crossref", "warning"))
        return fields
    parent, parent_fields, _ = entries[parent_key]
    merged = dict(fields)
    for name, value in parent_fields.items():
        if name not in merged and name not in ("crossref", "key"):
            merged[name] = value  # as BibTeX does: every field the entry lacks
    container = parent.entry_type.lower() in CONTAINER_TYPES
    if container and "title" in parent_fields and "booktitle" not in fields:
        merged["booktitle"] = parent_fields["title"]
    if container and "subtitle" not in fields:  # the book's subtitle, as biblatex inherits it
        merged.pop("subtitle", None)
        if "subtitle" in parent_fields and "booksubtitle" not in fields:
            merged["booksubtitle"] = parent_fields["subtitle"]
    copies.charge("crossref", sum(len(name) + len(merged[name]) for name in merged.keys() - fields))
    return merged


def entry_record(entry_type: str, key: str, fields: dict, convert=latex_field) -> dict | None:
    """The record for one entry's resolved fields; None when it has no title."""
    title = protected_title(fields.get("title", ""), convert)
    if not title:
        return None
    subtitle = protected_title(fields.get("subtitle", ""), convert, "subtitle")
    record: dict = {"title": with_subtitle(title, subtitle)}
    authors = person_names(fields, "author", convert)
    if authors:
        record["authors"] = authors
    date = date_of(fields.get("date") or fields.get("year", ""), fields.get("month", ""))
    if date:
        record["date"] = date
    abstract = _text(fields, "abstract", convert, paragraphs=True)
    if abstract:
        record["abstract"] = abstract
    tags = split_tags(_text(fields, "keywords", convert))
    if tags:
        record["tags"] = tags
    container = next((n for n in ("journal", "journaltitle", "booktitle") if fields.get(n)), "")
    venue = _text(fields, container or "journal", convert)
    if container == "booktitle":  # as the booktitle kept in `bib`: with its subtitle
        venue = with_subtitle(venue, _text(fields, "booksubtitle", convert), VENUE_MAX)
    if venue:
        record["venue"] = venue
    arxiv = arxiv_from(fields)
    if arxiv:
        record["arxiv"] = arxiv
    doi = clean_doi(fields.get("doi", "")) or extra_doi(fields.get("note", ""))
    if doi:
        record["doi"] = doi
    record["citekey"] = key
    record["type"] = KINDS.get((entry_type, fields.get("type", "").strip().lower()), entry_type)
    bib = bib_fields(fields, convert)
    if record["type"] in ("phdthesis", "mastersthesis") and "school" not in bib:
        bib |= {"school": bib.pop("institution")} if "institution" in bib else {}
    if bib.get("month") and _month_of(date) == int(bib["month"]):
        del bib["month"]  # the date holds it
    if bib:
        record["bib"] = bib
    links = entry_links(fields, arxiv)
    if links:
        record["links"] = links
    return record


def _month_of(date: str | None) -> int | None:
    month = (date or "")[5:7]
    return int(month) if month.isdigit() else None


def entry_links(fields: dict, arxiv: str | None) -> dict[str, str]:
    """`url` as a link, and al-folio's link fields: a URL, or al-folio's local PDF file under the
    folder al-folio keeps it in. A `url` that one of them repeats is that link only."""
    named = {name: fields[name].strip() for name in LINK_FIELDS
             if URL.fullmatch(fields.get(name, "").strip())}
    pdf = fields.get("pdf", "").strip()
    if "pdf" not in named and ALFOLIO_PDF.fullmatch(pdf):
        named["pdf"] = ALFOLIO_PDF_DIR + pdf
    url = fields.get("url", "").strip()
    links = {} if url in named.values() else link_for(url, arxiv)
    return links | {name: value for name, value in named.items() if name not in links}


# Marks put around a braced group before the LaTeX is converted (private-use characters, which
# the conversion keeps as they are), and made into the nocase spans of the record's title.
OPEN_MARK, CLOSE_MARK = "\ue000", "\ue001"
# LaTeX markup that titles keep as the rich text Zotero and pages know (<i>, <sup>, <sub>), so
# that generated BibTeX read back is the same; marked like case protection while converting.
MARKUP_COMMAND = re.compile(r"\\(textit|emph|textsuperscript|textsubscript)\s*\{")
MARKUP_TAGS = {"textit": ("\ue002", "\ue003", "i"), "emph": ("\ue002", "\ue003", "i"),
               "textsuperscript": ("\ue004", "\ue005", "sup"),
               "textsubscript": ("\ue006", "\ue007", "sub")}


def protected_title(latex: str, convert=latex_field, field: str = "title") -> str:
    """The title's text, with the words the source protected from case changes (`{P}ython`,
    `{Deep Learning}`) marked as nocase spans, so that the generated BibTeX braces them again.
    Words that BibTeX output protects anyway (`{BERT}`: a capital after the first letter) and
    groups holding no capital are not marked."""
    text = convert(_marked_groups(dollar_math(latex)), field)  # math keeps its case
    if OPEN_MARK in text:
        text = re.sub(f"{OPEN_MARK}([^{OPEN_MARK}{CLOSE_MARK}]*){CLOSE_MARK}",
                      lambda m: _nocase(m, text), text)
        text = text.replace(OPEN_MARK, "").replace(CLOSE_MARK, "")
    for opening, closing, tag in MARKUP_TAGS.values():
        text = text.replace(opening, f"<{tag}>").replace(closing, f"</{tag}>")
    return text


def _nocase(match: re.Match, text: str) -> str:
    start = text.rfind(" ", 0, match.start()) + 1
    end = text.find(" ", match.end())
    words = text[start:end if end >= 0 else len(text)].replace(OPEN_MARK, "").replace(
        CLOSE_MARK, "").split()
    inner = match.group(1)
    if not any(c.isupper() for c in inner) or all(_protected_anyway(w) for w in words):
        return inner
    return f'<span class="nocase">{inner}</span>'


def _protected_anyway(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


def _marked_groups(latex: str) -> str:
    """latex with each top-level braced group that protects case (not a command's argument,
    not a special character such as `{\\"O}`, not math) between OPEN_MARK and CLOSE_MARK."""
    if "{" not in latex:
        return latex
    out, i, math = [], 0, False
    while i < len(latex):
        char = latex[i]
        command = MARKUP_COMMAND.match(latex, i) if char == "\\" and not math else None
        end = _group_end(latex, command.end() - 1) if command else None
        if command and end:
            opening, closing, _ = MARKUP_TAGS[command.group(1)]
            out.append(opening + _marked_groups(latex[command.end():end]) + closing)
            i = end + 1
            continue
        if char == "\\":
            out.append(latex[i:i + 2])
            i += 2
            continue
        if char == "$":
            math = not math
        if char == "{" and not math and not _opens_argument(latex, i):
            end = _group_end(latex, i)
            if end and not latex[i + 1:end].lstrip().startswith(("\\", "$")):  # math keeps case
                out.append(OPEN_MARK + latex[i + 1:end] + CLOSE_MARK)
                i = end + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _opens_argument(latex: str, i: int) -> bool:
    """Whether the brace at i is a command's argument (`\\emph {`, `\\'{`, `^{`, `_{`). Read
    backwards over spaces and one command's name only: never more than the text since the
    brace before, so a title is read once whatever its braces."""
    j = i - 1
    while j >= 0 and latex[j].isspace():
        j -= 1
    if j < 0:
        return False
    if latex[j] in "^_":
        return True
    if latex[j] in ascii_letters:
        while j >= 0 and latex[j] in ascii_letters:
            j -= 1
        return j >= 0 and latex[j] == "\\"
    return j >= 1 and latex[j - 1] == "\\"


def _group_end(latex: str, start: int) -> int | None:
    depth, i = 0, start
    while i < len(latex):
        if latex[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        if depth == 0:
            return i
        i += 1
    return None


def _subtitles_kept(fields: dict, record: dict, convert) -> set[str]:
    """subtitle and booksubtitle when the title and booktitle hold them (not when too long)."""
    bib = record.get("bib", {})
    held = {"subtitle": record["title"], "booksubtitle": bib.get("booktitle", ""),
            "mainsubtitle": bib.get("maintitle", "")}
    return {name for name, text in held.items()
            if fields.get(name, "").strip() and text.endswith(convert(fields[name], name))}


def with_subtitle(title: str, subtitle: str, most: int = TITLE_MAX) -> str:
    """The title with its subtitle, joined as Zotero joins them ("Title: Subtitle", no colon
    after a title's own punctuation); the title alone when both would be too long to keep."""
    if not subtitle:
        return title
    joint = " " if title[-1:] in "-–—:!?.;" else ": "
    whole = title + joint + subtitle
    return whole if len(whole) <= most else title


def bib_fields(fields: dict, convert=latex_field) -> dict:
    bib = {}
    for name, source in BIB_SOURCES:
        value = _text(fields, source, convert)
        if value and name not in bib:
            bib[name] = value
    for name in ("booktitle", "maintitle"):
        if name in bib:  # booksubtitle, mainsubtitle
            sub = _text(fields, name[:-5] + "subtitle", convert)
            bib[name] = with_subtitle(bib[name], sub)
    month = month_number(fields.get("month", ""))
    if month:
        bib["month"] = str(int(month))
    editors = person_parts(fields, "editor", convert)
    if editors:
        bib["editor"] = " and ".join(editor_text(parts) for parts in editors)
    return bib


def _text(fields: dict, name: str, convert=latex_field, paragraphs: bool = False) -> str:
    return convert(fields.get(name, ""), name, paragraphs)


def person_names(fields: dict, field: str, convert=latex_field) -> list[str | dict]:
    """Names as a record holds them (`record_name`) from BibTeX's `Last, First and ...`."""
    return [record_name(parts) for parts in person_parts(fields, field, convert)]


def person_parts(fields: dict, field: str, convert=latex_field) -> list[dict]:
    """The parts of each name of a field: a name braced whole is a literal (a company)."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    value = fields.get(field, "")
    raws = split_multiple_persons_names(" ".join(value.split())) if value.strip() else []
    parts = [bibtex_parts(raw, lambda text: convert(text, field)) for raw in raws
             if raw.strip().lower() != "others"]
    return [p for p in parts if any(p.values())]
