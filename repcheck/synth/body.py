"""The synthetic lifter's body: proportions as data, and the landmark table.

Segment lengths are fractions of standing height, taken from the classic anthropometric
tables (Drillis & Contini, as reprinted in Winter's *Biomechanics and Motor Control of Human
Movement*): shoulder at 0.818 H, hip joint at 0.530 H, knee at 0.285 H, ankle at 0.039 H,
upper arm 0.186 H, forearm 0.146 H, foot 0.152 H. Radii ("how thick a limb is") describe a
lifter of solid build; they only affect the picture, never the joint positions.

Everything is scaled by one number, the lifter's height, so ``BodyDims.from_height(1.60)``
and ``BodyDims.from_height(1.95)`` are the same person at two sizes.

The 33 landmark names are BlazePose's, in BlazePose's order, so that a ground-truth array
lines up index for index with what ``mediapipe.solutions.pose`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from repcheck.pose.landmarks import LANDMARK_NAMES  # BlazePose's 33, one table for all

LANDMARK_INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}

#: The joints that the accuracy figures use (the face and hand points are too small to matter).
BODY_JOINTS: tuple[str, ...] = (
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip


@dataclass(frozen=True)
class Proportions:
    """Body measures as fractions of standing height (lengths) or of height (radii)."""

    shoulder_height: float = 0.818
    hip_height: float = 0.530
    knee_height: float = 0.285
    ankle_height: float = 0.039
    upper_arm: float = 0.186
    forearm: float = 0.146
    hand: float = 0.062  # wrist to knuckles
    palm_to_bar: float = 0.030  # wrist centre to the bar held in the fist
    foot: float = 0.152
    shoulder_width: float = 0.236  # between the shoulder joint centres
    hip_width: float = 0.100  # between the hip joint centres
    neck: float = 0.045  # shoulder line to the base of the skull
    head_forward: float = 0.022  # head centre in front of the shoulder joint line
    head_up: float = 0.065  # head semi-axes: up, front-back, side
    head_depth: float = 0.056
    head_side: float = 0.046
    # Radii (solid build).
    thigh_radius: float = 0.050
    knee_radius: float = 0.032
    calf_radius: float = 0.036
    ankle_radius: float = 0.021
    upper_arm_radius: float = 0.030
    forearm_radius: float = 0.025
    wrist_radius: float = 0.018
    chest_half_width: float = 0.102
    chest_half_depth: float = 0.070
    waist_half_width: float = 0.085
    waist_half_depth: float = 0.056
    pelvis_half_width: float = 0.095
    pelvis_half_depth: float = 0.062
    neck_radius: float = 0.033


@dataclass(frozen=True)
class BodyDims:
    """Proportions scaled to one lifter, in metres."""

    height: float
    shoulder_height: float
    hip_height: float
    knee_height: float
    ankle_height: float
    upper_arm: float
    forearm: float
    hand: float
    palm_to_bar: float
    foot: float
    shoulder_width: float
    hip_width: float
    neck: float
    head_forward: float
    head_up: float
    head_depth: float
    head_side: float
    thigh_radius: float
    knee_radius: float
    calf_radius: float
    ankle_radius: float
    upper_arm_radius: float
    forearm_radius: float
    wrist_radius: float
    chest_half_width: float
    chest_half_depth: float
    waist_half_width: float
    waist_half_depth: float
    pelvis_half_width: float
    pelvis_half_depth: float
    neck_radius: float

    @classmethod
    def from_height(cls, height_m: float, proportions: Proportions = Proportions()) -> BodyDims:
        scaled = {f.name: getattr(proportions, f.name) * height_m for f in fields(proportions)}
        return cls(height=height_m, **scaled)

    @property
    def thigh(self) -> float:
        return self.hip_height - self.knee_height

    @property
    def shank(self) -> float:
        return self.knee_height - self.ankle_height

    @property
    def trunk(self) -> float:
        """Hip-joint line to shoulder-joint line."""
        return self.shoulder_height - self.hip_height

    @property
    def arm_to_bar(self) -> float:
        """Shoulder joint to the bar held with a straight arm."""
        return self.upper_arm + self.forearm + self.palm_to_bar
