"""People declared in data/people.yml, where every author's name leads, and selected work:
the lab-style collection of tests/fixtures/lab and the shipped collection, rendered."""

from __future__ import annotations

import re
import textwrap
from html import unescape
from urllib.parse import unquote_plus

import pytest
from conftest import REPO
from labtools import PHOTO, lab_project

from generator.config import load_settings
from generator.pipeline import render_site

AUTHOR_LINK = re.compile(r'<a (class="author--member" )?href="([^"]*)">(?:<strong>)?([^<]*)')
BYLINE = re.compile(r'<p class="paper-entry__byline">(.*?)</p>')
PAPER_AUTHORS = re.compile(r'<p class="paper-authors"><strong>Authors:</strong> (.*?)</p>')


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> dict[str, str]:
    project = lab_project(tmp_path_factory.mktemp("lab"))
    return render_site(load_settings(project / "mkdocs.yml"))


def links(html: str) -> list[tuple[str, str, bool]]:
    """(name, href, highlighted) of each author link in html."""
    return [(name, href, bool(member)) for member, href, name in AUTHOR_LINK.findall(html)]


def listed(page: str) -> list[str]:
    return re.findall(r'<h2 class="paper-entry__title"><a href="\.\./\.\./papers/([a-z0-9-]+)/"',
                      page)


def test_a_person_with_two_spellings_has_one_page_with_both_papers(lab):
    page = lab["people/mohammad-shoeybi.md"]
    assert listed(page) == ["efficient-training", "megatron"]  # 2021, then 2019
    assert re.findall(r'<h2 class="person-year"[^>]*>(\d+)</h2>', page) == ["2021", "2019"]
    # three spellings of Ana Lima, one page
    assert sorted(listed(lab["people/ana-lima.md"])) == [
        "doe-spelling", "efficient-training", "zhang-member"]


def test_one_name_two_orcids_is_two_people_and_only_the_declared_one_is_highlighted(lab):
    assert listed(lab["people/wei-zhang.md"]) == ["zhang-member"]
    member = links(PAPER_AUTHORS.search(lab["papers/zhang-member.md"]).group(1))
    other = links(PAPER_AUTHORS.search(lab["papers/zhang-other.md"]).group(1))
    assert member[0] == ("Wei Zhang", "../../people/wei-zhang/", True)
    assert other[0] == ("Wei Zhang", "../../authors/wei-zhang/", False)
    # two undeclared people named Li Na, told apart by their ORCID iDs: two pages of one paper
    li_na = [href for name, href, _ in member + other if name == "Li Na"]
    assert len(set(li_na)) == 2 and all(h.startswith("../../authors/li-na-") for h in li_na)
    for href in li_na:
        assert len(listed(lab[href[len("../../"):-1] + ".md"])) == 1


def test_an_undeclared_author_with_two_spellings_and_one_orcid_has_one_page(lab):
    page = lab["authors/j-doe.md"]
    assert sorted(listed(page)) == ["doe-spelling", "zhang-other"]
    assert "authors/jane-q-doe.md" not in lab


def test_names_are_highlighted_in_listings_and_members_beyond_the_shown_authors_too(lab):
    bylines = {pid: BYLINE.search(part).group(1) for pid, part in
               zip(listed(lab["topics/language-models.md"]),
                   lab["topics/language-models.md"].split('<div class="paper-entry">')[1:],
                   strict=True)}
    shown = links(bylines["efficient-training"])
    assert [n for n, _, member in shown if member] == ["M. Shoeybi", "Ana P. Lima"]  # 2nd and 5th
    assert bylines["efficient-training"].endswith(" and 1 more · 2021")
    assert [n for n, _, member in links(bylines["megatron"]) if member] == ["Mohammad Shoeybi"]


