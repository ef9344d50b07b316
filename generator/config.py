"""Settings of a project: the `papers` plugin's options in its mkdocs.yml, plus `docs_dir` and
`use_directory_urls`.

The options are declared once, with MkDocs' own config options, so MkDocs validates them when
it loads the plugin; the CLI reads mkdocs.yml with MkDocs' own YAML loading (so `INHERIT:` and
`!ENV` work the same) and validates the options with the same declaration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import ConfigurationError

from .plan import PlanSettings
from .problems import DataError, Problem
from .render import SiteSettings
from .searchindex import PART_PAGES

PLUGIN = "papers"


class PositiveInt(c.Type):
    def __init__(self, default: int):
        super().__init__(int, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or value < 1:
            raise base.ValidationError(f"expected a positive whole number, got {value!r}")
        return value


class RelatedCount(c.Type):
    def __init__(self, default: int):
        super().__init__(int, default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if isinstance(value, bool) or not 0 <= value <= 20:
            raise base.ValidationError(f"expected a whole number from 0 to 20, got {value!r}")
        return value


class VenueNamesOption(c.Type):
    """A mapping of venue titles or patterns to short names, both non-empty text."""

    def __init__(self):
        super().__init__(dict, default={})

    def run_validation(self, value):
        value = super().run_validation(value)
        for pattern, short in value.items():
            if not (isinstance(pattern, str) and pattern.strip() and isinstance(short, str)
                    and short.strip() and len(short) <= 100):
                raise base.ValidationError(
                    f"expected venue titles or patterns mapped to short names of at most 100 "
                    f"characters, got {pattern!r}: {short!r}")
        return value


# The options that become PlanSettings and SiteSettings fields take those fields' defaults, so
# each default is stated once; settings_from joins each option to its field by name.
PLAN_DEFAULTS, SITE_DEFAULTS = PlanSettings(), SiteSettings()


class PapersConfig(base.Config):
    # (`data` alone cannot be an option name: MkDocs' config objects use that attribute)
    data_dir = c.Type(str, default="data")  # the folder of papers/ and topics.yml
    templates_dir = c.Type(str, default="templates")  # templates here override the packaged ones
    # keep what builds learn in cache_dir, to redo only what changed
    cache = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache")
    per_page = PositiveInt(PLAN_DEFAULTS.per_page)  # papers on one page of a listing
    # terms on one page of a facet index (tags, authors, ...)
    terms_per_page = PositiveInt(PLAN_DEFAULTS.terms_per_page)
    # topic cards on one page of the topics index and on the home page
    cards_per_page = PositiveInt(PLAN_DEFAULTS.cards_per_page)
    recent = PositiveInt(PLAN_DEFAULTS.recent)  # recently added papers on the home page
    # papers an author needs for a page of their own
    author_pages_from = PositiveInt(PLAN_DEFAULTS.author_pages_from)
    # more top-level topics than this: the nav shows the topics index alone
    nav_topics = PositiveInt(30)
    # the formatted reference on paper pages, by citeproc-py: "acm" (about 0.5 ms a paper),
    # "apa" (about 3 ms) or "none"
    reference_style = c.Choice(("acm", "apa", "none"), default=SITE_DEFAULTS.reference_style)
    # related papers on each paper page; 0 computes neither them nor the map (a saved edit of a
    # paper's words then costs nothing extra: with them, the whole collection is compared again)
    related = RelatedCount(PLAN_DEFAULTS.related)
    # index the built paper pages with Pagefind, for the search page
    search_index = c.Type(bool, default=True)
    # papers in one part of the search index (a part is indexed again only when its pages change)
    search_part_pages = PositiveInt(PART_PAGES)
    # venue (or a pattern with `*`) -> the short name pages show (`ICLR`, `ICLR 2015`)
    venues = VenueNamesOption()
    # also downloads/papers-with-abstracts.bib: every paper's BibTeX with its abstract
    bibtex_abstracts = c.Type(bool, default=PLAN_DEFAULTS.bibtex_abstracts)
    # paper pages and listings show the citation counts records hold (`citations`)
    citation_counts = c.Type(bool, default=SITE_DEFAULTS.citation_counts)
    # a record's local PDF without an `image`: its first page drawn as the paper's picture
    thumbnails = c.Type(bool, default=SITE_DEFAULTS.thumbnails)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What a build needs to know of a project; made from the options by settings_from only,
    so the options' defaults are the only ones."""

    root: Path
    docs_dir: Path
    data_dir: Path
    templates_dir: Path
    plan: PlanSettings
    site: SiteSettings
    cache_dir: Path
    use_cache: bool
    nav_topics: int

    @property
    def cache_file(self) -> Path:
        return self.cache_dir / "papersite.sqlite"


