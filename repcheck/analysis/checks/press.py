"""Overhead press checks: lockout overhead (also against the set's straightest rep) and
over mid-foot, leg drive (push press) and lean back.
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.checks.base import (
    TORSO_PER_HEIGHT,
    CheckDef,
    Measure,
    Measurement,
    Unjudged,
    best_side,
    forward_sign,
    measure_elbow_lockout,
    short_of_best,
    visibility,
)
from repcheck.analysis.findings import Verdict
from repcheck.pose.angles import angle_at, joint_angle
from repcheck.pose.landmarks import landmark_index
from repcheck.pose.signal import nan_median

#: Lockout frames: the hands in this top share of their travel (see :func:`lockout_frames`).
LOCKOUT_TOP_FRACTION = 1 / 3


#: A knee is read only in frames where the leg is drawn where it stands at lockout: the
#: ankle within this many torso lengths of its lockout place and thigh + shin within
#: :data:`LEG_MAX_LENGTH_CHANGE` of their lockout length. The feet stay planted and a dip
#: bends the knee without shortening the bones, so a push press keeps both. With the bar
#: at the shoulders BlazePose can draw the whole body squashed upwards (hands hidden
#: behind the plates, cameras 1.1-1.8 m: ankles up to a torso length high, legs at
#: 0.5-1.8 of their length), and those frames bent straight knees 12-22° (synthetic
#: presses). Tuned on seeds 8000-8405: ankle 0.1/0.2/0.3 x length 0.10/0.15; a 0.15
#: length change let clean knees read 9°, 0.2 for the ankle judged the most reps.
LEG_MAX_ANKLE_SHIFT = 0.20
LEG_MAX_LENGTH_CHANGE = 0.10
#: A push press dips in the last ~0.3 s before the bar leaves the shoulders and the knees
#: straighten as it starts up: the knee is read from DIP_LEAD_S before the rep's start to
#: DIP_DRIVE_S after it (the real strict press clip bends its knees 7° later, near lockout).
DIP_LEAD_S = 0.5
DIP_DRIVE_S = 0.3
#: The frames from DIP_BOTTOM_BEFORE_S before to DIP_BOTTOM_AFTER_S after the rep's start
#: hold a dip's deepest point; with under this share of them drawn in place a dip could
#: go unseen (synthetic dips there read as can't judge, none passed).
DIP_BOTTOM_BEFORE_S = 0.3
DIP_BOTTOM_AFTER_S = 0.15
DIP_MIN_PLACED = 0.3


def measure_leg_drive(ctx, rep):
    """How far the knee bends from standing over the dip and drive of the rep (°): the
    standing angle is the clip's 75th percentile, the dip its least from
    :data:`DIP_LEAD_S` before the bar leaves the shoulders to :data:`DIP_DRIVE_S` after,
    both read only where the leg is drawn in place (:func:`leg_in_place`)."""
    w = slice(rep.start_i, rep.end_i + 1)
    side = best_side(ctx, ("hip", "knee", "ankle"), w)
    if side is None:
        return None
    placed = leg_in_place(ctx, side, rep)
    if placed is None:
        return None
    fps = ctx.series.fps or 30.0
    bottom = slice(max(rep.start_i - round(DIP_BOTTOM_BEFORE_S * fps), 0),
                   rep.start_i + round(DIP_BOTTOM_AFTER_S * fps) + 1)
    share = float(np.mean(placed[bottom]))
    if share < DIP_MIN_PLACED:
        return Unjudged(f"the legs are drawn out of place in {100 - 100 * share:.0f}% of "
                        "the frames where the bar leaves the shoulders (the plates hide "
                        "the hands and the model misdraws the body): a dip can't be told; "
                        "film from hip height")
    knee = np.where(placed, joint_angle(ctx.series, "knee", side), np.nan)
    dip_w = slice(max(rep.start_i - round(DIP_LEAD_S * fps), 0),
                  min(rep.start_i + round(DIP_DRIVE_S * fps), rep.turn_i) + 1)
    dip = np.nanpercentile(knee, 75) - np.nanmin(knee[dip_w])
    if not np.isfinite(dip):
        return None
    return Measurement(float(max(dip, 0.0)),
                       visibility(ctx, side, ("hip", "knee", "ankle"), dip_w))


def leg_in_place(ctx, side, rep) -> np.ndarray | None:
    """Per frame, whether the ``side`` leg is drawn where it stands at the rep's lockout
    (see :data:`LEG_MAX_ANKLE_SHIFT`): overhead, the hands and plates hide nothing below
    the shoulders. None when the lockout did not show the leg."""
    s = ctx.series
    hip, knee, ankle = (s.xy(f"{side}_{p}") for p in ("hip", "knee", "ankle"))
    length = np.linalg.norm(hip - knee, axis=1) + np.linalg.norm(knee - ankle, axis=1)
    tops = lockout_frames(rep, ctx.motion_series.xy(f"{side}_wrist")[:, 1])
    if not np.isfinite(length[tops]).any():
        return None
    shift = np.linalg.norm(ankle - np.nanmedian(ankle[tops], axis=0), axis=1) / ctx.seg.scale_px
    change = np.abs(length / nan_median(length[tops]) - 1)
    return (shift <= LEG_MAX_ANKLE_SHIFT) & (change <= LEG_MAX_LENGTH_CHANGE)


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


#: From the side, a far knee drawn higher than the near one by more than this share of the
#: torso length means a camera looking down on the lifter: from there the near plate covers
#: the hands overhead and BlazePose draws locked arms bent. Synthetic side presses (seeds
#: 8000-8048): lifter's left side to the camera 2.5-6.3 % from 0.6-1.1 m, 7.6-13.2 % from
#: 1.25-1.8 m; right side -0.3-2.8 % from 0.6-1.1 m, 3.9-7.3 % from 1.25-1.45 m (the arm
#: rule below then decides), 9.4-11.2 % from 1.8 m.
SIDE_MAX_KNEE_DROP_PCT = 6.5
#: The knee rule needs the knees apart in depth (world metres, as BlazePose compresses
#: it): knees side by side to the camera are drawn level from any height. Synthetic side
#: presses read 0.15-0.25 m, one at 0.095 m.
SIDE_MIN_KNEE_SPAN_M = 0.12
#: From the side, a shoulder-to-wrist distance over the lockout hold under this many torso
#: lengths means BlazePose pulled the near wrist down onto the plate. Synthetic side
#: presses the knee rule lets through (seeds 8000-8048) drew locked arms at 0.58-1.01;
#: the six that read over 6° bent were at 0.60-0.91 (cameras 1.1-1.45 m), those at 0.92
#: and over read 175-180°.
SIDE_MIN_ARM_TORSOS = 0.92


#: A lockout reading below this is a fault (see the press.lockout source).
LOCKOUT_MIN_DEG = 170.0
#: press.lockout_vs_best: a rep whose near elbow, held locked out, is this much less straight
#: than the set's straightest other rep is a soft lockout. Clean synthetic side presses read
#: up to 4.9° short on tuning seeds 8000-8999 and 8.9° on seeds 9000-9999 (see its source).
LOCKOUT_SHORT_DEG = 10.0
#: press.lockout_vs_best reads an arm only where it is drawn at least this many torso
#: lengths from shoulder to wrist over the top of the press. From 1.8 m the plate hides the
#: hands and the model drew some locked arms 0.29-0.48 long, folded to 53-148° and up to 33°
#: apart from rep to rep (synthetic side presses, seeds 8000-8999); the next shortest clean
#: arms read 0.54-0.58, also from 1.8 m.
VS_BEST_MIN_ARM_TORSOS = 0.55
#: ...and only when the elbow is read on at least this many frames of the hold.
HOLD_MIN_FRAMES = 3


#: From the side, a shoulder-to-wrist distance over the top of the press under this many
#: torso lengths means BlazePose pulled the near wrist onto the plate, and its forward
#: place with it. Clean synthetic side presses (seeds 8000-8235): the two that read over
#: 5 % (6.2, 7.5 %) had arms drawn at 0.58 and 0.72; 5-10 cm drifts were drawn at
#: 0.64-1.02 (two under 0.75).
SIDE_MIN_OFFSET_ARM_TORSOS = 0.75
#: From the side, shoulders drawn further apart across the picture than this share of the
#: torso length (median over the top of the press) mean the camera is turned off the
#: side, and the grip's width (the hands outside the shoulders) then shows as a forward
#: or backward offset of the near hand as big as a 5 cm drift. Synthetic presses: square
#: side cameras 0.6-1.8 m draw them 0-6 % apart; turned 15° 6-14 %, 20-25° 13-32 %,
#: where clean lockouts read up to 7.9 % (seeds 8300-8315).
SIDE_MAX_SHOULDER_SPREAD_PCT = 10.0


def lockout_offset(ctx, rep):
    """Per-frame forward offset of the hands from the shoulders (px) over the lockout
    frames and the visibility it was read with; None when the joints were not seen,
    Unjudged when a side view can't place them (:func:`side_lockout_offset`)."""
    s = ctx.series
    if ctx.view.view == "side":
        return side_lockout_offset(ctx, rep)
    wrist = (s.xy("left_wrist") + s.xy("right_wrist")) / 2
    shoulder = (s.xy("left_shoulder") + s.xy("right_shoulder")) / 2
    top = lockout_frames(rep, wrist[:, 1])
    if len(top) == 0:
        return None
    vis = min(visibility(ctx, sd, ("wrist", "shoulder"), top) for sd in ("left", "right"))
    return wrist[top, 0] - shoulder[top, 0], vis


