"""Form checks as data: what is measured, from which views, against which threshold.

Each :class:`CheckDef` row says which lift it belongs to, the views it can be judged
from, the threshold and its direction, the verdict when the threshold is missed, the cue
templates and the source of the threshold. The measuring itself is one small function
per check, looked up by key in :data:`MEASURES`; it returns a :class:`Measurement`, an
:class:`Unjudged` with the reason it cannot judge (the clip ends before the descent, the
hands are not on a bar, the landmarks jump implausibly), or ``None`` when the joints it
needs were not seen. The last two become "can't judge" findings, never a guess.

Geometry notes:

* **Squat depth** follows the IPF wording (hip crease below the top of the knee),
  approximated by hip joint centre against knee joint centre in image height (the
  definition the synthetic ground truth uses): the margin is
  ``(hip_y - knee_y) / thigh length + HIP_POINT_OFFSET_PCT``, positive = below parallel.
  The thigh length is the 90th percentile of hip-knee distance in the clip (its least
  foreshortened value). With ``--height`` it is also given in cm using thigh = 0.245 x
  stature (Winter, *Biomechanics and Motor Control of Human Movement*, segment table).
* **Bench pause** (IPF: bar motionless on the chest) is the longest spell in the lowest
  quarter of the rep over which the hands, the bar's proxy, stay within
  :data:`PAUSE_STILL_PCT` of torso length. Only judged from an oblique view.
* Angles are measured in the image plane on the side facing the camera, so they are only
  judged from views where that plane is the one the joint bends in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from repcheck.analysis.body import mid
from repcheck.analysis.findings import Finding, Verdict
from repcheck.analysis.reps import Rep, Segmentation
from repcheck.analysis.view import ViewEstimate
from repcheck.pose.angles import joint_angle, torso_lean
from repcheck.pose.landmarks import LandmarkSeries

THIGH_PER_HEIGHT = 0.245  # Winter's anthropometric table: thigh length / stature
#: BlazePose puts its hip point above the hip joint centre. Measured on synthetic squats
#: with true joint centres (`repcheck synth`, 4 camera views, 12 reps, seeds 2-5, where the
#: model tracked the figure to 5-12 px): hip-below-knee margins read 3.0 cm (median) too
#: shallow, 7 % of a 1.75 m lifter's thigh. Added back to every depth margin. Re-measure
#: against real ground truth when there is some.
HIP_POINT_OFFSET_PCT = 7.0
TORSO_PER_HEIGHT = 0.288  # Winter: shoulder (0.818 H) to hip (0.530 H) joint heights
#: Below this confidence a missed threshold is reported as "can't judge", not as a fault:
#: a cue the lifter cannot trust does more harm than no cue.
MIN_CONFIDENCE_TO_FAULT = 0.4
#: A relative measurement beyond this % of a body segment is a landmark error, not form.
PLAUSIBLE_PCT = 60.0
ALL_VIEWS = ("side", "front", "oblique")
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


@dataclass(frozen=True)
class CheckDef:
    key: str
    lift: str  # "squat" | "bench" | "deadlift" | "press" | "all"
    title: str
    views: tuple[str, ...]
    threshold: float
    unit: str
    passes: str  # ">=" or "<=": how value must compare with threshold; "info": no rule
    miss: Verdict  # verdict when it does not pass
    cue_pass: str
    cue_miss: str
    source: str
    per_rep: bool = True
    min_reps: int = 1


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("squat.depth", "squat", "Depth", ("side", "oblique"), 0.0, "% thigh", ">=",
             Verdict.FAIL, "Rep {rep}: depth OK, hip {depth} below the knee",
             "Rep {rep} stopped {depth} above parallel: sit the hips lower",
             "IPF Technical Rules: hip crease below the top of the knee"),
    CheckDef("squat.knee_angle", "squat", "Knee angle at bottom", ("side",), 90.0, "°", "<=",
             Verdict.WARN, "Rep {rep}: knees bent to {value:.0f}°",
             "Rep {rep}: knees only bent to {value:.0f}° (full squats reach about 90° or less)",
             "peer trainers: knee angle at or below 80-90° at the bottom"),
    CheckDef("squat.torso_lean", "squat", "Torso lean", ("side",), 50.0, "°", "<=",
             Verdict.WARN, "Rep {rep}: torso lean {value:.0f}°",
             "Rep {rep}: torso leaned {value:.0f}° forward: keep the chest up",
             "coaching convention for back squats; not a competition rule"),
    CheckDef("squat.knee_cave", "squat", "Knees caving in", ("front",), 0.85, "ratio", ">=",
             Verdict.WARN, "Rep {rep}: knees tracked over the feet",
             "Rep {rep}: knees caved in (knee/ankle width {value:.2f}): push them out",
             "peers use knee/foot width < ~0.7; measured here, clean squats stay at "
             "0.86-1.19 (real front view 0.86, synthetic 0.90-0.94), while synthetic caves "
             "read 0.82-0.84 (6 cm) and 0.76 (8 cm), so 0.85"),
    CheckDef("deadlift.lockout", "deadlift", "Lockout", ("side",), 145.0, "°", ">=",
             Verdict.FAIL, "Rep {rep}: locked out ({value:.0f}° at hips/knees)",
             "Rep {rep}: not locked out ({value:.0f}°): finish with hips and knees straight",
             "IPF: knees locked and shoulders back; peers use hip and knee > 170°, but "
             "BlazePose reads straight knees at lockout as 149-179° on real side-view "
             "pulls (149° on one labelled good) and 159-179° on clean synthetic ones, so "
             "145° flags only a clearly unfinished pull; 15-20° soft lockouts (152-174° "
             "measured) are not caught"),
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
             "not judged there, nor from the front, where the bar moves towards the camera"),
    CheckDef("bench.touch_point", "bench", "Touch point", ("side",), 0.0, "% torso", "info",
             Verdict.INFO, "Rep {rep}: bar touched {value:.0f}% of the way from shoulders "
             "to hips", "", "measurement only: lower chest is typical (about 25-45 %)"),
    CheckDef("bench.lockout", "bench", "Lockout", ("side",), 150.0, "°", ">=",
             Verdict.FAIL, "Rep {rep}: arms locked ({value:.0f}°)",
             "Rep {rep}: elbows not locked ({value:.0f}°): press to straight arms",
             "IPF: arms locked at the finish. Locked arms on clean synthetic side-view "
             "benches read 161.6-178.6° (13 reps) and a 20° soft lockout read 175.9°, so "
             "the model cannot tell a slight bend; 150° calls only a clearly bent finish"),
    CheckDef("press.lockout", "press", "Lockout overhead", ("side", "oblique"), 171.0, "°",
             ">=", Verdict.FAIL, "Rep {rep}: locked out overhead ({value:.0f}°)",
             "Rep {rep}: elbows not locked overhead ({value:.0f}°)",
             "coaching convention (straight arms). Measured: locked-out synthetic presses "
             "read 172-176° from the side and 176-180° oblique (real oblique clip 180°); "
             "15-25° soft lockouts read 164-169° from the side, so 171°. From the front "
             "the elbow bends towards the camera and locked arms read 160-169°: not judged"),
    CheckDef("press.leg_drive", "press", "Leg drive", ("side", "oblique"), 10.0, "°", "<=",
             Verdict.FAIL, "Rep {rep}: strict, knees still",
             "Rep {rep}: knees dipped {value:.0f}°: that is a push press, not a strict press",
             "strict press definition; 10° exceeds knee-angle noise"),
    # Measured and reported, not judged (passes="info"): on clean synthetic squats the
    # foot points alone moved 29-38 % of foot length and the hands sat 71-117 % of foot
    # length off mid-foot, so neither can tell a real fault from landmark noise yet.
    CheckDef("squat.heel_rise", "squat", "Heels rising", ("side",), 0.0, "% foot", "info",
             Verdict.INFO, "Rep {rep}: heel rose {value:.0f}% of foot length above the toes "
             "(landmark noise is ~30-40 %)", "",
             "heel-above-toe change; not judged until foot landmarks are validated"),
    CheckDef("squat.bar_over_midfoot", "squat", "Bar over mid-foot", ("side",), 0.0,
             "% foot", "info", Verdict.INFO, "Rep {rep}: hands up to {value:.0f}% of foot "
             "length off mid-foot", "", "barbell coaching (bar over mid-foot); hands as the "
             "bar's proxy, not judged until validated"),
    CheckDef("squat.hip_shift", "squat", "Hip shift", ("front",), 7.0, "% stance", "<=",
             Verdict.WARN, "Rep {rep}: hips stayed centred",
             "Rep {rep}: hips shifted {value:.0f}% of stance width to one side",
             "coaching convention; measured in the deeper half of the rep: clean squats "
             "read 0.9-4.4 % (synthetic) and 2-6 % (real front views), synthetic 5-8 cm "
             "shifts 7.8-13 %, so 7 %"),
    CheckDef("bench.uneven", "bench", "Uneven press", ("front",), 20.0,
             "% travel", "<=", Verdict.WARN, "Rep {rep}: both hands moved together",
             "Rep {rep}: one hand lagged the other by {value:.0f}% of its travel: press "
             "evenly", "coaching convention; each hand's path is scaled to its own travel; "
             "20 % exceeds landmark noise (clean front views read 3.7-8.5 %). Not judged "
             "from an oblique view: there the far wrist is hidden or jumps (no valid "
             "reading on 5 synthetic obliques) and a real bench labelled good read 27 %"),
    CheckDef("deadlift.hips_first", "deadlift", "Hips rising first", ("side",), 0.5, "ratio",
             ">=", Verdict.WARN, "Rep {rep}: hips and shoulders rose together",
             "Rep {rep}: hips shot up before the bar moved (shoulders rose {value:.1f}x as "
             "fast): push the floor away with the legs",
             "coaching convention: shoulder/hip rise ratio in the first third of the pull"),
    CheckDef("deadlift.start_position", "deadlift", "Start position", ("side",), 0.0, "°",
             "info", Verdict.INFO,
             "Rep {rep}: started with the back {value:.0f}° from vertical, hips "
             "{hip_above_knee_pct:.0f}% of torso length above the knees", "",
             "measurement only: good start positions vary with build"),
    CheckDef("deadlift.bar_drift", "deadlift", "Bar drifting away", ("side",), 15.0,
             "% torso", "<=", Verdict.WARN, "Rep {rep}: bar path stayed vertical",
             "Rep {rep}: bar drifted {value:.0f}% of torso length from where it started: "
             "keep it against the legs", "barbell coaching (vertical bar path); 15 % of "
             "the torso is ~7 cm, above hand-landmark noise"),
    CheckDef("deadlift.hitch", "deadlift", "Hitching", ALL_VIEWS, 4.0, "% travel", "<=",
             Verdict.FAIL, "Rep {rep}: bar rose without stopping",
             "Rep {rep}: bar moved down {value:.0f}% of its travel during the pull (hitching)",
             "IPF: downward movement of the bar before lockout is a no-lift; 4 % > noise"),
    CheckDef("deadlift.lowering", "deadlift", "Control on the way down", ALL_VIEWS, 0.4, "s",
             ">=", Verdict.WARN, "Rep {rep}: lowered under control ({value:.1f} s)",
             "Rep {rep}: bar dropped in {value:.2f} s: lower it under control",
             "coaching convention; 0.4 s separates lowering from dropping"),
    CheckDef("press.bar_over_midfoot", "press", "Lockout over mid-foot", ("side",), 0.0,
             "% foot", "info", Verdict.INFO, "Rep {rep}: bar finished {value:.0f}% of foot "
             "length off mid-foot", "", "barbell coaching (bar over mid-foot); clean "
             "synthetic presses read 54-75 %, so reported, not judged, until validated"),
    CheckDef("press.lean_back", "press", "Lean back", ("side",), 15.0, "°", "<=",
             Verdict.WARN, "Rep {rep}: torso stayed upright",
             "Rep {rep}: leaned back {value:.0f}°: squeeze glutes and brace",
             "coaching convention for the strict press"),
    CheckDef("all.consistency", "all", "Rep consistency", ALL_VIEWS, 15.0, "% range",
             "<=", Verdict.WARN, "Reps were consistent (range varied {value:.0f}%)",
             "Range of motion varied {value:.0f}% between reps: aim for identical reps",
             "coefficient of variation of rep range; 15 % is a coaching convention",
             per_rep=False, min_reps=3),
    CheckDef("all.velocity_loss", "all", "Velocity loss", ALL_VIEWS, 20.0, "%", "<=",
             Verdict.WARN, "Bar speed held up across the set ({value:.0f}% loss)",
             "Bar speed fell {value:.0f}% from the first to the last rep: the set is near "
             "failure", "velocity-based training: 20 % loss is a common set cut-off",
             per_rep=False, min_reps=3),
)


@dataclass(frozen=True)
class Measurement:
    value: float
    confidence: float
    extra: dict | None = None


@dataclass(frozen=True)
class Unjudged:
    """A measure's reason for not judging (shown to the user instead of a guess)."""

    reason: str


