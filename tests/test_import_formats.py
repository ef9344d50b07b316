"""CSL-JSON, RIS and arXiv importers on real exports and recorded API responses (no network)."""

from __future__ import annotations

from conftest import REPO

from generator.importers.arxiv import PAUSE, arxiv_ids, fetch_entries
from generator.importers.common import read_text
from generator.importers.csljson import parse_csl_json
from generator.importers.ris import parse_ris

FIXTURES = REPO / "tests" / "fixtures" / "import"


def csl(name):
    return parse_csl_json(read_text(FIXTURES / name), name)


def ris(name):
    return parse_ris(read_text(FIXTURES / name), name)


def test_csl_json_dates_ranges_and_seasons():
    candidates, problems = csl("csl-bbt-dates-360-811.json")
    assert problems == []
    records = {c.record["citekey"]: c.record for c in candidates}
    assert records["t1"]["date"] == "2014-12-31/2015-01-01"  # a range
    assert records["t3"]["date"] == "2014-12-31"  # an open-ended range: its start
    assert "date" not in records["t5"]  # a year before the common era is left out, not garbled
    staiger = records["Staiger1985"]
    assert staiger["date"] == "1985-21" and staiger["type"] == "article" and staiger["bib"]["journal"] == "Cinema Journal"


def test_csl_json_better_bibtex_key_and_chinese_title():
    (candidate,), problems = csl("csl-bbt-zh-tw-standard-2212.json")
    assert candidate.record["title"].startswith("水中總有機碳")
    assert candidate.record["citekey"].startswith("ShuiZhong")


def test_csl_json_keeps_zotero_inline_html():
    candidates, _ = csl("csl-testsuite-sort-StripMarkup-input.json")
    assert candidates[1].record["title"] == "A Full <i>Anonymous</i> Life"


def test_ris_exports_of_several_managers():
    (scopus,), _ = ris("ris-jabref-scopus-export.ris")
    assert scopus.record["type"] == "article" and scopus.record["authors"][0] == "S. Federico" and scopus.line == 1
    (pmc,), _ = ris("ris-jabref-pmc-export.ris")
    assert pmc.record["date"] == "2013-04-18" or pmc.record["date"].startswith("2013")
    (endnote,), _ = ris("ris-rispy-endnote-multiline.ris")
    assert "wizardry" in endnote.record["tags"] and endnote.record["doi"] == "10.1234/endnote.joke.2024"
    (book,), _ = ris("ris-jabref-book-y1-month-name.ris")
    assert book.record["date"] == "2015-10" and book.record["type"] == "book"
    (aip,), _ = ris("ris-jabref-aip-leading-blank-lines.ris")
    assert aip.record["authors"][0] == "J. J. Valle-Delgado" and aip.line == 6


class Recorded:
    """Answers the arXiv API from recorded responses; counts requests and the pauses between them."""

    def __init__(self, bodies):
        self.bodies, self.urls, self.pauses = list(bodies), [], []

    def fetch(self, url):
        self.urls.append(url)
        status, name = self.bodies.pop(0)
        return status, (FIXTURES / name).read_bytes()

    def sleep(self, seconds):
        self.pauses.append(seconds)


def test_arxiv_ids_from_ids_references_and_urls():
    ids, problems = arxiv_ids(["https://arxiv.org/abs/2204.08348v3", "arXiv:hep-ex/0406020v1", "https://arxiv.org/pdf/1706.03762", "1706.03762v2", "abc"])
    assert ids == ["2204.08348", "hep-ex/0406020", "1706.03762"]
    assert [p.message for p in problems] == ["'abc' is not an arXiv id or URL"]


def test_arxiv_old_style_id_from_a_recorded_response():
    api = Recorded([(200, "arxiv-arxivpy-oldstyle-hep-ex_0406020v1.atom.xml")])
    (found,), problems = fetch_entries(["hep-ex/0406020"], fetch=api.fetch, sleep=api.sleep)
    assert problems == [] and found.record["arxiv"] == "hep-ex/0406020" and found.record["date"] == "2004-06-07"
    assert api.urls == ["https://export.arxiv.org/api/query?id_list=hep-ex/0406020&max_results=1"]


def test_arxiv_error_response_and_unknown_ids_are_reported():
    api = Recorded([(400, "arxiv-arxivpy-error-id_abc.atom.xml")])
    found, problems = fetch_entries(["abc"], fetch=api.fetch, sleep=api.sleep)
    assert found == [] and [p.message for p in problems] == ["HTTP 400: incorrect id format for abc"]
    api = Recorded([(200, "arxiv-arxivpy-idlist-partial-mojibake.atom.xml")])
    found, problems = fetch_entries(["0808.05394", "1707.08567"], fetch=api.fetch, sleep=api.sleep)
    assert [c.label for c in found] == ["1707.08567"] and [p.message for p in problems] == ["0808.05394: not found on arXiv"]


def test_arxiv_requests_are_batched_and_spaced_by_three_seconds():
    ids = [f"{1000 + n}.00001" for n in range(120)]
    api = Recorded([(200, "arxiv-arxivpy-search-del_maestro-10entries.atom.xml")] * 3)
    fetch_entries(ids, fetch=api.fetch, sleep=api.sleep)
    assert len(api.urls) == 3 and len(api.pauses) == 2 and all(PAUSE - 0.5 < p <= PAUSE for p in api.pauses)


def test_arxiv_latex_in_abstracts_becomes_unicode():
    api = Recorded([(200, "arxiv-arxivpy-search-del_maestro-10entries.atom.xml")])
    found, _ = fetch_entries(["1201.4869"], fetch=api.fetch, sleep=api.sleep)
    assert found[0].record["title"] == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
