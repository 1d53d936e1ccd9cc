"""Overhead press checks: lockout overhead and over mid-foot, leg drive (push press) and
lean back.
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.checks.base import (
    TORSO_PER_HEIGHT,
    CheckDef,
    Measure,
    Measurement,
    best_side,
    forward_sign,
    measure_elbow_lockout,
    visibility,
)
from repcheck.analysis.findings import Verdict
from repcheck.pose.angles import joint_angle

#: Lockout frames: the hands in this top share of their travel (see :func:`lockout_frames`).
LOCKOUT_TOP_FRACTION = 1 / 3


def measure_leg_drive(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = best_side(ctx, ("hip", "knee", "ankle"), w)
    if side is None:
        return None
    knee = joint_angle(ctx.series, "knee", side)
    standing = np.nanpercentile(knee, 75)
    dip = standing - np.nanmin(knee[w])
    if not np.isfinite(dip):
        return None
    return Measurement(float(max(dip, 0.0)), visibility(ctx, side, ("hip", "knee", "ankle"), w))


def lockout_frames(rep, wrist_y: np.ndarray) -> np.ndarray:
    """Indices of the rep's frames where the hands are in the top
    :data:`LOCKOUT_TOP_FRACTION` of their travel: the lockout hold and the last of the way
    up and the first of the way down. Not the single highest frames: the model's overhead
    wrists can sit half a torso too low during the hold and overshoot as they arrive or
    leave (synthetic side views), so the highest frames can be those where the bar still
    bows forward around the face; the median over the top third is the hold's."""
    y = wrist_y[rep.start_i:rep.end_i + 1]
    if not np.isfinite(y).any():
        return np.array([], dtype=int)
    top, bottom = np.nanmin(y), np.nanmax(y)
    return np.flatnonzero(y <= top + LOCKOUT_TOP_FRACTION * (bottom - top)) + rep.start_i


def lockout_offset(ctx, rep):
    """Per-frame forward offset of the hands from the shoulders (px) and the visibility
    it was read with, or None when the joints were not seen."""
    s = ctx.series
    if ctx.view.view == "side":
        side = best_side(ctx, ("wrist", "shoulder"), slice(rep.start_i, rep.end_i + 1))
        if side is None:
            return None
        sides = (side,)
    else:
        sides = ("left", "right")
    wrist = sum(s.xy(f"{sd}_wrist") for sd in sides) / len(sides)
    shoulder = sum(s.xy(f"{sd}_shoulder") for sd in sides) / len(sides)
    top = lockout_frames(rep, wrist[:, 1])
    if len(top) == 0:
        return None
    vis = min(visibility(ctx, sd, ("wrist", "shoulder"), top) for sd in sides)
    return wrist[top, 0] - shoulder[top, 0], vis


def measure_press_lockout_position(ctx, rep):
    """How far in front of the shoulders the hands finish, in % of torso length (+ =
    towards the toes). Locked out, the bar stacks over the shoulders and mid-foot; the
    shoulder joint is the reference because it sits right under the bar in the same plane,
    where the foot points sit a torso and a half lower and jump more. From the side the
    near arm is read (the far one is hidden); from an oblique view the midpoints of both
    wrists and both shoulders, because the grip is wider than the shoulders and that
    sideways offset shows as a forward one that flips sign between front and back
    obliques (clean synthetic lockouts: near side -5 % from the front, +2 % from behind)."""
    read = lockout_offset(ctx, rep)
    forward = forward_sign(ctx)
    if read is None or forward == 0 or not np.isfinite(read[0]).any():
        return None
    offset, vis = read
    pct = 100 * forward * float(np.nanmedian(offset)) / ctx.seg.scale_px
    extra = {}
    if ctx.height_cm:
        extra["ahead_cm"] = round(pct / 100 * TORSO_PER_HEIGHT * ctx.height_cm, 1)
    return Measurement(pct, vis, extra)


