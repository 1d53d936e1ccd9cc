"""How each lift moves: keyframe geometry as data, and one pose function per lift.

Each lift is described by a frozen dataclass of angles and distances (fractions of height
where marked ``× H``). A pose function takes the timeline state (segment, progress) plus the
rep's parameters and returns the :class:`~repcheck.synth.skeleton.Drivers` for one frame.
The ideas, lift by lift:

* **Squat** — the shin angle and the hip height move from the standing keyframe to the
  bottom keyframe. The bottom hip height is *solved* so that the hip joint ends exactly
  ``depth_cm`` below the knee joint (after IK, so the ground truth is exact). The trunk angle
  is then solved in closed form so that the bar stays over mid-foot (balance), plus drift.
* **Bench** — the lifter lies on the bench; the bar travels a J-curve from over the shoulder
  joints to the lower chest; ``depth_cm`` is the negated gap between bar and chest.
* **Deadlift** — the bar height is the driver. The legs extend on their own schedule
  (earlier when ``hips_rise_first`` > 0); the trunk angle is whatever keeps straight arms
  on the bar (a circle intersection), so hips rising first *produces* a horizontal back.
* **Press** — standing, the bar goes from the front rack around the chin to lockout over
  the shoulders, the head moving back out of its way.

Setup segments (unrack, walk-out, set-up) and re-rack reuse the same functions with the feet
and the bar moved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from repcheck.synth.body import BodyDims
from repcheck.synth.kinematics import (
    X,
    Y,
    Z,
    angle_deg,
    circle_intersection_upper,
    ease,
    frame_from,
    lerp,
    unit,
)
from repcheck.synth.plates import outer_radius_m
from repcheck.synth.skeleton import BAR_RADIUS, PLATE_RADIUS, Drivers, Figure, assemble
from repcheck.synth.spec import ClipSpec, RepSpec
from repcheck.synth.timeline import FrameState


@dataclass(frozen=True)
class StanceGeometry:
    stance_half: float  # × H, ankle centre to the midline
    toe_out_deg: float
    grip_half: float  # × H, fist centre to the bar's middle
    shank_top_deg: float = 2.0  # forward lean of the shin at lockout


@dataclass(frozen=True)
class SquatGeometry(StanceGeometry):
    shank_parallel_deg: float = 31.0  # shin lean at a parallel bottom
    shank_per_deg_below: float = 0.35  # extra shin lean per degree of thigh below horizontal
    bar_back: float = 0.030  # × H, bar behind the shoulder joint line (high bar)
    bar_up: float = 0.026  # × H, bar above it
    max_knee_flexion_deg: float = 158.0
    rack_dx: float = 0.55  # m, how far in front of the lifting spot the rack stands
    dip: float = 0.10  # progress of the knee dip used to lift the bar off the hooks


@dataclass(frozen=True)
class PressGeometry(StanceGeometry):
    rack_forward: float = 0.040  # × H, bar in front of the shoulder joints in the front rack
    rack_up: float = 0.012  # × H
    lean_back_deg: float = 5.0
    chin_clearance: float = 0.035  # × H, forward bow of the bar path around the chin
    head_back_deg: float = 14.0
    rack_dx: float = 0.45
    dip: float = 0.08


@dataclass(frozen=True)
class BenchGeometry:
    pad_top: float = 0.44  # m (IPF: 42-45 cm)
    pad_head_end: float = -0.42  # m, relative to the shoulder joint line (+x towards the feet)
    pad_foot_end: float = 0.80
    pad_half_width: float = 0.145
    grip_half: float = 0.200  # × H
    touch_x: float = 0.070  # × H, bar touch point towards the feet from the shoulder line
    feet_x: float = 0.21  # × H, ankles beyond the hip joints towards the feet
    feet_half: float = 0.17  # × H
    rack_x: float = -0.10  # m, bar in the uprights relative to the shoulder line


@dataclass(frozen=True)
class DeadliftGeometry(StanceGeometry):
    shank_setup_deg: float = 9.0
    thigh_setup_deg: float = 30.0
    lean_back_deg: float = 3.0  # shoulders behind the hips at lockout
    bar_ahead_of_midfoot: float = 0.008  # × H


LOCKED_KNEE_DEG = 3.0  # knee flexion of a clean lockout

SQUAT = SquatGeometry(stance_half=0.125, toe_out_deg=22.0, grip_half=0.24)
#: Low bar: the bar sits on the rear delts, about 5 cm lower than a high bar; the trunk leans
#: more, the shins less, the grip is wider and the stance a little wider.
LOW_BAR_SQUAT = SquatGeometry(
    stance_half=0.135,
    toe_out_deg=25.0,
    grip_half=0.27,
    shank_parallel_deg=25.0,
    bar_back=0.048,
    bar_up=-0.010,
)
SQUAT_STYLES: dict[str, SquatGeometry] = {"high": SQUAT, "low": LOW_BAR_SQUAT}
PRESS = PressGeometry(stance_half=0.085, toe_out_deg=10.0, grip_half=0.140)
BENCH = BenchGeometry()
DEADLIFT = DeadliftGeometry(stance_half=0.080, toe_out_deg=8.0, grip_half=0.135)


# --- shared helpers ----------------------------------------------------------------------------


def _feet(d: BodyDims, g: StanceGeometry, dx=(0.0, 0.0)):
    ankles, dirs = [], []
    for k, sign in enumerate((1.0, -1.0)):
        psi = math.radians(g.toe_out_deg) * sign
        ankles.append(np.array([dx[k], sign * g.stance_half * d.height, d.ankle_height]))
        dirs.append(np.array([math.cos(psi), math.sin(psi), 0.0]))
    return tuple(ankles), tuple(dirs)


def _midfoot_x(d: BodyDims, ankles) -> float:
    return float(np.mean([a[0] for a in ankles])) + 0.25 * d.foot


def _knees_before_ik(d: BodyDims, ankles, dirs, shank_deg: float):
    s = math.radians(shank_deg)
    return [
        a + d.shank * (math.sin(s) * u + math.cos(s) * Z) for a, u in zip(ankles, dirs, strict=True)
    ]


def _pelvis_for(d: BodyDims, knees, hip_z: float, shift: float) -> np.ndarray:
    """Pelvis centre at height ``hip_z`` and sideways ``shift``, with each thigh at its length."""
    xs = []
    for knee, sign in zip(knees, (1.0, -1.0), strict=True):
        hip_y = sign * d.hip_width / 2 + shift
        flat = d.thigh**2 - (hip_z - knee[2]) ** 2 - (hip_y - knee[1]) ** 2
        xs.append(knee[0] - math.sqrt(max(flat, 0.0)))
    return np.array([float(np.mean(xs)), shift, hip_z])


def _hip_z_for_thigh(d: BodyDims, knees, thigh_deg: float, shift: float) -> float:
    knee = knees[0]
    dy = d.hip_width / 2 + shift - knee[1]
    return float(
        knee[2] + math.sqrt(max(d.thigh**2 - dy**2, 1e-6)) * math.sin(math.radians(thigh_deg))
    )


def _standing_trunk(lean_deg: float) -> np.ndarray:
    """Trunk frame leaning forward by ``lean_deg`` (negative leans back)."""
    b = math.radians(lean_deg)
    return frame_from(
        np.array([math.cos(b), 0.0, -math.sin(b)]), np.array([math.sin(b), 0.0, math.cos(b)])
    )


def _cave_poles(d: BodyDims, dirs, hips, ankles, cave_m: float):
    """Knee pole vectors that move each knee ``cave_m`` inwards (towards the midline) from
    where it would be, solved through the IK so the inward travel is exact when reachable."""
    if not cave_m:
        return tuple(dirs)
    from repcheck.synth.kinematics import two_bone_ik

    poles = []
    for u, hip, ankle, sign in zip(dirs, hips, ankles, (1.0, -1.0), strict=True):
        base, _ = two_bone_ik(hip, ankle, d.thigh, d.shank, u)
        push = cave_m
        pole = u
        for _ in range(6):
            pole = base - Y * sign * push - hip
            knee, _ = two_bone_ik(hip, ankle, d.thigh, d.shank, pole)
            moved = sign * (base[1] - knee[1])
            push += (cave_m - moved) * 1.5
        poles.append(pole)
    return tuple(poles)


def _grips(center: np.ndarray, axis: np.ndarray, half: float, drop: float = 0.0):
    """Fists on the bar; ``drop`` lowers the left end (the right one stays where it is)."""
    return (center + axis * half - Z * drop, center - axis * half)


def _hip_z_straight(d: BodyDims, ankles, flex_deg: float, shift: float, dx: float = 0.0) -> float:
    """Pelvis height at which legs from these ankles bend exactly ``flex_deg`` at the knee."""
    c = math.cos(math.radians(flex_deg))
    reach = math.sqrt(d.thigh**2 + d.shank**2 + 2 * d.thigh * d.shank * c)
    zs = []
    for a, sign in zip(ankles, (1.0, -1.0), strict=True):
        dy = sign * d.hip_width / 2 + shift - a[1]
        zs.append(a[2] + math.sqrt(max(reach**2 - dy**2 - dx**2, 1e-6)))
    return float(min(zs))


def _reach(d: BodyDims, soft_deg: float) -> float:
    """Shoulder-to-bar distance with the elbow ``soft_deg`` short of straight."""
    a, b = d.upper_arm, d.forearm + d.palm_to_bar
    inner = math.radians(180.0 - soft_deg)
    return math.sqrt(a * a + b * b - 2 * a * b * math.cos(inner))


@dataclass(frozen=True)
class RepParams:
    """The current rep's numbers in metres/degrees, plus the lockout the rep returns to."""

    depth_m: float | None
    drift_m: float
    shift_m: float
    cave_m: float
    hips_rise: float
    soft_deg: float  # soft lockout at the lockout this frame is near
    uneven_m: float  # uneven lockout at that lockout

    @classmethod
    def for_frame(cls, spec: ClipSpec, state: FrameState) -> RepParams:
        reps = spec.reps
        i = (
            state.rep
            if state.rep is not None
            else (0 if state.segment in _BEFORE else len(reps) - 1)
        )
        rep: RepSpec = reps[i]
        lock = rep
        top_is_start = spec.lift in ("squat", "bench")
        if top_is_start and state.segment == "rep" and state.phase == "away":
            lock = reps[i - 1] if i > 0 else RepSpec()  # still standing from the previous rep
        if top_is_start and state.segment in _BEFORE:
            lock = RepSpec()
        depth = spec.rep_depth_cm(rep)
        cave = rep.knee_cave_cm / 100 if _is_ascent(spec.lift, state) else 0.0
        return cls(
            depth_m=None if depth is None else depth / 100,
            drift_m=rep.bar_drift_cm / 100,
            shift_m=rep.hip_shift_cm / 100,
            cave_m=cave,
            hips_rise=rep.hips_rise_first,
            soft_deg=lock.soft_lockout_deg,
            uneven_m=lock.uneven_lockout_cm / 100,
        )


