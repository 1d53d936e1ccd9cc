"""The check framework: a :class:`CheckDef` row per check, the :class:`Measurement` a
measure returns, the :class:`CheckContext` it reads, helpers the lift modules share, and
:func:`judge`, which turns a measurement into a :class:`Finding`.

A measure returns a :class:`Measurement`, an :class:`Unjudged` with the reason it cannot
judge (the clip ends before the descent, the hands are not on a bar, the landmarks jump
implausibly), or ``None`` when the joints it needs were not seen. The last two become
"can't judge" findings, never a guess. Angles are measured in the image plane on the side
facing the camera, so they are only judged from views where that plane is the one the
joint bends in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from repcheck.analysis.findings import Finding, Verdict
from repcheck.analysis.reps import Rep, Segmentation
from repcheck.analysis.view import ViewEstimate
from repcheck.pose.angles import joint_angle
from repcheck.pose.landmarks import LandmarkSeries
from repcheck.pose.signal import finite_runs, nan_median

THIGH_PER_HEIGHT = 0.245  # Winter's anthropometric table: thigh length / stature
TORSO_PER_HEIGHT = 0.288  # Winter: shoulder (0.818 H) to hip (0.530 H) joint heights
#: Below this confidence a missed threshold is reported as "can't judge", not as a fault:
#: a cue the lifter cannot trust does more harm than no cue.
MIN_CONFIDENCE_TO_FAULT = 0.4
#: A relative measurement beyond this % of a body segment is a landmark error, not form.
PLAUSIBLE_PCT = 60.0
ALL_VIEWS = ("side", "front", "oblique")
#: The pose model losing the lifter during the set: more separate losses than this, or a
#: larger share of the set's frames, and the set's landmarks are not trusted. Synthetic
#: sets it tracked: at most 3 losses and 3 % of frames (the uneven benchmark clip: one
#: 0.6 s loss, 13 %); sets where it kept losing the figure: 6-21 losses or 25-63 %, with
#: wrists off by 30-38 px, rep bottoms 8-45 % of the arm apart and elbows reading 130°
#: at lockout when the lift was forced to bench; rep ranges and speeds from such sets vary
#: by 21-46 % between identical synthetic reps.
LOST_RUNS_MAX = 4
LOST_SHARE_MAX = 0.2


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
    #: A competition rule that training often breaks on purpose (a touch-and-go bench):
    #: missing it is a fault only when judging by meet rules (``--meet``); otherwise the
    #: miss is reported as information, with the same cue.
    meet_only: bool = False
    #: Where to film from instead, when the views alone say too little (a view the check
    #: lists may only work from one end or height); default: the views, joined by "or".
    film_from: str = ""



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
    #: Judge by competition rules (see CheckDef.meet_only).
    meet: bool = False
    #: Per-set readings a check compares every rep with (:func:`short_of_best`), read
    #: once per set rather than once per rep.
    set_readings: dict[str, list[float]] = field(default_factory=dict, compare=False)

    @property
    def motion_series(self) -> LandmarkSeries:
        return self.motion if self.motion is not None else self.series

    @property
    def side(self) -> str:
        return self.view.facing


Measure = Callable[[CheckContext, Rep | None], Measurement | Unjudged | None]


def turn_window(rep: Rep, around: int = 2) -> slice:
    return slice(max(rep.turn_i - around, rep.start_i), min(rep.turn_i + around, rep.end_i) + 1)


def best_side(ctx: CheckContext, parts: tuple[str, ...], idx) -> str | None:
    """The facing side if its joints are known at ``idx``, else the other, else None."""
    for side in (ctx.side, "right" if ctx.side == "left" else "left"):
        pts = [ctx.series.xy(f"{side}_{p}")[idx] for p in parts]
        if all(np.isfinite(p).any() for p in pts):
            return side
    return None


def visibility(ctx: CheckContext, side: str, parts: tuple[str, ...], idx) -> float:
    return float(np.mean([np.nanmean(ctx.series.vis(f"{side}_{p}")[idx]) for p in parts]))


def angle_extreme(ctx: CheckContext, rep: Rep, angle: str, parts, pick) -> Measurement | None:
    w = slice(rep.start_i, rep.end_i + 1)
    side = best_side(ctx, parts, w)
    if side is None:
        return None
    values = joint_angle(ctx.series, angle, side)[w]
    if not np.isfinite(values).any():
        return None
    return Measurement(float(pick(values)), visibility(ctx, side, parts, w), {"side": side})


def short_of_best(ctx: CheckContext, rep: Rep, reading: Callable[[Rep], float],
                  unread: str, parts: tuple[str, ...], window: slice,
                  name: str) -> Measurement | Unjudged:
    """How many degrees this rep's ``reading`` (a joint angle where a lockout is held;
    NaN when not read) falls short of the set's straightest other rep, 0 when it is the
    straightest. Within one set the camera and the lifter stay the same, so the pose
    model's misreading of a joint the plates half hide errs alike from rep to rep, and a
    soft lockout shows against the others where no absolute angle can. The reading is
    kept in ``extra[name]`` with the rep compared against (``best_rep``); ``name`` also
    keys the set's readings, taken once (``ctx.set_readings``)."""
    if ctx.seg.cuts_s:
        return Unjudged("the camera cuts during the set, and reps filmed from different "
                        "places cannot be compared")
    values = ctx.set_readings.get(name)
    if values is None:
        values = ctx.set_readings[name] = [reading(r) for r in ctx.seg.reps]
    mine = values[ctx.seg.reps.index(rep)]
    if not np.isfinite(mine):
        return Unjudged(unread)
    others = [(v, r.number) for v, r in zip(values, ctx.seg.reps, strict=True)
              if r is not rep and np.isfinite(v)]
    if not others:
        return Unjudged("no other rep's lockout was seen clearly enough to compare with")
    best, best_rep = max(others)
    return Measurement(max(best - mine, 0.0), visibility(ctx, ctx.side, parts, window),
                       {name: round(mine, 1), "best_rep": best_rep})


