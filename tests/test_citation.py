"""A record as citation data: CSL-JSON items, RIS, head tags and name parts."""

from __future__ import annotations

import re

import pytest
import rispy

from generator.citation import csl_item, head_tags, moment, ris_text, split_name


def test_names_split_by_bibtex_rules():
    assert split_name("Laurens van der Maaten") == {
        "family": "Maaten", "non-dropping-particle": "van der", "given": "Laurens"}
    assert split_name("Le, Quoc V.") == {"family": "Le", "given": "Quoc V."}
    assert split_name("Quoc V. Le") == {"family": "Le", "given": "Quoc V."}
    assert split_name("Aristotle") == {"family": "Aristotle"}


JOURNAL = {"id": "x", "title": "On Things", "type": "article", "date": "2011-21", "authors": [{"name": "Ada Lovelace"}],
           "bib": {"journal": "Nature", "volume": "5", "number": "2", "pages": "10--20"}}
PREPRINT = {"id": "y", "title": "A Preprint", "date": "2024-03-13", "arxiv": "2403.01234"}


def test_a_journal_article_is_one_in_every_format():
    item = csl_item(JOURNAL, "https://e.org/papers/x/")
    assert item["type"] == "article-journal" and item["container-title"] == "Nature"
    assert (item["volume"], item["issue"], item["page"]) == ("5", "2", "10–20")
    assert item["issued"] == {"date-parts": [[2011, 21]]}  # a CSL season
    tags = {name: content for _, name, content in head_tags(JOURNAL, "u")}
    assert tags["citation_journal_title"] == "Nature" and "citation_conference_title" not in tags
    assert (tags["citation_firstpage"], tags["citation_lastpage"]) == ("10", "20")
    assert tags["citation_publication_date"] == "2011"  # a season is no calendar month
    assert "DA  - 2011///" in ris_text(JOURNAL, "u")  # a season has no calendar month
    assert "DA  - 2024/03/13/" in ris_text(PREPRINT, "u") and "DA  - 2014/09//" in ris_text({**PREPRINT, "date": "2014-09"}, "u")
    [ris] = rispy.loads(ris_text(JOURNAL, "https://e.org/papers/x/"))
    assert ris["type_of_reference"] == "JOUR" and ris["secondary_title"] == "Nature"
    assert ris["authors"] == ["Lovelace, Ada"]  # RIS writes "Family, Given"


def test_a_preprint_is_an_arxiv_article():
    item = csl_item(PREPRINT, "u")
    assert (item["type"], item["publisher"], item["number"]) == ("article", "arXiv", "arXiv:2403.01234")
    tags = head_tags(PREPRINT, "u")
    assert ["name", "citation_pdf_url", "https://arxiv.org/pdf/2403.01234"] in tags
    assert ["name", "citation_publication_date", "2024/03/13"] in tags
    assert moment(PREPRINT["date"]).isoformat() == "2024-03-13T00:00:00+00:00"
    assert moment("2011-21").isoformat() == "2011-01-01T00:00:00+00:00"


def test_every_shipped_style_formats_a_reference_without_a_number():
    from generator.citation import STYLES, formatted_reference

    for name in STYLES:
        text = formatted_reference({**JOURNAL, "date": "2011-05"}, "https://e.org/papers/x/", name)
        assert "Lovelace" in text and "On Things" in text and not text.startswith("["), (name, text)


def test_citations_carry_math_and_inline_markup_as_readable_text():
    from generator.citation import formatted_reference

    data = {"id": "m", "title": "Scaling $\\alpha^2$ in <i>vivo</i> H<sub>2</sub>O", "authors": [{"name": "Ada Lovelace"}]}
    readable = "Scaling α^2 in vivo H2O"
    assert rispy.loads(ris_text(data, "u"))[0]["title"] == readable
    tags = {name: content for _, name, content in head_tags(data, "u")}
    assert tags["citation_title"] == tags["og:title"] == readable
    assert readable in formatted_reference(data, "u")
    assert csl_item(data, "u")["title"] == data["title"]  # CSL-JSON has its own rich text: kept as written



def _paper(**fields):
    """A Paper and its page data, from record fields."""
    from generator.citation import paper_data
    from generator.model import Origin, paper_from_record
    from generator.yamlread import Document

    paper = paper_from_record({"title": "Deep Things", "authors": ["Ada Lovelace"], **fields}, "p",
                              Origin(Document("p.yml", None)))
    return paper, paper_data(paper)


