"""The whole pipeline for one project: load and check everything, then render, then write."""

from __future__ import annotations

from dataclasses import dataclass

from .collection import load_collection
from .config import Settings
from .model import Collection
from .problems import Problem
from .render import GENERATED_DIRS, build
from .write import WriteReport, write_outputs


@dataclass
class Generated:
    collection: Collection
    warnings: list[Problem]
    report: WriteReport


def generate(settings: Settings, strict: bool = False) -> Generated:
    """Raises DataError (and writes nothing) when the data has errors."""
    collection, warnings = load_collection(settings.data_dir, settings.root, strict=strict)
    outputs = build(collection, settings.templates_dir, settings.recent)
    report = write_outputs(settings.docs_dir, outputs, GENERATED_DIRS)
    return Generated(collection, warnings, report)
