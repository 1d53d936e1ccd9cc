"""Generate a realistic training journal of N sets for the speed benchmark.

Usage::

    python benchmarks/journal_data.py /tmp/bench-home            # 100,000 sets
    python benchmarks/journal_data.py /tmp/bench-home --sets 20000 --seed 7

The result is an ordinary RepCheck journal at ``HOME/journal.sqlite3`` (what
``REPCHECK_HOME=HOME repcheck …`` opens): the schema is made by
:func:`repcheck.store.migrations.migrate`, the athlete and the custom exercises by
:mod:`repcheck.store.journal`, and the sets are bulk-inserted with one ``executemany`` in one
transaction, with exactly the columns and encodings that
:func:`repcheck.store.journal.log_sets` writes (its own ``_set_params`` builds each row).
Going through ``log_sets`` set by set would take minutes; this takes seconds.

What the journal looks like, so that queries see realistic data distributions:

* one athlete, ~10 years ending yesterday, training on ~5 days of 6 with ~33 sets a session
  (100k sets in 10 years is a heavy but real-world volume, warm-ups included);
* each session trains two or three of the four core lifts plus one or two custom exercises
  (front squat, Romanian deadlift, barbell row, pause bench, weighted chin-up);
* a core lift gets 3–5 warm-up sets (logged with ``--warmup``, as their own batch) and then
  working sets from a rotating programme (5x5, 3x5, 5/3/1, 8x3, singles, 3x8, 10x2 …);
* strength follows a saturating curve from novice to advanced numbers, with quarterly
  peaking cycles, an injured year and day-to-day noise, so PRs are dense early and rare
  late, like a real lifter's; a core lift may get back-off sets after its working sets;
* about a third of the core lifts' working sets carry an RPE, a few an RIR; a few a note;
* about 3% of sessions were logged in pounds (travel to a US gym), rounded to 5 lb;
* weekly bodyweight entries, and the athlete's sex is set so that ``prs`` shows DOTS.

Every row id is a UUIDv7 from :func:`repcheck.ids.uuid7`. The ids carry the generation time
(like sets imported from another app), while ``performed_at``/``created_at`` carry the
historical time at which each set was done and logged.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from repcheck.ids import iso, uuid7
from repcheck.notation import SetEntry
from repcheck.store import journal as j
from repcheck.store.db import Database, Location
from repcheck.store.migrations import migrate
from repcheck.units import Weight

DEFAULT_SETS = 100_000
DEFAULT_YEARS = 10
DEFAULT_SEED = 20261125
ATHLETE = "me"

# The INSERT that log_sets runs.
INSERT_SET = j.INSERT_SET_SQL


@dataclass(frozen=True)
class Strength:
    """A lift's e1RM curve in kg: ``start`` as a novice, approaching ``peak`` with time
    constant ``tau_years``."""

    start: float
    peak: float
    tau_years: float

    def e1rm(self, years: float) -> float:
        return self.start + (self.peak - self.start) * (1 - math.exp(-years / self.tau_years))


CORE = {
    "squat": Strength(90, 215, 2.6),
    "bench": Strength(65, 145, 2.8),
    "deadlift": Strength(110, 255, 2.4),
    "press": Strength(42, 92, 3.0),
}
# Custom exercises: display name -> (curve, rep range, sets).
CUSTOM = {
    "Front squat": (Strength(60, 165, 3.0), (3, 6), (3, 4)),
    "Romanian deadlift": (Strength(70, 180, 3.0), (6, 10), (3, 4)),
    "Barbell row": (Strength(50, 115, 2.5), (6, 10), (3, 5)),
    "Pause bench": (Strength(55, 130, 3.0), (2, 5), (3, 4)),
    "Weighted chin-up": (Strength(5, 45, 3.0), (3, 8), (3, 5)),
}
# Session templates: the core lifts trained that day, in order.
SPLITS = (
    ("squat", "bench", "press"),
    ("deadlift", "press", "bench"),
    ("squat", "press", "bench"),
    ("bench", "deadlift"),
    ("squat", "bench", "deadlift"),
    ("squat", "bench"),
)
# Working-set schemes as (reps per set, fraction of e1RM); see Programme.
SCHEMES: tuple[tuple[tuple[int, ...], float], ...] = (
    ((5, 5, 5, 5, 5), 0.78),
    ((5, 5, 5), 0.82),
    ((5, 3, 1), 0.90),
    ((3,) * 8, 0.80),
    ((1, 1, 1), 0.92),
    ((8, 8, 8), 0.70),
    ((2,) * 10, 0.84),
    ((6, 6, 6, 6), 0.74),
    ((3, 3, 3, 3, 3), 0.85),
    ((5, 5, 5, 5, 5, 5, 5, 5), 0.70),
)
# Warm-ups as (reps, how far from the empty bar (0.0) to the first working weight).
WARMUP_RAMP = ((10, 0.0), (5, 0.45), (3, 0.65), (2, 0.80), (1, 0.90))
NOTES = ("belt", "felt heavy", "knee sleeves", "new shoes", "slept badly", "paused",
         "competition commands", "grindy last rep", "easy", "low bar")
LB_PER_KG = 1 / 0.45359237


@dataclass
class Batch:
    """One `repcheck log` command: sets of one lift, logged together at one moment."""

    lift: str
    entries: list[SetEntry]
    when: datetime
    warmup: bool
    note: str | None


def _round_to_plate(kg: float, unit: str, least: float = 20.0) -> Weight:
    """A loadable weight: 2.5 kg steps in kg, 5 lb steps in lb, at least ``least`` kg (the
    bar). The number is written the way a lifter types it: ``140``, ``142.5``, ``315``."""
    if unit == "lb":
        steps = max(round(least * LB_PER_KG / 5), round(kg * LB_PER_KG / 5))
        return Weight(Decimal(5 * steps), "lb")
    steps = max(round(least / 2.5), round(kg / 2.5))
    return Weight(_plain(Decimal(steps) * Decimal("2.5")), "kg")


def _plain(value: Decimal) -> Decimal:
    """``140.0`` → ``140``; ``142.5`` stays; never exponent notation (``1E+2``)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _form(rng: random.Random, years: float, total_years: float) -> float:
    """How strong the lifter is today relative to their curve: quarterly peaking cycles, a
    bad (injured) year at 55-65 % of the span, and day-to-day noise."""
    cycle = 1 + 0.03 * math.sin(2 * math.pi * years * 4)  # quarterly peaking
    bad_year = 0.88 if 0.55 * total_years < years < 0.65 * total_years else 1.0  # injury
    return cycle * bad_year * rng.gauss(1.0, 0.025)