def _bib_fields(entry: str) -> dict[str, str]:
    return dict(re.findall(r"^  (\w+) = \{(.*)\},$", entry, re.MULTILINE))


def test_a_conference_venue_is_cited_as_its_proceedings_in_the_venue_year():
    from generator.bibtex import bibtex_entry
    from generator.citation import formatted_reference

    for dated in ({}, {"date": "2019-12-02"}):  # an arXiv id of 2019, with or without its date
        paper, data = _paper(venue="CVPR 2020", arxiv="1912.00998", **dated)
        entry = bibtex_entry(paper)
        assert entry.startswith("@inproceedings{lovelace2019deep,"), entry  # the key stays
        fields = _bib_fields(entry)
        assert (fields["booktitle"], fields["year"]) == ("CVPR 2020", "2020")
        assert "howpublished" not in fields
        assert (fields["eprint"], fields["archiveprefix"]) == ("1912.00998", "arXiv")
        assert "month" not in fields  # the preprint's month is not the proceedings'
        item = csl_item(data, "u")
        assert (item["type"], item["container-title"]) == ("paper-conference", "CVPR 2020")
        assert item["issued"] == {"date-parts": [[2020]]}
        acm = formatted_reference(data, "u")
        assert "2020" in acm and "2019" not in acm, acm
        assert "2019" not in formatted_reference(data, "u", "apa")
        tags = {name: content for _, name, content in head_tags(data, "u")}
        assert tags["citation_conference_title"] == "CVPR 2020"
        assert tags["citation_publication_date"] == "2020"
        [ris] = rispy.loads(ris_text(data, "u"))
        assert (ris["type_of_reference"], ris["year"]) == ("CPAPER", "2020")
    paper, data = _paper(venue="ICCV 2023", date="2023-07-28")  # in the venue's year: kept whole
    assert _bib_fields(bibtex_entry(paper))["month"] == "July"
    assert csl_item(data, "u")["issued"] == {"date-parts": [[2023, 7, 28]]}


def test_a_journal_venue_is_cited_as_an_article_and_an_unknown_one_as_misc():
    from generator.bibtex import bibtex_entry
    from generator.citation import formatted_reference

    paper, data = _paper(venue="IEEE Transactions on Pattern Analysis and Machine Intelligence",
                         date="2021-03")
    fields = _bib_fields(bibtex_entry(paper))
    assert bibtex_entry(paper).startswith("@article{")
    assert (fields["journal"], fields["year"], fields["month"]) == (paper.venue, "2021", "March")
    item = csl_item(data, "u")
    assert (item["type"], item["container-title"], item["issued"]) == (
        "article-journal", paper.venue, {"date-parts": [[2021, 3]]})
    assert ["name", "citation_journal_title", paper.venue] in head_tags(data, "u")
    paper, data = _paper(venue="PhD thesis, KU Leuven", arxiv="1910.02718")
    entry = bibtex_entry(paper)
    assert entry.startswith("@misc{")
    assert (_bib_fields(entry)["howpublished"], _bib_fields(entry)["year"]) == (paper.venue, "2019")
    item = csl_item(data, "u")
    assert item["type"] == "article" and "container-title" not in item
    assert formatted_reference(data, "u").endswith("Deep Things. PhD thesis, KU Leuven.")
    names = {name for _, name, _ in head_tags(data, "u")}
    assert not names & {"citation_conference_title", "citation_journal_title"}
    assert rispy.loads(ris_text(data, "u"))[0]["type_of_reference"] == "GEN"


def test_a_records_own_entry_type_and_container_come_before_its_venue():
    from generator.bibtex import bibtex_entry

    paper, data = _paper(venue="CVPR 2020", type="misc", arxiv="1912.00998")
    entry = bibtex_entry(paper)
    assert entry.startswith("@misc{") and _bib_fields(entry)["year"] == "2020"
    paper, data = _paper(venue="Workshop on Things 2020", bib={"journal": "Journal of Things"},
                         date="2021")
    entry = bibtex_entry(paper)
    assert entry.startswith("@article{") and _bib_fields(entry)["journal"] == "Journal of Things"
    assert "booktitle" not in _bib_fields(entry) and _bib_fields(entry)["year"] == "2020"
    assert (csl_item(data, "u")["type"], csl_item(data, "u")["container-title"]) == (
        "article-journal", "Journal of Things")
    paper, _ = _paper(venue="NeurIPS 2024", bib={"booktitle": "Advances in NeurIPS 37"})
    assert "booktitle = {Advances in NeurIPS 37}" in bibtex_entry(paper)
    assert bibtex_entry(paper).startswith("@inproceedings{")


