"""The clip's timeline: which segment, which rep and how far through it, at any time.

A clip is a list of segments: a still lead-in, optional setup segments (unrack, walk out,
set up), the reps, optional re-rack segments and a still lead-out. Still moments are
segments with a fixed ``hold`` progress, so the lift code only ever sees a segment name and a
progress. Each rep is four phases:

* ``away``  — leave the start position (squat/bench: lower; deadlift/press: lift),
* ``turn``  — pause at the far end (squat/bench: bottom pause; deadlift/press: lockout hold),
* ``back``  — return to the start position,
* ``rest``  — pause between reps (not after the last).

``progress`` ``p`` runs 0 → 1 → 0 through a rep: 0 is the start position (standing for the
squat, arms locked for the bench, bar on the floor for the deadlift, bar on the shoulders for
the press) and 1 the far end. The lift modules turn ``p`` into joint positions, so timing
lives here and geometry there.
"""

from __future__ import annotations

from dataclasses import dataclass

from repcheck.synth.kinematics import ease
from repcheck.synth.spec import ClipSpec

#: Lifts whose rep begins with the lift (concentric) rather than the descent.
CONCENTRIC_FIRST = frozenset({"deadlift", "press"})

#: Setup and re-rack segments per lift: (name, seconds). Names are understood by lifts.py.
SETUP_SEGMENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "squat": (("unrack", 0.9), ("walkout", 1.5)),
    "press": (("unrack", 0.8), ("walkout", 1.2)),
    "bench": (("unrack", 1.0),),
    "deadlift": (("setup", 1.3),),
}
SETTLE_S = 0.25  # still moment between a setup segment and the first rep

RERACK_SEGMENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "squat": (("walkin", 1.4), ("rack", 0.8)),
    "press": (("walkin", 1.1), ("rack", 0.7)),
    "bench": (("rack", 1.0),),
    "deadlift": (("stand", 1.1),),
}


@dataclass(frozen=True)
class Segment:
    name: str  # rep, or a setup / re-rack segment name (unrack, walkout, setup, ...)
    start_s: float
    end_s: float
    rep: int | None = None  # 0-based rep index for rep segments
    phase: str | None = None  # away, turn, back, rest
    hold: float | None = None  # a still segment: progress fixed at this value


@dataclass(frozen=True)
class FrameState:
    t: float
    segment: str
    progress: float  # segment progress 0..1 for non-rep segments; p (see module doc) for reps
    rep: int | None = None
    phase: str | None = None


@dataclass(frozen=True)
class RepTiming:
    index: int  # 0-based
    start_s: float
    turn_s: float  # far end reached
    turn_end_s: float  # far end left
    end_s: float


@dataclass(frozen=True)
class Timeline:
    segments: tuple[Segment, ...]
    reps: tuple[RepTiming, ...]
    duration_s: float

    def state_at(self, t: float) -> FrameState:
        seg = self.segments[-1]
        for candidate in self.segments:
            if candidate.start_s <= t < candidate.end_s:
                seg = candidate
                break
        span = max(seg.end_s - seg.start_s, 1e-9)
        s = min(max((t - seg.start_s) / span, 0.0), 1.0)
        if seg.hold is not None:
            s = seg.hold
        if seg.name != "rep":
            return FrameState(t, seg.name, s)
        if seg.hold is not None:
            p = seg.hold
        else:
            p = {"away": ease(s), "turn": 1.0, "back": 1.0 - ease(s), "rest": 0.0}[seg.phase]
        return FrameState(t, "rep", p, rep=seg.rep, phase=seg.phase)


def rep_phase_durations(spec: ClipSpec) -> tuple[float, float, float, float]:
    """(away, turn, back, rest) seconds for this lift's order of phases."""
    t = spec.tempo
    if spec.lift in CONCENTRIC_FIRST:
        return t.concentric_s, t.top_pause_s, t.eccentric_s, t.bottom_pause_s
    return t.eccentric_s, t.bottom_pause_s, t.concentric_s, t.top_pause_s


def build_timeline(spec: ClipSpec) -> Timeline:
    segments: list[Segment] = []
    now = 0.0

    def add(name: str, seconds: float, rep=None, phase=None, hold=None):
        nonlocal now
        if seconds > 0:
            segments.append(Segment(name, now, now + seconds, rep, phase, hold))
            now += seconds

    setup = SETUP_SEGMENTS[spec.lift] if spec.setup else ()
    rerack = RERACK_SEGMENTS[spec.lift] if spec.rerack else ()
    if setup:
        add(setup[0][0], spec.lead_in_s, hold=0.0)
    else:
        add("rep", spec.lead_in_s, 0, "rest", hold=0.0)
    for name, seconds in setup:
        add(name, seconds)
        add(name, SETTLE_S, hold=1.0)
    away, turn, back, rest = rep_phase_durations(spec)
    reps: list[RepTiming] = []
    for i in range(len(spec.reps)):
        start = now
        add("rep", away, i, "away")
        turn_start = now
        add("rep", turn, i, "turn")
        turn_end = now
        add("rep", back, i, "back")
        reps.append(RepTiming(i, start, turn_start, turn_end, now))
        if i < len(spec.reps) - 1:
            add("rep", rest, i, "rest")
    for name, seconds in rerack:
        add(name, SETTLE_S, hold=0.0)
        add(name, seconds)
    if rerack:
        add(rerack[-1][0], spec.lead_out_s, hold=1.0)
    else:
        add("rep", spec.lead_out_s, len(spec.reps) - 1, "rest", hold=0.0)
    return Timeline(tuple(segments), tuple(reps), now)
