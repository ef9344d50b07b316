"""The whole pipeline for one project: load and check everything, then render, then write."""

from __future__ import annotations

from dataclasses import dataclass, field

from .collection import load_collection
from .config import Settings
from .group import has_dates, has_tags
from .model import Collection
from .problems import Problem
from .render import GENERATED_DIRS, build
from .write import WriteReport, write_outputs


@dataclass
class Generated:
    collection: Collection
    warnings: list[Problem]
    report: WriteReport
    notes: list[str] = field(default_factory=list)


def curator_notes(collection: Collection) -> list[str]:
    """Hints for whoever keeps the collection: printed by the build, never shown to visitors."""
    notes = []
    if collection.papers and not has_dates(collection):
        notes.append("no paper has a `date`, so the By year page is left out of the navigation")
    if collection.papers and not has_tags(collection):
        notes.append("no paper has `tags`, so the Tags page is left out of the navigation; add `tags: [...]` to records")
    return notes


def generate(settings: Settings, strict: bool = False) -> Generated:
    """Raises DataError (and writes nothing) when the data has errors."""
    collection, warnings = load_collection(settings.data_dir, settings.root, strict=strict)
    outputs = build(collection, settings.templates_dir, settings.recent)
    report = write_outputs(settings.docs_dir, outputs, GENERATED_DIRS)
    return Generated(collection, warnings, report, curator_notes(collection))
