"""What a file to import looks like, so that a file of another format is refused by name
rather than read as nothing (an XML file given as BibTeX holds no `@entry`: 0 papers, exit 0).

Only the start of the file and cheap patterns are looked at: the parsers check the rest.
"""

from __future__ import annotations

import re

# RIS: Zotero's own check finds `TY  - ` among the first few lines that are not blank.
RIS_TY = re.compile(r"^\ufeff?[ \t]*TY  ?- ", re.MULTILINE)
RIS_LINES = 20
BIBTEX_ENTRY = re.compile(r"@[ \t]*[A-Za-z]+[ \t\n]*[{(]")
XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
XML_SKIPPED = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL)
ATOM = "http://www.w3.org/2005/Atom"
HEAD = 4_000  # characters that name what a file is

# Each format, as the error message words what was expected.
EXPECTED = {
    "bibtex": "BibTeX (@article{...} entries)",
    "csl-json": "CSL-JSON (a JSON list of items)",
    "ris": "RIS (records from `TY  - ` to `ER  - `)",
}
# What a file that looks like one of these can be imported with.
COMMAND = {"BibTeX": "bibtex", "JSON": "csl-json", "RIS": "ris"}


def looks_like(text: str) -> str:
    """BibTeX, JSON, RIS, an arXiv Atom feed, XML (with its root element), an empty file or
    text (a listing, or anything else)."""
    start = text.lstrip("\ufeff \t\n")
    if not start:
        return "an empty file"
    if start[0] in "[{":
        return "JSON"
    if start[0] == "<":
        return _xml(start[:HEAD])
    lines = [line for line in start.split("\n", 4 * RIS_LINES)[: 4 * RIS_LINES] if line.strip()]
    if RIS_TY.search("\n".join(lines[:RIS_LINES])):
        return "RIS"
    if BIBTEX_ENTRY.search(text):
        return "BibTeX"
    return "plain text (no @entry, RIS record or JSON)"


def _xml(head: str) -> str:
    root = XML_ROOT.search(XML_SKIPPED.sub("", head))
    name = root.group(1) if root else "?"
    if name.split(":")[-1] == "feed" and ATOM in head and "arxiv" in head.lower():
        return "an arXiv API answer (an Atom feed)"
    return f"XML (root element <{name}>)"


def mismatch(fmt: str, text: str) -> str | None:
    """Why a file cannot be read as fmt, in one line; None when it looks like fmt."""
    kind = looks_like(text)
    wanted = {"bibtex": "BibTeX", "csl-json": "JSON", "ris": "RIS"}[fmt]
    if kind == wanted:
        return None
    other = COMMAND.get(kind)
    hint = f"; import it with `import {other}`" if other else ""
    return f"not imported: expected {EXPECTED[fmt]}, but the file looks like {kind}{hint}"