def side_lockout_offset(ctx, rep):
    """:func:`lockout_offset` from the side, read from the near arm (the far one is hidden
    or misplaced); Unjudged when the near wrist was pulled onto the plate
    (:data:`SIDE_MIN_OFFSET_ARM_TORSOS`) or the camera is turned off the side
    (:data:`SIDE_MAX_SHOULDER_SPREAD_PCT`)."""
    s = ctx.series
    side = best_side(ctx, ("wrist", "shoulder"), slice(rep.start_i, rep.end_i + 1))
    if side is None:
        return None
    wrist, shoulder = s.xy(f"{side}_wrist"), s.xy(f"{side}_shoulder")
    top = lockout_frames(rep, wrist[:, 1])
    if len(top) == 0 or not np.isfinite(wrist[top]).any():
        return None
    arm = nan_median(np.linalg.norm(wrist[top] - shoulder[top], axis=1)) / ctx.seg.scale_px
    if not arm >= SIDE_MIN_OFFSET_ARM_TORSOS:
        return Unjudged(f"the arm is drawn at {arm:.2f} torso lengths overhead: the near "
                        "plate hides the hands and the wrist was misplaced; film from hip "
                        "height or the front-oblique")
    m = ctx.motion_series
    spread = 100 * nan_median(np.abs(m.xy("left_shoulder")[top, 0]
                                     - m.xy("right_shoulder")[top, 0])) / ctx.seg.scale_px
    if spread > SIDE_MAX_SHOULDER_SPREAD_PCT:
        return Unjudged(f"the shoulders are drawn {spread:.0f}% of torso length apart: the "
                        "camera is turned off the side, so the grip's width shows as a "
                        "forward offset; film square to the side or from the front-oblique")
    return wrist[top, 0] - shoulder[top, 0], visibility(ctx, side, ("wrist", "shoulder"), top)


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
    if isinstance(read, Unjudged):
        return read
    forward = forward_sign(ctx)
    if read is None or forward == 0 or not np.isfinite(read[0]).any():
        return None
    offset, vis = read
    pct = 100 * forward * float(np.nanmedian(offset)) / ctx.seg.scale_px
    extra = {}
    if ctx.height_cm:
        extra["ahead_cm"] = round(pct / 100 * TORSO_PER_HEIGHT * ctx.height_cm, 1)
    return Measurement(pct, vis, extra)


