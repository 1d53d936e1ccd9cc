"""Camera view: side, front or oblique, and which side of the lifter faces the camera.

The width of the shoulders seen by the camera, divided by the torso length, is close to
0 from the side (the two shoulders overlap) and ~0.7-1.0 from the front. The ratio does
not depend on how far away the camera is or whether the lifter stands or lies down.
Thresholds come from the labelled real clips (``labels.csv``): side views measured
0.04-0.25, front views 0.63-1.01, obliques 0.23-0.67.

The near side is the one with the higher landmark visibility; when both are equally
visible (front views) BlazePose's relative depth ``z`` (smaller = nearer) decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.analysis.body import body_scale
from repcheck.pose.landmarks import LandmarkSeries, landmark_index

VIEWS = ("side", "front", "oblique")
SIDE_MAX_RATIO = 0.27
FRONT_MIN_RATIO = 0.60
_NEAR_PARTS = ("shoulder", "hip", "knee", "ankle")


@dataclass(frozen=True)
class ViewEstimate:
    view: str  # "side" | "front" | "oblique"
    facing: str  # "left" | "right": the lifter's side nearer the camera
    width_ratio: float  # shoulder width / torso length, median over frames
    confidence: float  # 0..1, how far the ratio sits from the class boundaries
    forced: bool = False  # True when the user chose the view


def detect_view(series: LandmarkSeries) -> ViewEstimate:
    scale = body_scale(series)
    width = np.linalg.norm(series.xy("left_shoulder") - series.xy("right_shoulder"), axis=1)
    ratio = float(np.nanmedian(width) / scale) if np.isfinite(width).any() else float("nan")
    facing = detect_facing(series)
    if not np.isfinite(ratio):
        return ViewEstimate("oblique", facing, ratio, 0.0)
    if ratio < SIDE_MAX_RATIO:
        view, margin = "side", SIDE_MAX_RATIO - ratio
    elif ratio > FRONT_MIN_RATIO:
        view, margin = "front", ratio - FRONT_MIN_RATIO
    else:
        view = "oblique"
        margin = min(ratio - SIDE_MAX_RATIO, FRONT_MIN_RATIO - ratio)
    return ViewEstimate(view, facing, ratio, float(np.clip(0.5 + margin / 0.2, 0.0, 1.0)))


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
    return ViewEstimate(view, estimate.facing, estimate.width_ratio, 1.0, forced=True)
