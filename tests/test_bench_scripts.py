"""The benchmark scripts run on the current page plan: CI runs them at full size, these run them small so a
change to the generator that breaks them fails here first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_growth_script_renders_every_case_at_small_sizes():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "growth.py"), "--sizes", "200,400"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    assert len(rows) >= 13, result.stdout
    assert any(row.startswith("| topic title:") for row in rows)
    assert "Worst growth per doubling" in result.stdout
