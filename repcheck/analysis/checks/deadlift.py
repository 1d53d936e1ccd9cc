"""Deadlift checks: start position, hips rising first, bar drift, lockout, hitching and
control on the way down.
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.body import mid
from repcheck.analysis.checks.base import (
    ALL_VIEWS,
    TORSO_PER_HEIGHT,
    CheckDef,
    Measure,
    Measurement,
    Unjudged,
    best_side,
    forward_sign,
    lockout_window,
    rise_window,
    short_of_best,
    visibility,
)
from repcheck.analysis.findings import Verdict
from repcheck.pose.angles import joint_angle, torso_lean

#: A hitch is judged on the pull up to this share of the bar's travel: settling into the
#: lockout (and landmark jitter while the bar is held there) is not a hitch. Over the
#: whole rise, clean synthetic pulls read hand drops of up to 8.3 % (all at the top); below
#: 90 % of the travel they read 0-2.1 %, real pulls 0-2.8 % (one real clip, 5.6 %).
HITCH_BELOW_FRACTION = 0.9
#: A hitch is a fall after the pull has started, which is taken as the lowest point of
#: bar and shoulders before the bar is this share of the way up (hitches come at or above
#: the knees). One clean synthetic rep's window opened while the lifter was still lowering
#: into it: bar and shoulders fell 7 % of the travel first.
PULL_STARTED = 0.25
#: When the clip starts standing (the lifter walks up to the bar) a rep is read as
#: standing -> floor -> standing, and its end is marked as the bar gets back near the top:
#: on synthetic setup clips 5-6 frames before the hips straighten, so the lockout read
#: there was 117-122°. The lockout is read up to this long past the rep's end as well.
LOCKOUT_AFTER_END_S = 0.3
#: A lockout reading below this is a fault (see the deadlift.lockout source).
LOCKOUT_MIN_DEG = 145.0
#: A rep whose held knee is this much less straight than the set's straightest other rep
#: is a soft lockout (see the deadlift.lockout_vs_best source).
LOCKOUT_SHORT_DEG = 11.0
#: A lockout reading below LOCKOUT_MIN_DEG is not called a fault when the leg (hip to
#: ankle) is drawn shorter than this many torso lengths. Straight, it is about 1.7 (Winter:
#: 0.491 H / 0.288 H); on synthetic side-view lockouts BlazePose draws it 1.47-1.83 long
#: from cameras 0.6-1.45 m and 0.71-1.62 from 1.6-1.8 m, where the camera looks down on the
#: legs and the near plate hides the knee. All 9 clean reps read below 145° on the tuning
#: clips (of 89; seeds 8000-8523, all from 1.6-1.8 m) had legs drawn 1.03-1.44 long; real
#: side pulls read 1.44-1.85 (1.21 on one with a camera cut). A reading that passes is
#: kept: a misdrawn leg that still reads straight is no false fault.
MIN_LEG_PER_TORSO = 1.45
#: Hips rising first is read from the shoulders, not the hip: from the side BlazePose often
#: folds the synthetic leg behind the plates at the floor (hip landmark 9-54 % of torso
#: *below* the knee in 20 of 44 side-view reps), so a hip-based reading is a guess there.
#: With straight arms the shoulders hang an arm's length from the bar: hips rising ahead of
#: the bar swing them forward over it, while a leg-driven pull keeps them over the bar or
#: takes them back. Their forward travel is read while the bar rises through this share of
#: its travel (the renderer's 0.4-0.8 hips-rise faults have done most of it by then: true
#: joints read <= 0.2 % of torso clean, 1.1-7.3 % faulty).
HIPS_FIRST_BAR_SHARE = 0.45
#: Bar drift is read while the bar is below this share of its travel (see
#: measure_deadlift_drift): the renderer's drift peaks half way up.
DRIFT_BELOW_FRACTION = 0.8
#: Bar drift is not judged when the hands are first seen above this share of the bar's
#: travel: the start is then read from a bar that may have drifted already (the renderer's
#: drift is sin(pi * share) of its peak: 45 % of it at 0.15).
DRIFT_FIRST_SEEN_BELOW = 0.15
#: deadlift.lockout_vs_best reads the knee while the lockout is held: frames where the
#: shoulders are within this % of torso length of their highest point in the rep...
HELD_TOP_PCT = 3.0
#: ...from this many frames before that highest point on. Earlier frames are the last of
#: the rise: one clean held-out rep whose knee vanished behind the plates at the top read
#: 12° short from them alone.
HELD_FROM_TOP_FRAMES = 2
#: ...and only when the knee is read on at least this many of them.
HELD_MIN_FRAMES = 3


def pull_top_window(ctx, rep) -> slice:
    """Frames where a pull is locked out: :func:`lockout_window`, and the frames around the
    shoulders' highest point up to LOCKOUT_AFTER_END_S past the rep's end (not into the
    next rep). A rep's top is where the hands were highest, and a one-frame jump of the
    hand landmarks mid-pull can put it there; standing tall lifts the shoulders highest.
    When the clip starts standing a rep's end is read as the bar gets back near the top."""
    w = lockout_window(ctx, rep)
    if rep.duration_s <= 0:
        return w
    fps = (rep.end_i - rep.start_i) / rep.duration_s
    stop = rep.end_i + 1 + round(LOCKOUT_AFTER_END_S * fps)
    later = [r.start_i for r in ctx.seg.reps if r.start_i > rep.start_i]
    stop = min([stop, len(ctx.series)] + later[:1])
    if ctx.seg.rest != "bottom":
        return slice(w.start, stop)
    shoulders = -mid(ctx.series, "shoulder")[rep.start_i:stop, 1]
    if not np.isfinite(shoulders).any():
        return w
    top = rep.start_i + int(np.nanargmax(shoulders))
    return slice(max(0, min(w.start, top - 2)), max(w.stop, min(top + 3, stop)))