_BEFORE = frozenset({"unrack", "walkout", "setup"})


def _is_ascent(lift: str, state: FrameState) -> bool:
    if state.segment != "rep":
        return False
    return state.phase == ("back" if lift == "squat" else "away")


# --- squat ---------------------------------------------------------------------------------


def _squat_legs(d, g: SquatGeometry, ankles, dirs, p, bottom_shank, bottom_hip_z, rp, cave):
    soft = rp.soft_deg * (1 - p)
    top_shank = g.shank_top_deg + 0.4 * soft
    shank = lerp(top_shank, bottom_shank, p)
    knees = _knees_before_ik(d, ankles, dirs, shank)
    top_z = _hip_z_straight(d, ankles, LOCKED_KNEE_DEG + soft, 0.0)
    shift = rp.shift_m * p
    pelvis = _pelvis_for(d, knees, lerp(top_z, bottom_hip_z, p), shift)
    hips = [pelvis + Y * d.hip_width / 2 - Z * rp.uneven_m * (1 - p), pelvis - Y * d.hip_width / 2]
    return pelvis, _cave_poles(d, dirs, hips, ankles, cave)


def _bottom_shank(g: SquatGeometry, d: BodyDims, depth_m: float) -> float:
    below_deg = math.degrees(math.asin(max(min(depth_m / d.thigh, 1.0), -1.0)))
    return g.shank_parallel_deg + g.shank_per_deg_below * below_deg


