"""What real exports hold comes through an import: keys, dates, editors, venues; files of
another format are refused; what is left out is named."""

from __future__ import annotations

import re

from conftest import REPO

from generator.yamlread import read_yaml

FIXTURES = REPO / "tests" / "fixtures" / "import"


def records(root) -> dict[str, dict]:
    found = sorted((root / "data" / "papers").rglob("*.yml"))
    return {path.stem: read_yaml(path, "x")[0].value for path in found}


def by_title(root) -> dict[str, dict]:
    return {record["title"]: record for record in records(root).values()}


def imported(cli, root, path, fmt, text=None):
    """The output of importing path (written with text first, when given) under the topic
    vision, which must succeed."""
    if text is not None:
        path.write_text(text, "utf-8")
    code, out, err = cli(root, "import", fmt, str(path), "--topic", "vision")
    assert code == 0, out + err
    return out


def test_zotero_item_uris_never_become_citation_keys(project, cli, tmp_path):
    root = project()
    uri = tmp_path / "uri.json"
    uri.write_text((FIXTURES / "csl-zotero-testcase-uri-id.json").read_text("utf-8"), "utf-8")
    code, out, err = cli(root, "import", "csl-json", str(uri), "--topic", "vision")
    assert code == 0, out + err
    (record,) = records(root).values()
    assert "citekey" not in record  # the usual key is made up: bachar2013stochastic
    assert "zotero.org" not in str(record)
    code, out, err = cli(
        root,
        "import",
        "csl-json",
        str(FIXTURES / "csl-bbt-creator-fields-365-825.json"),
        "--topic",
        "vision",
    )
    keys = {r["title"]: r.get("citekey") for r in records(root).values()}
    assert keys["A report"] == "Author2015" and keys["A film"] == "Doe2015"


def test_a_key_bibtex_cannot_use_is_left_out_with_a_warning(project, cli, tmp_path):
    root = project()
    text = (
        '[{"id": "a", "type": "book", "title": "Spaced", "citation-key": "two words"},'
        ' {"id": "b", "type": "book", "title": "Extra", "note": "Citation Key: fromExtra"},'
        ' {"id": "http://zotero.org/users/1/items/AB12", "type": "book", "title": "Uri"},'
        ' {"id": 7, "type": "book", "title": "Counted"}]'
    )
    out = imported(cli, root, tmp_path / "keys.json", "csl-json", text)
    assert "'two words' cannot be a BibTeX key" in out
    keys = {r["title"]: r.get("citekey") for r in records(root).values()}
    assert keys == {"Spaced": None, "Extra": "fromExtra", "Uri": None, "Counted": None}


def test_ris_record_numbers_and_uris_in_id_are_not_keys(project, cli, tmp_path):
    root = project()
    text = (
        "TY  - JOUR\nTI  - Numbered\nID  - 123\nER  - \n"
        "TY  - JOUR\nTI  - Linked\nID  - https://example.org/item/5\nER  - \n"
        "TY  - JOUR\nTI  - Keyed\nID  - smith2020keyed\nER  - \n"
    )
    imported(cli, root, tmp_path / "ids.ris", "ris", text)
    keys = {r["title"]: r.get("citekey") for r in records(root).values()}
    assert keys == {"Numbered": None, "Linked": None, "Keyed": "smith2020keyed"}


def refused(cli, root, fmt, path):
    code, out, err = cli(root, "import", fmt, str(path), "--topic", "vision")
    assert code == 1 and not records(root), out + err
    (line,) = [line for line in err.splitlines() if "not imported: expected" in line]
    return line


def test_a_file_of_another_format_is_refused_by_name(project, cli):
    root = project()
    atom = FIXTURES / "arxiv-arxivpy-oldstyle-hep-ex_0406020v1.atom.xml"
    line = refused(cli, root, "bibtex", atom)
    assert line.startswith(f"{atom.as_posix()}: not imported: expected BibTeX")
    assert "looks like an arXiv API answer (an Atom feed)" in line
    line = refused(cli, root, "bibtex", FIXTURES / "ris-jabref-scopus-export.ris")
    assert line.endswith("looks like RIS; import it with `import ris`")
    line = refused(cli, root, "ris", FIXTURES / "biblatex-examples.bib")
    assert "expected RIS" in line and "looks like BibTeX; import it with `import bibtex`" in line
    line = refused(cli, root, "csl-json", FIXTURES / "ris-jabref-pmc-export.ris")
    assert "expected CSL-JSON" in line and "looks like RIS" in line
    line = refused(cli, root, "arxiv", FIXTURES / "csl-bbt-dates-360-811.json")
    assert "expected arXiv ids or URLs, but the file looks like JSON" in line


