"""What real collections hold and the schema now accepts: date ranges and seasons, tags that
differ only in case or accents, URLs that need percent-encoding, local PDFs, citation fields."""

from __future__ import annotations

from generator.collection import load_collection
from generator.config import load_settings
from generator.order import orders
from generator.pipeline import render_site

RECORDS = {
    "range.yml": "title: A range\ntopics: [vision]\ndate: 1984/1986\ntags: [Public health, Québec]\n",
    "season.yml": "title: A season\ntopics: [vision]\ndate: 1985-21\ntags: [Public Health, Quebec]\n",
    "months.yml": "title: Months\ntopics: [vision]\ndate: 2010-09/2010-10\nlinks: {pdf: papers/months.pdf, code: 'https://example.org/a|b'}\n",
    "cited.yml": "title: Cited\ntopics: [vision]\ncitekey: Maldacena:1997re\ntype: article\nbib: {journal: Adv. Theor. Math. Phys., volume: '2', pages: 231–252, month: '1'}\ndate: '1998'\n",
}


def test_real_data_validates_and_sorts_by_the_start_of_a_range(project, cli):
    root = project(RECORDS)
    code, out, err = cli(root, "validate")
    assert code == 0 and "error" not in err, err
    collection, _ = load_collection(root / "data", root)
    assert [p.id for p in orders(collection.papers)[1]] == ["months", "cited", "season", "range"]


def test_refused_dates_still_are(project, cli):
    code, _, err = cli(project({"x.yml": "title: X\ntopics: [vision]\ndate: 1986/1984\n"}), "validate")
    assert code == 1 and "ends before it starts" in err


def test_pages_encode_urls_link_local_pdfs_share_tag_pages_and_cite_with_the_key(project):
    root = project(RECORDS)
    pages = render_site(load_settings(root / "mkdocs.yml"))
    months = pages["papers/months.md"]
    assert 'href="https://example.org/a%7Cb"' in months and 'href="../../papers/months.pdf"' in months
    tag_pages = sorted(p for p in pages if p.startswith("tags/") and p != "tags/index.md")
    assert tag_pages == ["tags/public-health.md", "tags/quebec.md"]
    bib = pages["downloads/papers.bib"]
    assert "@article{Maldacena:1997re," in bib and "journal = {Adv. Theor. Math. Phys.}" in bib
    assert "pages = {231--252}" in bib and "month = {January}" in bib