@dataclass(frozen=True)
class CheckContext:
    series: LandmarkSeries  # cleaned
    view: ViewEstimate
    seg: Segmentation
    height_cm: float | None
    #: The same landmarks cleaned with the low visibility floor the rep segmenter uses:
    #: the bar's proxy (the hands) is often hidden behind the plates yet placed well.
    motion: LandmarkSeries | None = None

    @property
    def motion_series(self) -> LandmarkSeries:
        return self.motion if self.motion is not None else self.series

    @property
    def side(self) -> str:
        return self.view.facing


Measure = Callable[[CheckContext, Rep | None], Measurement | Unjudged | None]


def _window(rep: Rep, around: int = 2) -> slice:
    return slice(max(rep.turn_i - around, rep.start_i), min(rep.turn_i + around, rep.end_i) + 1)


def _best_side(ctx: CheckContext, parts: tuple[str, ...], idx) -> str | None:
    """The facing side if its joints are known at ``idx``, else the other, else None."""
    for side in (ctx.side, "right" if ctx.side == "left" else "left"):
        pts = [ctx.series.xy(f"{side}_{p}")[idx] for p in parts]
        if all(np.isfinite(p).any() for p in pts):
            return side
    return None


def _vis(ctx: CheckContext, side: str, parts: tuple[str, ...], idx) -> float:
    return float(np.mean([np.nanmean(ctx.series.vis(f"{side}_{p}")[idx]) for p in parts]))