def measure_press_lockout(ctx, rep):
    """The elbow angle at lockout: from an oblique view the straightest frame of the
    rep (:func:`measure_elbow_lockout`); from the side see :func:`side_lockout`."""
    if ctx.view.view == "side":
        return side_lockout(ctx, rep)
    return measure_elbow_lockout(ctx, rep)


def side_lockout(ctx, rep):
    """The near elbow's angle at its straightest over the top of the press, seen from the
    side, or why it can't be judged. A soft lockout bends the elbow forward (towards the
    toes), so an elbow drawn behind the shoulder-wrist line reads as straight (180°): it
    is the model's error, not a bent arm. Judged only when the view can be trusted: the
    camera not looking down on the lifter (:data:`SIDE_MAX_KNEE_DROP_PCT`) and the arm
    drawn at its full length overhead (:data:`SIDE_MIN_ARM_TORSOS`)."""
    arm_bend = near_arm_bend(ctx, rep)
    if arm_bend is None:
        return None
    shoulder, wrist, top, bend = arm_bend
    drop, span = knee_line(ctx)
    if not (np.isfinite(drop) and span >= SIDE_MIN_KNEE_SPAN_M):
        return Unjudged("the knees were not placed apart in depth, so whether the camera "
                        "looks down on the lifter (the near plate then hides the hands "
                        "overhead) can't be told; film from hip height or the "
                        "front-oblique")
    if drop > SIDE_MAX_KNEE_DROP_PCT:
        return Unjudged(f"the far knee is drawn {drop:.0f}% of torso length above the near "
                        "one: the camera looks down on the lifter, and from there the near "
                        "plate hides the hands overhead; film from hip height or the "
                        "front-oblique")
    straightest = top[np.nanargmin(bend[top])]
    hold = lockout_hold(bend, top)
    arm = float(np.nanmedian(np.linalg.norm(wrist[hold] - shoulder[hold], axis=1)))
    arm /= ctx.seg.scale_px
    if not arm >= SIDE_MIN_ARM_TORSOS:
        return Unjudged(f"the arm is drawn at {arm:.2f} torso lengths overhead: the near "
                        "plate hides the hands and the wrist was misplaced; film from hip "
                        "height or the front-oblique")
    angle = 180.0 - max(float(bend[straightest]), 0.0)
    return Measurement(angle, visibility(ctx, ctx.side, ("shoulder", "elbow", "wrist"), top),
                       {"side": ctx.side})


