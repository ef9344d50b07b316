"""`init DIR`: a new site folder from the skeleton shipped in the package; `clear`: the same
neutral start for a project that already holds a collection (a fork of the repository).

The skeleton holds only settings and hand-written pages: the theme, the templates, the
stylesheet and the scripts come from the installed package, so `pip install -U` upgrades them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .problems import DataError, Problem, display_path

SKELETON = Path(__file__).parent / "skeleton"
# Files whose names start with a dot are shipped without it (package data skips dot folders).
DOT = "dot-"
TOPIC = "general"  # the skeleton's one topic; papers imported at creation get it
IMPORT_FORMATS = {".bib": "bibtex", ".bibtex": "bibtex", ".json": "csl-json", ".ris": "ris"}
# The lines of mkdocs.yml that `clear` sets back to the skeleton's.
NEUTRAL_KEYS = ("site_name", "site_description")
# The hand-written pages and the topics file that describe a collection, as the skeleton has them.
PAGES = ("docs/index.md", "docs/about.md")


def skeleton_files() -> list[tuple[str, Path]]:
    """(path in the new site, file in the package) for every skeleton file, sorted."""
    files = []
    for source in sorted(SKELETON.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            parts = source.relative_to(SKELETON).parts
            name = "/".join("." + p[len(DOT) :] if p.startswith(DOT) else p for p in parts)
            files.append((name, source))
    return files


def import_format(source: Path) -> str:
    return IMPORT_FORMATS.get(source.suffix.lower(), "")


def _refused(source: Path) -> list[Problem]:
    """An export whose content is not of the kind its name says (checked before the folder is
    made: a refused import would otherwise leave a new site behind it)."""
    from .importers.common import read_text
    from .importers.sniff import mismatch

    try:
        why = mismatch(import_format(source), read_text(source))
    except DataError as err:
        return list(err.problems)
    return [Problem(source.as_posix(), 0, 0, "--from", why)] if why else []


def check_init(target: Path, sources: list[Path]) -> None:
    """Everything that would stop `init`, found before anything is written."""
    problems = []
    if target.exists() and not target.is_dir():
        problems.append(Problem(target.as_posix(), 0, 0, "", "exists and is not a folder"))
    elif target.is_dir() and any(target.iterdir()):
        why = "the folder is not empty: give a new or empty folder (nothing was written)"
        problems.append(Problem(target.as_posix(), 0, 0, "", why))
    for source in sources:
        if not source.is_file():
            problems.append(Problem(source.as_posix(), 0, 0, "--from", "file not found"))
        elif not import_format(source):
            known = ", ".join(sorted(IMPORT_FORMATS))
            why = f"unknown kind of export; expected one of {known}"
            problems.append(Problem(source.as_posix(), 0, 0, "--from", why))
        else:
            problems += _refused(source)
    if problems:
        raise DataError(problems)


def create_site(target: Path) -> list[str]:
    """Copy the skeleton into target (new or empty) and an empty data/papers/; the paths written."""
    written = []
    for name, source in skeleton_files():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.read_bytes())
        written.append(name)
    (target / "data" / "papers").mkdir(parents=True, exist_ok=True)
    return written


@dataclass
class Cleared:
    records: list[Path] = field(default_factory=list)
    reset: list[Path] = field(default_factory=list)


def record_files(settings: Settings) -> list[Path]:
    papers = settings.data_dir / "papers"
    found = papers.rglob("*") if papers.is_dir() else ()
    records = (p for p in found if p.suffix in (".yml", ".yaml"))
    return sorted(p for p in records if p.is_file() or p.is_symlink())


def clear_collection(settings: Settings, config_file: Path, confirmed: bool) -> Cleared:
    """Delete every record, and set topics, home and about pages and the site's name back to
    the skeleton's. Deleting records needs confirmed: they may be all a project has."""
    records = record_files(settings)
    if records and not confirmed:
        why = (
            f"would delete {len(records)} record file(s); run again with --yes to delete them "
            "(nothing was changed)"
        )
        papers = display_path(settings.data_dir / "papers", settings.root)
        raise DataError([Problem(papers, 0, 0, "", why)])
    for record in records:
        record.unlink()  # a link is removed, never what it points at
    targets = {"data/topics.yml": settings.data_dir / "topics.yml"}
    targets |= {page: settings.docs_dir / Path(page).name for page in PAGES}
    for name, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((SKELETON / name).read_bytes())
    if config_file.is_file():
        config_file.write_text(neutral_config(config_file.read_text("utf-8")), encoding="utf-8")
    return Cleared(records, [*targets.values(), config_file])


def neutral_config(text: str) -> str:
    """text (a mkdocs.yml) with the skeleton's site name and description lines."""
    skeleton = (SKELETON / "mkdocs.yml").read_text("utf-8")
    for key in NEUTRAL_KEYS:
        line = re.search(rf"^{key}:.*$", skeleton, re.M).group()
        text = re.sub(rf"^{key}:.*$", lambda _, line=line: line, text, count=1, flags=re.M)
    return text
