"""Squat depth from cameras above the lifter, on saved landmarks of synthetic squats
(``landmarks/depth/``; how each clip was rendered and its true per-rep margins are in
``landmarks/depth/truth.json``).

From above, a knee nearer the camera than its hip is drawn low (front obliques read too
shallow) and one further away is drawn high (rear obliques read too deep). The depth
check allows for the camera's height with the line through the two knees at the bottom
(:mod:`repcheck.analysis.perspective`); where it can't, it says "can't judge" with the
reason rather than failing (or passing) the lifter on a misleading picture. From a camera
at about the knees' height (0.6 m, ``landmarks/squat_low/``) BlazePose reads squats too
deep, and a narrow pass there is "can't judge".
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from repcheck.analysis.checks import HIP_POINT_OFFSET_PCT, THIGH_PER_HEIGHT
from repcheck.analysis.checks.base import turn_window
from repcheck.analysis.findings import Verdict
from repcheck.analysis.perspective import thigh_level
from repcheck.analysis.pipeline import analyse_series
from repcheck.pose.landmarks import LandmarkSeries
from repcheck.pose.signal import clean_series

HERE = Path(__file__).resolve().parent
DEPTH = HERE / "landmarks" / "depth"
TRUTH = json.loads((DEPTH / "truth.json").read_text())


def analyse(name: str):
    truth = TRUTH[name]
    series = LandmarkSeries.load(DEPTH / f"{name}.npz")
    return analyse_series(series, height_cm=100 * truth["lifter_height_m"]), truth


def depth_by_true_rep(result, truth) -> list[tuple[dict, object]]:
    """(true rep, its depth finding): the detected rep whose bottom is nearest the true
    bottom, inside the true rep."""
    findings = {f.rep: f for f in result.findings if f.check == "squat.depth"}
    pairs = []
    for true_rep in truth["reps"]:
        rep = min(result.seg.reps, key=lambda r: abs(r.turnaround_s - true_rep["bottom_s"]))
        assert true_rep["start_s"] <= rep.turnaround_s <= true_rep["end_s"]
        pairs.append((true_rep, findings[rep.number]))
    return pairs


def test_saved_clips_are_oblique_squats_with_every_rep_found():
    for name, truth in TRUTH.items():
        result, _ = analyse(name)
        assert (result.lift.lift, result.view.view) == ("squat", "oblique"), name
        assert len(result.seg.reps) == len(truth["reps"]), name


def test_front_oblique_from_above_reads_the_true_depth():
    # Camera 1.4 m up, 30° off the side towards the front: the image alone puts every
    # rep 13-31 % of thigh length shallower than it is (rep 2, 8 cm below parallel,
    # reads 2 % above).
    result, truth = analyse("front_oblique_h1.4_s408")
    for true_rep, f in depth_by_true_rep(result, truth):
        assert f.extra["camera_height_pct"] > 5  # the knee was drawn low: added back
        assert f.extra["margin_cm"] == pytest.approx(true_rep["depth_margin_cm"], abs=2.0)
        assert f.verdict is (Verdict.PASS if true_rep["depth_margin_cm"] > 0 else Verdict.FAIL)


def test_exact_joints_from_above_are_corrected_to_the_true_depth():
    """The renderer's own joint centres: what is left is the method, not BlazePose."""
    name = "exact_joints_front_oblique_h1.4_s408"
    truth = TRUTH[name]
    series = LandmarkSeries.load(DEPTH / f"{name}.npz")
    result = analyse_series(series, "squat")
    cm_per_pct = THIGH_PER_HEIGHT * 100 * truth["lifter_height_m"] / 100
    judged = 0
    for true_rep, f in depth_by_true_rep(result, truth):
        rep = next(r for r in result.seg.reps if r.number == f.rep)
        level = thigh_level(clean_series(series), series, "left", turn_window(rep))
        assert abs(level.image_pct * cm_per_pct - true_rep["depth_margin_cm"]) > 5
        if f.verdict is Verdict.CANT_JUDGE:
            continue  # a correction over MAX_LEVEL_PCT: said so, not guessed
        judged += 1
        corrected_cm = (f.value - HIP_POINT_OFFSET_PCT) * cm_per_pct
        assert corrected_cm == pytest.approx(true_rep["depth_margin_cm"], abs=1.0)
    assert judged >= 2