def leg_drawn_per_torso(ctx, side: str, w: slice) -> float:
    """Hip-to-ankle length drawn over the frames ``w``, in torso lengths (NaN if unseen)."""
    s = ctx.series
    leg = np.linalg.norm(s.xy(f"{side}_ankle")[w] - s.xy(f"{side}_hip")[w], axis=1)
    if not np.isfinite(leg).any():
        return float("nan")
    return float(np.nanmedian(leg)) / ctx.seg.scale_px


def measure_deadlift_lockout(ctx, rep):
    w = pull_top_window(ctx, rep)
    side = best_side(ctx, ("shoulder", "hip", "knee", "ankle"), w)
    if side is None:
        return None
    hip = np.nanmax(joint_angle(ctx.series, "hip", side)[w])
    knee = np.nanmax(joint_angle(ctx.series, "knee", side)[w])
    value = min(hip, knee)
    if not np.isfinite(value):
        return None
    leg = leg_drawn_per_torso(ctx, side, w)
    if value < LOCKOUT_MIN_DEG and not leg >= MIN_LEG_PER_TORSO:
        return Unjudged(f"the legs were drawn {leg:.1f} torso lengths long (straight ones are "
                        "about 1.7): seen from above, or with the knee misplaced behind the "
                        "plates, a straight leg reads bent")
    return Measurement(float(value), visibility(ctx, side, ("shoulder", "hip", "knee"), w),
                       {"hip_deg": round(float(hip), 1), "knee_deg": round(float(knee), 1)})


def held_top_knee(ctx, rep) -> float:
    """The straightest near knee angle while the rep's lockout is held (see
    HELD_TOP_PCT), or NaN when it was not read on enough frames or the leg was drawn short
    (seen from above, or misplaced behind the plates)."""
    w = pull_top_window(ctx, rep)
    shoulders = -100 * mid(ctx.series, "shoulder")[w, 1] / ctx.seg.scale_px
    if not np.isfinite(shoulders).any():
        return float("nan")
    top = int(np.nanargmax(shoulders))
    held = shoulders >= shoulders[top] - HELD_TOP_PCT
    held[: max(0, top - HELD_FROM_TOP_FRAMES)] = False
    knee = joint_angle(ctx.series, "knee", ctx.side)[w][held]
    knee = knee[np.isfinite(knee)]
    if len(knee) < HELD_MIN_FRAMES:
        return float("nan")
    if not leg_drawn_per_torso(ctx, ctx.side, w) >= MIN_LEG_PER_TORSO:
        return float("nan")
    return float(knee.max())