def _rpe_for(reps: int, fraction: float, rng: random.Random) -> Decimal:
    """A plausible RPE for ``reps`` at ``fraction`` of e1RM, in half steps from 6 to 10."""
    effort = fraction * (1 + reps / 30)  # ~1.0 means a max effort
    raw = 10 - (1 - effort) * 25 + rng.uniform(-0.5, 0.5)
    return _plain(Decimal(min(20, max(12, round(raw * 2)))) / 2)


def plan_batches(n_sets: int, years: int, seed: int, end: date) -> list[Batch]:
    """The whole journal as log commands, oldest first, with exactly ``n_sets`` sets.

    Sessions are generated from ``end`` backwards, a day at a time, training on each day
    with the probability that spreads ``n_sets`` over ``years``; the earliest batch is cut
    so that the count is exact. The span is therefore about ``years`` (longer when
    ``n_sets`` would need more than one session a day).
    """
    rng = random.Random(seed)
    per_session = _mean_session_size(seed)
    days = round(years * 365.25)
    p_train = min(1.0, n_sets / (per_session * days))
    programme = Programme(random.Random(seed + 2))
    sessions: list[list[Batch]] = []
    count = 0
    day = end
    while count < n_sets:
        if rng.random() < p_train:
            years_in = years - (end - day).days / 365.25  # may go negative past `years`
            session = _session(rng, day, years_in, years, programme)
            sessions.append(session)
            count += sum(len(b.entries) for b in session)
        day -= timedelta(days=1)
    batches = [b for session in reversed(sessions) for b in session]
    excess = count - n_sets
    while excess:  # drop the oldest sets
        first = batches[0]
        if len(first.entries) <= excess:
            excess -= len(first.entries)
            batches.pop(0)
        else:
            batches[0] = Batch(first.lift, first.entries[excess:], first.when, first.warmup,
                               first.note)
            excess = 0
    return batches


