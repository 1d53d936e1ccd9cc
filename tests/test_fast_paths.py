"""Start-up stays light: the everyday commands never import the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("mediapipe", "cv2", "matplotlib", "boto3", "botocore", "psycopg", "sqlalchemy",
         "sqlmodel", "numpy", "scipy", "jax")

PROBE = """
import json, sys
from repcheck.cli.main import run_cli
code = run_cli(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(%r)))
sys.stdout.flush()
sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
sys.exit(code)
"""


@pytest.mark.parametrize("args", [
    ["--help"], ["log", "--help"], ["log", "squat", "5x140"], ["prs"],
    ["history", "squat", "--last", "20"], ["stats"], ["paths"],
])
def test_everyday_commands_import_no_heavy_module(tmp_path, args):
    env = {**os.environ, "REPCHECK_HOME": str(tmp_path)}
    env.pop("REPCHECK_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "repcheck", "log", "squat", "5x100", "--date", "-1d"],
                   env=env, check=True, capture_output=True)
    r = subprocess.run([sys.executable, "-c", PROBE % json.dumps(HEAVY), *args], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    line = [x for x in r.stderr.splitlines() if x.startswith("HEAVY=")][-1]
    assert json.loads(line[len("HEAVY="):]) == []
