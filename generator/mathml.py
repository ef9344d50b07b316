"""Inline math as MathML that can draw math and nothing else.

latex2mathml copies `\\text{...}` into its output unescaped and passes `\\href`, `\\style` and
`\\class` through as attributes, so its string output is never used: its element tree is
written out here instead, through an allowlist. Text is escaped (only the character references
the converter writes for symbols are kept); elements are MathML Core's drawing elements, and
anything else refuses the whole formula (shown as written instead); attributes are kept only
when their value is one a formula needs, so no style, link, class or event handler gets
through, and sizes and shifts are bounded, so a formula cannot be drawn over the rest of
the page.
"""

from __future__ import annotations

import html
import re
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
NAMED_SPACE = re.compile(r"(negative)?(very){0,2}(thin|medium|thick)mathspace")
EMS = {"em": 1.0, "ex": 0.5, "mu": 1 / 18, "pt": 0.1, "px": 1 / 16, "mm": 0.3, "cm": 3.0, "in": 7.5,
       None: 1.0}
LENGTH_ATTRIBUTES = frozenset(
    "width height depth lspace rspace minsize maxsize linethickness voffset".split())
SPACING_ATTRIBUTES = frozenset({"columnspacing", "rowspacing"})
MAX_LENGTH = 5.0  # em: \qquad is 2, \Bigg about 3
# Negative spaces and raised or lowered boxes move what follows over what is already drawn;
# one formula may move things this far in all (\! is 1/6 em), no further.
MAX_SHIFT = 3.0
MAX_SCALE = 2.5  # \Huge, and no \Huge inside \Huge
CHARACTER_REFERENCE = re.compile(r"(&#x[0-9A-Fa-f]{1,6};)")


@lru_cache(maxsize=4096)  # a title is rendered on every page that lists it
def to_mathml(latex: str) -> str | None:
    """MathML for inline LaTeX math, or None if it cannot be converted or drawn safely."""
    import latex2mathml.converter

    try:
        root = latex2mathml.converter.convert_to_element(latex)
    except Exception:  # the converter raises many kinds; unconvertible math is shown as written
        return None
    out: list[str] = []
    return "".join(out) if _write(root, _Formula(), 1.0, out) else None


class _Formula:
    """What one formula has spent of its shifts."""

    def __init__(self) -> None:
        self.shift = MAX_SHIFT


def _write(element, formula: _Formula, scale: float, out: list[str]) -> bool:
    if not isinstance(element.tag, str) or element.tag not in ELEMENTS:
        return False
    attributes, scale = _attributes(element, formula, scale)
    out.append(f"<{element.tag}{attributes}")
    if not len(element) and not element.text:
        out.append(" />")
        return True
    out.append(">" + _text(element.text))
    for child in element:
        if not _write(child, formula, scale, out):
            return False
        out.append(_text(child.tail))
    out.append(f"</{element.tag}>")
    return True


def _text(text: str | None) -> str:
    """Text escaped, except the character references (`&#x003B1;`) the converter writes."""
    parts = CHARACTER_REFERENCE.split(text or "")
    return "".join(p if n % 2 else html.escape(p, quote=False) for n, p in enumerate(parts))


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
        if abs(size) > formula.shift:
            return False
        formula.shift -= abs(size)
    return True


def _ems(value: str) -> float | None:
    """A length in em (roughly, for bounding it), or None if it is not one."""
    named = NAMED_SPACE.fullmatch(value)
    if named:
        return -7 / 18 if named.group(1) else 7 / 18  # the widest named space
    match = LENGTH.fullmatch(value)
    if not match:
        return None
    sign, number, unit = match.groups()
    return (-1 if sign == "-" else 1) * float(number) * EMS[unit]
