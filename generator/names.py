"""Names of authors and editors: the parts a record may give (family, given, particle, suffix,
or a literal name such as a company's, never split), the display form made of them, and the
parts of a plain "Given Family" string.

Parts are a dict with the keys of PARTS (only those with a value) or with `literal` alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PARTS = ("given", "particle", "family", "suffix")
NAME_KEYS = ("literal", *PARTS)
# BibTeX's rule: a name part starting in lower case is a particle (von part)
PARTICLE = re.compile(r"^[a-z\u00df-\u00ff]")
# What may follow "Given Family," in a plain name: a suffix, not a given name.
SUFFIX = re.compile(r"^(?:[JS]r\.?|[IVX]{1,5}|\d(?:st|nd|rd|th))$", re.IGNORECASE)


def display_name(parts: Mapping[str, str]) -> str:
    """The name as shown: the literal, else "Given particle Family, Suffix"."""
    if parts.get("literal"):
        return parts["literal"]
    shown = " ".join(parts[p] for p in ("given", "particle", "family") if parts.get(p))
    return f"{shown}, {parts['suffix']}" if parts.get("suffix") else shown


def split_name(name: str) -> dict[str, str]:
    """Parts of a plain name by BibTeX's rules: "Family, Given", "Given Family, Suffix" or
    "Given von Family"; one word is a family name."""
    name = " ".join(name.split())
    if " and " in f" {name.lower()} ":
        return {"literal": name}  # a company ("Barnes and Noble"): BibTeX would read two names
    if "," in name:
        before, _, after = (p.strip() for p in name.partition(","))
        if SUFFIX.match(after) and " " in before:
            return {**split_name(before), "suffix": after}
        return _kept({**_family(before), "given": after})
    words = name.split()
    if len(words) <= 1:
        return _kept({"family": name})
    start = next((i for i, w in enumerate(words[1:-1], 1) if PARTICLE.match(w)), len(words) - 1)
    return _kept({"given": " ".join(words[:start]), **_family(" ".join(words[start:]))})


def _family(text: str) -> dict[str, str]:
    """particle and family of "von Last": the lower-case words before the last word."""
    words = text.split()
    end = 0
    while end < len(words) - 1 and PARTICLE.match(words[end]):
        end += 1
    return _kept({"particle": " ".join(words[:end]), "family": " ".join(words[end:])})


def _kept(parts: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in parts.items() if value}


def name_parts(author: Mapping[str, str | None]) -> dict[str, str]:
    """The parts of an author or editor mapping: the ones it gives, else its name's."""
    if author.get("literal"):
        return {"literal": str(author["literal"])}
    if author.get("family"):
        return {key: str(author[key]) for key in PARTS if author.get(key)}
    return split_name(str(author.get("name") or ""))


def held_parts(held: str | Mapping[str, str]) -> dict[str, str]:
    """The parts of a name as a record holds it (a plain string or a mapping)."""
    return split_name(held) if isinstance(held, str) else name_parts(held)


def record_name(parts: Mapping[str, str]) -> str | dict[str, str]:
    """How a record holds a name: a plain string when its parts are what that string splits
    into (most names), else the parts themselves."""
    parts = _kept({key: " ".join(str(parts.get(key) or "").split()) for key in NAME_KEYS})
    if "literal" in parts:
        parts = {"literal": parts["literal"]}
    elif "family" not in parts:
        return display_name(parts)  # a given name alone is kept as written
    shown = display_name(parts)
    return shown if split_name(shown) == parts else parts


def family_word(parts: Mapping[str, str]) -> str:
    """The word a citation key starts with: the family name, or a literal's first word."""
    if parts.get("literal"):
        return parts["literal"].split()[0] if parts["literal"].split() else ""
    return parts.get("family", "")


def sorted_form(parts: Mapping[str, str]) -> str:
    """"particle Family, Given, Suffix" (as RIS writes names); a literal as it is."""
    if parts.get("literal"):
        return parts["literal"]
    family = " ".join(parts[p] for p in ("particle", "family") if parts.get(p))
    return ", ".join([family, *(parts[p] for p in ("given", "suffix") if parts.get(p))])


