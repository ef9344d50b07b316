"""What the MkDocs hook does, kept in the package so its state outlives MkDocs reloading the hook.

`mkdocs build` stops on bad data. `mkdocs serve` never stops on the data: warnings are printed
and never block a rebuild, and on errors it keeps serving the last good pages (the generator
writes nothing when validation fails) with a banner on every page listing the problems, until
a save fixes them.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

from .config import settings_from
from .group import has_dates, has_tags
from .model import Collection
from .problems import ERROR, NOTE, WARNING, DataError, Problem, summarize_notes
from .site import generate

log = logging.getLogger("mkdocs.hooks.papers")
TOPICS_NAV_ENTRY = "topics/index.md"
BODY_OPEN = re.compile(r"<body\b[^>]*>")
BANNER_LIMIT = 50


class _State:
    command = "build"
    last_good: Collection | None = None
    problems: list[Problem] = []


def on_startup(command: str, dirty: bool) -> None:
    _State.command = command


def on_config(config):
    serving = _State.command == "serve"
    try:
        # MkDocs' resolved config, so INHERIT, !ENV and --site-dir-style overrides all count.
        settings = settings_from(Path(config.config_file_path), config.docs_dir, config.extra)
        _watch_templates(config, settings)
        result = generate(settings, strict=bool(config.strict) and not serving)
    except DataError as err:
        if not serving or _State.last_good is None:
            raise PluginError("the paper data has problems:\n" + "\n".join(map(str, err.problems))) from None
        _State.problems = err.problems
        _report_while_serving(err.problems, "still serving the last good pages")
        config.nav = _site_nav(config.nav, _State.last_good)
        return config
    except OSError as err:
        raise PluginError(f"papers: {err.filename or ''}: {err.strerror or err}") from None
    _State.last_good = result.collection
    _State.problems = []
    if serving:
        # Under `mkdocs serve`, MkDocs' strict mode would turn a logged warning into a failed
        # build, and a failed build stops the preview: print warnings instead of logging them.
        if any(p.severity == WARNING for p in result.warnings):
            _report_while_serving(result.warnings, "the pages are up to date")
    else:
        for warning in result.warnings:
            if warning.severity == WARNING:
                log.warning(str(warning))
    for note in summarize_notes(result.warnings):
        log.info(f"papers: {note}")
    for note in result.notes:
        log.info(f"papers: {note}")
    if result.report.written or result.report.removed:
        log.info(f"papers: {result.report}")
    config.nav = _site_nav(config.nav, result.collection)
    return config


def on_post_page(output: str, page, config) -> str:
    """While serving with broken data, every page starts with the list of problems."""
    if _State.command != "serve" or not _State.problems:
        return output
    return BODY_OPEN.sub(lambda m: m.group() + _banner(_State.problems), output, count=1)


def _banner(problems: list[Problem]) -> str:
    problems = [p for p in problems if p.severity != NOTE]
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems[:BANNER_LIMIT])
    more = f"<li>… and {len(problems) - BANNER_LIMIT} more (see the terminal)</li>" if len(problems) > BANNER_LIMIT else ""
    title = f"{len(problems)} problem(s) in the paper data: these pages are the last good build."
    return (f'<div class="papers-problems" role="alert"><p><strong>{html.escape(title)}</strong> '
            f"Fix them and save; this banner goes away.</p><ul>{items}{more}</ul></div>")


def _watch_templates(config, settings) -> None:
    """`mkdocs serve` rebuilds when a custom template changes (if the folder exists at start)."""
    folder = str(settings.templates_dir)
    if settings.templates_dir.is_dir() and folder not in config.watch:
        config.watch.append(folder)


def _report_while_serving(problems: list[Problem], state: str) -> None:
    # Printed outside MkDocs' logger on purpose: under strict mode a logged error would fail
    # the build, and a failed build makes `mkdocs serve` stop answering until it is fixed.
    errors = sum(p.severity == ERROR for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    lines = [f"papers: {errors} problem(s) in the data, {warnings} warning(s); {state}:"]
    lines += [f"  {problem}" for problem in problems if problem.severity != NOTE]
    print("\n".join(lines), file=sys.stderr, flush=True)


def _site_nav(nav, collection: Collection):
    """The topics entry expanded to one entry per top-level topic; empty facets left out."""
    if not nav:
        return nav
    empty = {"years/index.md": not has_dates(collection), "tags/index.md": not has_tags(collection)}
    # Themes print nav titles into HTML as they are: escape them like every other record text.
    pages = [TOPICS_NAV_ENTRY] + [{html.escape(t.title): f"topics/{t.id}.md"} for t in collection.topics if t.parent is None]
    expanded = []
    for item in nav:
        target = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else item
        if target == TOPICS_NAV_ENTRY:
            expanded.append({next(iter(item)): pages})
        elif not (isinstance(target, str) and empty.get(target)):
            expanded.append(item)
    return expanded
