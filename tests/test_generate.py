"""`build` writes only what changed, removes what is stale, and writes nothing on bad data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, write_files

PAPERS = {
    "a.yml": "title: Alpha\ntopics: [vision]\nabstract: First.\n",
    "b.yml": "title: Beta\ntopics: [speech]\nabstract: Second.\ntags: [Nets]\n",
}


def snapshot(docs: Path) -> dict[str, tuple[bytes, int]]:
    """Every generated page (the manifest of what was generated is bookkeeping, not a page)."""
    return {p.relative_to(docs).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(docs.rglob("*"))
            if p.is_file() and p.name != "manifest.txt"}


def test_second_build_writes_nothing_and_keeps_mtimes(project, cli):
    root = project(PAPERS)
    code, out, _ = cli(root, "build")
    assert code == 0 and "0 removed, 0 unchanged" in out
    before = snapshot(root / "docs")
    code, out, _ = cli(root, "build")
    assert out.endswith(f"0 written, 0 removed, {len(before)} unchanged\n")
    assert snapshot(root / "docs") == before


def test_editing_one_record_rewrites_only_the_pages_that_show_it(project, cli):
    root = project(PAPERS)
    cli(root, "build")
    before = snapshot(root / "docs")
    (root / "data/papers/a.yml").write_text("title: Alpha two\ntopics: [vision]\nabstract: First.\n", "utf-8")
    code, out, _ = cli(root, "build")
    after = snapshot(root / "docs")
    changed = sorted(k for k in after if after[k] != before.get(k))
    # (the map's data names every paper; Alpha and Beta share no word, so neither lists the other as related)
    assert changed == ["downloads/map.json", "downloads/papers.bib", "downloads/papers.csl.json", "downloads/papers.json",
                       "downloads/topics/vision.bib", "papers/a.md", "papers/index.md", "topics/vision.md"]
    assert "8 written" in out


def test_removed_record_and_tag_pages_are_deleted(project, cli):
    root = project(PAPERS)
    cli(root, "build")
    assert (root / "docs/papers/b.md").is_file() and (root / "docs/tags/nets.md").is_file()
    (root / "data/papers/b.yml").unlink()
    code, out, _ = cli(root, "build")
    assert code == 0 and "2 removed" in out
    assert not (root / "docs/papers/b.md").exists() and not (root / "docs/tags/nets.md").exists()


def test_failed_validation_writes_nothing(project, cli):
    root = project(PAPERS)
    write_files(root, {"docs/index.md": "# Hand-written\n"})
    cli(root, "build")
    before = snapshot(root / "docs")
    (root / "data/papers/a.yml").write_text("title: Alpha\nauthors: Someone\n", "utf-8")
    (root / "data/papers/c.yml").write_text("title: New paper\ntopics: [vision]\n", "utf-8")
    code, _, err = cli(root, "build")
    assert code == 1 and "authors: expected a list of names" in err and "nothing was written" in err
    assert snapshot(root / "docs") == before


def test_strict_build_refuses_warnings(project, cli):
    root = project({"a.yml": "title: Alpha\nabstract: No topic.\n"})
    code, _, err = cli(root, "build", "--strict")
    assert code == 1 and "warning: paper has no topic" in err
    assert not (root / "docs").exists()


def test_user_template_overrides_the_packaged_one(project, cli):
    root = project(PAPERS)
    write_files(root, {"templates/paper.md.j2": "---\ntitle: {{ p.title | meta }}\n---\n\n# Custom: {{ p.title }}\n"})
    cli(root, "build")
    assert (root / "docs/papers/a.md").read_text("utf-8") == '---\ntitle: "Alpha"\n---\n\n# Custom: Alpha\n'
    assert "Beta" in (root / "docs/topics/speech.md").read_text("utf-8")


def test_same_input_gives_byte_identical_files(project, cli, tmp_path):
    root = project(PAPERS)
    cli(root, "build")
    twin = tmp_path / "twin"
    write_files(twin, {f"data/papers/{k}": v for k, v in reversed(PAPERS.items())})
    write_files(twin, {"mkdocs.yml": "site_name: Test\n", "data/topics.yml": (root / "data/topics.yml").read_text()})
    cli(twin, "build")
    first = {k: v[0] for k, v in snapshot(root / "docs").items()}
    assert first == {k: v[0] for k, v in snapshot(twin / "docs").items()}


def test_config_with_a_wrong_type_is_an_error_naming_the_value(project, cli):
    root = project(PAPERS)
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - papers:\n      recent: lots\n", "utf-8")
    code, _, err = cli(root, "build")
    assert code == 1 and "mkdocs.yml: plugins.papers.recent: Expected type: <class 'int'> but received: <class 'str'>" in err


def test_generated_files_are_readable_by_everyone(project, cli):
    import os

    root = project(PAPERS)
    old = os.umask(0o022)
    try:
        cli(root, "build")
    finally:
        os.umask(old)
    assert (root / "docs/papers/a.md").stat().st_mode & 0o777 == 0o644


def test_a_broken_user_template_is_a_located_error(project, cli):
    root = project(PAPERS)
    write_files(root, {"templates/paper.md.j2": "# {{ p.title }}\n\n{{ p.titel }}\n"})
    code, _, err = cli(root, "build")
    assert code == 1 and "Traceback" not in err
    assert f"{root / 'templates/paper.md.j2'}:3:1: template error:" in err and "titel" in err
    write_files(root, {"templates/paper.md.j2": "{% if %}\n"})
    code, _, err = cli(root, "build")
    assert code == 1 and f"{root / 'templates/paper.md.j2'}:1:1: template error:" in err
    write_files(root, {"templates/paper.md.j2": "line\n{{ 'a' + 1 }}\n"})
    code, _, err = cli(root, "build")
    assert code == 1 and f"{root / 'templates/paper.md.j2'}:2:1: template error: TypeError:" in err and "Traceback" not in err


def test_tag_named_like_an_index_page_gets_its_own_page(project, cli):
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\ntags: [Index]\n"})
    cli(root, "build")
    assert (root / "docs/tags/tag-index.md").is_file()
    assert (root / "docs/tags/index.md").read_text("utf-8").startswith('---\ntitle: "Tags"\n')


@pytest.mark.parametrize("config, expected", [
    ("- a list\n", "mkdocs.yml: expected a mapping of settings"),
    ("site_name: T\nplugins:\n  - papers: [data]\n", "mkdocs.yml: plugins.papers: expected a mapping of options, got ['data']"),
    ("site_name: T\nplugins:\n  papers: 3\n", "mkdocs.yml: plugins.papers: expected a mapping of options, got 3"),
    ("site_name: T\nplugins:\n  - papers:\n      recent: 0\n", "mkdocs.yml: plugins.papers.recent: expected a positive whole number, got 0"),
    ("site_name: T\nplugins:\n  - papers:\n      per_page: true\n", "mkdocs.yml: plugins.papers.per_page: expected a positive whole number, got True"),
    ("site_name: T\nplugins:\n  - papers:\n      per_pgae: 5\n", "mkdocs.yml: plugins.papers.per_pgae: Unrecognised configuration name: per_pgae"),
    ("site_name: T\nplugins:\n  - papers:\n      data_dir: [a]\n", "mkdocs.yml: plugins.papers.data_dir: Expected type: <class 'str'>"),
])
def test_bad_settings_are_errors_not_tracebacks(project, cli, config, expected):
    root = project(PAPERS)
    (root / "mkdocs.yml").write_text(config, "utf-8")
    code, _, err = cli(root, "build")
    assert code == 1 and expected in err and "Traceback" not in err


def test_output_does_not_depend_on_hash_seeds(project, tmp_path):
    import shutil
    import subprocess
    import sys

    root = project(PAPERS)
    outputs = []
    for seed in ("1", "2"):
        shutil.rmtree(root / "docs", ignore_errors=True)
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root, env=env, check=True, capture_output=True)
        outputs.append({k: v[0] for k, v in snapshot(root / "docs").items()})
    assert outputs[0] == outputs[1]


def test_unwritable_docs_is_an_error_naming_the_file(project, cli):
    root = project(PAPERS)
    (root / "docs").write_text("a file where the docs folder should be\n", "utf-8")
    code, _, err = cli(root, "build")
    assert code == 1 and "Traceback" not in err
    assert err == f"error: {root / 'docs' / '_generated' / 'manifest.txt'}: Not a directory\n"


def test_a_bug_in_the_generator_is_not_reported_as_a_template_error(project, cli, monkeypatch):
    root = project(PAPERS)

    def broken(text):
        raise ZeroDivisionError("a bug in the generator")

    monkeypatch.setattr("generator.bibtex.citation_key", broken)  # called from generator code inside a template
    with pytest.raises(ZeroDivisionError):
        cli(root, "build")


def test_a_template_misusing_a_jinja_filter_is_a_located_template_error(project, cli):
    root = project(PAPERS)
    write_files(root, {"templates/paper.md.j2": "# {{ p.title }}\n{{ p.title | truncate('many') }}\n"})
    code, _, err = cli(root, "build")
    assert code == 1 and f"{root / 'templates/paper.md.j2'}:2:1: template error: TypeError" in err and "Traceback" not in err


def test_facets_with_nothing_in_them_are_not_offered_to_visitors(project, cli):
    root = project(PAPERS)
    code, out, err = cli(root, "build")
    assert "note: no paper has a `date`, so its index page is left out of the navigation and the home page" in err
    home = (root / "docs/_generated/home.md").read_text("utf-8")
    assert "By year" not in home and ">Tags</a>" in home
    assert not (root / "docs/years/undated.md").exists()
    assert "tags: [" not in (root / "docs/years/index.md").read_text("utf-8")


def test_spellings_of_one_tag_share_a_page_and_c_plus_plus_gets_its_own(project, cli):
    root = project({
        "a.yml": "title: A\ntopics: [vision]\nabstract: A.\ntags: [Deep Learning, C, Québec]\n",
        "b.yml": "title: B\ntopics: [vision]\nabstract: B.\ntags: [deep-learning, C++, Quebec]\n",
        "c.yml": "title: C\ntopics: [vision]\nabstract: C.\ntags: [Deep  Learning, \"Cafe\\u0301\"]\n",
        "d.yml": "title: D\ntopics: [vision]\nabstract: D.\ntags: [Café]\n",
    })
    code, _, err = cli(root, "build")
    assert code == 0, err
    tags = sorted(p.name for p in (root / "docs/tags").glob("*.md"))
    assert tags == ["c-cedb1bac.md", "c.md", "cafe.md", "deep-learning.md", "index.md", "quebec.md"], tags
    page = (root / "docs/tags/deep-learning.md").read_text("utf-8")
    assert 'title: "Tag: Deep Learning"' in page and page.count('class="paper-entry"') == 3
    assert 'title: "Tag: C++"' in (root / "docs/tags/c-cedb1bac.md").read_text("utf-8")


def test_tags_and_venues_written_with_invisible_characters_share_the_plain_ones_page(project, cli):
    # a zero-width space, a soft hyphen, a byte-order mark and bidirectional marks show nothing:
    # with them in its key, a term would get a second page that looks exactly like the first
    spellings = [("Deep Learning", "NeurIPS"), ("Deep\\u200b Learn\\u00ading", "Neur\\uFEFFIPS"),
                 ("\\u200fDeep Learning\\u200e", "Neur\\u200dIPS")]
    head = "topics: [vision]\nabstract: A.\n"
    root = project({f"{n}.yml": f'title: T{n}\n{head}tags: ["{tag}"]\nvenue: "{venue}"\n'
                    for n, (tag, venue) in enumerate(spellings)})
    code, _, err = cli(root, "build")
    assert code == 0, err
    pages = {}
    for facet in ("tags", "venues"):
        pages[facet] = sorted(path.name for path in (root / "docs" / facet).glob("*.md"))
    assert pages == {"tags": ["deep-learning.md", "index.md"], "venues": ["index.md", "neurips.md"]}
    page = (root / "docs/tags/deep-learning.md").read_text("utf-8")
    assert 'title: "Tag: Deep Learning"' in page and page.count('class="paper-entry"') == 3
    assert (root / "docs/venues/neurips.md").read_text("utf-8").count('class="paper-entry"') == 3


LOCAL_PDF_ADDRESSES = [("https://example.org/lab/", "https://example.org/lab/papers/x%20y.pdf"),
                       (None, "../../papers/x%20y.pdf")]


@pytest.mark.parametrize("site_url, address", LOCAL_PDF_ADDRESSES)
def test_a_local_pdf_is_cited_at_its_address_not_at_a_path_from_wherever_the_reader_is(
        project, cli, site_url, address):
    root = project({"x.yml": "title: X\ntopics: [vision]\nlinks: {pdf: papers/x y.pdf}\n"})
    if site_url:
        (root / "mkdocs.yml").write_text(f"site_name: Test\nsite_url: {site_url}\n", "utf-8")
    (root / "docs/papers").mkdir(parents=True)
    (root / "docs/papers/x y.pdf").write_bytes(b"%PDF-1.4\n")
    code, _, err = cli(root, "build")
    assert code == 0, err
    page = (root / "docs/papers/x.md").read_text("utf-8")
    assert f'["name", "citation_pdf_url", "{address}"]' in page


def test_a_missing_local_pdf_is_a_warning_in_every_build_until_the_file_is_there(project, cli):
    root = project({"x.yml": "title: X\ntopics: [vision]\nlinks: {pdf: files/x.pdf}\n",
                    "s.yml": "title: S\ntopics: [speech]\nabstract: A.\n"})
    warning = "data/papers/x.yml:3:9: warning: links.pdf: no file docs/files/x.pdf"
    code, _, err = cli(root, "build")
    assert code == 0 and warning in err, err
    code, _, err = cli(root, "build", "--strict")
    assert code == 1 and warning in err, err
    (root / "docs/files").mkdir()
    # a real PDF: a file that is not one is a warning of its own (no first page to draw)
    (root / "docs/files/x.pdf").write_bytes((REPO / "tests/fixtures/pictures/crazyones.pdf")
                                            .read_bytes())
    code, _, err = cli(root, "build", "--strict")
    assert (code, err.count("warning")) == (0, 0), err
    (root / "docs/files/x.pdf").unlink()  # no record changed: the build reads none, and still looks
    code, _, err = cli(root, "build")
    assert code == 0 and warning in err, err
    code, _, err = cli(root, "validate", "--strict")
    assert code == 1 and warning in err, err


def test_a_missing_local_pdf_is_named_as_written_when_docs_links_elsewhere(
        project, cli, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    root = project({"x.yml": "title: X\ntopics: [vision]\nlinks: {pdf: files/x.pdf}\n"})
    (root / "docs").symlink_to(elsewhere)
    code, _, err = cli(root, "validate")
    assert code == 0 and "links.pdf: no file docs/files/x.pdf: the PDF link" in err, err
    assert str(elsewhere) not in err
