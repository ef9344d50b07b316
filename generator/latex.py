"""LaTeX in record text: imported LaTeX becomes Unicode, inline math ($...$) stays as math.

Records keep text as Unicode, with inline math written `$...$` (the one piece of LaTeX a
Unicode string cannot say better). Pages show that math as MathML, rendered here so the
site needs no script from elsewhere; page titles and search get readable text instead.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

from markupsafe import Markup, escape

from .mathml import MAX_SHIFT, ROUNDING, to_mathml, unknown_command

# Text without any of these has no LaTeX to convert: most of it, left untouched.
LATEX_HINT = re.compile(r"[\\{}$~%]|--|``|''")
# Inline math: bounded, so a stray `$` cannot make one span of a whole abstract.
MATH_CHARACTERS = 400
MATH = re.compile(rf"(?<!\\)\$([^$]{{1,{MATH_CHARACTERS}}})(?<!\\)\$")
# `$\{$USENIX$\}$` is a common mistake for case protection: taken as the braces it meant.
MATH_BRACE = re.compile(r"\$\\([{}])\$")
UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
# An accent on nothing (`{\^{}}`, as DBLP escapes the `^` of a formula) is the character itself.
EMPTY_ACCENT = re.compile(r"(?<!\\)\\([\^~])\{\}")
ACCENT_CHARACTERS = {"^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
# Math between `\(` and `\)` (how DBLP writes it) or `\[` and `\]`, with the braces around
# it if any: records and pages know `$...$`, so it is kept as that; bounded as MATH is.
DELIMITED_MATH = re.compile(
    rf"((?<!\\)\{{)?(?<!\\)\\(?:\(([^$]{{1,{MATH_CHARACTERS}}}?)(?<!\\)\\\)"
    rf"|\[([^$]{{1,{MATH_CHARACTERS}}}?)(?<!\\)\\\])(\}})?")
# MathML is many times longer than its LaTeX: past this many characters of it in one field,
# the rest of the math is shown as written, so a record cannot make its page grow without bound.
MATHML_BUDGET = 40_000
# A title is shown on every page that lists its paper (up to about 1,000 for a record naming
# 1,000 authors): its math gets far less, so what it adds to each of them stays small.
TITLE_MATHML_BUDGET = 2_000
# Deeper nesting of braces and environments than real titles or abstracts have (a handful):
# refused, since pylatexenc parses each level with several nested Python calls.
LATEX_DEPTH_MAX = 50
NESTING = re.compile(r"\\(?:begin|end)(?![a-zA-Z])|\\.|[{}]", re.DOTALL)
# Zotero keeps rich text in titles as these HTML tags, and only these.
INLINE_TAG = re.compile(r"<(/?)(i|sub|sup)>")
# Text whose case the source protected (`{P}ython` in BibTeX), as Zotero and CSL mark it: the
# marks matter to BibTeX and CSL only, and are shown as the text.
NOCASE_TAG = re.compile(r'<span class="nocase">|</span>')


# Font commands that pylatexenc's parser reads with their argument but its text drops whole.
TEXT_FONTS = ("textsf", "textsc", "textup", "textsl", "textmd", "textnormal", "mathsf")


class LatexError(ValueError):
    """LaTeX that is not converted: nested too deep."""


@cache
def _contexts():
    """pylatexenc's parser and text contexts, taught the
    few macros real .bib files use that it drops."""
    from pylatexenc import latexwalker
    from pylatexenc.latex2text import MacroTextSpec, get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec

    # Its warnings about broken LaTeX would name no file or entry; such LaTeX is handled below.
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
    walker = latexwalker.get_default_latex_context_db()
    walker.add_context_category("papersite", prepend=True, macros=[
        MacroSpec("mbox", "{"), MacroSpec("url", "{"), MacroSpec("href", "{{"),
        MacroSpec("LaTeX", ""), MacroSpec("TeX", ""),
        MacroSpec("textbraceleft", ""), MacroSpec("textbraceright", ""),
    ])
    text = get_default_latex_context_db()
    text.add_context_category("papersite", prepend=True, macros=[
        MacroTextSpec("mbox", "%(1)s"), MacroTextSpec("url", "%(1)s"),
        MacroTextSpec("href", "%(2)s"),
        MacroTextSpec("LaTeX", "LaTeX"), MacroTextSpec("TeX", "TeX"), MacroTextSpec("cite", ""),
        # as the generated BibTeX writes a brace of the text
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        # the character its name says, which the generated BibTeX writes for `^` (not `ˆ`)
        MacroTextSpec("textasciicircum", "^"),
        *(MacroTextSpec(name, "%(1)s") for name in TEXT_FONTS),
    ])
    return walker, text


@cache
def _math_text_context():
    """The text context for math read as text: a command it does not know (a user's
    \\newcommand, `\\R`) gives its name, as MathML shows it, rather than nothing."""
    from copy import deepcopy

    from pylatexenc.latex2text import MacroTextSpec

    context = deepcopy(_contexts()[1])
    context.set_unknown_macro_spec(MacroTextSpec("", lambda node, **_: _command_text(node)))
    return context


def _command_text(node) -> str:
    return node.macroname if unknown_command(node.macroname) else ""


@cache
def _converter(math_mode: str):
    from pylatexenc.latex2text import LatexNodes2Text

    context = _math_text_context() if math_mode == "text" else _contexts()[1]
    return LatexNodes2Text(latex_context=context, math_mode=math_mode, strict_latex_spaces=True)


def _convert(latex: str, math_mode: str) -> str:
    """Text of LaTeX, parsed strictly: pylatexenc's tolerant parsing takes exponential time on
    some broken LaTeX (`\\frac{\\frac{\\frac{...` left open). LaTeX that does not parse (a
    stray `$`, a brace left open) is converted word by word, a word that does not either kept
    as written."""
    try:
        return _strict(latex, math_mode)
    except Exception:  # pylatexenc raises many kinds on broken LaTeX (a missing argument: KeyError)
        return " ".join(_word(word, math_mode) for word in latex.split())


def _word(latex: str, math_mode: str) -> str:
    try:
        return _strict(latex, math_mode)
    except Exception:
        return latex


def _strict(latex: str, math_mode: str) -> str:
    from pylatexenc import latexwalker

    walker = latexwalker.LatexWalker(latex, latex_context=_contexts()[0], tolerant_parsing=False)
    return _converter(math_mode).nodelist_to_text(walker.get_latex_nodes()[0])


def _nesting(text: str) -> int:
    depth = deepest = 0
    for match in NESTING.finditer(text):
        token = match.group()
        if token in ("{", "\\begin"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("}", "\\end"):
            depth = max(depth - 1, 0)
    return deepest


def latex_to_unicode(text: str, paragraphs: bool = False) -> str:
    """Unicode for LaTeX source: accents, braces and commands converted, spaces collapsed;
    inline math kept as `$...$`. With paragraphs, blank lines between paragraphs are kept.
    Raises LatexError for groups nested more than LATEX_DEPTH_MAX deep."""
    if paragraphs:
        # In running text (an abstract) `$\{$` is the brace it prints, not case protection.
        text = MATH_BRACE.sub(r"\\\1", text)
        parts = (latex_to_unicode(p) for p in re.split(r"\n\s*\n", text))
        return "\n\n".join(p for p in parts if p)
    if LATEX_HINT.search(text):
        if _nesting(text) > LATEX_DEPTH_MAX:
            why = f"LaTeX nested more than {LATEX_DEPTH_MAX} levels deep"
            raise LatexError(f"{why} (braces or \\begin...\\end)")
        text = EMPTY_ACCENT.sub(lambda m: ACCENT_CHARACTERS[m.group(1)], dollar_math(text))
        # In a field value `%` is a percent sign, not the start of a comment.
        text = _convert(UNESCAPED_PERCENT.sub(r"\\%", MATH_BRACE.sub(r"\1", text)), "verbatim")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def dollar_math(latex: str) -> str:
    """latex with math written `\\(...\\)` or `\\[...\\]` written `$...$`; formulas side by
    side (`{\\(\\Sigma\\)}{\\(\\Pi\\)}`, as DBLP writes ΣΠ) become one, since `$$` opens display
    math."""
    if "\\(" not in latex and "\\[" not in latex:
        return latex
    out, last, size, open_end = [], 0, 0, False
    for match in DELIMITED_MATH.finditer(latex):
        before, inner, after = _formula_parts(match)
        adjacent = open_end and not before and match.start() == last
        if adjacent and size + len(inner) <= MATH_CHARACTERS:
            out[-1] = out[-1][:-1]  # right after the one before: the same formula
            out.append(inner + "$" + after)
            size += len(inner)
        else:
            space = " " if adjacent else ""  # `$$` would open display math
            out.append(latex[last:match.start()] + space + before + "$" + inner + "$" + after)
            size = len(inner)
        last, open_end = match.end(), not after
    out.append(latex[last:])
    return "".join(out)


def _formula_parts(match: re.Match) -> tuple[str, str, str]:
    """What goes before the formula, the formula, what goes after: the braces around a formula
    (case protection: math keeps its case) are dropped, a lone one kept."""
    opening, closing = match.group(1) or "", match.group(4) or ""
    inner = match.group(2) or match.group(3)
    return ("", inner, "") if opening and closing else (opening, inner, closing)


def plain_text(text: str) -> str:
    """Readable text for page titles, search and sorting: math as Unicode (`$\\alpha^2$` -> α^2),
    Zotero's inline tags dropped."""
    if "$" in text:
        text = MATH.sub(lambda m: " ".join(_convert(m.group(1), "text").split()), text)
    if "<" in text:
        text = NOCASE_TAG.sub("", INLINE_TAG.sub("", text))
    return text


