"""Math in imported titles and abstracts: DBLP's `\\(...\\)` and commands the converter does not
know are shown as math or readable text, never as raw LaTeX commands."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from generator.bibtex_text import bibtex_text
from generator.importers.bibtex import parse_bibtex
from generator.latex import latex_to_unicode, plain_text, rich_html, rich_title
from generator.mathml import to_mathml

DBLP = Path(__file__).parent / "fixtures" / "sources" / "dblp.yaml"
AC0 = "A fixed-depth size-hierarchy theorem for AC"


def dblp_titles() -> list[str]:
    recorded = yaml.safe_load(DBLP.read_text(encoding="utf-8"))["interactions"]
    bodies = [i["response"]["body"]["string"] for i in recorded
              if i["request"]["uri"].endswith(".bib")]
    candidates, _ = parse_bibtex("\n".join(bodies), "dblp.bib")
    return [c.record["title"] for c in candidates]


def test_dblp_inline_math_is_imported_as_dollar_math_and_drawn():
    titles = dblp_titles()
    ac0 = next(t for t in titles if t.startswith(AC0))
    assert ac0 == AC0 + r"${}^{\mbox{0}}$[$\oplus$] via the coin problem"
    assert plain_text(ac0) == AC0 + "^0[⊕] via the coin problem"
    heading = str(rich_title(ac0))
    assert heading.count("<math") == 2 and "&#x02295;" in heading and "<mtext>0</mtext>" in heading
    sigma = next(t for t in titles if t.startswith("An Almost Cubic"))
    assert "$\\Sigma\\Pi\\Sigma$" in sigma and "ΣΠΣ" in plain_text(sigma)
    assert str(rich_title(sigma)).count('<mi mathvariant="normal">&#x003A') == 3  # upright, as TeX
    counting = [t for t in titles if t.lower().startswith("counting paths in vpa") and "$" in t]
    assert len(counting) == 2 and all(plain_text(t).endswith("#NC^1") for t in counting)
    assert not [t for t in titles if "\\(" in t or "\\)" in t]


def test_dblp_escaped_formula_keeps_its_superscript():
    """DBLP escapes the LaTeX of some titles (`{\\^{}}` for `^`): the formula comes back whole."""
    journal = next(t for t in dblp_titles() if t.startswith("A Fixed-Depth"))
    formula = r"$\mathrm{AC}^0[\oplus]$"
    assert journal == f"A Fixed-Depth Size-Hierarchy Theorem for {formula} via the Coin Problem"
    assert "<msup>" in str(rich_title(journal))


def test_a_caret_comes_back_from_the_generated_bibtex():
    title = "Scaling n^2 attention"  # plain text, not math
    assert latex_to_unicode(bibtex_text(title)) == title


@pytest.mark.parametrize("latex, shown", [
    (r"\noopsort{1973}", "noopsort"),  # a \newcommand of the xampl fixture's @preamble
    (r"\R^n", "R"), (r"\eps", "eps"), (r"\textsc{Max}", "Max"), (r"\em x", "x"),
    (r"\lambda_{\rm max}", "max"),  # PMLR proceedings abstract
    (r"\textit{poly}(n)", "poly"), (r"\bf x", "x"), (r"\it x", "x"), (r"\mathbf{x}", "&#x1D431;"),
    (r"\emph{k}", "k"), (r"\mbox{0}", "0"), (r"\text{c}", "c"), (r"\mathrm{AC}^0", "A"),
    # commands inside the argument of a text command, which the converter copies as text
    (r"\textbf{\textit{poly}}", "poly"), (r"\emph{\bf x}", "x"), (r"\mbox{\em log}", "log"),
    (r"\text{\textit{w.h.p.}}", "w.h.p."), (r"\textit{\mytool}", "mytool"),
])
def test_commands_in_math_are_drawn_or_shown_by_name_never_raw(latex, shown):
    drawn = to_mathml(latex)
    assert drawn is not None and "\\" not in drawn[0] and f">{shown[0]}" in drawn[0]
    text = plain_text(f"${latex}$")
    assert "\\" not in text and (shown in text or shown.startswith("&") and "𝐱" in text)


def test_math_delimiters_take_linear_time():
    def seconds(n: int) -> float:
        text = r"{\(\Sigma\)}" * n + r" \( open" * n + r"\[" * n
        start = time.perf_counter()
        latex_to_unicode(text)
        return time.perf_counter() - start

    seconds(100)
    small, large = min(seconds(200) for _ in range(3)), min(seconds(1_600) for _ in range(3))
    assert large < 8 * small * 3, (small, large)


def test_a_lone_operator_is_drawn_without_spaces_around_it(page):
    """`[$\\oplus$]` (the DBLP title) and `$-$50` (the Better BibTeX fixture) in Chromium: the
    operator is as narrow as its glyph, with no spaces for operands that are not there."""
    for latex in (r"\oplus", "-"):
        drawn = to_mathml(latex)[0]
        glyph = re.search(r">(&#x[0-9A-F]+;)</mo>", drawn).group(1)
        spaced = f"<math><mrow><mo>{glyph}</mo></mrow></math>"  # as the converter draws it
        page.set_content(f'<p style="font-size:40px"><span id="a">{drawn}</span>'
                         f'<span id="b">{spaced}</span></p>')
        width = {s: page.locator(f"#{s} math").bounding_box()["width"] for s in "ab"}
        assert width["a"] < width["b"] - 0.3 * 40, (latex, width)


def test_formulas_side_by_side_are_joined_only_up_to_the_formula_bound():
    """DBLP's `{\\(\\Sigma\\)}{\\(\\Pi\\)}` is one formula, but a hundred of them are not one too
    long to draw: each drawn formula stays within the bound and none is left as written."""
    text = latex_to_unicode(r"{\(\Sigma\)}" * 100)
    assert "$$" not in text
    assert str(rich_html(text)).count("&#x003A3;") == 100