def test_an_xml_file_is_named_by_its_root_element(project, cli, tmp_path):
    root = project()
    rdf = tmp_path / "library.rdf"
    rdf.write_text(
        '<?xml version="1.0"?>\n<!-- export -->\n<rdf:RDF xmlns:rdf="x"></rdf:RDF>\n', "utf-8"
    )
    assert "looks like XML (root element <rdf:RDF>)" in refused(cli, root, "bibtex", rdf)


def test_zotero_item_json_is_not_read_as_csl_json(project, cli):
    root = project()
    source = FIXTURES / "zotero-bbt-json-creator-fields-365-825.json"
    code, out, err = cli(root, "import", "csl-json", str(source), "--topic", "vision")
    assert code == 1 and not records(root), out + err
    assert "holds Zotero's item JSON (items with `itemType`)" in out
    assert out.splitlines()[-1].startswith("0 created")


def test_one_csl_item_not_in_a_list_is_read(project, cli, tmp_path):
    root = project()
    source = tmp_path / "one.json"
    source.write_text(
        '{"id": "x", "type": "book", "title": "Alone", "issued": {"date-parts": [[2001]]}}', "utf-8"
    )
    code, out, err = cli(root, "import", "csl-json", str(source), "--topic", "vision")
    assert code == 0, out + err
    assert by_title(root)["Alone"]["date"] == "2001"


def one_record_projects(tmp_path, source):
    """A project per record of a RIS file (its records share a title and a DOI), the record
    beside it as one.ris: (project, the record's type)."""
    from conftest import TOPICS, write_files

    for n, text in enumerate(source.read_text("utf-8").split("TY  - ")[1:]):
        files = {
            "mkdocs.yml": "site_name: T\n",
            "data/topics.yml": TOPICS,
            "one.ris": "TY  - " + text,
        }
        yield write_files(tmp_path / str(n), files), text.split("\n")[0]


def test_ris_is_read_by_item_type_as_zotero_reads_it(tmp_path, cli):
    """Each value of this test file of Zotero's RIS translator names what its tag means for
    the record's type: editors, series, proceedings titles and page counts land where they mean."""
    source = FIXTURES / "ris-zotero-testcase-tag-labels-trimmed.ris"
    seen = {}
    for root, ty in one_record_projects(tmp_path, source):
        code, out, err = cli(root, "import", "ris", str(root / "one.ris"), "--topic", "vision")
        assert code == 0, out + err
        (record,) = records(root).values()
        seen[ty] = (record, out)
    book, out = seen["BOOK"]
    assert book["bib"]["editor"] == "Editor"  # A3 of a book; A2 is its series editor
    assert "pages" not in book["bib"] and "venue" not in book  # SP: its number of pages; T2: series
    assert book["bib"]["pagetotal"] == "Number of Pages" and "SP (" not in out
    assert book["bib"]["series"] == "Series Title" and "A2 (secondary authors) (1)" in out
    chapter, out = seen["CHAP"]
    assert chapter["venue"] == chapter["bib"]["booktitle"] == "Book Title"  # T2, not T3 (series)
    assert chapter["bib"]["editor"] == "Editor" and chapter["bib"]["pages"] == "Pages"
    assert chapter["bib"]["series"] == "Series Title" and "T3 (" not in out
    conference, out = seen["CONF"]
    assert conference["venue"] == conference["bib"]["booktitle"] == "Proceedings Title"  # C3
    assert conference["bib"]["editor"] == "Editor"  # A2; A3 is the series editor
    assert seen["CPAPER"][0]["venue"] == "Conference Name"
    thesis, out = seen["THES"]
    assert "pages" not in thesis["bib"] and "editor" not in thesis["bib"]  # A3: its advisor
    assert (thesis["bib"]["pagetotal"], thesis["bib"]["school"]) == ("Number of Pages", "University")
    assert "venue" not in thesis and "A3 (tertiary authors) (1)" in out


def test_ris_full_date_of_da_wins_over_the_year_of_py(project, cli):
    root = project()
    source = FIXTURES / "ris-zotero-testcase-jour-y1-py-da.ris"
    code, out, err = cli(root, "import", "ris", str(source), "--topic", "vision")
    assert code == 0, out + err
    (record,) = records(root).values()
    assert record["date"] == "2014-06-01" and record["bib"]["pages"] == "99–105"
    assert (
        "not kept (no record field holds them): " in out and "JO (journal abbreviation) (1)" in out
    )


