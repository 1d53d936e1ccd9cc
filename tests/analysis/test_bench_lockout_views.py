"""The bench lockout judged from an oblique view: only from the head end of the bench, where
the near elbow's bend at a soft lockout is drawn, never from the feet end, where it points
along the camera's line of sight; and from no view whose camera looks down on the bench.

Fixtures: ``landmarks/bench_lockout/*.npz`` (BlazePose on synthetic 3-rep benches with
0°, 15° and 40° soft lockouts; ``truth.json`` there records how each was rendered and the
true elbow angle per rep). Expected verdicts come from that truth and from what the check
was measured to catch (40° soft from the head end; a straight arm always passes), never
from the threshold; the 15° rep is not asserted either way.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from synthetic_lifter import findings_by_true_rep, load_fixture

from repcheck.analysis.findings import Verdict
from repcheck.analysis.pipeline import analyse_series
from repcheck.pose.landmarks import LandmarkSeries

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "landmarks" / "bench_lockout"
TRUTH = json.loads((FIXTURES / "truth.json").read_text())
#: The softest lockout (degrees short of straight) caught on every tuning and held-out rep
#: from the head end.
CAUGHT_SOFT_DEG = 40.0


def load(name: str) -> LandmarkSeries:
    return LandmarkSeries.load(FIXTURES / f"{name}.npz")


def lockouts(name: str, series: LandmarkSeries | None = None) -> list:
    """(true rep, bench.lockout finding) per rendered rep, the lift and view given."""
    result = analyse_series(load(name) if series is None else series, lift="bench",
                            view="oblique", height_cm=100 * TRUTH[name]["lifter_height_m"])
    return findings_by_true_rep(result, TRUTH[name]["reps"], "bench.lockout")


@pytest.mark.parametrize("name", ["head_end_left_soft_s8412", "head_end_right_soft_s8504"])
def test_head_end_oblique_passes_straight_arms_and_catches_a_bent_finish(name):
    for true_rep, f in lockouts(name):
        soft = 180.0 - true_rep["lockout_elbow_angle_deg"]
        if soft == 0:
            assert f.verdict == Verdict.PASS, f.cue
        elif soft >= CAUGHT_SOFT_DEG:
            assert f.verdict == Verdict.FAIL, f.cue


def test_feet_end_oblique_is_not_judged_even_with_a_bent_finish():
    """Its 40° soft lockout reads 170°: the bend points at the camera."""
    findings = [f for _, f in lockouts("feet_end_soft_s8408")]
    assert findings and all(f.verdict == Verdict.CANT_JUDGE and "head end" in f.cue
                            for f in findings)


def test_depth_read_the_other_way_round_is_not_judged():
    """The head-end clip with BlazePose's depth mirrored (the shoulders now further than
    the ankles): read as the feet end, so its bent rep is no longer called."""
    name = "head_end_left_soft_s8412"
    series = load(name)
    world = series.world.copy()
    world[..., 2] *= -1
    findings = [f for _, f in lockouts(name, series.replace(world=world))]
    assert findings and all(f.verdict == Verdict.CANT_JUDGE for f in findings)


def test_without_depth_the_oblique_lockout_is_not_judged():
    name = "head_end_left_soft_s8412"
    series = load(name)
    findings = [f for _, f in lockouts(name, series.replace(world=None))]
    assert findings and all(f.verdict == Verdict.CANT_JUDGE and "no depth" in f.cue
                            for f in findings)


def turned(series: LandmarkSeries, degrees: float) -> LandmarkSeries:
    """The landmarks turned in the image about its centre (angles between limbs kept)."""
    xyz = series.xyz.copy()
    cx, cy = series.image_size[0] / 2, series.image_size[1] / 2
    turn = np.radians(degrees)
    x, y = xyz[..., 0] - cx, xyz[..., 1] - cy
    xyz[..., 0] = cx + x * np.cos(turn) - y * np.sin(turn)
    xyz[..., 1] = cy + x * np.sin(turn) + y * np.cos(turn)
    return series.replace(xyz=xyz)


def test_a_camera_looking_down_on_the_bench_is_not_judged():
    """The head-end clip turned 12° in the image, so the torso is drawn 14° off level as
    from a camera above the bench (where straight arms read 132-143°): "can't judge"."""
    name = "head_end_left_soft_s8412"
    findings = [f for _, f in lockouts(name, turned(load(name), 12.0))]
    assert findings and all(f.verdict == Verdict.CANT_JUDGE and "looks down" in f.cue
                            for f in findings)


def test_a_side_view_looking_down_on_the_bench_is_not_judged():
    """The same from the side: a clean side view passes as filmed, and turned 12° it is
    "can't judge" (a side view from 1.8 m, torso 24° off level, read a straight arm
    at 117°)."""
    path = HERE / "landmarks" / "bench_grid" / "side_right_clean_s8004.npz"
    series = LandmarkSeries.load(path)
    for view_of, verdicts in ((series, {Verdict.PASS}), (turned(series, 12.0),
                                                         {Verdict.CANT_JUDGE})):
        result = analyse_series(view_of, lift="bench", view="side")
        findings = [f for f in result.findings if f.check == "bench.lockout"]
        assert findings and {f.verdict for f in findings} == verdicts


def test_real_bench_saved_without_depth_gets_no_lockout_verdict():
    """A real 3-rep bench (labelled head-end oblique) whose landmarks were saved before
    BlazePose's depth was kept: read as an oblique, its lockout is "can't judge"."""
    result = analyse_series(load_fixture("bench_obliquehead_3reps.npz"), lift="bench",
                            view="oblique")
    findings = [f for f in result.findings if f.check == "bench.lockout"]
    assert findings and all(f.verdict == Verdict.CANT_JUDGE and "no depth" in f.cue
                            for f in findings)
