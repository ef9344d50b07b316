"""LaTeX in imported text becomes Unicode; inline math is shown as MathML and read as text."""

from __future__ import annotations

import pytest
from markupsafe import escape

from generator.bibtex_text import bibtex_name, bibtex_text
from generator.html_text import paragraphs
from generator.latex import (
    MATHML_BUDGET,
    TITLE_MATHML_BUDGET,
    latex_to_unicode,
    plain_text,
    rich_html,
    rich_title,
)
from generator.mathml import ELEMENTS
from generator.order import folded_title


@pytest.mark.parametrize("latex, text", [
    (r'{\"U}ber die W{\"a}rme', "Über die Wärme"),
    (r"{A}dap{L}e{R}", "AdapLeR"),
    (r"{\"O}zge Aks{\i}n", "Özge Aksın"),
    (r"12th $\{$USENIX$\}$ symposium", "12th USENIX symposium"),
    (r"50% of \emph{all} pages--roughly", "50% of all pages–roughly"),
    (r"The $\operatorname{[MASK]}$ token", r"The $\operatorname{[MASK]}$ token"),
    ("plain text, unchanged", "plain text, unchanged"),
])
def test_latex_to_unicode(latex, text):
    assert latex_to_unicode(latex) == text


def test_math_is_mathml_on_pages_and_text_in_titles_search_and_order():
    title = r"Energy of 100 $\mu$J and $\alpha^2$ <i>in vivo</i> <script>"
    html = rich_html(title, tags=True)
    assert html.count("<math") == 2 and "<i>in vivo</i>" in html and "&lt;script&gt;" in html
    assert plain_text(title) == "Energy of 100 μJ and α^2 in vivo <script>"
    assert folded_title(r"{\"U}ber") == folded_title("Über") == "uber"


def test_unbalanced_zotero_tags_are_closed_or_escaped():
    assert rich_html("a </i> b <sub>c", tags=True) == "a &lt;/i&gt; b <sub>c</sub>"


def test_bibtex_text_protects_capitals_and_encodes_latin_letters_only():
    assert bibtex_text("Über BERT and AdapLeR: $\\mu$-law, 徐冰 – Пушкин", protect_case=True) == (
        '{\\"U}ber {BERT} and {AdapLeR:} {$\\mu$}-law, 徐冰 -- Пушкин')
    assert bibtex_name("Barnes and Noble") == "{Barnes and Noble}"


def test_math_cannot_make_a_page_grow_without_bound():
    abstract = "$x$ " * 25_000  # 100,000 characters, the abstract cap
    html = rich_html(abstract)
    assert len(html) < 4 * len(abstract) + 60_000


MATH_PAYLOADS = [
    r"\text{</mtext></math><script>alert(1)</script>}", r"\mbox{<img/src/onerror=alert(2)>}",
    r"\hbox{\"><svg onload=alert(3)>}", r"\fbox{</math><b>x}", r"\textrm{&lt;i&gt;}",
    r"\style{position:fixed;inset:0;background:red}{X}", r"\href{javascript:alert(4)}{x}",
    r"\class{md-search}{x}", r"\color{red;background:url(x)}{x}", r"\fcolorbox{red}{blue}{x}",
    r"\Huge{\Huge{\Huge{\Huge x}}}", r"\raise{100em}{x}", r"\rule{1000em}{1000em}",
    r"\kern-1em" * 10,
]
SAFE_ATTRIBUTES = set(
    "xmlns display displaystyle scriptlevel mathvariant mathcolor mathbackground mathsize width"
    " height depth lspace rspace voffset notation stretchy fence".split())


@pytest.mark.parametrize("latex", MATH_PAYLOADS)
def test_math_is_drawn_by_allowlisted_mathml_with_its_text_escaped(latex):
    from xml.etree import ElementTree

    html = str(rich_html(f"a ${latex}$ b"))
    assert html.startswith("a <math") and html.endswith("</math> b"), html
    elements = list(ElementTree.fromstring(html[2:-2]).iter())  # well-formed: no text closed a tag
    assert {e.tag.split("}")[-1] for e in elements} <= ELEMENTS
    assert {name for e in elements for name in e.attrib} <= SAFE_ATTRIBUTES, html
    assert "javascript:" not in html and "position:" not in html
    assert sum("mathsize" in e.attrib for e in elements) <= 1  # no \Huge inside \Huge
    values = [value for e in elements for value in e.attrib.values()]
    assert sum(v.startswith("-") for v in values) <= 3  # at most 3 em of negative space
    assert not any(v.endswith(("100em", "1000em")) for v in values)