def near_arm_bend(ctx, rep):
    """The near arm from the side: shoulder and wrist points, the rep's lockout frames
    (:func:`lockout_frames`) and the elbow's forward bend per frame (+ towards the toes,
    :func:`forward_bend`); None when the lifter's facing or the bend at the top was not
    seen."""
    forward = forward_sign(ctx)
    shoulder, elbow, wrist = (ctx.series.xy(f"{ctx.side}_{p}")
                              for p in ("shoulder", "elbow", "wrist"))
    top = lockout_frames(rep, wrist[:, 1])
    bend = forward_bend(shoulder, elbow, wrist) * forward
    if forward == 0 or len(top) == 0 or not np.isfinite(bend[top]).any():
        return None
    return shoulder, wrist, top, bend


def lockout_hold(bend: np.ndarray, top: np.ndarray) -> np.ndarray:
    """The lockout frames ``top`` where the elbow is drawn straightest (the third with the
    least forward bend): the hold itself, not the last of the way up or the first of the
    way down that the top third of the hands' travel also takes in."""
    return top[bend[top] <= np.nanpercentile(bend[top], 100 / 3)]


def held_lockout_elbow(ctx, rep) -> float:
    """The near elbow's angle while the rep's lockout is held, seen from the side: 180°
    minus the median forward bend over the hold (:func:`lockout_hold`), an elbow drawn
    behind the shoulder-wrist line counting as straight (see :func:`side_lockout`). NaN
    when the lifter's facing was not seen, the arm was drawn short overhead
    (:data:`VS_BEST_MIN_ARM_TORSOS`) or the elbow read on too few frames
    (:data:`HOLD_MIN_FRAMES`)."""
    arm_bend = near_arm_bend(ctx, rep)
    if arm_bend is None:
        return float("nan")
    shoulder, wrist, top, bend = arm_bend
    held = bend[lockout_hold(bend, top)]
    arm = nan_median(np.linalg.norm(wrist[top] - shoulder[top], axis=1)) / ctx.seg.scale_px
    if np.isfinite(held).sum() < HOLD_MIN_FRAMES or not arm >= VS_BEST_MIN_ARM_TORSOS:
        return float("nan")
    return 180.0 - max(float(np.nanmedian(held)), 0.0)


def measure_press_lockout_vs_best(ctx, rep):
    """How many degrees less straight this rep's near elbow was at the held lockout than
    in the set's straightest other rep (:func:`short_of_best`): the model's misreading of
    an arm the plate half hides errs alike from rep to rep (see the press.lockout source).
    A set of one rep is not judged (min_reps)."""
    return short_of_best(ctx, rep, lambda r: held_lockout_elbow(ctx, r),
                         "the near arm was not read clearly at the held lockout (drawn short "
                         "overhead: the plate hides the hands); film from hip height",
                         ("shoulder", "elbow", "wrist"), slice(rep.start_i, rep.end_i + 1),
                         "elbow_deg")


def forward_bend(shoulder, elbow, wrist) -> np.ndarray:
    """Per frame, 180° minus the elbow angle, + when the elbow lies on the image's +x side
    of the shoulder-wrist line of an arm pointing up; times the forward sign, + is an
    elbow bent towards the toes."""
    reach, out = wrist - shoulder, elbow - shoulder
    cross = reach[:, 0] * out[:, 1] - reach[:, 1] * out[:, 0]
    return (180.0 - angle_at(shoulder, elbow, wrist)) * np.sign(cross)


