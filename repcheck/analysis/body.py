"""Body-relative measures: scale, mid-points, and camera cuts.

Everything that compares distances divides by a body length in the same frame-ish
pixels, so thresholds hold whatever the camera distance or resolution. The torso
(mid-shoulder to mid-hip) is the default scale: it is visible in every lift and view
and barely changes length during a rep.

A *camera cut* shows up as the whole skeleton jumping further in one frame than a
lifter can move, or the torso length changing abruptly (zoom, new camera), and the
picture staying changed: a misread of the pose model that draws the body as before
within :data:`CUT_UNDONE_S` is not a cut. Reps are never segmented across a cut.
"""

from __future__ import annotations

import warnings

import numpy as np

from repcheck.pose.angles import side_point
from repcheck.pose.landmarks import LandmarkSeries, landmark_index
from repcheck.pose.signal import finite_runs, nan_median, torso_length

#: In one frame at 30 fps, the hips of a lifter move a few % of torso length; a jump
#: beyond this fraction (per 1/30 s) is a cut or a different person.
CUT_JUMP = 0.6
#: Relative torso-length change in one frame that marks a cut (zoom, new shot).
CUT_SCALE_CHANGE = 0.35
#: A cut changes the picture for good: if within this time after a jump the body is drawn
#: as before it, the jump was a misread. Misreads of a lying lifter (bench from the feet,
#: head or the plate side) measured 0.1-1 s. On 670 synthetic clips without a cut the
#: one-frame test found "cuts" in 81 (bench 53 of 150), with this in 37 (bench 27).
CUT_UNDONE_S = 2.0
#: Running medians over this long hide one- or two-frame glitches; candidates this close
#: to a kept cut are the same change settling.
CUT_SETTLE_S = 0.3
#: Joints that describe the picture of the body (left and right of each).
STATE_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")


def mid(series: LandmarkSeries, part: str) -> np.ndarray:
    """(T, 2) mean of the left and right landmark, using whichever side is known."""
    return side_point(series, "both", part)


def body_scale(series: LandmarkSeries) -> float:
    """Median torso length in pixels (NaN when never seen)."""
    t = torso_length(series.xyz)
    return nan_median(t)


def find_cuts(series: LandmarkSeries) -> np.ndarray:
    """Indices ``i`` such that a cut happens between frame ``i-1`` and ``i``.

    A frame-to-frame jump of the hips or change of torso length only marks a candidate;
    it is a cut if the picture does not come back (:func:`undone`). On a lying lifter
    seen end-on or with the plate in front of the torso the pose model misreads the
    body for 0.1-1 s around the bottom of each rep and then finds it again, which
    tripped the one-frame test several times a clip (bench front/back/side_right views).
    """
    hip = mid(series, "hip")
    torso = torso_length(series.xyz)
    scale = body_scale(series)
    if not np.isfinite(scale) or len(series) < 2:
        return np.array([], dtype=int)
    dt = np.diff(series.times) * 30.0  # jumps measured per 1/30 s
    jump = np.linalg.norm(np.diff(hip, axis=0), axis=1) / scale / np.maximum(dt, 1e-3)
    ratio = np.abs(np.diff(np.log(torso)))
    cut = (jump > CUT_JUMP) | (ratio > np.log1p(CUT_SCALE_CHANGE))
    candidates = np.flatnonzero(np.nan_to_num(cut, nan=0.0).astype(bool)) + 1
    if len(candidates) == 0:
        return candidates
    joints, size = picture_state(series)
    half = _half_window(series.times)
    unit = nan_median(size)
    kept: list[int] = []
    for k, c in enumerate(candidates):
        if kept and series.times[c] - series.times[kept[-1]] < CUT_SETTLE_S:
            continue  # the same change, still settling
        earlier = [int(e) for e in candidates[:k]
                   if series.times[c] - series.times[e] <= CUT_UNDONE_S]
        if not undone(joints, size, series.times, int(c), earlier, half, unit):
            kept.append(int(c))
    return np.array(kept, dtype=int)


