"""Growth tests: time per doubling of input size, for every place where record text is parsed
or rendered. Linear code takes about 2x per doubling; quadratic code about 4x.

    python bench/growth.py [--quick]

Sizes go beyond the record caps on purpose (the schema is bypassed), to show the complexity
of the code itself rather than the protection of the caps. Each row: the input, the time at
each size, and the ratio of the last two times.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import markdown

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.cachecodec import parts_of  # noqa: E402
from generator.importers.bibtex import parse_bibtex  # noqa: E402
from generator.importers.csljson import parse_csl_json  # noqa: E402
from generator.importers.ris import parse_ris  # noqa: E402
from generator.latex import latex_to_unicode  # noqa: E402
from generator.model import Author, Collection, Paper, Topic  # noqa: E402
from generator.notes import nesting_problem, render_notes  # noqa: E402
from generator.plan import PlanSettings, plan_site  # noqa: E402
from generator.records import load_paper_text  # noqa: E402
from generator.render import Renderer, SiteSettings, environment  # noqa: E402
from generator.slug import FreeNames, title_slug  # noqa: E402

EXTENSIONS = ["toc", "admonition", "attr_list", "md_in_html", "tables", "pymdownx.details",
              "pymdownx.superfences", "pymdownx.highlight", "pymdownx.snippets"]
TOPIC = Topic("t", "Topic", "About things.")


def timed(step, repeat: int = 3) -> float:
    """The best of a few runs: one pause of the machine (or of the cycle collector) in a single run
    of a small size made a linear case look quadratic (×3.1 at 200 and 400 characters)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


class OnePaper:
    """The page source of a one-paper site (see `render.PaperSource`)."""

    def __init__(self, paper: Paper):
        self.one = paper

    def paper(self, paper_id: str) -> Paper:
        return self.one

    def parts(self, paper_id: str) -> dict:
        return parts_of(self.one)[1]

    def fragment(self, kind: str, paper_id: str, make) -> str:
        return make()


def planned_html(paper: Paper, topic: Topic, path: str) -> str:
    """One page of a one-paper site, planned and rendered as the build does, through
    Python-Markdown as MkDocs would."""
    collection = Collection((paper,), (topic,))
    page = plan_site(collection, PlanSettings(feeds=True)).by_path()[path]
    settings = SiteSettings(site_url="https://example.org/")
    renderer = Renderer([topic], environment(), settings, OnePaper(paper))
    body = renderer.render(page).split("\n---\n", 1)[1]
    configs = {"pymdownx.snippets": {"base_path": ["docs"]}}
    return markdown.markdown(body, extensions=EXTENSIONS, extension_configs=configs)


def page_html(paper: Paper, topic: Topic = TOPIC) -> str:
    return planned_html(replace(paper, topics=(topic.id,)), topic, f"papers/{paper.id}.md")


def topic_html(topic: Topic) -> str:
    return planned_html(Paper("p", "A paper", topics=(topic.id,)), topic, f"topics/{topic.id}.md")


def mixed_tags(n: int) -> str:
    return f"title: T\ntags: [[x], {', '.join(f'a{i}' for i in range(n // 8))}]\n"


RIS_START = "TY  - JOUR\nTI  - T\nAB  - a\n"
SHARED = "Shared words " * 5


def paper_ids(titles: list[str]) -> list[str]:
    """The ids an import gives papers with these titles."""
    names = FreeNames(set())
    return [names.take(title_slug(title)) for title in titles]


def string_chain(n: int) -> str:
    """@string macros each adding to the one before, and an entry using the last."""
    count = n // 30
    lines = ['@string{s0 = "x"}'] + [f"@string{{s{i} = s{i - 1} # {{x}}}}" for i in range(1, count)]
    return "\n".join(lines) + f"\n@misc{{k, title = {{T}}, note = s{count - 1}}}\n"


def crossref_children(n: int) -> str:
    """One-line entries taking their booktitle from a proceedings whose title is half the file."""
    child = "@inproceedings{{c{}, title = {{C}}, crossref = {{p}}}}\n"
    children = "".join(child.format(i) for i in range(n // 90))
    return children + f"@proceedings{{p, title = {{{'{a} ' * (n // 8)}}}}}\n"


CASES = {
    "validate: tags [[x], a0, a1, ...]": lambda n: load_paper_text(mixed_tags(n), "x.yml", "x"),
    "notes: [[[[…": lambda n: render_notes("[" * n),
    "notes: ![![![…": lambda n: render_notes("![" * (n // 2)),
    "notes: [](…": lambda n: render_notes("[](" * (n // 3)),
    "notes: nested > > >": lambda n: nesting_problem("> " * (n // 2) + "x"),
    "title: &&&…": lambda n: page_html(Paper("p", "&" * n)),
    "title: ***…": lambda n: page_html(Paper("p", "*_" * (n // 2))),
    "venue: ___…": lambda n: page_html(Paper("p", "T", venue="_" * n)),
    "author name: <<<…": lambda n: page_html(Paper("p", "T", authors=(Author("<" * n),))),
    "affiliation: [[[…":
        lambda n: page_html(Paper("p", "T", authors=(Author("A", affiliation="[" * n),))),
    "abstract: &lt; and https://…":
        lambda n: page_html(Paper("p", "T", abstract=("a &lt; https://x.example/y " * n)[:n])),
    "topic title: `|`|…": lambda n: topic_html(Topic("t", "`|" * (n // 2), "d")),
    "topic description: &#42;…": lambda n: topic_html(Topic("t", "T", "&#42;" * (n // 5))),
    "import RIS: continuation lines": lambda n: parse_ris(RIS_START + " more\n" * (n // 6), "x"),
    "import ids: one shared title": lambda n: paper_ids([f"{SHARED}{k}" for k in range(n // 80)]),
    "import ids: distinct titles": lambda n: paper_ids([f"Paper {k}" for k in range(n // 20)]),
    "import BibTeX: @string chain": lambda n: parse_bibtex(string_chain(n), "x.bib"),
    "import BibTeX: crossref to a long title": lambda n: parse_bibtex(crossref_children(n), "x"),
    "import LaTeX: broken, \\frac}$ …": lambda n: latex_to_unicode("\\frac}$ " * (n // 8)),
    "import CSL-JSON: open string [\"\\\"\\…":
        lambda n: parse_csl_json("[" + '"\\' * (n // 2), "x.json"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (for CI)")
    parser.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",")],
                        help="comma-separated input sizes")
    parser.add_argument("--report-only", action="store_true",
                        help="do not fail on the growth "
                             "(sizes too small to time reliably, as the test suite's)")
    args = parser.parse_args()
    default = [12_500, 25_000, 50_000] if args.quick else [25_000, 50_000, 100_000, 200_000]
    sizes = args.sizes or default
    print("| input | " + " | ".join(f"{n:,} chars" for n in sizes) + " | last doubling |")
    print("|---|" + "---|" * (len(sizes) + 1))
    worst = 0.0
    for name, case in CASES.items():
        times = [timed(lambda case=case, n=n: case(n)) for n in sizes]
        ratio = times[-1] / max(times[-2], 1e-6)
        worst = max(worst, ratio)
        cells = " | ".join(f"{t:.3f} s" for t in times)
        print(f"| {name} | {cells} | ×{ratio:.2f} |", flush=True)
    print(f"\nWorst growth per doubling: ×{worst:.2f} (linear ≈ ×2, quadratic ≈ ×4).")
    if worst > 3.0 and not args.report_only:
        sys.exit("growth above ×3 per doubling: something is no longer linear")


if __name__ == "__main__":
    main()
