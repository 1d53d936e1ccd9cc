"""Landmark clean-up (gaps, zero-phase filter, swaps) and angle geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from repcheck.pose.angles import angle_at, joint_angle, tilt_from_vertical
from repcheck.pose.landmarks import landmark_index
from repcheck.pose.signal import (
    clean_series,
    fill_gaps,
    finite_runs,
    lowpass,
    repair_swaps,
)

# Fixtures live in a uniquely named module, not a conftest.py (see its docstring).
pytest_plugins = ["pose_fixtures"]


def test_finite_runs():
    assert finite_runs(np.array([1, 1, 0, 1, 0, 0, 1], bool)) == [(0, 2), (3, 4), (6, 7)]
    assert finite_runs(np.zeros(3, bool)) == []


def test_short_gaps_are_filled_long_gaps_and_ends_are_not():
    t = np.arange(20) / 30.0
    x = np.arange(20, dtype=float)
    x[3:5] = np.nan  # 2 frames: filled
    x[8:18] = np.nan  # 10 frames = 0.33 s: kept
    x[0] = np.nan  # leading: never extrapolated
    out = fill_gaps(t, x, 0.25)
    assert out[3:5].tolist() == pytest.approx([3.0, 4.0])
    assert np.isnan(out[8:18]).all() and np.isnan(out[0])


def test_zero_phase_filter_removes_jitter_without_moving_the_bottom():
    t = np.arange(0, 4, 1 / 30)
    clean = -np.cos(2 * np.pi * 0.5 * t)  # bottom (max) at t = 1 s and 3 s
    noisy = clean + np.random.default_rng(1).normal(0, 0.08, len(t))
    out = lowpass(t, noisy, 6.0)
    rms = lambda e: float(np.sqrt(np.mean(e ** 2)))  # noqa: E731
    assert rms(out - clean) < 0.7 * rms(noisy - clean)
    peak = t[np.argmax(out[:60])]
    assert peak == pytest.approx(1.0, abs=2 / 30)  # a causal filter would lag here


def test_filter_leaves_nan_stretches_alone():
    t = np.arange(60) / 30
    x = np.sin(t)
    x[20:30] = np.nan
    out = lowpass(t, x, 6.0)
    assert np.isnan(out[20:30]).all() and np.isfinite(out[:20]).all()


def test_left_right_swap_is_repaired(squat_side):
    xyz, vis = squat_side.xyz.copy(), squat_side.visibility.copy()
    # Spread the legs apart so a swap is visible, then swap frames 40-42.
    left = [landmark_index(n) for n in ("left_hip", "left_knee", "left_ankle", "left_heel",
                                        "left_foot_index")]
    right = [landmark_index(n.replace("left", "right")) for n in
             ("left_hip", "left_knee", "left_ankle", "left_heel", "left_foot_index")]
    xyz[:, left, 0] -= 60
    xyz[:, right, 0] += 60
    swapped = xyz.copy()
    swapped[40:43, left + right] = xyz[40:43, right + left]
    fixed, _ = repair_swaps(swapped, vis)
    np.testing.assert_allclose(fixed[:, left + right], xyz[:, left + right])


def test_world_landmarks_follow_the_image_swap_repair(squat_side):
    """Frames whose image labels are swapped back get their world labels swapped too, so
    3D measures (view yaw, camera height) see the same left and right as 2D ones."""
    from repcheck.pose.signal import relabel_like

    names = ("hip", "knee", "ankle", "heel", "foot_index")
    left = [landmark_index(f"left_{n}") for n in names]
    right = [landmark_index(f"right_{n}") for n in names]
    xyz = squat_side.xyz.copy()
    xyz[:, left, 0] -= 60
    xyz[:, right, 0] += 60
    world = np.zeros((len(xyz), xyz.shape[1], 3))
    world[:, left, 0], world[:, right, 0] = -0.1, 0.1
    bad, bad_world = xyz.copy(), world.copy()
    bad[40:43, left + right] = xyz[40:43, right + left]  # the model swapped the legs,
    bad_world[40:43, left + right] = world[40:43, right + left]  # in 2D and in 3D
    fixed, _ = repair_swaps(bad, squat_side.visibility)
    np.testing.assert_allclose(fixed[:, left + right], xyz[:, left + right])
    np.testing.assert_allclose(relabel_like(bad, fixed, bad_world), world)
    cleaned = clean_series(squat_side.replace(xyz=bad, world=bad_world))
    np.testing.assert_allclose(cleaned.world[40:43, left, 0], -0.1)


def test_clean_series_keeps_length_and_times(squat_side):
    cleaned = clean_series(squat_side)
    assert len(cleaned) == len(squat_side)
    np.testing.assert_array_equal(cleaned.times, squat_side.times)
    knee = cleaned.xy("right_knee")
    assert np.isfinite(knee).mean() > 0.9


@pytest.mark.parametrize(("a", "b", "c", "deg"), [
    ((0, 0), (1, 0), (2, 0), 180), ((0, 0), (1, 0), (1, 1), 90), ((0, 1), (0, 0), (1, 1), 45),
])
def test_angle_at(a, b, c, deg):
    assert float(angle_at(np.array(a), np.array(b), np.array(c))) == pytest.approx(deg)


@given(st.floats(-3.0, 3.0), st.floats(1.0, 100.0))
def test_tilt_from_vertical_is_the_lean_angle(theta, length):
    top = np.array([length * np.sin(theta), -length * np.cos(theta)])
    assert float(tilt_from_vertical(top, np.zeros(2))) == pytest.approx(
        abs(np.degrees(np.arctan2(np.sin(theta), np.cos(theta)))), abs=1e-6)


def test_knee_angle_on_a_real_squat_bends_and_straightens(squat_side):
    knee = joint_angle(clean_series(squat_side), "knee", "right")
    assert np.nanmax(knee) > 160 and np.nanmin(knee) < 100
