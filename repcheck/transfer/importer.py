"""Import workout history from Strong, Hevy, FitNotes and RepCheck exports.

The whole file is read and checked before anything is written, and the sets go in with one
transaction: an import either lands completely or not at all.

**Re-running is safe.** Each imported set gets a deterministic UUIDv7: its time part is the
set's own date and its random part is a hash of what identifies the row (app, athlete, date,
exercise, set order or the row's occurrence among identical rows, weight, reps, type). The
same file imported twice produces the same ids, and sets already present are counted as
duplicates, not added. RepCheck's own export carries the original ids.

**Exercise names.** An app's name is mapped to a core lift when, after dropping a
``(Barbell)`` suffix, it is one of the lift's names (``Squat (Barbell)`` → squat,
``Overhead Press (Barbell)`` → press). Everything else, variants included (``Bench Press -
Close Grip (Barbell)``), is kept as a custom exercise under its own name, and the report
lists every exercise created.

**Weights.** Apps store kilograms as floats and write artefacts such as
``149.99999999999997`` or ``6.80388555`` (15 lb stored in kg). A weight within 10⁻⁶ of a
three-decimal value is snapped to it; a weight in one unit that is within 10⁻⁵ of a
two-decimal value in the other unit is stored in that unit (so 6.80388555 kg becomes 15 lb).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from repcheck import lifts
from repcheck.errors import InputError, NotationError
from repcheck.ids import iso, utcnow, uuid7
from repcheck.notation import MAX_REPS, check_weight
from repcheck.store import journal as j
from repcheck.store.db import Database
from repcheck.transfer.formats import STRONG_SEMICOLON_HEADER, Layout, detect
from repcheck.units import KG_PER_LB, Weight, parse_unit

MAX_FILE_BYTES = 200 * 1024 * 1024
SNAP = Decimal("1e-6")
SNAP_OTHER_UNIT = Decimal("1e-5")


@dataclass(frozen=True)
class Row:
    line: int
    when: datetime  # aware, local
    session_date: str
    exercise: str
    reps: int
    weight: Weight
    warmup: bool
    rpe: Decimal | None
    rir: int | None
    note: str | None
    workout: str | None
    identity: str  # what makes the row unique within the file
    id: str | None = None  # given by RepCheck's own export
    athlete: str | None = None
    lift_key: str | None = None
    batch_id: str | None = None


@dataclass
class ImportReport:
    source: str
    layout: str
    unit_note: str | None
    rows: int = 0
    new_sets: int = 0
    duplicates: int = 0
    warmups: int = 0
    workouts: int = 0
    snapped_weights: int = 0
    skipped: Counter = field(default_factory=Counter)
    skipped_lines: dict[str, list[int]] = field(default_factory=dict)
    core_sets: Counter = field(default_factory=Counter)
    exercises_created: list[str] = field(default_factory=list)
    first_date: str | None = None
    last_date: str | None = None
    dry_run: bool = False
    bodyweights: int = 0
    extra: dict[str, Any] | None = None

    def skip(self, reason: str, line: int) -> None:
        self.skipped[reason] += 1
        self.skipped_lines.setdefault(reason, [])
        if len(self.skipped_lines[reason]) < 5:
            self.skipped_lines[reason].append(line)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": 1, "source": self.source, "layout": self.layout, "unit": self.unit_note,
            "dry_run": self.dry_run, "rows": self.rows, "new_sets": self.new_sets,
            "duplicates": self.duplicates, "warmups": self.warmups, "workouts": self.workouts,
            "snapped_weights": self.snapped_weights,
            "skipped": [{"reason": r, "rows": n, "first_lines": self.skipped_lines[r]}
                        for r, n in self.skipped.most_common()],
            "core_lift_sets": dict(self.core_sets),
            "exercises_created": self.exercises_created,
            "first_date": self.first_date, "last_date": self.last_date,
            "bodyweights": self.bodyweights,
        }


# -- reading -------------------------------------------------------------------------------
def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if path.is_dir():
        raise InputError(f"{path} is a folder", "give the exported CSV file")
    if size == 0:
        raise InputError(f"{path} is empty")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path} is larger than {MAX_FILE_BYTES >> 20} MB",
                         "this does not look like a workout export")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path} is a binary file, not a CSV export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (bad byte at position {exc.start})",
            "re-export it from the app, or convert it: iconv -f latin1 -t utf-8") from None


def parse_file(text: str, app: str, default_unit: str, athlete: str
               ) -> tuple[Layout, list[Row], ImportReport]:
    if text.lstrip().startswith("{"):
        return parse_json(text, app, athlete)
    first_line = text.split("\n", 1)[0].strip("\r")
    layout, headerless = detect(first_line, app)
    unit_note = None
    if layout.fixed_unit is None and layout.unit is None:
        unit_note = f"weights read as {default_unit} (this layout does not say; use --unit)"
    report = ImportReport("", layout.label, unit_note)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    header = list(STRONG_SEMICOLON_HEADER) if headerless else [h.strip() for h in next(reader)]
    rows: list[Row] = []
    seen: Counter = Counter()
    for values in reader:
        line = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        report.rows += 1
        if len(values) > len(header) and layout.loose in header:
            values = _rejoin(values, header.index(layout.loose), len(values) - len(header),
                             layout.delimiter)
        if len(values) != len(header):
            raise InputError(
                f"line {line} has {len(values)} fields where the header has {len(header)}",
                "the file is corrupt or mixes two export layouts; nothing was imported")
        record = dict(zip(header, values, strict=True))
        try:
            row = _parse_row(layout, record, line, default_unit, athlete, report)
        except _Skip as skip:
            report.skip(str(skip), line)
            continue
        seen[row.identity] += 1
        rows.append(_with_occurrence(row, seen[row.identity]))
    return layout, rows, report


def parse_json(text: str, app: str, athlete: str) -> tuple[Layout, list[Row], ImportReport]:
    """RepCheck's JSON export (``repcheck export --format json``)."""
    import json

    from repcheck.transfer.formats import LAYOUTS

    if app not in ("auto", "repcheck"):
        raise InputError(f"a JSON file can only be a RepCheck export, not {app}")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the JSON is malformed at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("format") != "repcheck-journal":
        raise InputError("this JSON file is not a RepCheck journal export")
    if doc.get("version") != 1:
        raise InputError(f"unsupported export version {doc.get('version')!r}",
                         "upgrade RepCheck to read it")
    layout = next(x for x in LAYOUTS if x.key == "repcheck")
    report = ImportReport("", "RepCheck JSON export", None)
    rows: list[Row] = []
    for n, item in enumerate(doc.get("sets") or [], start=1):
        report.rows += 1
        if not isinstance(item, dict):
            report.skip("not a set record", n)
            continue
        rec = {k: "" if v is None else str(v) for k, v in item.items()}
        try:
            rows.append(_parse_row(layout, rec, n, "kg", athlete, report))
        except _Skip as skip:
            report.skip(str(skip), n)
    report.extra = doc  # athletes and bodyweights are applied after the sets
    return layout, rows, report


