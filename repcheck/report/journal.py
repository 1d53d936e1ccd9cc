"""Views of the journal: summaries computed from stored sets, as JSON and as rich tables.

JSON shapes carry ``"version": 1`` and are documented in README.md ("JSON output"); fields
are only ever added within a version. Weights are given as entered (``weight`` as a decimal
string and ``unit``) and converted (``kg`` as a number), so programs never parse "315 lb".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from repcheck.records import TRUSTED_REPS, Bests, SetRef, dots, e1rm
from repcheck.store.journal import LoggedSet, Session
from repcheck.units import Weight, display, format_number

JSON_VERSION = 1
SPARK = "▁▂▃▄▅▆▇█"


# -- summaries ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionSummary:
    session: Session
    top: LoggedSet | None
    e1rm_kg: float | None
    volume_kg: Decimal


def summarise(session: Session, formula: str) -> SessionSummary:
    working = [s for s in session.sets if not s.warmup]
    top = max(working, key=lambda s: (s.weight.kg, s.reps), default=None)
    estimates = [e1rm(float(s.weight.kg), s.reps, formula) for s in working]
    trusted = [e.kg for e in estimates if e.trusted]
    volume = sum((s.weight.kg * s.reps for s in working), Decimal(0))
    return SessionSummary(session, top, max(trusted) if trusted else None, volume)


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        return SPARK[3] * len(values)
    return "".join(SPARK[round((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in values)


@dataclass(frozen=True)
class WeekRow:
    week: str
    lift: str
    sessions: int
    sets: int
    reps: int
    volume_kg: Decimal


def weekly_stats(sets: list[LoggedSet], weeks: int, today: date) -> list[WeekRow]:
    start = week_start(today) - timedelta(weeks=weeks - 1)
    buckets: dict[tuple[str, str], list[LoggedSet]] = defaultdict(list)
    for s in sets:
        day = date.fromisoformat(s.session_date)
        if day < start:
            continue
        y, w, _ = day.isocalendar()
        buckets[(f"{y}-W{w:02d}", s.lift)].append(s)
    rows = [WeekRow(week, lift, len({s.session_date for s in group}), len(group),
                    sum(s.reps for s in group),
                    sum((s.weight.kg * s.reps for s in group), Decimal(0)))
            for (week, lift), group in buckets.items()]
    return sorted(rows, key=lambda r: (r.week, r.lift), reverse=True)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- JSON --------------------------------------------------------------------------------
def set_json(s: LoggedSet) -> dict[str, Any]:
    return {
        "id": s.id, "lift": s.lift, "date": s.session_date, "performed_at": s.performed_at,
        "reps": s.reps, "weight": format_number(s.weight.value), "unit": s.weight.unit,
        "kg": round(float(s.weight.kg), 4),
        "rpe": None if s.rpe is None else float(s.rpe), "rir": s.rir,
        "warmup": s.warmup, "note": s.note,
    }


def ref_json(ref: SetRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"id": ref.id, "reps": ref.reps, "weight": ref.weight, "kg": round(float(ref.kg), 4),
            "date": ref.date}


def history_json(athlete: str, summaries: list[SessionSummary],
                 videos: dict[str, str] | None = None) -> dict[str, Any]:
    videos = videos or {}
    return {"version": JSON_VERSION, "athlete": athlete, "sessions": [
        {"date": x.session.date, "lift": x.session.lift,
         "sets": [{**set_json(s), "video": videos.get(s.id)} for s in x.session.sets],
         "top_set": set_json(x.top) if x.top else None,
         "e1rm_kg": None if x.e1rm_kg is None else round(x.e1rm_kg, 2),
         "volume_kg": float(x.volume_kg)} for x in summaries]}


@dataclass(frozen=True)
class PrTable:
    athlete: str
    formula: str
    bests: dict[str, Bests]
    names: dict[str, str]
    bodyweight: Weight | None
    sex: str | None
    total_from: dict[str, Bests] | None = None  # all lifts, when the table shows a subset

    def total_kg(self) -> Decimal | None:
        from repcheck.lifts import TOTAL_KEYS

        source = self.total_from if self.total_from is not None else self.bests
        parts = [source[k].heaviest() for k in TOTAL_KEYS if k in source]
        if len(parts) < len(TOTAL_KEYS) or any(p is None for p in parts):
            return None
        return sum((p.kg for p in parts if p is not None), Decimal(0))

    def dots(self) -> float | None:
        total = self.total_kg()
        if total is None or self.bodyweight is None or self.sex is None:
            return None
        return dots(float(total), float(self.bodyweight.kg), self.sex)

    def ordered_lifts(self) -> list[str]:
        from repcheck.lifts import CORE_KEYS

        core = [k for k in CORE_KEYS if k in self.bests]
        return core + sorted(k for k in self.bests if k not in CORE_KEYS)


def prs_json(table: PrTable) -> dict[str, Any]:
    lifts_out = []
    for key in table.ordered_lifts():
        b = table.bests[key]
        best_e1 = b.best_e1rm(table.formula)
        vol = b.best_set_volume
        sess = b.best_session_volume
        lifts_out.append({
            "lift": key, "name": table.names.get(key, key),
            "heaviest": ref_json(b.heaviest()),
            "rep_maxes": {str(r): ref_json(b.rep_max(r)) for r in range(1, TRUSTED_REPS + 1)
                          if b.rep_max(r) is not None},
            "e1rm": None if best_e1 is None else {"kg": round(best_e1[0], 2),
                                                  "set": ref_json(best_e1[1])},
            "set_volume": None if vol is None else {"kg": float(vol.volume), "set": ref_json(vol)},
            "session_volume": None if sess is None else {"kg": float(sess[1]), "date": sess[0]},
        })
    total = table.total_kg()
    score = table.dots()
    return {
        "version": JSON_VERSION, "athlete": table.athlete, "formula": table.formula,
        "lifts": lifts_out,
        "total_kg": None if total is None else float(total),
        "bodyweight": None if table.bodyweight is None else {
            "weight": format_number(table.bodyweight.value), "unit": table.bodyweight.unit,
            "kg": round(float(table.bodyweight.kg), 3)},
        "sex": table.sex,
        "dots": None if score is None else round(score, 2),
    }


def stats_json(athlete: str, rows: list[WeekRow]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "athlete": athlete, "weeks": [
        {"week": r.week, "lift": r.lift, "sessions": r.sessions, "sets": r.sets, "reps": r.reps,
         "volume_kg": float(r.volume_kg)} for r in rows]}


# -- rich tables -------------------------------------------------------------------------
def kg_text(kg: float | Decimal | None, unit: str, places: int = 1) -> str:
    if kg is None:
        return "–"
    value = Decimal(str(kg)) if unit == "kg" else Weight(Decimal(str(kg)), "kg").to("lb").value
    return f"{_trim_float(float(value), places)} {unit}"


def _trim_float(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def weight_text(w: Weight, unit: str | None) -> str:
    return display(w, unit)


def esc(text: str) -> str:
    """User text (lift, exercise and athlete names) shown literally, never as markup."""
    from rich.markup import escape

    return escape(text)


def history_table(summaries: list[SessionSummary], names: dict[str, str], unit: str | None,
                  show_ids: bool, videos: dict[str, str] | None = None):
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col, justify in (("Date", "left"), ("Lift", "left"), ("Sets", "left"),
                         ("Top set", "right"), ("e1RM", "right"), ("Volume", "right")):
        table.add_column(col, justify=justify, no_wrap=col != "Sets")
    videos = videos or {}
    if videos:
        table.add_column("Video")
    if show_ids:
        table.add_column("Ids", style="dim")
    shown_unit = unit or "kg"
    for x in summaries:
        sets_text = _sets_text(x.session.sets, unit)
        top = f"{weight_text(x.top.weight, unit)} × {x.top.reps}" if x.top else "–"
        row = [x.session.date, esc(names.get(x.session.lift, x.session.lift)), sets_text, top,
               kg_text(x.e1rm_kg, shown_unit), kg_text(x.volume_kg, shown_unit)]
        if videos:
            row.append(", ".join(videos[s.id] for s in x.session.sets if s.id in videos))
        if show_ids:
            row.append(" ".join(s.short_id for s in x.session.sets))
        table.add_row(*row)
    return table


def _sets_text(sets: list[LoggedSet], unit: str | None) -> str:
    """``3×5×140 kg @8, 1×150 kg``: consecutive identical sets are written once with a count."""
    groups: list[list[LoggedSet]] = []
    for s in sets:
        if groups and _same_display(groups[-1][0], s):
            groups[-1].append(s)
        else:
            groups.append([s])
    parts = []
    for group in groups:
        s = group[0]
        count = f"{len(group)}×" if len(group) > 1 else ""
        text = f"{count}{s.reps}×{display(s.weight, unit)}"
        if s.rpe is not None:
            text += f" @{format_number(s.rpe)}"
        elif s.rir is not None:
            text += f" RIR{s.rir}"
        if s.warmup:
            text = f"[dim]{text} (w)[/dim]"
        parts.append(text)
    return ", ".join(parts)


def _same_display(a: LoggedSet, b: LoggedSet) -> bool:
    return (a.entry, a.warmup) == (b.entry, b.warmup) and a.weight.unit == b.weight.unit


PR_REP_COLUMNS = (2, 3, 5, 8, 10)  # the 1RM is the "Heaviest" column


def prs_table(table: PrTable, unit: str | None):
    from rich.table import Table

    out = Table(box=None, header_style="bold", pad_edge=False)
    out.add_column("Lift")
    out.add_column("Heaviest", justify="right")
    for r in PR_REP_COLUMNS:
        out.add_column(f"{r}RM", justify="right")
    out.add_column(f"e1RM ({table.formula})", justify="right")
    out.add_column("Best set volume", justify="right")
    shown = unit or "kg"
    for key in table.ordered_lifts():
        b = table.bests[key]
        heaviest = b.heaviest()
        cells = [esc(table.names.get(key, key)),
                 f"{_ref_weight(heaviest, unit)} ({heaviest.date})" if heaviest else "–"]
        cells += [_ref_weight(b.rep_max(r), unit) for r in PR_REP_COLUMNS]
        best = b.best_e1rm(table.formula)
        cells.append(kg_text(best[0], shown) if best else "–")
        vol = b.best_set_volume
        cells.append(f"{kg_text(vol.volume, shown)} ({vol.reps}×{_ref_weight(vol, unit)})"
                     if vol else "–")
        out.add_row(*cells)
    return out


def _ref_weight(ref: SetRef | None, unit: str | None) -> str:
    if ref is None:
        return "–"
    if unit is None:
        return ref.weight
    return kg_text(ref.kg, unit, 2)


def stats_table(rows: list[WeekRow], names: dict[str, str], unit: str | None):
    from rich.table import Table

    out = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("Week", "Lift", "Sessions", "Sets", "Reps", "Volume"):
        out.add_column(col, justify="left" if col in ("Week", "Lift") else "right")
    for r in rows:
        out.add_row(r.week, esc(names.get(r.lift, r.lift)), str(r.sessions), str(r.sets),
                    str(r.reps),
                    kg_text(r.volume_kg, unit or "kg"))
    return out