def test_ris_year_is_completed_by_a_fuller_date_not_by_other_dates(project, cli):
    root = project()
    out = imported(cli, root, FIXTURES / "ris-jabref-pmc-export.ris", "ris")
    (record,) = records(root).values()
    assert record["date"] == "2013-04-18"  # Y1 2013, PY 2013/04/18
    assert ", PY (1)," in out  # PY 2013/02/15/received and .../accepted: not kept


def test_ris_book_series_is_no_venue_and_a_file_path_never_replaces_the_link(project, cli):
    root = project()
    source = FIXTURES / "ris-zotero-testcase-book-series-l1.ris"
    code, out, err = cli(root, "import", "ris", str(source), "--topic", "vision")
    assert code == 0, out + err
    (record,) = records(root).values()
    assert (
        "venue" not in record and "booktitle" not in record["bib"]
    )  # T2: Bibliothek des Eigentums
    assert record["links"] == {"project": "http://dx.doi.org/10.1007/978-3-642-00230-4"}
    assert record["bib"]["series"] == "Bibliothek des Eigentums" and "T2 (" not in out
    assert "L1 (file) (1)" in out and "warning:" not in out


def test_one_long_sub_field_leaves_out_only_itself(project, cli, tmp_path):
    root = project()
    text = (
        "@inproceedings{long2020, title={Long note}, author={Ann Author and Bob Other},\n"
        f"  booktitle={{Proc. of Things}}, pages={{1--10}}, publisher={{ACM}},\n"
        f"  note={{{'word ' * 240}}}, keywords={{fine, {'k' * 300}}}}}\n"
    )
    out = imported(cli, root, tmp_path / "long.bib", "bibtex", text)
    record = by_title(root)["Long note"]
    assert record["bib"] == {"booktitle": "Proc. of Things", "pages": "1–10", "publisher": "ACM"}
    assert record["tags"] == ["fine"]
    warnings = [line for line in out.splitlines() if "warning:" in line]
    assert len(warnings) == 2 and "warning: bib.note: left out: expected" in warnings[0]
    assert "warning: tags[1]: left out:" in warnings[1]


def test_biblatex_sets_are_skipped_with_a_note_and_its_commands_keep_their_meaning(project, cli):
    root = project()
    code, out, err = cli(
        root, "import", "bibtex", str(FIXTURES / "biblatex-examples.bib"), "--topic", "vision"
    )
    assert code == 0, out + err  # a valid file: its two @set entries are not errors
    assert "note: @set{set} is a set of entries (biblatex @set), not a paper: skipped" in out
    assert out.splitlines()[-1].endswith("0 not imported (errors), 0 warning(s), 2 note(s)")
    keys = {r.get("citekey"): r for r in records(root).values()}
    assert keys["kastenholz"]["title"].startswith("Computation of methodology-independent ionic")
    assert keys["nussbaum"]["title"] == "Aristotle's “De Motu Animalium”"
    assert keys["spiegelberg"]["title"].startswith("“Intention” und “Intentionalität” in")


def test_the_count_line_counts_what_its_lines_say(project, cli, tmp_path):
    root = project()
    source = tmp_path / "mixed.bib"
    source.write_text(
        "@misc{a, title={Fine}, journal=undefinedmacro}\n@misc{b, author={No Title}}\n"
        "@set{s, entryset={a}}\n",
        "utf-8",
    )
    code, out, err = cli(root, "import", "bibtex", str(source), "--topic", "vision")
    assert code == 1
    lines = out.splitlines()
    counts = {kind: sum(f": {kind}: " in line for line in lines) for kind in ("warning", "note")}
    errors = sum(
        1
        for line in lines
        if line.startswith(str(source)) and ": warning: " not in line and ": note: " not in line
    )
    assert counts == {"warning": 1, "note": 1} and errors == 1
    assert lines[-1].endswith("1 not imported (errors), 1 warning(s), 1 note(s)")


def test_an_import_prints_its_own_problems_not_the_collections_stale_ones(project, cli):
    root = project({"old.yml": "title: Old paper\ntopics: [vision]\n"})  # no abstract: a note
    source = FIXTURES / "ris-zotero-testcase-jour-y1-py-da.ris"
    code, out, err = cli(root, "import", "ris", str(source), "--topic", "speech")
    assert code == 0, out + err
    assert "has no papers" not in out + err  # speech had none before; it has one now
    assert "no abstract" not in out + err and "warning" not in err