def settings_from(config_file: Path, docs_dir: str | Path, directory_urls: bool,
                  options: PapersConfig, site_url: str | None = None,
                  site_name: str | None = None) -> Settings:
    """Settings from validated options (by MkDocs for the plugin, by load_settings for the CLI)."""
    root = config_file.parent
    check_data_folders(root, root / options.data_dir)
    web = isinstance(site_url, str) and site_url.startswith(("http://", "https://"))
    absolute = site_url if web else ""
    plan = PlanSettings(
        per_page=options.per_page,
        terms_per_page=options.terms_per_page,
        cards_per_page=options.cards_per_page,
        recent=options.recent,
        author_pages_from=options.author_pages_from,
        feeds=bool(absolute),
        related=options.related,
        venues=tuple(options.venues.items()),
        bibtex_abstracts=options.bibtex_abstracts,
    )
    site = SiteSettings(directory_urls=bool(directory_urls), site_url=absolute,
                        site_name=str(site_name or ""), reference_style=options.reference_style,
                        venues=tuple(options.venues.items()),
                        citation_counts=options.citation_counts, thumbnails=options.thumbnails)
    return Settings(
        root=root,
        docs_dir=root / docs_dir,
        data_dir=root / options.data_dir,
        templates_dir=root / options.templates_dir,
        plan=plan,
        site=site,
        cache_dir=root / options.cache_dir,
        use_cache=options.cache,
        nav_topics=options.nav_topics,
    )


def check_data_folders(root: Path, data_dir: Path) -> None:
    """Refuse a data folder, papers folder or topics file inside the project that a symbolic link
    takes outside it: a build would publish what is there, and `import` and `new` would write
    there. A link that stays inside the project is harmless. Where it leads is not said."""
    inside = root.resolve()
    top = Path(os.path.normpath(root.absolute()))
    for path in (data_dir, data_dir / "papers", data_dir / "topics.yml"):
        named = Path(os.path.normpath(path.absolute()))
        if named.is_relative_to(top) and not _leads_inside(path, inside):
            shown = named.relative_to(top).as_posix()
            why = "a symbolic link to something outside the project: not read or written " \
                  "(the data must lie inside the project)"
            raise DataError([Problem(shown, 0, 0, "", why)])


def _leads_inside(path: Path, inside: Path) -> bool:
    try:
        return path.resolve().is_relative_to(inside)
    except (OSError, RuntimeError):  # a loop of links
        return False


def load_settings(config_file: Path) -> Settings:
    """Settings of the project of config_file, read the way MkDocs reads it; a missing file
    means all defaults."""
    display = config_file.name
    raw: object = {}
    if config_file.is_file():
        from mkdocs.utils.yaml import yaml_load

        try:
            with open(config_file, "rb") as handle:
                raw = yaml_load(handle)
        except (ConfigurationError, OSError, UnicodeDecodeError, ValueError) as err:
            why = f"cannot read the config: {err}"
            raise DataError([Problem(display, 0, 0, "", why)]) from None
    if not isinstance(raw, dict):
        raise DataError([Problem(display, 0, 0, "", "expected a mapping of settings")])
    options = validated_options(display, plugin_options(display, raw.get("plugins")))
    return settings_from(config_file, raw.get("docs_dir") or "docs",
                         raw.get("use_directory_urls", True), options, raw.get("site_url"),
                         raw.get("site_name"))


def plugin_options(display: str, plugins: object) -> dict:
    """The `papers` plugin's options in a `plugins:` value (a list, or a mapping)."""
    if plugins is None:
        return {}
    if isinstance(plugins, dict):
        items = plugins.items()
    else:  # a list of names, or of one-entry mappings of a name to its options
        items = [(p, None) if isinstance(p, str) else next(iter(p.items()))
                 for p in plugins if isinstance(p, (str, dict)) and p]
    for name, options in items:
        if name == PLUGIN:
            if options is None:
                return {}
            if not isinstance(options, dict):
                why = f"expected a mapping of options, got {options!r}"
                raise DataError([Problem(display, 0, 0, f"plugins.{PLUGIN}", why)])
            return options
    return {}


def validated_options(display: str, options: dict) -> PapersConfig:
    config = PapersConfig(config_file_path=display)
    config.load_dict(options)
    failed, warnings = config.validate()
    problems = [Problem(display, 0, 0, f"plugins.{PLUGIN}.{key}", str(message))
                for key, message in [*failed, *warnings]]
    if problems:
        raise DataError(problems)
    return config