def solve_squat_bottom(d: BodyDims, g: SquatGeometry, ankles, dirs, depth_m: float, shift_m=0.0):
    """(shank angle, pelvis height, exact) whose IK'd knees sit ``depth_m`` above the hips.

    The margin after IK falls monotonically as the pelvis rises, so a bracketed root find
    (Brent) on the pelvis height hits the requested depth to well under a millimetre.
    """

    from repcheck.synth.kinematics import two_bone_ik

    shank = _bottom_shank(g, d, depth_m)
    knees = _knees_before_ik(d, ankles, dirs, shank)

    def margin_error(hip_z: float) -> float:
        pelvis = _pelvis_for(d, knees, hip_z, shift_m)
        knee_z = []
        for k, sign in enumerate((1.0, -1.0)):
            hip = pelvis + Y * sign * d.hip_width / 2
            knee, _ = two_bone_ik(hip, ankles[k], d.thigh, d.shank, dirs[k])
            knee_z.append(knee[2])
        return float(np.mean(knee_z)) - hip_z - depth_m

    return _solve_upper_branch(margin_error, float(np.mean([k[2] for k in knees])) - depth_m, shank)


_BOTTOMS: dict[tuple, tuple[float, float]] = {}


def _squat_bottom_cached(d: BodyDims, g: SquatGeometry, dx, depth_m: float, shift_m: float):
    """solve_squat_bottom, memoised: every frame of a rep asks for the same bottom."""
    key = (d, g, tuple(dx), depth_m, shift_m)
    if key not in _BOTTOMS:
        if len(_BOTTOMS) > 4096:
            _BOTTOMS.clear()
        ankles, dirs = _feet(d, g, dx)
        shank, hip_z, _ = solve_squat_bottom(d, g, ankles, dirs, depth_m, shift_m)
        _BOTTOMS[key] = (shank, hip_z)
    return _BOTTOMS[key]


