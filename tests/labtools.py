"""The lab-style collection of tests/fixtures/lab as a project: people declared (one with two
spellings, one sharing a name with another author told apart by ORCID iD), a photo under docs/."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO

LAB = REPO / "tests" / "fixtures" / "lab"
PHOTO = "assets/people/shoeybi.svg"
SITE_URL = "https://lab.example.org/"


def lab_project(dest: Path, *, whole: bool = False) -> Path:
    """The lab's data, its photo, and a mkdocs.yml with an absolute site_url (feeds need one);
    whole: a copy of this project's site (docs, theme, generator) around it, for MkDocs."""
    if whole:
        from sitetools import copy_project

        copy_project(dest, data=LAB / "data")
        config = dest / "mkdocs.yml"
        text = config.read_text("utf-8")
        start = text.index("site_url:")
        end = text.index("\n", start)
        config.write_text(text[:start] + f"site_url: {SITE_URL}" + text[end:], "utf-8")
    else:
        shutil.copytree(LAB / "data", dest / "data")
        (dest / "mkdocs.yml").write_text(
            f"site_name: Lab\nsite_url: {SITE_URL}\nplugins:\n  - papers\n", "utf-8")
    photo = dest / "docs" / PHOTO
    photo.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(LAB / "photos" / "shoeybi.svg", photo)
    return dest
