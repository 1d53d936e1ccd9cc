"""`repcheck import`, `export`, `backup` and `restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import AthleteOpt, JsonOpt, app, options
from repcheck.cli.journal import athlete_name, console, echo_json, journal


@app.command("import", rich_help_panel="Transfer")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="A Strong, Hevy, FitNotes or RepCheck export.")],
    app_name: Annotated[str, typer.Option("--app", help="auto, strong, hevy, fitnotes, repcheck")]
    = "auto",
    unit: Annotated[str | None, typer.Option(
        "--unit", "-u", help="Unit of files that do not say (Strong's comma layout).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be imported.")]
    = False,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import training history from another app. Safe to run twice: nothing is added twice.

    Examples: repcheck import strong.csv --unit lb · repcheck import workouts.csv --dry-run
    """
    from repcheck.config import get_setting
    from repcheck.transfer.importer import import_file
    from repcheck.units import parse_unit

    default_unit = parse_unit(unit or get_setting("unit") or "kg")
    with journal(create=not dry_run) as db, (db.read() if dry_run else db.write()):
        report = import_file(db, file, app=app_name.lower(), default_unit=default_unit,
                             athlete=athlete_name(athlete), dry_run=dry_run)
    if as_json:
        echo_json(report.as_json())
        return
    _print_import(report)


def _print_import(report) -> None:
    from repcheck.report.journal import esc

    out = console()
    verb = "Would import" if report.dry_run else "Imported"
    out.print(esc(f"{report.layout}: {report.source}"))
    if report.unit_note:
        out.print(f"[yellow]Note:[/yellow] {report.unit_note}")
    out.print(f"{verb} {report.new_sets} sets ({report.warmups} warm-ups) from "
              f"{report.workouts} workouts, {report.first_date} to {report.last_date}; "
              f"{report.duplicates} already in the journal.")
    if report.core_sets:
        out.print("Core lifts: " + ", ".join(f"{k} {n}" for k, n in report.core_sets.items()))
    if report.exercises_created:
        out.print(f"New exercises ({len(report.exercises_created)}): "
                  + esc(", ".join(report.exercises_created[:12]))
                  + (" …" if len(report.exercises_created) > 12 else ""))
    if report.snapped_weights:
        out.print(f"Cleaned {report.snapped_weights} weights with float artefacts "
                  "(e.g. 149.99999999999997 → 150).")
    for reason, n in report.skipped.most_common():
        lines = ", ".join(str(x) for x in report.skipped_lines[reason])
        out.print(f"Skipped {n} rows: {reason} (lines {lines}{'…' if n > 5 else ''})")
    if not report.dry_run and report.new_sets:
        out.print("Records are recomputed: see `repcheck prs`.")


@app.command(rich_help_panel="Transfer")
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or json")] = "csv",
    since: Annotated[str | None, typer.Option(help="Only sets from this day on.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")]
    = None,
) -> None:
    """Write the whole journal as CSV or JSON, in a format `repcheck import` reads back.

    Examples: repcheck export > journal.csv · repcheck export --format json -o journal.json
    """
    from repcheck.dates import parse_day
    from repcheck.errors import InputError
    from repcheck.transfer import export as ex

    if fmt not in ("csv", "json"):
        raise InputError(f"unknown format {fmt!r}", "use csv or json")
    with journal(create=False) as db, db.read():
        rows = ex.export_rows(db, parse_day(since) if since else None)
        text = ex.to_csv(rows) if fmt == "csv" else ex.to_json(db, rows)
    if output is None:
        typer.echo(text, nl=False)
        return
    _write_atomically(output, text)
    console().print(f"Exported {len(rows)} sets to {output}", style=None)


def _write_atomically(path: Path, text: str) -> None:
    import os

    from repcheck.errors import InputError

    tmp = path.with_name(path.name + ".partial")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


@app.command(rich_help_panel="Transfer")
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the snapshot.")],
) -> None:
    """Consistent snapshot of the journal, safe while other commands run.

    Example: repcheck backup ~/backups/journal-$(date +%F).sqlite3
    """
    from repcheck.store.connect import journal_location
    from repcheck.transfer.backup import backup as do_backup

    size = do_backup(journal_location(options.database_url), file)
    console().print(f"Backed up the journal to {file} ({size / 1e6:.1f} MB)")


@app.command(rich_help_panel="Transfer")
def restore(
    file: Annotated[Path, typer.Argument(help="A file made by `repcheck backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
) -> None:
    """Replace the journal with a backup (the current journal is kept beside it).

    Example: repcheck restore ~/backups/journal-2026-11-01.sqlite3
    """
    import sys

    from repcheck.errors import InputError
    from repcheck.store.connect import journal_location
    from repcheck.transfer.backup import check_backup
    from repcheck.transfer.backup import restore as do_restore

    location = journal_location(options.database_url)
    count = check_backup(file)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("restore replaces the journal and needs confirmation",
                             "add --yes to run it without a terminal")
        typer.confirm(f"Replace the journal {location.target} with {file} ({count} sets)?",
                      abort=True)
    kept = do_restore(location, file)
    note = f"; the previous journal is kept at {kept}" if kept else ""
    console().print(f"Restored {count} sets from {file}{note}")