def _rejoin(values: list[str], at: int, extra: int, delimiter: str) -> list[str]:
    joined = delimiter.join(values[at:at + extra + 1])
    return values[:at] + [joined] + values[at + extra + 1:]


class _Skip(Exception):
    """A row that is not a set RepCheck can store; the message is the reason."""


def _parse_row(layout: Layout, rec: dict[str, str], line: int, default_unit: str,
               athlete: str, report: ImportReport) -> Row:
    order = (rec.get(layout.set_order) or "").strip() if layout.set_order else ""
    if order.lower() == "rest timer":
        raise _Skip("rest timer row")
    exercise = " ".join((rec.get(layout.exercise) or "").split())
    if not exercise:
        raise _Skip("no exercise name")
    raw_date = (rec.get(layout.date) or "").strip()
    when = _parse_date(raw_date, layout)
    reps_text = (rec.get(layout.reps) or "").strip()
    if not reps_text:
        raise _Skip("no reps (timed or distance set)")
    reps = _parse_reps(reps_text)
    weight_text = (rec.get(layout.weight) or "").strip()
    if not weight_text or _is_zero(weight_text):
        raise _Skip("no weight (bodyweight, timed or cardio exercise)")
    unit = layout.fixed_unit or _row_unit(rec, layout, default_unit)
    weight, snapped = clean_weight(weight_text, unit)
    report.snapped_weights += snapped
    set_type = (rec.get(layout.set_type) or "").strip().lower() if layout.set_type else ""
    warmup = order.upper() == "W" or set_type == "warmup"
    rpe = _parse_rpe(rec.get(layout.rpe) if layout.rpe else None)
    note = (rec.get(layout.notes) or "").strip() if layout.notes else ""
    if layout.key == "repcheck":
        return _repcheck_row(rec, line, when, exercise, reps, weight, athlete)
    identity = "|".join([layout.app, athlete, raw_date, exercise.lower(), order, set_type,
                         f"{weight.value:f}{weight.unit}", str(reps)])
    return Row(line, when, raw_date[:10] if raw_date[:4].isdigit() else when.date().isoformat(),
               exercise, reps, weight, warmup, rpe, None, note or None,
               (rec.get(layout.workout) or None) if layout.workout else None, identity)


