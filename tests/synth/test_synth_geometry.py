"""Ground-truth consistency, checked on the plan (geometry only, no pixels painted)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repcheck.synth.body import LANDMARK_INDEX, LANDMARK_NAMES, BodyDims
from repcheck.synth.kinematics import angle_deg
from repcheck.synth.lifts import depth_limits_cm
from repcheck.synth.render import plan_clip, truth_document
from repcheck.synth.spec import CameraCut, CameraSpec, ClipSpec, RepSpec, Tempo

FAST = dict(
    fps=10.0, width=240, height=426, tempo=Tempo(0.6, 0.1, 0.5, 0.2), lead_in_s=0.2, lead_out_s=0.2
)
LIFTS = ("squat", "bench", "deadlift", "press")


def _plan(**kw):
    return plan_clip(ClipSpec(**{**FAST, **kw}))


def _lm(plan):
    from repcheck.synth.skeleton import landmarks

    return np.stack([landmarks(f, plan.dims) for f in plan.figures])


def test_landmark_names_are_blazepose_names_in_blazepose_order():
    from mediapipe.python.solutions.pose import PoseLandmark

    assert LANDMARK_NAMES == tuple(lm.name.lower() for lm in PoseLandmark)


@pytest.mark.parametrize("lift", LIFTS)
def test_bones_keep_their_length_in_every_frame(lift):
    plan = _plan(lift=lift, reps=(RepSpec(), RepSpec(soft_lockout_deg=10)), setup=True, rerack=True)
    lm, d = _lm(plan), plan.dims
    bones = {
        ("hip", "knee"): d.thigh,
        ("knee", "ankle"): d.shank,
        ("shoulder", "elbow"): d.upper_arm,
        ("elbow", "wrist"): d.forearm,
    }
    for side in ("left", "right"):
        for (a, b), length in bones.items():
            ia, ib = LANDMARK_INDEX[f"{side}_{a}"], LANDMARK_INDEX[f"{side}_{b}"]
            got = np.linalg.norm(lm[:, ia] - lm[:, ib], axis=1)
            np.testing.assert_allclose(got, length, atol=1e-6, err_msg=f"{side} {a}-{b}")


@pytest.mark.parametrize("lift", LIFTS)
def test_hands_hold_the_bar(lift):
    plan = _plan(lift=lift, reps=(RepSpec(), RepSpec()))
    for fig in plan.figures:
        if fig.hands_on_bar:
            for side in ("left", "right"):
                dist = np.linalg.norm(
                    np.cross(fig.joints[f"{side}_fist"] - fig.bar_center, fig.bar_axis)
                )
                assert dist < 0.01, f"{side} fist {dist * 100:.1f} cm off the bar"


@pytest.mark.parametrize("lift", ("squat", "deadlift", "press"))
def test_feet_stay_on_the_floor_during_reps(lift):
    plan = _plan(lift=lift, reps=(RepSpec(),))
    lm = _lm(plan)
    for name in ("left_heel", "right_heel", "left_foot_index", "right_foot_index"):
        z = lm[:, LANDMARK_INDEX[name], 2]
        assert np.all((z > 0) & (z < 0.04)), name


@pytest.mark.parametrize("lift", LIFTS)
@pytest.mark.parametrize("view", ("side", "front", "oblique", "oblique_back"))
def test_projected_3d_matches_2d_and_stays_in_frame(lift, view):
    plan = _plan(lift=lift, reps=(RepSpec(),), camera=CameraSpec(view=view))
    doc = truth_document(plan, "x.mp4")
    fr = doc["frames"]
    j3, j2 = np.asarray(fr["joints_3d"]), np.asarray(fr["joints_2d"])
    cam = doc["cameras"][0]
    k, r, t = (np.asarray(cam[key]) for key in ("K", "R", "t"))
    uv = (j3 @ r.T + t) @ k.T
    uv = uv[..., :2] / uv[..., 2:3]
    assert np.max(np.abs(uv - j2)) < 1.0  # 1 mm rounding of 3D at ~2-4 m is < 0.5 px here
    assert np.all((j2[..., 0] >= 0) & (j2[..., 0] < plan.spec.width))
    assert np.all((j2[..., 1] >= 0) & (j2[..., 1] < plan.spec.height))


def test_squat_depth_margin_matches_request_and_joint_geometry():
    depths = (6.0, -4.0, 0.0)
    plan = _plan(lift="squat", reps=tuple(RepSpec(depth_cm=v) for v in depths))
    doc = truth_document(plan, "x.mp4")
    j3 = np.asarray(doc["frames"]["joints_3d"])
    for rep, want in zip(doc["reps"], depths, strict=True):
        assert rep["depth_margin_cm"] == pytest.approx(want, abs=0.05)
        assert rep["requested_depth_margin_cm"] == want
        # The bottom frame's own joints give the same margin (within one frame of motion).
        f = rep["bottom_frame"]
        knee = j3[f, [LANDMARK_INDEX["left_knee"], LANDMARK_INDEX["right_knee"]], 2].mean()
        hip = j3[f, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], 2].mean()
        assert (knee - hip) * 100 == pytest.approx(want, abs=0.3)
        # and no frame of the rep is deeper than the bottom
        s, e = rep["start_frame"], rep["end_frame"]
        knees = j3[s : e + 1, [25, 26], 2].mean(axis=1)
        hips = j3[s : e + 1, [23, 24], 2].mean(axis=1)
        assert np.max(knees - hips) * 100 <= want + 0.05
    assert [r["faults"] for r in doc["reps"]] == [[], ["depth_above_parallel"], []]


@settings(max_examples=25, deadline=None)
@given(depth=st.floats(min_value=-20.0, max_value=12.0), height=st.floats(1.5, 2.0))
def test_any_allowed_squat_depth_is_hit_exactly(depth, height):
    from repcheck.synth.lifts import figure_at
    from repcheck.synth.metrics import depth_margin_cm
    from repcheck.synth.timeline import FrameState

    low, high = depth_limits_cm("squat", height)
    depth = min(max(depth, low), high)
    spec = ClipSpec(lifter_height_m=height, reps=(RepSpec(depth_cm=depth),))
    d = BodyDims.from_height(height)
    fig = figure_at(d, spec, FrameState(0.0, "rep", 1.0, rep=0, phase="turn"))
    assert depth_margin_cm("squat", fig, d) == pytest.approx(depth, abs=0.05)


def test_bench_touch_and_short_rep():
    plan = _plan(lift="bench", reps=(RepSpec(), RepSpec(depth_cm=-4.0)))
    doc = truth_document(plan, "x.mp4")
    assert doc["reps"][0]["depth_margin_cm"] == pytest.approx(0.0, abs=0.05)
    assert doc["reps"][1]["depth_margin_cm"] == pytest.approx(-4.0, abs=0.05)
    assert doc["faults"] == [{"rep": 2, "fault": "no_chest_touch", "value": -4.0, "unit": "cm"}]


def test_rep_times_are_ordered_and_match_the_tempo():
    tempo = Tempo(1.0, 0.5, 0.8, 0.3)
    plan = _plan(lift="squat", reps=(RepSpec(),) * 3, tempo=tempo)
    reps = truth_document(plan, "x.mp4")["reps"]
    for r in reps:
        assert r["start_s"] < r["bottom_s"] < r["end_s"] == r["lockout_s"]
        assert r["end_s"] - r["start_s"] == pytest.approx(1.0 + 0.5 + 0.8)
    for a, b in zip(reps, reps[1:], strict=False):
        assert b["start_s"] - a["end_s"] == pytest.approx(0.3)
    dl = truth_document(_plan(lift="deadlift", reps=(RepSpec(),), tempo=tempo), "x.mp4")["reps"][0]
    assert dl["bottom_s"] == dl["start_s"] < dl["lockout_s"] < dl["end_s"]
    assert dl["lockout_s"] - dl["start_s"] == pytest.approx(0.8)  # concentric first


def test_deadlift_bar_starts_on_the_floor_and_hips_rising_first_is_measured():
    from repcheck.synth.skeleton import PLATE_RADIUS

    plan = _plan(lift="deadlift", reps=(RepSpec(), RepSpec(hips_rise_first=0.8)))
    doc = truth_document(plan, "x.mp4")
    bar_z = np.asarray(doc["frames"]["bar_3d"])[:, 2]
    assert bar_z.min() == pytest.approx(PLATE_RADIUS, abs=0.002)
    clean, faulty = (r["metrics"]["hip_rise_at_bar_10cm_cm"] for r in doc["reps"])
    assert faulty > clean + 5
    assert doc["reps"][1]["faults"] == ["hips_rise_first"]


FAULT_CASES = [
    ("squat", RepSpec(knee_cave_cm=6), lambda m: m["knee_cave_cm"] == pytest.approx(6, abs=0.3)),
    ("squat", RepSpec(knee_cave_cm=6), lambda m: m["min_knee_width_to_ankle_width_bent"] < 0.85),
    ("deadlift", RepSpec(knee_cave_cm=4), lambda m: m["knee_cave_cm"] == pytest.approx(4, abs=0.3)),
    ("squat", RepSpec(hip_shift_cm=5), lambda m: m["hip_shift_cm"] == pytest.approx(5, abs=0.2)),
    ("squat", RepSpec(bar_drift_cm=6), lambda m: m["bar_drift_cm"] == pytest.approx(6, abs=0.3)),
    ("squat", RepSpec(soft_lockout_deg=15), lambda m: m["lockout_knee_angle_deg"] < 170),
    (
        "squat",
        RepSpec(uneven_lockout_cm=4),
        lambda m: m["lockout_hip_height_diff_cm"] == pytest.approx(4, abs=0.3),
    ),
    ("deadlift", RepSpec(soft_lockout_deg=15), lambda m: m["lockout_knee_angle_deg"] < 170),
    ("deadlift", RepSpec(bar_drift_cm=5), lambda m: m["bar_drift_cm"] == pytest.approx(5, abs=0.3)),
    ("bench", RepSpec(soft_lockout_deg=20), lambda m: m["lockout_elbow_angle_deg"] < 165),
    (
        "bench",
        RepSpec(uneven_lockout_cm=4),
        lambda m: m["lockout_wrist_height_diff_cm"] == pytest.approx(4, abs=0.5),
    ),
    ("press", RepSpec(soft_lockout_deg=20), lambda m: m["lockout_elbow_angle_deg"] < 165),
    ("press", RepSpec(bar_drift_cm=6), lambda m: m["bar_drift_cm"] > 5),
]


@pytest.mark.parametrize(
    "lift,rep,check",
    FAULT_CASES,
    ids=[
        f"{c[0]}-{[k for k, v in vars(c[1]).items() if v][0]}-{i}"
        for i, c in enumerate(FAULT_CASES)
    ],
)
def test_injected_faults_show_in_the_measured_truth(lift, rep, check):
    clean = RepSpec()
    doc = truth_document(_plan(lift=lift, reps=(clean, rep)), "x.mp4")
    m_clean, m_fault = doc["reps"][0]["metrics"], doc["reps"][1]["metrics"]
    assert check(m_fault), m_fault
    assert not check(m_clean) or lift == "press", m_clean
    assert doc["reps"][0]["faults"] == []
    assert len(doc["reps"][1]["faults"]) == 1


def test_clean_lockouts_are_straight():
    for lift, key in (
        ("squat", "lockout_knee_angle_deg"),
        ("deadlift", "lockout_knee_angle_deg"),
        ("bench", "lockout_elbow_angle_deg"),
        ("press", "lockout_elbow_angle_deg"),
    ):
        m = truth_document(_plan(lift=lift, reps=(RepSpec(),)), "x.mp4")["reps"][0]["metrics"]
        assert m[key] > 172, (lift, m[key])


def test_camera_cut_switches_camera_and_projection():
    spec = dict(lift="squat", reps=(RepSpec(),) * 2, cut=CameraCut(1.5, CameraSpec(view="front")))
    plan = _plan(**spec)
    doc = truth_document(plan, "x.mp4")
    shots = np.asarray(doc["frames"]["shot"])
    assert shots[0] == 0 and shots[-1] == 1 and len(doc["cameras"]) == 2
    first_after = int(np.argmax(shots == 1))
    assert doc["frames"]["t_s"][first_after] >= 1.5 > doc["frames"]["t_s"][first_after - 1]
    j2 = np.asarray(doc["frames"]["joints_2d"])
    jump = np.abs(j2[first_after] - j2[first_after - 1]).max()
    assert jump > 20  # a different viewpoint, not continuous motion


def test_spotter_stands_between_camera_and_lifter_and_overlaps_in_the_image():
    plan = _plan(lift="squat", reps=(RepSpec(),), spotter=True, camera=CameraSpec(view="side"))
    cam = plan.cameras[0]
    doc = truth_document(plan, "x.mp4")
    lifter = np.asarray(doc["frames"]["joints_2d"])[:, :, 0]
    spot = np.asarray(doc["frames"]["spotter_2d"])[:, :, 0]
    assert cam.depth(plan.spotters[0].joints["pelvis"]) < cam.depth(
        plan.figures[0].joints["pelvis"]
    )
    overlap = np.minimum(lifter.max(1), spot.max(1)) - np.maximum(lifter.min(1), spot.min(1))
    assert np.all(overlap > 0), "the spotter must cover part of the lifter"


def test_setup_and_rerack_segments_move_the_lifter_to_the_rack_and_back():
    plan = _plan(lift="squat", reps=(RepSpec(),), setup=True, rerack=True)
    segs = [s.segment for s in plan.states]
    for name in ("unrack", "walkout", "rep", "walkin", "rack"):
        assert name in segs
    x = np.array([f.joints["pelvis"][0] for f in plan.figures])
    assert x[0] > x[segs.index("rep")] + 0.3 < x[-1]
    assert plan.rack is not None


@pytest.mark.parametrize("height", (1.5, 1.75, 2.0))
def test_lifter_height_scales_the_body(height):
    plan = _plan(lift="press", lifter_height_m=height, reps=(RepSpec(),))
    lm = _lm(plan)
    top_of_head = plan.figures[0].joints["head"][2] + plan.dims.head_up
    assert top_of_head == pytest.approx(height, rel=0.03)
    knee = angle_deg(lm[0, 23], lm[0, 25], lm[0, 27])
    assert knee > 170


def test_seed_changes_nothing_in_the_geometry():
    a = truth_document(_plan(lift="squat", reps=(RepSpec(),), seed=1), "x.mp4")
    b = truth_document(_plan(lift="squat", reps=(RepSpec(),), seed=2), "x.mp4")
    assert a["frames"] == b["frames"]


def test_truth_document_sizes_are_modest():
    import json

    doc = truth_document(_plan(lift="squat", reps=(RepSpec(),) * 3, fps=30.0), "x.mp4")
    per_frame = len(json.dumps(doc, separators=(",", ":"))) / doc["video"]["frame_count"]
    assert per_frame < 2000


def test_spec_with_more_reps_gives_longer_clip():
    short = _plan(reps=(RepSpec(),))
    long = _plan(reps=(RepSpec(),) * 3)
    assert long.frame_count > short.frame_count
    assert replace(long.spec, reps=(RepSpec(),)) == short.spec
