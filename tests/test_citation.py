"""A record as citation data: CSL-JSON items, RIS, head tags and name parts."""

from __future__ import annotations

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