def test_venue_kinds_and_years():
    from generator.publication import venue_kind, venue_year

    acl = "Association for Computational Linguistics"
    kinds = {"ICLR 2025 Workshop (SCOPE)": "inproceedings",
             "ALVR 2024 (ACL 2024 workshop)": "inproceedings",
             "Proceedings of the IEEE": "article",
             f"Transactions of the {acl}": "article",
             "Computational Linguistics 2026": "article",
             f"Findings of the {acl}: EMNLP 2021": "inproceedings",
             f"Proceedings of the 59th Annual Meeting of the {acl}": "inproceedings",
             "INTERSPEECH 2022": "inproceedings", "IWSLT2021": "inproceedings",
             "SC 2021": "inproceedings", "M.Sc. thesis": "misc", "arXiv": "misc",
             "Scientific Reports 2026": "article"}
    assert {venue: venue_kind(venue) for venue in kinds} == kinds
    years = {"CVPR 2020": "2020", "CoLLAs (PMLR 330)": None, "IWSLT2021": "2021",
             "NeurIPS 12345": None, "ALVR 2024 (ACL 2025 workshop)": "2024", "Volume 1850": None}
    assert {venue: venue_year(venue) for venue in years} == years

def _imported_papers_data():
    """Every record the BibTeX importer makes of three real .bib files (see fixtures/import/SOURCES.md), as page data."""
    from conftest import REPO

    from generator.citation import paper_data
    from generator.importers.bibtex import parse_bibtex
    from generator.importers.common import read_text
    from generator.model import Origin, paper_from_record
    from generator.yamlread import Document

    found = []
    for name in ("biblatex-examples.bib", "bibtex-d2l-trimmed-300plus.bib", "bibtex-xampl-variant-pl-months.bib"):
        path = REPO / "tests" / "fixtures" / "import" / name
        for candidate in parse_bibtex(read_text(path), name)[0]:
            record = {k: v for k, v in candidate.record.items() if k not in ("citekey", "source")}
            found.append(paper_data(paper_from_record(record, candidate.label, Origin(Document(name, None)))))
    return found


@pytest.fixture
def fresh_styles():
    """Styles loaded anew for the test and after it (the loaded ones are kept for the process)."""
    from generator import citation

    citation._style.cache_clear()
    yield citation
    citation._style.cache_clear()


def test_kept_lookups_format_every_reference_as_citeproc_alone_does(fresh_styles, monkeypatch):
    """The style's lookups (terms, macros, each element's queries) are kept between references (they are most of the
    time): every reference of three real .bib files, in both shipped styles, is the one a style without kept lookups
    gives, and the queries are made once, not once per reference."""
    from citeproc import CitationStylesStyle, model

    citation = fresh_styles
    papers = _imported_papers_data()
    assert len(papers) > 100
    lookups = {"n": 0}
    plain_search = model.CitationStylesElement.xpath_search

    def counted(self, expression):
        lookups["n"] += 1
        return plain_search(self, expression)

    monkeypatch.setattr(model.CitationStylesElement, "xpath_search", counted)
    for name, path in citation.STYLES.items():
        plain = CitationStylesStyle(str(path), validate=False)
        before = lookups["n"]
        expected = [citation.reference_in(plain, data, "https://e.org/p/") for data in papers]
        alone, before = lookups["n"] - before, lookups["n"]
        assert [citation.formatted_reference(data, "https://e.org/p/", name) for data in papers] == expected, name
        assert lookups["n"] - before < alone / 20, (name, lookups["n"] - before, alone)


def test_a_kept_term_is_the_one_asked_for_in_each_form(fresh_styles):
    from citeproc import CitationStylesStyle
    from lxml import etree

    citation = fresh_styles
    kept, plain = citation._style("acm").root.locales, CitationStylesStyle(str(citation.STYLES["acm"]), validate=False).root.locales
    asked = [("month-08", None), ("month-08", "short"), ("editor", None), ("editor", "short"), ("editor", "verb"), ("page", "short"),
             ("page", None), ("et-al", None), ("no such term", None), ("month-08", "short")]
    for mine, theirs in zip(kept, plain, strict=True):
        for name, form in asked:
            try:
                expected = theirs.get_term(name, form)
            except IndexError:
                expected = None
            if expected is None:
                with pytest.raises(IndexError):
                    mine.get_term(name, form)
            else:
                assert etree.tostring(mine.get_term(name, form)) == etree.tostring(expected), (name, form)
