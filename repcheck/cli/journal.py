"""Journal commands: log, history, prs, stats, undo, edit, rm, lifts, athletes.

Each command parses its options, calls one function of :mod:`repcheck.store.journal` inside
one transaction, and renders the result. Imports happen inside the commands to keep start-up
fast (``repcheck log`` has a 300 ms budget).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from repcheck.cli.app import AthleteOpt, JsonOpt, app, options

if TYPE_CHECKING:
    from repcheck.store.db import Database

UnitOpt = Annotated[str | None, typer.Option("--unit", "-u",
                                             help="Show weights in kg or lb (default: as logged).")]


@contextmanager
def journal(*, create: bool = True) -> Iterator[Database]:
    """The journal for one command; read-only commands pass ``create=False`` so that
    looking at an empty journal leaves no file behind."""
    from repcheck.store.connect import open_journal

    db = open_journal(options.database_url, create=create)
    try:
        yield db
    finally:
        db.close()


def console():
    import sys

    from rich.console import Console

    # Piped or redirected output keeps whole lines instead of wrapping at 80 columns.
    wide = None if sys.stdout.isatty() else 200
    return Console(highlight=False, width=wide)


def athlete_name(flag: str | None) -> str:
    from repcheck.config import get_setting

    return flag or get_setting("athlete") or "me"


def echo_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def split_words(words: list[str]) -> tuple[str, str]:
    """``["bench", "press", "5x100"]`` → ``("bench press", "5x100")``."""
    from repcheck.errors import InputError
    from repcheck.notation import EXAMPLE, looks_like_sets

    for i, word in enumerate(words):
        if looks_like_sets(word):
            if i == 0:
                raise InputError("give the lift before the sets", "e.g. `repcheck log squat 5x140`")
            return " ".join(words[:i]), " ".join(words[i:])
    raise InputError(f"no sets after {' '.join(words)!r}", EXAMPLE)


@app.command(rich_help_panel="Journal")
def log(
    words: Annotated[list[str], typer.Argument(help="Lift, then sets: squat 5x140 5x145 3x150",
                                               metavar="LIFT SETS...")],
    warmup: Annotated[bool, typer.Option("--warmup", "-w", help="Warm-up sets never count.")]
    = False,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A note on these sets.")] = None,
    when: Annotated[str | None, typer.Option(
        "--date", "--at", "-d", help="When: YYYY-MM-DD, 'YYYY-MM-DD HH:MM', yesterday, -2d.")]
    = None,
    bodyweight: Annotated[str | None, typer.Option(
        "--bodyweight", "-b", help="Your bodyweight today, e.g. 83.5 or 184lb.")] = None,
    new: Annotated[bool, typer.Option("--new", help="Add LIFT as a new exercise.")] = False,
    unit: Annotated[str | None, typer.Option(
        "--unit", "-u", help="Unit for weights typed without one (default: setting 'unit').")]
    = None,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log sets; announces personal records.

    Examples: repcheck log squat 5x140 · repcheck log bench 3x5x100 @8 ·
    repcheck log deadlift 5,5,4x180 --date yesterday · repcheck log ohp 5x135lb --warmup
    """
    from repcheck.config import get_setting
    from repcheck.dates import parse_when
    from repcheck.notation import parse_sets
    from repcheck.store import journal as j
    from repcheck.units import parse_unit

    lift_name, notation = split_words(words)
    default_unit = parse_unit(unit or get_setting("unit") or "kg")
    entries = parse_sets(notation, default_unit)
    moment = parse_when(when)
    bw = _parse_bodyweight(bodyweight, default_unit) if bodyweight else None
    formula = get_setting("e1rm.formula") or "epley"
    with journal() as db, db.write():
        lift = j.resolve_lift(db, lift_name, create=new)
        result = j.log_sets(db, athlete_name(athlete), lift, entries, moment, warmup=warmup,
                            note=note, bodyweight=bw, formula=formula)
        names = j.lift_names(db)
    if as_json:
        from repcheck.report.journal import JSON_VERSION, set_json

        echo_json({"version": JSON_VERSION, "athlete": result.athlete.name, "lift": lift,
                   "sets": [set_json(s) for s in result.sets],
                   "prs": [{"record": p.label, "kind": p.kind, "new": p.new,
                            "previous": p.previous} for p in result.prs]})
        return
    _print_logged(result, names.get(lift, lift))


