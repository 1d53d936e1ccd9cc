"""Rep segmentation from the lift's primary motion.

The primary motion is the height of one body point (hips for the squat, hands for the
others), in torso lengths, after the landmark clean-up in :mod:`repcheck.pose.signal`.
A rep is an *excursion* away from the rest position and back:

* squat and bench rest at the top and dip down; the deadlift and press rest at the bottom
  and rise. A clip that starts clearly at the other extreme (a Romanian deadlift from
  standing) flips the direction, so the rest position is read from the clip itself.
* Excursions are found by *prominence* (:mod:`repcheck.analysis.peaks`): how far the
  signal must fall on both sides before rising higher. Prominence is hysteresis in one
  number. A wobble at the bottom, a sticking point or jitter 3-6 frames apart (the
  double-counts DESIGN.md reports for a peer tool) has a tiny prominence and is ignored,
  while baseline drift from a moving camera does not shift it.
* Between two reps the motion must come back at least :data:`RETURN_FRACTION` of the
  way to rest; otherwise the two extremes belong to one rep (a long pause).
* A rep must exceed an absolute minimum amplitude (walkouts, unracking and the dip to get
  under the bar stay below it), at least :data:`RELATIVE_MIN` of the biggest rep in the
  clip, and last between ``min_rep_s`` and ``max_rep_s``.
* Reps are never joined across a camera cut (:func:`repcheck.analysis.body.find_cuts`) or
  a stretch where the point was not seen; each piece is segmented on its own.

For each rep the start and end are where the motion is 10 % of the way from its bases,
the turnaround is the extreme, and the pause is the time spent within 3 % of the extreme.
Moving down under the bar is the eccentric phase for all four lifts, so a dip's first
half is eccentric and a rise's first half is concentric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from repcheck.analysis.body import body_scale, find_cuts, mid, segments_between_cuts, valid_runs
from repcheck.analysis.peaks import find_peaks
from repcheck.pose.landmarks import LandmarkSeries

RELATIVE_MIN = 0.5  # a rep is at least half as big as the biggest in the clip
RETURN_FRACTION = 0.5  # between two reps the motion returns at least half way
PARTIAL_BELOW = 0.75  # smaller than this share of the median rep: flagged "partial"
EDGE_FRACTION = 0.10  # start/end: 10 % of the way from base to extreme
PAUSE_FRACTION = 0.03  # pause: within 3 % of the extreme (filtered noise is ~0.5 %)


@dataclass(frozen=True)
class MotionSpec:
    lift: str
    points: tuple[str, ...]  # candidate mid-points, first one seen in most frames wins
    rest: str  # "top" or "bottom": where a rep starts and ends by default
    min_amplitude: float  # torso lengths
    min_rep_s: float = 0.5
    max_rep_s: float = 15.0
    source: str = ""


MOTIONS: dict[str, MotionSpec] = {m.lift: m for m in (
    MotionSpec("squat", ("hip",), "top", 0.30,
               source="hip drop: half squat measured 0.8 torso, unrack dip < 0.15"),
    MotionSpec("bench", ("wrist", "elbow"), "top", 0.25,
               source="bar travel about one upper-arm length (~0.6 torso)"),
    MotionSpec("deadlift", ("wrist", "shoulder"), "bottom", 0.30,
               source="bar travel knee-to-hip and beyond (> 0.8 torso)"),
    MotionSpec("press", ("wrist", "elbow"), "bottom", 0.35,
               source="bar travel shoulder to overhead (~1 torso)"),
)}


@dataclass(frozen=True)
class Rep:
    number: int  # 1-based
    start_s: float
    turnaround_s: float
    end_s: float
    eccentric_s: float
    pause_s: float
    concentric_s: float
    amplitude: float  # torso lengths
    amplitude_px: float
    concentric_speed_px_s: float  # mean speed of the tracked point while lifting
    partial: bool
    complete: bool  # the motion came back to rest inside the clip (False: clip ends first)
    start_i: int
    turn_i: int
    end_i: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class Excursion(NamedTuple):
    """One candidate rep, as sample indices into the excursion signal."""

    peak: int
    left: int  # left base
    right: int  # right base
    prominence: float  # torso lengths
    complete: bool  # the signal came back down to the right base inside the clip


@dataclass(frozen=True)
class Segmentation:
    reps: tuple[Rep, ...]
    point: str  # which body point was tracked
    rest: str  # "top" or "bottom"
    cuts_s: tuple[float, ...]  # times of detected camera cuts
    scale_px: float  # torso length used as the unit


def primary_height(series: LandmarkSeries, spec: MotionSpec) -> tuple[str, np.ndarray]:
    """The tracked point and its height (up = positive) in pixels."""
    best, best_share = spec.points[0], -1.0
    for point in spec.points:
        share = float(np.isfinite(mid(series, point)[:, 1]).mean())
        if share >= 0.8:
            best = point
            break
        if share > best_share:
            best, best_share = point, share
    return best, -mid(series, best)[:, 1]


def choose_rest(height: np.ndarray, default: str) -> str:
    """Where reps start: the lift's default unless the clip clearly starts elsewhere."""
    ok = height[np.isfinite(height)]
    if len(ok) < 10:
        return default
    lo, hi = np.percentile(ok, [5, 95])
    if hi - lo <= 0:
        return default
    start = (np.median(ok[: max(3, len(ok) // 10)]) - lo) / (hi - lo)
    if default == "top" and start < 0.2:
        return "bottom"
    if default == "bottom" and start > 0.8:
        return "top"
    return default


def segment_reps(series: LandmarkSeries, lift: str) -> Segmentation:
    spec = MOTIONS[lift]
    scale = body_scale(series)
    point, height = primary_height(series, spec)
    cuts = find_cuts(series)
    if not np.isfinite(scale) or scale <= 0:
        return Segmentation((), point, spec.rest, (), scale)
    rest = choose_rest(height, spec.rest)
    excursion = (-height if rest == "top" else height) / scale
    fs = 1.0 / float(np.median(np.diff(series.times))) if len(series) > 1 else 30.0
    candidates = find_excursions(excursion, series.times, cuts, spec, fs, rest)
    reps = build_reps(candidates, excursion, height, series.times, rest, scale)
    return Segmentation(reps, point, rest, tuple(float(series.times[c]) for c in cuts), scale)


def find_excursions(excursion, times, cuts, spec: MotionSpec, fs: float,
                    rest: str) -> list[Excursion]:
    """Every accepted excursion, in time order."""
    found: list[Excursion] = []
    min_len = max(5, int(spec.min_rep_s * fs))
    for a, b in segments_between_cuts(len(excursion), cuts):
        for ra, rb in valid_runs(excursion[a:b], min_len):
            lo, hi = a + ra, a + rb
            piece = excursion[lo:hi]
            if rest == "bottom":
                # A pull or press is complete at lockout: a clip that ends there still
                # holds a rep, so let the signal "return" to its base after the end.
                piece = np.concatenate([piece, np.full(min_len, np.min(piece))])
            peaks = find_peaks(piece, prominence=spec.min_amplitude,
                               distance=max(1, int(spec.min_rep_s * fs)))
            last = hi - lo - 1
            for p, prom, lb, rb_ in zip(peaks.index, peaks.prominence, peaks.left_base,
                                        peaks.right_base, strict=True):
                if p > last:
                    continue
                found.append(Excursion(lo + int(p), lo + int(lb), lo + int(min(rb_, last)),
                                       float(prom), bool(rb_ <= last)))
    found = merge_unreturned(sorted(found), excursion)
    if not found:
        return []
    biggest = max(f.prominence for f in found)
    kept = [f for f in found if f.prominence >= RELATIVE_MIN * biggest]
    return [f for f in kept if spec.min_rep_s <= _span_s(f, excursion, times) <= spec.max_rep_s]


def merge_unreturned(found: list[Excursion], excursion) -> list[Excursion]:
    """Join neighbouring peaks the signal never came back halfway between.

    Prominence alone treats two equally high bumps (the two ends of a long pause at the
    bottom, say) as two reps; requiring a return of :data:`RETURN_FRACTION` of the
    excursion between reps is the explicit hysteresis.
    """
    merged: list[Excursion] = []
    for cur in found:
        if merged:
            prev = merged[-1]
            lo = float(np.min(excursion[prev.peak:cur.peak + 1]))
            top = max(excursion[prev.peak], excursion[cur.peak])
            if top - lo < RETURN_FRACTION * min(prev.prominence, cur.prominence):
                keep = prev.peak if excursion[prev.peak] >= excursion[cur.peak] else cur.peak
                merged[-1] = Excursion(keep, prev.left, cur.right,
                                       max(prev.prominence, cur.prominence), cur.complete)
                continue
        merged.append(cur)
    return merged


def _span_s(exc: Excursion, excursion, times) -> float:
    start, end = rep_edges(excursion, exc.peak, exc.left, exc.right)
    return float(times[max(end, exc.peak)] - times[start])


def rep_edges(excursion, peak: int, left: int, right: int) -> tuple[int, int]:
    """Start and end: last/first index within EDGE_FRACTION of each base."""
    lvl_l = excursion[left] + EDGE_FRACTION * (excursion[peak] - excursion[left])
    lvl_r = excursion[right] + EDGE_FRACTION * (excursion[peak] - excursion[right])
    seg_l = excursion[left:peak + 1]
    below_l = np.flatnonzero(seg_l <= lvl_l)
    start = left + int(below_l[-1]) if len(below_l) else left
    seg_r = excursion[peak:right + 1]
    below_r = np.flatnonzero(seg_r <= lvl_r)
    end = peak + int(below_r[0]) if len(below_r) else right
    return start, end


def pause_bounds(excursion, peak: int, start: int, end: int) -> tuple[int, int]:
    amp = excursion[peak] - min(excursion[start], excursion[end])
    level = excursion[peak] - PAUSE_FRACTION * amp
    a = peak
    while a > start and excursion[a - 1] >= level:
        a -= 1
    b = peak
    while b < end and excursion[b + 1] >= level:
        b += 1
    return a, b


def build_reps(candidates: list[Excursion], excursion, height, times, rest: str,
               scale: float) -> tuple[Rep, ...]:
    reps = []
    amps = [c.prominence for c in candidates]
    typical = float(np.median(amps)) if amps else 0.0
    for number, (peak, left, right, prom, complete) in enumerate(candidates, start=1):
        start, end = rep_edges(excursion, peak, left, right)
        p0, p1 = pause_bounds(excursion, peak, start, end)
        first, second = times[p0] - times[start], times[end] - times[p1]
        # Dips (rest at the top) go down first: eccentric then concentric.
        ecc, con = (first, second) if rest == "top" else (second, first)
        up = (p1, end) if rest == "top" else (start, p0)
        rise = abs(height[up[1]] - height[up[0]])
        con_speed = rise / max(times[up[1]] - times[up[0]], 1e-6)
        reps.append(Rep(number, float(times[start]), float(times[peak]), float(times[end]),
                        float(ecc), float(times[p1] - times[p0]), float(con), prom,
                        prom * scale, float(con_speed), prom < PARTIAL_BELOW * typical,
                        complete, int(start), int(peak), int(end)))
    return tuple(reps)
