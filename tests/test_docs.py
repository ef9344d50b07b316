"""The README cannot drift from the schema or the CLI."""

from __future__ import annotations

import re

from conftest import REPO

from generator.cli import _parser
from generator.schema import load_schema

README = (REPO / "README.md").read_text("utf-8")


def table(marker: str) -> dict[str, str]:
    block = README.split(f"<!-- {marker}:start -->")[1].split(f"<!-- {marker}:end -->")[0]
    rows = [line.split(" | ", 1) for line in block.splitlines() if line.startswith("| `")]
    return {re.match(r"\| `([^`]+)`", name).group(1): text.rstrip(" |") for name, text in rows}


def test_field_table_lists_every_schema_field_with_its_description():
    schema = load_schema("paper")
    documented = table("fields")
    assert list(documented) == list(schema["properties"])
    for name, text in documented.items():
        assert text.removesuffix(" (required)") == schema["properties"][name]["description"], name
        assert text.endswith("(required)") == (name in schema["required"]), name


def _commands(parser, prefix=""):
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            if sub._subparsers:
                yield from _commands(sub, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}"


def test_every_cli_command_is_documented():
    documented = {name.split(" [")[0].split(" --")[0].split(" FILE")[0] for name in table("commands")}
    assert set(_commands(_parser())) == documented


def test_readme_commands_run_from_the_environment_make_creates():
    """`python -m generator` alone fails with the system Python: the README says which Python."""
    for line in README.splitlines():
        for match in re.finditer(r"(\S*)python -m generator", line):
            assert match.group(1).endswith(".venv/bin/") or "activate" in line, line
