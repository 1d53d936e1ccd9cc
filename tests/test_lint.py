"""The code passes the project's lint rules, including the ban on module-level imports of
mediapipe, cv2, matplotlib, boto3 and psycopg (``[tool.ruff.lint]`` in pyproject.toml),
which keeps them off the fast paths wherever a new module is added."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    proc = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise",
                           "repcheck", "tests", "benchmarks"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
