"""Press leg drive and lockout over mid-foot from the side: a strict press is never called a
push press, a bar locked out over the shoulders is never called forward, and the views
where the model misdraws the legs or the hands are "can't judge".

Fixtures: ``landmarks/press_side/*.npz`` (see ``truth.json``: how each was made and each
rep's faults): clean presses filmed from 1.8 m (legs drawn squashed upwards while the bar
is at the shoulders) and 20° behind the side, and a 6 cm bar drift. The synthetic lifter's
knees stay straight, so a push press is made here by bending them before a rep's rise.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from repcheck.analysis.checks.base import forward_sign
from repcheck.analysis.checks.press import lockout_frames
from repcheck.analysis.findings import Verdict
from repcheck.analysis.pipeline import analyse_series
from repcheck.pose.angles import joint_angle
from repcheck.pose.landmarks import LANDMARK_NAMES, LandmarkSeries, landmark_index
from repcheck.pose.signal import clean_series

FIXTURES = Path(__file__).resolve().parent / "landmarks" / "press_side"
TRUTH = json.loads((FIXTURES / "truth.json").read_text())
HIGH_CAMERA = "press_side_s8401_h1.58_c1.8"
DRIFT = "press_side_s8211_h1.67_c0.85"
TURNED = "press_side_s8300_h1.56_c0.85_az110"
#: Judged from the side at hip height: clean reps pass both checks.
LOW_CAMERAS = ("press_side_s8002_h1.77_c0.85", "press_side_s8024_h1.91_c1.1")
#: Landmarks that move with the hips when the knees bend (all but the legs below them).
ABOVE_KNEES = [landmark_index(n) for n in LANDMARK_NAMES
               if not any(p in n for p in ("knee", "ankle", "heel", "foot_index"))]


def load(name: str) -> LandmarkSeries:
    return LandmarkSeries.load(FIXTURES / f"{name}.npz")


def analyse(series: LandmarkSeries):
    return analyse_series(series, lift="press", view="side")


def by_rep(result, check: str) -> dict:
    return {f.rep: f for f in result.findings if f.check == check}


def forward(series: LandmarkSeries) -> float:
    """+1 when the lifter faces +x in the picture, -1 when -x."""
    return forward_sign(SimpleNamespace(series=series))


def rotate(v: np.ndarray, angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.stack([v[:, 0] * c - v[:, 1] * s, v[:, 0] * s + v[:, 1] * c], axis=1)


def push_press(series: LandmarkSeries, bottom: int, dip_deg: float) -> LandmarkSeries:
    """The series with both knees bent by ``dip_deg`` at frame ``bottom`` (easing in over
    0.3 s before it and out over 0.17 s after, the drive): the shins turn forward about the
    ankles, the thighs back about the knees, and the hips and everything above them drop
    with the hips, as in a push press's dip."""
    n = len(series)
    t = np.arange(n, dtype=float)
    down, up = 9, 5
    ramp = np.where(t <= bottom, (t - bottom + down) / down, 1 - (t - bottom) / up)
    amount = 0.5 - 0.5 * np.cos(np.pi * np.clip(ramp, 0.0, 1.0))
    turn = np.radians(dip_deg / 2) * amount * forward(series)
    xyz = series.xyz.astype(float)
    drops = []
    for side in ("left", "right"):
        ankle, knee, hip = (xyz[:, landmark_index(f"{side}_{p}"), :2]
                            for p in ("ankle", "knee", "hip"))
        bent_knee = ankle + rotate(knee - ankle, turn)
        drops.append(bent_knee + rotate(hip - knee, -turn) - hip)
        xyz[:, landmark_index(f"{side}_knee"), :2] = bent_knee
    drops = np.stack(drops)
    seen = np.isfinite(drops)
    drop = np.where(seen, drops, 0.0).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    xyz[:, ABOVE_KNEES, :2] += drop[:, None, :]
    return series.replace(xyz=xyz)


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_no_push_press_or_forward_bar_called_on_a_clean_rep(name):
    truth = TRUTH[name]
    result = analyse(load(name))
    legs = by_rep(result, "press.leg_drive")
    midfoot = by_rep(result, "press.bar_over_midfoot")
    assert len(legs) == len(truth["faults"])
    for rep, faults in enumerate(truth["faults"], start=1):
        assert legs[rep].verdict is not Verdict.FAIL, legs[rep].cue
        if "bar_drift" not in faults:
            assert midfoot[rep].verdict is not Verdict.WARN, midfoot[rep].cue


