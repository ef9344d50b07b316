"""BibTeX entries for papers, from the record's own fields only."""

from __future__ import annotations

from .model import Paper

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(BIBTEX_SPECIAL.get(c, c) for c in " ".join(text.split()))


def bibtex_entry(paper: Paper) -> str:
    """The record's `bibtex` override, or an entry built from what the record says."""
    if paper.bibtex:
        return paper.bibtex.strip() + "\n"
    fields = [("title", paper.title)]
    if paper.authors:
        fields.append(("author", " and ".join(a.name for a in paper.authors)))
    if paper.year:
        fields.append(("year", paper.year))
    if paper.venue:
        fields.append(("howpublished", paper.venue))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archiveprefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", paper.doi))
    url = paper.link("pdf") or paper.link("project")
    if url:
        fields.append(("url", url))
    body = "".join(f"  {name} = {{{bibtex_escape(value)}}},\n" for name, value in fields)
    return f"@misc{{{paper.id},\n{body}}}\n"