def _repcheck_row(rec, line, when, exercise, reps, weight, athlete) -> Row:
    try:
        set_id = str(uuid.UUID(rec["id"]))
    except ValueError:
        raise _Skip("invalid set id") from None
    rir = rec.get("rir", "").strip()
    return Row(line, when, rec["date"].strip(), exercise, reps, weight,
               rec.get("warmup", "").strip().lower() in ("1", "true", "yes"),
               _parse_rpe(rec.get("rpe")), int(rir) if rir.isdigit() else None,
               rec.get("note") or None, None, set_id, id=set_id,
               athlete=rec.get("athlete") or athlete, lift_key=rec.get("lift") or None,
               batch_id=rec.get("batch_id") or None)


def _with_occurrence(row: Row, n: int) -> Row:
    if n == 1 or row.id:
        return row
    from dataclasses import replace

    return replace(row, identity=f"{row.identity}|#{n}")


def _parse_date(text: str, layout: Layout) -> datetime:
    if not text:
        raise _Skip("no date")
    if layout.key == "repcheck":
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone()
        except ValueError:
            raise _Skip("unreadable date") from None
    for fmt in layout.date_formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        moment = parsed.astimezone()  # exports are in the lifter's local time
        if moment > datetime.now().astimezone():
            raise _Skip("date in the future")
        return moment
    raise _Skip("unreadable date")


def _parse_reps(text: str) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Skip("unreadable reps") from None
    if value != value.to_integral_value():
        raise _Skip("fractional reps")
    reps = int(value)
    if reps < 1:
        raise _Skip("zero or negative reps")
    if reps > MAX_REPS:
        raise _Skip(f"more than {MAX_REPS} reps")
    return reps


def _is_zero(text: str) -> bool:
    try:
        return Decimal(text) == 0
    except InvalidOperation:
        return False


def _row_unit(rec: dict[str, str], layout: Layout, default_unit: str) -> str:
    if layout.unit is None:
        return default_unit
    raw = (rec.get(layout.unit) or "").strip()
    if not raw:
        return default_unit
    try:
        return parse_unit(raw)
    except InputError:
        raise _Skip("unknown weight unit") from None


def _parse_rpe(text: str | None) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    value = (value * 2).to_integral_value() / 2
    return value.normalize() if 1 <= value <= 10 else None


def clean_weight(text: str, unit: str) -> tuple[Weight, bool]:
    """An exact weight from an app's float text; the flag says an artefact was removed."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Skip("unreadable weight") from None
    if not value.is_finite() or value < 0:
        raise _Skip("negative or non-numeric weight")
    snapped = False
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3:
        rounded = value.quantize(Decimal("0.001"))
        if abs(value - rounded) <= SNAP:
            value, snapped = rounded, True
        else:
            other, factor = ("lb", 1 / KG_PER_LB) if unit == "kg" else ("kg", KG_PER_LB)
            converted = value * factor
            near = converted.quantize(Decimal("0.01"))
            if abs(converted - near) <= SNAP_OTHER_UNIT:
                value, unit, snapped = near, other, True
            else:
                value, snapped = rounded, True
    try:
        return check_weight(f"{value.normalize():f}", unit), snapped
    except NotationError as exc:
        raise _Skip("implausible weight" if "implausible" in str(exc) else "invalid weight"
                    ) from None


# -- writing -------------------------------------------------------------------------------
def import_file(db: Database, path: Path, *, app: str = "auto", default_unit: str = "kg",
                athlete: str = "me", dry_run: bool = False) -> ImportReport:
    """Import one export into the journal inside the caller's write transaction."""
    layout, rows, report = parse_file(read_text(path), app, default_unit, athlete)
    report.source, report.dry_run = str(path), dry_run
    if not rows and not report.skipped:
        raise InputError(f"{path} holds no sets")
    keys = _map_exercises(db, rows, report, dry_run)
    athletes = _athletes(db, rows, athlete, dry_run)
    candidates = [(_row_id(r), r) for r in rows]
    existing = _existing_ids(db, [i for i, _ in candidates])
    fresh: dict[str, Row] = {}
    for set_id, row in candidates:
        if set_id in existing or set_id in fresh:
            report.duplicates += 1
        else:
            fresh[set_id] = row
    report.new_sets = len(fresh)
    report.warmups = sum(1 for r in fresh.values() if r.warmup)
    report.workouts = len({(r.session_date, r.workout or "") for r in rows})
    for r in rows:
        key = keys[r.exercise.lower()] if r.lift_key is None else r.lift_key
        if key in lifts.CORE_KEYS and not r.warmup:
            report.core_sets[key] += 1
    dates = sorted(r.session_date for r in rows)
    report.first_date, report.last_date = (dates[0], dates[-1]) if dates else (None, None)
    if not dry_run and fresh:
        _insert(db, fresh, keys, athletes, athlete)
    if report.extra is not None:
        _apply_profile(db, report, dry_run)
    return report