def test_fields_no_record_holds_are_counted_and_named(project, cli):
    root = project()
    code, out, err = cli(
        root,
        "import",
        "csl-json",
        str(FIXTURES / "csl-zotero-testcase-uri-id.json"),
        "--topic",
        "vision",
    )
    assert code == 0, out + err
    (line,) = [line for line in out.splitlines() if line.startswith("not kept")]
    for name in ("event-place (1)", "language (1)"):
        assert name in line
    for name in ("ISBN", "number-of-pages", "publisher-place", "collection-title"):
        assert name not in line  # kept in `bib`
    jabref = FIXTURES / "bibtex-bbt-jabref-comments-1730.bib"
    code, out, err = cli(root, "import", "bibtex", str(jabref), "--topic", "vision")
    assert code == 0, out + err
    assert (
        "not kept (no record field holds them): file (4), groups (4), owner (4), timestamp (4)"
        in out
    )


def test_a_doi_in_zoteros_extra_field_is_kept(project, cli, tmp_path):
    root = project()
    source = tmp_path / "extra.json"
    source.write_text(
        '[{"id": "x", "type": "entry-encyclopedia", "title": "Frithuswith",'
        ' "note": "Citation Key: blair2004\\nDOI: 10.1093/ref:odnb/10183"}]',
        "utf-8",
    )
    ris = tmp_path / "extra.ris"
    ris.write_text(
        "TY  - ENCYC\nTI  - Another entry\nN1  - DOI: 10.1093/ref:odnb/10184\nER  - \n", "utf-8"
    )
    assert cli(root, "import", "csl-json", str(source), "--topic", "vision")[0] == 0
    assert cli(root, "import", "ris", str(ris), "--topic", "vision")[0] == 0
    found = {r["title"]: (r.get("doi"), r.get("citekey")) for r in records(root).values()}
    assert found == {
        "Frithuswith": ("10.1093/ref:odnb/10183", "blair2004"),
        "Another entry": ("10.1093/ref:odnb/10184", None),
    }
    assert "bib" not in by_title(root)["Frithuswith"]  # its note held only those two lines


def test_csl_particles_and_al_folio_links_are_kept(project, cli, tmp_path):
    root = project()
    source = tmp_path / "particles.json"
    source.write_text(
        '[{"id": "p", "type": "book", "title": "Particles", "author": [{"family": "Horst",'
        ' "given": "Jan", "dropping-particle": "van der"}]}]',
        "utf-8",
    )
    assert cli(root, "import", "csl-json", str(source), "--topic", "vision")[0] == 0
    assert by_title(root)["Particles"]["authors"] == ["Jan van der Horst"]
    bib = tmp_path / "alfolio.bib"
    bib.write_text(
        "@inproceedings{a, title={Linked}, pdf={example_pdf.pdf},\n"
        " html={https://example.org/paper}, code={https://github.com/x/y}}\n",
        "utf-8",
    )
    code, out, err = cli(root, "import", "bibtex", str(bib), "--topic", "vision")
    assert code == 0, out + err
    assert by_title(root)["Linked"]["links"] == {
        "html": "https://example.org/paper",
        "code": "https://github.com/x/y",
        "pdf": "assets/pdf/example_pdf.pdf",  # where al-folio keeps the file it names
    }
    assert "not kept" not in out


def test_a_biblatex_subtitle_completes_its_title_as_zotero_joins_them(project, cli):
    root = project()
    code, out, err = cli(
        root, "import", "bibtex", str(FIXTURES / "biblatex-examples.bib"), "--topic", "vision"
    )
    assert code == 0, out + err
    keys = {r.get("citekey"): r for r in records(root).values()}
    assert keys["kastenholz"]["title"].endswith(
        "from molecular simulations: I. The electrostatic potential in molecular liquids"
    )
    space = keys["westfahl:space"]  # its own subtitle; the book's is the booktitle's
    assert space["title"] == (
        "The True Frontier: Confronting and Avoiding the Realities of Space in "
        "American Science Fiction Films"
    )
    unkept = next(line for line in out.splitlines() if line.startswith("not kept"))
    assert not re.search(r"[ :]subtitle \(", unkept) and "booksubtitle" not in unkept


def test_a_csl_conference_paper_without_proceedings_has_its_conference_as_venue(
    project, cli, tmp_path
):
    root = project()
    text = (
        '[{"id": "e", "type": "paper-conference", "title": "Talk",'
        ' "event-title": "Conference on Things"},'
        ' {"id": "f", "type": "paper-conference", "title": "Paper",'
        ' "container-title": "Proceedings of Things", "event-title": "ToT 2020"}]'
    )
    out = imported(cli, root, tmp_path / "event.json", "csl-json", text)
    assert (
        by_title(root)["Talk"]["venue"]
        == by_title(root)["Talk"]["bib"]["booktitle"]
        == "Conference on Things"
    )
    assert by_title(root)["Paper"]["venue"] == "Proceedings of Things"
    assert "not kept (no record field holds them): event-title (1)" in out


