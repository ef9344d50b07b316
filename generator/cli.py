"""Command line: a thin layer over the library; every command works on the project of a
mkdocs.yml."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from . import readme
from .additions import Planner
from .build import generate
from .collection import load_collection
from .config import load_settings
from .importer import ABSTRACT_MIN, import_entries, parse_listing
from .importers.run import FORMATS as IMPORT_FORMATS
from .importers.run import report_lines
from .problems import (
    NOTE,
    WARNING,
    DataError,
    Problem,
    display_path,
    errors_of,
    headline,
    summarize_notes,
)
from .progress import ConsoleProgress
from .suggest import ABSTRACT_WEIGHT, DEFAULT_MIN_SCORE, TITLE_WEIGHT, evaluate, suggest_topics
from .write import write_atomic
from .yamlread import decode_utf8


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except DataError as err:
        _report(err.problems, args)
        return 1
    except OSError as err:  # unreadable data, unwritable docs/: say which file, no traceback
        print(f"error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papersite", description=__doc__)
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                        help="the project's mkdocs.yml (default: ./mkdocs.yml)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser("validate",
                                   help="check every record and topic, report all problems")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.set_defaults(run=cmd_validate)
    _add_topics(commands)
    _add_import(commands)
    from .sync_cli import add_command as add_sync_command

    add_sync_command(commands)
    _add_build_and_new(commands)
    _add_site_commands(commands)
    _add_export(commands)
    return parser


def _add_topics(commands) -> None:
    topics = commands.add_parser("topics", help="work with the topic taxonomy")
    topic_commands = topics.add_subparsers(dest="topics_command", required=True, metavar="ACTION")
    suggest = topic_commands.add_parser(
        "suggest",
        help="rank topics a paper's title and abstract point to but the paper does not carry",
        description="Keywords of each topic are matched as whole words: one in the title scores "
        f"{TITLE_WEIGHT}, one in the abstract {ABSTRACT_WEIGHT}. Records are never changed.",
    )
    suggest.add_argument("--min-score", type=int, default=DEFAULT_MIN_SCORE, metavar="N",
                         help=f"show suggestions scoring at least N (default {DEFAULT_MIN_SCORE})")
    suggest.add_argument("--only-untopiced", action="store_true",
                         help="only papers that have no topic yet")
    suggest.add_argument("--evaluate", action="store_true",
                         help="hide every paper's topics, suggest, and report how many "
                         "suggestions the curated topics confirm")
    suggest.set_defaults(run=cmd_topics_suggest)


def _add_import(commands) -> None:
    imp = commands.add_parser("import", help="create records from another format")
    formats = imp.add_subparsers(dest="format", required=True, metavar="FORMAT")
    listing = formats.add_parser("listing", help="a text listing of title and abstract line pairs")
    listing.add_argument("file", type=Path)
    listing.add_argument("--dry-run", action="store_true",
                         help="list the records that would be created, write nothing")
    listing.add_argument("--min-abstract", type=int, default=ABSTRACT_MIN, metavar="N",
                         help="the listing starts at the first title followed by an abstract of "
                         f"at least N characters (default {ABSTRACT_MIN})")
    listing.add_argument("--from-line", type=int, metavar="N",
                         help="the listing starts at line N (lines before it are page chrome)")
    listing.set_defaults(run=cmd_import_listing)
    from .importers.services import add_commands as add_service_commands
    from .importers.services import import_arguments

    for name, what in IMPORT_FORMATS.items():
        fmt = formats.add_parser(name, help=what)
        import_arguments(fmt, "ID" if name == "arxiv" else "FILE").set_defaults(
            run=cmd_import_format)
    add_service_commands(formats, cmd_import_service)


def _add_build_and_new(commands) -> None:
    build = commands.add_parser("build",
                                help="validate, then write the generated pages under docs/")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--no-cache", action="store_true",
                       help="read every record and render every page, ignoring the build cache")
    build.set_defaults(run=cmd_build)
    new = commands.add_parser("new", help="write a skeleton record for a new paper")
    new.add_argument("--title", required=True)
    new.add_argument("--arxiv", help="arXiv id, e.g. 2401.12345")
    new.add_argument("--topic", action="append", dest="topics", metavar="ID",
                     help="topic id from data/topics.yml (repeat for more); asked for when "
                     "omitted on a terminal")
    new.set_defaults(run=cmd_new)


def _add_site_commands(commands) -> None:
    init = commands.add_parser("init", help="create a new site folder")
    init.add_argument("directory", type=Path, metavar="DIR", help="a new or empty folder")
    init.add_argument("--from", dest="sources", action="append", type=Path, default=[],
                      metavar="FILE", help="import a .bib, CSL-JSON (.json) or .ris export into it")
    init.set_defaults(run=cmd_init)
    clear = commands.add_parser("clear", help="delete every record; reset topics, pages, site name")
    clear.add_argument("--yes", action="store_true", help="really delete the records")
    clear.set_defaults(run=cmd_clear)


def _add_export(commands) -> None:
    export = commands.add_parser("export", help="write the collection in another form")
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")
    readme = kinds.add_parser("readme", help="the collection as a Markdown list grouped by topic")
    readme.add_argument("--topic", metavar="ID", help="only this topic and its sub-topics")
    readme.add_argument("--output", type=Path, metavar="FILE",
                        help="update FILE between its marker lines (or create it)")
    readme.add_argument("--site-url", metavar="URL",
                        help="link papers to their pages here (default: site_url)")
    readme.set_defaults(run=cmd_export_readme)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _report(problems: list[Problem], args: argparse.Namespace) -> None:
    strict = getattr(args, "strict", False)
    errors = len(errors_of(problems, strict))
    if errors:
        print(headline(problems, strict, _record_files(args)), file=sys.stderr)
    _print_problems(problems)
    if errors:
        print(f"{errors} problem(s) found; nothing was written.", file=sys.stderr)


def _record_files(args: argparse.Namespace) -> int | None:
    try:
        papers = load_settings(args.config_file).data_dir / "papers"
        return sum(1 for path in papers.rglob("*") if path.suffix in (".yml", ".yaml"))
    except (DataError, OSError):
        return None


def _print_problems(problems: list[Problem]) -> None:
    """Errors and warnings one per line; notes (normal in real collections) as counts."""
    for problem in problems:
        if problem.severity != NOTE:
            print(problem, file=sys.stderr)
    for line in summarize_notes(problems):
        print(line, file=sys.stderr)


def _collection(args: argparse.Namespace, strict: bool = False, quiet: bool = False):
    settings = load_settings(args.config_file)
    data, root = settings.data_dir, settings.root
    collection, warnings = load_collection(data, root, strict, settings.docs_dir)
    if not quiet:  # an import reports its own problems, not the collection's from before it
        _print_problems(warnings)
    return settings, collection


def cmd_validate(args: argparse.Namespace) -> int:
    from .sync_config import load_sources, sources_path

    settings, collection = _collection(args, strict=args.strict)
    # the sources `sync` reads, checked with the records: the scheduled sync fails otherwise
    sources = load_sources(settings.data_dir, settings.root, {t.id for t in collection.topics})
    declared = (f", {_counted(len(sources), 'source')}"
                if sources_path(settings.data_dir).is_file() else "")
    print(f"ok: {_counted(len(collection.papers), 'paper')}, "
          f"{_counted(len(collection.topics), 'topic')}{declared}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    settings = load_settings(args.config_file)
    progress = ConsoleProgress()
    try:
        use_cache = settings.use_cache and not args.no_cache
        result = generate(settings, strict=args.strict, use_cache=use_cache, progress=progress)
    finally:
        progress.close()
    _print_problems(result.warnings)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    docs = display_path(settings.docs_dir, settings.root)
    counts = f"{_counted(result.nav.papers, 'paper')}, {_counted(result.nav.topic_count, 'topic')}"
    print(f"{counts} -> {docs}/: {result.report}")
    return 0


def cmd_export_readme(args: argparse.Namespace) -> int:
    settings, collection = _collection(args)
    site = args.site_url if args.site_url is not None else settings.site.site_url
    listing = readme.Listing(collection.papers, collection.topics, readme.public_site(site))
    if args.topic:
        readme.check_topic(listing, args.topic)
    block = readme.readme_block(listing, args.topic)
    if args.output is None:
        sys.stdout.write(block)
        return 0
    if args.output.exists():
        block = readme.updated(readme.read_text(args.output), block, str(args.output))
    write_atomic(args.output, block.encode("utf-8"))
    print(f"{args.output}: {_counted(len(listing.papers), 'paper')} listed", file=sys.stderr)
    return 0


def cmd_topics_suggest(args: argparse.Namespace) -> int:
    _, collection = _collection(args)
    if args.evaluate:
        result = evaluate(collection, args.min_score)
        print(
            f"precision {result.precision:.0%}: {result.right} of {result.shown} suggestions "
            f"at score >= {args.min_score} are topics the curator chose; "
            f"{result.papers_found} of {result.papers} papers got at least one right"
        )
        return 0
    suggestions = suggest_topics(collection, args.min_score, args.only_untopiced)
    for s in suggestions:
        matched = ", ".join(f'"{k}"' for k in s.matched)
        print(f"{s.paper.origin.file}: {s.paper.id}: consider topic `{s.topic.id}` "
              f"(score {s.score}: {matched})")
    print(f"{len(suggestions)} suggestion(s) at score >= {args.min_score}; "
          "records were not changed.")
    return 0


def cmd_import_listing(args: argparse.Namespace) -> int:
    settings, collection = _collection(args)
    display = args.file.as_posix()
    if not args.file.is_file():
        raise DataError([Problem(display, 0, 0, "", "file not found")])
    text, problems = decode_utf8(args.file.read_bytes(), display)
    if text is None:
        raise DataError(problems)
    listing, problems = parse_listing(text, display, args.min_abstract, args.from_line)
    if problems:
        raise DataError(problems)
    if listing.chrome:
        first, last = listing.chrome[0][0], listing.chrome[-1][0]
        shown = "; ".join(repr(line[:40]) for _, line in listing.chrome[:5])
        shown += "; ..." if len(listing.chrome) > 5 else ""
        print(f"{display}:{first}-{last}: {len(listing.chrome)} line(s) before the first title "
              f"taken as page chrome: {shown} (use --from-line to start elsewhere)")
    planner = Planner(collection, settings.data_dir / "papers", settings.root)
    result = import_entries(listing.entries, planner, display, dry_run=args.dry_run)
    verb = "would create" if args.dry_run else "created"
    for entry in result.skipped:
        print(f"skipped {display}:{entry.line}: already in the collection: {entry.title}")
    for path, entry in result.created:
        print(f"{verb} {display_path(path, settings.root)} ({display}:{entry.line})")
    if args.dry_run:
        print(f"would create {len(result.created)} record(s), skip {len(result.skipped)} "
              "already present; nothing was written")
    else:
        print(f"{len(result.created)} created, {len(result.skipped)} skipped")
    return 0


def cmd_import_format(args: argparse.Namespace) -> int:
    from .importers.run import run_import

    settings, collection = _collection(args, quiet=True)
    outcome = run_import(args.format, args.sources, collection, settings.data_dir / "papers",
                         settings.root, topics=args.topics, dry_run=args.dry_run,
                         update=args.update)
    return _reported(outcome, args.dry_run)


def cmd_import_service(args: argparse.Namespace) -> int:
    """An import that asks a service; a failed request is one line and exit 1, nothing written."""
    from .importers.run import run_import
    from .importers.services import client_for
    from .importers.web import ServiceError

    settings, collection = _collection(args, quiet=True)
    try:
        client = client_for(args, settings.cache_file.parent)
        outcome = run_import(args.format, args.sources, collection, settings.data_dir / "papers",
                             settings.root, topics=args.topics, dry_run=args.dry_run,
                             update=args.update, fetch=client)
    except ServiceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return _reported(outcome, args.dry_run)


def _reported(outcome, dry_run: bool) -> int:
    for line in report_lines(outcome, dry_run):
        print(line)
    # the good entries are in; a script or CI still learns that some were not
    return 1 if any(p.severity not in (WARNING, NOTE) for p in outcome.problems) else 0


def cmd_new(args: argparse.Namespace) -> int:
    from .newrecord import create_record

    settings, collection = _collection(args)
    topics = args.topics or _ask_for_topics(collection)
    path = create_record(settings, collection, args.title, args.arxiv, topics)
    shown = display_path(path, settings.root)
    print(f"created {shown}: add authors and an abstract, then run `validate`")
    return 0


def _ask_for_topics(collection) -> list[str]:
    """Topics typed at a terminal; without one, --topic is required so the record validates."""
    known = [t.id for t in collection.topics]
    if not known:
        return []
    if not sys.stdin.isatty():
        why = f"give --topic ID (repeat for more); known topics: {', '.join(known)}"
        raise DataError([Problem("command line", 0, 0, "topic", why)])
    print("Topics: " + ", ".join(known))
    answer = input("Topic id(s) for this paper, separated by spaces: ")
    return answer.replace(",", " ").split()


def cmd_init(args: argparse.Namespace) -> int:
    from .newsite import check_init, create_site

    check_init(args.directory, args.sources)
    written = create_site(args.directory)
    shown = args.directory.as_posix()
    print(f"created {shown}/: {', '.join(written)}, data/papers/")
    code = max((_import_into(args.directory, source) for source in args.sources), default=0)
    print(f"next: cd {shlex.quote(shown)} && mkdocs serve (edit site_name in mkdocs.yml, "
          "docs/index.md and docs/about.md; see requirements.txt before publishing)")
    return code


def _import_into(site: Path, source: Path) -> int:
    """Import one export into a new site, every paper under its one topic; 1 if an entry failed."""
    from .importers.run import run_import
    from .newsite import TOPIC, import_format

    config = argparse.Namespace(config_file=site / "mkdocs.yml")
    settings, collection = _collection(config, quiet=True)
    papers = settings.data_dir / "papers"
    outcome = run_import(import_format(source), [str(source)], collection, papers, settings.root,
                         topics=[TOPIC])
    return _reported(outcome, False)


def cmd_clear(args: argparse.Namespace) -> int:
    from .newsite import clear_collection

    settings = load_settings(args.config_file)
    cleared = clear_collection(settings, args.config_file, args.yes)
    reset = ", ".join(display_path(p, settings.root) for p in cleared.reset)
    print(f"deleted {len(cleared.records)} record file(s); reset {reset}")
    return 0
