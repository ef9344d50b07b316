"""Nothing lost between a library and the site: each field of each entry of real exports is in
its record (or named as not kept), and the site's own papers-with-abstracts.bib and
papers.csl.json, imported into an empty project, give the same records back, field for field.
The differences that remain are the known limits README lists under "Import your collection"."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy
from conftest import REPO, TOPICS, write_files

from generator.config import load_settings
from generator.importers.bibtex import biblatex_text
from generator.latex import latex_to_unicode
from generator.pipeline import render_site
from generator.publication import venue_year
from generator.yamlread import read_yaml

FIXTURES = REPO / "tests" / "fixtures" / "import"
SITE = "https://example.org/"
SOURCES = [("biblatex-examples.bib", "bibtex"),
           ("bibtex-pmlr-v187-proceedings-abstracts.bib", "bibtex"),
           ("ris-zotero-testcase-tag-labels-trimmed.ris", "ris"),
           ("csl-bbt-creator-fields-365-825.json", "csl-json"),
           ("csl-zotero-testcase-uri-id.json", "csl-json")]
EXPORTS = [("papers-with-abstracts.bib", "bibtex"), ("papers.csl.json", "csl-json")]
# BibTeX types CSL-JSON has a type for, which come back from papers.csl.json as they were
CSL_KEEPS_TYPE = {"article", "inproceedings", "book", "incollection", "phdthesis",
                  "mastersthesis", "techreport", "unpublished", "misc"}


def new_project(path, abstracts: bool = True):
    options = "plugins:\n  - papers:\n      bibtex_abstracts: true\n" if abstracts else ""
    return write_files(path, {"mkdocs.yml": f"site_name: T\nsite_url: {SITE}\n{options}",
                              "data/topics.yml": TOPICS})


def records(root) -> dict[str, dict]:
    found = sorted((root / "data" / "papers").glob("*.yml"))
    return {r["title"]: r for r in (read_yaml(path, "x")[0].value for path in found)}


def imported(cli, root, path, fmt) -> str:
    code, out, err = cli(root, "import", fmt, str(path), "--topic", "vision")
    assert code in (0, 1) and "Traceback" not in err, out + err
    return out


def text(latex: str) -> str:
    """A BibTeX field's text as a record holds it (Unicode, spaces collapsed)."""
    return " ".join(latex_to_unicode(biblatex_text(latex)).split())


# BibTeX field -> the record field holding it (`bib.x` a key of `bib`)
BIBTEX_FIELDS = {"doi": "doi", "abstract": "abstract", "journal": "bib.journal",
                 "journaltitle": "bib.journal", "booktitle": "bib.booktitle",
                 "maintitle": "bib.maintitle", "series": "bib.series", "volume": "bib.volume",
                 "number": "bib.number", "issue": "bib.number", "pages": "bib.pages",
                 "pagetotal": "bib.pagetotal", "publisher": "bib.publisher",
                 "address": "bib.address", "location": "bib.address",
                 "institution": "bib.institution", "school": "bib.school",
                 "edition": "bib.edition", "isbn": "bib.isbn", "issn": "bib.issn",
                 "note": "bib.note"}
# held in another form (names, dates, tags, links, arXiv id, key) or resolved (crossref)
BIBTEX_OTHERS = {"title", "subtitle", "author", "editor", "date", "year", "month", "keywords",
                 "url", "crossref", "eprint", "eprinttype", "archiveprefix", "booksubtitle",
                 "mainsubtitle"}


def value_at(record: dict, path: str):
    top, _, key = path.partition(".")
    return record.get(top, {}).get(key) if key else record.get(top)


def not_kept(out: str) -> set[str]:
    line = next((line for line in out.splitlines() if line.startswith("not kept")), "")
    return set(re.findall(r"(?:: |, )([A-Za-z0-9-]+)(?: \([^)]*\))? \(\d+\)", line))


@pytest.mark.parametrize("name", ["biblatex-examples.bib",
                                  "bibtex-pmlr-v187-proceedings-abstracts.bib"])