class Programme:
    """Which working-set scheme each core lift runs: a new one every 4-week block."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._blocks: dict[tuple[str, int], int] = {}

    def scheme(self, lift: str, day: date) -> tuple[tuple[int, ...], float]:
        block = (lift, day.toordinal() // 28)
        if block not in self._blocks:
            self._blocks[block] = self._rng.randrange(len(SCHEMES))
        return SCHEMES[self._blocks[block]]


def _mean_session_size(seed: int) -> float:
    """Average sets per session, measured on 2,000 sample sessions a week apart, so that
    hundreds of programme blocks are sampled (used to pace training days)."""
    rng = random.Random(seed + 3)
    programme = Programme(random.Random(seed + 4))
    day = date(2000, 1, 1)
    sizes = [sum(len(b.entries) for b in _session(rng, day + timedelta(weeks=i), 5.0, 10,
                                                   programme)) for i in range(2000)]
    return sum(sizes) / len(sizes)


def _session(rng: random.Random, day: date, years_in: float, years: int,
             programme: Programme) -> list[Batch]:
    """One training day: warm-ups, working and back-off sets for 2-3 core lifts, then 1-2
    accessories. ``years_in`` is the lifter's training age, which sets their strength."""
    t = max(0.0, years_in)
    unit = "lb" if rng.random() < 0.03 else "kg"
    moment = datetime.combine(day, datetime.min.time()).astimezone() + timedelta(
        hours=rng.choice((7, 12, 17, 18, 19)), minutes=rng.randrange(60))
    form = _form(rng, t, years)
    plan: list[tuple[str, list[SetEntry], bool]] = []
    for lift in rng.choice(SPLITS):
        max_kg = CORE[lift].e1rm(t) * form
        reps_list, fraction = programme.scheme(lift, day)
        working = _working(reps_list, fraction, max_kg, unit, rng)
        first = float(working[0].weight.kg)  # warm-ups ramp from the bar towards it
        ramp = WARMUP_RAMP[: rng.randint(3, len(WARMUP_RAMP))]
        plan.append((lift, [SetEntry(reps, _round_to_plate(20 + f * (first - 20), unit))
                            for reps, f in ramp], True))
        plan.append((lift, working, False))
        if rng.random() < 0.4:  # back-off sets: more reps, lighter
            top = max(working, key=lambda e: e.weight).weight
            backoff = _round_to_plate(float(top.kg) * 0.85, unit)
            plan.append((lift, [SetEntry(min(12, reps_list[-1] + 3), backoff)]
                         * rng.randint(2, 3), False))
    for name in rng.sample(sorted(CUSTOM), rng.randint(1, 2)):
        curve, rep_range, set_range = CUSTOM[name]
        reps = rng.randint(*rep_range)
        fraction = 1 / (1 + reps / 30) * rng.uniform(0.8, 0.9)
        if name == "Weighted chin-up":  # added weight on a belt, not a barbell
            weight = _round_to_plate(curve.e1rm(t) * form * fraction, "kg", least=2.5)
        else:
            weight = _round_to_plate(curve.e1rm(t) * form * fraction, unit)
        plan.append((name, [SetEntry(reps, weight)] * rng.randint(*set_range), False))
    batches = []
    minutes = 0
    for lift, entries, warmup in plan:
        note = rng.choice(NOTES) if (not warmup and rng.random() < 0.04) else None
        batches.append(Batch(lift, entries, moment + timedelta(minutes=minutes), warmup, note))
        minutes += 4 * len(entries) + rng.randint(1, 6)
    return batches


