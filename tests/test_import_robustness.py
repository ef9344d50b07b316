"""Importers on hostile and malformed input: each bad entry is reported (file, entry, field) and
left out while the others import; nothing grows without bound; records are written whole."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from generator.importers.csljson import parse_csl_json
from generator.importers.ris import parse_ris

FIXTURES = REPO / "tests" / "fixtures" / "import"
RESERVED_TITLES = ["Index", "Page", "Con", "AUX"]


def bib_of(titles):
    return "".join(f"@misc{{k{n}, title = {{{t}}}, year = 2020}}\n" for n, t in enumerate(titles))


def csl_of(titles):
    return json.dumps(
        [{"id": f"k{n}", "type": "article-journal", "title": t} for n, t in enumerate(titles)]
    )


def ris_of(titles):
    return "".join(f"TY  - JOUR\nTI  - {t}\nPY  - 2020\nER  - \n\n" for t in titles)


@pytest.mark.parametrize(
    "fmt, make, suffix",
    [("bibtex", bib_of, "bib"), ("csl-json", csl_of, "json"), ("ris", ris_of, "ris")],
)
def test_titles_that_are_reserved_names_get_a_free_id_as_import_listing_does(
    project, cli, tmp_path, fmt, make, suffix
):
    root = project()
    source = tmp_path / f"refs.{suffix}"
    source.write_text(make(RESERVED_TITLES), "utf-8")
    code, out, err = cli(root, "import", fmt, str(source))
    assert code == 0, out + err
    assert sorted(p.name for p in (root / "data/papers").iterdir()) == [
        "aux-2.yml",
        "con-2.yml",
        "index-2.yml",
        "page-2.yml",
    ]
    code, out, err = cli(root, "validate")
    assert code == 0, out + err


def test_ris_record_without_er_is_imported_with_a_warning_not_an_error(project, cli, tmp_path):
    text = (FIXTURES / "ris-jabref-scopus-export.ris").read_text("utf-8")
    cut = text[: text.rindex("ER  -")]  # the last ER left off, as many exporters write it
    candidates, problems = parse_ris(cut + "\n", "cut.ris")
    assert len(candidates) == 1 and [p.severity for p in problems] == ["warning"]
    assert "imported" in problems[0].message
    root = project()
    (tmp_path / "cut.ris").write_text(cut, "utf-8")
    code, out, err = cli(root, "import", "ris", str(tmp_path / "cut.ris"))
    assert code == 0, out + err
    assert "1 created" in out and "0 not imported (errors), 1 warning(s)" in out


class CutShort:
    """A file handle that writes half of what it is given, then the process is interrupted."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, text):
        self.handle.write(text[: len(text) // 2])
        raise KeyboardInterrupt


def test_an_import_interrupted_while_writing_leaves_no_cut_record(project, cli, monkeypatch):
    from generator import write

    root = project()
    real_fdopen, calls = write.os.fdopen, []

    def interrupted_third_time(fd, *args, **kwargs):
        calls.append(fd)
        handle = real_fdopen(fd, *args, **kwargs)
        return CutShort(handle) if len(calls) == 3 else handle

    monkeypatch.setattr(write.os, "fdopen", interrupted_third_time)  # how each record is written
    code, _, _ = cli(
        root, "import", "bibtex", str(FIXTURES / "bibtex-bbt-jabref-comments-1730.bib")
    )
    monkeypatch.undo()
    assert code == 130
    assert (
        len(list((root / "data/papers").glob("*.yml"))) == 2
    )  # two written whole, the third not at all
    code, out, err = cli(root, "validate")
    assert code == 0, out + err
    code, out, err = cli(
        root, "import", "bibtex", str(FIXTURES / "bibtex-bbt-jabref-comments-1730.bib")
    )
    assert code == 0 and "2 created, 0 updated, 2 already present" in out, out + err


def test_update_keeps_a_crlf_record_crlf(project, cli, tmp_path):
    record = "# kept as written\r\ntitle: Attention is all you need\r\ntopics: [vision]\r\n"
    root = project({"known.yml": record.encode("utf-8")})
    path = root / "data/papers/known.yml"
    path.chmod(0o644)
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{v, title={Attention Is All You Need}, year={2017},\n"
        "  author={Vaswani, Ashish and Shazeer, Noam},\n"
        "  journal={Advances in Neural Information Processing Systems}}\n",
        "utf-8",
    )
    code, out, err = cli(root, "import", "bibtex", str(bib), "--update")
    assert code == 0 and "update data/papers/known.yml: add authors, date, venue" in out, out + err
    data = path.read_bytes()
    assert data.startswith(record.encode("utf-8")) and b"\r\n- Noam Shazeer\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")  # no line ends in LF alone
    assert path.stat().st_mode & 0o777 == 0o644


STAIGER = {
    "id": "Staiger1985",
    "type": "article-journal",
    "title": "The Politics of Film Canons",
    "container-title": "Cinema Journal",
    "author": [{"family": "Staiger", "given": "Janet"}],
    "issued": {"date-parts": [[1985]], "season": 1},
    "volume": "24",
}


def test_malformed_csl_items_are_reported_with_their_field_and_left_out(project, cli, tmp_path):
    bad = [
        (
            {"author": 5},
            "(item 2, id b1): author: not imported: expected a list of names, got a number",
        ),
        (
            {"editor": True},
            "(item 3, id b2): editor: not imported: expected a list of names, got true or false",
        ),
        (
            {"issued": {"date-parts": [[1985]], "season": [1]}},
            "(item 4, id b3): issued.season: not imported: expected text or a number, got a list",
        ),
        (
            {"issued": {"date-parts": [["HUGE"]]}},
            "(item 5, id b4): issued.date-parts: not imported: expected text or a number, "
            "got a number that is not finite",
        ),
        (
            {"volume": "LONG"},
            "(item 6, id b5): volume: not imported: expected text or a number, "
            "got a number of 5,000 digits",
        ),
        ({"note": "DEEP"}, "(item 7): not imported: nested more than 64 levels deep"),
        (
            {"abstract": ["First paragraph.", "Second."]},
            "(item 8, id b7): abstract: not imported: expected text or a number, got a list",
        ),
    ]
    items = [STAIGER] + [
        {**STAIGER, "id": f"b{n}", "title": f"Bad {n}", **fields}
        for n, (fields, _) in enumerate(bad, 1)
    ]
    text = (
        json.dumps(items, indent=1)
        .replace('"LONG"', "1" * 5000)
        .replace('"DEEP"', "[" * 100_000 + "]" * 100_000)
    )
    (tmp_path / "items.json").write_text(text.replace('"HUGE"', "1e400"), "utf-8")
    root = project()
    code, out, err = cli(root, "import", "csl-json", str(tmp_path / "items.json"))
    assert code == 1, out + err
    for _, message in bad:
        assert message in out
    assert out.strip().endswith(
        "1 created, 0 updated, 0 already present, 7 not imported (errors), 0 warning(s)"
    )
    assert [p.name for p in (root / "data/papers").iterdir()] == ["the-politics-of-film-canons.yml"]


def test_csl_string_left_open_is_reported_as_json_and_nothing_imports(project, cli, tmp_path):
    """The nesting scan took brackets after an open quote for nesting, cut them as a deep item
    and handed json a valid list: the file imported; an open string of escaped quotes also took
    it quadratic time (timed in bench/growth.py)."""
    brackets = "[" * 100 + "]" * 100
    text = '[{"id": "a", "title": "Fine"},\n {"id": "b", "title": "' + brackets + "}]"
    (tmp_path / "open.json").write_text(text, "utf-8")
    root = project()
    code, out, err = cli(root, "import", "csl-json", str(tmp_path / "open.json"))
    assert code == 1, out + err
    assert "open.json:2:23: not valid JSON: Unterminated string starting at" in out, out
    assert "Traceback" not in out + err and not (root / "data/papers").exists()
    candidates, problems = parse_csl_json('[{"title": "' + '\\"' * 1000, "x.json")
    assert not candidates and [p.message for p in problems] == [
        "not valid JSON: Unterminated string starting at"
    ]


def test_bibtex_entries_nested_too_deep_are_reported_and_the_rest_import(project, cli, tmp_path):
    hostile = (
        "@article{braces, title = {" + "{" * 260 + "x" + "}" * 260 + "}}\n"
        "@article{verbatim, title = {Fine}, abstract = {" + "\\begin{verbatim}" * 2000 + "}}\n"
    )
    (tmp_path / "mixed.bib").write_text(
        hostile + (FIXTURES / "bibtex-bbt-jabref-comments-1730.bib").read_text("utf-8"), "utf-8"
    )
    root = project()
    code, out, err = cli(root, "import", "bibtex", str(tmp_path / "mixed.bib"))
    assert code == 1, out + err
    assert (
        "mixed.bib:1:1: title: @article{braces} not imported: LaTeX nested more than 50 levels deep"
        in out
    )
    assert (
        "mixed.bib:2:1: abstract: @article{verbatim} not imported: "
        "LaTeX nested more than 50 levels deep" in out
    )
    assert "4 created, 0 updated, 0 already present, 2 not imported (errors)" in out


def test_broken_latex_keeps_what_it_cannot_read():
    """pylatexenc's tolerant parser took exponential time on these (10 s at 16 levels, hours at
    30); their growth is timed in bench/growth.py."""
    from generator.latex import latex_to_unicode, plain_text

    assert (
        latex_to_unicode("Costs in US$ and " + "\\frac{" * 16 + " caf\\'e")
        == "Costs in US$ and " + "\\frac{" * 16 + " café"
    )
    assert latex_to_unicode("\\href{" * 16 + "x") == "\\href{" * 16 + "x"
    assert plain_text("T $" + "\\frac{" * 16 + "$") == "T " + "\\frac{" * 16  # a title's math
    assert latex_to_unicode('{\\"O}zge paid US$ 5') == "Özge paid US$ 5"


def test_ris_tag_lines_outside_a_record_are_reported():
    text = (FIXTURES / "ris-jabref-scopus-export.ris").read_text("utf-8")
    (found,), problems = parse_ris(
        text + "\nTI  - A record whose TY line is missing\nAU  - Doe, J.\nER  - \n", "x.ris"
    )
    assert found.record["type"] == "article"
    assert [(p.line, p.field, p.severity) for p in problems] == [
        (text.count("\n") + 2, "TI", "error")
    ]


def test_arxiv_entry_nested_too_deep_is_reported_and_the_others_import():
    from generator.importers.arxiv import fetch_entries

    feed = (FIXTURES / "arxiv-arxivpy-search-del_maestro-10entries.atom.xml").read_text("utf-8")
    feed = feed.replace(
        "A Luttinger Liquid Core", "{" * 300 + "A Luttinger Liquid Core" + "}" * 300
    )
    ids = ["1201.4869", "cond-mat/0412498"]
    found, problems = fetch_entries(
        ids, fetch=lambda url: (200, feed.encode("utf-8")), sleep=lambda s: None
    )
    assert [c.label for c in found] == ["cond-mat/0412498"]
    assert [(p.field, p.message) for p in problems] == [
        (
            "title",
            "1201.4869: not imported: LaTeX nested more than 50 levels deep "
            "(braces or \\begin...\\end)",
        )
    ]


def doubling(n: int) -> str:
    return '@string{s0 = "ab"}\n' + "".join(
        f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, n + 1)
    )