def _parse_bodyweight(text: str, default_unit: str):
    import re

    from repcheck.errors import InputError
    from repcheck.units import Weight

    m = re.fullmatch(r"\s*(\d{1,3}(?:\.\d{1,3})?)\s*([a-zA-Z]*)\s*", text)
    if not m:
        raise InputError(f"cannot read bodyweight {text!r}", "e.g. --bodyweight 83.5kg")
    return Weight.parse(m[1], m[2] or default_unit)


def _print_logged(result, lift_name: str) -> None:
    from repcheck.notation import format_sets
    from repcheck.report.journal import esc

    out = console()
    kind = "warm-up " if result.sets[0].warmup else ""
    who = "" if result.athlete.key == "me" else f" for {esc(result.athlete.name)}"
    if result.new_athlete and result.athlete.key != "me":
        out.print(f"New athlete: {esc(result.athlete.name)}")
    lift_name = esc(lift_name)
    out.print(f"Logged {kind}{lift_name.lower()}{who} on {result.sets[0].session_date}: "
              f"{format_sets([s.entry for s in result.sets])}  "
              f"[dim](id {' '.join(s.short_id for s in result.sets)})[/dim]")
    for pr in result.prs:
        previous = f"previous {pr.previous}" if pr.previous else "first one"
        out.print(f"[bold green]New PR[/bold green] {lift_name.lower()} {pr.label}: {pr.new} "
                  f"({previous})", soft_wrap=True)


@app.command(rich_help_panel="Journal")
def history(
    lift: Annotated[str | None, typer.Argument(help="Only this lift.")] = None,
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD or -30d).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day.")] = None,
    last: Annotated[int | None, typer.Option("--last", "-l", help="Only the last N training days.")]
    = None,
    ids: Annotated[bool, typer.Option("--ids", help="Show set ids (for edit and rm).")] = False,
    unit: UnitOpt = None,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Sessions with their sets, top set, e1RM and volume, newest first.

    Examples: repcheck history · repcheck history squat --last 20 · repcheck history --since -30d
    """
    from repcheck.config import get_setting
    from repcheck.dates import parse_day
    from repcheck.report import journal as view
    from repcheck.store import journal as j

    formula = get_setting("e1rm.formula") or "epley"
    with journal(create=False) as db, db.read():
        who = j.get_athlete(db, athlete_name(athlete))
        key = j.resolve_lift(db, lift) if lift else None
        sessions = j.history(db, who.id, key, parse_day(since) if since else None,
                             parse_day(until) if until else None, last)
        names = j.lift_names(db)
        videos = _video_labels(db, sessions)
    summaries = [view.summarise(s, formula) for s in sessions]
    if as_json:
        echo_json(view.history_json(who.name, summaries, videos))
        return
    out = console()
    if not summaries:
        out.print("No sets logged yet." if not (lift or since or until) else "No sets match.")
        return
    out.print(view.history_table(summaries, names, _unit(unit), ids, videos))
    if key:
        trend = [x.e1rm_kg for x in reversed(summaries) if x.e1rm_kg is not None]
        if len(trend) > 1:
            out.print(f"e1RM trend {view.sparkline(trend[-40:])}  "
                      f"{view.kg_text(trend[0], _unit(unit) or 'kg')} → "
                      f"{view.kg_text(trend[-1], _unit(unit) or 'kg')}")


def _video_labels(db, sessions) -> dict[str, str]:
    """Set id -> "video ✓ depth ok 3/3" for sets with a linked video (none: no query)."""
    if not sessions:
        return {}
    exists = db.one("SELECT 1 AS x FROM videos WHERE deleted = 0 AND set_id IS NOT NULL "
                    "LIMIT 1")
    if not exists:
        return {}
    from repcheck.store.videos import labels_for_sets

    return labels_for_sets(db, [s.id for session in sessions for s in session.sets])


def _unit(flag: str | None) -> str | None:
    if flag is None:
        return None
    from repcheck.units import parse_unit

    return parse_unit(flag)


@app.command(rich_help_panel="Journal")
def prs(
    lifts: Annotated[list[str] | None, typer.Argument(
        metavar="[LIFT]...", help="Only these lifts (default: every lift).")] = None,
    formula: Annotated[str | None, typer.Option(help="e1RM formula (default: setting).")] = None,
    unit: UnitOpt = None,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Personal records across lifts, the powerlifting total and DOTS.

    Examples: repcheck prs · repcheck prs squat bench --unit lb · repcheck prs --json
    """
    from repcheck.config import get_setting
    from repcheck.errors import InputError
    from repcheck.records import E1RM_FORMULAS
    from repcheck.report import journal as view
    from repcheck.store import journal as j

    formula = formula or get_setting("e1rm.formula") or "epley"
    if formula not in E1RM_FORMULAS:
        raise InputError(f"unknown e1RM formula {formula!r}",
                         f"choose one of {', '.join(E1RM_FORMULAS)}")
    with journal(create=False) as db, db.read():
        who = j.get_athlete(db, athlete_name(athlete))
        bests = j.load_all_bests(db, who.id)
        bw = j.latest_bodyweight(db, who.id)
        names = j.lift_names(db)
        wanted = [j.resolve_lift(db, name) for name in lifts or []]
    table = view.PrTable(who.name, formula, bests, names, bw[0] if bw else None, who.sex)
    if wanted:
        table = view.PrTable(who.name, formula, {k: v for k, v in bests.items() if k in wanted},
                             names, bw[0] if bw else None, who.sex, total_from=bests)
    if as_json:
        echo_json(view.prs_json(table))
        return
    out = console()
    if not bests:
        out.print("No working sets logged yet.")
        return
    out.print(view.prs_table(table, _unit(unit)))
    total = table.total_kg()
    shown = _unit(unit) or "kg"
    if total is not None:
        line = f"Total (squat + bench + deadlift): [bold]{view.kg_text(total, shown)}[/bold]"
        score = table.dots()
        if score is not None:
            line += f"   DOTS {score:.1f} at {bw[0]} bodyweight"
        elif bw is None:
            line += "   (log --bodyweight to see DOTS)"
        elif who.sex is None:
            line += view.esc(f"   (run `repcheck athletes set {who.name!r} --sex m|f` to "
                             "see DOTS)")
        out.print(line)