def csl_name(parts: Mapping[str, str]) -> dict[str, str]:
    """A CSL-JSON name: the particle is CSL's non-dropping one, kept before the family name."""
    if parts.get("literal"):
        return {"literal": parts["literal"]}
    keys = {"family": "family", "given": "given", "particle": "non-dropping-particle",
            "suffix": "suffix"}
    return {keys[key]: parts[key] for key in PARTS if parts.get(key)}


def plain_in_bibtex(parts: Mapping[str, str]) -> bool:
    """Whether BibTeX reads "Given particle Family" back into these parts: a person's name with
    no suffix, no given name in lower case (BibTeX would take it for a particle: "danah boyd"),
    that splits into the same parts."""
    if "literal" in parts or "suffix" in parts or PARTICLE.match(parts.get("given", "")):
        return False
    return split_name(display_name(parts)) == dict(parts)


def editor_text(parts: Mapping[str, str]) -> str:
    """An editor as `bib.editor` writes it between ` and `: as shown when BibTeX reads that back
    into its parts, else in BibTeX's order ("von Last, Jr, First") or braced (a literal), so
    that `editor_parts` reads the same parts back."""
    held = held_parts(record_name(parts))
    if plain_in_bibtex(held):
        return display_name(held)
    if "literal" in held:
        return "{" + held["literal"] + "}"
    family = "{" + held["family"] + "}" if braced_family(held["family"]) else held["family"]
    return ", ".join([" ".join([*([held["particle"]] if held.get("particle") else []), family]),
                      *([held["suffix"]] if held.get("suffix") else []), held.get("given", "")])


def braced_family(family: str) -> bool:
    """Whether BibTeX needs a family name braced: of several words, one in lower case
    ("Vázques de Parga", "van Gogh" given as the family name), which BibTeX would take for
    the end of a particle."""
    words = family.split()
    return len(words) > 1 and any(PARTICLE.match(word) for word in words)


def editor_parts(text: str) -> list[dict[str, str]]:
    """The parts of each editor of a `bib.editor` text (names joined by ` and `)."""
    from bibtexparser.middlewares.names import split_multiple_persons_names

    if not text.strip():
        return []
    def ungrouped(part: str) -> str:  # the text is Unicode: its braces only group words
        return part.replace("{", "").replace("}", "")

    return [bibtex_parts(raw, ungrouped)
            for raw in split_multiple_persons_names(" ".join(text.split()))
            if raw.strip() and raw.strip().lower() != "others"]


def bibtex_parts(raw: str, convert=lambda text: text) -> dict[str, str]:
    """Parts of one name as BibTeX reads it: braced whole, a literal (a company); else its
    First, von, Last and Jr parts, each converted (LaTeX to Unicode) by convert."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    raw = raw.strip()
    if _braced_whole(raw):
        return {"literal": convert(raw[1:-1])}
    try:
        parsed = parse_single_name_into_parts(raw, strict=False)
    except Exception:  # an odd name is kept whole rather than lost
        return {"literal": convert(raw)}
    found = {"given": parsed.first, "particle": parsed.von, "family": parsed.last,
             "suffix": parsed.jr}
    joined = {key: (", " if key == "suffix" else " ").join(found[key]) for key in PARTS}
    parts = {key: convert(text) for key, text in joined.items() if text}
    parts = _kept({key: " ".join(value.split()) for key, value in parts.items()})
    if "family" not in parts and parts:
        return {"literal": display_name(parts)}
    return parts


def _braced_whole(raw: str) -> bool:
    """Whether one pair of braces encloses the whole name ({Merck Sharp \\& Dohme LLC})."""
    if len(raw) < 2 or raw[0] != "{" or raw[-1] != "}":
        return False
    depth, i = 0, 0
    while i < len(raw):
        if raw[i] == "\\":
            i += 2  # an escaped brace (or any command's first letter) counts no depth
            continue
        depth += {"{": 1, "}": -1}.get(raw[i], 0)
        if depth == 0 and i < len(raw) - 1:
            return False
        i += 1
    return depth == 0
