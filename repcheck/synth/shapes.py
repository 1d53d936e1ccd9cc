"""Solid shapes as stacks of cross-sections, and how they are shaded.

Every solid in the scene — limb capsules, the torso, the head, plates, the bench — is a
:class:`Solid`: a few *stations* along an axis, each with an elliptical (or rectangular)
cross-section. Projecting all section outlines and taking the 2D convex hull gives the
solid's silhouette under perspective from any direction, so one drawing routine covers every
shape and every camera.

Shading: a solid is drawn several times, each time with the cross-sections shrunk and pushed
towards the light, and a brighter colour. Plates are the exception: their faces are flat, so
they get flat colour with a dark rim and a raised lip instead (a shaded disc reads as a ball,
and a ball on the shoulders reads as a head). The nested silhouettes read as a rounded, lit volume
(a core shadow on the far side, a highlight towards the light). BlazePose sees a body with
volume rather than flat stickers, which is what makes detection reliable from every view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.synth.kinematics import X, Y, cross, unit

RING = 12  # outline points per cross-section; plates use more (they are big and round)
PLATE_RING = 32


def _round_ring(n: int) -> np.ndarray:
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([np.cos(ang), np.sin(ang)], axis=1)


_ROUND = _round_ring(RING)
_ROUND_FINE = _round_ring(PLATE_RING)
_SQUARE = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], dtype=float)


@dataclass
class Solid:
    centers: np.ndarray  # (S, 3)
    u: np.ndarray  # (S, 3) first section axis
    v: np.ndarray  # (S, 3) second section axis
    ru: np.ndarray  # (S,)
    rv: np.ndarray  # (S,)
    color: tuple[float, float, float]  # BGR 0-255, fully lit
    square: bool = False
    style: str = "round"  # "round": lit volume; "plate": flat face with rim rings
    tag: str = ""  # what it is (for the depth sort tie-breaks and debugging)
    bias: float = 0.0  # added to the camera depth when sorting (+ = drawn earlier)

    def points(self, scale: float = 1.0, shift: np.ndarray | None = None) -> np.ndarray:
        return self.layer_points(np.array([scale]), None if shift is None else shift[None])[0]

    def layer_points(self, scales: np.ndarray, shifts: np.ndarray | None) -> np.ndarray:
        """Outline points for several (scale, shift) layers at once: (L, S * ring, 3)."""
        ring = _SQUARE if self.square else _ROUND_FINE if self.style == "plate" else _ROUND
        c = self.centers[None, :, None, :]
        if shifts is not None:
            c = c + shifts[:, None, None, :]
        ru = scales[:, None, None, None] * self.ru[None, :, None, None]
        rv = scales[:, None, None, None] * self.rv[None, :, None, None]
        pts = (
            c
            + ru * ring[None, None, :, 0:1] * self.u[None, :, None, :]
            + rv * ring[None, None, :, 1:2] * self.v[None, :, None, :]
        )
        return pts.reshape(len(scales), -1, 3)

    @property
    def center(self) -> np.ndarray:
        return self.centers.mean(axis=0)

    @property
    def size(self) -> float:
        return float(self.ru.mean() + self.rv.mean()) / 2


def _perp_basis(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = unit(axis)
    helper = X if abs(a[0]) < 0.9 else Y
    u = unit(cross(a, helper))
    return u, cross(a, u)


def capsule(a, b, ra: float, rb: float, color, tag: str = "") -> Solid:
    """A tapered limb with rounded ends."""
    d = unit(b - a)
    u, v = _perp_basis(d)
    ks = ((-0.92, 0.40), (-0.6, 0.80), (0.0, 1.0))
    centers, radii = [], []
    for k, r in ks:
        centers.append(a + d * k * ra)
        radii.append(r * ra)
    for k, r in reversed(ks):
        centers.append(b - d * k * rb)
        radii.append(r * rb)
    n = len(centers)
    rr = np.array(radii)
    return Solid(
        np.array(centers), np.tile(u, (n, 1)), np.tile(v, (n, 1)), rr, rr.copy(), color, tag=tag
    )


def ellipsoid(
    center, frame: np.ndarray, semi: tuple[float, float, float], color, tag: str = ""
) -> Solid:
    """Ellipsoid with semi-axes (forward, side, up) along the columns of ``frame``."""
    f, s, up = frame[:, 0], frame[:, 1], frame[:, 2]
    thetas = np.linspace(0.12, 0.88, 7) * np.pi
    centers = np.array([center + up * semi[2] * np.cos(t) for t in thetas])
    sins = np.sin(thetas)
    n = len(thetas)
    return Solid(
        centers,
        np.tile(f, (n, 1)),
        np.tile(s, (n, 1)),
        semi[0] * sins,
        semi[1] * sins,
        color,
        tag=tag,
    )


def stack(centers, frame: np.ndarray, half_depths, half_widths, color, tag: str = "") -> Solid:
    """Sections along the frame's up axis (torso): depth along forward, width along side."""
    c = np.asarray(centers, dtype=float)
    n = len(c)
    return Solid(
        c,
        np.tile(frame[:, 0], (n, 1)),
        np.tile(frame[:, 1], (n, 1)),
        np.asarray(half_depths, float),
        np.asarray(half_widths, float),
        color,
        tag=tag,
    )


def disc(
    center, axis, radius: float, thickness: float, color, tag: str = "", style: str = "round"
) -> Solid:
    a = unit(axis)
    u, v = _perp_basis(a)
    centers = np.array([center - a * thickness / 2, center + a * thickness / 2])
    r = np.array([radius, radius])
    return Solid(
        centers, np.tile(u, (2, 1)), np.tile(v, (2, 1)), r, r.copy(), color, tag=tag, style=style
    )


def box(
    center, axis, u_dir, half_len: float, half_u: float, half_v: float, color, tag: str = ""
) -> Solid:
    a = unit(axis)
    u = unit(u_dir - np.dot(u_dir, a) * a)
    v = cross(a, u)
    centers = np.array([center - a * half_len, center + a * half_len])
    return Solid(
        centers,
        np.tile(u, (2, 1)),
        np.tile(v, (2, 1)),
        np.full(2, half_u),
        np.full(2, half_v),
        color,
        square=True,
        tag=tag,
    )
