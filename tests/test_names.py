"""Names a plain string cannot carry (a company's, particles, suffixes): imported with their
parts, and every output (page, BibTeX, CSL-JSON, RIS, formatted reference, Scholar tags) uses
them; the generated BibTeX, CSL-JSON and RIS read back into the same parts."""

from __future__ import annotations

import html
import json
import re

import yaml
from conftest import REPO

from generator.config import load_settings
from generator.importers.bibtex import parse_bibtex
from generator.importers.csljson import parse_csl_json
from generator.importers.ris import parse_ris
from generator.latex import latex_to_unicode, plain_text
from generator.names import editor_parts, held_parts
from generator.pipeline import render_site

FIXTURES = REPO / "tests" / "fixtures" / "import"
INSTITUTION = FIXTURES / "csl-testsuite-name-Institution-input.json"
PARTICLES = FIXTURES / "csl-testsuite-name-ParticleFormatting-input.json"
BIBLATEX = FIXTURES / "biblatex-examples.bib"
CREATORS = FIXTURES / "csl-bbt-creator-fields-365-825.json"


def imported(project, cli, *sources: tuple[str, object]):
    root = project()
    (root / "mkdocs.yml").write_text("site_name: Test\nsite_url: https://e.org/\n", "utf-8")
    for kind, path in sources:
        code, out, err = cli(root, "import", kind, str(path), "--topic", "vision")
        assert code == 0 or path == CREATORS, (out, err)  # it has an item with no title
    return root, render_site(load_settings(root / "mkdocs.yml"))


def records(root) -> dict[str, dict]:
    found = {}
    for path in sorted((root / "data/papers").glob("*.yml")):
        record = yaml.safe_load(path.read_text("utf-8"))
        found[record["citekey"]] = record
    return found


def bib_entry(site: dict, key: str) -> str:
    return re.search(r"@\w+\{" + re.escape(key) + r",\n.*?\n\}\n", site["downloads/papers.bib"],
                     re.DOTALL).group()


def stem(root, key: str) -> str:
    [path] = [p for p in (root / "data/papers").glob("*.yml") if f"citekey: {key}\n" in
              p.read_text("utf-8")]
    return path.stem


def csl_items(site: dict, root) -> dict[str, dict]:
    """The CSL-JSON export's items by the citation key of their record."""
    keys = {stem(root, key): key for key in records(root)}
    return {keys[item["id"]]: item for item in json.loads(site["downloads/papers.csl.json"])}


def page(site: dict, root, key: str) -> str:
    return site[f"papers/{stem(root, key)}.md"]


def ris_of(page_text: str) -> str:
    found = re.search(r'paper-ris"><pre><code>(.*?)</code>', page_text, re.DOTALL).group(1)
    return html.unescape(found)


def reread(parse, text: str) -> dict[str, dict]:
    candidates, problems = parse(text, "export")
    assert not [p for p in problems if p.severity == "error"], problems
    return {c.record.get("citekey") or c.label: c.record for c in candidates}


def test_a_csl_literal_name_is_one_name_in_every_output(project, cli):
    root, site = imported(project, cli, ("csl-json", INSTITUTION))
    assert records(root)["institution-name-1"]["authors"] == [{"literal": "Multi-National United"}]
    entry = bib_entry(site, "institution-name-1")
    assert "  author = {{Multi-National United}},\n" in entry
    item = csl_items(site, root)["institution-name-1"]
    assert item["author"] == [{"literal": "Multi-National United"}]
    text = page(site, root, "institution-name-1")
    assert authors_line(text) == "Authors: Multi-National United"
    assert "AU  - Multi-National United\n" in ris_of(text)
    assert '["name", "citation_author", "Multi-National United"]' in text
    assert "<code>Multi-National United 2006. White Paper" in text  # ACM: no "United, M.-N."
    back = reread(parse_bibtex, entry)["institution-name-1"]
    assert back["authors"] == [{"literal": "Multi-National United"}]


