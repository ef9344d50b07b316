"""Helpers for tests that build real sites: copy a project, run MkDocs, read the HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from generator.plan import GENERATED_DIRS

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "generator", "data")
GENERATED = (*GENERATED_DIRS, "_thumbs")


def copy_project(dest: Path, data: Path | None = None) -> Path:
    """A copy of this project (hand-written docs only) to build without touching the repository."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if part == "data" and data is not None:
            source = data
        if source.is_dir():
            generated = GENERATED if part == "docs" else ()
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__", *generated))
        else:
            shutil.copy2(source, dest / part)
    return dest


def mkdocs_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def mkdocs_build(project: Path, site: Path, timeout: float = 900) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project, capture_output=True, text=True, timeout=timeout, env=mkdocs_env(),
    )
    return result, time.perf_counter() - start


class _Page(HTMLParser):
    SKIP = {"script", "style"}
    # Text of inline elements (a link inside a sentence) runs on; blocks are separated by a space.
    BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "pre", "details",
              "summary", "section", "article", "table", "hr", "blockquote", "nav", "header", "footer", "dd", "dt", "dl"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []
        self.article_refs: list[str] = []
        self.text: list[str] = []
        self.article_text: list[str] = []
        self._skip = 0
        self._article = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.refs.append((tag, attrs[name]))
                if self._article and tag == "a":
                    self.article_refs.append(attrs[name])
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCKS:
            self._separate()
        if tag == "article" or self._article:
            self._article += tag not in ("br", "hr", "img", "input", "meta", "link", "wbr")

    def _separate(self):
        self.text.append(" ")
        if self._article:
            self.article_text.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip -= 1
        if tag in self.BLOCKS:
            self._separate()
        if self._article and tag not in ("br", "hr", "img", "input", "meta", "link", "wbr"):
            self._article -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._article:
            self.article_text.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def folded(text: str) -> str:
    return " ".join(text.split())


def article_text(path: Path) -> str:
    return folded("".join(parse_page(path).article_text))


def page_file(site: Path, url_path: str) -> Path:
    target = site / unquote(url_path).lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def broken_links(site: Path) -> list[str]:
    """Every internal href/src that points at no file, or at an id the target page lacks."""
    pages = {p: parse_page(p) for p in site.rglob("*.html")}
    problems = []
    for path, page in sorted(pages.items()):
        base = "/" + path.relative_to(site).as_posix()
        for tag, ref in page.refs:
            parsed = urlparse(ref)
            if parsed.scheme or parsed.netloc or ref.startswith("mailto:"):
                continue
            url, fragment = urldefrag(ref)
            url = url.split("?")[0]  # a query (search/?author=...) is read by the page's script
            target = path if not url else page_file(site, _join(base, url))
            if not target.is_file():
                problems.append(f"{base}: <{tag}> {ref} -> missing {target.relative_to(site) if target.is_relative_to(site) else target}")
                continue
            if fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse_page(target).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{base}: <{tag}> {ref} -> no id {fragment!r}")
    return problems


def _join(base: str, url: str) -> str:
    from posixpath import dirname, normpath

    if url.startswith("/"):
        return url
    joined = normpath(dirname(base) + "/" + url)
    return joined + "/" if url.endswith("/") or url in (".", "..") or url.endswith("/.") else joined
