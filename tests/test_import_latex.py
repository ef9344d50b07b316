"""LaTeX in imported text becomes Unicode; inline math is shown as MathML and read as text."""

from __future__ import annotations

import pytest

from generator.bibtex_text import bibtex_name, bibtex_text
from generator.latex import TITLE_MATHML_BUDGET, latex_to_unicode, plain_text, rich_html, rich_title
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
