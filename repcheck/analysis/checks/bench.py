"""Bench press checks: pause on the chest, bar to the chest, touch point, lockout and an
uneven lockout.

**Pause** (IPF: bar motionless on the chest) is the longest spell in the lowest quarter of
the rep over which the hands, the bar's proxy, stay within :data:`PAUSE_STILL_PCT` of torso
length. Only judged from an oblique view.

**Bar to the chest** compares each rep's lowest point (hands and elbows) with the set's
deepest rep: from a still camera BlazePose's error at the chest largely repeats from rep
to rep, so a rep that stops higher than the others stands out. A set in which every rep
stops short is therefore not caught, and a single rep is not judged. An absolute reading
was measured and is not usable: the hands' lowest point above the shoulders, in % of the
arm, reads 15 % on a full rep with the renderer's exact joints from an oblique camera at
0.6 m but 0.5 % from 1.8 m (front 1.2 m: 11 %, 1.8 m: 7 %), while 5 cm short adds
only 8-9 %, and the camera's height is not known. BlazePose's readings of full reps
spread 4-55 % within one camera height (oblique 0.6 m: -45 to +10 %, 5 cm short +26 %;
front 1.2 m: -3 to +25 %, 5 cm short +21 %; head-end obliques: full -22 to -10 %,
5 cm short -15 to +2 %; tuning seeds 8010-8220).

**Lockout** is the straightest the elbow got with the hands at the top, from the side or
from an oblique camera at the head end of the bench. A soft lockout leaves the elbows
bent out, down and towards the feet (as the renderer bends them), so how much of the
bend a camera sees depends on where it stands (exact joints, 25° soft = 155°): the side
draws 167-172°; an oblique from the feet end draws the near elbow at 172-173° (40° soft:
167-170°), the bend running along the line of sight; one from the head end 159-160°
(40°: 146-148°). From the end of the bench both elbows show the whole bend, but
BlazePose drew straight arms there as bent as 151-155°, like a 30° soft lockout. So the
feet end and the end of the bench are not judged, nor a camera looking down on the bench,
and only a clearly bent finish is called.

**Uneven lockout** looks at the arms at each lockout from the front: a bar locked out lower
on one side leaves that arm bent, so its elbow sits lower and its elbow angle is smaller.
Both are read and averaged; the hands themselves barely show it (BlazePose read fists
6-8 cm lower as 0-4 cm lower).

Lengths are in % of the locked arm (shoulder to wrist at the top of the reps): in front and
oblique views the arm at lockout and the bar's path are both about square to the camera,
so they share one scale whatever the camera distance. With the lifter's height the value
is also given in cm (arm = 0.332 x stature, Winter's segment table).
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.body import mid
from repcheck.analysis.checks.base import (
    MIN_CONFIDENCE_TO_FAULT,
    PLAUSIBLE_PCT,
    CheckContext,
    CheckDef,
    Measure,
    Measurement,
    Unjudged,
    best_side,
    lockout_window,
    lost_lifter,
    turn_window,
    visibility,
)
from repcheck.analysis.findings import Verdict
from repcheck.analysis.reps import Rep
from repcheck.pose.angles import joint_angle
from repcheck.pose.landmarks import LandmarkSeries, landmark_index
from repcheck.pose.signal import nan_median

#: Bench pause: the bar counts as still while the hands (and, failing them, the elbows)
#: stay within this share of torso length (~1 cm). Filtered landmark noise on paused
#: synthetic reps is 0.1-0.5 %; a touch-and-go turnaround still spends 0.1-0.3 s inside 2 %.
PAUSE_STILL_PCT = 2.0
#: Shortest still spell on the chest counted as a meet-style pause (see bench.pause source).
PAUSE_STILL_MIN_S = 0.25
#: A still spell this far from PAUSE_STILL_MIN_S (either way) is called with full confidence.
PAUSE_CONFIDENT_MARGIN_S = 0.15
#: Only the lowest part of a rep (this share of its travel from the bottom) is searched.
PAUSE_BOTTOM_FRACTION = 0.25

#: Bar to chest: a rep whose lowest point stays more than this share of the arm above the
#: set's deepest rep stopped short (see the bench.chest_touch source).
CHEST_TOUCH_SHORT_PCT = 6.0
#: Uneven lockout: one arm this much (% of the arm) lower than the other (bench.uneven).
UNEVEN_PCT = 7.0
#: The two readings of an uneven lockout (elbow height, elbow angle) are one quantity
#: twice; when they differ by more than this the landmarks are not trusted. Synthetic
#: lockouts, even and uneven, differ by up to 7 % (tuning seeds 19, 401-413) and 10 %
#: (held out, 451-476); a real bench filmed from the head end by 29-36 % (one elbow
#: higher, the other more bent).
UNEVEN_DISAGREE_PCT = 15.0
#: Shoulder to wrist joint centre as a share of stature: upper arm 0.186 + forearm 0.146
#: (Winter's segment table; the synthetic lifter is built from the same table).
ARM_PER_HEIGHT = 0.332
UPPER_ARM_SHARE = 0.186 / ARM_PER_HEIGHT
#: Stature assumed for the cm figure in a cue when the lifter's height is not given.
TYPICAL_HEIGHT_CM = 175.0
#: The points whose lowest position marks a rep's bottom: hands (the bar's proxy) and
#: elbows, which drop with them; their errors at the chest are partly independent.
LOW_POINT_PARTS = ("wrist", "elbow")
#: The hands' and elbows' rise above the deepest rep agree within this (% of the arm) on
#: clean synthetic reps read cleanly; misread ones differed by up to 50.
PARTS_AGREE_PCT = 3.0
#: From an oblique view the torso of a lifter lying on the bench is drawn nearly level
#: when the camera is about as high as the bench, and tilted when it looks down on it.
#: Synthetic obliques (tuning seeds 8016-8027, 8108-8115, 8209-8218): cameras 0.6-0.75 m
#: drew it 1-5° off level, 1.2 m 5-9°, 1.8 m 9-16°; from 1.2-1.8 m BlazePose misread the
#: hands at the chest by up to 45 % of the arm in single reps of clean sets.
OBLIQUE_MAX_TORSO_TILT_DEG = 7.5
#: Filmed from the end of the bench the torso runs up the image: synthetic front and
#: back views from 1.2-1.8 m drew it 82-88° from level (tuning seeds 8010-8015,
#: 8104-8107, 8201-8226). Nearer bench height, or where BlazePose misread the body, it
#: read 2-75°; one such clip (head end, 1.2 m, 5°) read its even lockout as 7.8 % uneven.
END_ON_MIN_TORSO_TILT_DEG = 70.0
#: A rep whose shoulders sit more than this share of the arm away from the set's median
#: position is not compared: the camera moved, or the pose model slipped (synthetic sets
#: the model tracked: spread 0.3-4.2 %; the paused example's rep 2: 17 %).
SHOULDER_SHIFT_PCT = 10.0
#: Lockout: frames with the hands within this share of the set's travel from the top.
TOP_SHARE = 0.2
#: Lockout readings below this contradict the hands' position: within TOP_SHARE of the
#: travel from the top the arm reaches about 90 % of its length, which takes an elbow
#: of about 125° or more. Readings of 40-60° there came from a folded arm BlazePose drew
#: at a straight lockout (side views from 1.2-1.8 m, seeds 8003 and 9025).
LOCKOUT_PLAUSIBLE_DEG = 110.0
#: The top after a rep is read over at most this long (the synthetic top pause is 0.35 s).
LOCKOUT_HOLD_S = 0.5
#: Lockout from an oblique view: only from the head end of the bench, told by BlazePose's
#: world depth (metres from the hips, + = further from the camera): the shoulders at least
#: this much nearer the camera than the ankles. Synthetic obliques (tuning seeds
#: 8020-8511), cameras 0.6-1.2 m, turned from the side towards the head end: 30° +0.11
#: to +0.36 m, 45° +0.58 to +0.75 m, 15° +0.03 to +0.09 m; towards the feet end -0.27 to
#: -0.57 m (0.6-1.8 m); the real obliques (all from the feet end or the side) -0.16 to
#: -0.38 m. From 1.8 m the head end read -0.08 to -0.20 m, but the camera is then too
#: high anyway (see OBLIQUE_MAX_TORSO_TILT_DEG: there straight arms were drawn 140° bent).
HEAD_END_MIN_DEPTH_M = 0.05


def longest_still_s(y: np.ndarray, t: np.ndarray, tol: float) -> float:
    """Longest time span over which the finite values of ``y`` stay within a band of
    width ``tol`` (a NaN ends a span)."""
    best = 0.0
    for i in range(len(y)):
        if not np.isfinite(y[i]):
            continue
        lo = hi = y[i]
        j = i
        while j + 1 < len(y) and np.isfinite(y[j + 1]) and \
                max(hi, y[j + 1]) - min(lo, y[j + 1]) <= tol:
            j += 1
            lo, hi = min(lo, y[j]), max(hi, y[j])
        best = max(best, float(t[j] - t[i]))
    return best


def measure_bench_pause(ctx, rep):
    """How long the bar stayed still at the bottom: the longest spell in the lowest
    quarter of the rep over which the hands (the bar's proxy), or the elbows when the
    hands are mostly hidden there, moved less than PAUSE_STILL_PCT of torso length."""
    if ctx.seg.rest != "top":
        return Unjudged("the clip starts with the bar low, so the chest touch is not "
                        "where the reps turn around")
    s = ctx.motion_series
    w = slice(rep.start_i, rep.end_i + 1)
    t = s.times[w]
    hand = mid(s, "wrist")[w, 1] / ctx.seg.scale_px * 100
    if np.isfinite(hand).sum() < 4:
        return None
    low, high = np.nanmax(hand), np.nanmin(hand)
    bottom = hand >= low - PAUSE_BOTTOM_FRACTION * (low - high)
    spells = {part: longest_still_s(np.where(bottom, y, np.nan), t, PAUSE_STILL_PCT)
              for part, y in (("wrist", hand),
                              ("elbow", mid(s, "elbow")[w, 1] / ctx.seg.scale_px * 100))}
    # The hands decide; the elbows only when the hands are mostly hidden at the chest
    # (on synthetic obliques the elbows read no better, and one touch-and-go rep 0.33 s).
    seen = np.isfinite(hand[bottom]).mean() if bottom.any() else 0.0
    value = spells["wrist"] if seen >= 0.5 else spells["elbow"]
    # Paused and touch-and-go readings overlap near the threshold (see the source), so the
    # confidence falls to 0 there, and a reading too close to call either way (within
    # ~0.07 s) is "can't judge", with the measurement, rather than a pass or a fault.
    if value < PAUSE_STILL_MIN_S and rep.unseen_s >= PAUSE_STILL_MIN_S:
        # The segmenter bridged a stretch where the hands were hidden: the bar may have
        # been still there, so a short still spell is not evidence of touch-and-go.
        return Unjudged(f"the hands were out of sight for {rep.unseen_s:.2f} s at the "
                        "bottom, so the pause can't be timed")
    confidence = 0.9 * min(1.0, abs(value - PAUSE_STILL_MIN_S) / PAUSE_CONFIDENT_MARGIN_S)
    if confidence < MIN_CONFIDENCE_TO_FAULT:
        return Unjudged(f"the bar was still for {value:.2f} s, too close to "
                        f"{PAUSE_STILL_MIN_S:g} s to tell a pause from touch-and-go")
    extra = {"timed_pause_s": round(rep.pause_s, 2),
             **{f"{k}_still_s": round(v, 2) for k, v in spells.items()}}
    return Measurement(value, confidence, extra)


def measure_touch_point(ctx, rep):
    if ctx.seg.rest != "top":
        return Unjudged("the chest touch is not where the reps turn around")
    w = turn_window(rep)
    side = best_side(ctx, ("shoulder", "hip", "wrist"), w)
    if side is None:
        return None
    s = ctx.series
    sh, hp, wr = (np.nanmedian(s.xy(f"{side}_{p}")[w], axis=0)
                  for p in ("shoulder", "hip", "wrist"))
    axis = hp - sh
    along = float(np.dot(wr - sh, axis) / np.dot(axis, axis)) * 100
    if not np.isfinite(along):
        return None
    return Measurement(along, visibility(ctx, side, ("shoulder", "hip", "wrist"), w))


def judged_sides(ctx: CheckContext) -> tuple[str, ...]:
    """Both arms from the front; the arm nearer the camera otherwise (the far one is
    hidden behind the lifter or the plates and its landmarks jump)."""
    return ("left", "right") if ctx.view.view == "front" else (ctx.side,)


def part_y(s: LandmarkSeries, sides: tuple[str, ...], part: str) -> np.ndarray:
    """(T,) image height (down = +) of ``part``, averaged over ``sides``."""
    ys = np.stack([s.xy(f"{side}_{part}")[:, 1] for side in sides])
    out = np.full(ys.shape[1], np.nan)
    seen = np.isfinite(ys).any(axis=0)
    out[seen] = np.nanmean(ys[:, seen], axis=0)
    return out


def locked_arm_px(ctx: CheckContext, sides: tuple[str, ...]) -> float:
    """Shoulder-to-wrist length at the top of the reps (the hands within 10 % of their
    travel from the highest), where the arm is straight and its landmarks are steady."""
    lengths = []
    for side in sides:
        sh, wr = ctx.series.xy(f"{side}_shoulder"), ctx.series.xy(f"{side}_wrist")
        y = wr[:, 1]
        if np.isfinite(y).sum() < 5:
            continue
        lo, hi = np.nanpercentile(y, [5, 95])
        top = y <= lo + 0.1 * (hi - lo)
        lengths.append(np.nanmedian(np.linalg.norm(sh - wr, axis=1)[top]))
    ok = [v for v in lengths if np.isfinite(v) and v > 0]
    return float(np.mean(ok)) if ok else float("nan")


def pct_to_cm(ctx: CheckContext, pct: float) -> float:
    return pct / 100 * ARM_PER_HEIGHT * (ctx.height_cm or TYPICAL_HEIGHT_CM)


def rep_low_points(ctx: CheckContext, sides: tuple[str, ...]) -> dict[str, np.ndarray]:
    """part -> each rep's lowest image position of that part (NaN when unseen)."""
    s = ctx.motion_series
    out = {}
    for part in LOW_POINT_PARTS:
        y = part_y(s, sides, part)
        out[part] = np.array([np.nanmax(y[r.start_i:r.end_i + 1])
                              if np.isfinite(y[r.start_i:r.end_i + 1]).any() else np.nan
                              for r in ctx.seg.reps])
    return out


def shoulder_offsets_pct(ctx: CheckContext, sides: tuple[str, ...], arm: float) -> np.ndarray:
    """Per rep, how far the shoulders' median position sits from the median over the
    set's reps, in % of the arm (NaN where the shoulders were not seen)."""
    sh = np.stack([ctx.series.xy(f"{side}_shoulder") for side in sides]).mean(axis=0)
    per_rep = np.array([np.nanmedian(sh[r.start_i:r.end_i + 1], axis=0)
                        for r in ctx.seg.reps])
    centre = np.nanmedian(per_rep, axis=0)
    return 100 * np.linalg.norm(per_rep - centre, axis=1) / arm


def torso_tilt_deg(ctx: CheckContext) -> float:
    """How far the hip-to-shoulder line is drawn from level in the image, in degrees
    (median over the clip; NaN when unseen)."""
    d = mid(ctx.series, "shoulder") - mid(ctx.series, "hip")
    dx, dy = np.nanmedian(np.abs(d[:, 0])), np.nanmedian(np.abs(d[:, 1]))
    return float(np.degrees(np.arctan2(dy, dx)))


def camera_above_bench(ctx: CheckContext) -> Unjudged | None:
    """Why an oblique view is not judged, if the camera looked down on the bench (see
    OBLIQUE_MAX_TORSO_TILT_DEG); front views are judged from any height."""
    if ctx.view.view != "oblique":
        return None
    tilt = torso_tilt_deg(ctx)
    if np.isfinite(tilt) and tilt <= OBLIQUE_MAX_TORSO_TILT_DEG:
        return None
    return Unjudged(f"the camera looks down on the bench (torso drawn {tilt:.0f}° off "
                    f"level), where the hands at the chest are misread; film from about "
                    f"bench height")


def combined_rise(rises: list[np.ndarray]) -> np.ndarray:
    """Per rep, one rise from the hands' and the elbows' (each in % of the arm above its
    own deepest rep): their mean where they agree within PARTS_AGREE_PCT, else the
    smaller. A rep that stops short lifts both; a wrist or elbow misread at the chest
    moves only one, most often in the deepest rep, which then makes every other rep look
    short by that part alone."""
    a, b = rises
    return np.where(np.abs(a - b) <= PARTS_AGREE_PCT, (a + b) / 2, np.minimum(a, b))


def measure_chest_touch(ctx, rep):
    """How much higher this rep's lowest point (hands and elbows, see combined_rise)
    stayed than the set's deepest rep, in % of the locked arm (+ = stopped higher)."""
    if ctx.seg.rest != "top":
        return Unjudged("the clip starts with the bar low, so the chest touch is not "
                        "where the reps turn around")
    if len(ctx.seg.reps) < 2:
        return Unjudged("each rep is compared with the set's deepest, so it takes two reps")
    if (unjudged := lost_lifter(ctx) or camera_above_bench(ctx)) is not None:
        return unjudged
    sides = judged_sides(ctx)
    arm = locked_arm_px(ctx, sides)
    if not np.isfinite(arm):
        return None
    offsets = shoulder_offsets_pct(ctx, sides, arm)
    k = ctx.seg.reps.index(rep)
    if not np.isfinite(offsets[k]):
        return None
    if offsets[k] > SHOULDER_SHIFT_PCT:
        return Unjudged(f"the shoulders sit {offsets[k]:.0f}% of the arm's length away from "
                        f"where they were in the other reps (the camera moved, or the pose "
                        f"model slipped), so its lowest point cannot be compared")
    kept = np.flatnonzero(offsets <= SHOULDER_SHIFT_PCT)  # NaN compares False
    if len(kept) < 2:
        return Unjudged("no other rep with the shoulders in the same place to compare with")
    lows = [v[kept] for v in rep_low_points(ctx, sides).values() if np.isfinite(v[kept]).all()]
    if len(lows) < len(LOW_POINT_PARTS):
        return None
    short = combined_rise([100 * (v.max() - v) / arm for v in lows])
    mine = float(short[list(kept).index(k)])
    vis = min(visibility(ctx, side, LOW_POINT_PARTS, slice(rep.start_i, rep.end_i + 1))
              for side in sides)
    deepest = ctx.seg.reps[int(kept[np.argmin(short)])].number
    cm = pct_to_cm(ctx, mine)
    near = "" if deepest == rep.number else f" (within {cm:.0f} cm of rep {deepest})"
    return Measurement(mine, vis, {"short_cm": round(cm, 1), "deepest": deepest,
                                   "near": near})


def top_after(ctx: CheckContext, rep: Rep) -> slice:
    """The lockout a rep finishes in: from the rep's end until the next rep starts (at
    most LOCKOUT_HOLD_S), else the rep's last frames (the clip ends at the lockout)."""
    nxt = [r.start_i for r in ctx.seg.reps if r.start_i > rep.end_i]
    step = np.median(np.diff(ctx.series.times)) if len(ctx.series) > 1 else np.nan
    frames = int(LOCKOUT_HOLD_S / step) if np.isfinite(step) and step > 0 else 0
    stop = min(nxt[0] if nxt else len(ctx.series), rep.end_i + 1 + frames)
    if stop - rep.end_i >= 3:
        return slice(rep.end_i, stop)
    return lockout_window(ctx, rep)


def hands_near_top(ctx: CheckContext, side: str, w: slice) -> np.ndarray:
    """(frames in ``w``,) True where the hands were within TOP_SHARE of the set's travel
    from their highest: the only frames where the arm can be locked out."""
    y = ctx.motion_series.xy(f"{side}_wrist")[:, 1]
    if np.isfinite(y).sum() < 5:
        return np.zeros(w.stop - w.start, bool)
    top, low = np.nanpercentile(y, [5, 95])
    return y[w] <= top + TOP_SHARE * (low - top)  # NaN compares False


def shoulders_nearer_m(ctx: CheckContext) -> float:
    """How much nearer the camera the shoulders are than the ankles (median over the clip,
    world metres; NaN without world landmarks): + from the head end of the bench, - from
    the feet end."""
    w = ctx.series.world
    if w is None:
        return float("nan")
    z = {p: w[:, [landmark_index(f"left_{p}"), landmark_index(f"right_{p}")], 2].mean(axis=1)
         for p in ("ankle", "shoulder")}
    return nan_median(z["ankle"] - z["shoulder"])


def lockout_view(ctx: CheckContext) -> Unjudged | None:
    """Why the camera can't show a bent elbow at the top, if it can't: an oblique camera
    not at the head end of the bench, where the bend runs along the line of sight (see
    HEAD_END_MIN_DEPTH_M), or a camera looking down on the bench (torso drawn more than
    OBLIQUE_MAX_TORSO_TILT_DEG off level), from where BlazePose drew locked arms at
    117-143°: head-end obliques from 1.8 m, read as side views when the view is not
    given, and a side view from 1.8 m (seeds 8103, 8216, 9415). Side views read cleanly
    were drawn within 6° of level (cameras 0.6-1.8 m)."""
    if ctx.view.view == "oblique":
        nearer = shoulders_nearer_m(ctx)
        if not np.isfinite(nearer):
            return Unjudged("the landmarks carry no depth, so whether the camera is at the "
                            "head end of the bench, the only oblique view that shows a bent "
                            "elbow, can't be told")
        if nearer < HEAD_END_MIN_DEPTH_M:
            return Unjudged("the camera is not towards the head end of the bench, and from "
                            "there a bent elbow at the top points along its line of sight; "
                            "film from the side, or from the head end's corner at about "
                            "bench height")
    tilt = torso_tilt_deg(ctx)
    if not tilt <= OBLIQUE_MAX_TORSO_TILT_DEG:
        return Unjudged(f"the camera looks down on the bench (torso drawn {tilt:.0f}° off "
                        f"level), from where locked arms were drawn bent; film from about "
                        f"bench height")
    return None


def measure_lockout(ctx, rep):
    """The straightest the facing elbow got with the hands at the top, from the bottom of
    the rep through the lockout it finishes in. The rep's own frames are not enough: the
    segmenter ends a rep as the bar slows near the top, up to 0.2 s before the elbows lock
    (clean synthetic reps read 154-159° there, 172-180° a few frames later); and a
    misplaced rep boundary puts the "lockout" mid-rep, where the hands are low. From an
    oblique view only the near elbow shows the bend, so the far one is never read."""
    if (unjudged := lockout_view(ctx)) is not None:
        return unjudged
    parts = ("shoulder", "elbow", "wrist")
    w = slice(rep.turn_i, top_after(ctx, rep).stop)
    side = best_side(ctx, parts, w)
    if side is None or (ctx.view.view == "oblique" and side != ctx.side):
        return None
    values = joint_angle(ctx.series, "elbow", side)[w]
    top = hands_near_top(ctx, side, w) & np.isfinite(values)
    if not top.any():
        return Unjudged("the hands were not seen at the top after this rep")
    value = float(np.max(values[top]))
    if value < LOCKOUT_PLAUSIBLE_DEG:
        return Unjudged(f"the elbow reads {value:.0f}° with the hands at the top, which no "
                        f"arm can do: its landmarks are misplaced")
    return Measurement(value, visibility(ctx, side, parts, w), {"side": side})


def reach_pct(elbow_deg: float) -> float:
    """Shoulder-to-wrist distance with the elbow at ``elbow_deg``, in % of the straight
    arm (law of cosines with Winter's upper arm and forearm shares)."""
    a, b = UPPER_ARM_SHARE, 1 - UPPER_ARM_SHARE
    return 100 * float(np.sqrt(a * a + b * b - 2 * a * b * np.cos(np.radians(elbow_deg))))


def measure_uneven(ctx, rep):
    """How much lower one arm locked out than the other, in % of the arm: the mean of the
    elbows' height difference and the reach lost by the more bent elbow."""
    if (unjudged := lost_lifter(ctx)) is not None:
        return unjudged
    tilt = torso_tilt_deg(ctx)
    if not tilt >= END_ON_MIN_TORSO_TILT_DEG:
        return Unjudged(f"the torso is drawn {tilt:.0f}° off level, not running up the image "
                        f"as it does filmed from the end of the bench (the camera is low, or "
                        f"the pose model misread the body)")
    w = top_after(ctx, rep)
    arm = locked_arm_px(ctx, ("left", "right"))
    elbow_y = [np.nanmedian(ctx.motion_series.xy(f"{side}_elbow")[w, 1])
               for side in ("left", "right")]
    angles = [np.nanmedian(joint_angle(ctx.series, "elbow", side)[w])
              for side in ("left", "right")]
    if not np.isfinite([arm, *elbow_y, *angles]).all():
        return None
    drop = 100 * (elbow_y[0] - elbow_y[1]) / arm  # + = left elbow lower
    lost = reach_pct(angles[1]) - reach_pct(angles[0])  # + = left arm shorter
    if max(abs(drop), abs(lost)) > PLAUSIBLE_PCT:
        return Unjudged("the elbow landmarks jump too much to trust")
    if abs(drop - lost) > UNEVEN_DISAGREE_PCT:
        return Unjudged(f"the elbows' heights and angles disagree by {abs(drop - lost):.0f}% "
                        f"of the arm about which arm was lower")
    value = (drop + lost) / 2
    vis = min(visibility(ctx, side, ("shoulder", "elbow", "wrist"), w)
              for side in ("left", "right"))
    return Measurement(abs(value), vis, {
        "low_side": "left" if value > 0 else "right", "drop_pct": round(drop, 1),
        "lost_reach_pct": round(lost, 1), "uneven_cm": round(pct_to_cm(ctx, abs(value)), 1),
        "elbows": f"left {angles[0]:.0f}°, right {angles[1]:.0f}°"})


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("bench.pause", "bench", "Pause on chest", ("oblique",),
             PAUSE_STILL_MIN_S, "s", ">=", Verdict.WARN,
             "Rep {rep}: paused on the chest, bar still for {value:.2f} s (meet-style)",
             "Rep {rep}: touch-and-go, the bar was still on the chest for only {value:.2f} s: "
             "fine in training, but a meet needs the bar motionless before the press",
             "IPF Technical Rules: bar held motionless on the chest before the press. "
             "'Still' = hands within 2 % of torso length (~1 cm). Measured on synthetic "
             "oblique benches, 3 reps each: seeds 1-4, 1.0 s paused reps read 0.30-1.20 s "
             "still and touch-and-go 0.07-0.20 s, so 0.25 s; seeds 5-11 then read "
             "0.20-1.20 s and 0.10-0.23 s, so the confidence falls to 0 near 0.25 s and "
             "readings within ~0.07 s of it are 'can't judge'. From the side the "
             "hands at the chest jump (paused 0.07-0.83 s, touch-and-go 0.03-0.30 s), so "
             "not judged there, nor from the front, where the bar moves towards the camera",
             meet_only=True),
    CheckDef("bench.touch_point", "bench", "Touch point", ("side",), 0.0, "% torso", "info",
             Verdict.INFO, "Rep {rep}: bar touched {value:.0f}% of the way from shoulders "
             "to hips", "", "measurement only: lower chest is typical (about 25-45 %)"),
    CheckDef("bench.lockout", "bench", "Lockout", ("side", "oblique"), 150.0, "°", ">=",
             Verdict.FAIL, "Rep {rep}: arms locked ({value:.0f}°)",
             "Rep {rep}: elbows not locked ({value:.0f}°): press to straight arms",
             "IPF: arms locked at the finish. The straightest elbow with the hands at the top, "
             "read through the top after the rep (from an oblique view the near elbow, and "
             "only from the head end of the bench at about bench height, see below). "
             "Synthetic side views (360x640, cameras "
             "0.6-1.8 m, lifters 1.55-1.95 m): clean reps read 172.5-180° (tuning seeds "
             "8000-8236: 40 reps, 7 can't judge; held out 9001-9122: 24 reps, 3 can't judge); "
             "read over the rep's own frames they had read 151-159°. A 25° soft lockout "
             "reads 166-180° (exact joints: 167-172°, the elbow bends towards the camera), "
             "40° 161-165°, so a slight bend is not seen and 150° calls only a clearly bent "
             "finish. Readings under 110° with the hands up are misplaced landmarks (held-out "
             "seed 9025 read 57°; the floor was then confirmed on seeds 9101-9122). A camera "
             "looking down on the bench (torso drawn over 7.5° off level) is can't judge: "
             "there straight arms read 117-143° (side 1.8 m, seed 8103; head-end obliques "
             "1.8 m, read as side views when the view is not given); side views read "
             "cleanly were drawn within 6° of level. Head-end obliques (15-45° from the "
             "side towards the head), cameras 0.6-1.2 m, torso drawn within 7.5° of level: "
             "clean reps 154.7-179.3° (tuning seeds 8020-8511: 34 reps), 40° soft "
             "138.9-155.6° (4 of 6 caught), 30° 143.5-151.4° (1 of 2), 15-25° 151.0-167.2° "
             "(0 of 14); held out (9011-9515): clean 164.3-179.9° (19 reps, none flagged), "
             "40° 137.3-149.4° (6 of 6), 25-30° 149.8-175.9° (1 of 8), 15-20° 151.5-163.0° "
             "(0 of 9). From the feet end a 40° soft lockout read 169-177° (exact joints: "
             "167-170°), and from the end of the bench straight arms read as low as "
             "151-155° (cameras 1.2-1.8 m; 30° soft 145-156°), so neither is judged. "
             "BlazePose's 3-D elbow angle does not help: straight arms read 131-178° from an "
             "oblique view",
             film_from="side, or at about bench height from the head end, turned 15-45° "
                       "toward the side"),
    CheckDef("bench.chest_touch", "bench", "Bar to chest", ("front", "oblique"),
             CHEST_TOUCH_SHORT_PCT, "% arm", "<=", Verdict.FAIL,
             "Rep {rep}: bar came down as far as the set's deepest rep{near}",
             "Rep {rep} stopped about {short_cm:.0f} cm higher than rep {deepest}: touch the "
             "chest every rep",
             "IPF Technical Rules: the bar is lowered to the chest. Each rep's lowest hands "
             "and elbows against the set's deepest rep, in % of the locked arm (their mean "
             "where they agree within 3 %, else the smaller). First tuned at the default "
             "cameras (seeds 19, 401-476): clean 0-5.5 %, 3-8 cm short 6.5-21 %, so 6 %. A "
             "grid over cameras 0.6-1.8 m and lifters 1.55-1.95 m (tuning seeds 8000-8236) "
             "then gave 9 clean sets a false fault with the parts averaged (readings to "
             "19 %), from misread hands and from obliques filmed from 1.2-1.8 m: those are "
             "now can't judge. Clean reps judged: 0-5.0 % (111 reps, 56 can't judge); 5 cm "
             "short: 7.2-17.1 % caught (6 of 20; 3 reps missed, 6 can't judge, 5 read "
             "0-6.0 %). Held out: "
             "seeds 9001-9026: clean 0-2.4 % (29 reps, 14 can't judge), 6 cm short 1 of 6 "
             "caught (11.3 %; 4 can't judge, 1 read 3.1 %); seeds 9101-9122: clean 0-4.2 % "
             "(36 reps, 9 can't judge), 8 cm short 5 of 6 (7.2-25.1 %; 1 can't judge). So "
             "about 8 cm short is caught, 5-6 cm only sometimes. Not judged from the side, "
             "where an 8 cm short rep read 0-4 cm above the others"),
    CheckDef("bench.uneven", "bench", "Uneven lockout", ("front",), UNEVEN_PCT,
             "% arm", "<=", Verdict.WARN, "Rep {rep}: both arms locked out evenly",
             "Rep {rep}: the {low_side} arm locked out about {uneven_cm:.0f} cm lower than the "
             "other (elbows {elbows}): press both arms straight together",
             "coaching convention. Mean of the elbows' height difference and the reach lost "
             "by the more bent elbow, in % of the arm. Synthetic front views (360x640, lift "
             "given): tuning seeds 19, 401-413: even lockouts 0.2-5.4 %, 3 cm uneven "
             "5.6-5.8 %, 6-8 cm 8.7-12.2 %, so 7 %; held out (seeds 451-476): even "
             "0.1-4.8 % (37 reps, none flagged, 10 can't judge), 5-8 cm 7.2-12.8 % (6 of 6); "
             "readings move by up to 0.5 with the rep segmentation. Over cameras 0.6-1.8 m "
             "(tuning seeds 8008-8228) an even lockout read 7.8 % where BlazePose drew the "
             "torso across the image (head end, 1.2 m); the torso must now run up the image "
             "(70°+ from level; 82-88° from 1.2-1.8 m): even 0.2-3.6 % (40 reps, 29 can't "
             "judge), 6 cm 9.4 % (1 of 8 judged, front 1.8 m); held out (9001-9026): even "
             "2.0 % (13 reps, 12 can't judge), 6 cm 10.5 % (1 of 3); 9101-9122: even "
             "0.3-4.5 % (19 reps, 12 can't judge), 8 cm 12.0 % (1 of 2). The hands alone "
             "miss it: fists 6-8 cm lower read 0-4 cm lower. Not judged from an oblique "
             "view, where perspective puts one elbow 1-20 % of the arm lower on even "
             "lockouts and the far elbow's angle is hidden"),
)

MEASURES: dict[str, Measure] = {
    "bench.pause": measure_bench_pause,
    "bench.touch_point": measure_touch_point,
    "bench.lockout": measure_lockout,
    "bench.chest_touch": measure_chest_touch,
    "bench.uneven": measure_uneven,
}
