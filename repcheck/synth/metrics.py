"""Per-rep truth: what the rep really did, measured on the 3D skeleton, and the faults injected.

The numbers here are *measured* on the rendered skeleton at exact times (not sampled
frames), so they are what an analysis should recover: the depth margin at the bottom, the
bar's forward drift, the sideways hip shift, knee width at the bottom, joint angles at
lockout, how far the hips rose before the bar in a deadlift. The fault list is the
injected faults (from the parameters), as data (:data:`FAULT_KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from repcheck.synth.body import BodyDims
from repcheck.synth.kinematics import angle_deg
from repcheck.synth.lifts import bench_layout, figure_at
from repcheck.synth.skeleton import Figure
from repcheck.synth.spec import ClipSpec, RepSpec
from repcheck.synth.timeline import CONCENTRIC_FIRST, RepTiming, Timeline


@dataclass(frozen=True)
class FaultKind:
    name: str
    field: str  # RepSpec field that injects it
    unit: str
    lifts: tuple[str, ...]
    meaning: str


FAULT_KINDS: tuple[FaultKind, ...] = (
    FaultKind(
        "depth_above_parallel",
        "depth_cm",
        "cm",
        ("squat",),
        "the hip joint stayed above the knee joint at the bottom",
    ),
    FaultKind("no_chest_touch", "depth_cm", "cm", ("bench",), "the bar stopped short of the chest"),
    FaultKind(
        "bar_drift",
        "bar_drift_cm",
        "cm",
        ("squat", "bench", "deadlift", "press"),
        "the bar moved forward off its line",
    ),
    FaultKind(
        "hip_shift",
        "hip_shift_cm",
        "cm",
        ("squat", "deadlift"),
        "the pelvis shifted sideways (+ = to the lifter's left)",
    ),
    FaultKind(
        "knee_cave",
        "knee_cave_cm",
        "cm",
        ("squat", "deadlift"),
        "the knees travelled inwards on the way up",
    ),
    FaultKind(
        "hips_rise_first",
        "hips_rise_first",
        "fraction",
        ("deadlift",),
        "the knees straightened before the bar left the floor",
    ),
    FaultKind(
        "soft_lockout",
        "soft_lockout_deg",
        "deg",
        ("squat", "bench", "deadlift", "press"),
        "knees or elbows not straight at lockout",
    ),
    FaultKind(
        "uneven_lockout",
        "uneven_lockout_cm",
        "cm",
        ("squat", "bench", "deadlift", "press"),
        "one side lower than the other at lockout (+ = left lower)",
    ),
)


def injected_faults(spec: ClipSpec, rep: RepSpec) -> list[tuple[str, float, str]]:
    out = []
    for kind in FAULT_KINDS:
        if spec.lift not in kind.lifts:
            continue
        if kind.field == "depth_cm":
            depth = spec.rep_depth_cm(rep)
            if depth is not None and depth < 0:
                out.append((kind.name, depth, kind.unit))
            continue
        value = getattr(rep, kind.field)
        if value:
            out.append((kind.name, float(value), kind.unit))
    return out


def rep_times(spec: ClipSpec, rt: RepTiming) -> dict[str, float]:
    mid_turn = (rt.turn_s + rt.turn_end_s) / 2
    if spec.lift in CONCENTRIC_FIRST:
        return {
            "start_s": rt.start_s,
            "bottom_s": rt.start_s,
            "lockout_s": rt.turn_s,
            "end_s": rt.end_s,
        }
    return {"start_s": rt.start_s, "bottom_s": mid_turn, "lockout_s": rt.end_s, "end_s": rt.end_s}


def _fig(d: BodyDims, spec: ClipSpec, tl: Timeline, t: float) -> Figure:
    return figure_at(d, spec, tl.state_at(t))


def depth_margin_cm(lift: str, fig: Figure, d: BodyDims) -> float | None:
    j = fig.joints
    if lift == "squat":
        knee = (j["left_knee"][2] + j["right_knee"][2]) / 2
        hip = (j["left_hip"][2] + j["right_hip"][2]) / 2
        return float(knee - hip) * 100
    if lift == "bench":
        return float(bench_layout(d)["touch_z"] - fig.bar_center[2]) * 100
    return None


def rep_metrics(d: BodyDims, spec: ClipSpec, tl: Timeline, rt: RepTiming) -> dict:
    times = rep_times(spec, rt)
    bottom = _fig(d, spec, tl, times["bottom_s"])
    # Just inside the rep: the top of a squat is the start of the next rep's descent.
    nudge = 1e-6 if spec.lift in CONCENTRIC_FIRST else -1e-6
    lock = _fig(d, spec, tl, times["lockout_s"] + nudge)
    samples = np.linspace(rt.start_s, rt.end_s, 61)
    figs = [_fig(d, spec, tl, float(t)) for t in samples]
    bar_x = np.array([f.bar_center[0] for f in figs])
    pelvis_y = np.array([f.joints["pelvis"][1] for f in figs])
    j = bottom.joints
    knee_w = abs(j["left_knee"][1] - j["right_knee"][1])
    ankle_w = abs(j["left_ankle"][1] - j["right_ankle"][1])
    bent = [f for f in figs if _knee_angle(f) < 130.0] or figs
    widths = [abs(f.joints["left_knee"][1] - f.joints["right_knee"][1]) for f in bent]
    lj = lock.joints
    m = {
        "bar_drift_cm": round(_bar_drift_cm(d, spec, tl, rt, samples, figs) * 100, 1),
        "bar_horizontal_travel_cm": round(float(np.ptp(bar_x)) * 100, 1),
        "hip_shift_cm": round(float(pelvis_y[np.argmax(np.abs(pelvis_y))]) * 100, 1),
        "knee_width_to_ankle_width_bottom": round(knee_w / ankle_w, 3),
        "min_knee_width_to_ankle_width_bent": round(min(widths) / ankle_w, 3),
        "knee_cave_cm": round(_knee_cave_cm(d, spec, tl, rt, samples, figs) * 100, 1),
        "lockout_knee_angle_deg": round(min(_angle(lj, s, "knee") for s in SIDES), 1),
        "lockout_hip_angle_deg": round(min(_angle(lj, s, "hip") for s in SIDES), 1),
        "lockout_elbow_angle_deg": round(min(_angle(lj, s, "elbow") for s in SIDES), 1),
        "lockout_hip_height_diff_cm": _height_diff_cm(lj, "hip"),
        "lockout_wrist_height_diff_cm": _height_diff_cm(lj, "wrist"),
        "bottom_knee_angle_deg": round(min(_angle(j, s, "knee") for s in SIDES), 1),
    }  # fmt: skip
    if spec.lift == "deadlift":
        m["hip_rise_at_bar_10cm_cm"] = round(_hip_rise_at_bar(figs, 0.10) * 100, 1)
    return m


SIDES = ("left", "right")
#: Joint angles as the three points that define them.
ANGLES = {
    "knee": ("hip", "knee", "ankle"),
    "hip": ("shoulder", "hip", "knee"),
    "elbow": ("shoulder", "elbow", "wrist"),
}


def _height_diff_cm(joints: dict, part: str) -> float:
    """Right minus left height, cm: + when the lifter's left side is lower."""
    return round(float(joints[f"right_{part}"][2] - joints[f"left_{part}"][2]) * 100, 1)


