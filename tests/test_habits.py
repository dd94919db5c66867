"""The code's habits, checked with the tests: ruff finds nothing, the formatting is ruff's, and
mypy finds no type errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_and_the_formatting_is_ruffs():
    lint = run(str(TOOLS / "ruff"), "check", "--output-format", "concise", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatting = run(str(TOOLS / "ruff"), "format", "--check", ".")
    assert formatting.returncode == 0, formatting.stdout + formatting.stderr


def test_mypy_finds_no_type_errors():
    # the packages, settings and per-library exceptions are pyproject.toml's [tool.mypy]
    checked = run(sys.executable, "-m", "mypy")
    assert checked.returncode == 0, checked.stdout + checked.stderr