def test_legit_math_keeps_the_converters_mathml():
    import latex2mathml.converter

    for latex in [r"\alpha^2", r"\frac{a}{b}", r"x_i^{2}", r"\mathbb{R}^n", r"\text{ok}",
                  r"\sqrt[3]{x}", r"\epsilon\!-\!\delta", r"\sum_{i=1}^n x_i", r"\Big(x\Big)",
                  r"\color{red}{x}", r"\Huge x", r"\not=", r"\begin{pmatrix}a&b\\c&d\end{pmatrix}"]:
        assert rich_html(f"${latex}$") == latex2mathml.converter.convert(latex), latex
    assert "<mtext>a&lt;b</mtext>" in rich_html(r"$\text{a<b}$")


def test_a_titles_math_is_capped_lower_and_no_formula_overruns_the_cap():
    title = r"$\frac{x}{y}$ " * 70
    html = rich_title(title)
    assert len(html) < TITLE_MATHML_BUDGET + len(title)
    assert "<math" in html and r"$\frac{x}{y}$" in html  # the first drawn, the rest as written
    one = "$" + r"\frac{x}{y}" * 40 + "$"  # one formula whose MathML is over the cap: as written
    assert rich_title(one) == one


def test_an_abstracts_paragraphs_share_one_mathml_budget():
    from generator.html_text import paragraphs

    paragraph = r"$\frac{x}{y}$ " * 50
    one = paragraphs(paragraph)
    assert "<math" in one and r"$\frac{x}{y}$" not in one  # one paragraph: all of it drawn
    many = paragraphs("\n\n".join([paragraph] * 40))
    assert len(many) < MATHML_BUDGET + 40 * (len(paragraph) + 10)
    assert r"$\frac{x}{y}$" in many  # past the field's budget, math is shown as written


@pytest.mark.parametrize("latex", [
    r"\text{&#x202E;}", r"\text{&#xFFFE;}", r"\text{&#x0;}", r"\text{&#x3C;}", r"\mbox{&#x41;}",
    r"\unicode{x202E}", r"\unicode{x2066}", r"\unicode{xFFFE}", r"\unicode{x0}", r"\unicode{x85}",
    r"\unicode{xA}", r"\unicode{x200B}", r"\unicode{xAD}", r"\unicode{xD800}",
    r"\unicode{x110000}", "\\text{a\u202eb\u202c}", "\\text{x\u2028y}",
])
def test_a_formula_holding_a_hidden_character_is_shown_as_written(latex):
    title = f"Attack ${latex}$ gnp.exe"
    assert rich_title(title) == escape(title)  # its text escaped: `&amp;#x202E;`, no reference
    assert rich_html(title) == escape(title)


def test_the_converters_own_character_references_are_kept():
    assert rich_html(r"$\alpha \unicode{x3C} \unicode{x2061}$").count("&#x") == 3
    assert "<mi>&#x3C;</mi>" in rich_html(r"$\unicode{x3C}$")  # shows `<`, as text
    assert rich_html(r"$\text{&amp;}$").endswith("<mtext>&amp;amp;</mtext></mrow></math>")


def test_shifts_are_limited_per_field_not_per_formula():
    title = "X" + r"$\hspace{-3em}$" * 30 + "Y"
    html = rich_title(title)
    assert html.count("<math") == 1 and html.count(r"$\hspace{-3em}$") == 29
    assert rich_title(title) == html  # each field starts with its whole allowance
    raised = rich_html(r"$\raise{0.5em}{x}$ " * 4)  # up 0.5 em, and 0.5 em less deep
    assert raised.count("<math") == 3, raised
    abstract = paragraphs(r"A $\kern-1em$ " * 600 + "B")
    assert abstract.count("<math") == 3
    assert rich_html(r"$\epsilon\!-\!\delta$ " * 9).count("<math") == 9  # \! is 1/6 em
