"""The `papers` plugin's options reach the settings a build uses, each under its own name."""

from __future__ import annotations

from pathlib import Path

import yaml
from mkdocs.config import load_config

from generator.config import PapersConfig, load_settings
from generator.plan import PlanSettings
from generator.render import SiteSettings

# Every option at a value unlike its default and unlike every other option's, so a value that
# lands in another option's place shows.
OPTIONS = {
    "data_dir": "my-data", "templates_dir": "my-templates", "cache": False, "cache_dir": "my-cache",
    "per_page": 3, "terms_per_page": 4, "cards_per_page": 5, "recent": 6, "author_pages_from": 7,
    "nav_topics": 8, "reference_style": "apa", "related": 9, "search_index": False,
    "search_part_pages": 10,
    "venues": {"Learning Representations*": "ICLR"},
    "bibtex_abstracts": True, "citation_counts": False, "thumbnails": False,
}
SITE = {"site_name": "Mine", "site_url": "https://example.org/", "use_directory_urls": False,
        "docs_dir": "my-docs"}


def write_config(root: Path, options: dict) -> Path:
    (root / "my-docs").mkdir(exist_ok=True)
    config = root / "mkdocs.yml"
    config.write_text(yaml.safe_dump({**SITE, "plugins": [{"papers": options}]}), "utf-8")
    return config


def test_the_cases_name_every_option_at_a_value_unlike_its_default():
    defaults = {name: option.default for name, option in PapersConfig._schema}
    assert set(OPTIONS) == set(defaults)
    assert all(OPTIONS[name] != default for name, default in defaults.items())


def test_every_option_reaches_the_setting_of_its_name(tmp_path):
    settings = load_settings(write_config(tmp_path, OPTIONS))
    assert settings.plan == PlanSettings(per_page=3, terms_per_page=4, cards_per_page=5, recent=6,
                                         author_pages_from=7, feeds=True, related=9,
                                         venues=(("Learning Representations*", "ICLR"),),
                                         bibtex_abstracts=True)
    assert settings.site == SiteSettings(directory_urls=False, site_url="https://example.org/",
                                         site_name="Mine", reference_style="apa",
                                         venues=(("Learning Representations*", "ICLR"),),
                                         citation_counts=False, thumbnails=False)
    assert (settings.data_dir, settings.templates_dir) == (tmp_path / "my-data", tmp_path / "my-templates")
    assert (settings.docs_dir, settings.cache_file.parent) == (tmp_path / "my-docs", tmp_path / "my-cache")
    assert (settings.use_cache, settings.nav_topics) == (False, 8)


def test_mkdocs_reads_the_options_as_the_cli_does(tmp_path):
    plugin = load_config(str(write_config(tmp_path, OPTIONS))).plugins["papers"]
    assert {name: plugin.config[name] for name in OPTIONS} == OPTIONS


def test_no_options_give_the_defaults_of_the_settings(tmp_path):
    settings = load_settings(write_config(tmp_path, {}))
    assert settings.plan == PlanSettings(feeds=True)
    assert settings.site == SiteSettings(directory_urls=False, site_url="https://example.org/",
                                         site_name="Mine")
    assert (settings.use_cache, settings.cache_file) == (True, tmp_path / ".cache/papersite.sqlite")
