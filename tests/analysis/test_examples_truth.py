"""Lift, view and injected faults on the committed example clips and on clean synthetic
clips, judged against the renderer's ground truth.

The fast tests read saved BlazePose landmark files (``landmarks/``), so they need no
mediapipe; the expected answers come from the clips' ground-truth JSON (the committed
``examples/*.truth.json``, and ``landmarks/clean_truth.json`` for the clean clips, which
records how each was rendered), never from the analysis code. Each example's landmark
file is checked against the video's SHA-256, so a re-rendered example fails loudly here
until its landmarks are extracted again::

    .venv/bin/python -c "from repcheck.pose.extract import extract; \\
        extract('examples/NAME.mp4').save('tests/analysis/landmarks/NAME.npz')"

Faults the analysis cannot yet see on the synthetic figure are listed in
:data:`KNOWN_MISSES` with the measurement that shows why; they are strict xfails, so a
change that starts catching one fails here until the entry is removed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic_lifter import REPO

from repcheck.analysis.checks import FAULT_CHECKS
from repcheck.analysis.findings import Verdict
from repcheck.analysis.pipeline import analyse_series
from repcheck.pose.landmarks import LandmarkSeries

HERE = Path(__file__).resolve().parent
LANDMARKS = HERE / "landmarks"
EXAMPLES = REPO / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in LANDMARKS.glob("*.npz") if not p.stem.startswith("clean_"))
CLEAN_TRUTH = json.loads((LANDMARKS / "clean_truth.json").read_text())


#: (lift, fault) -> why it is not reported yet (measured on the synthetic clips).
KNOWN_MISSES = {
    ("deadlift", "soft_lockout"): "from the side the plates hide the knee: 10-25 deg soft "
    "lockouts read 145-174 deg, straight ones 150-178 deg; seen clearly (oblique) soft ones "
    "read 156-170 deg but so do real straight knees (156-179 deg), so 145 deg stays; against "
    "the set's other rep this 15 deg soft one reads only 2 deg short (clean reps read up to "
    "10 deg short, so 11 deg is the line)",
}


def load_example(name: str) -> tuple[LandmarkSeries, dict]:
    truth = json.loads((EXAMPLES / f"{name}.truth.json").read_text())
    return LandmarkSeries.load(LANDMARKS / f"{name}.npz"), truth


def view_family(view: str) -> str:
    """The renderer's camera names (side_right, oblique_back, back...) -> side/front/oblique."""
    base = view.split("_")[0]
    return {"back": "front"}.get(base, base)


def truth_turnaround(rep: dict) -> float:
    """The bottom of a squat or bench rep; the lockout of a pull or press from low."""
    return rep["lockout_s"] if rep["bottom_s"] <= rep["start_s"] + 1e-6 else rep["bottom_s"]


def matching_rep(analysis, rep: dict):
    """The detected rep whose turnaround is nearest the true one, if it falls inside the
    true rep; None when the rep was missed."""
    found = min(analysis.seg.reps, key=lambda r: abs(r.turnaround_s - truth_turnaround(rep)),
                default=None)
    if found is None or not rep["start_s"] <= found.turnaround_s <= rep["end_s"]:
        return None
    return found


def faults_flagged(analysis, number: int) -> set[str]:
    return {f.check for f in analysis.findings
            if f.rep == number and f.verdict in (Verdict.FAIL, Verdict.WARN)}


def injected_faults() -> list:
    cases = []
    for name in EXAMPLE_NAMES:
        truth = json.loads((EXAMPLES / f"{name}.truth.json").read_text())
        for rep in truth["reps"]:
            for fault in rep["faults"]:
                reason = KNOWN_MISSES.get((truth["lift"], fault))
                marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
                cases.append(pytest.param(name, rep["rep"], fault, marks=marks,
                                          id=f"{name}-rep{rep['rep']}-{fault}"))
    return cases