def measure_depth(ctx: CheckContext, rep: Rep) -> Measurement | None:
    w = _window(rep)
    side = _best_side(ctx, ("hip", "knee"), w)
    if side is None:
        return None
    hip, knee = ctx.series.xy(f"{side}_hip"), ctx.series.xy(f"{side}_knee")
    thigh = np.nanpercentile(np.linalg.norm(hip - knee, axis=1), 90)
    raw = np.nanmax((hip[w, 1] - knee[w, 1]) / thigh) * 100.0
    if not np.isfinite(raw):
        return None
    margin = raw + HIP_POINT_OFFSET_PCT
    closeness = min(1.0, 0.5 + abs(margin) / 20.0)
    extra = {"side": side, "thigh_px": round(float(thigh), 1),
             "landmark_margin_pct": round(float(raw), 1)}
    if ctx.height_cm:
        extra["margin_cm"] = round(margin / 100 * THIGH_PER_HEIGHT * ctx.height_cm, 1)
    return Measurement(float(margin), _vis(ctx, side, ("hip", "knee"), w) * closeness, extra)


def _angle_extreme(ctx: CheckContext, rep: Rep, angle: str, parts, pick) -> Measurement | None:
    w = slice(rep.start_i, rep.end_i + 1)
    side = _best_side(ctx, parts, w)
    if side is None:
        return None
    values = joint_angle(ctx.series, angle, side)[w]
    if not np.isfinite(values).any():
        return None
    return Measurement(float(pick(values)), _vis(ctx, side, parts, w), {"side": side})


