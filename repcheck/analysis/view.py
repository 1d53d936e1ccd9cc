"""Camera view: side, front or oblique, and which side of the lifter faces the camera.

Two cues, each chosen for the boundary it separates best (measured on the labelled real
clips in ``labels.csv`` and on synthetic clips with known camera azimuth: `repcheck
synth` seeds 1-5, 201-212, the accuracy benchmark's clips, and a grid of 4 lifts x 7
camera positions with lifter heights 1.55-1.95 m and camera heights 0.6-1.8 m, seeds
5000-5361 and 5500-5515; held out: seeds 301-312, 7000-7361 and 7500-7515):

* **Front or not**: the yaw of the lifter's shoulder and hip lines against the image
  plane, from BlazePose's world landmarks (metres, camera-aligned axes): 0° = square to
  the camera, 90° = edge on. Front views measured 2-9° (synthetic 2-9°, real 4-9°; a
  bench filmed from the head end 11-15°); every oblique, including the ones filmed
  from the head or feet of a bench, 17° or more (synthetic obliques 39-71°). A line drawn
  at :data:`FRONT_MAX_YAW_DEG` = 15°. It does not depend on the torso's image length,
  which a bench filmed from the feet foreshortens. The nearest miss: a squat filmed from
  the side at 1.2-1.8 m has the plates hide the torso, and BlazePose turns the shoulders
  and hips towards the camera (19-36°). Without world landmarks (old saved files) the
  shoulder width / torso length ratio decides instead (front > 0.60: real front views
  read 0.63-1.01).
* **Side or oblique**: how far the lifter's left and right joints spread across the
  image, as a share of the torso length: the median over the hip, knee, ankle and heel
  pairs of each pair's median *horizontal* separation (:func:`lower_body_spread`).
  Hips, knees and feet turn with the lifter, so each pair spreads in proportion to the
  turn away from the side view; the median over four pairs outvotes one misplaced pair.
  Measured: side views 0.02-0.13 when read cleanly (real 0.01-0.12), up to 0.16 when a
  plate hides the torso of a squat filmed from 1.2-1.8 m (the hips alone read 0.24-0.39
  there, an oblique); obliques 0.18-0.63 (real 0.16-1.34), except benches filmed 30° off
  the head end (0.11-0.27: BlazePose reads those hips nearly edge on, 0.11). Horizontal
  only, because a camera above the hips lifts the far joint of each pair up the image
  even in a pure side view: the 2D distance read 0.18 on a side-view deadlift filmed
  from 1.45 m (an oblique by the old hip rule), the horizontal one 0.11. A line drawn at
  :data:`SIDE_MAX_SPREAD` = 0.165. Before this cue the hip width alone decided (< 0.18,
  2D distance); it still does when no lower-body pair was seen.

Right view before -> after: 69/79 -> 75/79 tuning clips; held out (72 clips, looked at
only after the lines were drawn) 61/72 -> 67/72; the real clips unchanged (35/39 named
in the coarse label). What is still missed is BlazePose misreading the body, not the
rule: benches filmed end-on from 0.6-1.5 m read turned (yaw 36-62°: oblique), benches
30° off the head end from 0.6-1.5 m read edge on (side), and where a plate hides the
torso from a high side camera the knees can go wrong with the hips (a squat from 1.2 m,
spread 0.21) or every pair reads turned (a bench from 1.8 m, 0.22).

The near side is the one with the higher landmark visibility; when both are equally
visible (front views) BlazePose's relative depth ``z`` (smaller = nearer) decides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from repcheck.analysis.body import body_scale
from repcheck.pose.landmarks import LandmarkSeries, landmark_index

VIEWS = ("side", "front", "oblique")
#: Hip width / torso length below this: side view (see the module docstring).
SIDE_MAX_HIP_RATIO = 0.18
#: Fallbacks on the shoulder width / torso length ratio when a cue is missing.
SIDE_MAX_RATIO = 0.27
FRONT_MIN_RATIO = 0.60
#: Shoulder/hip line yaw (world landmarks) below this: front view.
FRONT_MAX_YAW_DEG = 15.0
#: Lower-body spread (median horizontal left/right separation / torso) below this: side.
SIDE_MAX_SPREAD = 0.165
#: Pairs whose spread is measured, and frames a pair needs to count.
SPREAD_PARTS = ("hip", "knee", "ankle", "heel")
MIN_PAIR_FRAMES = 10
_NEAR_PARTS = ("shoulder", "hip", "knee", "ankle")


@dataclass(frozen=True)
class ViewEstimate:
    view: str  # "side" | "front" | "oblique"
    facing: str  # "left" | "right": the lifter's side nearer the camera
    width_ratio: float  # shoulder width / torso length, median over frames
    confidence: float  # 0..1, how far the deciding cue sits from the class boundary
    forced: bool = False  # True when the user chose the view
    hip_ratio: float = float("nan")  # hip width / torso length, median over frames
    yaw_deg: float = float("nan")  # shoulder/hip line yaw from world landmarks
    spread: float = float("nan")  # lower-body horizontal spread / torso length


def width_ratio(series: LandmarkSeries, part: str, scale: float) -> float:
    """Median image width between the left and right ``part`` over the torso length."""
    width = np.linalg.norm(series.xy(f"left_{part}") - series.xy(f"right_{part}"), axis=1)
    return float(np.nanmedian(width) / scale) if np.isfinite(width).any() else float("nan")


def body_yaw_deg(series: LandmarkSeries) -> float:
    """Median angle of the shoulder and hip lines out of the image plane (world
    landmarks), averaged over the two lines; NaN without world landmarks."""
    if series.world is None:
        return float("nan")
    found = series.detected
    yaws = []
    for part in ("shoulder", "hip"):
        d = (series.world[found, landmark_index(f"left_{part}")]
             - series.world[found, landmark_index(f"right_{part}")])
        yaw = np.degrees(np.arctan2(np.abs(d[:, 2]), np.abs(d[:, 0])))
        if np.isfinite(yaw).any():
            yaws.append(float(np.nanmedian(yaw)))
    return float(np.mean(yaws)) if yaws else float("nan")


def lower_body_spread(series: LandmarkSeries, scale: float) -> float:
    """Median over :data:`SPREAD_PARTS` of each left/right pair's median horizontal
    separation in torso lengths (pairs seen in fewer than MIN_PAIR_FRAMES frames are
    left out); NaN when no pair was seen."""
    spreads = []
    for part in SPREAD_PARTS:
        dx = np.abs(series.xy(f"left_{part}")[:, 0] - series.xy(f"right_{part}")[:, 0])
        if np.isfinite(dx).sum() >= MIN_PAIR_FRAMES:
            spreads.append(float(np.nanmedian(dx)) / scale)
    return float(np.median(spreads)) if spreads else float("nan")


def detect_view(series: LandmarkSeries) -> ViewEstimate:
    scale = body_scale(series)
    shoulders = width_ratio(series, "shoulder", scale)
    hips = width_ratio(series, "hip", scale)
    yaw = body_yaw_deg(series)
    spread = lower_body_spread(series, scale)
    facing = detect_facing(series)
    view, margin = classify_view(shoulders, hips, yaw, spread=spread)
    return ViewEstimate(view, facing, shoulders, float(np.clip(0.5 + margin, 0.0, 1.0)),
                        hip_ratio=hips, yaw_deg=yaw, spread=spread)


def classify_view(shoulders: float, hips: float, yaw: float, *,
                  spread: float = float("nan")) -> tuple[str, float]:
    """(view, margin) where margin is the deciding cue's distance from its boundary,
    scaled so 0.5 is a comfortable margin. Missing cues (NaN) fall back as the module
    docstring says."""
    if np.isfinite(yaw) and yaw < FRONT_MAX_YAW_DEG:
        return "front", (FRONT_MAX_YAW_DEG - yaw) / 20.0
    if not np.isfinite(yaw) and shoulders > FRONT_MIN_RATIO:
        return "front", (shoulders - FRONT_MIN_RATIO) / 0.4
    if np.isfinite(spread):
        return _side_or_oblique(spread, SIDE_MAX_SPREAD, 0.15)
    if np.isfinite(hips):
        return _side_or_oblique(hips, SIDE_MAX_HIP_RATIO, 0.15)
    if shoulders < SIDE_MAX_RATIO:
        return "side", (SIDE_MAX_RATIO - shoulders) / 0.4
    if np.isfinite(shoulders):
        return "oblique", min(shoulders - SIDE_MAX_RATIO, FRONT_MIN_RATIO - shoulders) / 0.4
    return "oblique", -0.5


def _side_or_oblique(value: float, boundary: float, scale: float) -> tuple[str, float]:
    if value < boundary:
        return "side", (boundary - value) / scale
    return "oblique", min(value - boundary, scale) / scale


def detect_facing(series: LandmarkSeries) -> str:
    left = [landmark_index(f"left_{p}") for p in _NEAR_PARTS]
    right = [landmark_index(f"right_{p}") for p in _NEAR_PARTS]
    found = series.detected
    if not found.any():
        return "left"
    vis_l = float(np.mean(series.visibility[found][:, left]))
    vis_r = float(np.mean(series.visibility[found][:, right]))
    if abs(vis_l - vis_r) > 0.03:
        return "left" if vis_l > vis_r else "right"
    z_l = np.nanmedian(series.xyz[found][:, left, 2])
    z_r = np.nanmedian(series.xyz[found][:, right, 2])
    return "left" if z_l <= z_r else "right"


def forced_view(estimate: ViewEstimate, view: str) -> ViewEstimate:
    """The user's ``--view`` choice, keeping the detected facing side."""
    return replace(estimate, view=view, confidence=1.0, forced=True)