def _solve_upper_branch(margin_error, guess: float, shank: float):
    """Root of ``margin_error`` on the branch where the pelvis is above the deepest reachable
    point. Very low pelvis heights fold the leg the wrong way, so the function has a single
    peak; search between the peak and a clearly-too-high pelvis."""
    from scipy.optimize import brentq

    zs = np.linspace(guess - 0.25, guess + 0.25, 26)
    errs = [margin_error(z) for z in zs]
    peak = int(np.argmax(errs))
    if errs[peak] < 0:  # deeper than this construction can reach: closest possible
        return shank, float(zs[peak]), False
    if errs[-1] > 0:
        return shank, float(zs[-1]), False
    return shank, float(brentq(margin_error, zs[peak], zs[-1], xtol=1e-7)), True


def squat_drivers(d, spec: ClipSpec, state: FrameState, g: SquatGeometry | None = None):
    g = g or SQUAT_STYLES[spec.squat_bar]
    rp = RepParams.for_frame(spec, state)
    p, dx, lift, dip = _standing_progress(state, g)
    ankles, dirs = _feet(d, g, dx)
    depth = rp.depth_m if rp.depth_m is not None else 0.03
    bottom_shank, bottom_z = _squat_bottom_cached(d, g, dx, depth, rp.shift_m)
    cave = rp.cave_m * math.sin(math.pi * p) if state.segment == "rep" else 0.0
    pelvis, poles = _squat_legs(d, g, ankles, dirs, max(p, dip), bottom_shank, bottom_z, rp, cave)
    p_eff = max(p, dip)
    # Balance: bar over mid-foot (+ drift). bar_x = px + A sin b - B cos b, solved for b.
    a_len, b_len = d.trunk + g.bar_up * d.height, g.bar_back * d.height
    target = _midfoot_x(d, ankles) + rp.drift_m * p_eff - pelvis[0]
    r = math.hypot(a_len, b_len)
    lean = math.atan2(b_len, a_len) + math.asin(max(min(target / r, 1.0), -1.0))
    trunk = _standing_trunk(math.degrees(lean))
    f, up = trunk[:, 0], trunk[:, 2]
    bar = pelvis + up * a_len - f * b_len
    grips = _grips(bar, Y, g.grip_half * d.height)
    elbow_poles = tuple(-f - 0.6 * up + Y * s * 0.3 for s in (1.0, -1.0))
    return Drivers(
        pelvis=pelvis, trunk=trunk, ankles=ankles, foot_dirs=dirs, knee_poles=poles,
        hand_targets=grips, elbow_poles=elbow_poles, head_pitch_deg=-0.45 * math.degrees(lean),
        pelvis_drop=rp.uneven_m * (1 - p_eff), bar_center=bar, foot_lift=lift,
    )  # fmt: skip