def _working(reps_list: tuple[int, ...], fraction: float, max_kg: float, unit: str,
             rng: random.Random) -> list[SetEntry]:
    """Working sets at ``fraction`` of e1RM; some with RPE, a few with RIR instead."""
    out = []
    mark = rng.random()
    for reps in reps_list:
        # The heavier sets of a 5/3/1-style wave go up in weight as reps go down.
        f = fraction * (1 + 0.02 * (reps_list[0] - reps))
        weight = _round_to_plate(max_kg * f, unit)
        rpe = rir = None
        if mark < 0.33:
            rpe = _rpe_for(reps, f, rng)
        elif mark < 0.38:
            rir = max(0, min(5, round(10 - float(_rpe_for(reps, f, rng)))))
        out.append(SetEntry(reps, weight, rpe, rir))
    return out


def generate(home: Path, n_sets: int = DEFAULT_SETS, *, years: int = DEFAULT_YEARS,
             seed: int = DEFAULT_SEED, end: date | None = None) -> dict[str, Any]:
    """Write a fresh journal with ``n_sets`` sets to ``home/journal.sqlite3``.

    Refuses to touch an existing journal. Returns a summary (counts, seconds taken).
    """
    started = time.perf_counter()
    path = Path(home) / "journal.sqlite3"
    if path.exists():
        raise SystemExit(f"{path} already exists; give an empty folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    end = end or (date.today() - timedelta(days=1))
    batches = plan_batches(n_sets, years, seed, end)
    db = Database.open(Location("sqlite", str(path)))
    try:
        migrate(db)
        with db.write():
            athlete, _ = j.ensure_athlete(db, ATHLETE)
            j.set_athlete_sex(db, athlete, "m")
            keys = {name: j.add_exercise(db, name) for name in CUSTOM}
            keys.update({lift: lift for lift in CORE})
            rows = []
            for batch in batches:
                rows.extend(_batch_rows(batch, keys[batch.lift], athlete.id))
            db.executemany(INSERT_SET, rows)
            _bodyweights(db, athlete, batches, random.Random(seed + 1))
        with db.read():
            stored = j.count_sets(db)
    finally:
        db.close()
    return {"path": str(path), "sets": stored, "batches": len(batches),
            "first": batches[0].when.date().isoformat(),
            "last": batches[-1].when.date().isoformat(),
            "warmup_sets": sum(len(b.entries) for b in batches if b.warmup),
            "lb_sets": sum(1 for b in batches for e in b.entries if e.weight.unit == "lb"),
            "rpe_sets": sum(1 for b in batches for e in b.entries if e.rpe is not None),
            "seconds": round(time.perf_counter() - started, 2)}


def _batch_rows(batch: Batch, lift_key: str, athlete_id: str) -> list[dict[str, Any]]:
    """The rows ``log_sets`` would insert for this batch, logged ~30 s after the sets."""
    performed = iso(batch.when)
    session_date = batch.when.date().isoformat()
    logged_at = iso(batch.when + timedelta(seconds=30))
    batch_id = uuid7()
    rows = []
    for seq, entry in enumerate(batch.entries):
        s = j.LoggedSet(uuid7(), lift_key, performed, session_date, entry.reps, entry.weight,
                        entry.rpe, entry.rir, batch.warmup, batch.note, batch_id)
        rows.append(j._set_params(s, athlete_id, seq, logged_at))
    return rows


def _bodyweights(db: Database, athlete: j.Athlete, batches: list[Batch],
                 rng: random.Random) -> None:
    """A weigh-in on the first session of each week: 72 kg drifting up to ~95 kg."""
    first = batches[0].when
    last_week = None
    for batch in batches:
        week = batch.when.isocalendar()[:2]
        if week == last_week:
            continue
        last_week = week
        years = (batch.when - first).days / 365.25
        kg = 72 + 23 * (1 - math.exp(-years / 3)) + rng.gauss(0, 0.6)
        j.log_bodyweight(db, athlete, Weight(Decimal(f"{kg:.1f}"), "kg"), batch.when)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="REPCHECK_HOME folder to create the journal in")
    parser.add_argument("--sets", type=int, default=DEFAULT_SETS)
    parser.add_argument("--years", type=int, default=DEFAULT_YEARS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    summary = generate(args.home, args.sets, years=args.years, seed=args.seed)
    for key, value in summary.items():
        print(f"{key:>12}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