def test_every_field_of_every_bibtex_entry_is_in_its_record_or_named(name, cli, tmp_path):
    root = new_project(tmp_path / "p")
    out = imported(cli, root, FIXTURES / name, "bibtex")
    by_key = {r["citekey"]: r for r in records(root).values()}
    library = bibtexparser.parse_string((FIXTURES / name).read_text("utf-8"))
    named, checked, skipped = not_kept(out), 0, 0
    for entry in library.entries:
        if entry.key not in by_key:  # no paper (a set), or a duplicate of an entry before it
            skipped += 1
            continue
        record = by_key[entry.key]
        fields = {f.key.lower(): f.value for f in entry.fields if str(f.value).strip()}
        for field, value in fields.items():
            if field in BIBTEX_FIELDS and " # " in str(value):
                continue  # joined @string macros, which bibtexparser leaves as written
            if field == "type" and record["type"] != entry.entry_type.lower():
                continue  # biblatex's kind of thesis or report: the record's type
            if field in BIBTEX_FIELDS:
                path = BIBTEX_FIELDS[field]
                if field == "institution" and record["type"].endswith("thesis"):
                    path = "bib.school"  # as classic BibTeX names a thesis's university
                got, want = value_at(record, path), text(str(value))
                if field == "abstract":  # paragraphs kept: compared with spaces collapsed
                    got = " ".join((got or "").split())
                if field in ("issue", "location", "journaltitle") and got != want:
                    continue  # the first of two sources of one field won
                assert got is not None and got.startswith(want), (entry.key, field, got, want)
                checked += 1
            elif field not in BIBTEX_OTHERS and not field.startswith(("pdf", "html")):
                assert field in named, (entry.key, field, "neither kept nor named")
    left = sum(int(n) for n in re.findall(r"(\d+) (?:already present|not imported)", out))
    assert checked > 10 and skipped <= left + out.count("not a paper: skipped")


def test_every_kept_variable_of_csl_items_is_in_its_record(cli, tmp_path):
    fields = {"container-title": "venue", "volume": "bib.volume", "issue": "bib.number",
              "page": "bib.pages", "publisher-place": "bib.address", "ISBN": "bib.isbn",
              "ISSN": "bib.issn", "edition": "bib.edition", "collection-title": "bib.series",
              "number-of-pages": "bib.pagetotal", "DOI": "doi", "citation-key": "citekey"}
    publishers = {"techreport": "bib.institution", "phdthesis": "bib.school"}
    checked = 0
    for name in ("csl-bbt-creator-fields-365-825.json", "csl-zotero-testcase-uri-id.json"):
        root = new_project(tmp_path / name)
        imported(cli, root, FIXTURES / name, "csl-json")
        found = records(root)
        by_key = {r.get("citekey"): r for r in found.values()}
        for item in json.loads((FIXTURES / name).read_text("utf-8")):
            if not item.get("title"):
                continue
            record = by_key.get(item.get("citation-key")) or found[item["title"]]
            if record.get("citekey") != item.get("citation-key", record.get("citekey")):
                continue  # the same title as an item before it: a duplicate, not imported
            for variable, value in item.items():
                path = fields.get(variable)
                if variable == "publisher":
                    path = publishers.get(record["type"], "bib.publisher")
                if variable == "number" and item["type"] == "report":
                    path = "bib.number"  # a report's number
                if path:
                    got = value_at(record, path)
                    assert got == " ".join(str(value).split()), (item["title"], variable, got)
                    checked += 1
    assert checked > 10


def ris_records(text: str) -> list[str]:
    """The records of a RIS file, each alone: the test case's records share one title (`Title`),
    so in one import all but the first would be duplicates."""
    return [f"TY  - {part}" for part in re.split(r"(?m)^TY  - ", text) if part.strip()]