def test_every_example_has_landmarks():
    assert EXAMPLE_NAMES == sorted(p.stem for p in EXAMPLES.glob("*.mp4"))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_landmarks_belong_to_the_committed_video(name):
    from repcheck.video.library import sha256_file

    series, _ = load_example(name)
    assert series.source_sha256 == sha256_file(EXAMPLES / f"{name}.mp4"), (
        "stale landmark file: re-extract it (see the module docstring)")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_lift_and_view_are_detected(name):
    series, truth = load_example(name)
    result = analyse_series(series)
    assert result.lift.lift == truth["lift"]
    assert result.view.view == view_family(truth["cameras"][0]["view"])


@pytest.mark.parametrize(("name", "rep_number", "fault"), injected_faults())
def test_example_injected_fault_is_reported(name, rep_number, fault):
    series, truth = load_example(name)
    result = analyse_series(series, height_cm=100 * truth["parameters"]["lifter_height_m"])
    rep = next(r for r in truth["reps"] if r["rep"] == rep_number)
    found = matching_rep(result, rep)
    assert found is not None
    assert FAULT_CHECKS[fault] & faults_flagged(result, found.number), (
        f"rep {rep_number}: {fault} not reported; flagged "
        f"{sorted(faults_flagged(result, found.number))}")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_clean_reps_get_no_fault(name):
    series, truth = load_example(name)
    result = analyse_series(series, height_cm=100 * truth["parameters"]["lifter_height_m"])
    for rep in truth["reps"]:
        found = matching_rep(result, rep)
        if rep["faults"] or found is None:
            continue
        assert not faults_flagged(result, found.number), (rep["rep"], result.findings)


@pytest.mark.parametrize("name", sorted(CLEAN_TRUTH))
def test_clean_synthetic_clip_gets_no_fault(name):
    truth = CLEAN_TRUTH[name]
    result = analyse_series(LandmarkSeries.load(LANDMARKS / f"{name}.npz"))
    assert result.lift.lift == truth["lift"]
    assert result.view.view == view_family(truth["view"])
    assert len(result.seg.reps) == len(truth["reps"])
    faults = [f for f in result.findings if f.verdict in (Verdict.FAIL, Verdict.WARN)]
    assert not faults, [f.cue for f in faults]


@pytest.mark.slow
def test_fresh_clean_clip_end_to_end(tmp_path):
    """Render a clip with a seed no threshold was measured on, run BlazePose on it, and
    check lift, view, rep count and that no fault is reported."""
    from repcheck.pose.extract import extract
    from repcheck.synth import CameraSpec, ClipSpec, RepSpec, render_clip

    spec = ClipSpec(lift="squat", reps=(RepSpec(depth_cm=5), RepSpec(depth_cm=5)),
                    camera=CameraSpec(view="oblique_right"), width=360, height=640,
                    seed=9107)
    video = tmp_path / "fresh.mp4"
    render_clip(spec, video)
    result = analyse_series(extract(video, cache_dir=tmp_path / "cache"))
    assert (result.lift.lift, result.view.view) == ("squat", "oblique")
    assert len(result.seg.reps) == 2
    assert not [f for f in result.findings if f.verdict in (Verdict.FAIL, Verdict.WARN)]


@pytest.mark.parametrize(("shoulders", "hips", "yaw", "view"), [
    (0.45, 0.12, 70.0, "side"),  # far shoulder misplaced under a back squat bar
    (0.10, 0.10, float("nan"), "side"),
    (0.30, 0.25, 48.0, "oblique"),
    (0.55, 0.35, 45.0, "oblique"),  # wide shoulders, but turned away from the camera
    (2.00, 1.30, 6.0, "front"),  # bench from the feet: torso foreshortened
    (0.80, 0.45, float("nan"), "front"),  # no world landmarks: shoulder ratio decides
    (0.20, float("nan"), float("nan"), "side"),  # hips never seen: shoulders decide
])
def test_view_rule_table(shoulders, hips, yaw, view):
    from repcheck.analysis.view import classify_view

    assert classify_view(shoulders, hips, yaw)[0] == view