def _standing_progress(state: FrameState, g):
    """(rep progress, (left, right) foot x, foot lift, knee dip) for standing lifts with
    unrack / walk-out / walk-in / rack segments."""
    s, rack = state.progress, g.rack_dx
    if state.segment == "rep":
        return state.progress, (0.0, 0.0), (0.0, 0.0), 0.0
    if state.segment in ("unrack", "rack"):
        k = 1 - ease(s) if state.segment == "unrack" else ease(s)
        return 0.0, (rack, rack), (0.0, 0.0), g.dip * k
    forward = state.segment == "walkin"
    steps = []
    lifts = []
    for k in range(2):  # left foot steps first, then the right
        local = min(max(2 * s - k, 0.0), 1.0)
        steps.append(rack * (ease(local) if forward else 1 - ease(local)))
        lifts.append(0.05 * math.sin(math.pi * local))
    return 0.0, tuple(steps), tuple(lifts), 0.0


# --- press ---------------------------------------------------------------------------------


def press_drivers(d, spec: ClipSpec, state: FrameState, g: PressGeometry = PRESS) -> Drivers:
    rp = RepParams.for_frame(spec, state)
    p, dx, lift, dip = _standing_progress(state, g)
    ankles, dirs = _feet(d, g, dx)
    knees = _knees_before_ik(d, ankles, dirs, g.shank_top_deg + 30 * dip)
    hip_z = _hip_z_straight(d, ankles, LOCKED_KNEE_DEG + 180 * dip, 0.0)
    pelvis = _pelvis_for(d, knees, hip_z, 0.0)
    lean = -g.lean_back_deg * (1 - 0.5 * p)
    trunk = _standing_trunk(lean)
    f, up = trunk[:, 0], trunk[:, 2]
    shoulder_c = pelvis + up * d.trunk
    start = shoulder_c + f * g.rack_forward * d.height + up * g.rack_up * d.height
    soft = rp.soft_deg * p
    lateral = (g.grip_half - 0.5 * 0.236) * d.height
    rise = math.sqrt(max(_reach(d, soft) ** 2 - lateral**2, 0.0))
    top = np.array([shoulder_c[0] - 0.005 * d.height, 0.0, shoulder_c[2] + rise])
    bar = lerp(start, top, p) + X * (
        g.chin_clearance * d.height * math.sin(math.pi * p) + rp.drift_m * p
    )
    grips = _grips(bar, Y, g.grip_half * d.height, rp.uneven_m * p)
    axis = unit(grips[0] - grips[1])
    elbow_poles = tuple(-up * 0.5 + f * 0.6 + Y * s * 0.6 for s in (1.0, -1.0))
    return Drivers(
        pelvis=pelvis, trunk=trunk, ankles=ankles, foot_dirs=dirs, knee_poles=dirs,
        hand_targets=grips, elbow_poles=elbow_poles,
        head_pitch_deg=-g.head_back_deg * math.sin(math.pi * min(p * 1.6, 1.0)) - lean,
        bar_center=(grips[0] + grips[1]) / 2, bar_axis=axis, foot_lift=lift,
    )  # fmt: skip


