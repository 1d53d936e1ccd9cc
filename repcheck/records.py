"""Estimated one-rep max, rep maxes, personal records and the DOTS score.

Definitions (documented in README.md, "Personal records"):

* **e1RM** — the default formula is Epley, ``w × (1 + r/30)``, with a single counting as
  its own weight. ``e1rm.formula`` selects another. Estimates from more than
  :data:`TRUSTED_REPS` reps are flagged ``trusted=False`` and never become the e1RM record.
* **Heaviest** — the heaviest weight lifted for at least one rep.
* **r-rep max** (1 ≤ r ≤ 12) — the heaviest weight lifted for *at least* r reps. A set of
  5 × 150 therefore also proves a 3RM of at least 150, so rep maxes never go down as r falls.
  Only the set's own rep count is announced: a set that is not a new rep max for its own
  count cannot be one for a smaller count either. The 1RM equals the heaviest weight, so it
  is announced as "heaviest".
* **Set volume** — reps × weight of one set; **session volume** — the sum over one lift's
  sets on one calendar day.

Warm-up sets never count. A record must be beaten, not equalled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

TRUSTED_REPS = 12
REP_MAX_RANGE = range(1, TRUSTED_REPS + 1)


def _epley(w: float, r: int) -> float:
    return w * (1 + r / 30)


def _brzycki(w: float, r: int) -> float:
    return w * 36 / (37 - r) if r < 37 else math.inf


def _lander(w: float, r: int) -> float:
    return 100 * w / (101.3 - 2.67123 * r) if r < 37 else math.inf


E1RM_FORMULAS: dict[str, Callable[[float, int], float]] = {
    "epley": _epley,
    "brzycki": _brzycki,
    "lombardi": lambda w, r: w * r**0.10,
    "mayhew": lambda w, r: 100 * w / (52.2 + 41.9 * math.exp(-0.055 * r)),
    "oconner": lambda w, r: w * (1 + 0.025 * r),
    "wathan": lambda w, r: 100 * w / (48.8 + 53.8 * math.exp(-0.075 * r)),
    "lander": _lander,
}
DEFAULT_FORMULA = "epley"


@dataclass(frozen=True)
class Estimate:
    kg: float
    trusted: bool


def e1rm(weight_kg: float, reps: int, formula: str = DEFAULT_FORMULA) -> Estimate:
    """Estimated one-rep max in kg for ``reps`` at ``weight_kg``.

    A single is its own 1RM whatever the formula. Estimates above 12 reps are returned but
    marked untrusted: every formula drifts badly there.
    """
    if reps < 1:
        raise ValueError("reps must be at least 1")
    if reps == 1:
        return Estimate(float(weight_kg), True)
    value = E1RM_FORMULAS[formula](float(weight_kg), reps)
    return Estimate(value, reps <= TRUSTED_REPS)


# DOTS coefficients (IPF/Powerlifting formula, 2019): denominator a·x⁴ + b·x³ + c·x² + d·x + e
DOTS_COEFFICIENTS = {
    "m": (-0.000001093, 0.0007391293, -0.1918759221, 24.0900756, -307.75076),
    "f": (-0.0000010706, 0.0005158568, -0.1126655495, 13.6175032, -57.96288),
}
DOTS_BODYWEIGHT_RANGE = {"m": (40.0, 210.0), "f": (40.0, 150.0)}


def dots(total_kg: float, bodyweight_kg: float, sex: str) -> float:
    """DOTS score of a powerlifting total. Bodyweight is clamped to the formula's range."""
    a, b, c, d, e = DOTS_COEFFICIENTS[sex]
    lo, hi = DOTS_BODYWEIGHT_RANGE[sex]
    x = min(max(bodyweight_kg, lo), hi)
    return total_kg * 500 / (a * x**4 + b * x**3 + c * x**2 + d * x + e)


@dataclass(frozen=True)
class SetRef:
    """The parts of a logged set that records need."""

    id: str
    reps: int
    kg: Decimal  # exact
    weight: str  # as entered, for display ("315 lb")
    date: str  # session date, YYYY-MM-DD

    @property
    def volume(self) -> Decimal:
        return self.kg * self.reps


@dataclass(frozen=True)
class Record:
    kind: str  # "heaviest", "rep_max", "e1rm", "set_volume", "session_volume"
    label: str  # "5RM", "e1RM", …
    value: float  # kg (or kg·reps for volume)
    set: SetRef | None  # the set that holds it (None for session volume)
    date: str