def test_string_macros_are_expanded_only_where_used_and_never_past_the_field_cap():
    from generator.importers.bibtex import parse_bibtex

    xampl = (FIXTURES / "bibtex-xampl-variant-pl-months.bib").read_text("utf-8")
    # 60 doublings would be 2^61 characters; s40 is used, s60 not at all
    text = (
        doubling(60)
        + "@misc{big, title = {Big}, note = s40}\n@misc{small, title = {Small}, note = s3 # {!}}\n"
        + xampl
    )
    candidates, problems = parse_bibtex(text, "x.bib")
    alone, its_problems = parse_bibtex(xampl, "x.bib")
    assert len(candidates) == len(alone) + 1 and len(problems) == len(its_problems) + 1
    assert {c.label: c.record for c in candidates}["small"]["bib"]["note"] == "ab" * 8 + "!"
    assert (
        str(problems[0]) == "x.bib:62:1: note: @misc{big} not imported: "
        "its @string macros make it longer than 100,000 characters"
    )


def test_string_macros_of_a_file_expand_to_a_bounded_total():
    from generator.importers.bibtex import MACRO_TEXT_EXTRA, parse_bibtex

    uses = 2 * MACRO_TEXT_EXTRA // 2**16  # each use of s15 is 65,536 characters
    text = doubling(15) + "".join(
        f"@misc{{e{n}, title = {{Entry {n}}}, abstract = s15}}\n" for n in range(uses)
    )
    candidates, problems = parse_bibtex(text, "x.bib")
    assert len(candidates) == MACRO_TEXT_EXTRA // 2**16
    assert len(candidates) + len(problems) == uses and all(
        "longer than the file itself" in p.message for p in problems
    )