def test_members_page_groups_people_by_role_with_photo_and_profiles(lab):
    page = lab["people/index.md"]
    roles = re.findall(r"<h2>([^<]+)</h2>", page)
    assert roles == ["Principal investigator", "PhD students"]
    photo = re.search(r'<img class="people-list__photo" ([^>]*)>', page).group(1)
    assert f'src="../{PHOTO}"' in photo
    for attribute in ('width="160"', 'height="160"', 'alt="Portrait of Mohammad Shoeybi"',
                      'loading="lazy"'):
        assert attribute in photo
    person = lab["people/mohammad-shoeybi.md"]
    for label in ("Homepage", "Google Scholar", "DBLP", "Semantic Scholar"):
        assert f'rel="noopener me">{label}</a>' in person
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in lab["people/wei-zhang.md"]


def test_each_person_has_a_feed_of_their_papers(lab):
    import feedparser

    feed = feedparser.parse(lab["feeds/people/ana-lima.xml"])
    assert not feed.bozo
    assert feed.feed.title == "Lab: Ana Lima"
    assert [e.link for e in feed.entries] == [
        "https://lab.example.org/papers/doe-spelling/",
        "https://lab.example.org/papers/zhang-member/",
        "https://lab.example.org/papers/efficient-training/"]


def test_home_shows_selected_work_then_recently_added(lab):
    home = lab["_generated/home.md"]
    selected = home.index('<h2 id="selected-work">')
    recent = home.index('<h2 id="recently-added">')
    assert selected < recent < home.index('<h2 id="topics">')
    chosen = re.findall(r'paper-entry__title"><a href="papers/([a-z0-9-]+)/"', home[:recent])
    assert chosen == ["zhang-member", "megatron"]  # newest first
    assert 'href="people/">Members</a>' in home


def test_every_author_name_on_the_shipped_site_leads_to_a_page_or_a_search():
    """On paper pages and in every listing entry, each author shown is a link: to their page
    when they have one, else to the search page filtered to the name."""
    from generator.collection import load_collection

    outputs = render_site(load_settings(REPO / "mkdocs.yml"))
    collection, _ = load_collection(REPO / "data", REPO)
    names = {p.id: [a.name for a in p.authors] for p in collection.papers}
    pages = {path for path in outputs if path.endswith(".md")}
    seen: dict[str, int] = {"search": 0, "page": 0}
    for paper_id, authors in names.items():
        if not authors:
            continue
        html = PAPER_AUTHORS.search(outputs[f"papers/{paper_id}.md"]).group(1)
        assert [unescape(n) for n, _, _ in links(html)] == authors
        _check_targets(links(html), pages, seen)
    for path, text in outputs.items():
        for entry in text.split('<div class="paper-entry">')[1:]:
            paper_id = re.search(r'papers/([a-z0-9-]+)/"', entry).group(1)
            byline = BYLINE.search(entry)
            found = links(byline.group(1)) if byline else []
            assert [unescape(n) for n, _, _ in found] == names[paper_id][:3], path
            _check_targets(found, pages, seen)
    assert seen["search"] and seen["page"]


def _check_targets(found: list, pages: set[str], seen: dict[str, int]) -> None:
    for name, href, _ in found:
        if "search/?author=" in href:
            seen["search"] += 1
            assert unquote_plus(href.split("=", 1)[1]) == " ".join(unescape(name).split())
        else:
            seen["page"] += 1
            assert re.sub(r"^(\.\./)+", "", href).rstrip("/") + ".md" in pages, href


@pytest.mark.parametrize(("people", "field", "message"), [
    ("- id: a\n  name: A\n  orcid: 1234\n", "[0].orcid", "expected an ORCID iD"),
    ("- id: a\n  name: A\n  homepag: https://a.example\n", "[0]", "homepag"),
    ("- id: a\n  name: A B\n- id: b\n  name: C\n  spellings: [a  b]\n", "[1].spellings[0]",
     "also a spelling of 'A B'"),
    ("- id: a\n  name: A\n  photo: {path: none.png, width: 10, height: 10, alt: A}\n",
     "[0].photo.path", "no file 'none.png'"),
    ("- id: a\n  name: A\n  photo: {path: x.png, width: 10, alt: A}\n", "[0].photo", "height"),
])
def test_a_bad_people_file_is_reported_by_file_line_and_field(project, cli, people, field,
                                                             message):
    root = project({"p.yml": "title: T\nauthors: [A]\n"})
    (root / "data" / "people.yml").write_text(people, "utf-8")
    code, out, err = cli(root, "validate")
    assert code != 0 and "Traceback" not in err
    line = next(line for line in (out + err).splitlines() if "people.yml" in line)
    assert re.match(r"data/people\.yml:\d+:\d+: ", line) and field in line and message in line, line