@dataclass(frozen=True)
class Bests:
    """A lift's records, from the heaviest set in each rep bucket (1…12, 13+) and volumes."""

    by_reps: dict[int, SetRef]  # bucket (1..13) -> heaviest set with that many reps
    best_set_volume: SetRef | None
    best_session_volume: tuple[str, Decimal] | None  # (date, kg·reps) of the best OTHER day

    def heaviest(self) -> SetRef | None:
        return _heaviest(self.by_reps.values())

    def rep_max(self, reps: int) -> SetRef | None:
        """Heaviest set with at least ``reps`` reps."""
        return _heaviest(s for bucket, s in self.by_reps.items() if bucket >= reps)

    def best_e1rm(self, formula: str = DEFAULT_FORMULA) -> tuple[float, SetRef] | None:
        best: tuple[float, SetRef] | None = None
        for bucket, ref in self.by_reps.items():
            if bucket > TRUSTED_REPS:
                continue
            est = e1rm(float(ref.kg), ref.reps, formula).kg
            if best is None or est > best[0]:
                best = (est, ref)
        return best


def _heaviest(refs) -> SetRef | None:
    best = None
    for ref in refs:
        if best is None or ref.kg > best.kg:
            best = ref
    return best


@dataclass(frozen=True)
class NewRecord:
    label: str
    new: str  # "150 kg × 5"
    previous: str | None  # "145 kg × 5 on 2026-11-18", or None when it is the first
    kind: str


def detect_prs(new: list[SetRef], before: Bests, session_volume_before: Decimal,
               formula: str = DEFAULT_FORMULA) -> list[NewRecord]:
    """Records that the working sets ``new`` (logged together, same lift and day) break.

    ``before`` describes the journal without ``new``; ``session_volume_before`` is the lift's
    volume earlier on the same day.
    """
    out: list[NewRecord] = []
    running = before
    for ref in new:
        out.extend(_prs_of_set(ref, running, before, formula))
        running = _with(running, ref)
    day_volume = session_volume_before + sum((r.volume for r in new), Decimal(0))
    prev = before.best_session_volume  # best of the *other* days
    if new and prev is not None and day_volume > prev[1] >= session_volume_before:
        out.append(NewRecord("session volume", f"{_kg(day_volume)} kg",
                             f"{_kg(prev[1])} kg on {prev[0]}", "session_volume"))
    return _dedupe(out)


def _prs_of_set(ref: SetRef, running: Bests, before: Bests, formula: str) -> list[NewRecord]:
    """Records ``ref`` breaks. ``running`` includes the sets logged just before it in the same
    command and decides; ``before`` (the journal before the command) supplies "previous"."""
    out = []
    if not before.by_reps:
        return out  # the first working set of a lift sets records; it does not break them
    heaviest = running.heaviest()
    if heaviest is not None and ref.kg > heaviest.kg:
        out.append(NewRecord("heaviest", _fmt(ref), _prev(before.heaviest()), "heaviest"))
    if ref.reps <= TRUSTED_REPS:
        rm = running.rep_max(ref.reps)
        # The 1RM is the heaviest weight by definition, already reported above.
        if ref.reps > 1 and (rm is None or ref.kg > rm.kg):
            out.append(NewRecord(f"{ref.reps}RM", _fmt(ref), _prev(before.rep_max(ref.reps)),
                                 "rep_max"))
        prev_e1 = running.best_e1rm(formula)
        est = e1rm(float(ref.kg), ref.reps, formula).kg
        if prev_e1 is not None and est > prev_e1[0] + 1e-9:
            old = before.best_e1rm(formula)
            out.append(NewRecord("e1RM", f"{est:.1f} kg",
                                 f"{old[0]:.1f} kg on {old[1].date}" if old else None, "e1rm"))
    vol = running.best_set_volume
    if vol is not None and ref.volume > vol.volume:
        old_vol = before.best_set_volume
        out.append(NewRecord(
            "set volume", f"{_kg(ref.volume)} kg ({_fmt(ref)})",
            f"{_kg(old_vol.volume)} kg ({_fmt(old_vol)}) on {old_vol.date}" if old_vol else None,
            "set_volume"))
    return out


def _with(best: Bests, ref: SetRef) -> Bests:
    bucket = min(ref.reps, TRUSTED_REPS + 1)
    by_reps = dict(best.by_reps)
    if bucket not in by_reps or ref.kg > by_reps[bucket].kg:
        by_reps[bucket] = ref
    vol = best.best_set_volume
    if vol is None or ref.volume > vol.volume:
        vol = ref
    return Bests(by_reps, vol, best.best_session_volume)


def _dedupe(records: list[NewRecord]) -> list[NewRecord]:
    """One line per record: the best new value, against the record before the command.

    When three sets logged at once each beat the last, the lifter wants to hear the final
    record and what stood before they started, not the intermediate steps.
    """
    merged: dict[str, NewRecord] = {}
    for rec in records:
        first = merged.get(rec.label)
        merged[rec.label] = rec if first is None else NewRecord(
            rec.label, rec.new, first.previous, rec.kind)
    return list(merged.values())


def _fmt(ref: SetRef) -> str:
    return f"{ref.weight} × {ref.reps}"


def _prev(ref: SetRef | None) -> str | None:
    return None if ref is None else f"{_fmt(ref)} on {ref.date}"


def _kg(value: Decimal) -> str:
    text = f"{float(value):,.1f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
