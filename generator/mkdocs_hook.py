"""MkDocs hook (listed under `hooks:` in mkdocs.yml): run the generator before every build,
so `mkdocs build` and `mkdocs serve` always show the current data. Public hook events only."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.mkdocs_events import on_config, on_post_page, on_startup  # noqa: E402

__all__ = ["on_config", "on_post_page", "on_startup"]