def test_csl_particles_are_kept_and_every_output_says_them(project, cli):
    root, site = imported(project, cli, ("csl-json", PARTICLES))
    # "de" (dropping) and "la" (non-dropping) both stay: the name as written in full
    assert records(root)["ITEM-1"]["authors"] == ["John de la Doe"]
    assert csl_items(site, root)["ITEM-1"]["author"] == [
        {"given": "John", "non-dropping-particle": "de la", "family": "Doe"}]
    text = page(site, root, "ITEM-1")
    assert "AU  - de la Doe, John\n" in ris_of(text)
    assert '["name", "citation_author", "John de la Doe"]' in text
    [back] = reread(parse_bibtex, bib_entry(site, "ITEM-1")).values()
    assert [held_parts(a) for a in back["authors"]] == [
        {"given": "John", "particle": "de la", "family": "Doe"}]


def test_biblatex_particles_and_braced_family_names_keep_their_parts(project, cli):
    root, site = imported(project, cli, ("bibtex", BIBLATEX))
    found = records(root)
    # `V{\'a}zques{ de }Parga, Luis`: the braces make "de" part of the family name
    assert found["vazques-de-parga"]["authors"][0] == {"given": "Luis",
                                                       "family": "Vázques de Parga"}
    assert found["brandt"]["authors"] == ["Ahasver von Brandt", "Erich Hoffmann"]
    assert found["vangennep"]["authors"] == ["Arnold van Gennep"]
    items = csl_items(site, root)
    assert items["vazques-de-parga"]["author"][0] == {"given": "Luis", "family": "Vázques de Parga"}
    assert items["vangennep"]["author"] == [
        {"given": "Arnold", "non-dropping-particle": "van", "family": "Gennep"}]
    assert "author = {{V{\\'a}zques de Parga}, Luis and" in bib_entry(site, "vazques-de-parga")
    text = page(site, root, "vazques-de-parga")
    assert "AU  - Vázques de Parga, Luis\n" in ris_of(text)
    assert authors_line(text).startswith("Authors: Luis Vázques de Parga, José María Lacarra,")


def source_names() -> dict[str, list[dict]]:
    """The parts of each entry's authors as the source files give them, read by bibtexparser's
    own name parsing and CSL's name objects: what every output must say back."""
    import bibtexparser
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    found = {}
    for entry in bibtexparser.parse_string(BIBLATEX.read_text("utf-8")).entries:
        if "author" not in entry.fields_dict:
            continue
        names = []
        for raw in split_multiple_persons_names(" ".join(entry["author"].split())):
            if raw.startswith("{") and raw.endswith("}") and "}" not in raw[1:-1]:
                names.append({"literal": latex_to_unicode(raw)})
                continue
            name = parse_single_name_into_parts(raw, strict=False)
            parts = {"given": name.first, "particle": name.von, "family": name.last,
                     "suffix": name.jr}
            names.append({k: latex_to_unicode(" ".join(v)) for k, v in parts.items() if v})
        found[entry.key] = names
    for path in (INSTITUTION, PARTICLES, CREATORS):
        for item in json.loads(path.read_text("utf-8")):
            found[item["id"]] = [csl_parts(person) for person in item.get("author", [])]
    return found


def csl_parts(person: dict) -> dict:
    if "literal" in person:
        return {"literal": person["literal"]}
    particles = [person.get(p) for p in ("dropping-particle", "non-dropping-particle")]
    parts = {"given": person.get("given"), "particle": " ".join(p for p in particles if p),
             "family": person.get("family"), "suffix": person.get("suffix")}
    return {key: value for key, value in parts.items() if value}


def test_generated_bibtex_csl_json_and_ris_say_the_source_names(project, cli):
    root, site = imported(project, cli, ("bibtex", BIBLATEX), ("csl-json", INSTITUTION),
                          ("csl-json", PARTICLES), ("csl-json", CREATORS))
    found, expected = records(root), source_names()
    from_bib = reread(parse_bibtex, site["downloads/papers.bib"])
    from_csl = reread(parse_csl_json, site["downloads/papers.csl.json"])
    ris = "".join(ris_of(page(site, root, key)) for key in found)
    from_ris = {c.record["title"]: c.record for c in parse_ris(ris, "export")[0]}
    checked = 0
    for key, record in found.items():
        csl_key = next(k for k, r in from_csl.items() if r["title"] == record["title"])
        ris_record = from_ris[plain_text(record["title"])]
        for output in (record, from_bib[key], from_csl[csl_key], ris_record):
            names = [held_parts(a) for a in output.get("authors", [])]
            assert names == expected.get(key, []), key
        editors = record.get("bib", {}).get("editor", "")
        assert editor_parts(from_bib[key].get("bib", {}).get("editor", "")) == editor_parts(
            editors), key
        checked += bool(expected.get(key))
    assert checked >= 75  # every entry of biblatex-examples.bib with an author, and more