def test_every_kept_tag_of_zotero_ris_books_theses_chapters_and_papers_is_in_its_record(
        cli, tmp_path):
    name = "ris-zotero-testcase-tag-labels-trimmed.ris"
    tags = {"CY": "bib.address", "ET": "bib.edition", "T3": "bib.series", "VL": "bib.volume"}
    own = {"BOOK": {"SP": "bib.pagetotal", "PB": "bib.publisher", "T2": "bib.series"},
           "THES": {"SP": "bib.pagetotal", "PB": "bib.school"},
           "CHAP": {"T2": "venue", "PB": "bib.publisher"},
           "CPAPER": {"C3": "venue", "PB": "bib.publisher"}}
    reverse = {value: tag for tag, value in rispy.TAG_KEY_MAPPING.items()}
    checked = 0
    for n, text in enumerate(ris_records((FIXTURES / name).read_text("utf-8"))):
        root = new_project(tmp_path / str(n))
        (tmp_path / f"{n}.ris").write_text(text, "utf-8")
        imported(cli, root, tmp_path / f"{n}.ris", "ris")
        (record,) = records(root).values()
        (entry,) = rispy.loads(text, skip_unknown_tags=True,
                               mapping={**rispy.TAG_KEY_MAPPING, "C3": "C3", "T2": "T2"})
        mapping = {**tags, **own.get(entry["type_of_reference"], {})}
        for key, value in entry.items():
            tag = key if key in ("C3", "T2") else reverse.get(key)
            if tag in mapping and " ".join(str(value).split()):
                got = value_at(record, mapping[tag])
                assert got == " ".join(str(value).split()), (entry["type_of_reference"], tag, got)
                checked += 1
        if entry.get("issn"):  # SN: an ISBN or an ISSN, by its form
            assert entry["issn"] in (record["bib"].get("isbn"), record["bib"].get("issn"))
            checked += 1
    assert checked > 15


def exported(root) -> dict[str, str]:
    return render_site(load_settings(root / "mkdocs.yml"))


def expected_again(record: dict, fmt: str) -> dict:
    """record as an import of the site's own export gives it back: the known limits (README,
    "Import your collection") applied."""
    again = {k: v for k, v in record.items() if k != "added"}
    year = venue_year(record.get("venue"))
    if year and record.get("date", year)[:4] != year:
        again["date"] = year  # citations give the year the venue names
    if fmt == "csl-json":
        page = f"{SITE}papers/{record_id(record)}/"
        again["links"] = {"project": page}  # CSL-JSON's one URL: the paper's page
        again.get("bib", {}).pop("maintitle", None)
        if again.get("type") not in CSL_KEEPS_TYPE:
            again.pop("type", None)
    return again


def record_id(record: dict) -> str:
    return record["_id"]


def comparable(record: dict, fmt: str, original: dict) -> dict:
    again = {k: v for k, v in record.items() if k != "added"}
    if "citekey" not in original:
        again.pop("citekey", None)  # the key made up for it comes back as its citekey
    if fmt == "csl-json" and original.get("type") not in CSL_KEEPS_TYPE:
        again.pop("type", None)  # CSL has fewer types: who published it is compared as one
        bib = again.get("bib", {})
        for name in ("institution", "school"):
            if name in bib and name not in original.get("bib", {}):
                bib["publisher"] = bib.pop(name)
    return again


def same_publisher(original: dict) -> dict:
    bib = original.get("bib", {})
    for name in ("institution", "school"):
        if name in bib and original.get("type") not in CSL_KEEPS_TYPE:
            bib["publisher"] = bib.pop(name)
    return original


@pytest.mark.parametrize("name,fmt", SOURCES)
@pytest.mark.parametrize("export,again_fmt", EXPORTS)
def test_a_collection_exported_and_imported_again_comes_back_equal(name, fmt, export, again_fmt,
                                                                   cli, tmp_path):
    source = (FIXTURES / name).read_text("utf-8")
    # the RIS test case's records share one title: each goes round alone
    parts = ris_records(source) if fmt == "ris" else [source]
    differences = []
    for n, part in enumerate(parts):
        (tmp_path / f"{n}.{fmt}").write_text(part, "utf-8")
        differences += round_trip(cli, tmp_path / str(n), tmp_path / f"{n}.{fmt}", fmt, export,
                                  again_fmt)
    assert differences == []


