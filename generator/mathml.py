"""Inline math as MathML that can draw math and nothing else.

latex2mathml copies `\\text{...}` into its output unescaped and passes `\\href`, `\\style` and
`\\class` through as attributes, so its string output is never used: its element tree is
written out here instead, through an allowlist. Text is escaped (only the character references
the converter writes for symbols are kept, and only for characters that show); elements are
MathML Core's drawing elements, and anything else refuses the whole formula (shown as written
instead); attributes are kept only when their value is one a formula needs, so no style, link,
class or event handler gets through, and sizes and shifts are bounded, so a formula cannot be
drawn over the rest of the page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

NAMESPACE = "http://www.w3.org/1998/Math/MathML"
# MathML Core without mglyph (loads an image), semantics, annotation(-xml) (carry other
# markup) and maction; menclose is not Core, but browsers draw it as an mrow.
ELEMENTS = frozenset(
    "math menclose merror mfrac mi mmultiscripts mn mo mover mpadded mphantom mprescripts mroot"
    " mrow ms mspace msqrt mstyle msub msubsup msup mtable mtd mtext mtr munder munderover".split()
)
BOOLEAN = frozenset({"true", "false"})
VARIANTS = frozenset(
    "normal bold italic bold-italic double-struck bold-fraktur script bold-script fraktur"
    " sans-serif bold-sans-serif sans-serif-italic sans-serif-bold-italic monospace initial"
    " tailed looped stretched".split()
)
KEYWORDS = {
    "display": frozenset({"inline", "block"}), "displaystyle": BOOLEAN,
    "scriptlevel": frozenset("012"),  # no negative levels: they enlarge the text
    "mathvariant": VARIANTS, "form": frozenset({"prefix", "infix", "postfix"}),
    "linebreak": frozenset({"auto", "newline", "nobreak", "goodbreak", "badbreak"}),
    **dict.fromkeys(("fence", "separator", "stretchy", "symmetric", "largeop", "movablelimits",
                     "accent", "accentunder"), BOOLEAN),
}
WORDS = re.compile(r"[a-z]{1,20}( [a-z]{1,20}){0,50}")  # alignments, table lines, notation
WORD_ATTRIBUTES = frozenset({"notation", "columnalign", "rowalign", "columnlines", "rowlines"})
COLOR = re.compile(r"[A-Za-z]{1,20}|#[0-9A-Fa-f]{3,8}")
LENGTH = re.compile(r"([+-]?)(\d{1,4}(?:\.\d{0,4})?|\.\d{1,4})(em|ex|mu|pt|px|mm|cm|in)?")
# MathML's named spaces, in 18ths of an em.
NAMED_SPACES = {"veryverythin": 1, "verythin": 2, "thin": 3, "medium": 4, "thick": 5,
                "verythick": 6, "veryverythick": 7}
NAMED_SPACE = re.compile(f"(negative)?({'|'.join(NAMED_SPACES)})mathspace")
EMS = {"em": 1.0, "ex": 0.5, "mu": 1 / 18, "pt": 0.1, "px": 1 / 16, "mm": 0.3, "cm": 3.0, "in": 7.5,
       None: 1.0}
LENGTH_ATTRIBUTES = frozenset(
    "width height depth lspace rspace minsize maxsize linethickness voffset".split())
SPACING_ATTRIBUTES = frozenset({"columnspacing", "rowspacing"})
MAX_LENGTH = 5.0  # em: \qquad is 2, \Bigg about 3
# Negative spaces and raised or lowered boxes move what follows over what is already drawn;
# the math of one field (a title, a paragraph of an abstract) may move things this far in all
# (\! is 1/6 em), no further.
MAX_SHIFT = 3.0
ROUNDING = 1e-9  # em: eighteen \! make exactly 3 em, not a rounding error more
MAX_SCALE = 2.5  # \Huge, and no \Huge inside \Huge
CHARACTER_REFERENCE = re.compile(r"(&#x[0-9A-Fa-f]{1,6};)")
# Characters a formula must not draw: those XML forbids, the bidirectional controls and other
# invisible ones that validation and term pages treat specially, line and paragraph breaks.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Function application, invisible times, separator and plus: MathML's own, drawn as nothing.
MATH_OPERATORS = frozenset("\u2061\u2062\u2063\u2064")
# Text commands and font switches the converter does not know, as the ones it does, or dropped
# (a switch MathML has no variant for: small capitals, emphasis in math, \xspace).
ALIASES = {"textsc": r"\text", "textup": r"\text", "textnormal": r"\text", "textmd": r"\text",
           "textsl": r"\textit", "em": r"\it", "sl": r"\it", "itshape": r"\it",
           "bfseries": r"\bf", "upshape": r"\rm", "normalfont": r"\rm", "sc": "", "up": "",
           "scshape": "", "mdseries": "", "xspace": ""}
ALIAS = re.compile(rf"\\({'|'.join(ALIASES)})(?![A-Za-z])")
# Commands whose argument the converter copies as text, LaTeX and all (`\\textbf{\\textit{x}}`
# would show `\\textit{x` and a stray brace): their argument is made plain text first.
TEXT_COMMAND = re.compile(
    r"\\(text|textbf|textit|textrm|textsf|texttt|textnormal|textup|textmd|textsl|textsc|emph"
    r"|mbox|hbox)\s*\{")
# In such an argument: font commands and switches are dropped, an escaped character is itself,
# another command is its name, braces and dollars go.
TEXT_MARKUP = re.compile(r"\\([$%&_#])|\\([A-Za-z]+)\s*|\\.|[{}$]")
FONT_COMMANDS = frozenset(TEXT_COMMAND.pattern.split("(")[1].split(")")[0].split("|")) | {
    "bf", "it", "em", "rm", "sf", "tt", "sc", "sl", "up", "normalfont", "itshape", "bfseries",
    "upshape", "scshape", "mdseries", "xspace"}
# A command the converter does not know (a user's \newcommand, `\R`) comes out as an identifier
# spelled with its backslash: shown as its name, as one would read it aloud.
UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")


@lru_cache(maxsize=4096)  # a title is rendered on every page that lists it
def to_mathml(latex: str) -> tuple[str, float] | None:
    """MathML for inline LaTeX math and how far (in em) it shifts what follows back over what
    is drawn, or None if it cannot be converted or drawn safely."""
    import latex2mathml.converter

    # The converter copies `\text{...}` as written: a character reference there would be read
    # by the browser rather than shown, so every reference in its output must be its own.
    if "&#" in latex:
        return None
    if "\\" in latex:
        latex = ALIAS.sub(lambda match: ALIASES[match.group(1)] + " ", _plain_text_arguments(latex))
    try:
        root = latex2mathml.converter.convert_to_element(latex)
    except Exception:  # the converter raises many kinds; unconvertible math is shown as written
        return None
    _unspaced_operator(root)
    _upright_capital_greek(root)
    out: list[str] = []
    formula = _Formula()
    return ("".join(out), formula.shift) if _write(root, formula, 1.0, out) else None


def _plain_text_arguments(latex: str) -> str:
    """latex with the argument of each text command as plain text (see TEXT_COMMAND)."""
    out, last = [], 0
    for match in TEXT_COMMAND.finditer(latex):
        if match.start() < last:
            continue  # inside the argument of the one before
        end = _argument_end(latex, match.end())
        if end is None:
            break
        argument = TEXT_MARKUP.sub(_text_of_markup, latex[match.end():end])
        out += [latex[last:match.end()], argument, "}"]
        last = end + 1
    out.append(latex[last:])
    return "".join(out)


def _argument_end(latex: str, start: int) -> int | None:
    """Where the braced argument opened just before start closes, or None if it does not."""
    depth, i = 1, start
    while i < len(latex):
        char = latex[i]
        if char == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if not depth:
            return i
        i += 1
    return None


def _text_of_markup(match: re.Match) -> str:
    escaped, command = match.group(1), match.group(2)
    if escaped:
        return escaped
    return "" if command is None or command in FONT_COMMANDS else command


def _unspaced_operator(root) -> None:
    """A formula that is one operator (`AC$^0$[$\\oplus$]`, `$-$50`) is drawn without the spaces
    around it, as TeX draws an operator with nothing to operate on."""
    rows = list(root)
    if len(rows) == 1 and rows[0].tag == "mrow" and len(rows[0]) == 1 and rows[0][0].tag == "mo":
        rows[0][0].attrib.update(lspace="0em", rspace="0em")


def _upright_capital_greek(root) -> None:
    """Capital Greek letters upright, as TeX sets them (`$\\Sigma\\Pi\\Sigma$` circuits): a
    lone letter in an identifier is otherwise drawn italic."""
    for element in root.iter("mi"):
        text = element.text or ""
        if "mathvariant" not in element.attrib and CHARACTER_REFERENCE.fullmatch(text):
            if "\u0391" <= _character(text) <= "\u03a9":
                element.set("mathvariant", "normal")


@lru_cache(maxsize=4096)
def unknown_command(name: str) -> bool:
    """Whether the converter does not know `\\name` (and so shows it as its name)."""
    import latex2mathml.converter

    try:
        root = latex2mathml.converter.convert_to_element(f"\\{name}")
    except Exception:
        return False
    known = name in ALIASES
    return not known and [(e.tag, e.text) for e in root.iter() if e.text] == [("mi", f"\\{name}")]


class _Formula:
    """How far one formula shifts things back, in em."""

    def __init__(self) -> None:
        self.shift = 0.0


def _write(element, formula: _Formula, scale: float, out: list[str]) -> bool:
    if not isinstance(element.tag, str) or element.tag not in ELEMENTS:
        return False
    attributes, scale = _attributes(element, formula, scale)
    out.append(f"<{element.tag}{attributes}")
    if not len(element) and not element.text:
        out.append(" />")
        return True
    out.append(">")
    text = element.text
    if element.tag == "mi" and text and UNKNOWN_COMMAND.fullmatch(text):
        text = text[1:]
    if not _append_text(text, out):
        return False
    for child in element:
        if not _write(child, formula, scale, out) or not _append_text(child.tail, out):
            return False
    out.append(f"</{element.tag}>")
    return True


def _append_text(text: str | None, out: list[str]) -> bool:
    """Appends text escaped, except the character references (`&#x003B1;`) the converter
    writes for symbols (`\\unicode{...}` among them); False if it holds a hidden character."""
    parts = CHARACTER_REFERENCE.split(text or "")
    shown = "".join(_character(p) if n % 2 else p for n, p in enumerate(parts))
    if not (shown.isascii() and shown.isprintable()) and any(map(_hidden, shown)):
        return False
    out.append("".join(p if n % 2 else html.escape(p, quote=False) for n, p in enumerate(parts)))
    return True


def _character(reference: str) -> str:
    code = int(reference[3:-1], 16)
    return chr(code) if code <= 0x10FFFF else "\0"  # past Unicode: hidden, like NUL


def _hidden(char: str) -> bool:
    code = ord(char)
    if code & 0xFFFE == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:  # noncharacters, U+FFFE among them
        return True
    return unicodedata.category(char) in HIDDEN_CATEGORIES and char not in MATH_OPERATORS


def _attributes(element, formula: _Formula, scale: float) -> tuple[str, float]:
    kept = []
    for name, value in element.attrib.items():
        if name == "mathsize":
            size = _ems(value)
            if size is None or size <= 0 or scale * size > MAX_SCALE:
                continue
            scale *= size
        elif not _allowed(element.tag, name, value, formula):
            continue
        kept.append(f' {name}="{html.escape(value)}"')
    return "".join(kept), scale


def _allowed(tag: str, name: str, value: str, formula: _Formula) -> bool:
    if name in KEYWORDS:
        return value in KEYWORDS[name]
    if name in WORD_ATTRIBUTES:
        return WORDS.fullmatch(value) is not None
    if name in ("mathcolor", "mathbackground"):
        return COLOR.fullmatch(value) is not None
    if name in SPACING_ATTRIBUTES:
        sizes = [_ems(part) for part in value.split()]
        return bool(sizes) and all(s is not None and 0 <= s <= MAX_LENGTH for s in sizes)
    if name in LENGTH_ATTRIBUTES:
        return _length_allowed(name, value, formula)
    return name == "xmlns" and tag == "math" and value == NAMESPACE


def _length_allowed(name: str, value: str, formula: _Formula) -> bool:
    size = _ems(value)
    if size is None or abs(size) > MAX_LENGTH:
        return False
    if size < 0 or (name == "voffset" and size):
        if formula.shift + abs(size) > MAX_SHIFT + ROUNDING:
            return False
        formula.shift += abs(size)
    return True


def _ems(value: str) -> float | None:
    """A length in em (roughly, for bounding it), or None if it is not one."""
    named = NAMED_SPACE.fullmatch(value)
    if named:
        size = NAMED_SPACES[named.group(2)] / 18
        return -size if named.group(1) else size
    match = LENGTH.fullmatch(value)
    if not match:
        return None
    sign, number, unit = match.groups()
    return (-1 if sign == "-" else 1) * float(number) * EMS[unit]
