"""Read one YAML file into plain values, keeping every scalar exactly as written.

Parsing goes through libyaml's composer and builds values from the node tree
ourselves: every scalar stays the string the user typed (no YAML 1.1 retyping of
`No`, `2401.10100` or `2024-03-13`), only an unquoted `null`/`~`/empty value
becomes None, duplicate keys and aliases are refused, and every value keeps its
line and column so later checks can point at it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32
NULL_TAG = "tag:yaml.org,2002:null"

Path_ = tuple  # a path into the document: keys and list indexes


@dataclass
class Document:
    """A parsed file: its values, and where each value was written.

    Locations are read from libyaml's node tree while it is kept (during checking), and from
    `marks` once `settle` has kept the few that later messages need and dropped the tree."""

    file: str
    value: object
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    root: yaml.Node | None = field(default=None, repr=False)

    def mark(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at path, or of its nearest parent."""
        path = tuple(path)
        if self.root is not None:
            return _node_mark(self.root, path, {})
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (0, 0))

    def settle(self, paths) -> None:
        """Keep the locations of paths, then let the node tree go (it is large)."""
        if self.root is not None:
            keys: dict[int, dict] = {}
            for path in paths:
                self.marks[tuple(path)] = _node_mark(self.root, tuple(path), keys)
            self.root = None


def _node_mark(node: yaml.Node, path: Path_, keys: dict[int, dict]) -> tuple[int, int]:
    """Position of a mapping value's key, or of a list item, found by walking the tree.

    keys remembers each mapping's key index, so many look-ups in one tree stay linear."""
    mark = _position(node)
    for part in path:
        if isinstance(node, yaml.MappingNode):
            index = keys.get(id(node))
            if index is None:
                index = keys[id(node)] = {_text(k.value): (k, v) for k, v in node.value
                                          if isinstance(k, yaml.ScalarNode)}
            found = index.get(part)
            if found is None:
                return mark
            mark, node = _position(found[0]), found[1]
        elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
              and 0 <= part < len(node.value)):
            node = node.value[part]
            mark = _position(node)
        else:
            return mark
    return mark


def field_label(path: tuple) -> str:
    """How a path inside a record is named in messages: `authors[0].name` (long keys cut short:
    a message never quotes much of what a file holds)."""
    label = ""
    for part in path:
        part = part if isinstance(part, int) or len(part) <= 40 else part[:37] + "..."
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else str(part))
    return label


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.line, self.column = _position(node)
        self.message = message


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _text_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode_utf8(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Text of a file that must be UTF-8 (a leading BOM is allowed)."""
    def refuse(offset: int, message: str):
        line, col = _line_col(data, offset)
        return None, [Problem(display, line, col, "", message)]

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return refuse(0, "expected UTF-8 text, found a UTF-16 byte-order mark; "
                      "save the file as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        return refuse(nul, "expected UTF-8 text, found a NUL byte (is the file UTF-16 or binary?)")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1].hex()
        return refuse(err.start, f"expected UTF-8 text, found byte 0x{bad}; save the file as UTF-8")


def read_yaml(path: Path, display: str,
              expected: str = "a paper record") -> tuple[Document | None, list[Problem]]:
    """Parse path; on any problem return None and the problems found."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        why = f"file is {size / 1048576:.1f} MB; the limit is {limit} MB"
        return None, [Problem(display, 0, 0, "", why)]
    text, problems = decode_utf8(path.read_bytes(), display)
    if text is None:
        return None, problems
    return parse_yaml(text, display, expected)


def parse_yaml(text: str, display: str,
               expected: str = "a paper record") -> tuple[Document | None, list[Problem]]:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.reader.ReaderError as err:
        line, col = _text_position(text, err.position)
        why = f"character U+{err.character:04X} is not allowed in YAML; expected printable text"
        return None, [Problem(display, line, col, "", why)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = err.problem or err.context or "invalid YAML"
        return None, [Problem(display, line, col, "", f"YAML syntax error: {what}")]
    except yaml.YAMLError as err:
        return None, [Problem(display, 0, 0, "", f"YAML error: {err}")]
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None, [Problem(display, 0, 0, "", f"file is empty: expected {expected}")]
    if len(nodes) > 1:
        line, col = _position(nodes[1])
        why = "expected one YAML document, found a second one (remove the `---` line)"
        return None, [Problem(display, line, col, "", why)]
    doc = Document(display, None, root=nodes[0])
    try:
        doc.value = _build(nodes[0], 0, set())
    except _Refused as err:
        return None, [Problem(display, err.line, err.column, "", err.message)]
    return doc, []


def _text(value: str) -> str:
    """Text as it is compared and shown: Unicode NFC (é typed as e + accent is é)."""
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def _build(node: yaml.Node, depth: int, seen: set[int]) -> object:
    if id(node) in seen:
        raise _Refused(node, "YAML anchors and aliases (`&name`, `*name`) are not allowed: "
                       "write the value out each time")
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _Refused(node, f"values nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG and not node.style:
            return None
        return _text(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, depth + 1, seen) for item in node.value]
    return _build_mapping(node, depth, seen)


def _build_mapping(node: yaml.MappingNode, depth: int, seen: set[int]) -> dict:
    result: dict[str, object] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(key_node, "expected a plain field name as key")
        key = _text(key_node.value)
        if key in result:
            raise _Refused(key_node, f"duplicate key `{key}` (first given on line {lines[key]})")
        result[key] = _build(value_node, depth + 1, seen)
        lines[key] = key_node.start_mark.line + 1
    return result