def knee_line(ctx) -> tuple[float, float]:
    """How far above the near knee the far knee is drawn (median over the clip, % of
    torso length, + = higher) and how far apart in depth the knees are (world metres).
    Read from the motion landmarks, which keep the half-hidden far knee. Nearer points are
    drawn lower from above, so a camera high above the knees lifts the far knee. NaN when
    the far knee was never placed, and the span NaN without world landmarks (files saved
    before them)."""
    m = ctx.motion_series
    far = "left" if ctx.side == "right" else "right"
    drop = 100 * nan_median(m.xy(f"{ctx.side}_knee")[:, 1] - m.xy(f"{far}_knee")[:, 1])
    if m.world is None:
        return drop / ctx.seg.scale_px, float("nan")
    depth = m.world[:, [landmark_index("left_knee"), landmark_index("right_knee")], 2]
    return drop / ctx.seg.scale_px, nan_median(np.abs(depth[:, 0] - depth[:, 1]))


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
    CheckDef("press.lockout", "press", "Lockout overhead", ("side", "oblique"),
             LOCKOUT_MIN_DEG, "°", ">=", Verdict.FAIL,
             "Rep {rep}: locked out overhead ({value:.0f}°)",
             "Rep {rep}: elbows not locked overhead ({value:.0f}°)",
             "coaching convention (straight arms). Measured: locked-out synthetic presses "
             "read 176-180° oblique (cameras 0.6-1.8 m, 1.56-1.89 m lifters, 36 reps; real "
             "oblique clip 180°); a 20° soft lockout reads 167° (oblique back), so 171° at "
             "first; 170° since two clean reps read 170.6° (camera turned 70° from the "
             "front, 1.1 m, seed 8310) and 170.8° (held out, side_right 1.45 m, seed 6648): "
             "of 218 clean reps judged on seeds 8000-9999 none reads under 170°, and 26 of 80 "
             "soft ones (10-25°) fail (30 at 171°, 22 at 169°; a 20° soft rep of seed 8024 "
             "reads 169.4°): the two overlap here, the set comparison "
             "(press.lockout_vs_best) catches what this misses. "
             "From the side (near arm, forward bend only; these figures were taken at the 171° "
             "line) only where the camera does not "
             "look down on the lifter and the arm is drawn full length overhead; elsewhere "
             "the near plate covers the hands and locked arms read 66-180° (12 of 29 such "
             "clean reps under 171°): can't judge. Synthetic side presses, cameras "
             "0.6-1.8 m, 1.56-1.95 m lifters, soft lockouts 10-25°, tuned on seeds "
             "8000-8048: 20 of 49 clean reps judged, 175-180°; 8 of 49 soft ones failed "
             "(165-170°; 20-25°: 6 of 22), 12 passed (171-180°), 29 can't judge. Held out, "
             "seeds 9000-9023: 8 of 24 clean reps judged, 175-180°; 3 of 24 soft ones "
             "failed (20-25°: 3 of 13), 6 passed, 15 can't judge; seeds 9100-9119 (clean, "
             "480x854): 21 of 40 reps judged, 174-180°; cameras 15-25° off the side read "
             "as side (seeds 9200-9241, 0.85-1.1 m): 24 of 26 clean reps judged, 172-180°, "
             "13 of 16 25° soft ones failed. The accuracy benchmark's "
             "side press (seed 18, 1.1 m): locked 176°, 25° soft 167°. From the front the "
             "elbow bends towards the camera and locked arms read 160-169°: not judged. A soft "
             "rep among locked ones is also read against the set (press.lockout_vs_best)"),
    CheckDef("press.lockout_vs_best", "press", "Lockout against your best rep", ("side",),
             LOCKOUT_SHORT_DEG, "° short", "<=", Verdict.WARN,
             "Rep {rep}: elbows as straight at the top as in your best rep",
             "Rep {rep}: elbows {value:.0f}° less straight at the top than in rep {best_rep}: "
             "finish every press with the elbows locked",
             "coaching convention (elbows locked overhead). The near elbow while the lockout "
             "is held (median over the straightest third of the frames with the hands in the "
             "top third of their travel; an elbow drawn behind the shoulder-wrist line counts "
             "as straight), against the set's straightest other rep; not judged on arms drawn "
             "under 0.55 torso lengths overhead (VS_BEST_MIN_ARM_TORSOS) or read on under 3 "
             "frames. Synthetic side presses (side and side_right, cameras 0.6-1.8 m, lifters "
             "1.55-1.95 m; 10/15/20/25° soft lockouts draw 7/10/13/17° bent in the true 2-D "
             "joints). Tuning seeds 8000-8999 (3-rep 8600-8649 and 2-rep clips): clean reps "
             "0-4.9° short (154 judged of 165; cameras turned 15-25° off the side 0-5.0°, 16); "
             "seeds 9000-9999 (2-rep) then read up to 8.9° (62 of 64 judged; turned 0-8.3°, "
             "56 of 56), 2 of 120 over the 6° first tried, so 10° (clean max + 1). Caught on "
             "both: 10° 2 of 26 judged, 15° 2 of 23, 20° 9 of 25, 25° 13 of 24, turned 25° "
             "11 of 16. Held out, seeds 6600-6649 (3-rep): clean 0 of 97 judged (of 106, "
             "0-7.7°); caught 10° 1 of 9, 15° 2 of 8, 20° 3 of 8, 25° 4 of 10 (press.lockout "
             "failed 0, 1, 0, 1 of them). Most soft lockouts still pass: the drawn elbow "
             "scatters up to 9° from rep to rep, as much as a 10-15° fault. From an oblique "
             "camera the elbow bends out of the picture (soft lockouts draw 175-178° in the "
             "true joints, read 0-9.6° short against 0-3.5° clean): not judged",
             min_reps=2),
    CheckDef("press.leg_drive", "press", "Leg drive", ("side", "oblique"), 10.0, "°", "<=",
             Verdict.FAIL, "Rep {rep}: strict, knees still",
             "Rep {rep}: knees dipped {value:.0f}°: that is a push press, not a strict press",
             "strict press definition (a push press dips the knees just before the drive). "
             "Measured: the knee's dip from standing (the clip's 75th percentile) from 0.5 s "
             "before the bar leaves the shoulders to 0.3 s after, in frames where the leg is "
             "drawn where it stands at lockout. Synthetic presses (knees straight; side, "
             "15-20° turned side and oblique cameras 0.6-1.8 m, 1.55-1.95 m lifters), "
             "tuned on seeds 8000-8405: 199 of 228 clean reps read 0-6.9°, 29 can't judge "
             "(legs misdrawn as the bar leaves the shoulders, cameras 1.1-1.8 m; before "
             "this, 8 read 11.6-22.2°); knees bent 20-30° over 0.3 s before the rise, hips "
             "and above lowered with them: 102 of 115 failed, 13 can't judge, none passed "
             "(12°: 87 failed, 15 passed). Held out, seeds 9000-9515: 242 of 256 clean "
             "reps 0-5.9°, 14 can't judge (before: 5 read 11.8-24.4°); 20-30° dips 118-119 "
             "of 128 failed, the rest can't judge. Real front-oblique strict press: 2°"),
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
             "along the camera axis: not judged. From the side not judged where the near "
             "arm is drawn under 0.75 torso lengths overhead (the plate hid the wrist) or "
             "the shoulders 10 % of torso length apart (camera turned off the side: the "
             "grip's width reads as up to 7.9 % forward). Seeds 8000-8405: clean 149 of "
             "192 reps judged, -5.8 to 4.7 % (before: 7 over 5 %, 5.3-7.9 %); 5-10 cm "
             "drifts square side 21 of 22 over 5 %, 1 can't judge, turned 8 can't judge. "
             "Held out, seeds 9000-9515: clean 157 of 224 judged, none over (before: 2); "
             "drifts square side 13 of 18 over, 4 can't judge, 1 missed (before 14, 4 "
             "missed), oblique 6/6, turned 1 of 8 (7 can't judge)"),
    CheckDef("press.lean_back", "press", "Lean back", ("side",), 15.0, "°", "<=",
             Verdict.WARN, "Rep {rep}: torso stayed upright",
             "Rep {rep}: leaned back {value:.0f}°: squeeze glutes and brace",
             "coaching convention for the strict press"),
)

MEASURES: dict[str, Measure] = {
    "press.lockout": measure_press_lockout,
    "press.lockout_vs_best": measure_press_lockout_vs_best,
    "press.leg_drive": measure_leg_drive,
    "press.bar_over_midfoot": measure_press_lockout_position,
    "press.lean_back": measure_lean_back,
}
