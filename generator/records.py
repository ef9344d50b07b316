"""Load paper and topic records from data/, checking each one against its schema."""

from __future__ import annotations

import datetime
import errno
import os
import re
import stat
from pathlib import Path

from .bibtex import citation_key
from .bibtex_override import override_problem
from .facets import BIDI_CONTROLS
from .model import Origin, Paper, Topic, date_sort_key, paper_from_record, topic_from_record
from .notes import nesting_problem
from .problems import ERROR, WARNING, Problem, display_path
from .schema import check, describe, load_schema
from .slug import RESERVED_NAMES
from .yamlread import Document, parse_yaml, read_yaml

# Characters that cannot be shown as text: control characters other than tab and newlines,
# and those XML 1.0 forbids (lone surrogates, U+FFFE, U+FFFF), on which the feeds' writer
# stops. YAML refuses most of them written raw; these are the ones its escapes ("\uFFFE") let in.
UNSHOWABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


RECORD_SUFFIXES = (".yml", ".yaml")


def record_files(papers_dir: Path) -> list[Path]:
    return [Path(path) for path, _ in paper_files(papers_dir, papers_dir.parent)[0].values()]


FileStamps = dict[str, tuple[str, tuple[int, int]]]


def paper_files(papers_dir: Path, root: Path) -> tuple[FileStamps, list[Problem]]:
    """Record files by display path, with their size and modification time, in path order; and
    problems with what else is there: symbolic links leading out of the data folder, to a folder
    or round in a loop are refused (unread, so nothing of what they point at reaches a log), and
    files that are not records are named in warnings rather than skipped without a word."""
    base = display_path(papers_dir, root)
    inside = papers_dir.parent.resolve()
    found, problems = {}, []
    pending = [""]
    while pending:
        prefix = pending.pop()
        for entry in _folder_entries(papers_dir, prefix, base, problems):
            display = f"{base}/{prefix}{entry.name}"
            kind, why = _classify(entry, inside)
            if kind == "folder":
                pending.append(f"{prefix}{entry.name}/")
            elif kind == "record":
                st = entry.stat()  # kept by the entry since _classify asked
                found[prefix + entry.name] = (entry.path, (st.st_size, st.st_mtime_ns))
            elif why:
                problems.append(Problem(display, 0, 0, "", why, kind))
    return {f"{base}/{name}": found[name] for name in sorted(found)}, problems


def _folder_entries(papers_dir: Path, prefix: str, base: str, problems: list[Problem]):
    try:
        return list(os.scandir(papers_dir / prefix))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        shown = f"{base}/{prefix}".rstrip("/")
        problems.append(Problem(shown, 0, 0, "", f"a folder that cannot be read ({err.strerror})"))
        return []


# Folders are read only where they lie, never through a link: a link to a folder above it
# (`loop -> .`) would make the scan endless, and one to a folder beside it would read its
# records twice under two names.
FOLDER_LINK = "a symbolic link to a folder: not read (move or copy the folder here instead)"


def _classify(entry: os.DirEntry, inside: Path) -> tuple[str, str]:
    """("folder", ""), ("record", ""), ("skip", ""), or the severity of a problem and why the
    entry is not read. Where a refused link leads is never said."""
    try:
        why = _link_problem(entry, inside)
        if why:
            return ERROR, why
        if entry.is_dir():
            return "folder", ""
        if entry.name.startswith("."):
            return "skip", ""  # .gitkeep, editor files
        if not entry.name.endswith(RECORD_SUFFIXES) or not entry.is_file():
            why = "record files end in .yml or .yaml" if entry.is_file() else "not a regular file"
            return WARNING, f"not read: {why}"
        entry.stat()
        return "record", ""
    except OSError as err:  # gone since the folder was listed, or not ours to read
        return ERROR, f"cannot be read ({err.strerror})"


def _link_problem(entry: os.DirEntry, inside: Path) -> str:
    if not entry.is_symlink():
        return ""
    try:
        if not Path(entry.path).resolve().is_relative_to(inside):
            return "a symbolic link to something outside the data folder: not read"
        is_folder = stat.S_ISDIR(os.stat(entry.path).st_mode)
    except FileNotFoundError:
        return ""  # leads nowhere: named as not a regular file
    except (OSError, RuntimeError) as err:  # resolve() raises RuntimeError on a loop before 3.13
        if isinstance(err, RuntimeError) or err.errno == errno.ELOOP:
            return "a loop of symbolic links: not read"
        return f"a symbolic link that cannot be followed ({err.strerror}): not read"
    return FOLDER_LINK if is_folder else ""


