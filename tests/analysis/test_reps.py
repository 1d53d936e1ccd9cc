"""Rep segmentation on synthetic sets with known truth, and on real landmark fixtures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic_lifter import REAL_FIXTURES, SquatPlan, build_series, load_fixture

from repcheck.analysis.reps import segment_reps
from repcheck.pose.landmarks import LandmarkSeries
from repcheck.pose.signal import clean_series

# Fixtures live in a uniquely named module, not a conftest.py (see its docstring).
pytest_plugins = ["analysis_fixtures"]


def reps_of(series: LandmarkSeries, lift: str = "squat"):
    return segment_reps(clean_series(series), lift).reps


def test_counts_reps_and_finds_each_bottom(squat_set):
    series, plan = squat_set(SquatPlan([(1.0, 0, 1.0, 1.0)] * 4))
    reps = reps_of(series)
    assert len(reps) == 4
    for rep, bottom in zip(reps, plan.bottoms_s, strict=True):
        assert rep.turnaround_s == pytest.approx(bottom, abs=0.1)
        assert rep.start_s < rep.turnaround_s < rep.end_s
        assert not rep.partial


def test_jitter_does_not_double_count(squat_set):
    # DESIGN.md: a peer tool double-counted jitter 3-6 frames apart.
    series, _ = squat_set(SquatPlan([(0.8, 0, 0.8, 1.0)] * 5, jitter_px=4.0, seed=3))
    assert len(reps_of(series)) == 5


def test_walkout_and_unrack_dips_are_not_reps(squat_set):
    # Small dips (unracking, stepping back) before and after three real reps.
    series, _ = squat_set(SquatPlan([(0.4, 0, 0.4, 0.12), (0.4, 0, 0.4, 0.1)]
                                    + [(1.0, 0, 1.0, 1.0)] * 3
                                    + [(0.4, 0, 0.4, 0.12)]))
    reps = reps_of(series)
    assert len(reps) == 3
    assert all(r.amplitude > 0.8 for r in reps)


def test_pause_at_the_bottom_is_measured(squat_set):
    series, _ = squat_set(SquatPlan([(1.0, 1.5, 1.0, 1.0), (1.0, 0.0, 1.0, 1.0)]))
    paused, touch = reps_of(series)
    assert paused.pause_s == pytest.approx(1.5, abs=0.3)
    assert touch.pause_s < 0.4
    # Squats start at the top: the way down is the eccentric phase.
    assert paused.eccentric_s == pytest.approx(1.0, abs=0.35)
    assert paused.concentric_s == pytest.approx(1.0, abs=0.35)


def test_slow_ascent_shows_in_the_concentric_time(squat_set):
    series, _ = squat_set(SquatPlan([(0.8, 0, 0.8, 1.0), (0.8, 0, 2.4, 1.0)]))
    fast, grind = reps_of(series)
    assert grind.concentric_s > 2 * fast.concentric_s
    assert grind.concentric_speed_px_s < 0.6 * fast.concentric_speed_px_s


def test_partial_rep_is_flagged_and_a_tiny_one_ignored(squat_set):
    series, _ = squat_set(SquatPlan([(1, 0, 1, 1.0), (1, 0, 1, 0.6), (1, 0, 1, 1.0),
                                     (0.6, 0, 0.6, 0.2)]))
    reps = reps_of(series)
    assert [r.partial for r in reps] == [False, True, False]


def test_camera_cut_splits_the_clip_without_a_phantom_rep(squat_set):
    series, plan = squat_set(SquatPlan([(1, 0, 1, 1.0)] * 4, rest_s=1.0))
    cut_at = int(round((plan.bottoms_s[1] + 1.5) * plan.fps))  # standing between reps 2-3
    xyz = series.xyz.copy()
    xyz[cut_at:, :, 0] += 300  # the camera jumps sideways...
    xyz[cut_at:, :, 1] -= 250  # ...and up
    seg = segment_reps(clean_series(series.replace(xyz=xyz)), "squat")
    assert len(seg.cuts_s) == 1
    assert seg.cuts_s[0] == pytest.approx(series.times[cut_at], abs=0.05)
    assert len(seg.reps) == 4


def test_nothing_moves_no_reps(squat_set):
    series, _ = squat_set(SquatPlan([], rest_s=5.0, jitter_px=2.0))
    assert reps_of(series) == ()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 2.0), st.floats(0.0, 1.0), st.floats(0.5, 2.5),
                          st.floats(0.8, 1.2)), min_size=1, max_size=6),
       st.floats(0.3, 2.0), st.floats(0.0, 3.0))
def test_rep_count_is_exact_for_any_tempo(reps, rest, jitter):
    series = build_series(SquatPlan(list(reps), rest_s=rest, jitter_px=jitter))
    assert len(reps_of(series)) == len(reps)


@pytest.mark.parametrize("name", sorted(REAL_FIXTURES))
def test_real_clip_rep_counts(name):
    lift, expected = REAL_FIXTURES[name]
    assert len(reps_of(load_fixture(name), lift)) == expected


def test_real_bench_reps_are_ordered_and_timed():
    reps = reps_of(load_fixture("bench_obliquehead_3reps.npz"), "bench")
    starts = [r.start_s for r in reps]
    assert starts == sorted(starts)
    for r in reps:
        assert r.eccentric_s > 0.3 and r.concentric_s > 0.3
        assert np.isclose(r.eccentric_s + r.pause_s + r.concentric_s, r.duration_s, atol=0.1)
