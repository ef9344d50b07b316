"""A record as citation data: CSL-JSON items, RIS, head tags and name parts."""

from __future__ import annotations

import pytest
import rispy

from generator.citation import csl_item, head_tags, moment, ris_text, split_name


def test_names_split_by_bibtex_rules():
    assert split_name("Laurens van der Maaten") == {"family": "van der Maaten", "given": "Laurens"}
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
    assert ris["type_of_reference"] == "JOUR" and ris["secondary_title"] == "Nature" and ris["authors"] == ["Ada Lovelace"]


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
