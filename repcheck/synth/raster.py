"""Painting a frame with OpenCV: background, shadows, shaded solids, the face, the look.

Solids are sorted by camera depth and painted far to near (painter's algorithm); a limb
behind the torso is simply overdrawn. The background (a floor and a back wall with a few
posters) is ray-cast once per camera shot and reused. The face (eyes, brows, nose, mouth) is
drawn on the head only when it faces the camera. Lighting, vignetting, white balance, lens
blur and sensor noise come last, from :class:`~repcheck.synth.spec.Look`.

OpenCV is imported inside the functions: importing ``repcheck.synth`` stays cheap.
"""

from __future__ import annotations

import math

import numpy as np

from repcheck.synth.body import BodyDims
from repcheck.synth.camera import Camera
from repcheck.synth.kinematics import Z, cross, unit
from repcheck.synth.shapes import Solid
from repcheck.synth.skeleton import Figure, face_point
from repcheck.synth.spec import Look

#: Shading layers: (section scale, brightness). The first is the silhouette in shadow.
LAYERS: tuple[tuple[float, float], ...] = (
    (1.00, 0.50),
    (0.90, 0.64),
    (0.76, 0.77),
    (0.60, 0.88),
    (0.42, 0.97),
    (0.22, 1.04),
)
SHIFT = 4  # fixed-point bits for sub-pixel polygon coordinates


def light_vector(cam: Camera, look: Look) -> np.ndarray:
    """Unit vector towards the key light: above, and to one side of the camera."""
    to_cam = cam.position - cam.look_at
    to_cam[2] = 0.0
    to_cam = unit(to_cam)
    side = cross(Z, to_cam)
    a = math.radians(look.light_azimuth_deg)
    return unit(to_cam * math.cos(a) + side * math.sin(a) + Z * 1.1)


def background(cam: Camera, look: Look, seed: int) -> np.ndarray:
    """Floor and back wall, as float32 BGR in 0..255, ray-cast per pixel."""
    h, w = cam.height, cam.width
    rng = np.random.default_rng(seed)
    vs, us = np.mgrid[0:h, 0:w].astype(np.float64)
    rays = (
        np.stack(
            [(us - w / 2) / cam.focal_px, (vs - h / 2) / cam.focal_px, np.ones_like(us)], axis=-1
        )
        @ cam.rotation
    )
    fwd = cam.rotation[2].copy()
    fwd[2] = 0.0
    fwd = unit(fwd)
    wall_dist = float(np.dot(cam.look_at - cam.position, fwd)) + 2.6
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(rays[..., 2] < -1e-6, -cam.position[2] / rays[..., 2], np.inf)
        t_wall = np.where(rays @ fwd > 1e-6, wall_dist / (rays @ fwd), np.inf)
    hit = cam.position + rays * np.minimum(t_floor, t_wall)[..., None]
    img = np.empty((h, w, 3), np.float32)
    floor = t_floor < t_wall
    # Rubber floor with tile seams every metre.
    fx, fy = hit[..., 0], hit[..., 1]
    seam = (np.abs(fx - np.round(fx)) < 0.006) | (np.abs(fy - np.round(fy)) < 0.006)
    base_floor = np.array([62, 64, 66], np.float32)
    img[floor] = base_floor
    img[floor & seam] = base_floor * 0.7
    # Wall: light paint, darker skirting, a couple of posters.
    side = cross(Z, fwd)
    s = hit @ side
    z = hit[..., 2]
    wall = ~floor
    img[wall] = np.array([188, 180, 168], np.float32)  # cool grey-blue paint
    img[wall & (z < 0.12)] = np.array([90, 90, 95], np.float32)
    for _k in range(3):
        cx = rng.uniform(-2.5, 2.5)
        cz = rng.uniform(1.4, 2.2)
        color = rng.uniform(60, 200, 3).astype(np.float32)
        poster = wall & (np.abs(s - cx) < 0.30) & (np.abs(z - cz) < 0.42)
        img[poster] = color
    # Soft room lighting: darker with distance from the camera and towards the floor's far end.
    dist = np.linalg.norm(hit - cam.position, axis=-1)
    img *= np.clip(1.15 - 0.05 * dist, 0.6, 1.1)[..., None].astype(np.float32)
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)  # texture
    return img