def measure_lean_back(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = best_side(ctx, ("shoulder", "hip"), w)
    if side is None:
        return None
    s = ctx.series
    facing = forward_sign(ctx)  # the same forward as the lockout-position check
    d = s.xy(f"{side}_shoulder")[w] - s.xy(f"{side}_hip")[w]
    signed = np.degrees(np.arctan2(d[:, 0] * facing, -d[:, 1]))  # + = leaning forward
    if not np.isfinite(signed).any() or facing == 0:
        return None
    return Measurement(float(max(-np.nanmin(signed), 0.0)),
                       visibility(ctx, side, ("shoulder", "hip"), w))


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("press.lockout", "press", "Lockout overhead", ("oblique",), 171.0, "°",
             ">=", Verdict.FAIL, "Rep {rep}: locked out overhead ({value:.0f}°)",
             "Rep {rep}: elbows not locked overhead ({value:.0f}°)",
             "coaching convention (straight arms). Measured: locked-out synthetic presses "
             "read 176-180° oblique (cameras 0.6-1.8 m, 1.56-1.89 m lifters, 36 reps; real "
             "oblique clip 180°); a 20° soft lockout reads 167° (oblique back), so 171°. "
             "Not judged from the side: the near plate covers the hands overhead and "
             "BlazePose places the near wrist 22-70 % of torso length off with the camera "
             "at 1.1-1.8 m (3-6 % at 0.6 m), so locked arms read 166-180° (8 of 36 clean "
             "reps under 171°) and 15-25° soft ones 160-179°. From the front the elbow "
             "bends towards the camera and locked arms read 160-169°: not judged"),
    CheckDef("press.leg_drive", "press", "Leg drive", ("side", "oblique"), 10.0, "°", "<=",
             Verdict.FAIL, "Rep {rep}: strict, knees still",
             "Rep {rep}: knees dipped {value:.0f}°: that is a push press, not a strict press",
             "strict press definition; 10° exceeds knee-angle noise"),
    CheckDef("press.bar_over_midfoot", "press", "Lockout over mid-foot", ("side", "oblique"),
             5.0, "% torso", "<=", Verdict.WARN,
             "Rep {rep}: bar locked out over the shoulders ({value:.0f}% of torso length)",
             "Rep {rep}: bar finished {value:.0f}% of torso length in front of the shoulders: "
             "press it back over mid-foot as it passes the face",
             "barbell coaching (lock out with the bar over the shoulders and mid-foot). "
             "Measured: the hands' forward offset from the shoulders over the top third of "
             "the press, % of torso length. Synthetic presses (`repcheck synth --drift`, "
             "1.57-1.95 m lifters, side and front/back/right oblique cameras), tuned on seeds "
             "301-303, 311-314, 321-324: 87 clean reps read -4.3 to 3.3 %, 51 of 56 reps "
             "drifted 5-10 cm over 5 % (oblique 32/33, side 19/23), 13 of 25 drifted 3-4 cm; "
             "held out, seeds 331-334: 32 clean reps -5.1 to 4.0 % (none over), 19 of 20 "
             "drifted 5-10 cm (oblique 12/12, side 7/8), 4 of 8 drifted 3-4 cm. A real "
             "front-oblique press reads -0.5 %. From the front the forward offset runs "
             "along the camera axis: not judged"),
    CheckDef("press.lean_back", "press", "Lean back", ("side",), 15.0, "°", "<=",
             Verdict.WARN, "Rep {rep}: torso stayed upright",
             "Rep {rep}: leaned back {value:.0f}°: squeeze glutes and brace",
             "coaching convention for the strict press"),
)

MEASURES: dict[str, Measure] = {
    "press.lockout": measure_elbow_lockout,
    "press.leg_drive": measure_leg_drive,
    "press.bar_over_midfoot": measure_press_lockout_position,
    "press.lean_back": measure_lean_back,
}
