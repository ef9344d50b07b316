"""Very large records build (slowly is fine) without a quadratic blow-up."""

from __future__ import annotations

import pytest
from sitetools import article_text, copy_project, mkdocs_build

from generator.recordfile import dump_record

pytestmark = pytest.mark.slow

TOPICS = "- id: vision\n  title: Vision\n  description: Seeing.\n"


def big_records() -> dict[str, dict]:
    sentence = "Large abstracts *must* stay <exact> & whole. "
    return {
        "huge-abstract": {"title": "A paper with a 2 MB abstract", "topics": ["vision"],
                          "abstract": (sentence * (2 * 1024 * 1024 // len(sentence) + 1))[: 2 * 1024 * 1024]},
        "many-authors": {"title": "A paper with 5,000 authors", "topics": ["vision"], "abstract": "Big science.",
                         "authors": [f"Author Number {n}" for n in range(5000)]},
    }


def test_two_megabyte_abstract_and_five_thousand_authors_build(tmp_path):
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
    assert "Author Number 0, Author Number 1," in authors and "Author Number 4999" in authors
    print(f"built in {seconds:.1f} s")