_SCALES = np.array([scale for scale, _ in LAYERS])
_BRIGHT = np.array([bright for _, bright in LAYERS], np.float32)
#: Plate faces: dark edge, face, raised lip, face, dark centre ring.
PLATE_LAYERS: tuple[tuple[float, float], ...] = (
    (1.00, 0.45), (0.95, 0.85), (0.80, 0.62), (0.76, 0.92), (0.30, 0.55), (0.26, 0.95),
)  # fmt: skip
_PLATE_SCALES = np.array([scale for scale, _ in PLATE_LAYERS])
_PLATE_BRIGHT = np.array([bright for _, bright in PLATE_LAYERS], np.float32)


def draw_solid(img: np.ndarray, cam: Camera, solid: Solid, light: np.ndarray, gain: float):
    """Paint one solid with its shading layers; returns its outline (px) or None when it is
    behind the camera."""
    import cv2

    if solid.style == "plate":
        scales, bright = _PLATE_SCALES, _PLATE_BRIGHT
        shifts = None
    else:
        scales, bright = _SCALES, _BRIGHT
        shifts = light[None, :] * (solid.size * (1.0 - scales) * 0.55)[:, None]
    pts = solid.layer_points(scales, shifts)
    n_layers, per = pts.shape[:2]
    uv = cam.project(pts.reshape(-1, 3))
    if np.isnan(uv).any():
        return None
    fixed = (uv * (1 << SHIFT)).astype(np.int32)
    colors = np.clip(
        np.asarray(solid.color, np.float32)[None] * bright[:n_layers, None] * gain, 0, 255
    ).tolist()
    for k in range(n_layers):
        hull = cv2.convexHull(fixed[k * per : (k + 1) * per])
        cv2.fillConvexPoly(img, hull, colors[k], lineType=cv2.LINE_AA, shift=SHIFT)
    return uv[:per]


def draw_face(img: np.ndarray, cam: Camera, fig: Figure, d: BodyDims, gain: float) -> None:
    """Eyes, brows, nose and mouth, where they face the camera."""
    import cv2

    to_cam = unit(cam.position - fig.joints["head"])
    head = fig.head
    px = cam.focal_px * d.height / max(float(cam.depth(fig.joints["head"])), 0.1)

    def visible(p: np.ndarray) -> bool:
        return float(np.dot(unit(p - fig.joints["head"]), to_cam)) > 0.25

    def pt(p: np.ndarray) -> tuple[int, int]:
        uv = cam.project(p)
        return int(round(uv[0] * (1 << SHIFT))), int(round(uv[1] * (1 << SHIFT)))

    aa, sh = cv2.LINE_AA, SHIFT
    for side in ("left", "right"):
        eye = face_point(fig, d, "eye", side)
        if visible(eye):
            r = max(int(px * 0.007 * (1 << SHIFT)), 1 << SHIFT)
            cv2.circle(img, pt(eye), int(r * 1.3), (205 * gain,) * 3, -1, aa, sh)
            cv2.circle(
                img, pt(eye + head[:, 0] * 0.002), r, (40 * gain, 30 * gain, 20 * gain), -1, aa, sh
            )
            brow_in = face_point(fig, d, "eye_inner", side) + head[:, 2] * 0.03 * d.head_up * 4
            brow_out = face_point(fig, d, "eye_outer", side) + head[:, 2] * 0.03 * d.head_up * 4
            cv2.line(
                img,
                pt(brow_in),
                pt(brow_out),
                (35 * gain, 40 * gain, 50 * gain),
                max(int(px * 0.0035), 1),
                aa,
                sh,
            )
    nose = face_point(fig, d, "nose", None)
    if visible(nose):
        r = max(int(px * 0.009 * (1 << SHIFT)), 1 << SHIFT)
        cv2.circle(
            img, pt(nose), r, tuple(float(c) * 0.8 * gain for c in (100, 135, 190)), -1, aa, sh
        )
    ml, mr = face_point(fig, d, "mouth", "left"), face_point(fig, d, "mouth", "right")
    if visible(ml) or visible(mr):
        cv2.line(
            img, pt(ml), pt(mr), (50 * gain, 40 * gain, 120 * gain), max(int(px * 0.007), 1), aa, sh
        )


def draw_shadow(img: np.ndarray, cam: Camera, centers: list[np.ndarray], radius: float) -> None:
    """Darken the floor under the lifter: a blurred ellipse per contact point."""
    import cv2

    mask = np.zeros(img.shape[:2], np.float32)
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    for c in centers:
        ring = np.stack(
            [
                c[0] + radius * np.cos(ang),
                c[1] + radius * 0.8 * np.sin(ang),
                np.full_like(ang, 0.001),
            ],
            axis=1,
        )
        uv = cam.project(ring)
        if np.isnan(uv).any():
            continue
        cv2.fillConvexPoly(mask, uv.astype(np.int32), 1.0, lineType=cv2.LINE_AA)
    k = max(int(cam.width * 0.03) | 1, 3)
    mask = cv2.GaussianBlur(mask, (k, k), 0)
    img *= (1.0 - 0.35 * mask)[..., None]


