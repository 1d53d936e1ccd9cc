"""RepCheck's own export: the whole journal as CSV or JSON, readable by `repcheck import`.

CSV columns (one row per set, warm-ups included, removed sets excluded)::

    id,athlete,lift,lift_name,date,performed_at,reps,weight,unit,rpe,rir,warmup,note,batch_id

``id`` is the set's UUIDv7, ``lift`` its key (``squat`` or a custom exercise's key),
``date`` the session day, ``performed_at`` the UTC instant, ``weight`` the exact decimal as
typed with its ``unit``, ``warmup`` 0 or 1. Importing the file into any journal recreates
the same sets with the same ids; importing it into the journal it came from adds nothing.

JSON: ``{"version": 1, "format": "repcheck-journal", "exported_at", "athletes": [{name,
sex}], "exercises": [{key, name}], "sets": [… the CSV columns …], "bodyweights": [{athlete,
measured_at, date, weight, unit}]}``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from repcheck.ids import iso, utcnow
from repcheck.store import journal as j
from repcheck.store.db import Database
from repcheck.units import format_number

CSV_COLUMNS = ("id", "athlete", "lift", "lift_name", "date", "performed_at", "reps", "weight",
               "unit", "rpe", "rir", "warmup", "note", "batch_id")


def export_rows(db: Database, since: date | None = None) -> list[dict[str, Any]]:
    names = j.lift_names(db)
    params: dict[str, Any] = {"since": since.isoformat() if since else ""}
    rows = db.all(
        "SELECT s.id, a.name AS athlete, s.lift, s.session_date, s.performed_at, s.reps,"
        " s.weight, s.unit, s.rpe, s.rir, s.warmup, s.note, s.batch_id FROM sets s"
        " JOIN athletes a ON a.id = s.athlete_id WHERE s.deleted = 0"
        " AND s.session_date >= :since ORDER BY s.performed_at, s.created_at, s.seq", params)
    out = []
    for r in rows:
        rpe = r["rpe"]
        out.append({
            "id": r["id"], "athlete": r["athlete"], "lift": r["lift"],
            "lift_name": names.get(r["lift"], r["lift"]), "date": r["session_date"],
            "performed_at": r["performed_at"], "reps": r["reps"], "weight": r["weight"],
            "unit": r["unit"], "rpe": "" if rpe is None else format_number(_dec(rpe)),
            "rir": "" if r["rir"] is None else r["rir"], "warmup": int(r["warmup"]),
            "note": r["note"] or "", "batch_id": r["batch_id"],
        })
    return out


def _dec(value: float):
    from decimal import Decimal

    return Decimal(str(value))


def to_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def to_json(db: Database, rows: list[dict[str, Any]]) -> str:
    athletes = [{"name": a.name, "sex": a.sex} for a in j.list_athletes(db)]
    exercises = [{"key": k, "name": n} for k, n in j.custom_exercises(db)]
    bws = db.all("SELECT a.name AS athlete, b.measured_at, b.session_date, b.weight, b.unit "
                 "FROM bodyweights b JOIN athletes a ON a.id = b.athlete_id "
                 "WHERE b.deleted = 0 ORDER BY b.measured_at")
    doc = {"version": 1, "format": "repcheck-journal", "exported_at": iso(utcnow()),
           "athletes": athletes, "exercises": exercises, "sets": rows,
           "bodyweights": [{"athlete": b["athlete"], "measured_at": b["measured_at"],
                            "date": b["session_date"], "weight": b["weight"], "unit": b["unit"]}
                           for b in bws]}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
