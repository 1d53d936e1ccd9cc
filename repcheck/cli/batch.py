"""`repcheck batch PATH…`: analyse a coach's folder of clips on all cores, then report.

Thin: parse options, call :func:`repcheck.batch.run_batch` with a progress display, write
the report with :func:`repcheck.report.batch.write_report`, print the summary and the failures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import app


@app.command(rich_help_panel="Video")
def batch(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", help="Video files, folders (walked recursively) or s3:// URLs.")],
    lift: Annotated[str, typer.Option(
        "--lift", help="auto, squat, bench, deadlift or press.")] = "auto",
    athlete: Annotated[str | None, typer.Option(
        "--athlete", "-a", help="Put every clip under this athlete (default: the folder "
        "below athletes/, else the configured athlete).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", help="Processes to run (default: one per core).")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", "-o", help="Write a report: out.html, out.csv or out.json.")] = None,
    overlays: Annotated[Path | None, typer.Option(
        "--overlays", help="Folder for annotated videos (H.264 MP4, one per clip).")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Run on a Dask cluster, e.g. tcp://HOST:8786.")] = None,
) -> None:
    """Analyse every clip under the given folders; skip clips already analysed.

    Example: repcheck batch athletes/ --report week47.html
    """
    from repcheck.batch import BatchOptions, run_batch, write_overlays
    from repcheck.cli.app import options
    from repcheck.errors import InputError, PartialError
    from repcheck.report.batch import write_report

    if overlays is not None and overlays.exists() and not overlays.is_dir():
        raise InputError(f"{overlays} is a file", "--overlays takes a folder")
    opts = BatchOptions(lift=lift, athlete=athlete, workers=workers, cluster=cluster,
                        database=options.database_url, report=report)
    with BatchProgress() as progress:
        result = run_batch(paths, opts, on_plan=progress.plan, on_result=progress.done)
    if report is not None:
        write_report(result, report)
    render_summary(result, report)
    if overlays is not None:
        written = write_overlays(result, overlays)
        typer.echo(f"Overlays: {len(written)} new in {overlays}")
    failed = [o for o in result.outcomes if o.status == "failed"]
    if failed:
        raise PartialError(f"{len(failed)} of {len(result.outcomes)} files failed (listed "
                           "above)", "fix or remove them and run the batch again; finished "
                           "clips are skipped")


class BatchProgress:
    """A rich bar (videos done/total, elapsed, ETA) on a private copy of stderr, because
    pose extraction in this process (with --workers 1) silences descriptor 2."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None
        self.stream = None

    def __enter__(self) -> BatchProgress:
        import os
        import sys

        try:
            self.stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="utf-8")
        except (OSError, ValueError, AttributeError):  # no real stderr (tests, embedded)
            self.stream = sys.stderr
        return self

    def plan(self, jobs, settled) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(file=self.stream)
        skipped = sum(o.status == "resumed" for o in settled)
        if skipped:
            console.print(f"{skipped} clip{'s' if skipped != 1 else ''} already analysed: "
                          "skipped")
        if not jobs or not self.stream.isatty():  # a bar in a log file is noise
            return
        self.bar = Progress(TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("videos"), TimeElapsedColumn(), TextColumn("ETA"),
                            TimeRemainingColumn(), console=console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("batch", total=len(jobs))

    def done(self, outcome) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc) -> None:
        import sys

        if self.bar is not None:
            self.bar.stop()
        if self.stream is not None and self.stream is not sys.stderr:
            self.stream.close()


def render_summary(result, report: Path | None) -> None:
    from rich.console import Console

    from repcheck.analysis.findings import verdict_text
    from repcheck.report.batch import failure_line, totals
    from repcheck.report.journal import esc

    console = Console()
    t = totals(result)
    where = result.cluster or f"{result.workers} worker{'s' if result.workers != 1 else ''}"
    console.print(f"{t['videos']} videos judged ({t['analysed']} analysed now, "
                  f"{t['resumed']} from earlier runs), {t['reps']} reps, "
                  f"{t['athletes']} athletes; {t['failed']} failed, {t['not_videos']} not "
                  f"videos — {result.seconds:.1f} s on {esc(where)}", soft_wrap=True)
    verdicts = ", ".join(f"{n} {verdict_text(v or '—')}"
                         for v, n in sorted(t["verdicts"].items(), key=str))
    if verdicts:
        console.print(f"Verdicts: {verdicts}")
    for out in result.outcomes:
        if out.status == "failed":
            console.print(f"[red]skipped[/] {esc(failure_line(out))}", soft_wrap=True)
        elif out.status == "not_video":
            console.print(f"[dim]ignored[/] {esc(failure_line(out))}", soft_wrap=True)
        elif out.status == "duplicate":
            console.print(f"[dim]duplicate[/] {esc(out.source.location)} = "
                          f"{esc(out.same_as)}", soft_wrap=True)
        if out.note:
            console.print(f"[yellow]note[/] {esc(out.source.location)}: {esc(out.note)}",
                          soft_wrap=True)
    if report is not None:
        console.print(f"Report written to {esc(str(report))}")