def picture_state(series: LandmarkSeries) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, the :data:`STATE_JOINTS` positions (T, J, 2) and the skeleton size
    (:func:`skeleton_size`), each a running median over :data:`CUT_SETTLE_S`, so a
    one- or two-frame misread does not show."""
    idx = [landmark_index(f"{side}_{part}") for part in STATE_JOINTS
           for side in ("left", "right")]
    joints = series.xyz[:, idx, :2]
    size = skeleton_size(joints)
    half = _half_window(series.times)
    return running_median(joints.astype(float), half), running_median(size, half)


def running_median(x: np.ndarray, half: int) -> np.ndarray:
    """Median over samples ``i - half .. i + half`` along the first axis, ignoring NaN
    (NaN where none was seen); the window is cut short at the ends."""
    pad = np.full((half, *x.shape[1:]), np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, x, pad]),
                                                       2 * half + 1, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a joint never seen in a window
        return np.nanmedian(windows, axis=-1)


def undone(joints: np.ndarray, size: np.ndarray, times: np.ndarray, c: int,
           earlier: list[int], half: int, unit: float) -> bool:
    """Whether a jump at frame ``c`` is a misread of the model rather than a new picture.

    A new camera or a zoom changes the picture for the rest of the shot; a misread, or a
    one-frame glitch, ends with the body drawn where it was. So the jump is undone if
    the body is drawn as just before ``c`` again within :data:`CUT_UNDONE_S` after it,
    or if ``c`` brings back the body as it was drawn just before an ``earlier`` jump
    (the end of a misread that began there). The body is drawn alike when most joints
    are within :data:`CUT_JUMP` ``unit`` of where they were (median over joints) and the
    skeleton has the same size within :data:`CUT_SCALE_CHANGE`. These are whole-body
    measures, not the torso or the hips the jump was found on: the model draws the
    shoulders on the chest, or slides the hips a torso length up the bench, while the
    feet and head stay. The unit is the clip's median skeleton size, 0.7-1.5 torso
    lengths in most views but 4-6 on a bench seen from the feet, whose torso is
    foreshortened to a few pixels.
    """
    n = len(times)
    pre, post = max(c - 1 - half, 0), min(c + half, n - 1)
    later = np.flatnonzero((times <= times[c] + CUT_UNDONE_S) & (np.arange(n) >= post))
    firsts = np.array([pre] * len(later) + [max(e - 1 - half, 0) for e in earlier], dtype=int)
    seconds = np.r_[later, np.full(len(earlier), post)].astype(int)
    return bool(alike(joints, size, firsts, seconds, unit).any())


def alike(joints: np.ndarray, size: np.ndarray, i: np.ndarray, j: np.ndarray,
          unit: float) -> np.ndarray:
    """Per pair of frames ``i[k]``, ``j[k]``: is the body drawn alike (see :func:`undone`)?"""
    if len(i) == 0:
        return np.zeros(0, dtype=bool)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        moved = np.nanmedian(np.linalg.norm(joints[i] - joints[j], axis=-1), axis=1) / unit
        ratio = np.abs(np.log(size[i] / size[j]))
    return (moved <= CUT_JUMP) & (ratio <= np.log1p(CUT_SCALE_CHANGE))


def _half_window(times: np.ndarray) -> int:
    """Samples either side of the running medians' middle (:data:`CUT_SETTLE_S` in all)."""
    return max(1, int(round(CUT_SETTLE_S / 2 / frame_s(times))))


def frame_s(times: np.ndarray) -> float:
    """Seconds per frame (the median step); repeated timestamps: the usual 30 fps."""
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    return dt if dt > 0 else 1 / 30


def skeleton_size(joints: np.ndarray) -> np.ndarray:
    """(T,) median distance between the seen joints of ``joints`` (T, J, 2), in pixels.

    A zoom or a new camera scales every distance in the picture; one misread joint
    moves few of the pairs, so the median stays.
    """
    d = np.linalg.norm(joints[:, :, None, :] - joints[:, None, :, :], axis=-1)
    upper = np.triu_indices(joints.shape[1], k=1)
    pairs = d[:, upper[0], upper[1]]
    out = np.full(len(joints), np.nan)
    seen = np.isfinite(pairs).sum(axis=1) >= 3
    out[seen] = np.nanmedian(pairs[seen], axis=1)
    return out


def segments_between_cuts(n: int, cuts: np.ndarray) -> list[tuple[int, int]]:
    edges = [0, *sorted(int(c) for c in cuts), n]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def valid_runs(values: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    return [(a, b) for a, b in finite_runs(np.isfinite(values)) if b - a >= min_len]
