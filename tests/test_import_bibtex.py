"""The BibTeX importer on real .bib files: macros, crossref, comments, LaTeX, broken entries."""

from __future__ import annotations

from conftest import REPO

from generator.importers.bibtex import parse_bibtex
from generator.importers.common import read_text
from generator.yamlread import read_yaml

FIXTURES = REPO / "tests" / "fixtures" / "import"
XAMPL = FIXTURES / "bibtex-xampl-variant-pl-months.bib"
EXAMPLES = FIXTURES / "biblatex-examples.bib"
# A real entry of biblatex-examples.bib cut off in the middle, as a bad copy and paste leaves it.
BROKEN = "@article{broken-copy,\n  author = {Aks{\\i}n, {\\\"O}zge},\n  title = {Effect of immobilization\n"


def parse(path):
    return parse_bibtex(read_text(path), path.name)


def by_key(candidates):
    return {c.label: c.record for c in candidates}


def test_latex_accents_braces_and_names_become_unicode():
    records = by_key(parse(EXAMPLES)[0])
    aksin = records["aksin"]
    assert aksin["authors"][:2] == ["Özge Aksın", "Hayati Türkmen"]
    assert aksin["type"] == "article" and aksin["citekey"] == "aksin"
    assert aksin["bib"]["volume"] == "691" and aksin["bib"]["number"] == "13"
    assert all("\\" not in r["title"] and "{" not in r["title"] for r in records.values()), "LaTeX left in a title"


def test_string_macros_joins_and_month_macros_resolve():
    records = by_key(parse(XAMPL)[0])
    # `journal = "G-Animal's Journal"` and `month = jul` (a standard macro)
    assert records["article-full"]["bib"]["journal"] == "G-Animal's Journal"
    assert records["article-full"]["date"] == "1986-07"
    # booktitle = "Proc. Fifteenth Annual acm" # stoc, with @STRING{stoc = " Symposium on the Theory of Computing"}
    assert records["inproceedings-full"]["bib"]["booktitle"] == "Proc. Fifteenth Annual acm Symposium on the Theory of Computing"


def test_crossref_children_inherit_what_they_lack():
    records = by_key(parse(XAMPL)[0])
    child = records["article-crossref"]
    assert child["title"] == "The Gnats and Gnus Document Preparation System"
    assert child["bib"]["pages"] == "73+"
    inproceedings = records["inproceedings-crossref"]
    assert inproceedings["bib"]["booktitle"].startswith("Proc. Fifteenth")


def test_math_is_kept_as_inline_math_and_macros_undefined_are_reported():
    candidates, problems = parse(FIXTURES / "bibtex-bbt-math-markup-472.bib")
    title = candidates[0].record["title"]
    assert "$\\mu$J" in title and "mm$^2$" in title and "%" in title
    assert any("undefined @string macro" in p.message and "IEEE_J_PROC" in p.message for p in problems)


def test_comments_and_jabref_metadata_are_skipped():
    candidates, problems = parse(FIXTURES / "bibtex-bbt-jabref-comments-1730.bib")
    assert len(candidates) == 4 and problems == []


def test_broken_entry_is_reported_with_its_line_and_the_rest_import(tmp_path):
    text = XAMPL.read_text("utf-8")
    bib = tmp_path / "mixed.bib"
    bib.write_text(BROKEN + "\n" + text, "utf-8")
    candidates, problems = parse(bib)
    assert len(candidates) == len(parse(XAMPL)[0])
    broken = [p for p in problems if "entry not imported" in p.message]
    assert [(p.file, p.line) for p in broken] == [("mixed.bib", 1)]


def test_non_latin_names_and_titles_give_readable_ids(project, cli):
    root = project()
    code, out, err = cli(root, "import", "bibtex", str(FIXTURES / "bibtex-biber-multiscript.bib"), "--topic", "vision")
    assert code == 0, err
    names = sorted(p.name for p in (root / "data/papers").iterdir())
    assert all(not n.startswith("paper") for n in names), names
    doc, problems = read_yaml(root / "data/papers" / names[0], "x")
    assert problems == [] and doc.value["topics"] == ["vision"] and "added" in doc.value


def test_three_hundred_entry_file_imports_completely():
    candidates, problems = parse(FIXTURES / "bibtex-d2l-trimmed-300plus.bib")
    assert len(candidates) == 312 and not [p for p in problems if p.severity == "error"]
    records = by_key(candidates)
    assert records["Abadi.Barham.Chen.ea.2016"]["authors"][0] == "Martín Abadi"
    assert "USENIX" in records["Abadi.Barham.Chen.ea.2016"]["venue"] and "$" not in records["Abadi.Barham.Chen.ea.2016"]["venue"]
