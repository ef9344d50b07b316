"""MkDocs hook: run the generator before every build, so `mkdocs build` and `mkdocs serve`
always show the current data. Listed under `hooks:` in mkdocs.yml; uses public hook events only."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.config import load_settings  # noqa: E402
from generator.problems import DataError  # noqa: E402
from generator.site import generate  # noqa: E402

log = logging.getLogger("mkdocs.hooks.papers")
TOPICS_NAV_ENTRY = "topics/index.md"


def on_config(config):
    settings = load_settings(Path(config.config_file_path))
    try:
        result = generate(settings, strict=bool(config.strict))
    except DataError as err:
        raise PluginError("the paper data has problems:\n" + "\n".join(str(p) for p in err.problems)) from None
    for warning in result.warnings:
        log.warning(str(warning))
    if result.report.written or result.report.removed:
        log.info(f"papers: {result.report}")
    config.nav = _with_topics(config.nav, result.collection)
    return config


def _with_topics(nav, collection):
    """Expand the nav entry that points at topics/index.md into a section listing every topic."""
    if not nav:
        return nav
    pages = [TOPICS_NAV_ENTRY] + [{t.title: f"topics/{t.id}.md"} for t in collection.topics if t.parent is None]
    expanded = []
    for item in nav:
        if isinstance(item, dict) and list(item.values()) == [TOPICS_NAV_ENTRY]:
            expanded.append({next(iter(item)): pages})
        else:
            expanded.append(item)
    return expanded