def test_a_corporate_name_and_editor_come_back_whole(project, cli, tmp_path):
    # as Zotero writes a company (a creator in one field) in CSL-JSON
    source = tmp_path / "company.json"
    source.write_text(json.dumps([{
        "id": "msd", "type": "report", "title": "A Trial", "issued": {"date-parts": [[2021]]},
        "author": [{"literal": "Merck Sharp & Dohme LLC"},
                   {"family": "Horst", "given": "Jan", "non-dropping-particle": "van der"}],
        "editor": [{"literal": "Merck Sharp & Dohme LLC"}, {"family": "King", "given": "Martin",
                                                             "suffix": "Jr."}]}]), "utf-8")
    root, site = imported(project, cli, ("csl-json", source))
    record = records(root)["msd"]
    assert record["authors"] == [{"literal": "Merck Sharp & Dohme LLC"}, "Jan van der Horst"]
    entry = bib_entry(site, "msd")
    assert "  author = {{Merck Sharp \\& Dohme LLC} and Jan van der Horst},\n" in entry
    assert "  editor = {{Merck Sharp \\& Dohme LLC} and King, Jr., Martin},\n" in entry
    back = reread(parse_bibtex, entry)["msd"]
    assert back["authors"] == record["authors"]
    assert editor_parts(back["bib"]["editor"]) == [
        {"literal": "Merck Sharp & Dohme LLC"},
        {"given": "Martin", "family": "King", "suffix": "Jr."}]
    assert csl_items(site, root)["msd"]["author"][0] == {"literal": "Merck Sharp & Dohme LLC"}
    text = page(site, root, "msd")
    assert "AU  - Merck Sharp & Dohme LLC\nAU  - van der Horst, Jan\n" in ris_of(text)
    # the ACM style inverts a person's name, never a company's
    assert "<code>Merck Sharp &amp; Dohme LLC and van der Horst, J. 2021. A Trial." in text


def test_a_record_may_give_name_parts_and_author_pages_group_them(project, cli):
    root = project({
        "a.yml": "title: A\ntopics: [vision]\nauthors:\n"
                 "  - {family: Horst, given: Jan, particle: van der}\n"
                 "  - {family: King, given: Martin Luther, suffix: Jr.}\n",
        "b.yml": "title: B\ntopics: [vision]\nauthors: [Jan van der Horst]\n"})
    code, out, err = cli(root, "validate")
    assert code == 0, err
    site = render_site(load_settings(root / "mkdocs.yml"))
    assert "Martin Luther King, Jr." in site["papers/a.md"]
    # Scholar reads "Family, Given" unambiguously where a particle or suffix is given
    assert '["name", "citation_author", "van der Horst, Jan"]' in site["papers/a.md"]
    assert '["name", "citation_author", "King, Martin Luther, Jr."]' in site["papers/a.md"]
    assert "author = {Jan van der Horst and King, Jr., Martin Luther}," in site["papers/a.md"]
    author_page = site["authors/jan-van-der-horst.md"]
    assert 'href="../../papers/a/"' in author_page and 'href="../../papers/b/"' in author_page


def test_a_name_mapping_that_is_neither_a_name_nor_parts_is_a_clear_error(project, cli):
    root = project({
        "x.yml": "title: X\ntopics: [vision]\nauthors:\n  - {literal: ACME, family: Acme}\n"
                 "  - {given: Jan}\n"})
    code, out, err = cli(root, "validate")
    assert code == 1
    assert ("data/papers/x.yml:4:5: authors[0]: expected either `literal` (a name never split)"
            " or `family`, not both") in err
    assert ("data/papers/x.yml:5:5: authors[1]: expected a name, or a mapping with `name`,"
            " `family` or `literal`, got a mapping") in err