def test_rear_oblique_from_above_never_passes_a_shallow_rep():
    # Camera 1.9 m up, 45° behind the side: the image reads 3-10 cm too deep, and the
    # hidden far knee hides how much. Before, the 4 and 7 cm shallow reps both passed.
    result, truth = analyse("rear_oblique_h1.9_s514")
    verdicts = []
    for true_rep, f in depth_by_true_rep(result, truth):
        verdicts.append(f.verdict)
        if true_rep["depth_margin_cm"] < 0:
            assert f.verdict is not Verdict.PASS
        if f.verdict is Verdict.CANT_JUDGE:
            assert "points away from the camera" in f.cue
    assert verdicts == [Verdict.CANT_JUDGE, Verdict.PASS, Verdict.FAIL]


def test_misplaced_far_knee_is_not_judged_instead_of_failing_the_lifter():
    # 15° off the side, camera 1.6 m up: BlazePose puts the far knee where no camera could
    # see it (the knee line's slope implies a camera looking down steeper than a phone),
    # and the image read 12-19 % of thigh length shallower than the truth. Before, the
    # reps 3 cm below parallel and 3 cm above both failed and the one 9 cm below passed.
    result, truth = analyse("side_far_knee_lost_h1.6_s503")
    for _, f in depth_by_true_rep(result, truth):
        assert f.verdict is Verdict.CANT_JUDGE
        assert "far knee is probably misplaced" in f.cue


def test_without_world_landmarks_the_image_is_read_as_it_is():
    name = "front_oblique_h1.4_s408"
    series = LandmarkSeries.load(DEPTH / f"{name}.npz").replace(world=None)
    result = analyse_series(series, "squat")
    for f in result.findings:
        if f.check == "squat.depth" and f.value is not None:
            assert f.extra["camera_height_pct"] == 0.0
            assert f.value == pytest.approx(f.extra["image_margin_pct"] + HIP_POINT_OFFSET_PCT,
                                            abs=0.11)


def test_a_thigh_pointing_at_the_camera_is_not_judged():
    name = "front_oblique_h1.4_s408"
    series = LandmarkSeries.load(DEPTH / f"{name}.npz")
    result = analyse_series(series, "squat")
    rep = result.seg.reps[0]
    xyz = series.xyz.copy()
    knee, hip = 25, 23  # left_knee, left_hip: draw the bottom knee right by the hip
    xyz[rep.turn_i - 3:rep.turn_i + 4, knee, :2] = (
        xyz[rep.turn_i - 3:rep.turn_i + 4, hip, :2] + np.array([8.0, 4.0]))
    result = analyse_series(series.replace(xyz=xyz), "squat")
    f = next(f for f in result.findings if f.check == "squat.depth" and f.rep == rep.number)
    assert f.verdict is Verdict.CANT_JUDGE and "points at or away from the camera" in f.cue


