"""Records at the caps build, whole: a 100,000-character abstract and 1,000 authors."""

from __future__ import annotations

import pytest
from sitetools import article_text, copy_project, mkdocs_build

from generator.recordfile import dump_record

pytestmark = pytest.mark.slow

TOPICS = "- id: vision\n  title: Vision\n  description: Seeing.\n"


def big_records() -> dict[str, dict]:
    sentence = "Large abstracts *must* stay <exact> & whole. "
    return {
        "huge-abstract": {"title": "A paper with a 100,000-character abstract", "topics": ["vision"],
                          "abstract": (sentence * (100_000 // len(sentence) + 1))[:100_000]},
        "many-authors": {"title": "A paper with 1,000 authors", "topics": ["vision"], "abstract": "Big science.",
                         "authors": [f"Author Number {n}" for n in range(1000)]},
    }


def test_records_at_the_caps_build_whole(tmp_path):
    data = tmp_path / "data"
    (data / "papers").mkdir(parents=True)
    (data / "topics.yml").write_text(TOPICS, "utf-8")
    records = big_records()
    for paper_id, record in records.items():
        (data / "papers" / f"{paper_id}.yml").write_text(dump_record(record), "utf-8")
    project = copy_project(tmp_path / "project", data=data)
    result, seconds = mkdocs_build(project, project / "site", timeout=600)
    assert result.returncode == 0, result.stderr
    abstract = article_text(project / "site" / "papers" / "huge-abstract" / "index.html")
    assert " ".join(records["huge-abstract"]["abstract"].split()) in abstract
    authors = article_text(project / "site" / "papers" / "many-authors" / "index.html")
    assert "Author Number 0, Author Number 1," in authors and "Author Number 999" in authors
    print(f"built in {seconds:.1f} s")