def round_trip(cli, where, path, fmt: str, export: str, again_fmt: str) -> list[tuple]:
    """The differences between the records of an import of path and those of an import of the
    export of them."""
    first = new_project(where / "first")
    imported(cli, first, path, fmt)
    originals = records(first)
    for found in (first / "data" / "papers").glob("*.yml"):
        originals[read_yaml(found, "x")[0].value["title"]]["_id"] = found.stem
    download = where / export
    download.write_text(exported(first)[f"downloads/{export}"], "utf-8")
    second = new_project(where / "second")
    imported(cli, second, download, again_fmt)
    back = records(second)
    assert set(back) == set(originals)
    differences = []
    for title, original in originals.items():
        want = expected_again(original, again_fmt)
        want.pop("_id")
        if again_fmt == "csl-json":
            want = same_publisher(want)
        got = comparable(back[title], again_fmt, original)
        for field in sorted(set(want) | set(got)):
            if want.get(field) != got.get(field):
                differences.append((title[:50], field, want.get(field), got.get(field)))
    return differences


def test_full_dates_ranges_and_abstracts_survive_bibtex(cli, tmp_path):
    """A day, a season and a range are biblatex `date`s; an abstract's paragraphs stay apart."""
    papers = {"a.yml": "title: Dated\ndate: 2019-06-15\nabstract: \"One.\\n\\nTwo.\"\n",
              "b.yml": "title: Ranged\ndate: 1984/1986\n",
              "c.yml": "title: Seasoned\ndate: 2020-22\n"}
    first = write_files(tmp_path / "first", {
        "mkdocs.yml": "site_name: T\nplugins:\n  - papers:\n      bibtex_abstracts: true\n",
        "data/topics.yml": TOPICS, **{f"data/papers/{k}": v for k, v in papers.items()}})
    files = exported(first)
    plain = bibtexparser.parse_string(files["downloads/papers.bib"])
    assert {e["title"]: e.fields_dict.get("date") and e["date"] for e in plain.entries} == {
        "Dated": "2019-06-15", "Ranged": "1984/1986", "Seasoned": "2020-22"}
    assert "abstract" not in files["downloads/papers.bib"]  # the small file stays small
    assert "downloads/papers-with-abstracts.bib" in files["_generated/home.md"]  # linked
    (tmp_path / "x.bib").write_text(files["downloads/papers-with-abstracts.bib"], "utf-8")
    second = new_project(tmp_path / "second", abstracts=False)
    imported(cli, second, tmp_path / "x.bib", "bibtex")
    back = records(second)
    assert (back["Dated"]["date"], back["Ranged"]["date"], back["Seasoned"]["date"]) == (
        "2019-06-15", "1984/1986", "2020-22")
    assert back["Dated"]["abstract"] == "One.\n\nTwo."
    files = exported(second)
    assert "downloads/papers-with-abstracts.bib" not in files  # off by default
    assert "with abstracts" not in files["_generated/home.md"]


def test_the_ris_of_a_book_and_a_thesis_has_their_place_isbn_edition_series_and_page_count():
    """A paper page's RIS carries the kept fields, with the tags Zotero's RIS import reads."""
    from generator.citation import ris_text

    bib = {"address": "Berlin", "isbn": "9783642002304", "edition": "2", "series": "Law",
           "pagetotal": "312", "publisher": "Springer"}
    book = rispy.loads(ris_text({"id": "b", "title": "B", "type": "book", "bib": bib}, "u"))[0]
    assert (book["type_of_reference"], book["place_published"], book["issn"], book["edition"],
            book["tertiary_title"], book["start_page"], book["publisher"]) == (
        "BOOK", "Berlin", "9783642002304", "2", "Law", "312", "Springer")
    thesis = {"id": "t", "title": "T", "type": "phdthesis", "bib": {"school": "KU Leuven"}}
    (entry,) = rispy.loads(ris_text(thesis, "u"))
    assert (entry["type_of_reference"], entry["publisher"]) == ("THES", "KU Leuven")


