"""Rep segmentation from the lift's primary motion.

The primary motion is the height of one body point (hips for the squat, hands for the
others), in torso lengths, after the landmark clean-up in :mod:`repcheck.pose.signal`.
A rep is an *excursion* away from the rest position and back:

* squat and bench rest at the top and dip down; the deadlift and press rest at the bottom
  and rise. A clip that starts clearly at the other extreme (:func:`choose_rest`) keeps
  the lift's rest when reading it so finds reps: filmed from the walk-up, a pull starts
  standing, yet its reps are the pulls from the floor (read as dips from standing,
  walk-up + 2 pulls + re-rack gave 3 reps). Only if that finds none (one dip from
  standing, a bench pressed off the chest and lowered) does the direction flip.
  The point tracked is the first of the lift's points seen in stretches of at least
  :data:`SEEN_RUN_S` for 80 % of the clip: scraps of hands between the plates hold no rep.
  A bench filmed end-on tries the elbows first (:data:`END_ON_POINTS`).
* Excursions are found by *prominence* (:mod:`repcheck.analysis.peaks`): how far the
  signal must fall on both sides before rising higher. Prominence is hysteresis in one
  number. A wobble at the bottom, a sticking point or jitter 3-6 frames apart (the
  double-counts DESIGN.md reports for a peer tool) has a tiny prominence and is ignored,
  while baseline drift from a moving camera does not shift it.
* Between two reps the motion must come back :data:`RETURN_FRACTION` of the way to rest,
  measured from the lower of the two extremes to the rest level on the outer sides;
  otherwise the two extremes belong to one rep (a long pause whose landmarks sag, or a
  bottom position the pose model misplaces, draws a "W" that is one rep, not two). Real
  returns between reps measured 0.93-1.0 of the way (real benches 0.94 and 0.99,
  synthetic sets 0.93+); the dips of such "W"s on synthetic side-view benches tracked
  by the elbows 0.55-0.79, one 0.87. Landmarks misdrawn near rest can cut a real return
  short (0.74-0.85 of the way on 3 of 380 synthetic clips), but it still spends 0.9 s or
  more in the half nearer rest, a "W"'s dip <= 0.37 s: :data:`RETURN_STAY_S` separates.
* A rep must exceed an absolute minimum amplitude (walkouts, unracking and the dip to get
  under the bar stay below it), at least :data:`RELATIVE_MIN` of the clip's typical big
  excursion (:func:`reference_size`; not the biggest, which a misdrawn frame can double),
  and last between ``min_rep_s`` and ``max_rep_s``, ``min_rep_s`` of it seen. A pull or
  press the clip ends in at lockout counts, unless it is partial
  (:func:`drop_partial_cut_off`) or the clip also started away from rest (the stand after
  a re-rack mirrors the walk-up).
* Reps are never joined across a camera cut (:func:`repcheck.analysis.body.find_cuts`)
  or a stretch where the point was not seen, except a short one far from rest or one
  shorter than a rep (:func:`bridge_gaps`): hands hidden while the bar rests on the
  chest are a pause, not the end of the clip.

Times of a rep: the *turnaround* is a plateau, not a sample. Its level is where the
samples pile up near the extreme (:func:`plateau_level`), and it runs from the first
arrival within :data:`PAUSE_FRACTION` of that level to the last departure from it, so a
wobble of the landmarks during a long pause neither splits the pause nor ends it early
and a glitch past the pause does not become the turnaround. The turnaround time is the
plateau's middle and the pause is its length; ``turn_i`` stays the extreme sample, where
the checks read the bottom (or top) position. The start and end are where the motion is
:data:`EDGE_FRACTION` of the way from its rest level (the checks read "the bar leaves the
floor" there, so it stays 10 %). The phase *durations* are timed between tighter marks
(:func:`phase_marks`): a phase eases in and out, and the 10 % marks cut its slow ends off.
Moving down under the bar is the eccentric phase for all four lifts, so a dip's first
half is eccentric and a rise's first half is concentric.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from repcheck.analysis.body import (
    CUT_JUMP,
    CUT_SCALE_CHANGE,
    body_scale,
    find_cuts,
    frame_s,
    mid,
    segments_between_cuts,
    valid_runs,
)
from repcheck.analysis.peaks import find_peaks
from repcheck.pose.landmarks import LandmarkSeries
from repcheck.pose.signal import finite_runs

SEEN_RUN_S = 1.0  # a point is "seen" for choosing it only in stretches this long: a rep
#                   (start, turnaround, end) takes longer; hands between the plates were
#                   seen in scraps of 0.5-1.7 s, shoulders throughout
RELATIVE_MIN = 0.5  # a rep is at least half as big as the clip's typical big excursion
#                    (reference_size; against the biggest, exact counts on cached synthetic
#                    clips were 629/665 tuned, 284/306 held out; now 635/665, 288/306)
START_S = 0.2  # where a clip starts: its first tenth, at most this long (choose_rest); a
#                real bench pressed off the chest left it 0.13 s in (its first 0.2 s read
#                0.13 of the way up, 0.3 s 0.20, the line; synthetic counts unchanged)
RETURN_FRACTION = 0.85  # between two reps the motion returns this share of the way to rest
RETURN_STAY_S = 0.6  # ...or stays this long in the half nearer rest: real returns measured
#                      0.9-1.4 s there, "W" dips 0.03-0.37 s (380 synthetic clips, seeds < 9000)
PARTIAL_BELOW = 0.75  # smaller than this share of the median rep: flagged "partial"
EDGE_FRACTION = 0.10  # start/end: 10 % of the way from rest to the turnaround
PAUSE_FRACTION = 0.03  # pause: within 3 % of the amplitude of the plateau level...
#: Phase times (:func:`phase_marks`) run from 1 % of the way from rest and to within 0.5 %
#: of the pause level, or to where the point's speed falls to 3 % of the phase's top speed.
#: The renderer eases each phase in and out (cosine), so the 10 % / 3 % marks cut 0.2-0.4 s
#: off each phase and added it to the pause. Median error (s) eccentric / pause / concentric
#: on synthetic clips counted right, seeds 8000-8999 (1213 reps): squat -0.30/+0.18/-0.23 ->
#: -0.07/+0.02/-0.03, bench -0.40/+0.25/-0.30 -> -0.20/+0.15/-0.10, deadlift -0.30/+0.15/
#: -0.17 -> -0.10/+0.02/+0.03, press -0.33/+0.18/-0.23 -> -0.17/+0.05/-0.03; held out (900
#: reps) alike. 2 % / 1 % left ~0.05 s more bias; with no speed stop, lockouts whose
#: landmarks creep read phases up to 0.9 s long (synthetic clips at other tempos).
TIMING_EDGE = 0.01
TIMING_BAND = 0.005
STILL_SPEED = 0.03
PLATEAU_DIP = 0.25  # ...in one stay: dips of the landmarks up to 25 % do not end it
BRIDGE_FAR = 0.5  # a hidden stretch is bridged if both ends are this far from rest (share
#                   of the clip's 5-95 % range of motion)...
BRIDGE_MAX_S = 1.0  # ...and it is no longer than this. Synthetic clips: hands hidden during a
#                     pause 0.1-0.6 s; hidden through a return to lockout and the next
#                     descent 1.7 and 3.5 s (bridging those merged two reps)


@dataclass(frozen=True)
class MotionSpec:
    lift: str
    points: tuple[str, ...]  # candidate mid-points, first one seen in most frames wins
    rest: str  # "top" or "bottom": where a rep starts and ends by default
    min_amplitude: float  # torso lengths
    min_rep_s: float = 0.5
    max_rep_s: float = 15.0
    source: str = ""


MOTIONS: dict[str, MotionSpec] = {m.lift: m for m in (
    MotionSpec("squat", ("hip",), "top", 0.30,
               source="hip drop: half squat measured 0.8 torso, unrack dip < 0.15"),
    MotionSpec("bench", ("wrist", "elbow"), "top", 0.25,
               source="bar travel about one upper-arm length (~0.6 torso)"),
    MotionSpec("deadlift", ("wrist", "shoulder"), "bottom", 0.30,
               source="bar travel knee-to-hip and beyond (> 0.8 torso)"),
    MotionSpec("press", ("wrist", "elbow"), "bottom", 0.35,
               source="bar travel shoulder to overhead (~1 torso)"),
)}


#: Points tracked instead when the lift is filmed end-on (view "front": from the head or
#: the feet of a bench) and the two hands move together (:func:`motion_spec`). From the
#: head end with the camera high (1.8 m) BlazePose draws the hands away from the bar
#: while the elbows follow it. Synthetic benches read as "front", count and turnaround
#: (within 0.5 s) right: 11/18 -> 13/18 tuned (seeds 8000-8999), 13/21 -> 16/21 held
#: out (9000-9999), 0/4 -> 0/4 fresh (6400-6415, filmed from 0.6-0.75 m, where nothing
#: follows the bar); head end from 1.8 m 1/4 -> 3/4 and 2/5 -> 5/5 (the one count lost,
#: 3 -> 2, is a false camera cut splitting the last rep; the wrists had put its
#: turnarounds 0.9 s off); feet end from 1.2-1.8 m unchanged. Side views keep the
#: hands: their far elbow is guessed (elbows first lost 4 of 35 tuned side-view counts).
END_ON_POINTS: dict[str, tuple[str, ...]] = {"bench": ("elbow", "wrist")}


#: Both hands hold one bar, so their heights rise and fall together; a left/right wrist
#: correlation below this says the pose model guessed the hands (see
#: :func:`repcheck.analysis.pipeline.hands_off_bar_warning`). Drawn on synthetic benches
#: (seeds 8000-8999): the 14 miscounted end-on clips from 0.6-0.75 m read -0.83 to 0.49;
#: 0.45 and 0.5 flag the same miscounts, 0.45 one right count fewer. Real benches read
#: 0.52-1.0 (the Swiss-bar set 0.52).
HANDS_TOGETHER_MIN = 0.45
#: Fewest frames with both wrists seen for their correlation to mean anything.
HANDS_MIN_FRAMES = 10


def hands_together(series: LandmarkSeries) -> float:
    """Correlation of the left and right wrist heights over the frames both are seen
    (NaN with fewer than :data:`HANDS_MIN_FRAMES`)."""
    left, right = series.xy("left_wrist")[:, 1], series.xy("right_wrist")[:, 1]
    both = np.isfinite(left) & np.isfinite(right)
    if both.sum() < HANDS_MIN_FRAMES or np.std(left[both]) == 0 or np.std(right[both]) == 0:
        return float("nan")
    return float(np.corrcoef(left[both], right[both])[0, 1])


def motion_spec(lift: str, view: str | None = None,
                series: LandmarkSeries | None = None) -> MotionSpec:
    """The lift's motion, with :data:`END_ON_POINTS` when it is filmed end-on and the
    hands in ``series`` move together. Hands that do not (the lifter lost at bench
    height) leave nothing that follows the bar: the elbows then only moved the
    miscount around, and the pipeline flags the count instead."""
    spec = MOTIONS[lift]
    if view != "front" or lift not in END_ON_POINTS:
        return spec
    if series is not None and not hands_together(series) >= HANDS_TOGETHER_MIN:
        return spec
    return replace(spec, points=END_ON_POINTS[lift])


@dataclass(frozen=True)
class Rep:
    number: int  # 1-based
    start_s: float
    turnaround_s: float  # middle of the turnaround plateau (the pause, if any)
    end_s: float
    eccentric_s: float
    pause_s: float
    concentric_s: float
    amplitude: float  # torso lengths
    amplitude_px: float
    concentric_speed_px_s: float  # mean speed of the tracked point while lifting
    partial: bool
    complete: bool  # the motion came back to rest inside the clip (False: clip ends first)
    start_i: int
    turn_i: int  # the extreme sample (checks read the deepest/highest position there)
    end_i: int
    #: Seconds of the rep when the tracked point was hidden and its path bridged
    #: (:func:`bridge_gaps`): landmark checks cannot see those frames.
    unseen_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class Excursion(NamedTuple):
    """One candidate rep, as sample indices into the excursion signal."""

    peak: int
    left: int  # left base
    right: int  # right base
    prominence: float  # torso lengths
    complete: bool  # the signal came back down to the right base inside the clip


class Marks(NamedTuple):
    """Phase boundaries of one rep, as sample indices."""

    start: int
    pause_start: int  # first arrival at the turnaround plateau
    pause_end: int  # last departure from it
    end: int


@dataclass(frozen=True)
class Segmentation:
    reps: tuple[Rep, ...]
    point: str  # which body point was tracked
    rest: str  # "top" or "bottom"
    cuts_s: tuple[float, ...]  # times of detected camera cuts
    scale_px: float  # torso length used as the unit


def primary_height(series: LandmarkSeries, spec: MotionSpec) -> tuple[str, np.ndarray]:
    """The tracked point and its height (up = positive) in pixels.

    A point counts as seen in a frame only inside a stretch of at least
    :data:`SEEN_RUN_S`: hands the plates hide flicker in and out in scraps of 0.5-1.7 s
    (a pull filmed from the far side at hip height), while the shoulders are seen
    throughout; the scraps hold no whole rep.
    """
    best, best_share = spec.points[0], -1.0
    for point in spec.points:
        share = seen_share(series, point)
        if share >= 0.8:
            best = point
            break
        if share > best_share:
            best, best_share = point, share
    return best, -mid(series, best)[:, 1]


def seen_share(series: LandmarkSeries, point: str) -> float:
    """Share of frames inside stretches of at least SEEN_RUN_S where ``point`` is seen."""
    ok = np.isfinite(mid(series, point)[:, 1])
    if len(series) < 2:
        return float(ok.mean()) if len(ok) else 0.0
    need = SEEN_RUN_S / frame_s(series.times)
    return sum(b - a for a, b in finite_runs(ok) if b - a >= need) / len(ok)


def choose_rest(height: np.ndarray, default: str, fs: float) -> str:
    """Where reps start: the lift's default unless the clip clearly starts elsewhere.

    The start is the clip's first tenth, but no more than :data:`START_S` (at least 3
    samples): a bench pressed off the chest left it 0.13 s in, and the first tenth
    of its 5.4-s clip (0.5 s) held the whole press and read as half-way up.
    """
    ok = height[np.isfinite(height)]
    if len(ok) < 10:
        return default
    lo, hi = np.percentile(ok, [5, 95])
    if hi - lo <= 0:
        return default
    first = max(3, min(len(ok) // 10, int(round(START_S * fs))))
    start = (np.median(ok[:first]) - lo) / (hi - lo)
    if default == "top" and start < 0.2:
        return "bottom"
    if default == "bottom" and start > 0.8:
        return "top"
    return default


def flip_confirmed(series: LandmarkSeries, spec: MotionSpec, point: str, fs: float) -> bool:
    """A clip that seems to start at the other extreme (an RDL from standing) flips the
    rest position only if the lift's other motion points, where seen, agree: from the
    front a pull's hands can be drawn at hip height while the bar is still on the floor
    (the shoulders then say "bottom"), which turned a clean pull into two short dips."""
    for other in spec.points:
        if other == point:
            continue
        height = -mid(series, other)[:, 1]
        if np.isfinite(height).sum() >= 10 and choose_rest(height, spec.rest, fs) == spec.rest:
            return False
    return True


def segment_reps(series: LandmarkSeries, lift: str, view: str | None = None) -> Segmentation:
    """The reps of ``lift``; ``view`` (the detected camera view) picks the tracked points
    (:func:`motion_spec`)."""
    spec = motion_spec(lift, view, series)
    scale = body_scale(series)
    point, height = primary_height(series, spec)
    if not np.isfinite(scale) or scale <= 0 or len(series) < 2:
        return Segmentation((), point, spec.rest, (), scale)
    cuts = [int(c) for c in find_cuts(series)]
    fs = 1.0 / frame_s(series.times)
    other = choose_rest(height, spec.rest, fs)
    starts_away = other != spec.rest and flip_confirmed(series, spec, point, fs)
    seg = segment_from(series, spec, point, height, scale, cuts, fs, spec.rest,
                       end_is_rep=not starts_away)
    if not seg.reps and starts_away:
        return segment_from(series, spec, point, height, scale, cuts, fs, other,
                            end_is_rep=False)
    return seg


def segment_from(series: LandmarkSeries, spec: MotionSpec, point: str, height: np.ndarray,
                 scale: float, cuts: list[int], fs: float, rest: str,
                 end_is_rep: bool) -> Segmentation:
    """The reps read as excursions away from ``rest`` (``fs`` samples per second);
    ``end_is_rep``: see :func:`find_excursions`."""
    excursion = (-height if rest == "top" else height) / scale
    bridged, joined = bridge_gaps(excursion, series.times, cuts, same_shot_cuts(
        series, cuts, scale), min_rep_len(spec, fs), spec.min_rep_s)
    cuts = [c for c in cuts if c not in joined]
    unseen = np.isnan(excursion) & np.isfinite(bridged)
    candidates = find_excursions(bridged, series.times, cuts, spec, fs,
                                 rest == "bottom" and end_is_rep, unseen)
    reps = build_reps(candidates, bridged, series.times, rest, scale, unseen / fs)
    return Segmentation(reps, point, rest, tuple(float(series.times[c]) for c in cuts), scale)


def same_shot_cuts(series: LandmarkSeries, cuts, scale: float) -> set[int]:
    """The detected cuts after which the lifter is where and as big as before.

    :func:`~repcheck.analysis.body.find_cuts` also reads an abrupt change of torso length
    as a zoom. On a paused bench the model can drop the shoulders 0.6 torso lengths onto
    the chest as the hands go out of sight (the torso "shrinks" to half) while the hips
    and shins stay put. A zoom or a new camera changes every length in the picture, so
    a cut whose hips did not jump and whose shins kept their length may be the pose
    model's; :func:`bridge_gaps` may join across such a cut, nothing else does.
    """
    hip = mid(series, "hip")
    shin = np.linalg.norm(mid(series, "knee") - mid(series, "ankle"), axis=1)
    same = set()
    for c in cuts:
        if c < 1:
            continue
        jump = np.linalg.norm(hip[c] - hip[c - 1]) / scale
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = abs(np.log(shin[c] / shin[c - 1]))
        if jump <= CUT_JUMP and ratio <= np.log1p(CUT_SCALE_CHANGE):  # NaN: not the same
            same.add(c)
    return same


def bridge_gaps(excursion: np.ndarray, times: np.ndarray, cuts, same_shot: set[int],
                min_len: int, min_rep_s: float) -> tuple[np.ndarray, set[int]]:
    """Fill a stretch where the point was not seen between two seen stretches long
    enough to segment (``min_len`` samples), if every cut inside is in ``same_shot`` and
    either both of its ends are far from rest (:data:`BRIDGE_FAR`) and it is short
    (:data:`BRIDGE_MAX_S`), or it is shorter than a rep (``min_rep_s``). Returns the
    filled signal and the cuts it joined across.

    Hands go out of sight on the chest during a paused bench; without this the pause
    would cut the rep in half and neither half would count. Near rest, a hidden stretch
    could hold the end of one rep and the start of the next, so a long one stays a gap;
    far from rest the point would have to travel to rest and back unseen, which takes
    longer than BRIDGE_MAX_S. A stretch shorter than a rep hides no whole rep, so filling
    it joins no two: the lifter lost for 0.47 s as the bar left lockout (a real bench)
    left the rep's descent unseen and its size measured from half-way down. Scraps of
    landmarks shorter than ``min_len`` (a lifter walking out of the picture) are not
    joined, just as they are not segmented. Linear filling invents no extreme: the
    filled values lie between the two ends.
    """
    out = np.array(excursion, dtype=float, copy=True)
    joined: set[int] = set()
    seen = out[np.isfinite(out)]
    if len(seen) < 2:
        return out, joined
    lo, hi = np.percentile(seen, [5, 95])
    far = lo + BRIDGE_FAR * (hi - lo)
    runs = [r for r in finite_runs(np.isfinite(out)) if r[1] - r[0] >= min_len]
    for (_, a), (b, _) in zip(runs[:-1], runs[1:], strict=True):
        inside = {c for c in cuts if a <= c <= b}
        if not inside <= same_shot or np.isfinite(out[a:b]).any():
            continue  # a cut, or a scrap of landmarks between the two stretches
        hidden_s = times[b] - times[a - 1]
        far_ends = hidden_s <= BRIDGE_MAX_S and min(out[a - 1], out[b]) >= far
        if not (far_ends or hidden_s < min_rep_s):
            continue
        out[a:b] = np.interp(times[a:b], times[[a - 1, b]], out[[a - 1, b]])
        joined |= inside
    return out, joined


def find_excursions(excursion, times, cuts, spec: MotionSpec, fs: float,
                    end_is_rep: bool, unseen: np.ndarray) -> list[Excursion]:
    """Every accepted excursion, in time order; ``unseen`` marks bridged samples.

    ``end_is_rep``: a pull or press is complete at lockout, so a clip that ends there
    still holds a rep: the signal is let "return" to its base after the clip's end, or
    where the point goes out of sight (hands hidden at lockout), but not before a camera
    cut (the 0.9 s of a press unracked and walked out before a cut read as a rep). Not
    when the clip started away from rest too (standing before the walk-up to a deadlift):
    then both ends of the clip are the lifter standing without the bar, and the stand
    after letting go of it at the end is no more a rep than the stand at the start."""
    found: list[Excursion] = []
    min_len = min_rep_len(spec, fs)
    for a, b in segments_between_cuts(len(excursion), cuts):
        for ra, rb in valid_runs(excursion[a:b], min_len):
            lo, hi = a + ra, a + rb
            piece = excursion[lo:hi]
            if end_is_rep and not (hi == b < len(excursion)):  # not ended by a cut
                piece = np.concatenate([piece, np.full(min_len, np.min(piece))])
            peaks = find_peaks(piece, prominence=spec.min_amplitude,
                               distance=max(1, int(spec.min_rep_s * fs)))
            last = hi - lo - 1
            for p, prom, lb, rb_ in zip(peaks.index, peaks.prominence, peaks.left_base,
                                        peaks.right_base, strict=True):
                if p > last:
                    continue
                found.append(Excursion(lo + int(p), lo + int(lb), lo + int(min(rb_, last)),
                                       float(prom), bool(rb_ <= last)))
    found = local_bases(merge_unreturned(sorted(found), excursion, times), excursion)
    if not found:
        return []
    big = reference_size([f.prominence for f in found])
    kept = [f for f in found if f.prominence >= RELATIVE_MIN * big]
    kept = [f for f in kept if lasts(f, excursion, times, unseen, spec)]
    return drop_partial_cut_off(kept, excursion)


def reference_size(sizes: list[float]) -> float:
    """The size a rep is compared with: the mean of the bigger half of the excursions
    (the middle one included; the biggest of one or two).

    Not the biggest: a lifter found again after being lost for a few frames can be drawn
    with the hands 1.3 torso lengths below the chest, doubling a rep (a real Swiss-bar
    bench: reps 1.1-1.5, two misdrawn 2.2 and 2.6, the lifter sitting before the set
    0.55-0.58; half the biggest dropped three of five reps). Synthetic sets whose one
    rep the model drew deeper lost their shallower reps the same way. The bigger half
    leaves out the small excursions (the sitting), and its mean, not its median, lets
    two misdrawn reps of five (its top two of three) not set the size alone.
    """
    top = sorted(sizes)[len(sizes) // 2:]
    return float(np.mean(top))


def lasts(exc: Excursion, excursion, times, unseen: np.ndarray, spec: MotionSpec) -> bool:
    """Whether a rep lasts ``min_rep_s`` to ``max_rep_s``, ``min_rep_s`` of it seen.

    Filled hidden time is no motion seen: an elbow drawn off for 0.3 s as it came back
    into view, after 0.16 s unseen at rest, made a 0.5-s "rep" of a filled gap (a
    synthetic bench from the head end, held out).
    """
    marks = rep_marks(excursion, exc)
    idx = np.arange(marks.start, marks.end)
    dt = np.diff(times)[idx]
    span = float(times[marks.end] - times[marks.start])
    seen = float(np.sum(dt[~unseen[idx]]))
    return spec.min_rep_s <= span <= spec.max_rep_s and seen >= spec.min_rep_s


def drop_partial_cut_off(found: list[Excursion], excursion) -> list[Excursion]:
    """Without a last rep that the clip cuts off before it comes back, if it is partial.

    A rep the clip ends in is counted on trust that it reached lockout; one under
    :data:`PARTIAL_BELOW` of the size of the other reps did not show it did (the hands
    drawn 0.66 torso lengths up in the last 0.5 s of a pull whose reps rose 0.9-1.15).
    """
    if len(found) < 2:
        return found
    last = found[-1]
    after = excursion[last.peak:]
    if np.nanmin(after) <= excursion[last.peak] - (1 - EDGE_FRACTION) * last.prominence:
        return found  # it came back
    typical = float(np.median([f.prominence for f in found[:-1]]))
    return found if last.prominence >= PARTIAL_BELOW * typical else found[:-1]


def min_rep_len(spec: MotionSpec, fs: float) -> int:
    """Fewest samples a stretch needs to hold a rep."""
    return max(5, int(spec.min_rep_s * fs))


def local_bases(found: list[Excursion], excursion) -> list[Excursion]:
    """Each excursion's bases moved to the lowest point between it and its neighbours.

    A prominence base lies wherever the signal is lowest before it rises above the peak,
    which for a rep a little deeper than the next can be several reps away; the start
    and end of a rep are measured from the rest next to it.
    """
    out = []
    for k, exc in enumerate(found):
        lo = max(exc.left, found[k - 1].peak) if k > 0 else exc.left
        hi = min(exc.right, found[k + 1].peak) if k + 1 < len(found) else exc.right
        left = lo + int(np.nanargmin(excursion[lo:exc.peak + 1]))
        right = exc.peak + int(np.nanargmin(excursion[exc.peak:hi + 1]))
        out.append(exc._replace(left=left, right=right))
    return out


def return_share(prev: Excursion, cur: Excursion, excursion) -> float:
    """How far the motion came back towards rest between two extremes (1 = all the way).

    Measured from the lower extreme to the rest level on the outer sides of the pair, so
    the dip between the two halves of a "W" counts as the partial return it is, however
    prominent it looks next to either half. NaN when the two are in different pieces.
    """
    between = excursion[prev.peak:cur.peak + 1]
    if not np.isfinite(between).all():
        return float("nan")
    top, rest = _pair_levels(prev, cur, excursion)
    if top - rest <= 0:
        return 1.0
    return float((top - np.min(between)) / (top - rest))


def near_rest_s(prev: Excursion, cur: Excursion, excursion, times) -> float:
    """Seconds between two extremes that the motion spent in the half nearer rest.

    A real return between reps lowers the bar through that half and lifts it back, ~0.9 s
    or more at any tempo measured; the dip of a misread "W" only touches it (<= 0.37 s).
    """
    top, rest = _pair_levels(prev, cur, excursion)
    idx = np.arange(prev.peak, cur.peak + 1)
    near = idx[excursion[idx] < (top + rest) / 2]
    return float(np.sum(np.diff(times)[near[near < len(times) - 1]]))


def _pair_levels(prev: Excursion, cur: Excursion, excursion) -> tuple[float, float]:
    """The lower extreme of a pair and the rest level on its outer sides."""
    top = min(excursion[prev.peak], excursion[cur.peak])
    return float(top), float(max(excursion[prev.left], excursion[cur.right]))


def merge_unreturned(found: list[Excursion], excursion, times) -> list[Excursion]:
    """Join neighbouring extremes the motion never came back to rest between.

    Prominence alone treats two equally high bumps (the two ends of a long pause at the
    bottom, say) as two reps; requiring a return of :data:`RETURN_FRACTION` of the way
    to rest between reps is the explicit hysteresis. A return that falls short of it but
    stays :data:`RETURN_STAY_S` in the half nearer rest still separates two reps: hands
    drawn high at the floor between two pulls came back 0.84 of the way.
    """
    merged: list[Excursion] = []
    for cur in found:
        if (merged and return_share(merged[-1], cur, excursion) < RETURN_FRACTION
                and near_rest_s(merged[-1], cur, excursion, times) < RETURN_STAY_S):
            prev = merged[-1]
            keep = prev.peak if excursion[prev.peak] >= excursion[cur.peak] else cur.peak
            merged[-1] = Excursion(keep, prev.left, cur.right,
                                   max(prev.prominence, cur.prominence), cur.complete)
            continue
        merged.append(cur)
    return merged


def rep_marks(excursion, exc: Excursion, edge: float = EDGE_FRACTION,
              band: float = PAUSE_FRACTION) -> Marks:
    """Start, turnaround plateau and end of the excursion peaking at ``exc.peak``.

    The turnaround region is the stretch around the peak where the motion has not yet
    come back towards rest (above ``1 - RETURN_FRACTION`` of the amplitude). The pause
    runs from the first arrival within PAUSE_FRACTION of its plateau level
    (:func:`plateau_level`) to the last departure from it, within the one stay at that
    level that holds the extreme. ``edge`` and ``band`` replace EDGE_FRACTION and
    PAUSE_FRACTION (:func:`phase_marks` times the phases between tighter marks).
    """
    x, peak, left, right = excursion, exc.peak, exc.left, exc.right
    # The prominence, not the bases: a pull that ends at lockout has its right base there.
    amp = max(exc.prominence, 1e-9)
    lo, hi = _region(x, peak, left, right, x[peak] - RETURN_FRACTION * amp)
    region = x[lo:hi + 1]
    level = plateau_level(region, x[peak] - amp / 2, PAUSE_FRACTION * amp)
    # The pause is one stay: landmark wobble may dip below the band, but a fall of more
    # than PLATEAU_DIP (a glitch reaching the level early, then the bar still lowering)
    # ends it. The stay is the one holding the extreme.
    a, b = _region(x, peak, lo, hi, level - PLATEAU_DIP * amp)
    inside = np.flatnonzero(x[a:b + 1] >= level - band * amp)
    # The peak itself is always inside; the guard keeps a future change from an IndexError.
    p0, p1 = (a + int(inside[0]), a + int(inside[-1])) if len(inside) else (peak, peak)
    start = _last_at_or_below(x, left, peak, x[left] + edge * (x[peak] - x[left]))
    end = _first_at_or_below(x, peak, right, x[right] + edge * (x[peak] - x[right]))
    return Marks(start, p0, p1, end)


def plateau_level(region: np.ndarray, floor: float, band: float) -> float:
    """The level in the far half of a rep (above ``floor``) with the most samples within
    ``band`` below it; the highest such level on a tie.

    Where the bar sat still is where the samples pile up. The extreme sample is a poor
    stand-in: a glitch as the hands reappear after being hidden at the chest can stand
    12 % above the pause, and a pause on wobbly landmarks has its extreme on one wobble.
    Without a pause the samples pile up at the tip (a smooth turn spends longest near
    its extreme), so the level is the extreme, as before.
    """
    top = np.sort(region[region >= floor])
    if len(top) == 0:
        return float(np.max(region))
    counts = (np.searchsorted(top, top, side="right")
              - np.searchsorted(top, top - band, side="left"))
    best = np.flatnonzero(counts == counts.max())[-1]
    return float(top[best])


def _region(x, peak: int, left: int, right: int, level: float) -> tuple[int, int]:
    """The stretch around ``peak`` (within the bases) where ``x`` stays above ``level``."""
    below_l = np.flatnonzero(x[left:peak + 1] <= level)
    below_r = np.flatnonzero(x[peak:right + 1] <= level)
    lo = left + int(below_l[-1]) + 1 if len(below_l) else left
    hi = peak + int(below_r[0]) - 1 if len(below_r) else right
    return lo, hi


def _last_at_or_below(x, a: int, b: int, level: float) -> int:
    idx = np.flatnonzero(x[a:b + 1] <= level)
    return a + int(idx[-1]) if len(idx) else a


def _first_at_or_below(x, a: int, b: int, level: float) -> int:
    idx = np.flatnonzero(x[a:b + 1] <= level)
    return a + int(idx[0]) if len(idx) else b


def phase_marks(excursion, times, exc: Excursion, marks: Marks) -> Marks:
    """Where the motion of each phase really starts and stops, for timing it.

    :func:`rep_marks` puts the start and end :data:`EDGE_FRACTION` of the way from rest
    and the pause within :data:`PAUSE_FRACTION` of its level, where the checks read the
    positions; a phase that eases in and out spends its slow first and last fifth
    there, which the phase times lost and the pause gained. Each mark is moved outwards
    (start and end) or inwards (pause) towards the tight marks (:data:`TIMING_EDGE`,
    :data:`TIMING_BAND`), stopping early where the point's speed falls below
    :data:`STILL_SPEED` of the phase's top speed: landmarks that creep while the bar is
    held (a lockout) never reach a tight band around where they end up.
    """
    tight = rep_marks(excursion, exc, TIMING_EDGE, TIMING_BAND)
    speed = np.abs(np.gradient(excursion, times))
    first = STILL_SPEED * np.nanmax(speed[marks.start:marks.pause_start + 1], initial=0.0)
    second = STILL_SPEED * np.nanmax(speed[marks.pause_end:marks.end + 1], initial=0.0)
    return Marks(_walk_while_moving(speed, marks.start, tight.start, first),
                 _walk_while_moving(speed, marks.pause_start, tight.pause_start, first),
                 _walk_while_moving(speed, marks.pause_end, tight.pause_end, second),
                 _walk_while_moving(speed, marks.end, tight.end, second))


def _walk_while_moving(speed, i: int, limit: int, still: float) -> int:
    """From sample ``i`` towards ``limit``, the first sample whose speed is at most
    ``still`` (``limit`` if none)."""
    step = 1 if limit >= i else -1
    for j in range(i, limit, step):
        if speed[j] <= still:
            return j
    return limit


def build_reps(candidates: list[Excursion], excursion, times, rest: str, scale: float,
               unseen_s: np.ndarray) -> tuple[Rep, ...]:
    """Rep records; ``unseen_s`` holds, per sample, the seconds it was bridged unseen."""
    reps = []
    amps = [c.prominence for c in candidates]
    typical = float(np.median(amps)) if amps else 0.0
    for number, exc in enumerate(candidates, start=1):
        peak, prom = exc.peak, exc.prominence
        marks = rep_marks(excursion, exc)
        start, turn0, turn1, end = marks
        t0, p0, p1, t1 = phase_marks(excursion, times, exc, marks)
        first, second = times[p0] - times[t0], times[t1] - times[p1]
        # Dips (rest at the top) go down first: eccentric then concentric.
        ecc, con = (first, second) if rest == "top" else (second, first)
        up = (p1, t1) if rest == "top" else (t0, p0)
        rise = abs(excursion[up[1]] - excursion[up[0]]) * scale
        con_speed = rise / max(times[up[1]] - times[up[0]], 1e-6)
        reps.append(Rep(number, float(times[start]), float((times[turn0] + times[turn1]) / 2),
                        float(times[end]), float(ecc), float(times[p1] - times[p0]),
                        float(con), prom, prom * scale, float(con_speed),
                        prom < PARTIAL_BELOW * typical, exc.complete, int(start), int(peak),
                        int(end), float(np.sum(unseen_s[start:end + 1]))))
    return tuple(reps)