# --- bench ---------------------------------------------------------------------------------


def bench_layout(d: BodyDims, g: BenchGeometry = BENCH) -> dict[str, float]:
    axis_z = g.pad_top + d.chest_half_depth * 0.95
    return {"axis_z": axis_z, "chest_z": axis_z + d.chest_half_depth,
            "touch_z": axis_z + d.chest_half_depth + BAR_RADIUS}  # fmt: skip


def bench_drivers(d, spec: ClipSpec, state: FrameState, g: BenchGeometry = BENCH) -> Drivers:
    rp = RepParams.for_frame(spec, state)
    lay = bench_layout(d, g)
    trunk = frame_from(Z, -X)  # chest up, head towards -x, left = +y
    shoulder_c = np.array([0.0, 0.0, lay["axis_z"]])
    pelvis = shoulder_c + X * d.trunk
    ankles, dirs = [], []
    for sign in (1.0, -1.0):
        ankles.append(
            np.array(
                [pelvis[0] + g.feet_x * d.height, sign * g.feet_half * d.height, d.ankle_height]
            )
        )
        dirs.append(unit(np.array([0.9, 0.35 * sign, 0.0])))
    knee_poles = tuple(Z + 0.5 * X + Y * s * 0.4 for s in (1.0, -1.0))
    half = g.grip_half * d.height
    lateral = half - d.shoulder_width / 2
    soft, p = rp.soft_deg, state.progress
    lock = np.array([0.0, 0.0, lay["axis_z"] + math.sqrt(_reach(d, soft) ** 2 - lateral**2)])
    depth = rp.depth_m if rp.depth_m is not None else 0.0
    bottom = np.array([g.touch_x * d.height + rp.drift_m, 0.0, lay["touch_z"] - depth])
    if state.segment == "rep":
        bar = np.array([lerp(lock[0], bottom[0], p**0.7), 0.0, lerp(lock[2], bottom[2], p)])
        drop = rp.uneven_m * (1 - p)
    else:  # unrack / rack: from the uprights to over the shoulders
        k = ease(state.progress) if state.segment == "unrack" else 1 - ease(state.progress)
        rack = np.array([g.rack_x, 0.0, bench_rack_height(d, g)])
        bar = lerp(rack, lock, k)
        drop = 0.0
    grips = _grips(bar, Y, half, drop)
    elbow_poles = tuple(Y * s * 1.0 + X * 0.5 - Z * 0.7 for s in (1.0, -1.0))
    return Drivers(
        pelvis=pelvis, trunk=trunk, ankles=tuple(ankles), foot_dirs=tuple(dirs),
        knee_poles=knee_poles, hand_targets=grips, elbow_poles=elbow_poles, head_pitch_deg=0.0,
        bar_center=(grips[0] + grips[1]) / 2, bar_axis=unit(grips[0] - grips[1]),
    )  # fmt: skip


def bench_rack_height(d: BodyDims, g: BenchGeometry = BENCH) -> float:
    """Bar height in the uprights: within reach with the elbows just unlocked."""
    lateral = g.grip_half * d.height - d.shoulder_width / 2
    reach = _reach(d, 8.0)
    return bench_layout(d, g)["axis_z"] + math.sqrt(reach**2 - lateral**2 - g.rack_x**2)


