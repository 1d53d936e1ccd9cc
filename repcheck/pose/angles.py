"""Joint and segment angles from landmark positions, defined as data.

An :class:`AngleDef` names three landmarks ``a-b-c`` on one side of the body; the angle is
measured at ``b`` in the image plane, 180° when the limb is straight. Names are written
without the side (``"hip"``) and the side is added when evaluated, so the same table serves
whichever side faces the camera. Segment tilt (torso lean) is measured against the image
vertical. Every function works on whole ``(T, 2)`` arrays and passes NaN through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.pose.landmarks import LandmarkSeries


@dataclass(frozen=True)
class AngleDef:
    name: str
    a: str
    b: str  # the vertex
    c: str
    meaning: str


ANGLES: tuple[AngleDef, ...] = (
    AngleDef("knee", "hip", "knee", "ankle", "180° = leg straight"),
    AngleDef("hip", "shoulder", "hip", "knee", "180° = standing tall"),
    AngleDef("elbow", "shoulder", "elbow", "wrist", "180° = arm locked"),
    AngleDef("ankle", "knee", "ankle", "foot_index", "90° ≈ shin vertical"),
    AngleDef("shoulder", "elbow", "shoulder", "hip", "0° = arm by the side, 180° overhead"),
)
ANGLE_BY_NAME = {a.name: a for a in ANGLES}


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees for arrays of points shaped ``(..., 2)``."""
    u = np.asarray(a, float) - b
    v = np.asarray(c, float) - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def tilt_from_vertical(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """Unsigned angle (degrees) between segment bottom->top and straight up in the image."""
    d = np.asarray(top, float) - bottom
    return np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))


def side_point(series: LandmarkSeries, side: str, part: str) -> np.ndarray:
    """(T, 2) position of ``part`` on ``side`` ("left"/"right"), or the mean of both
    sides when ``side`` is "both" or ``part`` has no side (e.g. "nose")."""
    if part == "nose":
        return series.xy(part)
    if side == "both":
        both = np.stack([series.xy(f"left_{part}"), series.xy(f"right_{part}")])
        out = np.full(both.shape[1:], np.nan)
        seen = np.isfinite(both).any(axis=0)
        out[seen] = np.nanmean(both[:, seen], axis=0)
        return out
    return series.xy(f"{side}_{part}")


def joint_angle(series: LandmarkSeries, name: str, side: str) -> np.ndarray:
    """(T,) angle ``name`` (from :data:`ANGLES`) on ``side``."""
    d = ANGLE_BY_NAME[name]
    return angle_at(side_point(series, side, d.a), side_point(series, side, d.b),
                    side_point(series, side, d.c))


def torso_lean(series: LandmarkSeries, side: str) -> np.ndarray:
    """(T,) degrees the hip->shoulder line leans from vertical (0 = upright)."""
    return tilt_from_vertical(side_point(series, side, "shoulder"),
                              side_point(series, side, "hip"))
