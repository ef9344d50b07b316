"""Pictures of papers: a record's own image under docs/, or its local PDF's first page drawn by
pypdfium2, cached by the PDF's content hash; on the lab-style collection with a real PDF
(tests/fixtures/pictures, from pypdf's test resources), built by the generator and by MkDocs."""

from __future__ import annotations

import hashlib
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import REPO
from labtools import lab_project
from PIL import Image

from generator import pictures
from generator.config import load_settings
from generator.pipeline import render_site

FIXTURES = REPO / "tests" / "fixtures" / "pictures"
PDF = FIXTURES / "crazyones.pdf"
IMAGE = FIXTURES / "signed-page.png"
THUMB = pictures.thumb_path("pdfs/crazyones.pdf")
IMG = re.compile(r"<img [^>]*>")

RECORDS = {
    "drawn.yml": """\
        title: A Paper With Its PDF Here
        authors: [Ann Example]
        date: 2022
        topics: [vision]
        links:
          pdf: pdfs/crazyones.pdf
        """,
    "figured.yml": """\
        title: A Paper With Its Own Figure
        authors: [Ann Example]
        date: 2021
        topics: [vision]
        image: figures/signed-page.png
        image_alt: A signed page with a header
        links:
          pdf: pdfs/crazyones.pdf
        """,
}


def pictured_project(dest: Path, *, whole: bool = False, records: dict | None = None) -> Path:
    """The lab collection, a real PDF under docs/pdfs/ and an image under docs/figures/, and
    records that show them."""
    lab_project(dest, whole=whole)
    for name, text in (RECORDS if records is None else records).items():
        (dest / "data" / "papers" / name).write_text(textwrap.dedent(text), "utf-8")
    for source, target in ((PDF, "pdfs/crazyones.pdf"), (IMAGE, "figures/signed-page.png")):
        (dest / "docs" / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, dest / "docs" / target)
    return dest


def attributes(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))


def images(html: str) -> list[dict[str, str]]:
    return [attributes(tag) for tag in IMG.findall(html)]


@pytest.fixture
def built(tmp_path, cli):
    project = pictured_project(tmp_path / "lab")
    code, out, err = cli(project, "build")
    assert code == 0, err
    return project, err


def test_a_local_pdf_s_first_page_is_drawn_into_docs_and_shown_with_its_size(built):
    project, _ = built
    thumb = project / "docs" / THUMB
    with Image.open(thumb) as image:
        assert image.format == "PNG" and image.width == pictures.THUMB_WIDTH
        size = image.size
        assert image.convert("L").getextrema()[0] < 128  # ink on the page: text was drawn
    page = (project / "docs" / "papers" / "drawn.md").read_text("utf-8")
    listing = (project / "docs" / "topics" / "vision.md").read_text("utf-8")
    want = {"src": f"../../{THUMB}", "width": str(size[0]), "height": str(size[1]),
            "alt": "First page of A Paper With Its PDF Here", "loading": "lazy"}
    for html in (page, listing):
        shown = [i for i in images(html) if i["src"] == want["src"]]
        assert len(shown) == 1 and want.items() <= shown[0].items(), images(html)


def test_a_record_s_image_comes_before_its_pdf_with_its_own_size_and_alt(built):
    project, _ = built
    page = (project / "docs" / "papers" / "figured.md").read_text("utf-8")
    assert images(page) == [{
        "class": "paper-picture__img", "src": "../../figures/signed-page.png", "width": "992",
        "height": "1403", "alt": "A signed page with a header", "loading": "lazy",
        "decoding": "async"}]


def test_the_same_pdf_gives_the_same_bytes_and_is_cached_by_its_content_hash(built, tmp_path):
    project, _ = built
    drawn = (project / "docs" / THUMB).read_bytes()
    again, why = pictures.draw_first_page(PDF)
    assert why == "" and again == drawn
    sha = hashlib.sha256(PDF.read_bytes()).hexdigest()
    assert (project / ".cache" / "thumbs" / f"{sha}.png").read_bytes() == drawn


def test_a_second_build_takes_the_picture_from_the_cache(built, cli, monkeypatch):
    project, _ = built
    (project / "docs" / THUMB).unlink()  # and the page is rendered again: its record changed
    record = project / "data" / "papers" / "drawn.yml"
    record.write_text(record.read_text("utf-8").replace("2022", "2023"), "utf-8")

    def no_drawing(path):
        raise AssertionError(f"{path} drawn again")

    monkeypatch.setattr(pictures, "draw_first_page", no_drawing)
    code, _, err = cli(project, "build")
    assert code == 0, err
    assert (project / "docs" / THUMB).is_file()
    assert IMG.search((project / "docs" / "papers" / "drawn.md").read_text("utf-8"))