def lost_lifter(ctx: CheckContext) -> Unjudged | None:
    """Why the set's landmarks are not trusted, if the pose model kept losing the lifter
    between the first rep's start and the last rep's end (the cleaned landmarks fill such
    frames in; the model's visibility is kept, and is 0 where it found nobody)."""
    span = slice(ctx.seg.reps[0].start_i, ctx.seg.reps[-1].end_i + 1)
    lost = ~(ctx.series.visibility[span] > 0).any(axis=1)
    runs = len(finite_runs(lost))
    if runs > LOST_RUNS_MAX or lost.mean() > LOST_SHARE_MAX:
        return Unjudged(f"the pose model lost the lifter {runs} times ({lost.mean():.0%} of "
                        f"the set), so its landmarks are not trusted")
    return None


def lockout_window(ctx: CheckContext, rep: Rep) -> slice:
    """Frames around the top of a pull: the turnaround when reps rise from the floor,
    the rep's end when the clip starts standing (a dip from lockout)."""
    if ctx.seg.rest == "bottom":
        return turn_window(rep, 4)
    return slice(max(rep.end_i - 4, rep.turn_i), rep.end_i + 1)


def rise_window(ctx, rep) -> slice:
    """The concentric (upward) part of a rep."""
    if ctx.seg.rest == "bottom":
        return slice(rep.start_i, rep.turn_i + 1)
    return slice(rep.turn_i, rep.end_i + 1)


def foot_length(ctx: CheckContext, side: str) -> float:
    d = np.linalg.norm(ctx.series.xy(f"{side}_heel") - ctx.series.xy(f"{side}_foot_index"),
                       axis=1)
    return nan_median(d)


def forward_sign(ctx: CheckContext) -> float:
    """+1 when the lifter faces +x in the image, -1 when facing -x, 0 when unknown.

    Read from the toes' side of the heels over the whole clip (both feet): the feet stay
    planted through a squat or press, so the median settles even when single frames of the
    foot points jump; the nose against the ears decides when the feet were never seen."""
    s = ctx.series
    toes = np.concatenate([s.xy(f"{side}_foot_index")[:, 0] - s.xy(f"{side}_heel")[:, 0]
                           for side in ("left", "right")])
    if np.isfinite(toes).any() and np.nanmedian(toes) != 0:
        return float(np.sign(np.nanmedian(toes)))
    nose = np.concatenate([s.xy("nose")[:, 0] - s.xy(f"{side}_ear")[:, 0]
                           for side in ("left", "right")])
    return float(np.sign(np.nanmedian(nose))) if np.isfinite(nose).any() else 0.0


def measure_elbow_lockout(ctx, rep):
    return angle_extreme(ctx, rep, "elbow", ("shoulder", "elbow", "wrist"), np.nanmax)


def not_judged(check: CheckDef, view: str) -> Finding:
    return Finding(check.key, check.title, None, Verdict.NOT_JUDGED, None, check.unit,
                   check.threshold, 0.0,
                   f"{check.title}: not judged from this view ({view}); film from the "
                   f"{check.film_from or ' or '.join(check.views)}", check.source)


def judge(check: CheckDef, m: Measurement | Unjudged | None, rep: Rep | None,
          meet: bool = True) -> Finding:
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
        if not ok and check.meet_only and not meet:
            verdict = Verdict.INFO
        elif not ok and m.confidence < MIN_CONFIDENCE_TO_FAULT:
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
