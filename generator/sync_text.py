"""New values of a few top-level fields written into a record's text in place: the other
fields, the comments and the layout the curator gave the file stay as they are."""

from __future__ import annotations

import yaml

from .sync_state import MISSING


def set_fields(text: str, fields: dict[str, object]) -> str | None:
    """text with each field given its value (MISSING: removed), new fields at the end; None if
    the text is not a block of fields (a list of records, flow style) that can be edited so."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        return None
    spans = {key.value: (_line_start(text, key.start_mark.index), _line_end(text, _end(value)))
             for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    eol = "\r\n" if "\r\n" in text else "\n"
    added = {k: v for k, v in fields.items() if k not in spans and v is not MISSING}
    for name in sorted((k for k in fields if k in spans), key=lambda k: -spans[k][0]):
        start, end = spans[name]
        value = fields[name]
        text = text[:start] + ("" if value is MISSING else _dumped(name, value, eol)) + text[end:]
    if added:
        text = text.rstrip("\r\n") + eol + "".join(_dumped(k, v, eol) for k, v in added.items())
    return text


def _dumped(name: str, value: object, eol: str) -> str:
    text = yaml.dump({name: value}, Dumper=yaml.CSafeDumper, sort_keys=False,
                     allow_unicode=True, width=1_000_000)
    return text.replace("\n", eol)


def _end(node: yaml.Node) -> int:
    """Index just past the last character of a value written in block style."""
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _end(node.value[-1])
    return node.end_mark.index


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index past the line break of the line holding the character before index (a block
    scalar's value ends after its own line break)."""
    while index > 0 and text[index - 1] in "\r\n":
        index -= 1
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1