def measure_lockout_vs_best(ctx, rep):
    """How many degrees less straight this rep's knee was at the held lockout than in the
    set's straightest other rep (:func:`short_of_best`): where the plates hide the knee
    no absolute angle separates a soft lockout (see the deadlift.lockout source). A set
    of one rep is not judged (min_reps)."""
    return short_of_best(ctx, rep, lambda r: held_top_knee(ctx, r),
                         "the near knee was not read clearly at the held lockout (hidden, "
                         "or the leg drawn short)", ("hip", "knee", "ankle"),
                         pull_top_window(ctx, rep), "knee_deg")


def measure_deadlift_drift(ctx, rep):
    """Largest move of the hands toward the lifter's toes (away from the legs) from where
    the pull started, while the bar is below DRIFT_BELOW_FRACTION of its travel. A move
    toward the heels is no drift: the shins stop a real bar there, and on synthetic pulls
    such readings were the model redrawing hands it first placed on the plates. Near the
    lockout the hands sit against the thighs, where the model draws them wherever the legs
    are: clean synthetic pulls read up to 18 % of torso forward there."""
    w = rise_window(ctx, rep)
    side = best_side(ctx, ("wrist",), w)
    if side is None:
        return None
    facing = forward_sign(ctx)
    if facing == 0:
        return Unjudged("which way the lifter faces was not seen")
    ahead = facing * ctx.series.xy(f"{side}_wrist")[w, 0]
    bar = -mid(ctx.motion_series, ctx.seg.point)[w, 1]
    seen = np.flatnonzero(np.isfinite(ahead))
    if len(seen) == 0 or not np.isfinite(bar[:3]).any():
        return None
    floor = np.nanmin(bar[:3])
    travel = np.nanmax(bar) - floor
    if not bar[seen[0]] <= floor + DRIFT_FIRST_SEEN_BELOW * travel:
        return Unjudged("the hands were hidden as the bar left the floor (behind the plates), "
                        "so where the pull started is not known")
    start = ahead[seen[:3]]
    low = (bar <= floor + DRIFT_BELOW_FRACTION * travel) & np.isfinite(ahead)
    drift = max(0.0, float(np.max(ahead[low]) - np.median(start))) / ctx.seg.scale_px * 100
    extra = None
    if ctx.height_cm:
        extra = {"drift_cm": round(drift / 100 * TORSO_PER_HEIGHT * ctx.height_cm, 1)}
    return Measurement(drift, visibility(ctx, side, ("wrist",), w), extra)


def measure_start_position(ctx, rep):
    w = rise_window(ctx, rep)
    at = slice(w.start, w.start + 3)
    side = best_side(ctx, ("shoulder", "hip", "knee"), at)
    if side is None:
        return None
    s = ctx.series
    back = np.nanmedian(torso_lean(s, side)[at])
    hip_up = np.nanmedian(s.xy(f"{side}_knee")[at, 1] - s.xy(f"{side}_hip")[at, 1])
    if not np.isfinite(back + hip_up):
        return None
    return Measurement(float(back), visibility(ctx, side, ("shoulder", "hip", "knee"), at),
                       {"hip_above_knee_pct": round(100 * float(hip_up) / ctx.seg.scale_px, 1)})


def measure_hips_first(ctx, rep):
    """How far the shoulders travel forward (toward the lifter's front) while the bar rises
    through its first HIPS_FIRST_BAR_SHARE of travel, in % of torso length. Read on the
    motion series, whose low visibility floor keeps the hands behind the plates; a
    position counts once held two frames, so a one-frame landmark jump is no travel."""
    w = rise_window(ctx, rep)
    if w.stop - w.start < 6:
        return None
    facing = forward_sign(ctx)
    if facing == 0:
        return Unjudged("which way the lifter faces was not seen")
    s = ctx.motion_series
    bar = -mid(s, ctx.seg.point)[w, 1]
    ahead = facing * mid(s, "shoulder")[w, 0]
    if not (np.isfinite(bar[:2]).any() and np.isfinite(ahead[:2]).any()):
        return Unjudged("the shoulders or hands were not seen as the bar left the floor")
    start = np.nanmedian(bar[:2])
    travel = np.nanmax(bar) - start
    if not travel > 0:
        return None
    early = np.flatnonzero(bar >= start + HIPS_FIRST_BAR_SHARE * travel)
    pull = ahead[:early[0] + 1] if len(early) else ahead
    held = np.minimum(pull, np.concatenate([pull[1:], pull[-1:]]))
    if not np.isfinite(held).any():
        return None
    forward = np.nanmax(held) - np.nanmedian(ahead[:2])
    side = best_side(ctx, ("shoulder",), w) or ctx.side
    return Measurement(100 * float(forward) / ctx.seg.scale_px,
                       visibility(ctx, side, ("shoulder",), w))