@app.command(rich_help_panel="Journal")
def stats(
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks back.", min=1, max=520)]
    = 8,
    unit: UnitOpt = None,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Weekly volume and training frequency per lift (warm-ups excluded)."""
    from datetime import date, timedelta

    from repcheck.report import journal as view
    from repcheck.store import journal as j

    today = date.today()
    with journal(create=False) as db, db.read():
        who = j.get_athlete(db, athlete_name(athlete))
        start = view.week_start(today) - timedelta(weeks=weeks - 1)
        rows = view.weekly_stats(j.working_sets_since(db, who.id, start), weeks, today)
        names = j.lift_names(db)
    if as_json:
        echo_json(view.stats_json(who.name, rows))
        return
    out = console()
    if not rows:
        out.print(f"No working sets in the last {weeks} weeks.")
        return
    out.print(view.stats_table(rows, names, _unit(unit)))


@app.command(rich_help_panel="Journal")
def undo(athlete: AthleteOpt = None, as_json: JsonOpt = False) -> None:
    """Remove the sets of the last `repcheck log` (a soft delete that sync propagates)."""
    from repcheck.store import journal as j

    with journal() as db, db.write():
        who = j.get_athlete(db, athlete_name(athlete))
        removed = j.undo_last(db, who.id)
        names = j.lift_names(db)
    _report_removed(removed, names, as_json, "Undid")


@app.command(rich_help_panel="Journal")
def rm(
    ids: Annotated[list[str], typer.Argument(help="Set ids (or their first/last 8 characters).")],
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove sets by id (a soft delete that sync propagates). Ids: `repcheck history --ids`."""
    from repcheck.store import journal as j

    with journal() as db, db.write():
        who = j.get_athlete(db, athlete_name(athlete))
        removed = j.remove_sets(db, who.id, ids)
        names = j.lift_names(db)
    _report_removed(removed, names, as_json, "Removed")


def _report_removed(removed, names, as_json: bool, verb: str) -> None:
    from repcheck.notation import format_sets
    from repcheck.report.journal import JSON_VERSION, set_json

    if as_json:
        echo_json({"version": JSON_VERSION, "removed": [set_json(s) for s in removed]})
        return
    from repcheck.report.journal import esc

    lift = esc(names.get(removed[0].lift, removed[0].lift))
    console().print(f"{verb} {lift} on {removed[0].session_date}: "
                    f"{format_sets([s.entry for s in removed])}")


@app.command(rich_help_panel="Journal")
def edit(
    set_id: Annotated[str, typer.Argument(metavar="ID", help="Set id from `history --ids`.")],
    sets: Annotated[str | None, typer.Argument(metavar="[SET]", help="New reps/weight: 5x142.5")]
    = None,
    lift: Annotated[str | None, typer.Option("--lift", help="Move the set to another lift.")]
    = None,
    when: Annotated[str | None, typer.Option("--date", "--at", "-d", help="New date.")] = None,
    warmup: Annotated[bool | None, typer.Option("--warmup/--working",
                                                help="Mark as warm-up or working set.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="New note ('' clears it).")]
    = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Unit for a bare weight.")]
    = None,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct one set. Example: repcheck edit 1a2b3c4d 5x142.5 --note 'belt'"""
    from repcheck.config import get_setting
    from repcheck.dates import parse_when
    from repcheck.errors import InputError
    from repcheck.notation import format_entry, parse_sets
    from repcheck.report.journal import JSON_VERSION, set_json
    from repcheck.store import journal as j
    from repcheck.units import parse_unit

    entry = None
    if sets:
        entries = parse_sets(sets, parse_unit(unit or get_setting("unit") or "kg"))
        if len(entries) != 1:
            raise InputError("edit changes one set", "give one set such as 5x142.5")
        entry = entries[0]
    moment = parse_when(when) if when else None
    with journal() as db, db.write():
        who = j.get_athlete(db, athlete_name(athlete))
        key = j.resolve_lift(db, lift) if lift else None
        old, new = j.edit_set(db, who.id, set_id, entry=entry, lift=key, when=moment,
                              warmup=warmup, note=note)
    if as_json:
        echo_json({"version": JSON_VERSION, "before": set_json(old), "after": set_json(new)})
        return
    console().print(f"Edited {new.short_id}: {old.lift} {format_entry(old.entry)} on "
                    f"{old.session_date} → {new.lift} {format_entry(new.entry)} on "
                    f"{new.session_date}{' (warm-up)' if new.warmup else ''}", markup=False)


lifts_app = typer.Typer(help="List lifts and add custom exercises.", no_args_is_help=False)
app.add_typer(lifts_app, name="lifts", rich_help_panel="Journal")


@lifts_app.callback(invoke_without_command=True)
def lifts_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The four core lifts with their aliases, and your custom exercises."""
    if ctx.invoked_subcommand is not None:
        return
    from repcheck import lifts as catalogue
    from repcheck.store import journal as j

    with journal(create=False) as db, db.read():
        custom = j.custom_exercises(db)
    if as_json:
        echo_json({"version": 1, "core": [
            {"key": x.key, "name": x.name, "aliases": list(x.aliases)}
            for x in catalogue.CORE_LIFTS],
            "custom": [{"key": k, "name": n} for k, n in custom]})
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Lift")
    table.add_column("Type")
    table.add_column("Also accepted")
    from repcheck.report.journal import esc

    for x in catalogue.CORE_LIFTS:
        table.add_row(x.key, "core", ", ".join(x.aliases))
    for k, n in custom:
        table.add_row(esc(n), "custom", esc(k))
    console().print(table)


@lifts_app.command("add")
def lifts_add(name: Annotated[str, typer.Argument(help="Exercise name, e.g. 'front squat'.")]
              ) -> None:
    """Add a custom exercise so that it can be logged."""
    from repcheck.store import journal as j

    with journal() as db, db.write():
        key = j.add_exercise(db, name)
    from repcheck.report.journal import esc

    console().print(esc(f"Added exercise {' '.join(name.split())!r} (key {key})"))


athletes_app = typer.Typer(help="Athletes in this journal (for coaches).")
app.add_typer(athletes_app, name="athletes", rich_help_panel="Journal")


@athletes_app.callback(invoke_without_command=True)
def athletes_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List athletes."""
    if ctx.invoked_subcommand is not None:
        return
    from repcheck.store import journal as j

    with journal(create=False) as db, db.read():
        people = j.list_athletes(db)
    if as_json:
        echo_json({"version": 1, "athletes": [{"name": a.name, "key": a.key, "sex": a.sex}
                                              for a in people]})
        return
    out = console()
    if not people:
        out.print("No athletes yet: the first `repcheck log` creates one.")
    for a in people:
        out.print(f"{a.name}" + (f" ({a.sex})" if a.sex else ""), markup=False)


@athletes_app.command("set")
def athletes_set(
    name: Annotated[str, typer.Argument(help="Athlete name.")],
    sex: Annotated[str, typer.Option("--sex", help="m or f (for DOTS).")],
) -> None:
    """Set an athlete's details. Example: repcheck athletes set me --sex f"""
    from repcheck.store import journal as j

    with journal() as db, db.write():
        who, _ = j.ensure_athlete(db, name)
        j.set_athlete_sex(db, who, sex.strip().lower()[:1] if sex else sex)
    console().print(f"{who.name}: sex set to {sex}", markup=False)
