"""Settings of a project: the `extra.papers` section and `docs_dir` of its mkdocs.yml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .problems import DataError, Problem

DEFAULTS = {"data": "data", "templates": "templates", "recent": 10}


@dataclass(frozen=True)
class Settings:
    root: Path
    docs_dir: Path
    data_dir: Path
    templates_dir: Path
    recent: int


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its `!!python/name:` or `!ENV` tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_settings(config_file: Path) -> Settings:
    """Settings from a mkdocs.yml read directly (the CLI); a missing file means all defaults."""
    raw: object = {}
    if config_file.is_file():
        try:
            raw = yaml.load(config_file.read_text("utf-8"), Loader=_TolerantLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise DataError([Problem(config_file.name, 0, 0, "", f"cannot read the config: {err}")]) from None
    if not isinstance(raw, dict):
        raise DataError([Problem(config_file.name, 0, 0, "", "expected a mapping of settings")])
    return settings_from(config_file, raw.get("docs_dir") or "docs", raw.get("extra"))


def settings_from(config_file: Path, docs_dir: str, extra: object) -> Settings:
    """Settings from config values, as read by the CLI or as resolved by MkDocs (the hook)."""
    display, root = config_file.name, config_file.parent
    if extra is not None and not isinstance(extra, Mapping):
        raise DataError([Problem(display, 0, 0, "extra", f"expected a mapping, got {extra!r}")])
    section = (extra or {}).get("papers")
    section = {} if section is None else section
    if not isinstance(section, Mapping):
        raise DataError([Problem(display, 0, 0, "extra.papers", f"expected a mapping of settings, got {section!r}")])
    options = {**DEFAULTS, **section}
    _check_types(display, options)
    return Settings(
        root=root,
        docs_dir=root / str(docs_dir),
        data_dir=root / options["data"],
        templates_dir=root / options["templates"],
        recent=options["recent"],
    )


def _check_types(display: str, options: dict) -> None:
    problems = []
    for key, value in sorted(options.items(), key=lambda item: str(item[0])):
        wanted = type(DEFAULTS.get(key, ""))
        if key not in DEFAULTS:
            problems.append(Problem(display, 0, 0, f"extra.papers.{key}", f"unknown setting; known: {', '.join(DEFAULTS)}"))
        elif type(value) is not wanted or (wanted is int and value < 1):
            kind = "a positive whole number" if wanted is int else "a folder path"
            problems.append(Problem(display, 0, 0, f"extra.papers.{key}", f"expected {kind}, got {value!r}"))
    if problems:
        raise DataError(problems)