def fall_from_high(height: np.ndarray) -> np.ndarray:
    """Per frame, how far ``height`` is below its high so far, where a height counts as
    reached only once held two frames running: the hand landmarks jump up for a single
    frame where the hands pass the plates or the legs, and that jump is no height to fall
    from. NaN frames neither set a high nor fall."""
    held = np.minimum(height, np.concatenate([height[1:], height[-1:]]))
    high = np.fmax.accumulate(np.where(np.isfinite(held), held, -np.inf))
    return np.where(np.isfinite(height), high - height, 0.0)


def measure_hitch(ctx, rep):
    w = rise_window(ctx, rep)
    height = -mid(ctx.series, ctx.seg.point)[:, 1]
    shoulders = -mid(ctx.series, "shoulder")[w, 1]
    bar = height[w]
    seen = np.isfinite(bar)
    if seen.sum() < 4 or not np.isfinite(shoulders).any():
        return None
    bar, shoulders = bar[seen], shoulders[seen]
    # The top is where the bar is held (median over the lockout frames), not its highest
    # frame: the hand landmarks overshoot as they arrive and creep while held, and a top
    # read from that overshoot moved the near-lockout wobble below HITCH_BELOW_FRACTION.
    held = np.nanmedian(height[lockout_window(ctx, rep)])
    top = min(held, bar.max()) if np.isfinite(held) else bar.max()
    travel = top - bar.min()
    if not travel > 0:
        return Measurement(0.0, 0.8)
    near_top = int(np.flatnonzero(bar >= bar.min() + HITCH_BELOW_FRACTION * travel)[0])
    # With straight arms the bar hangs from the shoulders: a bar that sinks takes them down
    # with it, so a fall counts only as far as the shoulders fell too. Hands the model
    # loses at the knees or behind the plates sink alone. The pull starts once both are at
    # their lowest before the bar is PULL_STARTED of the way up: the rep's window can open
    # while the lifter is still settling down.
    started = int(np.flatnonzero(bar >= bar.min() + PULL_STARTED * travel)[0])
    seen_low = np.where(np.isfinite(shoulders[:started + 1]), shoulders[:started + 1], np.inf)
    lowest = max(int(np.argmin(bar[:started + 1])), int(np.argmin(seen_low)))
    pull = slice(lowest, near_top + 1)
    bar_fall = fall_from_high(bar[pull])
    shoulder_fall = fall_from_high(shoulders[pull])
    drop = max(0.0, float(np.max(np.minimum(bar_fall, shoulder_fall))))
    return Measurement(100 * drop / travel, 0.8)