class Finisher:
    """Per-shot lighting maps, so each frame costs one multiply-add, a blur and the noise."""

    def __init__(self, look: Look, height: int, width: int) -> None:
        yy, xx = np.ogrid[0:height, 0:width]
        r2 = ((xx - width / 2) / (width / 2)) ** 2 + ((yy - height / 2) / (height / 2)) ** 2
        vignette = (1.0 - 0.18 * r2).astype(np.float32)
        balance = np.array([1 - 0.12 * look.warmth, 1.0, 1 + 0.12 * look.warmth], np.float32)
        scale = look.brightness * look.contrast * balance
        self.gain = np.ascontiguousarray(vignette[..., None] * scale[None, None, :])
        self.offset = np.ascontiguousarray(
            np.repeat((vignette * 128.0 * (1 - look.contrast))[..., None], 3, axis=2)
        )
        self.blur = look.blur

    def __call__(self, img: np.ndarray, noise: NoiseBank) -> np.ndarray:
        import cv2

        out = cv2.multiply(img, self.gain)
        out = cv2.add(out, self.offset)
        if self.blur > 0:
            out = cv2.GaussianBlur(out, (0, 0), self.blur)
        grain = noise.next()
        if grain is not None:
            out = cv2.add(out, grain)
        return np.clip(out, 0, 255, out=out).astype(np.uint8)


class NoiseBank:
    """Sensor noise without drawing a fresh full-frame Gaussian for every frame: a few noise
    frames, picked and shifted at random per frame (still seeded, so deterministic)."""

    def __init__(
        self, rng: np.random.Generator, shape: tuple[int, int, int], sigma: float, size: int = 4
    ) -> None:
        self.rng = rng
        self.sigma = sigma
        self.frames = (
            [rng.normal(0.0, sigma, shape).astype(np.float32) for _ in range(size)]
            if sigma > 0
            else []
        )

    def next(self) -> np.ndarray | None:
        if not self.frames:
            return None
        k = int(self.rng.integers(len(self.frames)))
        dy, dx = (int(v) for v in self.rng.integers(0, 64, 2))
        return np.roll(self.frames[k], (dy, dx), axis=(0, 1))


def solid_order_key(cam: Camera, solid: Solid, owner: Figure | None) -> float:
    """Camera depth used by the painter's sort, with the tie-breaks that keep clothes on top
    of skin and hair behind the face."""
    depth = float(cam.depth(solid.center)) + solid.bias
    if solid.tag in ("shorts", "sleeve", "sock"):
        depth -= 0.02
    elif solid.tag == "torso":
        depth -= 0.01
    elif solid.tag == "ear":
        depth -= 0.03
    elif solid.tag in ("bench",):
        depth += 0.3
    elif solid.tag == "hair" and owner is not None:
        faces_cam = float(np.dot(owner.head[:, 0], unit(cam.position - owner.joints["head"])))
        depth += 0.05 if faces_cam > -0.3 else -0.05
    return depth


def paint_solids(img: np.ndarray, cam: Camera, items, light: np.ndarray, d: BodyDims):
    """Painter's algorithm over (solid, owner figure) pairs; returns what was drawn as
    (outline polygon in px, centre depth, size) for the occlusion test."""
    keyed = sorted(items, key=lambda it: -solid_order_key(cam, it[0], it[1]))
    drawn = []
    for solid, owner in keyed:
        uv = draw_solid(img, cam, solid, light, 1.0)
        if uv is None:
            continue
        drawn.append((uv.astype(np.float32), float(cam.depth(solid.center)), solid.size))
        if solid.tag == "head" and owner is not None:
            draw_face(img, cam, owner, d, 1.0)
    return drawn


def occlusion(cam: Camera, joints3d: np.ndarray, drawn) -> np.ndarray:
    """True per joint when a solid whose near side is clearly in front covers it."""
    import cv2

    uv = cam.project(joints3d)
    depth = cam.depth(joints3d)
    out = np.zeros(len(joints3d), bool)
    for pts, center_depth, size in drawn:
        near = depth > center_depth + size + 0.03
        if not near.any():
            continue
        hull = cv2.convexHull(pts)
        for k in np.flatnonzero(near & ~out):
            if np.isnan(uv[k]).any():
                continue
            if cv2.pointPolygonTest(hull, (float(uv[k, 0]), float(uv[k, 1])), False) > 0:
                out[k] = True
    return out
