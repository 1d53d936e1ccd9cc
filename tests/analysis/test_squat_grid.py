"""Squat checks on synthetic squats where BlazePose's landmarks mislead them, from a grid
of clean clips (views x cameras 0.6-1.8 m x lifters 1.55-1.95 m) that drew false faults
before: saved landmarks in ``landmarks/squat_grid/``; truth.json has how each clip was
rendered and, per rep, the true depth margin, knee angle, torso lean and faults.

Each misreading is the model's, not the analysis's (the renderer's own joints read right):
from behind the standing knees sit inside the feet; from the side the plates hide the hip,
knee or shoulder, which are then drawn with the thigh or torso short; from a camera high
above thighs pointing at it the knees' depths come out too flat. The checks now read
against standing, or say "can't judge", instead of calling a fault. Perturbed copies of a
well-tracked clip show that real faults are still called.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from synthetic_lifter import findings_by_true_rep

from repcheck.analysis.findings import Verdict
from repcheck.analysis.pipeline import analyse_series
from repcheck.pose.landmarks import LandmarkSeries, landmark_index
from repcheck.pose.signal import clean_series

HERE = Path(__file__).resolve().parent
GRID = HERE / "landmarks" / "squat_grid"
TRUTH = json.loads((GRID / "truth.json").read_text())
#: The analysis's view for each rendered one (a rear view is read as a front view).
VIEW = {"back": "front", "side_right": "side", "oblique_right": "oblique"}
FAULTS = (Verdict.FAIL, Verdict.WARN)


def load(name: str) -> LandmarkSeries:
    return LandmarkSeries.load(GRID / f"{name}.npz")


def analyse(name: str, series: LandmarkSeries | None = None):
    truth = TRUTH[name]
    return analyse_series(series if series is not None else load(name), lift="squat",
                          view=VIEW.get(truth["view"], truth["view"]),
                          height_cm=100 * truth["lifter_height_m"])


def by_true_rep(result, name: str, check: str) -> list[tuple[dict, object]]:
    """(true rep, the ``check`` finding of the detected rep whose bottom lies in it)."""
    return findings_by_true_rep(result, TRUTH[name]["reps"], check)


def false_faults(result, name: str) -> list[str]:
    """Faults the truth contradicts: depth failed on a rep 3 cm or more below parallel,
    knees called open under 90°, a torso lean called under 50°, a cave never injected."""
    wrong = []
    for check, is_true in (
            ("squat.depth", lambda r: r["depth_margin_cm"] < 3),
            ("squat.knee_angle", lambda r: r["bottom_knee_angle_deg"] > 90),
            ("squat.torso_lean", lambda r: r["torso_lean_deg"] > 50),
            ("squat.knee_cave", lambda r: "knee_cave" in r["faults"]),
            ("squat.hip_shift", lambda r: "hip_shift" in r["faults"])):
        if not any(f.check == check and f.verdict in FAULTS for f in result.findings):
            continue
        wrong += [f"{check} rep {r['rep']}" for r, f in by_true_rep(result, name, check)
                  if f.verdict in FAULTS and not is_true(r)]
    return wrong


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_no_fault_the_truth_contradicts(name):
    assert false_faults(analyse(name), name) == []


def test_knee_cave_from_behind_is_read_against_standing():
    # Camera 0.6 m up behind the lifter: standing, the knees sit at 0.80-0.82 of the ankles'
    # width, which the whole-rep minimum read as a cave (threshold 0.85) on both clean reps.
    name = "back_clean_c0.6_s8024"
    result = analyse(name)
    s = clean_series(load(name))
    width = {p: np.abs(s.xy(f"left_{p}")[:, 0] - s.xy(f"right_{p}")[:, 0])
             for p in ("knee", "ankle")}
    for rep in result.seg.reps:
        whole = slice(rep.start_i, rep.end_i + 1)
        assert np.nanmin(width["knee"][whole] / width["ankle"][whole]) < 0.85
    for _, f in by_true_rep(result, name, "squat.knee_cave"):
        assert f.verdict is Verdict.PASS and f.value > 1.0
    pairs = by_true_rep(analyse("back_knee_cave_c1.0_s8605"), "back_knee_cave_c1.0_s8605",
                        "squat.knee_cave")
    assert [(r["faults"], f.verdict) for r, f in pairs] == [
        ([], Verdict.PASS), (["knee_cave"], Verdict.WARN)]


def test_knees_pulled_in_at_depth_are_a_cave():
    name = "back_clean_c0.6_s8024"
    series = load(name)
    rep = analyse(name).seg.reps[0]
    xyz = series.xyz.copy()
    knees = [landmark_index("left_knee"), landmark_index("right_knee")]
    w = slice(rep.turn_i - 10, rep.turn_i + 11)
    centre = xyz[w][:, knees, 0].mean(axis=1, keepdims=True)
    # Around the bottom the knees close in to 70 % of their width.
    pull = 0.3 * np.hanning(21)[:, None]
    xyz[w, knees, 0] -= pull * (xyz[w][:, knees, 0] - centre)
    f = next(f for f in analyse(name, series.replace(xyz=xyz)).findings
             if f.check == "squat.knee_cave" and f.rep == rep.number)
    assert f.verdict is Verdict.WARN and f.value < 0.9


def test_high_camera_on_thighs_pointing_at_it_is_not_judged():
    # 1.8 m up, 30° off the side towards the front. Rep 1 (3 cm below parallel): BlazePose
    # flattens the knee's depth and puts the thigh across the picture, so nothing was
    # corrected and it read 7 cm above parallel (a fail). Rep 2 (7 cm below): a 14 %
    # correction where the exact joints need 35 %. The knee lines' gains, 0.93
    # and 0.89, say the camera is too steep above for either.
    name = "oblique_right_clean_c1.8_s8811"
    for _, f in by_true_rep(analyse(name), name, "squat.depth"):
        assert f.verdict is Verdict.CANT_JUDGE
        assert "the far knee is probably misplaced" in f.cue


def test_flattened_knee_depth_under_a_high_camera_is_no_fail():
    # 1.8 m up, 30° off the side towards the front, lifter 1.6 m: the thighs are drawn at
    # 0.70 of their length, so the knee sits about 0.29 m nearer the camera than the hip,
    # but BlazePose's world depths put it 0.08-0.11 m nearer; the correction fell 24-27 %
    # of thigh short and both clean reps (6 and 5 cm below parallel) read 4-5 cm above.
    name = "oblique_right_clean_c1.8_s8830"
    for _, f in by_true_rep(analyse(name), name, "squat.depth"):
        assert f.verdict is Verdict.CANT_JUDGE and "as much nearer the camera" in f.cue


def test_side_thigh_drawn_short_is_no_fail():
    # Lifter 1.55 m, camera 1 m: at rep 2's bottom BlazePose draws the thigh at 61 % of
    # its length and the hip above the knee; the rep is 7 cm below parallel.
    name = "side_right_clean_c1.0_s8010"
    pairs = by_true_rep(analyse(name), name, "squat.depth")
    assert pairs[1][1].verdict is Verdict.CANT_JUDGE
    assert "misplaced the hip or knee" in pairs[1][1].cue


def test_side_torso_drawn_short_gives_no_lean_and_no_narrow_pass():
    # BlazePose draws the shoulders by the hips behind the plates: 97° and 120° of lean
    # were read where the lifter leans 37°, and the hips it places then read deep: rep 1,
    # 4 cm above parallel, passed 1 cm below it.
    name = "side_shallow_c1.0_s8500"
    result = analyse(name)
    for true_rep, f in by_true_rep(result, name, "squat.torso_lean"):
        assert true_rep["torso_lean_deg"] < 40
        assert f.verdict is Verdict.CANT_JUDGE and "torso is drawn" in f.cue
    (true_rep, f), _ = by_true_rep(result, name, "squat.depth")
    assert true_rep["depth_margin_cm"] < 0
    assert f.verdict is Verdict.CANT_JUDGE and "torso is drawn" in f.cue


def test_side_knee_angle_on_a_short_thigh_is_not_judged():
    # Camera 1.8 m, lifter 1.55 m: rep 2 bends the knees to 73°, BlazePose read 113°.
    name = "side_c1.8_s8505"
    _, f = by_true_rep(analyse(name), name, "squat.knee_angle")[1]
    assert f.verdict is Verdict.CANT_JUDGE and "misplaced the hip or knee" in f.cue


# A well-tracked clean side squat (thigh drawn at 0.81-0.86 of its length at the bottom).
SIDE = HERE / "landmarks" / "clean_squat_side_s201.npz"


def bottom_moved(series, rep, name: str, target, also: tuple[str, ...] = ()) -> LandmarkSeries:
    """``name`` moved to ``target(xyz at each frame)`` around ``rep``'s bottom, blended in
    and out over 21 frames so the smoothing keeps it; the landmarks ``also`` move with it."""
    xyz = series.xyz.copy()
    i = landmark_index(name)
    w = slice(rep.turn_i - 10, rep.turn_i + 11)
    shift = np.hanning(21)[:, None] * (target(xyz[w]) - xyz[w, i, :2])
    for j in (i, *(landmark_index(n) for n in also)):
        xyz[w, j, :2] += shift
    return series.replace(xyz=xyz)


def side_findings(series) -> dict[str, object]:
    result = analyse_series(series, lift="squat", view="side")
    return {f.check: f for f in result.findings if f.rep == 1}


@pytest.fixture
def side_squat():
    series = LandmarkSeries.load(SIDE)
    return series, analyse_series(series, lift="squat", view="side").seg.reps[0]


def rotated(xyz, centre: int, point: int, degrees: float, share: float = 1.0):
    """Where ``point`` goes turned ``degrees`` about ``centre`` (+ = clockwise in the
    picture, y down), at ``share`` of its distance."""
    d = xyz[:, point, :2] - xyz[:, centre, :2]
    a = np.radians(degrees)
    turned = np.stack([d[:, 0] * np.cos(a) - d[:, 1] * np.sin(a),
                       d[:, 0] * np.sin(a) + d[:, 1] * np.cos(a)], axis=1)
    return xyz[:, centre, :2] + share * turned


def test_shallow_thigh_from_the_side_fails_unless_drawn_short(side_squat):
    series, rep = side_squat
    hip, knee = landmark_index("left_hip"), landmark_index("left_knee")
    # The lifter faces -x: turning the thigh about the hip anticlockwise lowers the knee.
    # The far knee moves with it, keeping the knee line (the camera's height) as it was.
    shallow = side_findings(bottom_moved(series, rep, "left_knee",
                                         lambda xyz: rotated(xyz, hip, knee, -35),
                                         also=("right_knee",)))
    assert shallow["squat.depth"].verdict is Verdict.FAIL
    short = side_findings(bottom_moved(series, rep, "left_knee",
                                       lambda xyz: rotated(xyz, hip, knee, -35, 0.6),
                                       also=("right_knee",)))
    assert short["squat.depth"].verdict is Verdict.CANT_JUDGE
    assert "misplaced the hip or knee" in short["squat.depth"].cue


def test_open_knee_from_the_side_warns_unless_the_thigh_is_drawn_short(side_squat):
    series, rep = side_squat
    hip, knee, ankle = (landmark_index(f"left_{p}") for p in ("hip", "knee", "ankle"))
    opened = bottom_moved(series, rep, "left_ankle",
                          lambda xyz: rotated(xyz, knee, ankle, 60))
    assert side_findings(opened)["squat.knee_angle"].verdict is Verdict.WARN
    short = bottom_moved(opened, rep, "left_hip", lambda xyz: rotated(xyz, knee, hip, 0, 0.6))
    f = side_findings(short)["squat.knee_angle"]
    assert f.verdict is Verdict.CANT_JUDGE and "misplaced the hip or knee" in f.cue


def test_torso_leaning_over_from_the_side_warns(side_squat):
    series, rep = side_squat
    hip, shoulder = landmark_index("left_hip"), landmark_index("left_shoulder")
    before = side_findings(series)["squat.torso_lean"]
    assert before.verdict is Verdict.PASS

    def leaning(xyz):
        # Same torso length, 70° from vertical, towards where the trunk already leans.
        d = xyz[:, shoulder, :2] - xyz[:, hip, :2]
        length = np.linalg.norm(d, axis=1, keepdims=True)
        forward = np.sign(np.median(d[:, 0]))
        a = np.radians(70.0)
        return xyz[:, hip, :2] + length * np.array([forward * np.sin(a), -np.cos(a)])

    after = side_findings(bottom_moved(series, rep, "left_shoulder", leaning))
    assert after["squat.torso_lean"].verdict is Verdict.WARN
    assert after["squat.torso_lean"].value > 60


# Low cameras (0.6 m): saved landmarks in ``landmarks/squat_low/`` (truth.json as above).
LOW = HERE / "landmarks" / "squat_low"
LOW_TRUTH = json.loads((LOW / "truth.json").read_text())


def low_knee_angles(name: str) -> list[tuple[dict, object]]:
    truth = LOW_TRUTH[name]
    result = analyse_series(LandmarkSeries.load(LOW / f"{name}.npz"), lift="squat",
                            view=VIEW.get(truth["view"], truth["view"]),
                            height_cm=100 * truth["lifter_height_m"])
    return findings_by_true_rep(result, truth["reps"], "squat.knee_angle")


def test_knee_angle_after_a_descent_with_the_thigh_lost_is_not_judged():
    # Camera 0.6 m, lifter 1.65 m: at rep 1's true bottom BlazePose drew the hip most of a
    # thigh's length high (the thigh under 70 % of its length on 22 % of the way down),
    # so the hips seemed to drop less than on rep 2 (a partial rep), the reps finder took
    # a frame 0.37 s later for the bottom, and the knee read 97° where it bends to 64°.
    (rep1, f1), (_, f2) = low_knee_angles("side_c0.6_s8702")
    assert rep1["bottom_knee_angle_deg"] < 90
    assert f1.verdict is Verdict.CANT_JUDGE and "of the way down" in f1.cue
    assert f2.verdict is Verdict.PASS


def test_the_descent_rule_is_what_stops_that_warning(monkeypatch):
    import repcheck.analysis.checks.squat as squat_checks

    monkeypatch.setattr(squat_checks, "DESCENT_MAX_LOST", 1.01)
    (_, f1), _ = low_knee_angles("side_c0.6_s8702")
    assert f1.verdict is Verdict.WARN and f1.value > 90


def test_a_partial_squat_from_a_low_camera_still_warns():
    # Rep 1 stops 20 cm above parallel with the knees at 99°; its thigh stays drawn whole.
    (rep1, f1), _ = low_knee_angles("side_right_partial_c0.6_s8951")
    assert rep1["bottom_knee_angle_deg"] > 90 and f1.verdict is Verdict.WARN
