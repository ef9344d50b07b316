"""Records come out exactly as written: no retyping, both file forms, UTF-8 with or without BOM."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.collection import load_collection
from generator.problems import DataError
from generator.yamlread import parse_yaml

AS_WRITTEN = [
    ("arxiv", "arxiv: 2401.10100", "2401.10100"),
    ("title", "title: No", "No"),
    ("title", "title: yes", "yes"),
    ("title", "title: 1e3", "1e3"),
    ("venue", "venue: 1e3", "1e3"),
    ("date", "date: 2024-03-13", "2024-03-13"),
    ("date", "date: 2024", "2024"),
    ("venue", "venue: 0x1F", "0x1F"),
    ("venue", "venue: .inf", ".inf"),
    ("title", "title: '~'", "~"),
    ("venue", "venue: 010", "010"),
]


@pytest.mark.parametrize("field, line, expected", AS_WRITTEN)
def test_scalars_keep_the_text_as_written(field, line, expected):
    doc, problems = parse_yaml(line + "\n", "x.yml")
    assert problems == []
    assert doc.value[field] == expected
    assert type(doc.value[field]) is str


def test_unquoted_null_is_none_and_quoted_null_is_text():
    doc, _ = parse_yaml("a: null\nb: ~\nc:\nd: 'null'\n", "x.yml")
    assert doc.value == {"a": None, "b": None, "c": None, "d": "null"}


def load(root: Path, strict: bool = False):
    return load_collection(root / "data", root, strict=strict)[0]


def test_list_file_and_single_files_load_the_same(project):
    single = project({"first.yml": "title: First\ntopics: [vision]\nabstract: A.\n"})
    listed_root = single.parent / "listed"
    listed_root.mkdir()
    from conftest import write_files

    write_files(listed_root, {
        "mkdocs.yml": "site_name: T\n",
        "data/topics.yml": (single / "data/topics.yml").read_text(),
        "data/papers/2024.yml": "- id: first\n  title: First\n  topics: [vision]\n  abstract: A.\n",
    })
    assert load(single).papers == load(listed_root).papers


def test_list_file_keeps_record_order_apart_from_sorting_by_id(project):
    root = project({"year.yml": "- id: b\n  title: B\n  topics: [vision]\n- id: a\n  title: A\n  topics: [speech]\n"})
    assert [p.id for p in load(root).papers] == ["a", "b"]


def test_utf8_bom_is_accepted(project):
    root = project({"x.yml": "\ufefftitle: Caf\u00e9\ntopics: [vision]\n".encode()})
    assert load(root).papers[0].title == "Caf\u00e9"


def test_wrong_kind_is_an_error_not_coerced(project):
    root = project({"x.yml": "title: [A, list]\ntopics: [vision]\n"})
    with pytest.raises(DataError) as err:
        load(root)
    assert "data/papers/x.yml:1:1: title: expected a non-empty title, got a list" in str(err.value)


def test_fields_of_the_model_are_the_schema_fields():
    import dataclasses

    from generator.model import Paper
    from generator.schema import field_names

    model_fields = [f.name for f in dataclasses.fields(Paper) if f.name != "origin"]
    assert model_fields == field_names("paper")
