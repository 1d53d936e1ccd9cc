"""`repcheck chart`: a progress chart of the journal as PNG, SVG or PDF.

Thin by design: check the options and the output path, read one grouped query, call
:mod:`repcheck.report.charts`. matplotlib and numpy are imported only inside the command body
(through ``charts``), so ``repcheck --help`` and ``repcheck log`` never load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import AthleteOpt, app


@app.command(rich_help_panel="Journal")
def chart(
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Chart file; .png, .svg or .pdf chooses the format.")],
    lifts: Annotated[list[str] | None, typer.Argument(
        help="Lifts to chart (default: the core lifts you have logged).", metavar="LIFT")]
    = None,
    metric: Annotated[str, typer.Option(
        "--metric", "-m", help="e1rm (trend, PRs starred), top (top sets), volume (weekly) "
        "or reps (weekly).")] = "e1rm",
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD or -90d).")]
    = None,
    until: Annotated[str | None, typer.Option(help="Up to this day.")] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", "-u", help="kg or lb (default: setting 'unit').")] = None,
    athlete: AthleteOpt = None,
) -> None:
    """Draw a progress chart: e1RM trend with PRs, top sets, weekly volume or reps.

    Examples: repcheck chart squat -o squat.png ·
    repcheck chart squat bench deadlift --metric volume --since -180d -o volume.pdf
    """
    from repcheck.cli.journal import athlete_name, console, journal
    from repcheck.config import get_setting
    from repcheck.dates import parse_day
    from repcheck.errors import InputError
    from repcheck.report import charts
    from repcheck.store import journal as j
    from repcheck.units import parse_unit

    kind = charts.check_metric(metric)
    fmt = charts.check_output(output)
    shown_unit = parse_unit(unit or get_setting("unit") or "kg")
    formula = charts.check_formula(get_setting("e1rm.formula") or "epley")
    first = parse_day(since) if since else None
    last = parse_day(until) if until else None
    if first and last and first > last:
        raise InputError(f"--since {first} is after --until {last}", "swap the two dates")
    with journal(create=False) as db, db.read():
        who = j.get_athlete(db, athlete_name(athlete))
        keys = list(dict.fromkeys(_lift_key(j, db, name) for name in lifts or []))
        names = j.lift_names(db)
        # Not cut at --since: a PR is judged against every earlier session, and a weekly
        # chart counts the whole week that holds --since.
        rows = j.daily_aggregates(db, who.id, keys or None, until=charts.data_until(kind, last))
    drawn = charts.build_chart(rows, kind, athlete=who.name, names=names, lifts=keys or None,
                               since=first, until=last, unit=shown_unit, formula=formula)
    result = charts.render(drawn, output, fmt)
    size = (f"{result.width}×{result.height} px" if fmt == "png"
            else f"{result.width}×{result.height} pt")
    console().print(f"Wrote {output} ({fmt.upper()}, {size}): {drawn.title}", soft_wrap=True,
                    markup=False)


def _lift_key(j, db, name: str) -> str:
    from repcheck.errors import UnknownLiftError

    try:
        return j.resolve_lift(db, name)
    except UnknownLiftError as exc:
        raise UnknownLiftError(exc.message, "`repcheck lifts` lists the names") from None