def _angle(joints: dict, side: str, name: str) -> float:
    """Joint angle in 3D, degrees (180 = straight)."""
    a, b, c = (joints[f"{side}_{part}"] for part in ANGLES[name])
    return angle_deg(a, b, c)


def _knee_angle(f: Figure) -> float:
    j = f.joints
    return min(angle_deg(j[f"{s}_hip"], j[f"{s}_knee"], j[f"{s}_ankle"]) for s in ("left", "right"))


def _without(spec: ClipSpec, index: int, **clean) -> ClipSpec:
    reps = list(spec.reps)
    reps[index] = replace(reps[index], **clean)
    return replace(spec, reps=tuple(reps))


def _bar_drift_cm(d, spec: ClipSpec, tl: Timeline, rt: RepTiming, samples, figs) -> float:
    """Largest forward excursion of the bar against the same rep without drift."""
    if not spec.reps[rt.index].bar_drift_cm:
        return 0.0
    clean_spec = _without(spec, rt.index, bar_drift_cm=0.0)
    diffs = [
        fig.bar_center[0] - figure_at(d, clean_spec, tl.state_at(float(t))).bar_center[0]
        for t, fig in zip(samples, figs, strict=True)
    ]
    return float(max(diffs, key=abs))


def _knee_cave_cm(d, spec: ClipSpec, tl: Timeline, rt: RepTiming, samples, figs) -> float:
    """Largest inward travel of the knees (mean of both) against the same rep without cave."""
    if not spec.reps[rt.index].knee_cave_cm:
        return 0.0
    clean_spec = _without(spec, rt.index, knee_cave_cm=0.0)
    worst = 0.0
    for t, fig in zip(samples, figs, strict=True):
        clean = figure_at(d, clean_spec, tl.state_at(float(t)))
        inward = (
            clean.joints["left_knee"][1]
            - fig.joints["left_knee"][1]
            + fig.joints["right_knee"][1]
            - clean.joints["right_knee"][1]
        ) / 2
        worst = max(worst, float(inward))
    return worst


def _hip_rise_at_bar(figs: list[Figure], bar_rise: float) -> float:
    z0 = figs[0].bar_center[2]
    p0 = figs[0].joints["pelvis"][2]
    for f in figs:
        if f.bar_center[2] - z0 >= bar_rise:
            return float(f.joints["pelvis"][2] - p0)
    return float("nan")
