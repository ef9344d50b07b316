"""Raw HTML blocks set aside while MkDocs converts a page's Markdown, and put back after.

A paper page is mostly raw HTML (its metadata, related papers, three citation blocks), and
Python-Markdown passes such a block through unchanged. Finding out that it is one costs two
passes of a pure-Python HTML parser over it (Python-Markdown's own, and MkDocs' search for
anchor ids): at 10,000 papers a fifth of the time MkDocs spends on a page. A top-level block
that starts with a block-level tag, closes it, and stands between blank lines is replaced by a
placeholder paragraph before the conversion and restored into its output, which gives the bytes
the conversion would have given (the tests convert every page both ways). Anything else, or
anything after a block that stays open, is left to Markdown as it is; and only the pages the
generator writes are treated so, never a page written by hand.
"""

from __future__ import annotations

import html
import re

# The tags Python-Markdown treats as starting a raw block when a line begins with them.
BLOCK_TAGS = frozenset(
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr main nav ol p section table ul".split())
START = re.compile(r"<([a-z][a-z0-9]*)\b[^<>]*>")
TAG = r"<{0}\b[^<>]*>|</{0}\s*>"
ANY_TAG = re.compile(r"<([a-z][a-z0-9]*)\s[^<>]*>")
ANCHOR = re.compile(r"""\s(id|name)=(?:"([^"<>]*)"|'([^'<>]*)')""")
BLANK_LINES = re.compile(r"(\A\n+|\n(?:[ \t]*\n)+)")
# What Markdown's preprocessors change inside raw HTML (tabs, line ends, its own markers,
# snippets) or read as Markdown there (md_in_html's attribute): such a block is left to them.
UNTOUCHED = re.compile(r"[\t\r\x02\x03]|--8<--|<[^<>]*\smarkdown\b")
# Letters only, so no Markdown rule changes it, and unlike anything a page holds.
MARK = "papersrawhtmlblock{:06d}x"


class Stash:
    """One page's blocks: `take` before the conversion, `restore` after."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def take(self, markdown: str) -> str:
        if MARK[:18] in markdown:
            return markdown  # a page that shows the mark itself is converted as written
        parts = BLANK_LINES.split(markdown)  # chunks, and between them what separates them
        for n in range(0, len(parts), 2):
            chunk = parts[n]
            if _inside_fence(chunk):
                break
            if not _is_closed_block(chunk):
                if chunk.lstrip().startswith("<"):
                    break  # what follows may be inside it: Markdown decides from here
                continue
            parts[n] = MARK.format(len(self.blocks))
            self.blocks.append(chunk)
        return "".join(parts)

    def restore(self, content: str) -> str:
        """The converted page as Markdown gives it for the page as written: a raw block keeps the
        line end that closed it, and the whole output is stripped at its ends."""
        for n, block in enumerate(self.blocks):
            content = content.replace(f"<p>{MARK.format(n)}</p>", block + "\n", 1)
        return content.strip()

    def anchor_ids(self) -> set[str]:
        """The ids the set-aside blocks give, as MkDocs would have found them for checking
        links to a page's anchors."""
        ids = set()
        for block in self.blocks:
            for tag in ANY_TAG.finditer(block):
                for match in ANCHOR.finditer(tag.group(0)):
                    if match.group(1) == "id" or tag.group(1) == "a":
                        ids.add(html.unescape(match.group(2) or match.group(3) or ""))
        return ids


def _is_closed_block(chunk: str) -> bool:
    """Whether the chunk is whole raw blocks only: each starts a line with a block-level tag
    and closes it at the end of a line, and nothing in it is for Markdown to change first."""
    if not chunk or "<!--" in chunk or UNTOUCHED.search(chunk):
        return False
    start = 0
    while start < len(chunk):
        end = _block_end(chunk, start)
        if end is None or (end < len(chunk) and chunk[end] != "\n"):
            return False
        start = end + 1
    return True


def _block_end(chunk: str, start: int) -> int | None:
    """Where the block that starts at `start` closes, or None if it is no closed block."""
    opening = START.match(chunk, start)
    if not opening or opening.group(1) not in BLOCK_TAGS:
        return None
    depth = 0
    for match in re.compile(TAG.format(opening.group(1))).finditer(chunk, start):
        depth += -1 if match.group(0).startswith("</") else 1
        if depth == 0:
            return match.end()
    return None


def _inside_fence(chunk: str) -> bool:
    return any(line.startswith(("```", "~~~")) for line in chunk.splitlines())