def test_a_narrow_fail_on_a_thigh_pointing_at_a_high_camera_is_not_judged():
    # Front oblique from 1.4 m: rep 1 (4 cm above parallel) reads 10 % of thigh above, a
    # fail. Drawn 7 % of thigh deeper it would read 3 % above, within what BlazePose's
    # flat knee line leaves uncorrected there (up to 6 % on tuning clips): not called.
    name = "front_oblique_h1.4_s408"
    series = LandmarkSeries.load(DEPTH / f"{name}.npz")
    result, truth = analyse(name)
    true_rep, f = depth_by_true_rep(result, truth)[0]
    assert true_rep["depth_margin_cm"] < 0 and f.verdict is Verdict.FAIL
    rep = next(r for r in result.seg.reps if r.number == f.rep)
    xyz = series.xyz.copy()
    hips = [23, 24]  # left_hip, right_hip
    w = slice(rep.turn_i - 10, rep.turn_i + 11)
    xyz[w, hips, 1] += 0.07 * f.extra["thigh_px"] * np.hanning(21)[:, None]
    moved = analyse_series(series.replace(xyz=xyz), height_cm=100 * truth["lifter_height_m"])
    g = next(g for g in moved.findings if g.check == "squat.depth" and g.rep == f.rep)
    assert g.verdict is Verdict.CANT_JUDGE and "towards a camera above" in g.cue



REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, margins_cm", [
    ("squat_side_shallow_rep", None),  # margins from the example's truth file
    ("clean_squat_side_s201", [3.0, 3.0]),  # `repcheck synth`'s default depth
])
def test_a_misplaced_far_knee_does_not_stop_judging_a_thigh_across_the_picture(name,
                                                                                margins_cm):
    """Side views from 1.0 m: the far knee drawn off gives a 'steep camera' gain of
    1.08-1.37, but the thigh is drawn at 0.81-0.97 of its length, across the picture,
    where the camera's height does not matter: every rep is judged, and right."""
    series = LandmarkSeries.load(Path(__file__).parent / "landmarks" / f"{name}.npz")
    if margins_cm is None:
        truth = json.loads((REPO / "examples" / f"{name}.truth.json").read_text())
        margins_cm = [rep["depth_margin_cm"] for rep in truth["reps"]]
    depth = sorted((f for f in analyse_series(series, lift="squat").findings
                    if f.check == "squat.depth"), key=lambda f: f.rep)
    assert [f.verdict for f in depth] == [Verdict.PASS if m > 0 else Verdict.FAIL
                                          for m in margins_cm]


LOW = HERE / "landmarks" / "squat_low"
LOW_TRUTH = json.loads((LOW / "truth.json").read_text())


def analyse_low(name: str):
    truth = LOW_TRUTH[name]
    view = {"side_right": "side", "oblique_right": "oblique"}[truth["view"]]
    series = LandmarkSeries.load(LOW / f"{name}.npz")
    return analyse_series(series, "squat", view, height_cm=100 * truth["lifter_height_m"]), truth


@pytest.mark.parametrize("name", ["oblique_right_c0.6_s8928", "side_right_c0.6_s8911"])
def test_low_camera_never_passes_a_rep_3_cm_above_parallel(name):
    # Camera 0.6 m up, lifter facing right: BlazePose draws the near knee about 11 % of
    # thigh length high, and the knee line, which runs through it, shows no camera height
    # to correct for. Rep 1 (3 cm above parallel) read 1.1 cm below, a pass.
    result, truth = analyse_low(name)
    (first, f1), *rest = depth_by_true_rep(result, truth)
    assert first["depth_margin_cm"] == -3.0
    assert f1.verdict is Verdict.CANT_JUDGE and "about the knees' height" in f1.cue
    for true_rep, f in rest:  # 4 cm above parallel fails, 6 cm below passes
        assert f.verdict is (Verdict.PASS if true_rep["depth_margin_cm"] > 0 else Verdict.FAIL)


def test_low_camera_rule_is_what_stops_the_false_pass(monkeypatch):
    import repcheck.analysis.perspective as perspective

    reading_limit = perspective.LOW_MIN_PASS_PCT
    monkeypatch.setattr(perspective, "LOW_MIN_PASS_PCT", 0.0)
    result, truth = analyse_low("oblique_right_c0.6_s8928")
    true_rep, f = depth_by_true_rep(result, truth)[0]
    assert true_rep["depth_margin_cm"] < 0 and f.verdict is Verdict.PASS
    assert 0 <= f.value < reading_limit