def test_a_masters_thesis_is_one(project, cli, tmp_path):
    root = project()
    ris = "TY  - THES\nTI  - Static analysis\nAU  - Leger, Nils\nM3  - Master's thesis\nER  - \n"
    imported(cli, root, tmp_path / "thesis.ris", "ris", ris)
    csl = '[{"id": "t", "type": "thesis", "title": "Doctoral work", "genre": "PhD Thesis"},'
    csl += ' {"id": "m", "type": "thesis", "title": "Small work", "genre": "MSc thesis"}]'
    imported(cli, root, tmp_path / "thesis.json", "csl-json", csl)
    types = {title: record["type"] for title, record in by_title(root).items()}
    assert types == {
        "Static analysis": "mastersthesis",
        "Doctoral work": "phdthesis",
        "Small work": "mastersthesis",
    }


ZOTERO_RECORDS = {
    "csl-zotero-testcase-uri-id.json": {
        "title": "Stochastic biomathematical models: With applications to neuronal modeling",
        "authors": ["Mostafa Bachar"],
        "date": "2013-01-01",
        "topics": ["vision"],
        "type": "book",
        "bib": {"volume": "2058", "publisher": "Springer", "series": "Lecture notes in mathematics",
                "pagetotal": "206", "address": "Heidelberg", "isbn": "978-3-642-32156-6"},
    },
    "ris-zotero-testcase-jour-y1-py-da.ris": {
        "title": "From Basic to Applied Research to Improve Outcomes for Individuals Who Require "
        "Augmentative and Alternative Communication: Potential Contributions of Eye Tracking "
        "Research Methods",
        "authors": ["Janice Light", "David McNaughton"],
        "date": "2014-06-01",
        "topics": ["vision"],
        "venue": "Augmentative and Alternative Communication",
        "doi": "10.3109/07434618.2014.906498",
        "type": "article",
        "bib": {
            "journal": "Augmentative and Alternative Communication",
            "volume": "30",
            "number": "2",
            "pages": "99–105",
            "issn": "0743-4618",
            "publisher": "Informa Allied Health",
            "note": "doi: 10.3109/07434618.2014.906498",
        },
        "links": {"project": "http://dx.doi.org/10.3109/07434618.2014.906498"},
    },
    "ris-zotero-testcase-book-series-l1.ris": {
        "title": "Eigentumsverfassung und Finanzkrise",
        "authors": ["Otto Depenheuer"],
        "date": "2009",
        "abstract": "In dem Buch befinden sich einzelne Beiträge zu ...",
        "topics": ["vision"],
        "tags": [
            "Finanzkrise / Eigentum / Haftung / Ordnungspolitik / Aufsatzsammlung / "
            "Online-Publikation",
            "Constitutional law",
            "Law",
        ],
        "doi": "10.1007/978-3-642-00230-4",
        "type": "book",
        "bib": {"volume": "7", "publisher": "Springer Berlin Heidelberg",
                "series": "Bibliothek des Eigentums", "address": "Berlin, Heidelberg",
                "isbn": "9783642002304"},
        "links": {"project": "http://dx.doi.org/10.1007/978-3-642-00230-4"},
    },
}
ZOTERO_UNKEPT = {
    "csl-zotero-testcase-uri-id.json": "event-place (1), language (1)",
    "ris-zotero-testcase-jour-y1-py-da.ris": "JO (journal abbreviation) (1), M3 (type of work) (1), "
    "Y2 (access date) (1)",
    "ris-zotero-testcase-book-series-l1.ris": "H1 (1), H2 (1), L1 (file) (1), "
    "LA (language) (1), TS (1)",
}


def test_zotero_fixtures_field_for_field(project, cli):
    """Every field of every entry against its source; what no field holds is named."""
    for name, expected in ZOTERO_RECORDS.items():
        root = project()
        for path in (root / "data" / "papers").glob("*.yml"):
            path.unlink()
        fmt = "csl-json" if name.endswith(".json") else "ris"
        out = imported(cli, root, FIXTURES / name, fmt)
        (record,) = records(root).values()
        assert {k: v for k, v in record.items() if k != "added"} == expected, name
        assert f"not kept (no record field holds them): {ZOTERO_UNKEPT[name]}\n" in out
