"""Bench reps filmed end-on: counted on the elbows from a high head-end camera, and an
honest "rep count may be wrong" note where the camera sits at bench height.

Fixtures: ``landmarks/bench_end/*.npz`` (BlazePose on synthetic benches; ``truth.json``
there records how each was rendered and the true rep times). From 0.6 m at either end of
the bench the model loses the lifter around every bottom and guesses the hands, so those
clips are miscounted and must carry the note; the side-view fixture from
``landmarks/bench_grid`` is counted right and must not. Expectations come from the
rendered truth, not from the thresholds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from repcheck.analysis.pipeline import (
    LOST_NOTE,
    MOTION_MIN_VISIBILITY,
    analyse_series,
    hands_off_bar_warning,
)
from repcheck.analysis.reps import MOTIONS, motion_spec, segment_reps
from repcheck.pose.landmarks import LandmarkSeries, landmark_index
from repcheck.pose.signal import clean_series

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "landmarks" / "bench_end"
TRUTH = json.loads((FIXTURES / "truth.json").read_text())
SIDE = HERE / "landmarks" / "bench_grid" / "side_right_clean_s8004.npz"
NOTE = "Rep count may be wrong"


def load(name: str) -> LandmarkSeries:
    return LandmarkSeries.load(FIXTURES / f"{name}.npz")


def notes(series: LandmarkSeries) -> list[str]:
    return [w for w in analyse_series(series, lift="bench").warnings if w.startswith(NOTE)]


@pytest.mark.parametrize("name", ["feet_end_low_s8008", "head_end_low_s8225"])
def test_bench_height_end_on_count_carries_the_note(name):
    result = analyse_series(load(name), lift="bench")
    # The miscount the note is for: the model lost the lifter at every bottom.
    assert len(result.seg.reps) != len(TRUTH[name]["reps"])
    [note] = [w for w in result.warnings if w.startswith(NOTE)]
    # The ends of the bench are named only when the view was read as end-on.
    assert ("head or feet end" in note) == (result.view.view == "front")
    assert "film from the side" in note.lower()
    # The note says how often the lifter was lost; the plain count is not repeated.
    assert "lifter was lost in" in note
    assert not [w for w in result.warnings if w.startswith(LOST_NOTE)], result.warnings


def test_side_view_counted_right_has_no_note():
    series = LandmarkSeries.load(SIDE)
    assert len(analyse_series(series, lift="bench").seg.reps) == 2
    assert notes(series) == []


def reversed_right_wrist(series: LandmarkSeries) -> LandmarkSeries:
    """The right wrist's height mirrored about its mean: it rises as the left one falls."""
    xyz = series.xyz.copy()
    y = xyz[:, landmark_index("right_wrist"), 1]
    y[:] = 2 * np.nanmean(y) - y
    return series.replace(xyz=xyz)


def lost_in(series: LandmarkSeries, share: float) -> LandmarkSeries:
    """Nobody found in every k-th frame, ``share`` of the frames in all."""
    xyz, vis = series.xyz.copy(), series.visibility.copy()
    lost = np.arange(len(series)) % round(1 / share) == 0
    xyz[lost], vis[lost] = np.nan, 0.0
    return series.replace(xyz=xyz, visibility=vis)


def test_note_needs_hands_apart_and_lifter_lost():
    series = LandmarkSeries.load(SIDE)
    [note] = notes(lost_in(reversed_right_wrist(series), 0.2))
    # Seen from the side, the advice is not about the ends of the bench.
    assert "head or feet end" not in note and "lifter and the bar in view" in note
    # Either alone is not enough: a side view's far wrist is guessed while the near one
    # follows the bar, and a lifter lost in a few frames with the hands together is tracked.
    assert notes(reversed_right_wrist(series)) == []
    assert notes(lost_in(series, 0.2)) == []


def test_lifter_lost_in_most_frames_carries_the_note():
    series = LandmarkSeries.load(SIDE)
    motion = lost_in(series, 0.5)
    assert hands_off_bar_warning(motion, clean_series(
        motion, min_visibility=MOTION_MIN_VISIBILITY), "side") is not None


def test_head_end_high_camera_counts_on_the_elbows():
    name = "head_end_high_s8407"
    series = load(name)
    result = analyse_series(series, lift="bench")
    assert result.view.view == "front" and result.seg.point == "elbow"
    bottoms = [r["bottom_s"] for r in TRUTH[name]["reps"]]
    assert [r.turnaround_s for r in result.seg.reps] == pytest.approx(bottoms, abs=0.25)
    assert not [w for w in result.warnings if w.startswith(NOTE)]
    # Why: the hands drawn from this camera put every turnaround a second off.
    motion = clean_series(series, min_visibility=MOTION_MIN_VISIBILITY)
    wrists = segment_reps(motion, "bench")
    assert wrists.point == "wrist"
    assert max(abs(r.turnaround_s - b) for r, b in zip(wrists.reps, bottoms, strict=True)) > 0.8


def test_end_on_hands_apart_keep_the_wrists():
    """At bench height nothing follows the bar; the elbows would only move the miscount."""
    motion = clean_series(load("head_end_low_s8225"), min_visibility=MOTION_MIN_VISIBILITY)
    assert motion_spec("bench", "front", motion) == MOTIONS["bench"]
    high = clean_series(load("head_end_high_s8407"), min_visibility=MOTION_MIN_VISIBILITY)
    assert motion_spec("bench", "front", high).points[0] == "elbow"


@pytest.mark.parametrize(("lift", "view"), [("squat", "front"), ("deadlift", "front"),
                                            ("press", "front"), ("bench", "side"),
                                            ("bench", "oblique"), ("bench", None)])
def test_only_the_end_on_bench_changes_points(lift, view):
    assert motion_spec(lift, view) == MOTIONS[lift]
