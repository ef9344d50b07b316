"""What the MkDocs hook does, kept in the package so its state outlives MkDocs reloading the hook.

`mkdocs build` stops on bad data. `mkdocs serve` prints the problems and keeps serving the
last good pages (the generator writes nothing when validation fails), then picks the data up
again on the next save that fixes it.
"""

from __future__ import annotations

import html
import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

from .config import settings_from
from .model import Collection
from .problems import DataError
from .site import generate

log = logging.getLogger("mkdocs.hooks.papers")
TOPICS_NAV_ENTRY = "topics/index.md"


class _State:
    command = "build"
    last_good: Collection | None = None


def on_startup(command: str, dirty: bool) -> None:
    _State.command = command


def on_config(config):
    try:
        # MkDocs' resolved config, so INHERIT, !ENV and --site-dir-style overrides all count.
        settings = settings_from(Path(config.config_file_path), config.docs_dir, config.extra)
        _watch_templates(config, settings)
        result = generate(settings, strict=bool(config.strict))
    except DataError as err:
        if _State.command != "serve" or _State.last_good is None:
            raise PluginError("the paper data has problems:\n" + "\n".join(map(str, err.problems))) from None
        _report_while_serving(err)
        config.nav = _with_topics(config.nav, _State.last_good)
        return config
    except OSError as err:
        raise PluginError(f"papers: {err.filename or ''}: {err.strerror or err}") from None
    _State.last_good = result.collection
    for warning in result.warnings:
        log.warning(str(warning))
    if result.report.written or result.report.removed:
        log.info(f"papers: {result.report}")
    config.nav = _with_topics(config.nav, result.collection)
    return config


def _watch_templates(config, settings) -> None:
    """`mkdocs serve` rebuilds when a custom template changes (if the folder exists at start)."""
    folder = str(settings.templates_dir)
    if settings.templates_dir.is_dir() and folder not in config.watch:
        config.watch.append(folder)


def _report_while_serving(err: DataError) -> None:
    # Printed outside MkDocs' logger on purpose: under strict mode a logged error would fail
    # the build, and a failed build makes `mkdocs serve` stop answering until it is fixed.
    lines = [f"papers: {len(err.problems)} problem(s) in the data; still serving the last good pages:"]
    lines += [f"  {problem}" for problem in err.problems]
    print("\n".join(lines), file=sys.stderr, flush=True)


def _with_topics(nav, collection: Collection):
    """Expand the nav entry that points at topics/index.md into a section listing every topic."""
    if not nav:
        return nav
    # Themes print nav titles into HTML as they are: escape them like every other record text.
    pages = [TOPICS_NAV_ENTRY] + [{html.escape(t.title): f"topics/{t.id}.md"} for t in collection.topics if t.parent is None]
    expanded = []
    for item in nav:
        if isinstance(item, dict) and list(item.values()) == [TOPICS_NAV_ENTRY]:
            expanded.append({next(iter(item)): pages})
        else:
            expanded.append(item)
    return expanded
