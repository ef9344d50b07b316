"""Importing into a collection: duplicates, --update, --dry-run, and what the generated BibTeX
of imported records looks like to bibtexparser, classic BibTeX and the importer itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import bibtexparser
import pytest
from conftest import REPO
from sitetools import copy_project, mkdocs_build

from generator.collection import load_collection
from generator.config import load_settings
from generator.latex import latex_to_unicode
from generator.pipeline import render_site
from generator.publication import cited_year
from generator.yamlread import read_yaml

FIXTURES = REPO / "tests" / "fixtures" / "import"
D2L = FIXTURES / "bibtex-d2l-trimmed-300plus.bib"


def papers_of(root):
    return sorted((root / "data/papers").glob("*.yml"))


def papers_bib(root) -> str:
    return render_site(load_settings(root / "mkdocs.yml"))["downloads/papers.bib"]


def test_dry_run_lists_every_record_and_writes_nothing(project, cli):
    root = project()
    code, out, err = cli(root, "import", "bibtex", str(FIXTURES / "bibtex-bbt-jabref-comments-1730.bib"), "--dry-run")
    assert code == 0, err
    assert out.count("would create data/papers/") == 4 and out.strip().endswith("nothing was written")
    assert papers_of(root) == []


def test_duplicates_by_arxiv_doi_and_title_are_skipped_and_update_fills_only_empty_fields(project, cli, tmp_path):
    root = project({
        "known.yml": "title: Attention is all you need\ntopics: [vision]\nvenue: Hand-written venue\n",
    })
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@inproceedings{Vaswani.Shazeer.Parmar.ea.2017,\n  title={Attention is All you Need},\n  author={Vaswani, Ashish and Shazeer, Noam},\n"
        "  booktitle={Advances in Neural Information Processing Systems},\n  pages={5998--6008},\n  year={2017}\n}\n"
        "@misc{again, title={{A}ttention {I}s {A}ll {Y}ou {N}eed!}, year={2017}}\n", "utf-8")
    before = (root / "data/papers/known.yml").read_text("utf-8")
    code, out, err = cli(root, "import", "bibtex", str(bib))
    assert code == 0, err
    assert out.count("skipped") == 2 and "same title as data/papers/known.yml" in out
    assert (root / "data/papers/known.yml").read_text("utf-8") == before
    code, out, err = cli(root, "import", "bibtex", str(bib), "--update")
    assert code == 0, err
    doc, problems = read_yaml(root / "data/papers/known.yml", "x")
    assert problems == []
    assert doc.value["venue"] == "Hand-written venue" and doc.value["title"] == "Attention is all you need"  # never overwritten
    assert doc.value["authors"] == ["Ashish Vaswani", "Noam Shazeer"] and doc.value["bib"]["pages"] == "5998–6008"
    assert (root / "data/papers/known.yml").read_text("utf-8").startswith(before)  # comments and layout kept


def test_a_taken_citekey_is_left_out_of_an_imported_record(project, cli, tmp_path):
    """Keys equal but for case name one BibTeX entry: the importer leaves such a key out of the
    record (a key is made up for it) rather than write a record that fails validation."""
    root = project({"mine.yml": "title: Mine\ntopics: [vision]\ncitekey: Smith2020\n",
                    "bare.yml": "title: Bare paper\ntopics: [vision]\n"})
    first, second = tmp_path / "first.bib", tmp_path / "second.bib"
    first.write_text("@misc{smith2020, title={Another paper}}\n"
                     "@misc{new2021, title={New}}\n", "utf-8")
    second.write_text("@misc{NEW2021, title={Newer}}\n"
                      "@misc{SMITH2020, title={Bare paper}, year={2020}}\n", "utf-8")
    args = ["--update", "--topic", "vision"]
    code, out, err = cli(root, "import", "bibtex", str(first), str(second), *args)
    assert code == 0, out + err
    assert "citekey 'smith2020' is taken (case aside) by data/papers/mine.yml" in out
    assert "citekey 'NEW2021' is taken (case aside) by data/papers/new.yml" in out
    assert "citekey 'SMITH2020' is taken (case aside) by data/papers/mine.yml" in out
    assert "3 created, 1 updated" in out and "3 warning(s)" in out
    keys = {path.stem: read_yaml(path, "x")[0].value.get("citekey") for path in papers_of(root)}
    assert keys == {"mine": "Smith2020", "bare": None, "another-paper": None, "new": "new2021",
                    "newer": None}
    assert "date" in read_yaml(root / "data/papers/bare.yml", "x")[0].value  # the rest is filled in
    code, _, err = cli(root, "validate")
    assert code == 0, err


def test_imported_records_validate_and_bibtex_parses_with_bibtexparser_2(project, cli):
    root = project()
    for name in ("biblatex-examples.bib", "bibtex-xampl-variant-pl-months.bib", "bibtex-bbt-math-markup-472.bib", "bibtex-biber-multiscript.bib"):
        code, out, err = cli(root, "import", "bibtex", str(FIXTURES / name), "--topic", "vision")
        summary = out.splitlines()[-1]
        # the good entries are written either way; entries left out make the exit status 1
        assert (code == 0) == (", 0 not imported" in summary), (name, summary, err)
    code, out, err = cli(root, "validate")
    assert code == 0, err
    text = papers_bib(root)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == len(papers_of(root))
    assert not re.search(r"=\s*[a-z]+\s*,", text), "a field uses a @string macro the file does not define"
    entry = {e.key: e for e in library.entries}["aksin"]
    assert entry.entry_type == "article" and entry["author"].startswith('{\\"O}zge Aks{\\i}n')


def test_round_trip_of_the_shipped_collection_papers_bib(project, cli, tmp_path):
    text = papers_bib(REPO)
    (tmp_path / "papers.bib").write_text(text, "utf-8")
    exported = {e.key: e for e in bibtexparser.parse_string(text).entries}
    root = project()
    code, out, err = cli(root, "import", "bibtex", str(tmp_path / "papers.bib"))
    assert code == 0, err
    shipped, _ = load_collection(REPO / "data", REPO)
    imported, _ = load_collection(root / "data", root)
    assert len(imported.papers) == len(shipped.papers) == len(exported)
    by_title = {p.title: p for p in imported.papers}
    for paper in shipped.papers:
        again = by_title[paper.title]
        assert [a.name for a in again.authors] == [a.name for a in paper.authors], paper.id
        cited = cited_year(paper.venue, paper.date, paper.arxiv)  # the venue's, not the preprint's
        assert (again.year, again.arxiv) == (cited, paper.arxiv), paper.id
        assert again.citekey in exported and exported[again.citekey].entry_type == (again.type or "misc")


# CI installs it (.ci/run), so there a missing bibtex fails the test instead of skipping it
@pytest.mark.skipif(shutil.which("bibtex") is None and not os.environ.get("CI"),
                    reason="classic bibtex is not installed (apt-get install texlive-base)")
def test_classic_bibtex_reads_the_generated_file_and_prints_readable_text(project, cli, tmp_path):
    root = project()
    for name in ("biblatex-examples.bib", "bibtex-d2l-trimmed-300plus.bib"):
        cli(root, "import", "bibtex", str(FIXTURES / name))
    (tmp_path / "papers.bib").write_text(papers_bib(root), "utf-8")
    (tmp_path / "cite.aux").write_text("\\citation{*}\n\\bibdata{papers}\n\\bibstyle{plain}\n", "utf-8")
    result = subprocess.run(["bibtex", "cite"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode <= 1 and "error message" not in result.stdout, result.stdout[-2000:]
    bbl = latex_to_unicode((tmp_path / "cite.bbl").read_text("utf-8"))
    assert "textbraceleft" not in bbl
    for words in ("Özge Aksın", "Martín Abadi", "Tensorflow: A system for large-scale machine learning"):
        assert words.casefold() in bbl.casefold(), words


@pytest.mark.slow
def test_three_hundred_entry_bib_imports_and_the_site_builds_strictly(tmp_path, cli):
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data/papers")
    (project / "data/topics.yml").write_text("- id: deep-learning\n  title: Deep learning\n  description: The book's references.\n", "utf-8")
    code, out, err = cli(project, "import", "bibtex", str(D2L), "--topic", "deep-learning")
    assert code == 0, err
    # the file lists "An image is worth 16x16 words" twice: the second is reported as already present
    assert out.strip().splitlines()[-1].startswith("311 created, 0 updated, 1 already present")
    result, _ = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list((tmp_path / "site/papers").glob("*/index.html"))) == 311


@pytest.mark.slow
def test_generated_bib_parses_with_bibtexparser_1_4_in_its_own_environment(project, cli, tmp_path):
    """bibtexparser 1.4 and 2 cannot share one environment: 1.4 gets a throwaway one."""
    root = project()
    for name in ("biblatex-examples.bib", "bibtex-xampl-variant-pl-months.bib", "bibtex-d2l-trimmed-300plus.bib"):
        cli(root, "import", "bibtex", str(FIXTURES / name))
    bib = tmp_path / "papers.bib"
    bib.write_text(papers_bib(root), "utf-8")
    venv = tmp_path / "venv14"
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True)
    pip = subprocess.run([venv / "bin/python", "-m", "pip", "install", "-q", "bibtexparser==1.4.4"], capture_output=True, text=True, timeout=300)
    if made.returncode or pip.returncode:
        pytest.skip(f"cannot install bibtexparser 1.4 into a throwaway environment: {pip.stderr[-300:]}")
    script = ("import sys, bibtexparser; from bibtexparser.bparser import BibTexParser\n"
              "db = bibtexparser.loads(open(sys.argv[1], encoding='utf-8').read(), BibTexParser(ignore_nonstandard_types=False, common_strings=False))\n"
              "print(len(db.entries))")
    result = subprocess.run([venv / "bin/python", "-c", script, str(bib)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) == len(papers_of(root))
