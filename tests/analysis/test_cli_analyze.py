"""`repcheck analyze` end to end, in-process (the `cli` fixture isolates REPCHECK_HOME)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

# Fixtures live in a uniquely named module, not a conftest.py (see its docstring).
pytest_plugins = ["analysis_fixtures"]

HEAVY = ("mediapipe", "cv2", "numpy", "scipy", "matplotlib", "jax")


def test_help_lists_the_options(cli):
    r = cli.ok("analyze", "--help")
    for option in ("--lift", "--view", "--height", "--json"):
        assert option in r.out


def test_analyze_help_imports_nothing_heavy(tmp_path):
    probe = ("import sys; from repcheck.cli.main import run_cli; code = run_cli(sys.argv[1:]); "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    env = {**os.environ, "REPCHECK_HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", probe, "analyze", "--help"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(("args", "code", "words"), [
    (["analyze", "missing.mp4"], 3, "does not exist"),
    (["analyze", "{txt}"], 1, "not a video"),
    (["analyze", "{txt}", "--lift", "curl"], 1, "unknown lift"),
    (["analyze", "{txt}", "--view", "top"], 1, "unknown view"),
    (["analyze", "{txt}", "--height", "tall"], 1, "cannot read height"),
])
def test_bad_input_is_one_line_and_a_nonzero_exit(cli, tmp_path, args, code, words):
    txt = tmp_path / "notes.mp4"
    txt.write_text("not a video at all\n" * 20)
    r = cli(*[a.format(txt=txt) for a in args])
    assert r.code == code
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and words in lines[0]
    assert "Traceback" not in r.err


@pytest.mark.slow
def test_real_clip_json_then_cached_table(cli, realclips):
    # A side view whose legs stay in sight at the bottom (in squat_correct_010 the plate
    # hides them and depth is, rightly, "can't judge").
    clip = realclips / "kaiakol/data/squat/incorrect/squat_incorrect_002.mp4"
    r = cli.ok("analyze", str(clip), "--json", "--height", "178cm")
    doc = json.loads(r.out)
    assert doc["schema"] == "repcheck.analysis" and doc["version"] == 1
    assert doc["lift"]["name"] == "squat" and len(doc["reps"]) == 1
    assert doc["view"]["name"] == "side"
    depth = [f for f in doc["findings"] if f["check"] == "squat.depth"][0]
    assert "margin_cm" in depth["extra"]
    started = time.perf_counter()
    table = cli.ok("analyze", str(clip), "--lift", "squat")
    assert time.perf_counter() - started < 1.5  # landmarks come from the cache
    assert "Depth" in table.out and "Verdict" in table.out


@pytest.mark.slow
def test_nobody_in_view_says_no_lift(cli, tmp_path):
    import cv2
    import numpy as np

    path = tmp_path / "wall.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (160, 120))
    for _ in range(20):
        writer.write(np.full((120, 160, 3), 90, np.uint8))
    writer.release()
    r = cli.ok("analyze", str(path), "--json")
    doc = json.loads(r.out)
    assert doc["verdict"] == "no_lift" and doc["reps"] == [] and doc["lift"]["name"] is None
    assert any("nobody" in w for w in doc["warnings"])
    assert "no lift" in cli.ok("analyze", str(path)).out.lower()


def test_checks_lists_every_check_with_views_rule_and_source(cli):
    from repcheck.analysis.checks import CHECKS

    doc = cli.ok("checks", "--json").json()
    listed = {(c["lift"], c["check"]) for c in doc["checks"]}
    for check in CHECKS:
        lifts = ("squat", "bench", "deadlift", "press") if check.lift == "all" else (check.lift,)
        assert {(lift, check.key) for lift in lifts} <= listed
    assert all(c["source"] and c["views"] for c in doc["checks"])
    squat = cli.ok("checks", "squat").out
    assert "Depth" in squat and "IPF" in squat and "Lockout" not in squat
    bad = cli("checks", "curl")
    assert bad.code != 0 and bad.err.count("\n") == 1 and "unknown lift" in bad.err


def test_progress_bar_starts_a_second_stage_from_zero_under_its_own_label(capsys):
    """The lifter's second pass counts its frames again: the bar shows a new stage rather
    than falling from 100 % back to 50 %."""
    from repcheck.cli.analyze import progress_bar

    with progress_bar(False) as progress:
        progress.started -= 5  # as if the work had run past the 2 s before a bar shows
        progress(90, 90)
        task = progress.bar.tasks[0]
        assert (task.completed, task.description) == (90, "Finding the lifter")
        progress.stage("Second pass")
        progress(10, 90)
        assert (task.completed, task.description) == (10, "Second pass")
    with progress_bar(True) as quiet:  # --json: no bar, no callback
        assert quiet is None