def _apply_profile(db: Database, report: ImportReport, dry_run: bool) -> None:
    """Athletes' sex and bodyweights from a RepCheck JSON export, without duplicates."""
    doc = report.extra or {}
    for person in doc.get("athletes") or []:
        if dry_run or not isinstance(person, dict) or person.get("sex") not in ("m", "f"):
            continue
        found, _ = j.ensure_athlete(db, str(person.get("name") or "me"))
        if found.sex is None:
            j.set_athlete_sex(db, found, person["sex"])
    for bw in doc.get("bodyweights") or []:
        try:
            who = j.ensure_athlete(db, str(bw["athlete"]))[0] if not dry_run else None
            weight = check_weight(str(bw["weight"]), parse_unit(str(bw["unit"])))
            when = datetime.fromisoformat(str(bw["measured_at"]).replace("Z", "+00:00"))
        except (KeyError, ValueError, InputError):
            report.skip("invalid bodyweight record", 0)
            continue
        if who is None:
            report.bodyweights += 1
            continue
        exists = db.one("SELECT 1 AS x FROM bodyweights WHERE athlete_id = :a AND "
                        "measured_at = :m AND deleted = 0", {"a": who.id, "m": iso(when)})
        if not exists:
            j.log_bodyweight(db, who, weight, when.astimezone())
            report.bodyweights += 1
    report.extra = None


def _row_id(row: Row) -> str:
    if row.id:
        return row.id
    digest = hashlib.sha256(row.identity.encode()).digest()
    ms = int(row.when.timestamp() * 1000) & ((1 << 48) - 1)
    rand_a = int.from_bytes(digest[:2]) & 0xFFF
    rand_b = int.from_bytes(digest[2:10]) & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


def import_lift_key(name: str) -> str | None:
    """The core lift an app's exercise name means, or None for a custom exercise."""
    base = re.sub(r"\s*\(barbell\)\s*$", "", name, flags=re.IGNORECASE)
    if re.search(r"\((?!barbell)[^)]*\)?", base, flags=re.IGNORECASE):
        return None  # another implement: dumbbell, machine, Smith machine, …
    try:
        return lifts.resolve(base)
    except InputError:
        return None


def _map_exercises(db: Database, rows: list[Row], report: ImportReport, dry_run: bool
                   ) -> dict[str, str]:
    known = dict(j.custom_exercises(db))
    keys: dict[str, str] = {}
    for row in rows:
        lowered = row.exercise.lower()
        if row.lift_key is not None or lowered in keys:
            if row.lift_key and row.lift_key not in lifts.CORE_KEYS and row.lift_key not in known:
                if not dry_run:
                    j.add_exercise(db, row.exercise, row.lift_key)
                known[row.lift_key] = row.exercise
                report.exercises_created.append(row.exercise)
            continue
        key = import_lift_key(row.exercise)
        if key is None:
            key = lifts.slug(row.exercise)[:lifts.MAX_NAME_LENGTH] or "exercise"
            if key not in known:
                if not dry_run:
                    j.add_exercise(db, row.exercise[:lifts.MAX_NAME_LENGTH], key)
                known[key] = row.exercise
                report.exercises_created.append(row.exercise)
        keys[lowered] = key
    return keys


def _athletes(db: Database, rows: list[Row], default: str, dry_run: bool) -> dict[str, str]:
    ids = {}
    for name in {r.athlete or default for r in rows}:
        if dry_run:
            found = j.find_athlete(db, name)
            ids[name] = found.id if found else "dry-run"
        else:
            ids[name] = j.ensure_athlete(db, name)[0].id
    return ids


def _existing_ids(db: Database, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        found.update(r["id"] for r in db.all(f"SELECT id FROM sets WHERE id IN ({marks})",
                                             params))
    return found


def _insert(db: Database, fresh: dict[str, Row], keys: dict[str, str],
            athletes: dict[str, str], default_athlete: str) -> None:
    now = iso(utcnow())
    batch = uuid7()  # one import is one batch: `repcheck undo` takes it back whole
    params = []
    for seq, (set_id, r) in enumerate(fresh.items()):
        lift = r.lift_key or keys[r.exercise.lower()]
        params.append({
            "id": set_id, "athlete_id": athletes[r.athlete or default_athlete],
            "lift": lift, "performed_at": iso(r.when), "session_date": r.session_date,
            "seq": seq, "reps": r.reps, "weight": f"{r.weight.value:f}", "unit": r.weight.unit,
            "mass_kg": float(r.weight.kg), "rpe": None if r.rpe is None else float(r.rpe),
            "rir": r.rir, "warmup": int(r.warmup), "note": r.note,
            "batch_id": r.batch_id or batch, "now": now,
        })
    db.executemany(j.INSERT_SET_SQL, params)
