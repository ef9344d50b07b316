"""A record's `bibtex` override, read strictly before it is pasted into papers.bib.

Readers of .bib files disagree wherever the syntax is loose: classic BibTeX, after a syntax
error, skips to the next `@` and reads an entry there; bibtexparser starts a new entry at an
`@` that opens a line, even inside a value, and skips a brace right after a backslash where
BibTeX counts it. So the override is read as BibTeX entry syntax, in one pass, and refused
wherever one reader could see anything but this one entry under this key."""

from __future__ import annotations

import re

START = re.compile(r"[ \t\r\n]*@([A-Za-z]+)[ \t]*([{(])[ \t\r\n]*")
NOT_ENTRIES = ("comment", "preamble", "string")
KEY = re.compile(r"[^\s,{}()\"=]*")
SPACE = re.compile(r"[ \t\r\n]*")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:+/-]*")  # field and macro names
NUMBER = re.compile(r"[0-9]+")
BRACED_MARKS = re.compile(r"[{}@]")
QUOTED_MARKS = re.compile(r'[{}"@]')
CLOSING = {"{": "}", "(": ")"}
WORD = re.compile(r"[^\s,{}()\"=#%@]*")
WHY_NOT = {"@": "it would start another entry", "%": "BibTeX has no comments inside an entry"}
LITERAL_AT = "write a literal @ as `{\\char64}` (or `%40` in a URL)"


class Refused(Exception):
    """Why the override cannot stand in papers.bib, and where."""


