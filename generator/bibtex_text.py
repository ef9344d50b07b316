"""Record text (Unicode, inline math as `$...$`) as BibTeX field text that classic BibTeX
and biber both print right: Latin accents as braced LaTeX (`{\\"U}`: BibTeX sorts, abbreviates
and changes the case of those correctly, and of raw UTF-8 it does not), other scripts as
UTF-8, capitals protected where a style would lower them (`{BERT}`), math kept as math."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache

from .latex import MATH
from .names import braced_family, name_parts, plain_in_bibtex, split_name

# BibTeX counts braces even after a backslash, so `\{` would unbalance a field.
ASCII_SPECIALS = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})
# as TeX writes them, and as BibTeX styles expect in page ranges
DASHES = {"–": "--", "—": "---"}
# Characters LaTeX's default fonts have: letters of Latin scripts and common punctuation.
ENCODED_BLOCKS = ("LATIN", "EN DASH", "EM DASH", "LEFT SINGLE", "RIGHT SINGLE", "LEFT DOUBLE",
                  "RIGHT DOUBLE", "HORIZONTAL ELLIPSIS", "NO-BREAK SPACE", "SECTION SIGN",
                  "DEGREE SIGN", "INVERTED", "POUND SIGN", "COPYRIGHT SIGN")


@cache
def _encoder():
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep", unknown_char_warning=False)


@cache
def _char(char: str) -> str:
    if char.isascii():
        return char.translate(ASCII_SPECIALS)
    if char in DASHES:
        return DASHES[char]
    if unicodedata.name(char, "").startswith(ENCODED_BLOCKS):
        return _encoder().unicode_to_latex(char)
    return char


ASCII_SPECIAL = re.compile(r"[\\{}&%$#_~^]")


def _plain(text: str) -> str:
    if text.isascii() and not ASCII_SPECIAL.search(text):
        return text  # most text: nothing to encode, and no need to look at each character
    return "".join(_char(c) for c in text)


def _needs_protection(word: str) -> bool:
    """BERT, AdapLeR, iPhone, GPT-4: a capital after the first letter, which styles would lower."""
    letters = [c for c in word if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# Rich text in record titles (as Zotero and CSL write it) and what LaTeX says for it: a nocase
# span is text whose case was protected in the source (`{P}ython`), braced again on the way out.
MARKUP = re.compile(r'<(/?)(i|b|sub|sup)>|<(span) class="nocase">|<(/)(span)>')
LATEX_MARKUP = {"i": "\\textit{", "b": "\\textbf{", "sub": "\\textsubscript{",
                "sup": "\\textsuperscript{", "span": "{"}


def bibtex_text(text: str, protect_case: bool = False) -> str:
    """Field text for BibTeX; protect_case for titles, whose case styles change. Rich-text
    tags (`<i>`, `<b>`, `<sub>`, `<sup>`, a nocase span) become LaTeX when they are balanced."""
    text = " ".join(text.split())
    if "<" not in text:
        return _with_math(text, protect_case)
    tokens = list(MARKUP.finditer(text))
    paired = _paired(tokens)
    out, last, nocase = [], 0, 0
    for n, token in enumerate(tokens):
        if n not in paired:
            continue
        out.append(_with_math(text[last:token.start()], protect_case and not nocase))
        closing = token.group(1) or token.group(4)
        name = token.group(2) or token.group(3) or token.group(5)
        out.append("}" if closing else LATEX_MARKUP[name])
        nocase += (-1 if closing else 1) if name == "span" else 0
        last = token.end()
    out.append(_with_math(text[last:], protect_case and not nocase))
    return "".join(out)


def _paired(tokens: list[re.Match]) -> set[int]:
    """Indexes of the tags that open and close in pairs, properly nested."""
    stack, paired = [], set()
    for n, token in enumerate(tokens):
        name = token.group(2) or token.group(3) or token.group(5)
        if not (token.group(1) or token.group(4)):
            stack.append((n, name))
        elif stack and stack[-1][1] == name:
            paired |= {stack.pop()[0], n}
        else:
            stack.clear()  # a tag closed out of order: what is open stays text
    return paired


def _with_math(text: str, protect_case: bool) -> str:
    out, last = [], 0
    for match in MATH.finditer(text) if "$" in text else ():
        if not _balanced(match.group(1)) or "\\\\" in match.group(1):
            continue
        out.append(_words(text[last:match.start()], protect_case))
        out.append("{" + match.group(0) + "}")  # braces keep a style from changing the math's case
        last = match.end()
    out.append(_words(text[last:], protect_case))
    return "".join(out)


def _words(text: str, protect_case: bool) -> str:
    if not protect_case:
        return _plain(text)
    return re.sub(r"\S+", _protected_word, text)


def _protected_word(match: re.Match) -> str:
    word = match.group()
    return "{" + _plain(word) + "}" if _needs_protection(word) else _plain(word)


def bibtex_name(author: str | Mapping[str, str | None]) -> str:
    """A name as BibTeX reads it back into the same parts: "von Last, Jr, First"; a literal
    (a company) braced whole so that BibTeX never splits it; a part that holds a comma or
    " and " braced. author: a plain name, or a mapping with the parts (see `names`)."""
    parts = split_name(author) if isinstance(author, str) else name_parts(author)
    if "literal" in parts:
        return "{" + bibtex_text(parts["literal"]) + "}"
    if plain_in_bibtex(parts):
        return " ".join(_name_part(parts[p]) for p in ("given", "particle", "family") if p in parts)
    family = " ".join([*([_name_part(parts["particle"])] if parts.get("particle") else []),
                       _family_part(parts["family"])])
    rest = [_name_part(parts[p]) for p in ("suffix", "given") if parts.get(p)]
    if not rest:  # a family name alone: braced when BibTeX would split its words
        return family if " " not in parts["family"] else "{" + family + "}"
    if parts.get("suffix") and not parts.get("given"):
        rest.append("")
    return ", ".join([family, *rest])


def _family_part(text: str) -> str:
    if braced_family(text):
        return "{" + bibtex_text(text) + "}"
    return _name_part(text)


def _name_part(text: str) -> str:
    braced = "," in text or " and " in f" {text.lower()} "
    return "{" + bibtex_text(text) + "}" if braced else bibtex_text(text)
