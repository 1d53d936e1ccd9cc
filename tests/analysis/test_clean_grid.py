"""Clean synthetic clips from the camera-height grid (cameras 0.6-1.8 m, 1.55-1.95 m
lifters) that got a false fault: each now passes, or is not judged, on the check that
misfired. The landmark files are in landmarks/clean/ with their make command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from repcheck.analysis.findings import Verdict
from repcheck.analysis.pipeline import analyse_series
from repcheck.pose.landmarks import LandmarkSeries, landmark_index

LANDMARKS = Path(__file__).parent / "landmarks"
TRUTH = json.loads((LANDMARKS / "clean" / "truth.json").read_text())
FAULTS = (Verdict.FAIL, Verdict.WARN)


def load(name: str) -> LandmarkSeries:
    return LandmarkSeries.load(LANDMARKS / "clean" / f"{name}.npz")


def verdicts(result, check: str) -> list[Verdict]:
    return [f.verdict for f in result.findings if f.check == check]


@pytest.mark.parametrize("name", sorted(n for n in TRUTH if TRUTH[n]["lift"] == "press"))
def test_side_press_lockout_is_not_judged_behind_the_plate(name):
    """From the side the near plate covers the hands overhead (wrist read 22-70 % of torso
    off at these camera heights), so the elbow angle there can't be judged: from 1.8 m the
    camera looks down on the lifter, from 1.2 m the arm is drawn short overhead."""
    result = analyse_series(load(name), lift="press", view="side")
    assert verdicts(result, "press.lockout") == [Verdict.CANT_JUDGE] * len(result.seg.reps)
    assert not [f for f in result.findings if f.verdict in FAULTS]


@pytest.mark.parametrize("name", sorted(n for n in TRUTH if TRUTH[n]["lift"] == "deadlift"))
def test_clean_pull_has_no_hitch(name):
    result = analyse_series(load(name), lift="deadlift", view="side")
    found = verdicts(result, "deadlift.hitch")
    assert found and Verdict.FAIL not in found


def test_hitch_top_is_the_held_lockout_not_the_overshoot():
    """This clean pull's wrists overshoot the lockout by 9 px and then settle: read against
    its highest frame that settling was a 9.7 % "hitch"."""
    series = LandmarkSeries.load(LANDMARKS / "detect" / "deadlift_side_camdefault_s312.npz")
    result = analyse_series(series, lift="deadlift", view="side")
    assert verdicts(result, "deadlift.hitch") == [Verdict.PASS] * len(result.seg.reps)


def test_a_one_frame_wrist_jump_is_no_hitch_but_a_held_sink_is():
    name = "deadlift_side_s7508_h1.68_c1.8"
    series = load(name)
    base = analyse_series(series, lift="deadlift", view="side")
    rep = base.seg.reps[0]
    at = (rep.start_i + rep.turn_i) // 2
    arms = [landmark_index(f"{s}_{p}") for s in ("left", "right")
            for p in ("wrist", "pinky", "index", "thumb", "shoulder")]

    def with_offset(frames, px):
        xyz = series.xyz.copy()
        xyz[np.ix_(np.atleast_1d(frames), arms, [1])] += px  # image y down: + sinks
        return analyse_series(series.replace(xyz=xyz), lift="deadlift", view="side")

    travel = rep.amplitude_px
    jump = with_offset([at], -0.12 * travel)  # up for one frame, back on its path
    assert verdicts(jump, "deadlift.hitch")[0] is Verdict.PASS
    sink = 0.25 * travel * np.hanning(9)[:, None, None]
    sunk = with_offset(np.arange(at - 4, at + 5), sink)
    assert verdicts(sunk, "deadlift.hitch")[0] is Verdict.FAIL