PROCEEDINGS = (
    "@proceedings{p, title = {Proceedings of Caf\\'e {X}}, year = 2020, publisher = {ACM},\n"
    '  editor = {M{\\"u}ller, Anna and Doe, Jo}}\n'
    "@proceedings{deep, title = {" + "{" * 60 + "x" + "}" * 60 + "}}\n"
)


def test_crossref_children_inherit_their_parents_fields_converted_once(monkeypatch):
    """Each child converted the LaTeX it inherits again (a parent title of 21,000 characters took
    about 0.3 s per child): the growth is timed in bench/growth.py, the sharing is checked here."""
    from generator.importers import common
    from generator.importers.bibtex import parse_bibtex

    converted = []
    real = common.latex_to_unicode
    monkeypatch.setattr(
        common, "latex_to_unicode", lambda t, *a: converted.append(t) or real(t, *a)
    )
    children = "".join(
        f"@inproceedings{{c{n}, title = {{C{n}}}, crossref = {{p}}}}\n" for n in range(3)
    )
    own = "@inproceedings{own, title = {O}, booktitle = {Own}, year = 2021, crossref = {P}}\n"
    deep = "@inproceedings{d, title = {D}, crossref = {deep}}\n"
    candidates, problems = parse_bibtex(PROCEEDINGS + children + own + deep, "x.bib")
    records = {c.label: c.record for c in candidates}
    assert records["c2"]["venue"] == "Proceedings of Café X" and records["c2"]["date"] == "2020"
    assert records["c2"]["bib"] == {
        "booktitle": "Proceedings of Café X",
        "publisher": "ACM",
        "editor": "Anna Müller and Jo Doe",
    }
    assert records["own"]["venue"] == "Own" and records["own"]["date"] == "2021"
    assert converted.count("Proceedings of Caf\\'e {X}") == 1  # not once more for each child
    assert converted.count('M{\\"u}ller') == 1
    assert [(p.line, p.field, p.message.split(": ")[-1]) for p in problems] == [
        (3, "title", "LaTeX nested more than 50 levels deep (braces or \\begin...\\end)"),
        (8, "booktitle", "LaTeX nested more than 50 levels deep (braces or \\begin...\\end)"),
    ]


