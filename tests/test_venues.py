"""Short venue names and venue series: derived from real proceedings titles, named by a record or
the `venues` setting, and a series page (its years, each with its papers) in a real build."""

from __future__ import annotations

import re
import time

import pytest
import yaml
from conftest import REPO
from httpserve import serve_directory
from sitetools import mkdocs_build

from generator.cli import main
from generator.model import PaperSummary
from generator.plan import PlanSettings, plan_site
from generator.venues import VenueNames, derive

IMPORTS = REPO / "tests" / "fixtures" / "import"
DBLP = REPO / "tests" / "fixtures" / "sources" / "dblp.yaml"


def dblp_bib() -> str:
    """DBLP's own BibTeX export of one person's papers (see tests/fixtures/sources/SOURCES.md)."""
    return yaml.safe_load(DBLP.read_text("utf-8"))["interactions"][0]["response"]["body"]["string"]


def folded(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").replace("\\&", "&").split())


# Venue texts as real exports write them (braces and line breaks folded), with the series and
# year derived: None where the text is a journal's or names no series (the full venue is shown).
REAL = {
    "bibtex-d2l-trimmed-300plus.bib": {
        "Advances in neural information processing systems": ("NeurIPS", None),
        "Proceedings of the IEEE conference on computer vision and pattern recognition":
            ("CVPR", None),
        "International Conference on Learning Representations (ICLR)": ("ICLR", None),
        "Proceedings of the 2016 Conference on Empirical Methods in Natural Language "
        "Processing": ("EMNLP", "2016"),
        "Thirty-First AAAI Conference on Artificial Intelligence": ("AAAI", None),
        "icml": ("ICML", None),
        "International conference on artificial neural networks": ("ICANN", None),
        "Proceedings of COMPSTAT'2010": ("COMPSTAT", "2010"),
        "Proceedings of NeuroNimes 88": None,
        "Neural networks: tricks of the trade": None,
        "Computer Vision, IEEE International Conference on": None,
    },
    "dblp": {
        "Proceedings of the 56th Annual ACM Symposium on Theory of Computing, STOC 2024, "
        "Vancouver, BC, Canada, June 24-28, 2024": ("STOC", "2024"),
        "STOC '22: 54th Annual ACM SIGACT Symposium on Theory of Computing, Rome, Italy, "
        "June 20 - 24, 2022": ("STOC", "2022"),
        "38th Computational Complexity Conference, CCC 2023, July 17-20, 2023, Warwick, UK":
            ("CCC", "2023"),
        "42nd IARCS Annual Conference on Foundations of Software Technology and Theoretical "
        "Computer Science, FSTTCS 2022, December 18-20, 2022, IIT Madras, Chennai, India":
            ("FSTTCS", "2022"),
        "STACS 2007, 24th Annual Symposium on Theoretical Aspects of Computer Science, Aachen, "
        "Germany, February 22-24, 2007, Proceedings": ("STACS", "2007"),
        "Computing and Combinatorics - 22nd International Conference, COCOON 2016, Ho Chi Minh "
        "City, Vietnam, August 2-4, 2016, Proceedings": ("COCOON", "2016"),
        "ACM Trans. Comput. Theory": None,
        "SIAM J. Comput.": None,
        "IEEE/ACM Trans. Netw.": None,
        "CoRR": None,
        "52nd Annual Allerton Conference on Communication, Control, and Computing, Allerton "
        "2014, Allerton Park & Retreat Center, Monticello, IL, USA, September 30 - October 3, "
        "2014": None,
    },
}
# Proceedings titles as DBLP and the CVF give them.
PROCEEDINGS = {
    "3rd International Conference on Learning Representations, ICLR 2015, San Diego, CA, USA, "
    "May 7-9, 2015, Conference Track Proceedings": ("ICLR", "2015"),
    "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)":
        ("CVPR", None),
    "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR) "
    "Workshops": ("CVPR Workshops", None),
    "Advances in Neural Information Processing Systems 33: Annual Conference on Neural "
    "Information Processing Systems 2020, NeurIPS 2020, December 6-12, 2020, virtual":
        ("NeurIPS", "2020"),
    "Proceedings of the 2019 Conference of the North American Chapter of the Association for "
    "Computational Linguistics: Human Language Technologies, NAACL-HLT 2019, Minneapolis, MN, "
    "USA, June 2-7, 2019, Volume 1 (Long and Short Papers)": ("NAACL-HLT", "2019"),
    "Findings of the Association for Computational Linguistics: EMNLP 2020": ("Findings of EMNLP",
                                                                                "2020"),
    "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics, "
    "ACL 2020, Online, July 5-10, 2020": ("ACL", "2020"),
    "CVPR 2023": ("CVPR", "2023"),
    "International Conference on Machine Learning and Applications": None,  # ICMLA, not ICML
    "IEEE Transactions on Pattern Analysis and Machine Intelligence": None,
    "Joint Workshop of ACL 2020 and EMNLP 2020": None,  # two series: in doubt
}


@pytest.mark.parametrize("source", sorted(REAL))
def test_series_derived_from_real_venue_texts(source):
    text = folded(dblp_bib() if source == "dblp" else (IMPORTS / source).read_text("utf-8"))
    for venue, expected in REAL[source].items():
        assert venue in text, venue  # as the export writes it
        assert derive(venue) == expected, venue


def test_series_derived_from_proceedings_titles():
    assert {venue: derive(venue) for venue in PROCEEDINGS} == PROCEEDINGS


def test_a_short_name_shows_series_and_year_and_the_full_venue_stays():
    names = VenueNames()
    iclr = next(iter(PROCEEDINGS))
    name = names.name(iclr, None, "2014")  # the venue's year, not the record's
    assert (name.short, name.series, name.year, name.full) == ("ICLR 2015", "ICLR", "2015", iclr)
    journal = names.name("SIAM J. Comput.", None, "2021")
    assert (journal.short, journal.series, journal.year) == ("SIAM J. Comput.", "SIAM J. Comput.",
                                                             "2021")


def summary(paper_id: str, venue: str | None, date: str, short: str | None = None):
    return PaperSummary(id=paper_id, title=paper_id, date=date, venue=venue, venue_short=short)


class Collection:
    def __init__(self, papers):
        self.papers, self.topics = tuple(papers), ()


def series_of(plan) -> dict[str, tuple[str, ...]]:
    return {t.label: t.paper_ids for t in plan.facets["venues"].terms}


def test_the_setting_wins_over_derivation_and_the_record_over_the_setting():
    collection = Collection([
        summary("a", "52nd Annual Allerton Conference on Communication, Control, and Computing, "
                "Allerton 2014, Monticello, IL, USA", "2014-09"),
        summary("b", "Allerton Conference 2016", "2016-10"),
        summary("c", "CVPR 2023", "2023-06"),
        summary("d", "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern "
                "Recognition (CVPR)", "2020-06"),
        summary("e", "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern "
                "Recognition (CVPR)", "2021-06", short="Vision Conference 2021"),
    ])
    derived = series_of(plan_site(collection, PlanSettings()))
    assert derived["CVPR"] == ("c", "d")
    assert "Allerton" not in derived  # nothing derived: each full venue is its own
    settings = PlanSettings(venues=(("*allerton conference*", "Allerton"), ("CVPR*", "CV 2099")))
    named = series_of(plan_site(collection, settings))
    assert named["Allerton"] == ("b", "a") and named["CV"] == ("c",)
    assert named["CVPR"] == ("d",) and named["Vision Conference"] == ("e",)


def test_a_series_page_lists_its_years_newest_first():
    collection = Collection([summary("old", "ICLR 2015", "2015-05"),
                             summary("new", "ICLR 2023", "2023-05"),
                             summary("newer", "ICLR 2023", "2023-05-02"),
                             summary("other", "Some Workshop", "2023-01")])
    pages = plan_site(collection, PlanSettings(per_page=1)).by_path()
    first, second, oldest = (pages[path] for path in ("venues/iclr.md", "venues/iclr/page/2.md",
                                                      "venues/iclr/page/1.md"))
    assert first.kind == second.kind == oldest.kind == "venue"
    assert (first.paper_ids, second.paper_ids, oldest.paper_ids) == (("newer",), ("new",), ("old",))
    # each year's page: the first page (0) or page k counted from the oldest
    assert first.context["years"] == [["2023", 2, 0], ["2015", 1, 1]]
    assert "years" not in second.context and "count" not in oldest.context
    assert [g[:2] for g in first.context["groups"]] == [["2023", 1]]
    assert [g[:2] for g in second.context["groups"]] == [["2023", 1]]
    assert pages["papers/new.md"].context["terms"]["venues"] == {"iclr": "iclr"}


def test_derivation_reads_a_text_once():
    """Venues come from anyone: the time grows with the text, never faster."""
    def seconds(n: int) -> float:
        text = ("ICLR-" * n) + " (" + "A" * n + " " + "2015 " * n
        start = time.perf_counter()
        VenueNames().name(text, None, None)
        return time.perf_counter() - start

    seconds(1000)
    assert seconds(40_000) < 40 * seconds(4_000) + 0.05


@pytest.fixture(scope="module")
def proceedings_site(tmp_path_factory):
    """A new site made by `init` from DBLP's BibTeX export of one person's papers."""
    work = tmp_path_factory.mktemp("dblp")
    bib = work / "dblp.bib"
    bib.write_text(dblp_bib(), "utf-8")
    project = work / "site"
    assert main(["init", str(project), "--from", str(bib)]) == 0
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    with serve_directory(project / "site") as url:
        yield url


def test_series_pages_in_a_browser(browser, proceedings_site):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(proceedings_site + "/venues/")
        rows = page.locator(".term-list li").all_inner_texts()
        # the STOC 2019 paper is the journal version's title: one record, listed under the journal
        assert "STOC 4" in rows and "CCC 3" in rows
        assert not any("Symposium on Theory of Computing" in row for row in rows)
        page.get_by_role("link", name="STOC", exact=True).click()
        page.wait_for_url("**/venues/stoc/")
        years = page.locator("article h2[id^=year-]").all_inner_texts()
        assert years == ["STOC 2024", "STOC 2022", "STOC 2014"]
        titles = page.locator(".venue-title").all_inner_texts()
        assert any(t.startswith("STOC '22: 54th Annual ACM SIGACT Symposium") for t in titles)
        paper = page.locator("h2#year-2022 ~ .paper-list").first.locator(".paper-entry__title a")
        paper.click()
        venue = page.locator(".paper-meta p", has_text="Venue:")
        assert re.fullmatch(r"Venue: STOC 2022\s*STOC '22: 54th Annual .*2022", venue.inner_text())
        bibtex = page.locator(".paper-bibtex").inner_text()
        assert "booktitle = {STOC '22: 54th Annual ACM SIGACT Symposium" in bibtex
        assert page.locator('[data-pagefind-filter="venue"]').first.inner_text() == "STOC"
        venue.get_by_role("link", name="STOC 2022").click()
        page.wait_for_url("**/venues/stoc/")
        # the page fits a phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_a_year_names_each_full_title_once_whatever_its_case():
    """As in the textbook's bibliography, where both spellings are used for NeurIPS."""
    collection = Collection([
        summary("a", "Advances in neural information processing systems", "2018"),
        summary("b", "Advances in neural information processing systems", "2018"),
        summary("c", "Advances in Neural Information Processing Systems", "2018")])
    groups = plan_site(collection, PlanSettings()).by_path()["venues/neurips.md"].context["groups"]
    assert groups == [["2018", 3, ["Advances in neural information processing systems"]]]
