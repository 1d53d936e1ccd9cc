"""Dressing the skeleton: the lifter, barbell and equipment as shaded solids.

:func:`person_solids` turns a :class:`~repcheck.synth.skeleton.Figure` into limb capsules,
a torso of stacked elliptical sections (pelvis, waist, chest, shoulders), a neck and an
ellipsoid head with hair. Colours come from an :class:`Outfit`, so the spotter is the same
body in different clothes. :func:`barbell_solids` builds a 20 kg bar with collars and the
plates for the load (:mod:`repcheck.synth.plates`); :func:`equipment_solids` the bench or
the rack uprights when the lift uses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.synth.body import BodyDims
from repcheck.synth.kinematics import X, Y, Z, unit
from repcheck.synth.shapes import Solid, box, capsule, disc, ellipsoid, stack
from repcheck.synth.skeleton import BAR_LENGTH, BAR_RADIUS, SIDES, Figure

BGR = tuple[float, float, float]


@dataclass(frozen=True)
class Outfit:
    skin: BGR = (120, 160, 215)
    shirt: BGR = (60, 60, 190)
    shorts: BGR = (55, 50, 45)
    shoes: BGR = (225, 225, 230)
    socks: BGR = (235, 235, 235)
    hair: BGR = (30, 40, 55)


LIFTER = Outfit()
SPOTTER = Outfit(
    skin=(95, 125, 170),
    shirt=(80, 140, 60),
    shorts=(110, 80, 40),
    shoes=(40, 40, 40),
    socks=(60, 60, 60),
    hair=(20, 20, 25),
)


STEEL: BGR = (185, 185, 190)
SLEEVE_START = 0.655  # m from the bar's middle to the inner collar


def person_solids(fig: Figure, d: BodyDims, outfit: Outfit = LIFTER) -> list[Solid]:
    j = fig.joints
    out: list[Solid] = []
    for side in SIDES:
        hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
        heel, toe = j[f"{side}_heel"], j[f"{side}_foot_index"]
        out.append(capsule(hip, knee, d.thigh_radius, d.knee_radius, outfit.skin, "thigh"))
        short_end = hip + (knee - hip) * 0.55
        out.append(
            capsule(
                hip, short_end, d.thigh_radius * 1.12, d.thigh_radius * 1.0, outfit.shorts, "shorts"
            )
        )
        out.append(capsule(knee, ankle, d.calf_radius, d.ankle_radius, outfit.skin, "shank"))
        sock_top = ankle + (knee - ankle) * 0.18
        out.append(
            capsule(
                sock_top, ankle, d.ankle_radius * 1.08, d.ankle_radius * 1.08, outfit.socks, "sock"
            )
        )
        sole = np.array([heel[0], heel[1], heel[2] + 0.004 * d.height])
        out.append(
            capsule(
                sole,
                toe + Z * 0.008 * d.height,
                d.ankle_radius * 1.15,
                d.ankle_radius * 0.95,
                outfit.shoes,
                "shoe",
            )
        )
        shoulder, elbow, wrist = j[f"{side}_shoulder"], j[f"{side}_elbow"], j[f"{side}_wrist"]
        out.append(
            capsule(
                shoulder,
                elbow,
                d.upper_arm_radius,
                d.forearm_radius * 1.05,
                outfit.skin,
                "upper_arm",
            )
        )
        sleeve_end = shoulder + (elbow - shoulder) * 0.4
        out.append(
            capsule(
                shoulder,
                sleeve_end,
                d.upper_arm_radius * 1.18,
                d.upper_arm_radius * 1.12,
                outfit.shirt,
                "sleeve",
            )
        )
        out.append(capsule(elbow, wrist, d.forearm_radius, d.wrist_radius, outfit.skin, "forearm"))
        knuckle = (j[f"{side}_index"] + j[f"{side}_pinky"]) / 2
        out.append(
            capsule(
                wrist, knuckle, d.wrist_radius * 1.35, d.wrist_radius * 1.25, outfit.skin, "hand"
            )
        )
    out.extend(_torso(fig, d, outfit))
    out.extend(_head(fig, d, outfit))
    return out


def _torso(fig: Figure, d: BodyDims, outfit: Outfit) -> list[Solid]:
    j, t = fig.joints, fig.trunk
    f, up = t[:, 0], t[:, 2]
    pelvis = j["pelvis"]
    hip_line = (j["left_hip"] + j["right_hip"]) / 2
    drop = j["right_hip"][2] - j["left_hip"][2]
    frame = t
    along = d.trunk
    # (fraction of trunk length, forward offset × H, half depth, half width)
    shirt_sections = (
        (0.10, 0.000, d.waist_half_depth, d.waist_half_width),
        (0.35, 0.004, d.waist_half_depth * 1.05, d.waist_half_width * 1.02),
        (0.62, 0.010, d.chest_half_depth, d.chest_half_width),
        (0.86, 0.004, d.chest_half_depth * 0.92, d.chest_half_width * 1.06),
        (1.02, -0.006, d.chest_half_depth * 0.62, d.chest_half_width * 0.85),
        (1.08, -0.010, d.neck_radius * 1.6, d.chest_half_width * 0.45),
    )
    centers = [pelvis + up * along * k + f * fw * d.height for k, fw, _, _ in shirt_sections]
    shirt = stack(
        centers,
        frame,
        [s[2] for s in shirt_sections],
        [s[3] for s in shirt_sections],
        outfit.shirt,
        "torso",
    )
    pel_centers = [
        hip_line - up * 0.05 * d.height,
        hip_line + up * 0.04 * d.height,
        pelvis + up * along * 0.16,
    ]
    pel = stack(
        pel_centers,
        frame,
        [d.pelvis_half_depth * 0.9, d.pelvis_half_depth, d.waist_half_depth * 1.02],
        [d.pelvis_half_width * 0.95, d.pelvis_half_width, d.waist_half_width * 1.04],
        outfit.shorts,
        "pelvis",
    )
    if abs(drop) > 1e-6:  # tilt the pelvis sections with the uneven hips
        lat = unit(j["left_hip"] - j["right_hip"])
        pel.v = np.tile(lat, (len(pel.centers), 1))
    neck_base = j["neck"]
    neck = capsule(
        neck_base - up * 0.01 * d.height,
        neck_base + fig.head[:, 2] * d.neck * 1.4,
        d.neck_radius,
        d.neck_radius * 0.9,
        outfit.skin,
        "neck",
    )
    muscles = []
    for side in SIDES:  # deltoids (under the sleeve) and glutes (under the shorts)
        muscles.append(
            ellipsoid(
                j[f"{side}_shoulder"] + up * 0.006 * d.height,
                t,
                (0.034 * d.height, 0.023 * d.height, 0.032 * d.height),
                outfit.shirt,
                "sleeve",
            )
        )
        muscles.append(
            ellipsoid(
                j[f"{side}_hip"] - f * 0.030 * d.height + up * 0.012 * d.height,
                t,
                (0.050 * d.height, 0.048 * d.height, 0.060 * d.height),
                outfit.shorts,
                "pelvis",
            )
        )
    return [shirt, pel, neck, *muscles]


def _head(fig: Figure, d: BodyDims, outfit: Outfit) -> list[Solid]:
    h = fig.head
    c = fig.joints["head"]
    face = ellipsoid(c, h, (d.head_depth, d.head_side, d.head_up), outfit.skin, "head")
    hair_c = c - h[:, 0] * 0.14 * d.head_depth + h[:, 2] * 0.16 * d.head_up
    hair = ellipsoid(
        hair_c, h, (d.head_depth * 0.94, d.head_side * 1.04, d.head_up * 0.90), outfit.hair, "hair"
    )
    ears = [
        ellipsoid(
            c + h[:, 1] * s * d.head_side * 0.95 - h[:, 0] * 0.05 * d.head_depth,
            h,
            (0.22 * d.head_depth, 0.12 * d.head_side, 0.30 * d.head_up),
            outfit.skin,
            "ear",
        )
        for s in (1.0, -1.0)
    ]
    return [hair, face, *ears]


def barbell_solids(fig: Figure, load_kg: float) -> list[Solid]:
    from repcheck.synth.plates import plates_per_side

    if fig.bar_center is None:
        return []
    plates = plates_per_side(load_kg)
    c, a = fig.bar_center, unit(fig.bar_axis)
    out: list[Solid] = []
    # The shaft in pieces, so each piece is depth-sorted against the body on its own.
    edges = np.linspace(-SLEEVE_START, SLEEVE_START, 7)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        out.append(capsule(c + a * lo, c + a * hi, BAR_RADIUS, BAR_RADIUS, STEEL, "bar"))
    for s in (1.0, -1.0):
        out.append(disc(c + a * s * (SLEEVE_START + 0.015), a, 0.040, 0.03, STEEL, "collar"))
        pos = SLEEVE_START + 0.03
        for plate in plates:
            out.append(
                disc(
                    c + a * s * (pos + plate.thickness_m / 2),
                    a,
                    plate.radius_m,
                    plate.thickness_m,
                    plate.color,
                    "plate",
                    style="plate",
                )
            )
            pos += plate.thickness_m + 0.003
        out.append(disc(c + a * s * (pos + 0.02), a, 0.026, 0.04, STEEL, "sleeve"))
        end = c + a * s * (BAR_LENGTH / 2)
        out.append(capsule(c + a * s * (pos + 0.04), end, 0.025, 0.025, STEEL, "sleeve"))
    return out


def equipment_solids(lift: str, d: BodyDims, rack: dict | None) -> list[Solid]:
    """The bench (for the bench press) and rack uprights (when the clip racks the bar)."""
    from repcheck.synth.lifts import BENCH

    out: list[Solid] = []
    if lift == "bench":
        g = BENCH
        mid_x = (g.pad_head_end + g.pad_foot_end) / 2
        half_len = (g.pad_foot_end - g.pad_head_end) / 2
        pad_c = np.array([mid_x, 0.0, g.pad_top - 0.04])
        out.append(box(pad_c, X, Y, half_len, g.pad_half_width, 0.04, (45, 40, 40), "bench"))
        for x in (g.pad_head_end + 0.12, g.pad_foot_end - 0.12):
            leg_c = np.array([x, 0.0, (g.pad_top - 0.08) / 2])
            out.append(box(leg_c, Z, X, (g.pad_top - 0.08) / 2, 0.03, 0.12, (60, 60, 60), "bench"))
    if rack is not None:
        x, z = rack["x"], rack["z"]
        for s in (1.0, -1.0):
            y = s * rack["half_width"]
            height = rack["height"]
            out.append(
                box(
                    np.array([x, y, height / 2]),
                    Z,
                    X,
                    height / 2,
                    0.038,
                    0.038,
                    (70, 70, 75),
                    "rack",
                )
            )
            out.append(
                box(
                    np.array([x - 0.05, y, z - BAR_RADIUS - 0.02]),
                    X,
                    Y,
                    0.06,
                    0.02,
                    0.02,
                    (30, 30, 30),
                    "hook",
                )
            )
    return out