# --- deadlift ------------------------------------------------------------------------------


def _deadlift_body(d, g: DeadliftGeometry, ankles, dirs, legs: float, rp, lean_deg=None):
    soft = rp.soft_deg * legs
    shank = lerp(g.shank_setup_deg, g.shank_top_deg + 0.4 * soft, legs)
    shift = rp.shift_m * math.sin(math.pi * legs)
    setup_knees = _knees_before_ik(d, ankles, dirs, g.shank_setup_deg)
    low = _hip_z_for_thigh(d, setup_knees, g.thigh_setup_deg, shift)
    high = _hip_z_straight(d, ankles, LOCKED_KNEE_DEG + soft, shift)
    knees = _knees_before_ik(d, ankles, dirs, shank)
    pelvis = _pelvis_for(d, knees, lerp(low, high, legs), shift)
    hips = [pelvis + Y * d.hip_width / 2 - Z * rp.uneven_m * legs, pelvis - Y * d.hip_width / 2]
    return pelvis, knees, hips


def _deadlift_trunk(d, g, pelvis, bar_xz) -> np.ndarray | None:
    """Trunk frame whose shoulders are a straight arm's length from the bar, or None."""
    lateral = g.grip_half * d.height - d.shoulder_width / 2
    reach = math.sqrt(d.arm_to_bar**2 - lateral**2)
    sh = circle_intersection_upper(np.array([pelvis[0], pelvis[2]]), d.trunk, bar_xz, reach)
    if sh is None:
        return None
    up = np.array([sh[0] - pelvis[0], 0.0, sh[1] - pelvis[2]]) / d.trunk
    return frame_from(np.array([up[2], 0.0, -up[0]]), up)


def deadlift_drivers(d, spec: ClipSpec, state: FrameState, g: DeadliftGeometry = DEADLIFT):
    rp = RepParams.for_frame(spec, state)
    ankles, dirs = _feet(d, g)
    bar_x = _midfoot_x(d, ankles) + g.bar_ahead_of_midfoot * d.height
    floor_z = outer_radius_m(spec.load_kg, floor=PLATE_RADIUS)
    top_z = deadlift_lockout_bar_z(d, g, ankles, dirs, rp)
    if state.segment == "rep":
        q = state.progress
        legs = q ** (1.0 - 0.8 * rp.hips_rise) if q > 0 else 0.0
        bar = np.array([bar_x + rp.drift_m * math.sin(math.pi * q), 0.0, lerp(floor_z, top_z, q)])
        pelvis, knees, hips = _deadlift_body(d, g, ankles, dirs, legs, rp)
        trunk = _deadlift_trunk(d, g, pelvis, np.array([bar[0], bar[2]]))
        if trunk is None:
            trunk = _standing_trunk(-g.lean_back_deg)
        grips = _grips(bar, Y, g.grip_half * d.height, rp.uneven_m * q)
        on_bar = True
        cave = rp.cave_m * math.sin(math.pi * q)
    else:  # setup (stand behind the bar, then hinge down and grip) or stand (the reverse)
        k = ease(state.progress) if state.segment == "setup" else 1 - ease(state.progress)
        bar = np.array([bar_x, 0.0, floor_z])
        pelvis, knees, hips = _deadlift_body(d, g, ankles, dirs, 1 - k, rp)
        set_trunk = _deadlift_trunk(
            d, g, _deadlift_body(d, g, ankles, dirs, 0.0, rp)[0], np.array([bar[0], bar[2]])
        )
        lean = lerp(0.0, _lean_deg(set_trunk), k)
        trunk = _standing_trunk(lean)
        shoulders = pelvis + trunk[:, 2] * d.trunk
        hang = [
            shoulders + Y * s * (d.shoulder_width / 2 + 0.02) - Z * d.arm_to_bar * 0.97
            for s in (1.0, -1.0)
        ]
        grips = tuple(
            lerp(h, gp, k)
            for h, gp in zip(hang, _grips(bar, Y, g.grip_half * d.height), strict=True)
        )
        on_bar = k > 0.999
        cave = 0.0
    up = trunk[:, 2]
    drop = rp.uneven_m * state.progress if state.segment == "rep" else 0.0
    return Drivers(
        pelvis=pelvis, trunk=trunk, ankles=ankles, foot_dirs=dirs,
        knee_poles=_cave_poles(d, dirs, hips, ankles, cave), hand_targets=grips,
        elbow_poles=tuple(-trunk[:, 0] - 0.3 * up + Y * s * 0.2 for s in (1.0, -1.0)),
        head_pitch_deg=-0.35 * _lean_deg(trunk), pelvis_drop=drop,
        bar_center=(grips[0] + grips[1]) / 2 if on_bar else bar,
        bar_axis=unit(grips[0] - grips[1]) if on_bar else Y, hands_on_bar=on_bar,
    )  # fmt: skip