def override_problem(text: str, key: str) -> str | None:
    """Why a record's `bibtex` override cannot stand in papers.bib for the record, or None.

    It must be one entry, `@type{key,` then `name = value` fields, under the record's own
    key; nothing but blank space and `%` lines may follow it (BibTeX starts an entry at any
    `@`: `%` starts no comment for it)."""
    try:
        _Reader(text).entry(key)
    except Refused as why:
        return str(why)
    return None


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.closing = "}"

    def fail(self, message: str, at: int | None = None):
        at = self.pos if at is None else at
        raise Refused(f"line {self.text.count(chr(10), 0, at) + 1}: {message}")

    def found(self) -> str:
        if self.pos >= len(self.text):
            return "the end of the entry: it is never closed"
        char = self.text[self.pos]
        if char in "@%":
            return f"`{char}` ({WHY_NOT[char]})"
        return f"`{WORD.match(self.text, self.pos).group()[:30] or char}`"

    def take(self, pattern: re.Pattern) -> str:
        match = pattern.match(self.text, self.pos)
        if match is None:
            return ""
        self.pos = match.end()
        return match.group()

    def at(self, char: str) -> bool:
        return self.text.startswith(char, self.pos)

    def entry(self, key: str) -> None:
        start = START.match(self.text)
        if start is None:
            raise Refused("expected one BibTeX entry starting with `@type{key,` (`@`, the type "
                          "and `{` on one line)")
        kind = start.group(1).lower()
        if kind.startswith(NOT_ENTRIES):  # bibtexparser reads @commentary as a comment
            not_entry = next(word for word in NOT_ENTRIES if kind.startswith(word))
            also = "" if kind == not_entry else f" (read as @{not_entry} by some readers)"
            raise Refused(f"expected one BibTeX entry such as @article, got @{kind}{also}")
        self.pos, self.closing = start.end(), CLOSING[start.group(2)]
        found = self.take(KEY)
        if found != key:
            raise Refused(f"the entry's key is {found[:60]!r}; expected the record's citation key "
                          f"{key!r} (set `citekey:` to the key the entry should have)")
        self.take(SPACE)
        if not self.at(","):
            self.fail(f"expected `,` after the key, found {self.found()}")
        self.pos += 1
        self.fields()
        self.rest()

    def fields(self) -> None:
        """`name = value` fields, each after a comma, up to the closing delimiter."""
        names: set[str] = set()
        while True:
            self.take(SPACE)
            if self.at(self.closing):
                self.pos += 1
                return
            name = self.field(names)
            self.take(SPACE)
            if self.at(","):
                self.pos += 1
            elif not self.at(self.closing):
                self.fail(f"expected `,` or `{self.closing}` after the value of `{name}`, "
                          f"found {self.found()}")

    def field(self, names: set[str]) -> str:
        begin = self.pos
        name = self.take(NAME)
        if not name:
            self.fail(f"expected a field name such as `title` or `{self.closing}`, "
                      f"found {self.found()}")
        if name.lower() in names:  # BibTeX keeps the first, bibtexparser refuses the entry
            self.fail(f"a second `{name}` field: give each field once", begin)
        names.add(name.lower())
        self.take(SPACE)
        if not self.at("="):
            self.fail(f"expected `=` after the field name `{name}`, found {self.found()}")
        self.pos += 1
        self.value(name)
        return name

    def value(self, name: str) -> None:
        """Pieces joined by `#`: `{...}`, `"..."`, a number or a macro name."""
        while True:
            self.take(SPACE)
            if self.at("{"):
                self.braced(name)
            elif self.at('"'):
                self.quoted(name)
            elif not self.take(NUMBER) and not self.take(NAME):
                self.fail(f"expected the value of `{name}`: `{{...}}`, `\"...\"`, a number or "
                          f"a macro name, found {self.found()}")
            self.take(SPACE)
            if not self.at("#"):
                return
            self.pos += 1

    def braced(self, name: str) -> None:
        """BibTeX counts every brace; bibtexparser skips one right after a backslash: the
        value must end at the same brace for both."""
        begin, depth, unescaped = self.pos, 0, 0
        for mark in BRACED_MARKS.finditer(self.text, self.pos):
            at = mark.start()
            if mark.group() == "@":
                self.at_sign(name, at)
            step = 1 if mark.group() == "{" else -1
            depth += step
            unescaped += 0 if self.text[at - 1] == "\\" else step
            if depth == 0 or unescaped == 0:
                if depth != unescaped:
                    self.fail(f"the braces of `{name}` pair up differently for different "
                              "readers, as some skip a brace right after a backslash: pair each "
                              "`\\{` with a `\\}`, or put a space between a backslash and a brace",
                              at)
                self.pos = at + 1
                return
        self.fail(f"the value of `{name}` opened here is never closed: its braces are "
                  "not balanced", begin)

    def at_sign(self, name: str, at: int):
        """bibtexparser starts an entry at an `@` that opens a line, even inside a value."""
        self.fail(f"`@` inside the value of `{name}`: some readers start a new entry there; "
                  f"{LITERAL_AT}", at)

    def quoted(self, name: str) -> None:
        """Braces balance inside; a `"` in braces is text to BibTeX, but bibtexparser ends
        the value there unless it is written `{"}` or `\\"`."""
        begin, depth = self.pos, 0
        for mark in QUOTED_MARKS.finditer(self.text, self.pos + 1):
            at, char = mark.start(), mark.group()
            if char == "@":
                self.at_sign(name, at)
            if char != '"':
                depth += 1 if char == "{" else -1
                if depth < 0:
                    self.fail(f"a `}}` in the value of `{name}` closes no brace", at)
            elif depth == 0 and self.text[at - 1] == "\\":
                self.fail(f'the value of `{name}` ends at a `"` right after a backslash, where '
                          'some readers do not end it: put a space before the `"`, or write an '
                          'accent in braces, as `{\\"o}`', at)
            elif depth == 0:
                self.pos = at + 1
                return
            elif self.text[at - 1] != "\\" and self.text[at - 1 : at + 2] != '{"}':
                self.fail(f'a `"` inside braces in the value of `{name}`: write it `{{"}}`', at)
        self.fail(f"the value of `{name}` opened here is never closed", begin)

    def rest(self) -> None:
        """After the entry, BibTeX reads an `@` anywhere as the start of another one."""
        at = self.text.find("@", self.pos)
        if at >= 0:
            self.fail("a second entry follows the first: give one entry only", at)
        offset = self.pos
        for line in self.text[self.pos :].split("\n"):
            if line.strip(" \t\r") and not line.lstrip(" \t\r").startswith("%"):
                self.fail(f"only blank space and `%` comment lines may follow the entry's "
                          f"closing `{self.closing}`", offset)
            offset += len(line) + 1