IRIDIA = FIXTURES / "bibtex-iridia-biblio-head-unresolved-macros.bib"


def test_case_protection_written_in_the_source_is_kept_in_the_generated_bibtex(project, cli):
    root = project()
    code, out, err = cli(root, "import", "bibtex", str(IRIDIA), "--topic", "vision")
    site = render_site(load_settings(root / "mkdocs.yml"))
    bib = site["downloads/papers.bib"]
    # `Guided {P}areto local search`: a sentence-case style must not lower "Pareto"
    assert "title = {Guided {P}areto local search and its application to" in bib
    assert "title = {{SCIP:} {S}olving constraint integer programs}" in bib
    assert "title = {Chained {Lin-Kernighan} for large traveling salesman problems}" in bib
    found = records(root)
    # the record says it as Zotero and CSL do; pages show the words alone
    assert found["Ach2009mpc"]["title"] == ('SCIP: <span class="nocase">S</span>olving constraint'
                                         ' integer programs')
    assert "<h1 class=\"paper-title\">SCIP: Solving constraint integer programs</h1>" in site[
        f"papers/{stem(root, 'Ach2009mpc')}.md"]
    back = reread(parse_bibtex, bib)
    assert {key: back[key]["title"] for key in found} == {
        key: record["title"] for key, record in found.items()}


def test_zotero_rich_text_in_titles_is_latex_markup_in_the_generated_bibtex(project, cli):
    root, site = imported(project, cli, ("csl-json", CREATORS))
    bib = site["downloads/papers.bib"]
    assert "title = {Frithuswith (\\textit{d.} 727)}," in bib
    assert "<i>" not in bib
    # CSL-JSON has the same rich text as Zotero wrote it, and the BibTeX reads back into it
    assert '"title": "Frithuswith (<i>d.</i> 727)"' in site["downloads/papers.csl.json"]
    back = reread(parse_bibtex, bib)
    assert back["Blair2004"]["title"] == records(root)["Blair2004"]["title"]


def test_latex_markup_in_a_bibtex_title_is_kept_as_rich_text(project, cli):
    root, site = imported(project, cli, ("bibtex", BIBLATEX))
    # `Le \emph{De Anima} dans la tradition gr{\`e}cque`
    title = records(root)["moraux"]["title"]
    assert title.startswith("Le <i>De Anima</i> dans la tradition grècque: Quelques aspects")
    assert "title = {Le \\textit{De Anima} dans la tradition gr{\\`e}cque: Quelques" in bib_entry(
        site, "moraux")
    assert reread(parse_bibtex, bib_entry(site, "moraux"))["moraux"]["title"] == title


def test_a_brace_written_as_math_in_an_abstract_is_kept():
    # `$\{$` prints a brace; in a title it is taken for case protection, in running text not
    text = "Sets $\\{$a, b$\\}$ of {USENIX} papers, with $x^2$."
    assert latex_to_unicode(text, paragraphs=True) == "Sets {a, b} of USENIX papers, with $x^2$."


def test_bibtex_and_editor_forms_read_back_into_the_same_parts():
    from generator.bibtex_text import bibtex_name
    from generator.names import bibtex_parts, editor_text

    names = [{"given": "danah", "family": "boyd"},  # BibTeX would take "danah" for a particle
             {"given": "Vincent", "family": "van Gogh"},  # the particle in the family name
             {"given": "Luis", "family": "Vázques de Parga"},
             {"given": "Jan", "particle": "van der", "family": "Horst", "suffix": "III"},
             {"given": "Martin Luther", "family": "King", "suffix": "Jr."},
             {"literal": "Barnes and Noble"}, {"literal": "Merck Sharp & Dohme LLC"},
             {"given": "Yann", "family": "Le Cun"}, {"given": "Ada", "family": "Lovelace"}]
    for parts in names:
        assert bibtex_parts(bibtex_name(parts), latex_to_unicode) == parts, parts
    assert editor_parts(" and ".join(editor_text(parts) for parts in names)) == names


def authors_line(page_text: str) -> str:
    """The paper page's author line as a reader sees it (each name is a link)."""
    line = re.search(r'<p class="paper-authors">(.*?)</p>', page_text).group(1)
    return re.sub(r"<[^>]+>", "", line)
