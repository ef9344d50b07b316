"""Problems found in user data, and the one exception that carries them all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # normal in real collections (no abstract): summarized, never fails --strict


def display_path(path: Path, root: Path) -> str:
    """path as a problem names it: relative to the project as written, never what a link in it
    leads to (a link's target is not told)."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        label = "" if self.severity == ERROR else f"{self.severity}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {label}{field}{self.message}"


class DataError(Exception):
    """Raised once, after every problem in the data has been collected."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors_of(problems: list[Problem], strict: bool) -> list[Problem]:
    """The problems that stop a build: errors, plus warnings under --strict; notes never do."""
    stopping = (ERROR, WARNING) if strict else (ERROR,)
    return [p for p in problems if p.severity in stopping]


def headline(problems: list[Problem], strict: bool, records: int | None = None) -> str:
    """The first line of a failed run: how many of each kind, and out of how many record files."""
    errors = len(errors_of(problems, strict))
    # under strict, warnings count as errors, not twice
    as_errors = errors - sum(1 for p in problems if p.severity == ERROR)
    warnings = sum(1 for p in problems if p.severity == WARNING) - as_errors
    notes = sum(1 for p in problems if p.severity == NOTE)
    parts = [f"{errors:,} error{'s' * (errors != 1)}",
             f"{warnings:,} warning{'s' * (warnings != 1)}",
             f"{notes:,} note{'s' * (notes != 1)}"]
    where = f" in {records:,} record file{'s' * (records != 1)}" if records is not None else ""
    return ", ".join(parts) + where


def summarize_notes(problems: list[Problem], shown: int = 3) -> list[str]:
    """One line per kind of note, with a count and the first few files."""
    files: dict[str, list[str]] = {}
    for problem in problems:
        if problem.severity == NOTE:
            files.setdefault(problem.message, []).append(problem.file)
    lines = []
    for message, where in sorted(files.items()):
        more = f" and {len(where) - shown} more" if len(where) > shown else ""
        lines.append(f"note: {message}: {len(where)} ({', '.join(where[:shown])}{more})")
    return lines