def test_a_pdf_that_cannot_be_drawn_is_a_warning_and_the_paper_has_no_picture(tmp_path, cli):
    project = pictured_project(tmp_path / "lab", records={"drawn.yml": RECORDS["drawn.yml"]})
    broken = project / "docs" / "pdfs" / "crazyones.pdf"
    broken.write_bytes(PDF.read_bytes()[:2000])  # a download cut short
    code, out, err = cli(project, "build")
    assert code == 0, err
    assert "Traceback" not in err
    assert re.search(r"data/papers/drawn\.yml:\d+:\d+: warning: links\.pdf: cannot draw the first "
                     r"page of docs/pdfs/crazyones\.pdf \(not a readable PDF: .+\): the paper is "
                     r"shown without a picture", err), err
    assert not IMG.search((project / "docs" / "papers" / "drawn.md").read_text("utf-8"))
    assert not list((project / "docs" / "_thumbs").glob("*.png"))


def test_a_missing_image_file_is_an_error_naming_the_record_and_field(tmp_path, cli):
    project = pictured_project(tmp_path / "lab", records={"figured.yml": RECORDS["figured.yml"]})
    (project / "docs" / "figures" / "signed-page.png").unlink()
    code, out, err = cli(project, "build")
    assert code == 1 and "Traceback" not in err
    assert re.search(r"data/papers/figured\.yml:5:1: image: no file "
                     r"docs/figures/signed-page\.png: expected the picture there", err), err
    assert not (project / "docs" / "papers").exists()  # nothing was written


def test_thumbnails_false_draws_nothing(tmp_path, cli):
    project = pictured_project(tmp_path / "lab", records={"drawn.yml": RECORDS["drawn.yml"]})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "  - papers\n", "  - papers:\n      thumbnails: false\n"), "utf-8")
    code, _, err = cli(project, "build")
    assert code == 0, err
    assert not list((project / "docs").glob("_thumbs/*.png"))
    assert not (project / ".cache" / "thumbs").exists()
    assert not IMG.search((project / "docs" / "papers" / "drawn.md").read_text("utf-8"))


def test_a_thumbnail_whose_pdf_is_no_longer_linked_is_removed(built, cli):
    project, _ = built
    for name in RECORDS:
        (project / "data" / "papers" / name).unlink()
    code, _, err = cli(project, "build")
    assert code == 0, err
    assert not (project / "docs" / THUMB).exists()


def test_an_image_path_outside_docs_is_refused_by_the_schema(tmp_path, cli):
    record = RECORDS["figured.yml"].replace("figures/signed-page.png", "../secret.png")
    project = pictured_project(tmp_path / "lab", records={"figured.yml": record})
    code, _, err = cli(project, "build")
    assert code == 1 and "Traceback" not in err
    assert "figured.yml:5:1: image: expected a relative path under docs/ ending in .png" in err, err


def test_render_site_shows_no_picture_without_a_drawn_file(tmp_path):
    # the in-memory build draws too (its scan is the build's own): same pages as a build
    project = pictured_project(tmp_path / "lab")
    pages = render_site(load_settings(project / "mkdocs.yml"))
    assert images(pages["papers/drawn.md"])[0]["src"] == f"../../{THUMB}"


@pytest.mark.browser
@pytest.mark.slow
def test_pictures_load_in_the_built_site(tmp_path_factory, browser):
    from httpserve import serve_directory
    from sitetools import mkdocs_build

    project = pictured_project(tmp_path_factory.mktemp("pictured"), whole=True)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    with serve_directory(project / "site") as url:
        for path, alt in (("/papers/drawn/", "First page of A Paper With Its PDF Here"),
                          ("/topics/vision/", "A signed page with a header")):
            page.goto(url + path)
            img = page.locator(f'article img[alt="{alt}"]')
            img.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=img.element_handle())
            shown = img.evaluate("""img => ({lazy: img.loading, w: img.getAttribute('width'),
                h: img.getAttribute('height'), natural: img.naturalWidth,
                box: img.getBoundingClientRect().width})""")
            assert shown["lazy"] == "lazy" and int(shown["w"]) == shown["natural"], shown
            assert int(shown["h"]) > 0 and 0 < shown["box"] <= 390, shown
    context.close()
    assert asked and all(u.startswith(url) for u in asked), [u for u in asked if url not in u]
