"""Body-relative measures: scale, mid-points, and camera cuts.

Everything that compares distances divides by a body length in the same frame-ish
pixels, so thresholds hold whatever the camera distance or resolution. The torso
(mid-shoulder to mid-hip) is the default scale: it is visible in every lift and view
and barely changes length during a rep.

A *camera cut* shows up as the whole skeleton jumping further in one frame than a
lifter can move, or the torso length changing abruptly (zoom, new camera). Reps are
never segmented across a cut.
"""

from __future__ import annotations

import numpy as np

from repcheck.pose.angles import side_point
from repcheck.pose.landmarks import LandmarkSeries
from repcheck.pose.signal import finite_runs, nan_median, torso_length

#: In one frame at 30 fps, the hips of a lifter move a few % of torso length; a jump
#: beyond this fraction (per 1/30 s) is a cut or a different person.
CUT_JUMP = 0.6
#: Relative torso-length change in one frame that marks a cut (zoom, new shot).
CUT_SCALE_CHANGE = 0.35


def mid(series: LandmarkSeries, part: str) -> np.ndarray:
    """(T, 2) mean of the left and right landmark, using whichever side is known."""
    return side_point(series, "both", part)


def body_scale(series: LandmarkSeries) -> float:
    """Median torso length in pixels (NaN when never seen)."""
    t = torso_length(series.xyz)
    return nan_median(t)


def find_cuts(series: LandmarkSeries) -> np.ndarray:
    """Indices ``i`` such that a cut happens between frame ``i-1`` and ``i``."""
    hip = mid(series, "hip")
    torso = torso_length(series.xyz)
    scale = body_scale(series)
    if not np.isfinite(scale) or len(series) < 2:
        return np.array([], dtype=int)
    dt = np.diff(series.times) * 30.0  # jumps measured per 1/30 s
    jump = np.linalg.norm(np.diff(hip, axis=0), axis=1) / scale / np.maximum(dt, 1e-3)
    ratio = np.abs(np.diff(np.log(torso)))
    cut = (jump > CUT_JUMP) | (ratio > np.log1p(CUT_SCALE_CHANGE))
    return np.flatnonzero(np.nan_to_num(cut, nan=0.0).astype(bool)) + 1


def segments_between_cuts(n: int, cuts: np.ndarray) -> list[tuple[int, int]]:
    edges = [0, *sorted(int(c) for c in cuts), n]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def valid_runs(values: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    return [(a, b) for a, b in finite_runs(np.isfinite(values)) if b - a >= min_len]