def load_papers(papers_dir: Path, root: Path) -> tuple[list[Paper], list[Problem]]:
    papers: list[Paper] = []
    files, problems = paper_files(papers_dir, root)
    for display, (path, _) in files.items():
        found, trouble = load_paper_file(Path(path), display)
        papers += found
        problems += trouble
    return papers, problems


def load_paper_file(path: Path, display: str) -> tuple[list[Paper], list[Problem]]:
    doc, problems = read_yaml(path, display)
    return _papers_of(doc, problems, os.path.splitext(path.name)[0])


def load_paper_text(text: str, display: str, default_id: str) -> tuple[list[Paper], list[Problem]]:
    """Papers of a record file's text, checked exactly as `load_paper_file` checks files."""
    doc, problems = parse_yaml(text, display)
    return _papers_of(doc, problems, default_id)


def _papers_of(doc: Document | None, problems: list[Problem],
               default_id: str) -> tuple[list[Paper], list[Problem]]:
    if doc is None:
        return [], problems
    display = doc.file
    if isinstance(doc.value, list):
        if not doc.value:
            why = "file holds an empty list: expected paper records"
            return [], [Problem(display, 1, 1, "", why)]
        items = [((i,), item, None) for i, item in enumerate(doc.value)]
    else:
        items = [((), doc.value, default_id)]
    papers = []
    for prefix, record, item_id in items:
        paper, trouble = _paper(doc, prefix, record, item_id)
        problems += trouble
        if paper is not None:
            papers.append(paper)
    doc.settle(path for paper in papers for path in located_paths(paper))
    return papers, problems


def located_paths(paper: Paper) -> list[tuple]:
    """The values that checks across records may point at, each under its record's prefix."""
    prefix = paper.origin.prefix
    fields = [(), ("id",), ("arxiv",), ("doi",), *(("topics", i) for i in range(len(paper.topics)))]
    fields += [("links", "pdf")] if paper.local_pdf else []
    fields += [("image",)] if paper.image else []
    fields += [("citekey",)] if paper.citekey else []
    return [prefix + path for path in fields]


def _paper(doc: Document, prefix: tuple, record: object, default_id: str | None):
    line, col = doc.mark(prefix)
    if not isinstance(record, dict):
        why = f"expected a paper record (a mapping of fields), got {describe(record)}"
        return None, [Problem(doc.file, line, col, "", why)]
    problems = check(doc, record, prefix, "paper")
    if default_id is None and "id" not in record:
        why = "required for each record in a file that holds a list"
        problems.append(Problem(doc.file, line, col, "id", why))
    origin = Origin(doc, prefix)
    problems += _value_checks(record, origin)
    if "id" not in record and default_id is not None:
        problems += _id_checks(default_id, origin, from_file_name=True)
    if problems:
        return None, problems
    paper = paper_from_record(record, default_id, origin)
    if paper.bibtex:  # its key is made up only when needed: that takes a while at 100,000 papers
        why = override_problem(paper.bibtex, paper.citekey or citation_key(paper))
        if why:
            return None, [origin.problem(("bibtex",), why)]
    return paper, []


def _value_checks(record: dict, origin: Origin) -> list[Problem]:
    problems = []
    for name in ("date", "added"):
        value = record.get(name)
        if not isinstance(value, str):
            continue
        if any(part.startswith("0000") for part in value.split("/")):
            # the calendar of dates and citations has no year 0: they would print "5" for 0000-05
            problems.append(origin.problem((name,), f"{value!r}: there is no year 0000"))
        elif any(len(part) == 10 and not _real_date(part) for part in value.split("/")):
            problems.append(origin.problem((name,), f"{value!r} is not a date in the calendar"))
        elif "/" in value and date_sort_key(value.split("/")[1]) < date_sort_key(value):
            problems.append(origin.problem((name,), f"{value!r} ends before it starts"))
    counted = record.get("citations")
    if isinstance(counted, dict) and isinstance(counted.get("date"), str):
        if not _real_date(counted["date"]) or counted["date"].startswith("0000"):
            why = f"{counted['date']!r} is not a date in the calendar"
            problems.append(origin.problem(("citations", "date"), why))
    if isinstance(record.get("id"), str):
        problems += _id_checks(record["id"], origin, from_file_name=False)
    if isinstance(record.get("notes"), str) and (why := nesting_problem(record["notes"])):
        problems.append(origin.problem(("notes",), why))
    problems += _unshowable(record, origin, ())
    return problems