def test_two_people_sharing_a_spelling_need_orcids_and_then_neither_takes_a_bare_name(tmp_path):
    project = lab_project(tmp_path)
    people = project / "data" / "people.yml"
    people.write_text(people.read_text("utf-8") + textwrap.dedent("""\
        - id: wei-zhang-2
          name: Wei Zhang
          orcid: 0000-0001-5109-3700
        """), "utf-8")
    paper = project / "data" / "papers" / "bare.yml"
    paper.write_text("title: Bare\nauthors: [Wei Zhang]\ndate: 2024\n", "utf-8")
    outputs = render_site(load_settings(project / "mkdocs.yml"))
    assert listed(outputs["people/wei-zhang-2.md"]) == ["zhang-other"]
    assert listed(outputs["people/wei-zhang.md"]) == ["zhang-member"]
    bare = links(PAPER_AUTHORS.search(outputs["papers/bare.md"]).group(1))
    assert bare == [("Wei Zhang", "../../search/?author=Wei+Zhang", False)]


def test_selected_must_be_true_or_false(project, cli):
    root = project({"p.yml": "title: T\nauthors: [A]\nselected: yes\n"})
    code, out, err = cli(root, "validate")
    assert code != 0
    assert "data/papers/p.yml:3:1: selected: expected true or false" in out + err


def _generated(docs) -> dict[str, bytes]:
    from generator.plan import GENERATED_DIRS

    return {p.relative_to(docs).as_posix(): p.read_bytes() for folder in GENERATED_DIRS
            for p in sorted((docs / folder).rglob("*")) if p.is_file()}


@pytest.mark.parametrize("edit", ["people", "orcid", "selected"])
def test_a_cached_build_after_editing_people_an_orcid_or_selected_writes_what_a_cold_one_does(
        tmp_path, cli, edit):
    import shutil

    project = lab_project(tmp_path / "lab")
    assert cli(project, "build")[0] == 0
    if edit == "people":  # "A. Lima" is no longer one of Ana Lima's spellings
        people = project / "data" / "people.yml"
        people.write_text(people.read_text("utf-8").replace("[A. Lima, Ana P. Lima]",
                                                            "[Ana P. Lima]"), "utf-8")
    elif edit == "selected":  # Megatron-LM is no longer selected
        paper = project / "data" / "papers" / "megatron.yml"
        paper.write_text(paper.read_text("utf-8").replace("selected: true\n", ""), "utf-8")
    else:  # the other Wei Zhang's record now gives the declared one's ORCID iD
        paper = project / "data" / "papers" / "zhang-other.yml"
        paper.write_text(paper.read_text("utf-8").replace("0000-0001-5109-3700",
                                                          "0000-0002-1825-0097"), "utf-8")
    assert cli(project, "build")[0] == 0
    cold = tmp_path / "cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("docs", ".cache"))
    (cold / "docs" / PHOTO).parent.mkdir(parents=True)
    shutil.copy(project / "docs" / PHOTO, cold / "docs" / PHOTO)
    assert cli(cold, "build", "--no-cache")[0] == 0
    assert _generated(project / "docs") == _generated(cold / "docs")
    if edit == "selected":
        home = (project / "docs" / "_generated" / "home.md").read_text("utf-8")
        assert "papers/megatron/" not in home.split('id="recently-added"')[0]
        return
    # Ana Lima: one spelling fewer, one paper fewer; Wei Zhang: one more paper, by ORCID iD
    person = "ana-lima" if edit == "people" else "wei-zhang"
    assert len(listed((project / "docs" / f"people/{person}.md").read_text("utf-8"))) == 2
