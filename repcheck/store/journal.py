"""Journal operations: log, read, correct and remove sets; compute records.

Every public function takes an open :class:`~repcheck.store.db.Database` and runs inside a
transaction the caller opened (one per command). Rows are never deleted: removal sets the
``deleted`` flag and bumps ``updated_at``, so a later sync can propagate it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from repcheck import lifts
from repcheck.errors import InputError, NotFoundError, StoreError
from repcheck.ids import ID_MATCH_SQL, id_params, iso, short_id, utcnow, uuid7
from repcheck.notation import SetEntry
from repcheck.records import TRUSTED_REPS, Bests, NewRecord, SetRef, detect_prs
from repcheck.store.db import Database
from repcheck.units import Weight

_WORKING = "deleted = 0 AND warmup = 0"


# -- domain rows -------------------------------------------------------------------------
@dataclass(frozen=True)
class Athlete:
    id: str
    key: str
    name: str
    sex: str | None = None


@dataclass(frozen=True)
class LoggedSet:
    id: str
    lift: str
    performed_at: str
    session_date: str
    reps: int
    weight: Weight
    rpe: Decimal | None
    rir: int | None
    warmup: bool
    note: str | None
    batch_id: str

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    @property
    def entry(self) -> SetEntry:
        return SetEntry(self.reps, self.weight, self.rpe, self.rir)

    def ref(self) -> SetRef:
        return SetRef(self.id, self.reps, self.weight.kg, str(self.weight), self.session_date)


@dataclass
class LogResult:
    athlete: Athlete
    sets: list[LoggedSet]
    prs: list[NewRecord] = field(default_factory=list)
    new_athlete: bool = False


_SET_COLUMNS = ("id, lift, performed_at, session_date, reps, weight, unit, rpe, rir, warmup, "
                "note, batch_id")


def _set_from_row(row: dict[str, Any]) -> LoggedSet:
    rpe = row["rpe"]
    return LoggedSet(
        id=row["id"], lift=row["lift"], performed_at=row["performed_at"],
        session_date=row["session_date"], reps=row["reps"],
        weight=Weight(Decimal(row["weight"]), row["unit"]),
        rpe=None if rpe is None else _decimal_rpe(rpe), rir=row["rir"],
        warmup=bool(row["warmup"]), note=row["note"], batch_id=row["batch_id"],
    )


def _decimal_rpe(value: float) -> Decimal:
    d = Decimal(str(value))
    return d.quantize(Decimal(1)) if d % 1 == 0 else d.normalize()


# -- athletes and exercises ---------------------------------------------------------------
def athlete_key(name: str) -> str:
    key = lifts.slug(name)
    if not key or len(name) > lifts.MAX_NAME_LENGTH:
        raise InputError(f"{name!r} is not a usable athlete name", "use letters and digits")
    return key


def find_athlete(db: Database, name: str) -> Athlete | None:
    row = db.one("SELECT id, key, name, sex FROM athletes WHERE key = :k AND deleted = 0",
                 {"k": athlete_key(name)})
    return Athlete(**row) if row else None


def get_athlete(db: Database, name: str) -> Athlete:
    """An existing athlete, or :class:`NotFoundError` with the closest name."""
    found = find_athlete(db, name)
    if found:
        return found
    names = [r["name"] for r in db.all("SELECT name FROM athletes WHERE deleted = 0")]
    import difflib

    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "log a set with --athlete to create one"
    if not names:
        hint = "the journal is empty: log a set first, e.g. `repcheck log squat 5x100`"
    raise NotFoundError(f"no athlete called {name!r}", hint)


def ensure_athlete(db: Database, name: str) -> tuple[Athlete, bool]:
    found = find_athlete(db, name)
    if found:
        return found, False
    now = iso(utcnow())
    athlete = Athlete(uuid7(), athlete_key(name), " ".join(name.split()))
    db.execute("INSERT INTO athletes (id, key, name, created_at, updated_at) "
               "VALUES (:id, :key, :name, :now, :now)",
               {"id": athlete.id, "key": athlete.key, "name": athlete.name, "now": now})
    return athlete, True


def set_athlete_sex(db: Database, athlete: Athlete, sex: str) -> None:
    if sex not in ("m", "f"):
        raise InputError(f"sex must be m or f for the DOTS formula, not {sex!r}")
    db.execute("UPDATE athletes SET sex = :s, updated_at = :t WHERE id = :id",
               {"s": sex, "t": iso(utcnow()), "id": athlete.id})


def list_athletes(db: Database) -> list[Athlete]:
    rows = db.all("SELECT id, key, name, sex FROM athletes WHERE deleted = 0 ORDER BY name")
    return [Athlete(**r) for r in rows]


def custom_exercises(db: Database) -> list[tuple[str, str]]:
    return [(r["key"], r["name"]) for r in
            db.all("SELECT key, name FROM exercises WHERE deleted = 0 ORDER BY name")]


def resolve_lift(db: Database, name: str, create: bool = False) -> str:
    """The key for a lift name; with ``create`` a new custom exercise is added."""
    custom = custom_exercises(db)
    try:
        return lifts.resolve(name, custom)
    except InputError:
        if not create:
            raise
    key = lifts.check_new_name(name)
    add_exercise(db, name, key)
    return key


def add_exercise(db: Database, name: str, key: str | None = None) -> str:
    key = key or lifts.check_new_name(name)
    clean = " ".join(name.split())
    existing = db.one("SELECT deleted FROM exercises WHERE key = :k", {"k": key})
    now = iso(utcnow())
    if existing and not existing["deleted"]:
        other = db.one("SELECT name FROM exercises WHERE key = :k", {"k": key})["name"]
        raise InputError(f"the exercise {other!r} already exists" if other == clean else
                         f"{clean!r} is the same exercise as the existing {other!r}")
    if existing:
        db.execute("UPDATE exercises SET deleted = 0, name = :n, updated_at = :t WHERE key = :k",
                   {"n": clean, "t": now, "k": key})
    else:
        db.execute("INSERT INTO exercises (id, key, name, created_at, updated_at) "
                   "VALUES (:id, :k, :n, :t, :t)", {"id": uuid7(), "k": key, "n": clean, "t": now})
    return key


def lift_names(db: Database) -> dict[str, str]:
    names = {lift.key: lift.name for lift in lifts.CORE_LIFTS}
    names.update(dict(custom_exercises(db)))
    return names


# -- logging -----------------------------------------------------------------------------
def log_sets(db: Database, athlete_name: str, lift: str, entries: list[SetEntry],
             when: datetime, *, warmup: bool = False, note: str | None = None,
             bodyweight: Weight | None = None, formula: str = "epley") -> LogResult:
    if not entries:
        raise InputError("no sets given")
    if note is not None and len(note) > 1000:
        raise InputError("the note is longer than 1000 characters")
    athlete, created = ensure_athlete(db, athlete_name)
    session_date = when.date().isoformat()
    before = None if warmup else load_bests(db, athlete.id, lift, exclude_date=session_date)
    day_before = Decimal(0) if warmup else day_volume(db, athlete.id, lift, session_date)
    now = iso(utcnow())
    performed = iso(when)
    batch = uuid7()
    logged = []
    rows = []
    for seq, entry in enumerate(entries):
        s = LoggedSet(uuid7(), lift, performed, session_date, entry.reps, entry.weight,
                      entry.rpe, entry.rir, warmup, note, batch)
        logged.append(s)
        rows.append(_set_params(s, athlete.id, seq, now))
    db.executemany(INSERT_SET_SQL, rows)
    if bodyweight is not None:
        log_bodyweight(db, athlete, bodyweight, when)
    prs = [] if before is None else detect_prs([s.ref() for s in logged], before, day_before,
                                               formula)
    return LogResult(athlete, logged, prs, created)


INSERT_SET_SQL = (
    "INSERT INTO sets (id, athlete_id, lift, performed_at, session_date, seq, reps, weight,"
    " unit, mass_kg, rpe, rir, warmup, note, batch_id, created_at, updated_at) VALUES ("
    ":id, :athlete_id, :lift, :performed_at, :session_date, :seq, :reps, :weight, :unit,"
    " :mass_kg, :rpe, :rir, :warmup, :note, :batch_id, :now, :now)")


def _set_params(s: LoggedSet, athlete_id: str, seq: int, now: str) -> dict[str, Any]:
    return {
        "id": s.id, "athlete_id": athlete_id, "lift": s.lift, "performed_at": s.performed_at,
        "session_date": s.session_date, "seq": seq, "reps": s.reps,
        "weight": f"{s.weight.value:f}", "unit": s.weight.unit, "mass_kg": float(s.weight.kg),
        "rpe": None if s.rpe is None else float(s.rpe), "rir": s.rir, "warmup": int(s.warmup),
        "note": s.note, "batch_id": s.batch_id, "now": now,
    }


def log_bodyweight(db: Database, athlete: Athlete, weight: Weight, when: datetime) -> None:
    if not Decimal(20) <= weight.kg <= Decimal(400):
        raise InputError(f"a bodyweight of {weight} is implausible", "check the unit")
    now = iso(utcnow())
    db.execute(
        "INSERT INTO bodyweights (id, athlete_id, measured_at, session_date, weight, unit,"
        " mass_kg, created_at, updated_at) VALUES (:id, :a, :m, :d, :w, :u, :kg, :now, :now)",
        {"id": uuid7(), "a": athlete.id, "m": iso(when), "d": when.date().isoformat(),
         "w": f"{weight.value:f}", "u": weight.unit, "kg": float(weight.kg), "now": now})


def latest_bodyweight(db: Database, athlete_id: str) -> tuple[Weight, str] | None:
    row = db.one("SELECT weight, unit, session_date FROM bodyweights WHERE athlete_id = :a "
                 "AND deleted = 0 ORDER BY measured_at DESC LIMIT 1", {"a": athlete_id})
    if not row:
        return None
    return Weight(Decimal(row["weight"]), row["unit"]), row["session_date"]


# -- records -----------------------------------------------------------------------------
# Masses are compared through their float in SQL. That order is exact here: inputs have at
# most 3 decimals, so two different masses differ by at least ~1e-11 kg, far above the
# 1e-13 resolution of a double at 600 kg.
#
# Records come from the heaviest working set in each rep bucket (1…12 reps, 13+). Each
# bucket is one index lookup on ``sets_working (athlete_id, lift, reps, mass_kg)``; ranking
# every set with a window function instead costs ~100 ms on a 100,000-set journal.
_BEST_IN_BUCKET = f"""
    SELECT id, reps, weight, unit, session_date FROM sets
    WHERE athlete_id = :a AND lift = :l AND {_WORKING} AND {{reps}}
    ORDER BY mass_kg DESC, performed_at, id LIMIT 1