@pytest.mark.parametrize("name", LOW_CAMERAS)
@pytest.mark.parametrize("rep_number", (1, 2))
def test_a_dip_before_the_rise_is_a_push_press(name, rep_number):
    series = load(name)
    clean = analyse(series)
    assert all(f.verdict is Verdict.PASS
               for f in by_rep(clean, "press.leg_drive").values())
    rep = next(r for r in clean.seg.reps if r.number == rep_number)
    legs = by_rep(analyse(push_press(series, rep.start_i, 25.0)), "press.leg_drive")
    assert legs[rep_number].verdict is Verdict.FAIL, legs[rep_number].cue
    assert legs[rep_number].value > 15
    assert legs[3 - rep_number].verdict is Verdict.PASS


def test_legs_misdrawn_while_the_bar_is_at_the_shoulders_cant_judge():
    """From 1.8 m the plates hide the hands at the shoulders and BlazePose draws the body
    squashed upwards: the knee read there bends well past 10°, and a real dip there could
    not be seen either."""
    series = load(HIGH_CAMERA)
    result = analyse(series)
    side = result.view.facing
    knee = joint_angle(clean_series(series), "knee", side)
    standing = np.nanpercentile(knee, 75)
    raw = [standing - np.nanmin(knee[r.start_i:r.end_i + 1]) for r in result.seg.reps]
    assert max(raw) > 10  # what the knee alone reads: a false push press
    legs = by_rep(result, "press.leg_drive")
    assert all(f.verdict is Verdict.CANT_JUDGE for f in legs.values())
    dipped = push_press(series, result.seg.reps[1].start_i, 25.0)
    assert by_rep(analyse(dipped), "press.leg_drive")[2].verdict is Verdict.CANT_JUDGE


def test_a_knee_bent_by_a_misplaced_ankle_is_not_a_dip():
    """Only frames where the leg is drawn where it stands at lockout count: a knee bent
    while the ankle jumps up off the floor is the model's error."""
    series = load(LOW_CAMERAS[0])
    result = analyse(series)
    rep = result.seg.reps[0]
    frames = np.arange(rep.start_i - 9, rep.start_i + 6)  # the whole dip and drive
    side = result.view.facing
    bent = push_press(series, rep.start_i, 25.0)
    xyz = bent.xyz.copy()
    xyz[frames, landmark_index(f"{side}_ankle"), 1] -= 0.3 * result.seg.scale_px
    legs = by_rep(analyse(bent.replace(xyz=xyz)), "press.leg_drive")
    assert legs[1].verdict is not Verdict.FAIL, legs[1].cue


def test_drifted_lockout_warns_and_the_straight_one_passes():
    truth = TRUTH[DRIFT]
    midfoot = by_rep(analyse(load(DRIFT)), "press.bar_over_midfoot")
    for rep, faults in enumerate(truth["faults"], start=1):
        expect = Verdict.WARN if "bar_drift" in faults else Verdict.PASS
        assert midfoot[rep].verdict is expect, midfoot[rep].cue


def test_a_wrist_pulled_onto_the_plate_cant_judge_the_bar_position():
    """A hand drawn forward at full arm's length overhead is a forward bar; the same hand
    drawn under 0.75 torso lengths from the shoulder is a wrist the plate hid."""
    series = load(DRIFT)
    result = analyse(series)
    rep = result.seg.reps[0]
    side = result.view.facing
    wrist, shoulder = (landmark_index(f"{side}_{p}") for p in ("wrist", "shoulder"))
    top = lockout_frames(rep, series.xyz[:, wrist, 1])
    ahead = 0.10 * result.seg.scale_px * forward(series)
    ahead_xyz = series.xyz.copy()
    ahead_xyz[top, wrist, 0] += ahead
    assert by_rep(analyse(series.replace(xyz=ahead_xyz)),
                  "press.bar_over_midfoot")[1].verdict is Verdict.WARN
    pulled = ahead_xyz.copy()
    pulled[top, wrist, 1] = ahead_xyz[top, shoulder, 1] - 0.6 * result.seg.scale_px
    assert by_rep(analyse(series.replace(xyz=pulled)),
                  "press.bar_over_midfoot")[1].verdict is Verdict.CANT_JUDGE


def test_a_camera_turned_off_the_side_cant_judge_the_bar_position():
    """20° behind the side the grip's width shows as the near hand 5 % in front of the
    shoulder on clean lockouts: not judged."""
    midfoot = by_rep(analyse(load(TURNED)), "press.bar_over_midfoot")
    assert all(f.verdict is Verdict.CANT_JUDGE for f in midfoot.values())
    assert all("turned off the side" in f.cue for f in midfoot.values())
