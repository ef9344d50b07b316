"""Check values against the package's JSON Schemas and word the errors for people."""

from __future__ import annotations

import copy
import difflib
import json
from functools import cache
from importlib import resources

import fastjsonschema

from .problems import Problem
from .yamlread import Document, field_label

KIND_NAMES = {"string": "a string", "array": "a list", "object": "a mapping"}
MAX_UNKNOWN_FIELDS = 5


@cache
def load_schema(name: str) -> dict:
    text = resources.files(__package__).joinpath("schema", f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _fast_validator(name: str):
    """A compiled validator for the common case: most records are valid. (It gets a copy: the
    compiler changes the schema it is given.)"""
    return fastjsonschema.compile(copy.deepcopy(load_schema(name)))


@cache
def _validator(name: str):
    """jsonschema, for wording the problems of values that fail. Its uniqueItems compares every
    pair of items when they are of mixed kinds (hours on a long list): uniqueness is checked
    by `_repeated_items` instead, in linear time."""
    import jsonschema  # only for records that fail

    schema = _without_unique_items(copy.deepcopy(load_schema(name)))
    return jsonschema.validators.validator_for(schema)(schema)


def _without_unique_items(schema: object) -> object:
    if isinstance(schema, dict):
        schema.pop("uniqueItems", None)
        for value in schema.values():
            _without_unique_items(value)
    elif isinstance(schema, list):
        for value in schema:
            _without_unique_items(value)
    return schema


def _repeated_items(value: object, schema: dict, path: tuple = ()) -> list[tuple]:
    """Paths of lists that must hold distinct items and do not (items of one kind: strings)."""
    found = []
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        for key, sub in schema["properties"].items():
            if key in value:
                found += _repeated_items(value[key], sub, path + (key,))
    elif isinstance(value, list) and schema.get("uniqueItems"):
        strings = [item for item in value if isinstance(item, str)]
        if len(set(strings)) < len(strings):
            found.append(path)
    return found


def field_names(name: str = "paper") -> list[str]:
    return list(load_schema(name)["properties"])


def describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return "an empty string" if not value.strip() else f"{shown!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def check(doc: Document, value: object, prefix: tuple, schema_name: str) -> list[Problem]:
    """Problems of value (found at prefix inside doc) against the named schema.

    The compiled validator answers for valid values; jsonschema words the problems of the rest."""
    try:
        _fast_validator(schema_name)(value)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    explained: dict[tuple, str] = {}
    for err in _validator(schema_name).iter_errors(value):
        for path, message in _explain(err):
            explained.setdefault(path, message)  # one message per value, the first rule it breaks
    schema = load_schema(schema_name)
    items = value if isinstance(value, list) and schema.get("type") == "array" else [value]
    for index, item in enumerate(items):
        where = (index,) if items is value else ()
        item_schema = schema.get("items", schema) if items is value else schema
        for path in _repeated_items(item, item_schema, where):
            explained.setdefault(path, "the same entry is listed twice")
    problems = []
    for path, message in explained.items():
        line, col = doc.mark(prefix + path)
        problems.append(Problem(doc.file, line, col, field_label(path), message))
    return problems


def _expected(err) -> str:
    schema = err.schema if isinstance(err.schema, dict) else {}
    if "x-expected" in schema:
        return schema["x-expected"]
    kinds = schema.get("type", "a value")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return " or ".join(KIND_NAMES.get(k, k) for k in kinds)


def _too_many(err, what: str) -> str:
    return f"at most {err.validator_value:,} {what} allowed, got {len(err.instance):,}"


def _explain(err) -> list[tuple[tuple, str]]:
    path = tuple(err.absolute_path)
    kind = err.validator
    if kind == "required":
        missing = err.message.split("'")[1]
        return [(path + (missing,), "required field is missing")]
    if kind == "additionalProperties" and isinstance(err.instance, dict):
        known = list(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(known))
        found = [(path + (key,), _unknown_field(key, known)) for key in extra[:MAX_UNKNOWN_FIELDS]]
        if len(extra) > MAX_UNKNOWN_FIELDS:  # a file that is not a record at all: list less
            more = len(extra) - MAX_UNKNOWN_FIELDS
            found.append((path, f"{more} more unknown fields; is this a paper record?"))
        return found
    if kind == "not" and "x-expected" in err.validator_value:  # says what is wanted instead
        return [(path, f"expected {err.validator_value['x-expected']}")]
    if kind == "maxLength" and "at most" in _expected(err):  # the expectation names the limit
        return [(path, f"expected {_expected(err)}, got {len(err.instance)} characters")]
    if kind == "maxLength":
        return [(path, _too_many(err, "characters"))]
    if kind in ("maxItems", "maxProperties"):
        return [(path, _too_many(err, "entries"))]
    if kind == "propertyNames":
        return [(path, f"link name {describe(err.instance)} is not {_expected(err)}")]
    return [(path, f"expected {_expected(err)}, got {describe(err.instance)}")]


def _unknown_field(key: str, known: list[str]) -> str:
    message = "unknown field"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        message += f" (did you mean `{close[0]}`?)"
    return message + f"; known fields: {', '.join(known)}"