def _lean_deg(trunk: np.ndarray) -> float:
    up = trunk[:, 2]
    return math.degrees(math.atan2(up[0], up[2]))


def deadlift_lockout_bar_z(d, g: DeadliftGeometry, ankles, dirs, rp) -> float:
    pelvis, _, _ = _deadlift_body(d, g, ankles, dirs, 1.0, rp)
    trunk = _standing_trunk(-g.lean_back_deg)
    shoulder = pelvis + trunk[:, 2] * d.trunk
    bar_x = _midfoot_x(d, ankles) + g.bar_ahead_of_midfoot * d.height
    lateral = g.grip_half * d.height - d.shoulder_width / 2
    reach = math.sqrt(d.arm_to_bar**2 - lateral**2)
    return float(shoulder[2] - math.sqrt(max(reach**2 - (bar_x - shoulder[0]) ** 2, 0.0)))


# --- dispatch ------------------------------------------------------------------------------

POSE_FUNCTIONS = {
    "squat": squat_drivers,
    "bench": bench_drivers,
    "deadlift": deadlift_drivers,
    "press": press_drivers,
}


def figure_at(d: BodyDims, spec: ClipSpec, state: FrameState) -> Figure:
    return assemble(d, POSE_FUNCTIONS[spec.lift](d, spec, state))


def depth_limits_cm(lift: str, height_m: float, squat_bar: str = "high") -> tuple[float, float]:
    """The depth range (cm) the joints allow for ``lift``; (0, 0) where depth has no meaning."""
    d = BodyDims.from_height(height_m)
    if lift == "bench":
        return -20.0, 0.0
    if lift != "squat":
        return 0.0, 0.0
    return -0.55 * d.thigh * 100, _deepest_squat_cm(d, SQUAT_STYLES[squat_bar])


def _deepest_squat_cm(d: BodyDims, g: SquatGeometry = SQUAT) -> float:
    """Bisection on depth for the knee flexion limit."""
    from repcheck.synth.kinematics import two_bone_ik

    ankles, dirs = _feet(d, g)
    lo, hi = 0.0, d.thigh * 0.9
    for _ in range(30):
        mid = (lo + hi) / 2
        shank, hip_z, exact = solve_squat_bottom(d, g, ankles, dirs, mid)
        knees = _knees_before_ik(d, ankles, dirs, shank)
        pelvis = _pelvis_for(d, knees, hip_z, 0.0)
        hip = pelvis + Y * d.hip_width / 2
        knee, ankle = two_bone_ik(hip, ankles[0], d.thigh, d.shank, dirs[0])
        flexion = 180.0 - angle_deg(hip, knee, ankle)
        ok = exact and flexion <= g.max_knee_flexion_deg and hip_z > 0.15
        lo, hi = (mid, hi) if ok else (lo, mid)
    return math.floor(lo * 1000) / 10
