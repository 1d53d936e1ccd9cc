"""Pinhole camera: where the phone stands, and how world points land on the image.

The camera sits at ``azimuth`` degrees around the lifter (0 = in front, 90 = at the lifter's
left), at a given height, and looks at the centre of the space the lifter and the bar sweep
through. When no distance is given, the camera backs off until every point of the whole
clip (lifter, bar, plates) fits inside the frame with a margin, like a person framing a set.

Intrinsics are a plain pinhole with square pixels and the principal point at the image
centre; the focal length in pixels comes from the field of view across the long side. The
ground truth stores ``K``, ``R`` and ``t`` (``x_cam = R @ x_world + t``) so any consumer can
re-project the 3D joints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from repcheck.errors import InputError
from repcheck.synth.kinematics import Z, cross, unit
from repcheck.synth.spec import CameraSpec


@dataclass(frozen=True)
class Camera:
    position: np.ndarray
    look_at: np.ndarray
    focal_px: float
    width: int
    height: int

    @cached_property
    def rotation(self) -> np.ndarray:
        """Rows: image right, image down, viewing direction (world to camera)."""
        fwd = unit(self.look_at - self.position)
        right = unit(cross(fwd, Z))
        down = cross(fwd, right)
        return np.stack([right, down, fwd])

    @cached_property
    def translation(self) -> np.ndarray:
        return -self.rotation @ self.position

    @cached_property
    def intrinsics(self) -> np.ndarray:
        return np.array(
            [[self.focal_px, 0.0, self.width / 2], [0.0, self.focal_px, self.height / 2],
             [0.0, 0.0, 1.0]]
        )  # fmt: skip

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points) - self.position) @ self.rotation.T

    @cached_property
    def _center(self) -> np.ndarray:
        return np.array([self.width / 2, self.height / 2])

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) to pixel coordinates (..., 2); points behind are NaN."""
        pc = self.to_camera(points)
        zc = pc[..., 2:3]
        with np.errstate(divide="ignore", invalid="ignore"):
            uv = self.focal_px * pc[..., :2] / zc + self._center
        return np.where(zc > 1e-3, uv, np.nan)

    def depth(self, points: np.ndarray) -> np.ndarray:
        return self.to_camera(points)[..., 2]

    def to_dict(self) -> dict:
        return {
            "position_m": [round(float(v), 4) for v in self.position],
            "look_at_m": [round(float(v), 4) for v in self.look_at],
            "focal_px": round(self.focal_px, 3),
            "K": [[round(float(v), 4) for v in row] for row in self.intrinsics],
            "R": [[round(float(v), 6) for v in row] for row in self.rotation],
            "t": [round(float(v), 6) for v in self.translation],
        }


def focal_for(spec: CameraSpec, width: int, height: int) -> float:
    return max(width, height) / 2 / math.tan(math.radians(spec.fov_deg) / 2)


def place_camera(
    spec: CameraSpec, lift: str, width: int, height: int, points: np.ndarray
) -> Camera:
    """Camera for ``spec`` that frames ``points`` (N, 3: everything the clip will show)."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    center = (lo + hi) / 2
    focal = focal_for(spec, width, height)
    az = math.radians(spec.azimuth)
    direction = np.array([math.cos(az), math.sin(az), 0.0])
    look_at = np.array([center[0], center[1], center[2]])

    def make(dist: float) -> Camera:
        pos = np.array([center[0], center[1], 0.0]) + direction * dist
        pos[2] = spec.height_for(lift)
        return Camera(pos, look_at, focal, width, height)

    if spec.distance_m is not None:
        return make(spec.distance_m)
    dist = 3.0
    for _ in range(40):  # shrink or grow until the extreme points touch the margin
        cam = make(dist)
        if np.any(cam.depth(points) < 0.3):
            dist *= 1.3
            continue
        uv = cam.project(points)
        fill = max(
            np.nanmax(np.abs(uv[:, 0] - width / 2)) / (width / 2 * spec.fill),
            np.nanmax(np.abs(uv[:, 1] - height / 2)) / (height / 2 * spec.fill),
        )
        if abs(fill - 1.0) < 0.005:
            break
        dist *= 1.0 + 0.8 * (fill - 1.0)
    if dist < spec.min_distance_m:
        cam = make(spec.min_distance_m)
    return cam


def check_framing(cam: Camera, points: np.ndarray, what: str) -> None:
    """InputError if the camera is inside the scene or sees too little of the lifter."""
    if np.any(cam.depth(points) < 0.2):
        raise InputError(
            f"the {what} is inside the scene (closer than 20 cm to the lifter or the bar)",
            "move the camera further away (larger distance) or leave the distance automatic",
        )
    uv = cam.project(points)
    inside = (uv[:, 0] >= 0) & (uv[:, 0] < cam.width) & (uv[:, 1] >= 0) & (uv[:, 1] < cam.height)
    if inside.mean() < 0.5:
        raise InputError(
            f"the {what} sees only {inside.mean():.0%} of the lifter",
            "move the camera further away or leave the distance automatic",
        )
