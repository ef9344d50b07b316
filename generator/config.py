"""Settings of a project, read from the `extra.papers` section of its mkdocs.yml."""

from __future__ import annotations

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
    site_name: str
    site_url: str
    recent: int


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its `!!python/name:` or `!ENV` tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_settings(config_file: Path) -> Settings:
    root = config_file.parent
    raw = {}
    if config_file.is_file():
        try:
            raw = yaml.load(config_file.read_text("utf-8"), Loader=_TolerantLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise DataError([Problem(config_file.name, 0, 0, "", f"cannot read the config: {err}")]) from None
    section = ((raw.get("extra") or {}).get("papers")) or {}
    options = {**DEFAULTS, **section}
    _check_types(config_file.name, options)
    return Settings(
        root=root,
        docs_dir=root / str(raw.get("docs_dir") or "docs"),
        data_dir=root / options["data"],
        templates_dir=root / options["templates"],
        site_name=str(raw.get("site_name") or "Papers"),
        site_url=str(raw.get("site_url") or ""),
        recent=options["recent"],
    )


def _check_types(display: str, options: dict) -> None:
    problems = []
    for key, value in sorted(options.items()):
        wanted = type(DEFAULTS.get(key, ""))
        if key not in DEFAULTS:
            problems.append(Problem(display, 0, 0, f"extra.papers.{key}", f"unknown setting; known: {', '.join(DEFAULTS)}"))
        elif type(value) is not wanted or (wanted is int and value < 1):
            kind = "a positive whole number" if wanted is int else "a folder path"
            problems.append(Problem(display, 0, 0, f"extra.papers.{key}", f"expected {kind}, got {value!r}"))
    if problems:
        raise DataError(problems)
