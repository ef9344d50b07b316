"""BibTeX entries for papers, from the record's own fields only."""

from __future__ import annotations

from .model import Paper

# BibTeX counts braces even after a backslash, so `\{` would unbalance a field.
BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


BIBTEX_TABLE = str.maketrans(BIBTEX_SPECIAL)


def bibtex_escape(text: str) -> str:
    return " ".join(text.split()).translate(BIBTEX_TABLE)


def _verbatim(text: str) -> str:
    """URLs and identifiers are verbatim in BibTeX: only braces need care."""
    return text.replace("{", "%7B").replace("}", "%7D")


def _name(name: str) -> str:
    """A name containing " and " is braced, or BibTeX would read it as two people."""
    name = bibtex_escape(name)
    return f"{{{name}}}" if " and " in f" {name.lower()} " else name


def bibtex_entry(paper: Paper) -> str:
    """The record's `bibtex` override, or an entry built from what the record says."""
    if paper.bibtex:
        return paper.bibtex.strip() + "\n"
    fields = [("title", bibtex_escape(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(_name(a.name) for a in paper.authors)))
    if paper.year:
        fields.append(("year", paper.year))
    if paper.venue:
        fields.append(("howpublished", bibtex_escape(paper.venue)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archiveprefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", _verbatim(paper.doi)))
    url = paper.link("pdf") or paper.link("project")
    if url:
        fields.append(("url", _verbatim(url)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{paper.id},\n{body}}}\n"