def value_problems(record: dict) -> list[Problem]:
    """Problems of a record given on the command line (no file, so no line numbers)."""
    origin = Origin(Document("command line", record))
    return _value_checks(record, origin)


def _id_checks(paper_id: str, origin: Origin, from_file_name: bool) -> list[Problem]:
    source = "file name " if from_file_name else ""
    if from_file_name:
        rule = load_schema("paper")["properties"]["id"]
        if not re.search(rule["pattern"], paper_id) or len(paper_id) > rule["maxLength"]:
            why = "use lowercase letters, digits and single hyphens, or set `id:`"
            return [origin.problem((), f"{source}{paper_id!r} is not a valid id: {why}")]
    if paper_id in RESERVED_NAMES:
        why = "is reserved (not a safe file name on every system)"
        return [origin.problem(() if from_file_name else ("id",), f"{source}{paper_id!r} {why}")]
    return []


def _real_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _unshowable(value: object, origin: Origin, path: tuple) -> list[Problem]:
    if isinstance(value, str):
        why = None if value.isprintable() else _unshowable_text(value)
        return [origin.problem(path, why)] if why else []
    if isinstance(value, dict):
        keys = [p for k in value for p in _unshowable(k, origin, path + (k,))]
        return keys + [p for k, v in value.items() for p in _unshowable(v, origin, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _unshowable(v, origin, path + (i,))]
    return []


def _unshowable_text(text: str) -> str | None:
    bad = UNSHOWABLE.search(text)
    if bad:
        code, place = ord(bad.group()), bad.start() + 1
        return (f"contains the character U+{code:04X} at position {place}, "
                "which cannot be shown as text or written in XML")
    unclosed = unclosed_bidi(text)
    if unclosed is not None:
        code, place = ord(text[unclosed]), unclosed + 1
        what = "a right-to-left or left-to-right override, embedding or isolate"
        return (f"the character U+{code:04X} at position {place} opens {what} that is never "
                "closed: it would reorder the text shown after the value (close it with U+202C or "
                "U+2069)")
    return None


# Bidirectional embeddings and overrides end at U+202C, isolates at U+2069. Left open in a
# tag, a name or a title, one would reorder whatever a page shows after it in the same line.
BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
BIDI_CLOSE = "\u202c\u2069"
ISOLATES = "\u2066\u2067\u2068"


def unclosed_bidi(text: str) -> int | None:
    """Index of the first bidirectional control in text that nothing closes, or None."""
    opened: list[int] = []
    for match in BIDI_CONTROL.finditer(text):
        char = match.group()
        if char not in BIDI_CLOSE:
            opened.append(match.start())
        elif char == "\u2069":  # an isolate's end closes what was opened inside it too
            while opened and text[opened.pop()] not in ISOLATES:
                pass
        elif opened and text[opened[-1]] not in ISOLATES:
            opened.pop()
    return opened[0] if opened else None


def load_topics(path: Path, root: Path) -> tuple[list[Topic], list[Problem]]:
    display = display_path(path, root)
    if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
        why = "a symbolic link to something outside the data folder: not read"
        return [], [Problem(display, 0, 0, "", why)]
    if not path.is_file():
        return [], []
    doc, problems = read_yaml(path, display, "a list of topics")
    if doc is None:
        return [], problems
    problems = check(doc, doc.value, (), "topics")
    if not problems and isinstance(doc.value, list):
        problems = [p for i, item in enumerate(doc.value)
                    for p in _unshowable(item, Origin(doc, (i,)), ())]
    if problems or not isinstance(doc.value, list):
        return [], problems
    return [topic_from_record(item, Origin(doc, (i,))) for i, item in enumerate(doc.value)], []
