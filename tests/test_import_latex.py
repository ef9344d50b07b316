"""LaTeX in imported text becomes Unicode; inline math is shown as MathML and read as text."""

from __future__ import annotations

import pytest

from generator.bibtex_text import bibtex_name, bibtex_text
from generator.latex import latex_to_unicode, plain_text, rich_html
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
