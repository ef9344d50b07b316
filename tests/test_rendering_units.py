"""Small pieces of rendering: escaping, links, notes, BibTeX."""

from __future__ import annotations

import markdown

from generator.bibtex import bibtex_entry, distinct_keys, listed_entry, unlisted
from generator.entries import paper_links
from generator.html_text import code_block, meta_value
from generator.model import Author, Paper
from generator.notes import render_notes
from generator.render import environment

EXTENSIONS = ["admonition", "pymdownx.details", "attr_list", "md_in_html", "tables", "pymdownx.snippets"]


def html_of(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs={"pymdownx.snippets": {"base_path": ["docs"]}})


def printed(value: str, template: str = "<p>{{ v }}</p>") -> str:
    """A value as the page templates print it: HTML-escaped, whitespace folded."""
    return environment().from_string(template).render(v=value)


def test_block_openers_in_a_value_stay_text():
    for value in ['!!! danger "Retracted"', '??? note "Click"', "--8<-- \"about.md\"", "> quote", "1. item", "- item", "+ x", "~~~",
                  "a\n```\nb", "x\n--8<-- \"about.md\""]:
        html = html_of(printed(value))
        assert html.startswith("<p>") and "admonition" not in html and "<details" not in html and "<pre" not in html, value
        assert "About" not in html, value


def test_code_block_disarms_snippet_includes_and_keeps_text():
    html = html_of(code_block('@misc{a,\n--8<-- "about.md"\n}\n'))
    assert "--8&lt;--" in html and "About" not in html


def test_urls_keep_ampersands_and_entities_as_written():
    html = html_of(printed("https://x.example/?a=1&amp;y=2", '<div><a href="{{ v }}">x</a></div>'))
    assert 'href="https://x.example/?a=1&amp;amp;y=2"' in html  # the browser reads back &amp;


def test_front_matter_values_read_back_exactly():
    import html as html_module

    import yaml

    for value in ["Plain", 'Quote " and \\ backslash', "Tab\tand\nnewline", "Line\u2028separator", "Odd \ufffe char", "Emoji \U0001F600",
                  "<script>&amp;", "- dash", "key: value", "# hash", "'single'", "@at `tick`", "null", "No"]:
        read = yaml.safe_load(f"title: {meta_value(value)}\n")["title"]
        assert read == html_module.escape(" ".join(value.split())), value


def test_doi_with_fragment_characters_is_one_path():
    paper = Paper(id="a", title="T", doi="10.1000/abc#1?x%")
    assert dict(paper_links(paper))["DOI"] == "https://doi.org/10.1000/abc%231%3Fx%25"


def test_notes_keep_blank_lines_in_code_and_drop_scripts():
    html = render_notes("Text <script>alert(1)</script>\n\n```\nline 1\n\n\nline 4\n```\n")
    assert "line 1\n\n\nline 4" in html and "<script" not in html


def test_bibtex_keeps_urls_verbatim_and_braces_names_with_and():
    paper = Paper(id="a", title="T_1", doi="10.1000/abc_def#1", authors=(Author("DeepMind Research and Engineering Team"), Author("Ada")),
                  links=(("pdf", "https://example.org/~user/paper_v2.pdf"),))
    entry = bibtex_entry(paper)
    assert "title = {T\\_1}" in entry
    assert "doi = {10.1000/abc_def#1}" in entry and "url = {https://example.org/~user/paper_v2.pdf}" in entry
    assert "author = {{DeepMind Research and Engineering Team} and Ada}" in entry


def test_fence_lines_inside_code_and_notes_stay_text():
    bib = html_of(code_block("@misc{a,\n```\na & b\n```\n}\n"))
    assert bib.count('class="highlight"') == 1 and "a &amp; b" in bib and "&#96;&#96;&#96;" in bib
    notes = html_of(f'<div class="paper-notes">\n{render_notes("```" + chr(10) + "x ~~~ y" + chr(10) + "```")}\n</div>')
    assert notes.count("<pre") == 1 and "&#126;&#126;&#126;" in notes


def test_bibtex_braces_cannot_unbalance_a_field():
    entry = bibtex_entry(Paper(id="a", title="Set {x"))
    body = entry.split("title = ", 1)[1]
    assert body.startswith("{Set \\textbraceleft{}x},")
    assert entry.count("{") == entry.count("}")


def test_a_chosen_key_gets_the_letter_wherever_it_stands_and_made_up_keys_keep_their_order():
    made, made_b, chosen = ("@misc{k,}", False), ("@misc{kb,}", False), ("@misc{K,}", True)
    for order in ([chosen, made, made_b], [made, chosen, made_b], [made, made_b, chosen]):
        joined = distinct_keys(order)
        # the chosen key's letter is one no made-up key has
        assert joined[order.index(chosen)] == "@misc{Kc,}"
        assert sorted(joined) == ["@misc{Kc,}", "@misc{k,}", "@misc{kb,}"]
    assert distinct_keys([made, made, made_b]) == ["@misc{k,}", "@misc{kb,}", "@misc{kbb,}"]
    for paper in (Paper(id="a", title="T", citekey="mine"), Paper(id="a", title="T")):
        assert unlisted(listed_entry(paper)) == (bibtex_entry(paper), paper.citekey is not None)


def test_urls_in_abstracts_become_links_showing_the_text_as_written():
    from generator.html_text import paragraphs

    html = str(paragraphs("Code: https://github.com/a/b_c. Also (https://x.example/q?a=1&b=2) and javascript:alert(1) <b>"))
    assert '<a href="https://github.com/a/b_c" rel="noopener">https://github.com/a/b_c</a>.' in html
    assert '(<a href="https://x.example/q?a=1&amp;b=2" rel="noopener">https://x.example/q?a=1&amp;b=2</a>)' in html
    assert "javascript:alert(1) &lt;b&gt;" in html and html.count("<a ") == 2


def test_a_to_z_order_ignores_case_accents_braces_and_leading_punctuation():
    from generator.order import initial, orders

    titles = ["zeta", "{B}ERT rocks", "Über alles", "'Quoted' title", "apple", "3D scenes", "Écoute", "日本語のタイトル"]
    papers = [Paper(id=f"p{i}", title=t) for i, t in enumerate(titles)]
    by_title, _, by_letter = orders(papers)
    assert [p.title for p in by_title] == [
        "3D scenes", "apple", "{B}ERT rocks", "Écoute", "'Quoted' title", "Über alles", "zeta", "日本語のタイトル"]
    assert [p.title for p in by_letter] == [
        "3D scenes", "日本語のタイトル", "apple", "{B}ERT rocks", "Écoute", "'Quoted' title", "Über alles", "zeta"]
    assert [initial(p.title) for p in by_letter] == ["#", "#", "A", "B", "E", "Q", "U", "Z"]
