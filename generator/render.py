"""Render the collection to Markdown text: a pure function of the data, touching no disk."""

from __future__ import annotations

import posixpath
import re
import traceback
from pathlib import Path
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError, select_autoescape
from markupsafe import Markup

from .bibtex import bibtex_entry
from .group import OTHER_LETTER, UNDATED, by_initial, by_tag, by_year, children, has_dates, has_tags, papers_of_topic, recently_added, topic_count
from .markdown_text import code_block, escape_md, md_url, meta_value, paragraphs
from .model import Collection, Paper
from .notes import render_notes
from .problems import DataError, Problem
from .slug import tag_slug

LINK_LABELS = {"pdf": "PDF", "code": "Code", "project": "Project", "video": "Video", "slides": "Slides", "data": "Data"}
GENERATED_DIRS = ("papers", "topics", "years", "tags", "_generated", "downloads")
LETTERS = (OTHER_LETTER, *"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def environment(templates_dir: Path | None = None) -> Environment:
    """Templates from templates_dir (if it exists) win over the package's own."""
    loaders = [FileSystemLoader(str(templates_dir))] if templates_dir and templates_dir.is_dir() else []
    loaders.append(PackageLoader("generator", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html"], default_for_string=False, default=False),
        finalize=escape_md,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        paragraphs=paragraphs, md_url=md_url, meta=meta_value, code_block=code_block,
        notes=render_notes, bibtex=bibtex_entry, tag_slug=tag_slug,
        papers_count=lambda n: f"{n} paper" if n == 1 else f"{n} papers",
        anchor=lambda letter: "letter-other" if letter == OTHER_LETTER else f"letter-{letter.lower()}",
    )
    return env


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """Button label and URL for each way to reach the paper, in a fixed order."""
    found = []
    if paper.arxiv:
        found.append(("arXiv", f"https://arxiv.org/abs/{paper.arxiv}"))
    links = dict(paper.links)
    if "pdf" not in links and paper.arxiv:
        found.append(("PDF", f"https://arxiv.org/pdf/{paper.arxiv}"))
    for name in ("pdf", "code", "project"):
        if name in links:
            found.append((LINK_LABELS[name], links[name]))
    if paper.doi:
        found.append(("DOI", "https://doi.org/" + quote(paper.doi, safe="/:;()[]._-~!$&'*+,=@")))
    found += [(_label(name), url) for name, url in paper.links if name not in ("pdf", "code", "project")]
    return found


def _label(name: str) -> str:
    match = re.fullmatch(r"(.*?)-([0-9]+)", name)
    base, number = (match.group(1), f" {match.group(2)}") if match else (name, "")
    return LINK_LABELS.get(base, base) + number


def _template_fault(err: Exception) -> bool:
    """Whether a template caused err: a template error, or an exception whose innermost frames
    after the last template line are not the generator's own code (Jinja, the standard library)."""
    if isinstance(err, TemplateError):
        return True
    frames = traceback.extract_tb(err.__traceback__)
    last_template = max((i for i, f in enumerate(frames) if f.filename.endswith(".j2")), default=None)
    if last_template is None:
        return False
    package = str(Path(__file__).parent)
    return not any(f.filename.startswith(package) and f.filename.endswith(".py") for f in frames[last_template + 1 :])


def _template_problem(template: str, err: Exception) -> Problem:
    """Where a template failed: its file and line, from the error or from the traceback."""
    name, line = getattr(err, "filename", None) or template, getattr(err, "lineno", None)
    if line is None:
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith(".j2")]
        if frames:
            name, line = frames[-1].filename, frames[-1].lineno
    what = (err.message or str(err)) if isinstance(err, TemplateError) else f"{type(err).__name__}: {err}"
    return Problem(str(name), line or 0, 0 if line is None else 1, "", f"template error: {what}")


class Renderer:
    def __init__(self, collection: Collection, env: Environment, recent: int = 10):
        self.collection = collection
        self.env = env
        self.recent = recent
        self.titles = {t.id: t.title for t in collection.topics}
        self.top_level = [t for t in collection.topics if t.parent is None]

    def page(self, template: str, path: str, **context) -> str:
        here = posixpath.dirname(path)

        def link_to(kind: str, name: str) -> Markup:
            target = f"{kind}/{name}" if "." in name else f"{kind}/{name}.md"
            return Markup(posixpath.relpath(target, here or "."))

        try:
            return self._render(template, link_to, context)
        except Exception as err:
            if not _template_fault(err):
                raise  # a bug in the generator itself: let it surface with its traceback
            raise DataError([_template_problem(template, err)]) from None

    def _render(self, template: str, link_to, context: dict) -> str:
        return self.env.get_template(template).render(
            collection=self.collection,
            link_to=link_to,
            paper_links=paper_links,
            topic_title=self.titles.get,
            count=lambda topic: topic_count(self.collection, topic),
            children=lambda topic: children(self.collection, topic),
            year_label=lambda year: "Undated" if year == UNDATED else year,
            top_level=self.top_level,
            **context,
        )

    def build(self) -> dict[str, str]:
        """Every generated file: path relative to docs/ -> text."""
        c = self.collection
        pages = {"_generated/home.md": self.page("home.md.j2", "index.md", recent=recently_added(c, self.recent),
                                                 has_years=has_dates(c), has_tags=has_tags(c))}
        pages["papers/index.md"] = self.page("papers-index.md.j2", "papers/index.md", letters=LETTERS, sections=by_initial(c.papers))
        for paper in c.papers:
            pages[f"papers/{paper.id}.md"] = self.page("paper.md.j2", f"papers/{paper.id}.md", p=paper)
        pages["topics/index.md"] = self.page("topics-index.md.j2", "topics/index.md")
        for topic in c.topics:
            parent = next((t for t in c.topics if t.id == topic.parent), None)
            pages[f"topics/{topic.id}.md"] = self.page(
                "topic.md.j2", f"topics/{topic.id}.md", topic=topic, parent=parent,
                subtopics=children(c, topic), papers=papers_of_topic(c, topic),
            )
        years = by_year(c)
        pages["years/index.md"] = self.page("years-index.md.j2", "years/index.md", years=years)
        for year, papers in years.items():
            pages[f"years/{year}.md"] = self.page("year.md.j2", f"years/{year}.md", year=year, papers=papers)
        tags = by_tag(c)
        pages["tags/index.md"] = self.page("tags-index.md.j2", "tags/index.md", tags=tags)
        for slug, (tag, papers) in tags.items():
            pages[f"tags/{slug}.md"] = self.page("tag.md.j2", f"tags/{slug}.md", tag=tag, papers=papers)
        pages["downloads/papers.bib"] = "\n".join(bibtex_entry(p) for p in c.papers)
        return dict(sorted(pages.items()))


def build(collection: Collection, templates_dir: Path | None = None, recent: int = 10) -> dict[str, str]:
    return Renderer(collection, environment(templates_dir), recent).build()


__all__ = ["build", "environment", "paper_links", "GENERATED_DIRS"]
