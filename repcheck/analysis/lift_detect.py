"""Which of the four lifts a clip shows (``--lift auto``).

Four body-relative features separate the lifts, measured on the real clips
(``labels.csv``) with all distances in torso lengths:

* ``lean``: 25th percentile of the torso angle from vertical. Lying on a bench reads
  53-95°; standing lifts read below ~45° (a deadlift's lean is brief, so a low
  percentile sees the upright part; a Romanian deadlift still reaches 52°, which the
  wrist rule below separates from a bench).
* ``hip_travel``: 5th-95th percentile range of hip height. Bench and press keep the hips
  still (< 0.2); squats and deadlifts move them (> 0.25).
* ``overhead``: fraction of frames with the wrists above the nose: the press.
* ``wrist_vs_hip``: 90th percentile of how far the wrists are below the hips. A
  deadlift's hands hang below the hips (+0.5..+1.4); a squat's hold the bar at the
  shoulders or reach forward (-1.4..+0.2 on the clips, bodyweight squats included).
* ``end_on``: median shoulder width over torso length as the camera sees it. A torso
  seen end-on (a bench filmed from the feet or the head) is foreshortened to a stub:
  synthetic benches filmed from the feet read 1.95-2.03, while standing lifts stay at or
  below 1.0 on every real clip. Only a bent-over deadlift filmed from the front reaches
  such values (1.67 synthetic), and its hands below the hips rule it out as a bench.
  Without this, a bench filmed from the feet reads an upright torso (lean ~1°) with
  the wrists above the nose, which is a press.

When the hands are never seen with judging visibility (hidden behind the head and bar
in a side-view squat: visibility 0.01-0.12 on the synthetic side squats), the wrist
features fall back to a low-visibility copy of the landmarks (``fallback``): the model's
placement of a hidden hand is still a usable guess at whether it is overhead, at the
shoulders or below the hips, which is all these features ask.

The rules are a small ordered table of :class:`LiftRule` (first match wins) so each
decision is readable and testable; the margin of the deciding feature sets confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.analysis.body import body_scale, mid
from repcheck.pose.angles import torso_lean
from repcheck.pose.landmarks import LandmarkSeries

LIFTS = ("squat", "bench", "deadlift", "press")


@dataclass(frozen=True)
class LiftFeatures:
    lean: float
    hip_travel: float
    overhead: float
    wrist_vs_hip: float
    end_on: float = float("nan")


@dataclass(frozen=True)
class LiftRule:
    lift: str
    feature: str
    op: str  # ">" or "<"
    threshold: float
    scale: float  # margin that counts as certain (confidence 1)
    also: tuple[tuple[str, str, float], ...] = ()  # extra conditions (feature, op, value)


LIFT_RULES: tuple[LiftRule, ...] = (
    LiftRule("bench", "lean", ">", 50.0, 20.0,
             (("hip_travel", "<", 0.35), ("wrist_vs_hip", "<", 0.35))),
    LiftRule("bench", "end_on", ">", 1.3, 0.5,
             (("hip_travel", "<", 0.35), ("wrist_vs_hip", "<", 0.35))),
    LiftRule("press", "overhead", ">", 0.15, 0.3, (("hip_travel", "<", 0.35),)),
    LiftRule("deadlift", "wrist_vs_hip", ">", 0.35, 0.5),
    LiftRule("squat", "wrist_vs_hip", "<", 0.35, 0.5),
)


@dataclass(frozen=True)
class LiftEstimate:
    lift: str | None  # None: no lift recognised
    confidence: float
    features: LiftFeatures
    forced: bool = False


def lift_features(series: LandmarkSeries,
                  fallback: LandmarkSeries | None = None) -> LiftFeatures:
    """Features of a cleaned series; ``fallback`` (the same landmarks cleaned with a low
    visibility floor) stands in for the wrists when they were never seen."""
    scale = body_scale(series)
    hip = mid(series, "hip")[:, 1]
    overhead, wrist_vs_hip = wrist_features(series, scale)
    if fallback is not None and not (np.isfinite(overhead) and np.isfinite(wrist_vs_hip)):
        overhead, wrist_vs_hip = wrist_features(fallback, scale)
    width = np.linalg.norm(series.xy("left_shoulder") - series.xy("right_shoulder"), axis=1)
    return LiftFeatures(
        lean=_percentile(torso_lean(series, "both"), 25),
        hip_travel=_spread(hip) / scale,
        overhead=overhead,
        wrist_vs_hip=wrist_vs_hip,
        end_on=_nanmedian(width) / scale,
    )


def wrist_features(series: LandmarkSeries, scale: float) -> tuple[float, float]:
    """(share of frames with the wrists above the nose, 90th percentile of wrist height
    below the hips in torso lengths)."""
    hip = mid(series, "hip")[:, 1]
    wrist = mid(series, "wrist")[:, 1]
    nose = series.xy("nose")[:, 1]
    with np.errstate(invalid="ignore"):
        over = wrist < nose
    known = np.isfinite(wrist) & np.isfinite(nose)
    overhead = float(over[known].mean()) if known.any() else float("nan")
    return overhead, _percentile((wrist - hip) / scale, 90)


def detect_lift(series: LandmarkSeries, fallback: LandmarkSeries | None = None) -> LiftEstimate:
    feats = lift_features(series, fallback)
    for rule in LIFT_RULES:
        value = getattr(feats, rule.feature)
        if _holds(value, rule.op, rule.threshold) and all(
            _holds(getattr(feats, f), op, v) for f, op, v in rule.also
        ):
            margin = abs(value - rule.threshold) / rule.scale
            return LiftEstimate(rule.lift, float(np.clip(0.5 + margin / 2, 0.0, 1.0)), feats)
    return LiftEstimate(None, 0.0, feats)


def _holds(value: float, op: str, threshold: float) -> bool:
    if not np.isfinite(value):
        return False
    return value > threshold if op == ">" else value < threshold


def _nanmedian(x: np.ndarray) -> float:
    x = np.asarray(x, float)
    return float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan")


def _percentile(x: np.ndarray, q: float) -> float:
    x = np.asarray(x, float)
    return float(np.nanpercentile(x, q)) if np.isfinite(x).any() else float("nan")


def _spread(x: np.ndarray) -> float:
    x = np.asarray(x, float)
    if np.isfinite(x).sum() < 2:
        return float("nan")
    lo, hi = np.nanpercentile(x, [5, 95])
    return float(hi - lo)
