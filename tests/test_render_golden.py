"""Rendered Markdown of a small fixture collection, compared with files kept in git.

Regenerate after an intended change with `pytest tests/test_render_golden.py --update-goldens`
and review the diff."""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO

from generator.config import load_settings
from generator.pipeline import render_site

GOLDEN = REPO / "tests" / "golden"


def rendered() -> dict[str, str]:
    return render_site(load_settings(GOLDEN / "project" / "mkdocs.yml"))


def test_rendered_markdown_matches_the_goldens(request):
    outputs = rendered()
    expected_dir = GOLDEN / "expected"
    if request.config.getoption("--update-goldens"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for relative, text in outputs.items():
            (expected_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / relative).write_text(text, "utf-8", newline="")
        pytest.skip("goldens rewritten; review `git diff tests/golden`")
    on_disk = {p.relative_to(expected_dir).as_posix() for p in expected_dir.rglob("*") if p.is_file()}
    assert set(outputs) == on_disk
    for relative, text in outputs.items():
        assert text == (expected_dir / relative).read_text("utf-8"), relative


def test_output_is_deterministic():
    assert rendered() == rendered()


def test_every_kind_the_plan_makes_is_declared_once_and_every_declared_kind_is_planned():
    from generator.collection import load_collection
    from generator.kinds import DECLARED, KINDS
    from generator.people import load_people
    from generator.plan import PlanSettings, plan_site

    project = GOLDEN / "project"
    collection, _ = load_collection(project / "data", project)
    people, _ = load_people(project / "data" / "people.yml", project, project / "docs")
    assert people  # the fixture declares people: their pages are planned
    planned = {page.kind for page in plan_site(collection, PlanSettings(feeds=True, bibtex_abstracts=True), None,
                                               people).pages}
    assert len(KINDS) == len(DECLARED)
    assert planned == set(KINDS)
