"""Bench press checks: pause on the chest, touch point, lockout and an uneven press.

**Pause** (IPF: bar motionless on the chest) is the longest spell in the lowest quarter of
the rep over which the hands, the bar's proxy, stay within :data:`PAUSE_STILL_PCT` of torso
length. Only judged from an oblique view.
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.body import mid
from repcheck.analysis.checks.base import (
    MIN_CONFIDENCE_TO_FAULT,
    PLAUSIBLE_PCT,
    CheckDef,
    Measure,
    Measurement,
    Unjudged,
    best_side,
    measure_elbow_lockout,
    turn_window,
    visibility,
)
from repcheck.analysis.findings import Verdict

#: Bench pause: the bar counts as still while the hands (and, failing them, the elbows)
#: stay within this share of torso length (~1 cm). Filtered landmark noise on paused
#: synthetic reps is 0.1-0.5 %; a touch-and-go turnaround still spends 0.1-0.3 s inside 2 %.
PAUSE_STILL_PCT = 2.0
#: Shortest still spell on the chest counted as a meet-style pause (see bench.pause source).
PAUSE_STILL_MIN_S = 0.25
#: A still spell this far from PAUSE_STILL_MIN_S (either way) is called with full confidence.
PAUSE_CONFIDENT_MARGIN_S = 0.15
#: Only the lowest part of a rep (this share of its travel from the bottom) is searched.
PAUSE_BOTTOM_FRACTION = 0.25


def longest_still_s(y: np.ndarray, t: np.ndarray, tol: float) -> float:
    """Longest time span over which the finite values of ``y`` stay within a band of
    width ``tol`` (a NaN ends a span)."""
    best = 0.0
    for i in range(len(y)):
        if not np.isfinite(y[i]):
            continue
        lo = hi = y[i]
        j = i
        while j + 1 < len(y) and np.isfinite(y[j + 1]) and \
                max(hi, y[j + 1]) - min(lo, y[j + 1]) <= tol:
            j += 1
            lo, hi = min(lo, y[j]), max(hi, y[j])
        best = max(best, float(t[j] - t[i]))
    return best


def measure_bench_pause(ctx, rep):
    """How long the bar stayed still at the bottom: the longest spell in the lowest
    quarter of the rep over which the hands (the bar's proxy), or the elbows when the
    hands are mostly hidden there, moved less than PAUSE_STILL_PCT of torso length."""
    if ctx.seg.rest != "top":
        return Unjudged("the clip starts with the bar low, so the chest touch is not "
                        "where the reps turn around")
    s = ctx.motion_series
    w = slice(rep.start_i, rep.end_i + 1)
    t = s.times[w]
    hand = mid(s, "wrist")[w, 1] / ctx.seg.scale_px * 100
    if np.isfinite(hand).sum() < 4:
        return None
    low, high = np.nanmax(hand), np.nanmin(hand)
    bottom = hand >= low - PAUSE_BOTTOM_FRACTION * (low - high)
    spells = {part: longest_still_s(np.where(bottom, y, np.nan), t, PAUSE_STILL_PCT)
              for part, y in (("wrist", hand),
                              ("elbow", mid(s, "elbow")[w, 1] / ctx.seg.scale_px * 100))}
    # The hands decide; the elbows only when the hands are mostly hidden at the chest
    # (on synthetic obliques the elbows read no better, and one touch-and-go rep 0.33 s).
    seen = np.isfinite(hand[bottom]).mean() if bottom.any() else 0.0
    value = spells["wrist"] if seen >= 0.5 else spells["elbow"]
    # Paused and touch-and-go readings overlap near the threshold (see the source), so the
    # confidence falls to 0 there, and a reading too close to call either way (within
    # ~0.07 s) is "can't judge", with the measurement, rather than a pass or a fault.
    confidence = 0.9 * min(1.0, abs(value - PAUSE_STILL_MIN_S) / PAUSE_CONFIDENT_MARGIN_S)
    if confidence < MIN_CONFIDENCE_TO_FAULT:
        return Unjudged(f"the bar was still for {value:.2f} s, too close to "
                        f"{PAUSE_STILL_MIN_S:g} s to tell a pause from touch-and-go")
    extra = {"timed_pause_s": round(rep.pause_s, 2),
             **{f"{k}_still_s": round(v, 2) for k, v in spells.items()}}
    return Measurement(value, confidence, extra)


def measure_touch_point(ctx, rep):
    if ctx.seg.rest != "top":
        return Unjudged("the chest touch is not where the reps turn around")
    w = turn_window(rep)
    side = best_side(ctx, ("shoulder", "hip", "wrist"), w)
    if side is None:
        return None
    s = ctx.series
    sh, hp, wr = (np.nanmedian(s.xy(f"{side}_{p}")[w], axis=0)
                  for p in ("shoulder", "hip", "wrist"))
    axis = hp - sh
    along = float(np.dot(wr - sh, axis) / np.dot(axis, axis)) * 100
    if not np.isfinite(along):
        return None
    return Measurement(along, visibility(ctx, side, ("shoulder", "hip", "wrist"), w))


def measure_uneven(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    s = ctx.series
    # Each hand's path as a fraction of its own travel: a slanted view scales the nearer
    # hand's motion up (perspective) and a tilted camera offsets it, neither of which is
    # unevenness; one hand getting there later is.
    progress = []
    for side in ("left", "right"):
        y = s.xy(f"{side}_wrist")[w, 1]
        lo, hi = np.nanmin(y), np.nanmax(y)
        if not np.isfinite(lo + hi) or hi - lo <= 0:
            return None
        progress.append((y - lo) / (hi - lo))
    change = np.abs(progress[0] - progress[1])
    if not np.isfinite(change).any():
        return None
    if np.nanpercentile(change, 95) * 100 > PLAUSIBLE_PCT:
        return Unjudged("the wrist landmarks jump too much to trust")
    vis = min(visibility(ctx, "left", ("wrist",), w), visibility(ctx, "right", ("wrist",), w))
    return Measurement(100 * float(np.nanpercentile(change, 95)), vis)


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("bench.pause", "bench", "Pause on chest", ("oblique",),
             PAUSE_STILL_MIN_S, "s", ">=", Verdict.WARN,
             "Rep {rep}: paused on the chest, bar still for {value:.2f} s (meet-style)",
             "Rep {rep}: touch-and-go, the bar was still on the chest for only {value:.2f} s: "
             "fine in training, but a meet needs the bar motionless before the press",
             "IPF Technical Rules: bar held motionless on the chest before the press. "
             "'Still' = hands within 2 % of torso length (~1 cm). Measured on synthetic "
             "oblique benches, 3 reps each: seeds 1-4, 1.0 s paused reps read 0.30-1.20 s "
             "still and touch-and-go 0.07-0.20 s, so 0.25 s; seeds 5-11 then read "
             "0.20-1.20 s and 0.10-0.23 s, so the confidence falls to 0 near 0.25 s and "
             "readings within ~0.07 s of it are 'can't judge'. From the side the "
             "hands at the chest jump (paused 0.07-0.83 s, touch-and-go 0.03-0.30 s), so "
             "not judged there, nor from the front, where the bar moves towards the camera"),
    CheckDef("bench.touch_point", "bench", "Touch point", ("side",), 0.0, "% torso", "info",
             Verdict.INFO, "Rep {rep}: bar touched {value:.0f}% of the way from shoulders "
             "to hips", "", "measurement only: lower chest is typical (about 25-45 %)"),
    CheckDef("bench.lockout", "bench", "Lockout", ("side",), 150.0, "°", ">=",
             Verdict.FAIL, "Rep {rep}: arms locked ({value:.0f}°)",
             "Rep {rep}: elbows not locked ({value:.0f}°): press to straight arms",
             "IPF: arms locked at the finish. Locked arms on clean synthetic side-view "
             "benches read 161.6-178.6° (13 reps) and a 20° soft lockout read 175.9°, so "
             "the model cannot tell a slight bend; 150° calls only a clearly bent finish"),
    CheckDef("bench.uneven", "bench", "Uneven press", ("front",), 20.0,
             "% travel", "<=", Verdict.WARN, "Rep {rep}: both hands moved together",
             "Rep {rep}: one hand lagged the other by {value:.0f}% of its travel: press "
             "evenly", "coaching convention; each hand's path is scaled to its own travel; "
             "20 % exceeds landmark noise (clean front views read 3.7-8.5 %). Not judged "
             "from an oblique view: there the far wrist is hidden or jumps (no valid "
             "reading on 5 synthetic obliques) and a real bench labelled good read 27 %"),
)

MEASURES: dict[str, Measure] = {
    "bench.pause": measure_bench_pause,
    "bench.touch_point": measure_touch_point,
    "bench.lockout": measure_elbow_lockout,
    "bench.uneven": measure_uneven,
}
