"""Small geometry helpers: easing curves, rotations, two-bone inverse kinematics.

World frame (used everywhere in ``repcheck.synth``): metres, ``x`` points where a standing
lifter faces, ``y`` to the lifter's left, ``z`` up; the floor is ``z = 0``.

Limbs are solved with two-bone IK: given a root (hip, shoulder), a target (ankle, wrist),
the two bone lengths and a *pole* direction that says which way the middle joint (knee,
elbow) points, there is exactly one solution. Bone lengths are therefore preserved exactly
in every frame, which the ground-truth tests check.
"""

from __future__ import annotations

import math

import numpy as np

X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product of two 3-vectors (numpy's general version is slow on tiny arrays)."""
    return np.array(
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    )


def unit(v: np.ndarray) -> np.ndarray:
    n = math.sqrt(float(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]))
    if n < 1e-12:
        raise ValueError("zero-length vector")
    return v / n


def lerp(a, b, t: float):
    return a + (b - a) * t


def ease(t: float) -> float:
    """Cosine ease in/out on [0, 1]: zero speed at both ends, like a real rep."""
    t = min(max(t, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * t)


def rot_about(axis: np.ndarray, angle_rad: float) -> np.ndarray:
    """Rotation matrix about ``axis`` (right-hand rule)."""
    a = unit(axis)
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) * c + s * k + (1 - c) * np.outer(a, a)


def frame_from(forward: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Orthonormal body frame as columns ``[forward, left, up]``; ``up`` is kept exactly."""
    u = unit(up)
    f = unit(forward - np.dot(forward, u) * u)
    left = cross(u, f)
    return np.stack([f, left, u], axis=1)


def two_bone_ik(
    root: np.ndarray, target: np.ndarray, len1: float, len2: float, pole: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return (middle joint, end joint). The end is ``target`` when reachable, else as near as
    a straight limb gets. ``pole`` is the direction the middle joint bends towards."""
    d = target - root
    dist = float(np.linalg.norm(d))
    reach = len1 + len2
    dist = min(max(dist, abs(len1 - len2) + 1e-6), reach - 1e-9)
    axis = unit(d)
    end = root + axis * dist
    # Distance from root along the axis to the foot of the middle joint, and its offset.
    a = (len1**2 - len2**2 + dist**2) / (2 * dist)
    h = math.sqrt(max(len1**2 - a**2, 0.0))
    side = pole - np.dot(pole, axis) * axis
    if np.linalg.norm(side) < 1e-9:  # pole along the limb: pick any perpendicular
        side = cross(axis, Y if abs(axis[1]) < 0.9 else X)
    middle = root + axis * a + unit(side) * h
    return middle, end


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC in degrees (180 = straight)."""
    u, v = a - b, c - b
    cosang = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return math.degrees(math.acos(min(max(float(cosang), -1.0), 1.0)))


def circle_intersection_upper(
    c1: np.ndarray, r1: float, c2: np.ndarray, r2: float
) -> np.ndarray | None:
    """Of the two points at distance r1 from c1 and r2 from c2 (2D, x-z), the higher one."""
    d = float(np.linalg.norm(c2 - c1))
    if d > r1 + r2 or d < abs(r1 - r2) or d < 1e-9:
        return None
    a = (r1**2 - r2**2 + d**2) / (2 * d)
    h = math.sqrt(max(r1**2 - a**2, 0.0))
    mid = c1 + a * (c2 - c1) / d
    perp = np.array([-(c2 - c1)[1], (c2 - c1)[0]]) / d
    p1, p2 = mid + h * perp, mid - h * perp
    return p1 if p1[1] >= p2[1] else p2