def measure_knee_angle(ctx, rep):
    return _angle_extreme(ctx, rep, "knee", ("hip", "knee", "ankle"), np.nanmin)


def measure_torso_lean(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = _best_side(ctx, ("shoulder", "hip"), w)
    if side is None:
        return None
    lean = torso_lean(ctx.series, side)[w]
    if not np.isfinite(lean).any():
        return None
    return Measurement(float(np.nanmax(lean)), _vis(ctx, side, ("shoulder", "hip"), w))


def measure_knee_cave(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)  # knees often cave on the way up, not at the bottom
    knees = np.abs(ctx.series.xy("left_knee")[w, 0] - ctx.series.xy("right_knee")[w, 0])
    ankles = np.abs(ctx.series.xy("left_ankle")[w, 0] - ctx.series.xy("right_ankle")[w, 0])
    ratio = knees / ankles
    if not np.isfinite(ratio).any():
        return None
    vis = min(_vis(ctx, "left", ("knee", "ankle"), w), _vis(ctx, "right", ("knee", "ankle"), w))
    return Measurement(float(np.nanmin(ratio)), vis)


def lockout_window(ctx: CheckContext, rep: Rep) -> slice:
    """Frames around the top of a pull: the turnaround when reps rise from the floor,
    the rep's end when the clip starts standing (a dip from lockout)."""
    if ctx.seg.rest == "bottom":
        return _window(rep, 4)
    return slice(max(rep.end_i - 4, rep.turn_i), rep.end_i + 1)


def measure_deadlift_lockout(ctx, rep):
    w = lockout_window(ctx, rep)
    side = _best_side(ctx, ("shoulder", "hip", "knee", "ankle"), w)
    if side is None:
        return None
    hip = np.nanmax(joint_angle(ctx.series, "hip", side)[w])
    knee = np.nanmax(joint_angle(ctx.series, "knee", side)[w])
    value = min(hip, knee)
    if not np.isfinite(value):
        return None
    return Measurement(float(value), _vis(ctx, side, ("shoulder", "hip", "knee"), w),
                       {"hip_deg": round(float(hip), 1), "knee_deg": round(float(knee), 1)})


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
    confidence = 0.9 * min(1.0, abs(value - PAUSE_STILL_MIN_S) / PAUSE_CONFIDENT_MARGIN_S)
    if confidence < MIN_CONFIDENCE_TO_FAULT:
        return Unjudged(f"the bar was still for {value:.2f} s, too close to "
                        f"{PAUSE_STILL_MIN_S:g} s to tell a pause from touch-and-go")
    extra = {"timed_pause_s": round(rep.pause_s, 2),
             **{f"{k}_still_s": round(v, 2) for k, v in spells.items()}}
    return Measurement(value, confidence, extra)


def measure_elbow_lockout(ctx, rep):
    return _angle_extreme(ctx, rep, "elbow", ("shoulder", "elbow", "wrist"), np.nanmax)


def measure_leg_drive(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = _best_side(ctx, ("hip", "knee", "ankle"), w)
    if side is None:
        return None
    knee = joint_angle(ctx.series, "knee", side)
    standing = np.nanpercentile(knee, 75)
    dip = standing - np.nanmin(knee[w])
    if not np.isfinite(dip):
        return None
    return Measurement(float(max(dip, 0.0)), _vis(ctx, side, ("hip", "knee", "ankle"), w))


def measure_velocity_loss(ctx, rep=None):
    speeds = [r.concentric_speed_px_s for r in ctx.seg.reps if not r.partial]
    if len(speeds) < 3 or speeds[0] <= 0:
        return None
    best = max(speeds[:2])
    return Measurement(100.0 * (1 - speeds[-1] / best), 0.7,
                       {"speeds_px_s": [round(s, 1) for s in speeds]})


def foot_length(ctx: CheckContext, side: str) -> float:
    d = np.linalg.norm(ctx.series.xy(f"{side}_heel") - ctx.series.xy(f"{side}_foot_index"),
                       axis=1)
    return float(np.nanmedian(d)) if np.isfinite(d).any() else float("nan")


def measure_heel_rise(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = _best_side(ctx, ("heel", "foot_index"), w)
    if side is None:
        return None
    # Heel height above the toes: immune to the whole foot (or the camera) moving.
    lift = ctx.series.xy(f"{side}_foot_index")[:, 1] - ctx.series.xy(f"{side}_heel")[:, 1]
    standing = np.nanmedian(lift[rep.start_i:rep.start_i + 3])
    rise = 100 * (np.nanmax(lift[w]) - standing) / foot_length(ctx, side)
    if not np.isfinite(rise):
        return None
    if rise > PLAUSIBLE_PCT:
        return Unjudged("the foot landmarks jump too much to trust")
    return Measurement(float(max(rise, 0.0)), _vis(ctx, side, ("heel", "foot_index"), w))


def hands_off_midfoot(ctx: CheckContext, w: slice) -> Measurement | None:
    """Largest horizontal distance of the hands (the bar's proxy) from mid-foot over the
    frames ``w``, in % of foot length."""
    side = _best_side(ctx, ("heel", "foot_index", "wrist"), w)
    if side is None:
        return None
    s = ctx.series
    mid_x = (s.xy(f"{side}_heel")[w, 0] + s.xy(f"{side}_foot_index")[w, 0]) / 2
    off = np.abs(s.xy(f"{side}_wrist")[w, 0] - mid_x) / foot_length(ctx, side)
    if not np.isfinite(off).any():
        return None
    return Measurement(100 * float(np.nanmax(off)),
                       _vis(ctx, side, ("heel", "foot_index", "wrist"), w))


def measure_bar_over_midfoot(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = _best_side(ctx, ("wrist", "shoulder"), w)
    if side is None:
        return None
    hand_to_shoulder = np.nanmedian(np.linalg.norm(
        ctx.series.xy(f"{side}_wrist")[w] - ctx.series.xy(f"{side}_shoulder")[w], axis=1))
    if hand_to_shoulder > 0.35 * ctx.seg.scale_px:
        return Unjudged("the hands are not on a bar across the shoulders")
    return hands_off_midfoot(ctx, w)


def measure_press_lockout_position(ctx, rep):
    return hands_off_midfoot(ctx, lockout_window(ctx, rep))


def measure_deadlift_drift(ctx, rep):
    """Largest horizontal move of the hands away from where the pull started."""
    w = _rise_window(ctx, rep)
    side = _best_side(ctx, ("wrist",), w)
    if side is None:
        return None
    x = ctx.series.xy(f"{side}_wrist")[w, 0]
    start = x[np.isfinite(x)][:3]
    if len(start) == 0:
        return None
    drift = np.nanmax(np.abs(x - np.median(start))) / ctx.seg.scale_px * 100
    extra = None
    if ctx.height_cm:
        extra = {"drift_cm": round(drift / 100 * TORSO_PER_HEIGHT * ctx.height_cm, 1)}
    return Measurement(float(drift), _vis(ctx, side, ("wrist",), w), extra)


#: Hip shift is read where the squat is at least this deep (share of the rep's hip drop):
#: that is where a lifter shifts onto one leg. Standing, walking in or re-gripping move
#: the hips sideways too, and over the whole rep a clean real front-view squat read 9 %
#: of stance width, as much as a 6 cm synthetic shift.
HIP_SHIFT_DEPTH_FRACTION = 0.5


def measure_hip_shift(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    s = ctx.series
    hips = (s.xy("left_hip")[w, 0] + s.xy("right_hip")[w, 0]) / 2
    ankles = (s.xy("left_ankle")[w, 0] + s.xy("right_ankle")[w, 0]) / 2
    stance = np.nanmedian(np.abs(s.xy("left_ankle")[w, 0] - s.xy("right_ankle")[w, 0]))
    offset = hips - ankles
    start = offset[np.isfinite(offset)][:3]
    if len(start) == 0 or not stance > 0:
        return None
    drop = mid(s, "hip")[w, 1]
    standing = np.nanmedian(drop[:3])
    deepest = np.nanmax(drop)
    if not np.isfinite(standing + deepest) or deepest <= standing:
        return None
    deep = (drop - standing) >= HIP_SHIFT_DEPTH_FRACTION * (deepest - standing)
    # Relative to the standing position: an off-centre camera is not a shift.
    shift = np.abs(offset - np.median(start))[deep] / stance
    if not np.isfinite(shift).any():
        return None
    vis = min(_vis(ctx, "left", ("hip", "ankle"), w), _vis(ctx, "right", ("hip", "ankle"), w))
    return Measurement(100 * float(np.nanmax(shift)), vis)


def measure_uneven(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    s = ctx.series
    # Each hand's path as a fraction of its own travel: a slanted view scales the nearer
    # hand's motion up (perspective) and a tilted camera offsets it, neither of which is
    # unevenness; one hand getting there later is.
    progress = []
    for side in ("left", "right"):
        y = s.xy(f"{side}_wrist")[w, 1]
        lo, hi = np.nanmin(y), np.nanmax(y)
        if not np.isfinite(lo + hi) or hi - lo <= 0:
            return None
        progress.append((y - lo) / (hi - lo))
    change = np.abs(progress[0] - progress[1])
    if not np.isfinite(change).any():
        return None
    if np.nanpercentile(change, 95) * 100 > PLAUSIBLE_PCT:
        return Unjudged("the wrist landmarks jump too much to trust")
    vis = min(_vis(ctx, "left", ("wrist",), w), _vis(ctx, "right", ("wrist",), w))
    return Measurement(100 * float(np.nanpercentile(change, 95)), vis)


def _rise_window(ctx, rep) -> slice:
    """The concentric (upward) part of a rep."""
    if ctx.seg.rest == "bottom":
        return slice(rep.start_i, rep.turn_i + 1)
    return slice(rep.turn_i, rep.end_i + 1)


def measure_start_position(ctx, rep):
    w = _rise_window(ctx, rep)
    at = slice(w.start, w.start + 3)
    side = _best_side(ctx, ("shoulder", "hip", "knee"), at)
    if side is None:
        return None
    s = ctx.series
    back = np.nanmedian(torso_lean(s, side)[at])
    hip_up = np.nanmedian(s.xy(f"{side}_knee")[at, 1] - s.xy(f"{side}_hip")[at, 1])
    if not np.isfinite(back + hip_up):
        return None
    return Measurement(float(back), _vis(ctx, side, ("shoulder", "hip", "knee"), at),
                       {"hip_above_knee_pct": round(100 * float(hip_up) / ctx.seg.scale_px, 1)})


def measure_touch_point(ctx, rep):
    if ctx.seg.rest != "top":
        return Unjudged("the chest touch is not where the reps turn around")
    w = _window(rep)
    side = _best_side(ctx, ("shoulder", "hip", "wrist"), w)
    if side is None:
        return None
    s = ctx.series
    sh, hp, wr = (np.nanmedian(s.xy(f"{side}_{p}")[w], axis=0)
                  for p in ("shoulder", "hip", "wrist"))
    axis = hp - sh
    along = float(np.dot(wr - sh, axis) / np.dot(axis, axis)) * 100
    if not np.isfinite(along):
        return None
    return Measurement(along, _vis(ctx, side, ("shoulder", "hip", "wrist"), w))


def measure_hips_first(ctx, rep):
    w = _rise_window(ctx, rep)
    side = _best_side(ctx, ("shoulder", "hip"), w)
    if side is None or w.stop - w.start < 6:
        return None
    first = slice(w.start, w.start + max(3, (w.stop - w.start) // 3))
    hip = -ctx.series.xy(f"{side}_hip")[first, 1]
    sho = -ctx.series.xy(f"{side}_shoulder")[first, 1]
    hip_rise, sho_rise = hip[-1] - hip[0], sho[-1] - sho[0]
    if not np.isfinite(hip_rise + sho_rise) or hip_rise <= 0:
        return None
    return Measurement(float(sho_rise / hip_rise), _vis(ctx, side, ("shoulder", "hip"), first))


#: A hitch is judged on the pull up to this share of the bar's travel: settling into the
#: lockout (and landmark jitter while the bar is held there) is not a hitch. Over the
#: whole rise, clean synthetic pulls read drops of up to 8.3 % (all at the top); below
#: 90 % of the travel they read 0-2.1 %, real pulls 0-2.8 % (one real clip, 5.6 %).
HITCH_BELOW_FRACTION = 0.9


def measure_hitch(ctx, rep):
    w = _rise_window(ctx, rep)
    bar = -mid(ctx.series, ctx.seg.point)[w, 1]
    if np.isfinite(bar).sum() < 4:
        return None
    bar = bar[np.isfinite(bar)]
    travel = bar.max() - bar.min()
    if not travel > 0:
        return Measurement(0.0, 0.8)
    near_top = int(np.flatnonzero(bar >= bar.min() + HITCH_BELOW_FRACTION * travel)[0])
    pull = bar[:near_top + 1]
    drop = np.max(np.maximum.accumulate(pull) - pull)  # worst fall below the high so far
    return Measurement(100 * float(drop / travel), 0.8)


def measure_lowering(ctx, rep):
    if not rep.complete:
        return Unjudged("the clip ends before the bar is back down")
    return Measurement(rep.eccentric_s, 0.8)


def measure_lean_back(ctx, rep):
    w = slice(rep.start_i, rep.end_i + 1)
    side = _best_side(ctx, ("shoulder", "hip", "ear"), w)
    if side is None:
        return None
    s = ctx.series
    facing = np.sign(np.nanmedian(s.xy("nose")[:, 0] - s.xy(f"{side}_ear")[:, 0]))
    d = s.xy(f"{side}_shoulder")[w] - s.xy(f"{side}_hip")[w]
    signed = np.degrees(np.arctan2(d[:, 0] * facing, -d[:, 1]))  # + = leaning forward
    if not np.isfinite(signed).any() or facing == 0:
        return None
    return Measurement(float(max(-np.nanmin(signed), 0.0)),
                       _vis(ctx, side, ("shoulder", "hip"), w))


def measure_consistency(ctx, rep=None):
    amps = np.array([r.amplitude for r in ctx.seg.reps])
    if len(amps) < 3:
        return None
    return Measurement(100 * float(amps.std() / amps.mean()), 0.8,
                       {"ranges_torso": [round(float(a), 2) for a in amps]})


MEASURES: dict[str, Measure] = {
    "squat.heel_rise": measure_heel_rise,
    "squat.bar_over_midfoot": measure_bar_over_midfoot,
    "squat.hip_shift": measure_hip_shift,
    "bench.uneven": measure_uneven,
    "deadlift.hips_first": measure_hips_first,
    "deadlift.hitch": measure_hitch,
    "deadlift.lowering": measure_lowering,
    "press.lean_back": measure_lean_back,
    "press.bar_over_midfoot": measure_press_lockout_position,
    "deadlift.bar_drift": measure_deadlift_drift,
    "deadlift.start_position": measure_start_position,
    "bench.touch_point": measure_touch_point,
    "all.consistency": measure_consistency,
    "squat.depth": measure_depth,
    "squat.knee_angle": measure_knee_angle,
    "squat.torso_lean": measure_torso_lean,
    "squat.knee_cave": measure_knee_cave,
    "deadlift.lockout": measure_deadlift_lockout,
    "bench.pause": measure_bench_pause,
    "bench.lockout": measure_elbow_lockout,
    "press.lockout": measure_elbow_lockout,
    "press.leg_drive": measure_leg_drive,
    "all.velocity_loss": measure_velocity_loss,
}


def checks_for(lift: str) -> tuple[CheckDef, ...]:
    return tuple(c for c in CHECKS if c.lift in (lift, "all"))


def run_checks(ctx: CheckContext, lift: str) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks_for(lift):
        if sum(not r.partial for r in ctx.seg.reps) < check.min_reps:
            continue  # e.g. velocity loss needs three full reps
        if ctx.view.view not in check.views:
            findings.append(not_judged(check, ctx.view.view))
            continue
        targets = ctx.seg.reps if check.per_rep else (None,)
        for rep in targets:
            findings.append(judge(check, MEASURES[check.key](ctx, rep), rep))
    return findings


def not_judged(check: CheckDef, view: str) -> Finding:
    return Finding(check.key, check.title, None, Verdict.NOT_JUDGED, None, check.unit,
                   check.threshold, 0.0,
                   f"{check.title}: not judged from this view ({view}); film from the "
                   f"{' or '.join(check.views)}", check.source)


def judge(check: CheckDef, m: Measurement | Unjudged | None, rep: Rep | None) -> Finding:
    number = rep.number if rep else None
    if not isinstance(m, Measurement):
        reason = m.reason if isinstance(m, Unjudged) else "the joints it needs were hidden"
        prefix = f"Rep {number}: " if number else ""
        return Finding(check.key, check.title, number, Verdict.CANT_JUDGE, None, check.unit,
                       check.threshold, 0.0,
                       f"{prefix}{check.title.lower()} can't be judged: {reason}",
                       check.source)
    if check.passes == "info":
        ok, verdict = True, Verdict.INFO
    else:
        ok = m.value >= check.threshold if check.passes == ">=" else m.value <= check.threshold
        verdict = Verdict.PASS if ok else check.miss
        if not ok and m.confidence < MIN_CONFIDENCE_TO_FAULT:
            return judge(check, Unjudged(f"too uncertain ({m.confidence:.0%} confidence) to "
                                         f"call a fault"), rep)
    cue = (check.cue_pass if ok else check.cue_miss).format(
        rep=number, value=m.value, depth=_depth_text(m), **(m.extra or {}))
    return Finding(check.key, check.title, number, verdict, m.value, check.unit,
                   check.threshold, float(np.clip(m.confidence, 0, 1)), cue, check.source,
                   m.extra)


def _depth_text(m: Measurement) -> str:
    cm = (m.extra or {}).get("margin_cm")
    pct = f"{abs(m.value):.0f}% of thigh length"
    return f"{abs(cm):.0f} cm ({pct})" if cm is not None else pct


#: Which checks report each fault the synthetic renderer can inject (its fault names); the
#: accuracy benchmark and the example tests score the analysis with this one table.
FAULT_CHECKS: dict[str, frozenset[str]] = {
    "depth_above_parallel": frozenset({"squat.depth"}),
    "bar_drift": frozenset({"squat.bar_over_midfoot", "deadlift.bar_drift",
                            "press.bar_over_midfoot"}),
    "hip_shift": frozenset({"squat.hip_shift"}),
    "knee_cave": frozenset({"squat.knee_cave"}),
    "hips_rise_first": frozenset({"deadlift.hips_first"}),
    "soft_lockout": frozenset({"deadlift.lockout", "bench.lockout", "press.lockout"}),
    "uneven_lockout": frozenset({"bench.uneven"}),
    "no_chest_touch": frozenset(),  # not checked yet
}