"""
_BUCKET_SQL = {b: _BEST_IN_BUCKET.format(reps=f"reps = {b}") for b in range(1, TRUSTED_REPS + 1)}
_BUCKET_SQL[TRUSTED_REPS + 1] = _BEST_IN_BUCKET.format(reps=f"reps > {TRUSTED_REPS}")
# The distinct lifts of an athlete by skipping through the index, not scanning every set.
_WORKING_LIFTS = f"""
    WITH RECURSIVE walk(lift) AS (
        SELECT MIN(lift) FROM sets WHERE athlete_id = :a AND {_WORKING}
        UNION ALL
        SELECT (SELECT MIN(lift) FROM sets WHERE athlete_id = :a AND {_WORKING}
                AND lift > walk.lift) FROM walk WHERE walk.lift IS NOT NULL
    )
    SELECT lift FROM walk WHERE lift IS NOT NULL
"""


def _ref(row: dict[str, Any]) -> SetRef:
    w = Weight(Decimal(row["weight"]), row["unit"])
    return SetRef(row["id"], row["reps"], w.kg, str(w), row["session_date"])


def load_bests(db: Database, athlete_id: str, lift: str, exclude_date: str | None = None
               ) -> Bests:
    return load_all_bests(db, athlete_id, lift, exclude_date).get(lift) or Bests({}, None, None)


def load_all_bests(db: Database, athlete_id: str, lift: str | None = None,
                   exclude_date: str | None = None) -> dict[str, Bests]:
    keys = [lift] if lift is not None else [r["lift"] for r in db.all(_WORKING_LIFTS,
                                                                      {"a": athlete_id})]
    out = {}
    for key in keys:
        by_reps = {}
        for bucket, sql in _BUCKET_SQL.items():
            row = db.one(sql, {"a": athlete_id, "l": key})
            if row is not None:
                by_reps[bucket] = _ref(row)
        if by_reps:
            out[key] = Bests(by_reps, best_set_volume(db, athlete_id, key),
                             best_session_volume(db, athlete_id, key, exclude_date))
    return out


def best_set_volume(db: Database, athlete_id: str, lift: str) -> SetRef | None:
    row = db.one(f"SELECT id, reps, weight, unit, session_date FROM sets WHERE athlete_id = :a "
                 f"AND lift = :l AND {_WORKING} ORDER BY mass_kg * reps DESC, performed_at "
                 "LIMIT 1", {"a": athlete_id, "l": lift})
    return _ref(row) if row else None


def best_session_volume(db: Database, athlete_id: str, lift: str,
                        exclude_date: str | None = None) -> tuple[str, Decimal] | None:
    row = db.one(f"SELECT session_date, SUM(mass_kg * reps) AS v FROM sets WHERE "
                 f"athlete_id = :a AND lift = :l AND {_WORKING} AND session_date <> :d "
                 "GROUP BY session_date ORDER BY v DESC, session_date LIMIT 1",
                 {"a": athlete_id, "l": lift, "d": exclude_date or ""})
    return (row["session_date"], _volume(row["v"])) if row else None


def day_volume(db: Database, athlete_id: str, lift: str, session_date: str) -> Decimal:
    row = db.one(f"SELECT SUM(mass_kg * reps) AS v FROM sets WHERE athlete_id = :a AND "
                 f"lift = :l AND {_WORKING} AND session_date = :d",
                 {"a": athlete_id, "l": lift, "d": session_date})
    return _volume(row["v"] if row else None)


def _volume(value: float | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(f"{value:.6f}")


# -- reading -----------------------------------------------------------------------------
@dataclass
class Session:
    date: str
    lift: str
    sets: list[LoggedSet]


def _date_range(where: list[str], params: dict[str, Any], since: date | None,
                until: date | None) -> None:
    """Add the session-date bounds (either may be None) to a WHERE list and its params."""
    if since:
        where.append("session_date >= :since")
        params["since"] = since.isoformat()
    if until:
        where.append("session_date <= :until")
        params["until"] = until.isoformat()


def history(db: Database, athlete_id: str, lift: str | None = None, since: date | None = None,
            until: date | None = None, last: int | None = None) -> list[Session]:
    """Sessions (one lift on one day), newest first."""
    where = ["athlete_id = :a", "deleted = 0"]
    params: dict[str, Any] = {"a": athlete_id}
    if lift:
        where.append("lift = :l")
        params["l"] = lift
    _date_range(where, params, since, until)
    cond = " AND ".join(where)
    if last is not None:
        if last < 1:
            raise InputError("--last must be at least 1")
        days = db.all(f"SELECT DISTINCT session_date FROM sets WHERE {cond} "
                      "ORDER BY session_date DESC LIMIT :n", {**params, "n": last})
        if not days:
            return []
        cond += " AND session_date >= :first"
        params["first"] = days[-1]["session_date"]
    rows = db.all(f"SELECT {_SET_COLUMNS} FROM sets WHERE {cond} "
                  "ORDER BY session_date DESC, lift, performed_at, created_at, seq", params)
    sessions: dict[tuple[str, str], Session] = {}
    for row in rows:
        s = _set_from_row(row)
        sessions.setdefault((s.session_date, s.lift), Session(s.session_date, s.lift, [])
                            ).sets.append(s)
    return list(sessions.values())


def working_sets_since(db: Database, athlete_id: str, since: date) -> list[LoggedSet]:
    rows = db.all(f"SELECT {_SET_COLUMNS} FROM sets WHERE athlete_id = :a AND {_WORKING} "
                  "AND session_date >= :s ORDER BY session_date", {"a": athlete_id,
                                                                   "s": since.isoformat()})
    return [_set_from_row(r) for r in rows]


def count_sets(db: Database) -> int:
    row = db.one("SELECT COUNT(*) AS n FROM sets WHERE deleted = 0")
    return int(row["n"]) if row else 0


# -- corrections -------------------------------------------------------------------------
def find_set(db: Database, athlete_id: str, ref: str) -> LoggedSet:
    """A live set by its full id or a unique head or tail of at least 4 characters."""
    params = id_params(ref, "set", "copy the id shown by `repcheck history --ids`")
    rows = db.all(f"SELECT {_SET_COLUMNS} FROM sets WHERE athlete_id = :a AND deleted = 0 AND "
                  f"{ID_MATCH_SQL} LIMIT 2", {"a": athlete_id, **params})
    if not rows:
        raise NotFoundError(f"no set with id {ref!r}", "see the ids in `repcheck history --ids`")
    if len(rows) > 1:
        raise InputError(f"{ref!r} matches more than one set", "give more characters of the id")
    return _set_from_row(rows[0])


def remove_sets(db: Database, athlete_id: str, refs: list[str]) -> list[LoggedSet]:
    found = [find_set(db, athlete_id, r) for r in refs]  # all or nothing
    now = iso(utcnow())
    for s in found:
        db.execute("UPDATE sets SET deleted = 1, updated_at = :t WHERE id = :id",
                   {"t": now, "id": s.id})
    return found


def undo_last(db: Database, athlete_id: str) -> list[LoggedSet]:
    row = db.one("SELECT batch_id FROM sets WHERE athlete_id = :a AND deleted = 0 "
                 "ORDER BY created_at DESC, id DESC LIMIT 1", {"a": athlete_id})
    if not row:
        raise NotFoundError("there is nothing to undo", "the journal has no sets for this athlete")
    rows = db.all(f"SELECT {_SET_COLUMNS} FROM sets WHERE batch_id = :b AND deleted = 0 "
                  "ORDER BY seq", {"b": row["batch_id"]})
    db.execute("UPDATE sets SET deleted = 1, updated_at = :t WHERE batch_id = :b AND deleted = 0",
               {"t": iso(utcnow()), "b": row["batch_id"]})
    return [_set_from_row(r) for r in rows]


def edit_set(db: Database, athlete_id: str, ref: str, *, entry: SetEntry | None = None,
             lift: str | None = None, when: datetime | None = None, warmup: bool | None = None,
             note: str | None = None) -> tuple[LoggedSet, LoggedSet]:
    old = find_set(db, athlete_id, ref)
    changes: dict[str, Any] = {}
    if entry is not None:
        changes.update(reps=entry.reps, weight=f"{entry.weight.value:f}", unit=entry.weight.unit,
                       mass_kg=float(entry.weight.kg),
                       rpe=None if entry.rpe is None else float(entry.rpe), rir=entry.rir)
    if lift is not None:
        changes["lift"] = lift
    if when is not None:
        changes.update(performed_at=iso(when), session_date=when.date().isoformat())
    if warmup is not None:
        changes["warmup"] = int(warmup)
    if note is not None:
        changes["note"] = note or None
    if not changes:
        raise InputError("nothing to change", "give new sets like 5x142.5, or --lift/--date/--note")
    changes["updated_at"] = iso(utcnow())
    assignments = ", ".join(f"{k} = :{k}" for k in changes)
    db.execute(f"UPDATE sets SET {assignments} WHERE id = :id", {**changes, "id": old.id})
    row = db.one(f"SELECT {_SET_COLUMNS} FROM sets WHERE id = :id", {"id": old.id})
    if row is None:  # pragma: no cover - the row was just updated inside this transaction
        raise StoreError("the edited set vanished")
    return old, _set_from_row(row)


# -- charts: per-day aggregates ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DayAggregate:
    """One lift, one session day, one rep count, over working sets (warm-ups excluded).

    ``top_kg`` is the heaviest mass lifted for exactly ``reps`` reps that day, ``sets`` how
    many sets had that rep count and ``volume_kg`` their summed ``mass_kg × reps``. Every
    e1RM formula rises with the weight, so a day's best e1RM, top set, volume and rep total
    all follow from these rows without loading the sets one by one.
    """

    lift: str
    session_date: str
    reps: int
    top_kg: float
    sets: int
    volume_kg: float


def daily_aggregates(db: Database, athlete_id: str, lifts: list[str] | None = None,
                     since: date | None = None, until: date | None = None
                     ) -> list[DayAggregate]:
    """Working sets grouped by (lift, session day, reps), oldest day first, for charts.

    One grouped query: 100,000 sets come back as about 20,000 rows. Portable SQL (SQLite
    and PostgreSQL); the lift list becomes one named parameter per lift.
    """
    where = ["athlete_id = :a", "deleted = 0", "warmup = 0"]
    params: dict[str, Any] = {"a": athlete_id}
    if lifts:
        names = [f"lift{i}" for i in range(len(lifts))]
        where.append(f"lift IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, lifts, strict=True))
    _date_range(where, params, since, until)
    rows = db.all("SELECT lift, session_date, reps, MAX(mass_kg) AS top_kg, COUNT(*) AS n, "
                  "SUM(mass_kg * reps) AS volume_kg FROM sets WHERE "
                  f"{' AND '.join(where)} GROUP BY lift, session_date, reps "
                  "ORDER BY lift, session_date, reps", params)
    return [DayAggregate(r["lift"], r["session_date"], int(r["reps"]), float(r["top_kg"]),
                         int(r["n"]), float(r["volume_kg"])) for r in rows]


def last_set(db: Database, athlete_id: str, lift: str) -> LoggedSet:
    """The most recently performed working set of ``lift``."""
    row = db.one(f"SELECT {_SET_COLUMNS} FROM sets WHERE athlete_id = :a AND lift = :l AND "
                 "deleted = 0 ORDER BY performed_at DESC, created_at DESC, seq DESC LIMIT 1",
                 {"a": athlete_id, "l": lift})
    if row is None:
        raise NotFoundError(f"no {lift} set to link to", "log the set first, or give --set ID")
    return _set_from_row(row)
