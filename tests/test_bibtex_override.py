"""A record's `bibtex` override is read strictly: whatever it accepts, bibtexparser and classic
BibTeX both read as this one entry under the record's key."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess

import bibtexparser
import pytest
from bibtexparser.model import ImplicitComment
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.bibtex_override import override_problem

# each payload reads as one entry under `key` here, and as `other2020` to some reader
HIJACKS = {
    "at-sign-opening-a-line-in-a-value":
        "@article{key,\n title = {A},\n note = {x\n@misc{other2020, title={Fake}}\n}}",
    "at-sign-after-a-syntax-error":
        "@article{key,\n title = {A} junk\n note = {@misc{other2020, title={Fake}}}\n}",
}


@pytest.mark.parametrize("text", HIJACKS.values(), ids=HIJACKS.keys())
def test_an_entry_hidden_in_a_value_is_refused(text):
    assert override_problem(text, "key") is not None


ACCEPTED = {
    "braced": "@article{key,\n  title = {A {Nested} Title},\n}",
    "no-trailing-comma": "@article{key, title = {A}, year = 2020}",
    "no-fields": "@misc{key,}",
    "spaces-around-key": "@misc{ key ,\n title = {A}}",
    "key-on-its-own-line": "@misc{\nkey,\n title = {A}}",
    "paren-entry": "@article(key,\n note = {a)b},\n title = \"c)d\")",
    "quoted": "@article{key, title = \"A {B} c\"}",
    "quoted-umlaut": "@article{key, author = \"M{\\\"o}bius, A.\"}",
    "quoted-brace-quote": "@article{key, note = \"say {\"}hi{\"}\"}",
    "quote-in-braces": "@article{key, note = {say \"hi\"}}",
    "concatenation": "@article{key, note = \"a\" # jan # {b} # 2020}",
    "macro": "@article{key, month = jan}",
    "escaped-braces-paired": "@article{key, title = {The set $\\{x\\}$}}",
    "char64": "@article{key, note = {mail a{\\char64}b.org}}",
    "url": "@misc{key, url = {https://example.org/a%40b?x=1&y={2}}}",
    "commas-equals-in-value": "@misc{key, title = {a, b = c}}",
    "percent-in-value": "@misc{key, title = {50% off}}",
    "hash-in-braces": "@misc{key, title = {C# and F#}}",
    "paren-in-braces": "@misc{key, title = {f(x) = (y}}",
    "comment-lines-after": "@misc{key, title = {A}}\n% a comment\n\n  % another\n",
    "comment-on-closing-line": "@misc{key, title = {A}} % why",
    "leading-blank-lines": "\n\n  @misc{key, title = {A}}",
    "uppercase-type": "@ARTICLE{key, TITLE = {A}}",
    "space-before-brace": "@misc {key, title = {A}}",
    "multiline-value": "@misc{key, abstract = {one\n\ntwo\n  three}}",
    "field-name-punctuation": "@misc{key, bdsk-url-1 = {x}, x.y:z = {w}}",
    "backslash-not-before-brace": "@misc{key, title = {\\LaTeX\\ and \\TeX}}",
    "non-ascii": "@misc{key, title = {Ünïcödé — 中文}}",
}

REFUSED = {
    **{name: (text, "") for name, text in HIJACKS.items()},
    "at-sign-mid-line": ("@misc{key, note = {a @ sign}}", "`@` inside the value of `note`"),
    "at-sign-in-quotes": ("@misc{key, note = \"x\n@misc{o, t={y}}\"}", "`@` inside the value"),
    "at-brace-in-value": ("@misc{key, note = {x\n  @{o}}}", "{\\char64}"),
    "entry-after": ("@misc{key, t = {A}}\n@misc{o, t = {B}}", "line 2: a second entry follows"),
    "at-in-comment-after": ("@misc{key, t = {A}}\n% see @misc{o, t={B}}", "a second entry follows"),
    "text-after": ("@misc{key, t = {A}}\noops", "line 2: only blank space and `%`"),
    "junk-after-value": ("@misc{key,\n t = {A} junk}", "line 2: expected `,` or `}` after the value"
                         " of `t`, found `junk`"),
    "missing-comma": ("@misc{key,\n t = {A}\n u = {B}}", "line 3: expected `,` or `}`"),
    "missing-equals": ("@misc{key, t {A}}", "expected `=` after the field name `t`"),
    "missing-value": ("@misc{key, t = , u = {B}}", "expected the value of `t`"),
    "percent-line-inside": ("@misc{key,\n% c\n t = {A}}", "BibTeX has no comments inside"),
    "never-closed": ("@misc{key, t = {A}", "it is never closed"),
    "value-never-closed": ("@misc{key,\n t = {A {b}\n", "line 2: the value of `t` opened here"),
    "quoted-never-closed": ("@misc{key, t = \"A {b}", "never closed"),
    "escaped-close-brace": ("@misc{key, note = {a \\} b}, title = {c}}", "pair each `\\{`"),
    "escaped-open-brace": ("@misc{key, note = {a \\{ b}}, title = {c}}", "pair each `\\{`"),
    "line-break-before-brace": ("@misc{key, note = {one\\\\}}", "right after a backslash"),
    "quote-in-braces-in-quotes": ("@misc{key, note = \"a {x \" y} b\"}", "write it `{\"}`"),
    "backslash-before-closing-quote": ("@misc{key, note = \"a \\\"}", "right after a backslash"),
    "stray-close-brace-in-quotes": ("@misc{key, note = \"a } b\"}", "closes no brace"),
    "repeated-field": ("@misc{key, title = {A}, Title = {B}}", "a second `Title` field"),
    "other-key": ("@misc{other2020, t = {A}}", "expected the record's citation key 'key'"),
    "no-comma-after-key": ("@misc{key}", "expected `,` after the key"),
    "space-after-at": ("@ misc{key, t = {A}}", "`@`, the type and `{` on one line"),
    "brace-on-next-line": ("@misc\n{key, t = {A}}", "on one line"),
    "string": ("@string{key, t = {A}}", "got @string"),
    "type-starting-with-comment": ("@Commentary{key, t = {A}}", "(read as @comment by some"),
    "paren-closed-by-brace": ("@misc(key, t = {A}}", "expected `,` or `)`"),
    "bare-word-field": ("@misc{key, title}", "expected `=` after the field name `title`"),
    "digit-field-name": ("@misc{key, 1t = {A}}", "expected a field name"),
}


@pytest.mark.parametrize("name, case", REFUSED.items(), ids=REFUSED.keys())
def test_a_tricky_override_is_refused_with_line_and_what_was_expected(name, case):
    text, expected = case
    why = override_problem(text, "key")
    assert why is not None and expected in why, why


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_an_accepted_override_is_one_entry_to_bibtexparser(text):
    assert override_problem(text, "key") is None
    assert_one_entry(text, "key")


# CI installs it (.ci/run), so there a missing bibtex fails the test instead of skipping it
@pytest.mark.skipif(shutil.which("bibtex") is None and not os.environ.get("CI"),
                    reason="classic bibtex is not installed (apt-get install texlive-base)")
@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_an_accepted_override_is_one_entry_to_classic_bibtex(text, tmp_path):
    (tmp_path / "x.bib").write_text(text, "utf-8")
    (tmp_path / "t.aux").write_text("\\citation{*}\n\\bibdata{x}\n\\bibstyle{plain}\n", "utf-8")
    result = subprocess.run(["bibtex", "t"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    # 1 is for warnings, such as the missing author that plain wants
    assert result.returncode <= 1 and "error message" not in result.stdout, result.stdout
    assert "I was expecting" not in result.stdout and "ignoring" not in result.stdout
    bbl = (tmp_path / "t.bbl").read_text("utf-8")
    assert re.findall(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}", bbl) == ["key"]


def assert_one_entry(text: str, key: str) -> None:
    """bibtexparser reads one entry, under `key`, and nothing after it but `%` lines."""
    logging.disable(logging.WARNING)  # it logs each block it gives up on
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logging.disable(logging.NOTSET)
    assert [entry.key for entry in library.entries] == [key], text
    assert library.failed_blocks == [], text
    for block in library.blocks:
        if isinstance(block, ImplicitComment):
            assert all(not line.strip() or line.lstrip().startswith("%")
                       for line in block.comment.split("\n")), (text, block.comment)


PIECES = ["@", "@misc{", "@{", "\n", "\n@misc{o,", " ", "{", "}", "{x}", "\\", "\\{", "\\}",
          "\\\\", '"', '{"}', '\\"', ",", "=", "#", "%", "(", ")", "a", "jan", "12", "key", "other",
          "title", "t = {x}", "t = \"x\"", "\n% c\n", "\u00e9", "\t"]
CHUNK = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
VALUE = st.one_of(CHUNK.map(lambda s: "{" + s + "}"), CHUNK.map(lambda s: '"' + s + '"'), CHUNK)
FIELD = st.tuples(st.sampled_from(["title", "note", "t", "Title", "x"]), VALUE)
ENTRY = st.builds(
    lambda kind, opening, fields, comma, rest: (
        f"@{kind}{opening}key," + ",".join(f"\n {n} = {v}" for n, v in fields) + comma
        + {"{": "}", "(": ")"}[opening] + rest),
    st.sampled_from(["misc", "article", "comment", "string", "commentary", "stringy"]),
    st.sampled_from(["{", "("]), st.lists(FIELD, max_size=4), st.sampled_from(["", ",", ",\n"]),
    CHUNK,
)


@st.composite
def mutated(draw) -> str:
    """An accepted entry with a few pieces put in anywhere: often still accepted, with the
    pieces inside its values."""
    text = draw(st.sampled_from(sorted(ACCEPTED.values())))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
    return text


@settings(max_examples=600, deadline=None, derandomize=True)
@given(text=st.one_of(ENTRY, mutated(), CHUNK.map(lambda s: "@misc{key," + s)))
def test_whatever_the_check_accepts_bibtexparser_reads_as_the_one_entry(text):
    if override_problem(text, "key") is None:
        assert_one_entry(text, "key")