def test_crossref_copies_of_a_file_are_bounded_and_the_entries_past_it_reported():
    from generator.importers.bibtex import parse_bibtex

    abstract = "Long words. " * 8_000
    text = f"@misc{{p, title = {{Parent}}, abstract = {{{abstract}}}}}\n" + "".join(
        f"@misc{{c{n}, title = {{Child {n}}}, crossref = {{p}}}}\n" for n in range(1, 31)
    )
    text += "@misc{q, title = {Q}, year = 2020}\n@misc{short, title = {S}, crossref = {q}}\n"
    candidates, problems = parse_bibtex(text, "x.bib")
    per_child = len("abstract") + len(abstract)
    inherited = (len(text) + 1_000_000) // per_child  # the copies a file may hold
    children = [f"c{n}" for n in range(1, inherited + 1)]
    assert [c.label for c in candidates] == ["p", *children, "q", "short"]  # short still fits
    assert candidates[inherited].record["abstract"] == abstract.strip()
    assert [str(p) for p in problems] == [
        f"x.bib:{n + 1}:1: crossref: @misc{{c{n}}} not imported: fields inherited through "
        "crossref add up to over 1,000,000 characters more than the file itself"
        for n in range(inherited + 1, 31)
    ]


def test_many_papers_sharing_a_title_get_distinct_ids(tmp_path, monkeypatch):
    """Each id was chosen from a copy of every id taken, and a title shared by many papers tried
    title-2, title-3, ... from the start each time (12,000 such titles took 38 s): the growth is
    timed in bench/growth.py, the ids are checked here."""
    from generator import additions
    from generator.model import Collection

    monkeypatch.setattr(additions, "load_paper_text", lambda text, display, paper_id: ([], []))
    monkeypatch.setattr(additions, "dump_record", lambda record: "")
    planner = additions.Planner(Collection((), ()), tmp_path / "data/papers", tmp_path)
    shared = "A title whose first sixty characters are the same for every one of these papers"
    titles = [f"{shared} {n}" for n in range(500)] + [f"Distinct paper {n}" for n in range(1_500)]
    ids = [planner.add({"title": title}).path.stem for title in titles]
    assert len(set(ids)) == len(ids) and ids[1].endswith("-2") and ids[-1] == "distinct-paper-1499"


def test_ris_continuation_lines_are_joined_in_order():
    """Each line was added to a growing string (200,000 lines took 24.7 s): the growth is timed
    in bench/growth.py, the text is checked here."""
    lines = "".join(f"  continued abstract line {n}\n" for n in range(1_000))
    (found,), _ = parse_ris(f"TY  - JOUR\nTI  - Long\nAB  - First\n{lines}ER  - \n", "x.ris")
    assert found.record["abstract"].startswith("First continued abstract line 0 continued")
    assert found.record["abstract"].endswith("continued abstract line 999")


def test_a_bibtex_key_repeated_in_another_case_is_reported_not_dropped():
    """BibTeX compares keys case aside: the repeat is left out and said, never lost unseen."""
    from generator.importers.bibtex import parse_bibtex

    text = "@article{Smith20, title={First}}\n\n@article{smith20, title={Second}}\n"
    found, problems = parse_bibtex(text, "x.bib")
    assert [c.record["title"] for c in found] == ["First"]
    assert [(p.line, p.field, p.severity) for p in problems] == [(3, "key", "error")]
    assert "@article{smith20} not imported" in problems[0].message
    assert "line 1" in problems[0].message