def test_a_reference_shows_the_multi_volume_work_a_volume_belongs_to():
    from generator.citation import formatted_reference

    data = {"id": "b", "title": "The TeXbook", "authors": [{"name": "Donald E. Knuth"}],
            "date": "1984", "type": "book",
            "bib": {"maintitle": "Computers & Typesetting", "volume": "A"}}
    for style in ("acm", "apa"):
        assert "Computers & Typesetting. The TeXbook" in formatted_reference(data, "u", style)


def test_biblatex_thesis_and_report_kinds_become_the_types_classic_bibtex_knows(cli, tmp_path):
    root = new_project(tmp_path / "p")
    imported(cli, root, FIXTURES / "biblatex-examples.bib", "bibtex")
    by_key = {r["citekey"]: r for r in records(root).values()}
    assert (by_key["geer"]["type"], by_key["geer"]["bib"]["school"]) == (
        "phdthesis", "Uppsala Universitet")
    assert by_key["loh"]["type"] == "mastersthesis" and by_key["padhye"]["type"] == "techreport"
    assert by_key["chiu"]["type"] == "report"  # a research report: no classic type for it
    entries = {e.key: e for e in bibtexparser.parse_string(
        exported(root)["downloads/papers.bib"]).entries}
    geer = entries["geer"]
    assert (geer.entry_type, geer["school"]) == ("phdthesis", "Uppsala Universitet")
    knuth = entries["knuth:ct:a"]
    assert (knuth["maintitle"], knuth["address"]) == ("Computers \\& Typesetting", "Reading, Mass.")


def test_a_name_the_source_protected_in_a_sentence_case_title_stays_capitalized(cli, tmp_path):
    """`Guided {P}areto local search` comes back with its braces where the source had them, so
    a style does not lower it; no other word is braced."""
    root = new_project(tmp_path / "p")
    imported(cli, root, FIXTURES / "bibtex-iridia-biblio-head-unresolved-macros.bib", "bibtex")
    titles = [e["title"] for e in bibtexparser.parse_string(
        exported(root)["downloads/papers.bib"]).entries]
    assert any(t.startswith("Guided {P}areto local search and its") for t in titles), titles
    assert "{Local}" not in " ".join(titles)


def test_zoteros_title_tags_are_latex_commands_in_the_generated_bibtex_and_back(cli, tmp_path):
    """`Frithuswith (<i>d.</i> 727)` of a Better BibTeX CSL export: `\\textit{d.}` in
    papers.bib (not a raw tag), and the tag again when that file is imported."""
    root = new_project(tmp_path / "p")
    imported(cli, root, FIXTURES / "csl-bbt-creator-fields-365-825.json", "csl-json")
    text = exported(root)["downloads/papers.bib"]
    assert "Frithuswith (\\textit{d.} 727)" in text and "<i>" not in text
    (tmp_path / "x.bib").write_text(text, "utf-8")
    again = new_project(tmp_path / "again")
    imported(cli, again, tmp_path / "x.bib", "bibtex")
    assert "Frithuswith (<i>d.</i> 727)" in records(again)


def test_issns_crossref_gives_as_a_list_are_kept_together(cli, tmp_path):
    root = new_project(tmp_path / "p")
    item = {"id": "x", "type": "article-journal", "title": "Listed",
            "ISSN": ["0036-8075", "1095-9203", "0036-8075"], "ISBN": []}
    (tmp_path / "x.json").write_text(json.dumps([item]), "utf-8")
    imported(cli, root, tmp_path / "x.json", "csl-json")
    assert records(root)["Listed"]["bib"] == {"issn": "0036-8075, 1095-9203"}


def test_scholar_tags_name_a_books_isbn_and_a_thesiss_university():
    from generator.citation import head_tags

    data = {"id": "t", "title": "T", "type": "phdthesis",
            "bib": {"school": "KU Leuven", "isbn": "9783642002304", "issn": "0036-8075"}}
    tags = {name: content for _, name, content in head_tags(data, "u")}
    assert (tags["citation_dissertation_institution"], tags["citation_isbn"],
            tags["citation_issn"]) == ("KU Leuven", "9783642002304", "0036-8075")
