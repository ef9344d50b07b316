"""Read one YAML file into plain values, keeping every scalar exactly as written.

Parsing goes through libyaml's composer and builds values from the node tree
ourselves: every scalar stays the string the user typed (no YAML 1.1 retyping of
`No`, `2401.10100` or `2024-03-13`), only an unquoted `null`/`~`/empty value
becomes None, duplicate keys and aliases are refused, and every value keeps its
line and column so later checks can point at it.
"""

from __future__ import annotations

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
    file: str
    value: object
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path_) -> tuple[int, int]:
        """Line and column of the value at path, or of its nearest parent."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (0, 0))


def field_label(path: tuple) -> str:
    """How a path inside a record is named in messages: `authors[0].name`."""
    label = ""
    for part in path:
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
        return refuse(0, "expected UTF-8 text, found a UTF-16 byte-order mark; save the file as UTF-8")
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


def read_yaml(path: Path, display: str, expected: str = "a paper record") -> tuple[Document | None, list[Problem]]:
    """Parse path; on any problem return None and the problems found."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return None, [Problem(display, 0, 0, "", f"file is {size / 1048576:.1f} MB; the limit is {limit} MB")]
    text, problems = decode_utf8(path.read_bytes(), display)
    if text is None:
        return None, problems
    return parse_yaml(text, display, expected)


def parse_yaml(text: str, display: str, expected: str = "a paper record") -> tuple[Document | None, list[Problem]]:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.reader.ReaderError as err:
        line, col = _text_position(text, err.position)
        return None, [Problem(display, line, col, "", f"character U+{err.character:04X} is not allowed in YAML; expected printable text")]
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
        return None, [Problem(display, line, col, "", "expected one YAML document, found a second one (remove the `---` line)")]
    doc = Document(display, None)
    try:
        doc.value = _build(nodes[0], (), doc.marks, set())
    except _Refused as err:
        return None, [Problem(display, err.line, err.column, "", err.message)]
    return doc, []


def _build(node: yaml.Node, path: Path_, marks: dict, seen: set[int]) -> object:
    if id(node) in seen:
        raise _Refused(node, "YAML anchors and aliases (`&name`, `*name`) are not allowed: write the value out each time")
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise _Refused(node, f"values nested more than {MAX_DEPTH} levels deep")
    marks[path] = _position(node)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG and not node.style:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), marks, seen) for i, item in enumerate(node.value)]
    return _build_mapping(node, path, marks, seen)


def _build_mapping(node: yaml.MappingNode, path: Path_, marks: dict, seen: set[int]) -> dict:
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(key_node, "expected a plain field name as key")
        key = key_node.value
        if key in result:
            first = marks[path + (key,)][0]
            raise _Refused(key_node, f"duplicate key `{key}` (first given on line {first})")
        result[key] = _build(value_node, path + (key,), marks, seen)
        marks[path + (key,)] = _position(key_node)
    return result