def measure_lowering(ctx, rep):
    if not rep.complete:
        return Unjudged("the clip ends before the bar is back down")
    return Measurement(rep.eccentric_s, 0.8)


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("deadlift.lockout", "deadlift", "Lockout", ("side",), LOCKOUT_MIN_DEG, "°", ">=",
             Verdict.FAIL, "Rep {rep}: locked out ({value:.0f}° at hips/knees)",
             "Rep {rep}: not locked out ({value:.0f}°): finish with hips and knees straight",
             "IPF: knees locked and shoulders back; peers use hip and knee > 170°, but "
             "BlazePose reads straight knees at lockout as 149-179° on real side-view "
             "pulls (149° on one labelled good; 159°, with the knee seen at 0.90 "
             "visibility, on one visibly locked out) and 150-178° on clean synthetic ones "
             "(30 side-view reps, 9 seeds), so 145° flags only a clearly unfinished pull. "
             "10-25° soft lockouts read 145-174° from the side, where the plates hide the "
             "knee (1 of 13 caught); seen clearly from an oblique camera 15-25° soft ones "
             "read 156-170° against 175-178° straight, but real knees seen at >= 0.83 "
             "visibility read 156-179°, and a median over the held top or the knee's distance "
             "ahead of the hip-ankle line (9 % of leg length on the real straight knee, "
             "6-11 % on 20-25° soft synthetic ones) separates no better. Below 145° with the "
             "legs drawn short (MIN_LEG_PER_TORSO) it is not judged: clean false faults 9 of "
             "89 reps -> 0 on tuning seeds, 1 of 31 -> 1 held out (a hip angle of 140°, legs "
             "1.50); the 5 soft lockouts it had caught there read 49-135° (misread legs "
             "1.05-1.41 long, true knee 152-163°), and are now not judged. Soft knees still "
             "overlap straight ones on every cue tried (tuning seeds, side view): knee "
             "98-179° vs 130-180°, world-landmark knee 118-173° vs 84-178°, hip 113-180° vs "
             "157-180°, knee ahead of the hip-ankle line 3-44 % vs 0-22 % of leg length; the "
             "far knee was seen in 6 of 24 soft reps. Clips that start standing (the walk-up "
             "to the bar) are read up to 0.3 s past the rep's end (LOCKOUT_AFTER_END_S): "
             "2 of 3 synthetic walk-up clips read 117-122° there before, 160-177° after. "
             "Every pull is also read around the shoulders' highest point (standing tall) "
             "up to 0.3 s past the rep's end: a one-frame jump of the hand landmarks "
             "mid-pull, or a rep cut short, had put the top of 2 held-out clean reps before "
             "the lifter stood (140° and 130°; now 176° and 175°; 0 of 76 held-out and 0 of "
             "167 tuning clean reps fail). Real RDL and bent-arm pulls still fail (118°, "
             "138°). A soft rep among straight ones is also read against the set "
             "(deadlift.lockout_vs_best)"),
    CheckDef("deadlift.lockout_vs_best", "deadlift", "Lockout against your best rep",
             ("side",), LOCKOUT_SHORT_DEG, "° short", "<=", Verdict.WARN,
             "Rep {rep}: knees as straight at the top as in your best rep",
             "Rep {rep}: knees {value:.0f}° less straight at the top than in rep {best_rep}: "
             "finish every pull with the knees locked",
             "IPF: knees locked at the finish. The knee angle while the lockout is held "
             "(shoulders within 3 % of torso of their highest, HELD_TOP_PCT), against the "
             "set's straightest other rep; not judged on legs drawn short "
             "(MIN_LEG_PER_TORSO) or with fewer than 3 readings. Synthetic 3-rep side-view "
             "pulls (side and side_right, cameras 0.6-1.8 m, lifters 1.55-1.95 m), clean "
             "reps up to 10° short on tuning seeds 8000-8999 (110 judged of 174), so 11°: "
             "10-25° soft lockouts read 1-15° short, caught 5 of 14 judged (of 24). Held "
             "out: seeds 9000-9999 clean 0 of 61 judged (of 96), caught 5 of 11 (of 16); "
             "seeds 6000-6023 clean 0 of 35 (of 54), caught 1 of 10 (of 15). Most soft "
             "lockouts still pass: the model straightens a knee it cannot see",
             min_reps=2),
    CheckDef("deadlift.hips_first", "deadlift", "Hips rising first", ("side",), 4.0,
             "% torso", "<=", Verdict.WARN,
             "Rep {rep}: shoulders stayed over the bar as it left the floor",
             "Rep {rep}: shoulders swung {value:.0f}% of torso length forward as the bar left "
             "the floor (hips rising first): push the floor away with the legs",
             "coaching convention (hips and shoulders rise together); read as the shoulders' "
             "forward travel over the first 45 % of the bar's rise (HIPS_FIRST_BAR_SHARE), "
             "which needs no hip landmark. Synthetic side-view pulls (side and side_right, "
             "cameras 1.0-1.8 m, lifters 1.55-1.95 m): tuning seeds 8000-8023, clean and "
             "10-25° soft reps 0-3.3 % (48; one 9.7 % where two reps were merged), 0.4-0.8 "
             "hips-rise reps caught 19 of 24 (12/13 at 0.6-0.8, 7/11 at 0.4-0.5; misses "
             "2.0-3.5 %); held-out seeds 9000-9015, clean 0-2.9 % (32), caught 10 of 16 (8/9 "
             "at 0.6-0.8, 2/7 at 0.4-0.5). Clean camera grid (0.6-1.8 m) 0-1.4 %, 5-10 cm "
             "bar drifts 0-1.0 %. Real side pulls labelled good read -0.7 and -0.1 %"),
    CheckDef("deadlift.start_position", "deadlift", "Start position", ("side",), 0.0, "°",
             "info", Verdict.INFO,
             "Rep {rep}: started with the back {value:.0f}° from vertical, hips "
             "{hip_above_knee_pct:.0f}% of torso length above the knees", "",
             "measurement only: good start positions vary with build"),
    CheckDef("deadlift.bar_drift", "deadlift", "Bar drifting away", ("side",), 15.0,
             "% torso", "<=", Verdict.WARN, "Rep {rep}: bar path stayed vertical",
             "Rep {rep}: bar drifted {value:.0f}% of torso length forward of where it started: "
             "keep it against the legs", "barbell coaching (vertical bar path); 15 % of "
             "the torso is ~7 cm. Read as the hands' largest move toward the toes while the "
             "bar is below 80 % of its travel (DRIFT_BELOW_FRACTION). Synthetic side-view "
             "pulls (side and side_right, cameras 0.6-1.8 m, lifters 1.55-1.95 m): read "
             "either way over the whole rise, clean reps reached 28 % (12 of 145 over 15 % "
             "on tuning seeds 8000-8999, 4 of 63 held out 9000-9999), from hands misdrawn "
             "on the plates at the floor or against the thighs at the top; now 0-13.9 % "
             "tuned, 0-9.8 % held out. The wrist landmark barely sees the renderer's "
             "2-10 cm drifts (true peak 3-15 % of torso, read 0-20 %): 2 of 56 caught "
             "tuned, 2 of 30 held out (8-10 cm). Against the lockout position, with held "
             "frames, on the motion series, as a fitted sin-shaped bulge or as the hands' "
             "gap to the drawn leg (ankle-knee-hip) clean reps read up to 14-49 % and "
             "8-10 cm drifts no higher. Not judged when the hands are first seen "
             "above 15 % of the bar's travel (DRIFT_FIRST_SEEN_BELOW): 11 of 145 clean and "
             "9 of 56 drifting reps tuned, 6 of 63 and 4 of 30 held out. Real side pulls "
             "read 0-12.9 % (37 % and 22 % before: a camera cut, hands moving back)"),
    CheckDef("deadlift.hitch", "deadlift", "Hitching", ALL_VIEWS, 4.0, "% travel", "<=",
             Verdict.FAIL, "Rep {rep}: bar rose without stopping",
             "Rep {rep}: bar moved down {value:.0f}% of its travel during the pull (hitching)",
             "IPF: downward movement of the bar before lockout is a no-lift. Read up to 90 % "
             "of the way to the held lockout (median), heights counted once held two "
             "frames, from where the bar and shoulders are lowest, and only as far as the "
             "shoulders fell with the hands (straight arms: a sinking bar takes them down). "
             "Hands alone read 4.8-45 % on 6 of 189 synthetic reps without a hitch (seeds "
             "8000-9015, all views, cameras 0.6-1.8 m) where the model loses them at the "
             "knees or behind the plates, and 5.4 % on one real pull; confirmed by the "
             "shoulders all 189 read 0-0.5 % and every "
             "real pull 0 %. No real or synthetic hitch was at hand: hands and shoulders "
             "stopped mid-pull and sunk 12 % of the travel over 9 frames read 7.1 %"),
    CheckDef("deadlift.lowering", "deadlift", "Control on the way down", ALL_VIEWS, 0.4, "s",
             ">=", Verdict.WARN, "Rep {rep}: lowered under control ({value:.1f} s)",
             "Rep {rep}: bar dropped in {value:.2f} s: lower it under control",
             "coaching convention; 0.4 s separates lowering from dropping"),
)

MEASURES: dict[str, Measure] = {
    "deadlift.lockout": measure_deadlift_lockout,
    "deadlift.lockout_vs_best": measure_lockout_vs_best,
    "deadlift.hips_first": measure_hips_first,
    "deadlift.start_position": measure_start_position,
    "deadlift.bar_drift": measure_deadlift_drift,
    "deadlift.hitch": measure_hitch,
    "deadlift.lowering": measure_lowering,
}
