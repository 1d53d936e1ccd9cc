"""Camera view: side, front or oblique, and which side of the lifter faces the camera.

Two cues, each chosen for the boundary it separates best (measured on the labelled real
clips in ``labels.csv`` and on synthetic clips with known camera azimuth, `repcheck synth`
seeds 1-5, 201-212 and the accuracy benchmark's clips; held-out check on seeds 301-312):

* **Front or not**: the yaw of the lifter's shoulder and hip lines against the image
  plane, from BlazePose's world landmarks (metres, camera-aligned axes): 0° = square to
  the camera, 90° = edge on. Front views measured 2-9° (synthetic 2-7°, real 4-9°);
  every oblique, including the ones filmed from the head or feet of a bench, 17° or more
  (synthetic obliques 40-58°). A line drawn at :data:`FRONT_MAX_YAW_DEG` = 15°. It does not
  depend on the torso's image length, which a bench filmed from the feet foreshortens.
  Without world landmarks (old saved files) the shoulder width / torso length ratio
  decides instead (front > 0.60: real front views read 0.63-1.01).
* **Side or oblique**: the width of the *hips* seen by the camera divided by the torso
  length. Side views read 0.02-0.15 (real 0.04-0.14, synthetic 0.02-0.15), obliques
  0.20-0.47 (synthetic 60° obliques 0.23-0.36). The hips are used, not the shoulders:
  with a bar on the back the raised arms make BlazePose misplace the far shoulder, and
  synthetic side-view squats read shoulder ratios of 0.34-0.45, inside the oblique range.
  Falls back to the shoulders (< 0.27) when the hips were not seen.

The near side is the one with the higher landmark visibility; when both are equally
visible (front views) BlazePose's relative depth ``z`` (smaller = nearer) decides.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def detect_view(series: LandmarkSeries) -> ViewEstimate:
    scale = body_scale(series)
    shoulders = width_ratio(series, "shoulder", scale)
    hips = width_ratio(series, "hip", scale)
    yaw = body_yaw_deg(series)
    facing = detect_facing(series)
    view, margin = classify_view(shoulders, hips, yaw)
    return ViewEstimate(view, facing, shoulders, float(np.clip(0.5 + margin, 0.0, 1.0)),
                        hip_ratio=hips, yaw_deg=yaw)


def classify_view(shoulders: float, hips: float, yaw: float) -> tuple[str, float]:
    """(view, margin) where margin is the deciding cue's distance from its boundary,
    scaled so 0.5 is a comfortable margin."""
    if np.isfinite(yaw) and yaw < FRONT_MAX_YAW_DEG:
        return "front", (FRONT_MAX_YAW_DEG - yaw) / 20.0
    if not np.isfinite(yaw) and shoulders > FRONT_MIN_RATIO:
        return "front", (shoulders - FRONT_MIN_RATIO) / 0.4
    if np.isfinite(hips):
        if hips < SIDE_MAX_HIP_RATIO:
            return "side", (SIDE_MAX_HIP_RATIO - hips) / 0.15
        return "oblique", min(hips - SIDE_MAX_HIP_RATIO, 0.15) / 0.15
    if shoulders < SIDE_MAX_RATIO:
        return "side", (SIDE_MAX_RATIO - shoulders) / 0.4
    if np.isfinite(shoulders):
        return "oblique", min(shoulders - SIDE_MAX_RATIO, FRONT_MIN_RATIO - shoulders) / 0.4
    return "oblique", -0.5


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
    return ViewEstimate(view, estimate.facing, estimate.width_ratio, 1.0, forced=True,
                        hip_ratio=estimate.hip_ratio, yaw_deg=estimate.yaw_deg)
