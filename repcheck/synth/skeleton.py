"""One frame of the lifter as 3D points: joint centres, body frames and the barbell.

A :class:`Figure` is what the lift code produces and what both the renderer and the ground
truth consume. :func:`assemble` builds one from a handful of "driver" quantities (pelvis
position, trunk orientation, where the feet and hands must be, which way knees and elbows
point); limbs are solved with two-bone IK so bone lengths never change. :func:`landmarks`
derives BlazePose's 33 points from it (face points from the head frame, hand and foot points
from the limb ends).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from repcheck.synth.body import LANDMARK_NAMES, BodyDims
from repcheck.synth.kinematics import Z, rot_about, two_bone_ik, unit

SIDES = ("left", "right")
BAR_RADIUS = 0.014  # 28 mm shaft
BAR_LENGTH = 2.2
PLATE_RADIUS = 0.225  # 450 mm competition plates


@dataclass
class Figure:
    joints: dict[str, np.ndarray]
    trunk: np.ndarray  # 3x3, columns: forward (chest normal), left, up (towards the head)
    head: np.ndarray  # 3x3, same layout for the head
    bar_center: np.ndarray | None = None
    bar_axis: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0, 0.0]))
    hands_on_bar: bool = True

    def translated(self, offset: np.ndarray) -> Figure:
        joints = {k: v + offset for k, v in self.joints.items()}
        bar = None if self.bar_center is None else self.bar_center + offset
        return Figure(joints, self.trunk, self.head, bar, self.bar_axis, self.hands_on_bar)


@dataclass(frozen=True)
class Drivers:
    """What a lift decides for one frame; :func:`assemble` does the rest."""

    pelvis: np.ndarray  # midpoint of the hip joints
    trunk: np.ndarray  # 3x3 body frame
    ankles: tuple[np.ndarray, np.ndarray]  # left, right
    foot_dirs: tuple[np.ndarray, np.ndarray]  # heel-to-toe unit vectors
    knee_poles: tuple[np.ndarray, np.ndarray]
    hand_targets: tuple[np.ndarray, np.ndarray]  # where each fist holds the bar (or hangs)
    elbow_poles: tuple[np.ndarray, np.ndarray]
    head_pitch_deg: float = 0.0  # + tilts the head forward (chin down)
    pelvis_drop: float = 0.0  # left hip this much lower than the right (m)
    bar_center: np.ndarray | None = None
    bar_axis: np.ndarray = field(default_factory=lambda: np.array([0.0, 1.0, 0.0]))
    hands_on_bar: bool = True
    foot_lift: tuple[float, float] = (0.0, 0.0)  # heel raised off the floor during a step (m)


def assemble(d: BodyDims, dr: Drivers) -> Figure:
    f, left, up = dr.trunk[:, 0], dr.trunk[:, 1], dr.trunk[:, 2]
    j: dict[str, np.ndarray] = {"pelvis": dr.pelvis.copy()}
    shoulder_c = dr.pelvis + up * d.trunk
    j["neck"] = shoulder_c
    for k, side in enumerate(SIDES):
        sign = 1.0 if side == "left" else -1.0
        drop = dr.pelvis_drop if side == "left" else 0.0  # the left hip sags, the right holds
        hip = dr.pelvis + left * sign * d.hip_width / 2 - Z * drop
        knee, ankle = two_bone_ik(hip, dr.ankles[k], d.thigh, d.shank, dr.knee_poles[k])
        j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"] = hip, knee, ankle
        _add_foot(j, d, side, ankle, dr.foot_dirs[k], dr.foot_lift[k])
        shoulder = shoulder_c + left * sign * d.shoulder_width / 2
        j[f"{side}_shoulder"] = shoulder
        _add_arm(j, d, side, shoulder, dr.hand_targets[k], dr.elbow_poles[k], -left * sign)
    head = rot_about(left, math.radians(dr.head_pitch_deg)) @ dr.trunk
    j["head"] = shoulder_c + head[:, 2] * (d.neck + d.head_up * 0.95) + f * d.head_forward
    return Figure(j, dr.trunk, head, dr.bar_center, dr.bar_axis, dr.hands_on_bar)


def _add_foot(j, d: BodyDims, side: str, ankle, foot_dir, lift: float) -> None:
    heel = ankle - foot_dir * 0.22 * d.foot
    heel = np.array([heel[0], heel[1], ankle[2] - d.ankle_height * 0.8])
    toe = ankle + foot_dir * 0.78 * d.foot
    toe = np.array([toe[0], toe[1], max(ankle[2] - d.ankle_height * 0.75 - lift, 0.012)])
    j[f"{side}_heel"], j[f"{side}_foot_index"] = heel, toe


def _add_arm(j, d: BodyDims, side, shoulder, grip, pole, medial) -> None:
    """Solve the arm so the fist (``palm_to_bar`` beyond the wrist) is at ``grip``."""
    along = unit(grip - shoulder)
    for _ in range(6):
        wrist_target = grip - along * d.palm_to_bar
        elbow, wrist = two_bone_ik(shoulder, wrist_target, d.upper_arm, d.forearm, pole)
        along = unit(wrist - elbow)
    fist = wrist + along * d.palm_to_bar
    j[f"{side}_elbow"], j[f"{side}_wrist"] = elbow, wrist
    j[f"{side}_fist"] = fist
    knuckles = wrist + along * d.hand * 0.85
    j[f"{side}_index"] = knuckles + medial * 0.010 * d.height
    j[f"{side}_pinky"] = knuckles - medial * 0.012 * d.height
    j[f"{side}_thumb"] = wrist + along * 0.35 * d.hand + medial * 0.014 * d.height


#: Face points as (forward, side, up) fractions of the head's semi-axes; side is + outwards.
FACE_POINTS: dict[str, tuple[float, float, float]] = {
    "nose": (1.05, 0.0, -0.12),
    "eye_inner": (0.86, 0.20, 0.18),
    "eye": (0.80, 0.40, 0.20),
    "eye_outer": (0.68, 0.58, 0.19),
    "ear": (-0.05, 1.0, 0.05),
    "mouth": (0.86, 0.26, -0.45),
}


def face_point(fig: Figure, d: BodyDims, name: str, side: str | None) -> np.ndarray:
    fwd, lat, upf = FACE_POINTS[name]
    sign = 0.0 if side is None else (1.0 if side == "left" else -1.0)
    h = fig.head
    return (
        fig.joints["head"]
        + h[:, 0] * fwd * d.head_depth
        + h[:, 1] * lat * sign * d.head_side
        + h[:, 2] * upf * d.head_up
    )


def landmarks(fig: Figure, d: BodyDims) -> np.ndarray:
    """The 33 BlazePose landmarks, (33, 3), in world metres."""
    out = np.zeros((len(LANDMARK_NAMES), 3))
    for i, name in enumerate(LANDMARK_NAMES):
        if name in fig.joints:
            out[i] = fig.joints[name]
        elif name == "nose":
            out[i] = face_point(fig, d, "nose", None)
        elif name.startswith("mouth_"):
            out[i] = face_point(fig, d, "mouth", name.split("_")[1])
        else:
            side, part = name.split("_", 1)
            out[i] = face_point(fig, d, part, side)
    return out
