"""`python -m generator sync [--dry-run]`: the command over sync.py."""

from __future__ import annotations

import argparse
import datetime
import sys

from .problems import ERROR, display_path

# Each sync asks again: a daily run must see a day's changes, and an answer that came with an
# ETag or Last-Modified is only revalidated (a 304 carries no body).
SYNC_TTL = datetime.timedelta(0)


def add_command(commands) -> None:
    from .importers.services import CONTACT_ENV

    sync = commands.add_parser(
        "sync", help="import what is new at the sources of data/sources.yml and update what "
        "changed there, keeping fields edited by hand")
    sync.add_argument("--dry-run", action="store_true",
                      help="report what would be created and updated, write nothing")
    sync.add_argument("--mailto", metavar="ADDRESS",
                      help=f"contact address sent with each request (default: ${CONTACT_ENV})")
    sync.add_argument("--no-cache", action="store_true",
                      help="neither read nor keep answers in the HTTP cache")
    sync.set_defaults(run=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    """A failed request is one line and exit 1, with nothing written."""
    from .collection import load_collection
    from .config import load_settings
    from .importers.web import ServiceError
    from .sync import report_lines, sync
    from .sync_config import load_sources, sources_path

    settings = load_settings(args.config_file)
    collection, _ = load_collection(settings.data_dir, settings.root, False, settings.docs_dir)
    sources = load_sources(settings.data_dir, settings.root, {t.id for t in collection.topics})
    if not sources:
        shown = display_path(sources_path(settings.data_dir), settings.root)
        print(f"no sources declared in {shown}: nothing to sync (the README's \"Keeping in "
              "sync\" shows how to declare them)")
        return 0
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    try:
        client = _client(args, settings.cache_file.parent, log)
        report = sync(settings, collection, sources, client, dry_run=args.dry_run, log=log)
    except ServiceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in report_lines(report, args.dry_run):
        print(line)
    return 1 if any(p.severity == ERROR for p in report.problems) else 0


def _client(args: argparse.Namespace, cache_dir, log):
    from .importers.web import Client, cached_session, contact_address

    session = cached_session(None if args.no_cache else cache_dir, ttl=SYNC_TTL)
    return Client(session, contact_address(args.mailto), log=log)