def rich_html(text: str, tags: bool = False, budget: int = MATHML_BUDGET) -> Markup:
    """HTML of record text: escaped, with inline math as MathML (at most budget characters of
    it) and (with tags) Zotero's <i>, <sub> and <sup> kept as markup, balanced."""
    if "$" not in text and not (tags and "<" in text):
        return escape(text)
    return with_math(text, lambda part: _inline(part, tags), FieldMath(budget))


def rich_title(text: str) -> Markup:
    return rich_html(text, tags=True, budget=TITLE_MATHML_BUDGET)


def with_math(text: str, render_text, field: FieldMath | None = None) -> Markup:
    """HTML of text whose inline math becomes MathML and whose other parts render_text makes.
    Past budget characters of MathML, the rest of the math is shown as written, and so is a
    formula that would shift things back past what the field's math may shift in all. A field
    of several paragraphs passes one FieldMath for all of them, so they share its budget."""
    html, last, field = [], 0, field or FieldMath()
    for match in MATH.finditer(text) if "$" in text else ():
        html.append(render_text(text[last:match.start()]))
        html.append(field.draw(match.group(1)) or str(escape(match.group(0))))
        last = match.end()
    html.append(render_text(text[last:]))
    return Markup("".join(html))


class FieldMath:
    """What the math of one field may still add: characters of MathML and shifts (in em).
    Shifts add up from formula to formula, so each one's limit is not enough."""

    def __init__(self, budget: int = MATHML_BUDGET) -> None:
        self.budget, self.shift = budget, MAX_SHIFT

    def draw(self, latex: str) -> str | None:
        drawn = to_mathml(latex) if self.budget > 0 else None
        if drawn is None:
            return None
        mathml, shift = drawn
        if len(mathml) > self.budget:
            self.budget = 0  # this and all further math shown as written
            return None
        if shift > self.shift + ROUNDING:
            return None
        self.budget -= len(mathml)
        self.shift -= shift
        return mathml


def _inline(text: str, tags: bool) -> str:
    if not tags or "<" not in text:
        return str(escape(text))
    text = NOCASE_TAG.sub("", text)
    out, open_tags, last = [], [], 0
    for match in INLINE_TAG.finditer(text):
        out.append(str(escape(text[last:match.start()])))
        closing, name = match.groups()
        if not closing:
            open_tags.append(name)
            out.append(f"<{name}>")
        elif open_tags and open_tags[-1] == name:
            open_tags.pop()
            out.append(f"</{name}>")
        else:
            out.append(str(escape(match.group(0))))
        last = match.end()
    out.append(str(escape(text[last:])))
    out.extend(f"</{name}>" for name in reversed(open_tags))
    return "".join(out)
