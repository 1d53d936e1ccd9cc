"""`repcheck analyze VIDEO`: rep-by-rep form feedback for one filmed set.

Thin by design: parse options, call :func:`repcheck.analysis.pipeline.analyse_video`, render.
Everything heavy (numpy, OpenCV, mediapipe) is imported inside the command body so that
``repcheck --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import AthleteOpt, JsonOpt, app

MAX_CUES = 6  # a short, prioritised list; the rest is in --json
_MARK = {"pass": "✓", "fail": "✗", "warn": "!", "info": "", "not_judged": "–",
         "cant_judge": "?"}
_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "info": "cyan",
          "not_judged": "dim", "cant_judge": "magenta", "no_lift": "magenta"}


@app.command(rich_help_panel="Video")
def analyze(
    video: Annotated[Path, typer.Argument(
        help="Video of one set (mp4, mov, m4v, avi, webm, mkv).")],
    lift: Annotated[str, typer.Option(
        "--lift", help="auto, squat, bench, deadlift or press.")] = "auto",
    view: Annotated[str, typer.Option("--view", help="auto, side, front or oblique.")] = "auto",
    height: Annotated[str | None, typer.Option(
        "--height", help="Lifter's height (178cm, 1.78m, 5'10\") to give depth in cm.")] = None,
    log: Annotated[str | None, typer.Option(
        "--log", help="Log the set at this weight (140, 140kg, 315lb); reps come from the "
                      "video.")] = None,
    when: Annotated[str | None, typer.Option("--date", help="With --log: when (default now).")]
    = None,
    overlay: Annotated[Path | None, typer.Option(
        "--overlay", help="Also write an annotated H.264 MP4 (skeleton, bar path, verdicts).")]
    = None,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Also chart joint angles and bar path over time (PNG, SVG or PDF).")]
    = None,
    meet: Annotated[bool, typer.Option(
        "--meet", help="Judge by competition rules: a bench rep must pause on the chest.")]
    = False,
    athlete: AthleteOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Check the form of every rep in a video of one set.

    Examples: repcheck analyze squat.mp4 --height 178cm · repcheck analyze squat.mp4 --log 140
    """
    from repcheck.analysis.pipeline import analyse_video, parse_height_cm

    height_cm = parse_height_cm(height) if height else None
    weight = _parse_log_weight(log) if log else None
    moment = None
    if when:
        from repcheck.dates import parse_when

        moment = parse_when(when)
    if overlay is not None:
        from repcheck.report.overlay import check_output

        check_output(overlay)  # refuse a bad path before minutes of work
    if plot is not None:
        from repcheck.report.charts import check_output as check_chart

        check_chart(plot)
    with progress_bar(json_out) as progress:
        result = analyse_video(video, lift, view, height_cm, progress=progress, meet=meet)
    doc = result.to_dict()
    if plot is not None:
        from repcheck.report.charts import plot_analysis

        plot_analysis(result.series, doc, plot)
    if overlay is not None:
        from repcheck.report.overlay import write_overlay

        with progress_bar(json_out, "Drawing the overlay") as progress:
            write_overlay(video, result.series, doc, overlay, progress=progress)
    logged = _record(video, doc, weight, moment, athlete)
    if json_out:
        import json

        if logged is not None:
            from repcheck.report.journal import set_json

            doc = {**doc, "logged": [set_json(s) for s in logged.sets],
                   "prs": [{"record": p.label, "new": p.new, "previous": p.previous}
                           for p in logged.prs]}
        typer.echo(json.dumps(doc, indent=2))
        return
    render(result)
    if logged is not None:
        from repcheck.cli.journal import _print_logged

        _print_logged(logged, logged.sets[0].lift)


@app.command(rich_help_panel="Video")
def checks(
    lifts: Annotated[list[str] | None, typer.Argument(
        metavar="[LIFT]...", help="squat, bench, deadlift or press (default: all four).")]
    = None,
    json_out: JsonOpt = False,
) -> None:
    """What `repcheck analyze` checks for each lift: from which views, against which
    threshold, and where each threshold comes from.

    Examples: repcheck checks · repcheck checks squat --json
    """
    from repcheck.analysis.checks import checks_for
    from repcheck.errors import InputError

    known = ("squat", "bench", "deadlift", "press")
    chosen = list(dict.fromkeys(lifts or known))
    for lift in chosen:
        if lift not in known:
            raise InputError(f"unknown lift {lift!r}", f"use one of {', '.join(known)}")
    rows = [(lift, c) for lift in chosen for c in checks_for(lift)]
    if json_out:
        import json

        typer.echo(json.dumps({"version": 1, "checks": [
            {"lift": lift, "check": c.key, "title": c.title, "views": list(c.views),
             "rule": None if c.passes == "info" else c.passes, "threshold": c.threshold,
             "unit": c.unit, "if_missed": None if c.passes == "info" else c.miss.value,
             "per_rep": c.per_rep, "source": c.source} for lift, c in rows]},
            indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    from repcheck.cli.journal import console
    from repcheck.report.journal import esc

    out = console()
    table = Table(show_lines=False, header_style="bold")
    for column in ("Lift", "Check", "Judged from", "Passes when", "If missed", "Source"):
        table.add_column(column, overflow="fold")
    for lift, c in rows:
        rule = "measured, not judged" if c.passes == "info" else \
            f"{c.passes} {c.threshold:g} {c.unit}"
        table.add_row(lift, esc(c.title), ", ".join(c.views), rule,
                      "" if c.passes == "info" else c.miss.value, esc(c.source))
    out.print(table)


def _parse_log_weight(text: str):
    import re

    from repcheck.config import get_setting
    from repcheck.errors import InputError
    from repcheck.notation import check_weight

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(kgs?|lbs?)?\s*", text, re.IGNORECASE)
    if not m:
        raise InputError(f"cannot read --log {text!r} as a weight", "e.g. --log 140 or 315lb")
    return check_weight(m[1], (m[2] or get_setting("unit") or "kg").lower().rstrip("s"))


def _record(video: Path, doc: dict, weight, moment, athlete):
    """Keep the analysis in the journal; with ``--log`` also log the set and file the video.

    Without ``--log`` the analysis is stored only on a video already in the library (the
    same content). With it, the set is logged with the video's complete reps, and the clip
    is added to the library and linked to the new set, in one transaction.
    """
    from repcheck.cli.journal import athlete_name, journal
    from repcheck.errors import InputError
    from repcheck.store import journal as j
    from repcheck.store import videos as v

    sha = (doc.get("video") or {}).get("sha256")
    if weight is None:
        if sha:
            with journal() as db, db.write():
                row = v.find_by_hash(db, sha)
                if row is not None:
                    v.save_analysis(db, row.id, doc)
        return None
    lift_key = (doc.get("lift") or {}).get("name")
    reps = v.complete_reps(doc)
    if not lift_key or reps < 1:
        raise InputError("nothing to log: the video shows no complete rep of a known lift",
                         "log the set by hand, e.g. `repcheck log squat 5x140`")
    from repcheck.config import get_paths, get_setting
    from repcheck.dates import local_now
    from repcheck.notation import SetEntry
    from repcheck.video.library import remove_file, store_file
    from repcheck.video.probe import probe_video

    info = probe_video(video)
    stored = store_file(video, get_paths().videos)
    try:
        with journal() as db, db.write():
            result = j.log_sets(db, athlete_name(athlete), lift_key,
                                [SetEntry(reps, weight)], moment or local_now(),
                                formula=get_setting("e1rm.formula") or "epley")
            row, _ = v.add_video(db, sha256=stored.sha256, athlete_id=result.athlete.id,
                                 set_id=result.sets[0].id, filename=video.name,
                                 ext=video.suffix.lower(), info=info)
            v.save_analysis(db, row.id, doc)
    except BaseException:
        if stored.new:
            remove_file(stored.path)
        raise
    return result


class progress_bar:
    """A rich progress bar on stderr that appears once work has run for 2 s (never for
    ``--json``). It writes to a duplicate of the stderr descriptor taken up front, because
    pose extraction silences descriptor 2 to hide MediaPipe's native log lines."""

    def __init__(self, quiet: bool, label: str = "Finding the lifter") -> None:
        self.quiet = quiet
        self.label = label
        self.bar = None
        self.task = None
        self.started = None
        self.stream = None

    def __enter__(self):
        import os
        import sys
        import time

        self.started = time.monotonic()
        if self.quiet:
            return None
        try:
            self.stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="utf-8")
        except (OSError, ValueError, AttributeError):  # no real stderr (embedded, tests)
            self.stream = sys.stderr
        return self

    def __call__(self, done: int, total: int) -> None:
        self.update(done, total)

    def stage(self, label: str) -> None:
        """A new stage counts its own frames from zero under its own label."""
        self.label = label
        if self.bar is not None:
            self.bar.update(self.task, completed=0, description=label)

    def update(self, done: int, total: int) -> None:
        import time

        if self.bar is None:
            if time.monotonic() - self.started < 2.0:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                TextColumn("{task.completed}/{task.total} frames"),
                                TimeRemainingColumn(), console=Console(file=self.stream),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        import sys

        if self.bar is not None:
            self.bar.stop()
        if self.stream is not None and self.stream is not sys.stderr:
            self.stream.close()


def render(result) -> None:
    from rich.console import Console

    from repcheck.analysis.findings import verdict_text

    console = Console()
    name = Path(result.source_path or "").name
    if result.lift.lift is None:
        console.print(f"[bold]{name}[/]: no lift recognised")
    else:
        how = "detected" if not result.lift.forced else "given"
        console.print(f"[bold]{name}[/]: {result.lift.lift} ({how}, confidence "
                      f"{result.lift.confidence:.0%}), {result.view.view} view, "
                      f"{result.view.facing} side to camera")
    for w in result.warnings:
        console.print(f"[yellow]Note:[/] {w}")
    if result.seg.reps:
        console.print(rep_table(result))
    cues = [f for f in result.findings if f.verdict.value in ("fail", "warn")]
    if cues:
        console.print("[bold]What to work on[/]")
        for f in cues[:MAX_CUES]:
            console.print(f"  [{_STYLE[f.verdict.value]}]•[/] {f.cue}")
        if len(cues) > MAX_CUES:
            console.print(f"  [dim]… and {len(cues) - MAX_CUES} more (see --json)[/]")
    for f in result.findings:  # set-level measurements (bar speed across the set)
        if f.rep is None and f.verdict.value == "info" and f.cue:
            console.print(f"[dim]{f.cue}[/]")
    for verdict, label in (("cant_judge", "Could not judge"),
                           ("not_judged", "Not judged from this view")):
        titles = sorted({f.title for f in result.findings if f.verdict.value == verdict})
        if titles:
            console.print(f"[dim]{label}: {', '.join(titles)}[/]")
    verdict = result.verdict
    console.print(f"[{_STYLE.get(verdict, 'bold')}]Verdict: {verdict_text(verdict)}[/] "
                  f"— {result.summary}")


#: The one check per lift that gets its own column in the rep table.
HEADLINE = {"squat": "squat.depth", "bench": "bench.pause", "deadlift": "deadlift.lockout",
            "press": "press.lockout"}


def rep_table(result):
    """Rep | time | tempo | the lift's headline check | other problems, one row per rep."""
    from rich.table import Table

    headline = HEADLINE.get(result.lift.lift or "")
    by_rep: dict[int, list] = {}
    for f in result.findings:
        if f.rep is not None:
            by_rep.setdefault(f.rep, []).append(f)
    title = next((f.title for f in result.findings if f.check == headline), "")
    table = Table()
    table.add_column("Rep", justify="right")
    table.add_column("Time s", justify="right")
    table.add_column("Down / pause / up s", justify="right")
    if title:
        table.add_column(title, justify="right")
    table.add_column("Other findings")
    for r in result.seg.reps:
        found = by_rep.get(r.number, [])
        head = next((f for f in found if f.check == headline), None)
        others = [f"[{_STYLE[f.verdict.value]}]{f.title.lower()} {_MARK[f.verdict.value]}[/]"
                  for f in found if f.check != headline and f.verdict.value in ("fail", "warn")]
        cells = [f"{r.number}{' partial' if r.partial else ''}",
                 f"{r.start_s:.1f}–{r.end_s:.1f}",
                 f"{r.eccentric_s:.1f} / {r.pause_s:.1f} / {r.concentric_s:.1f}"]
        if title:
            cells.append(cell(head))
        cells.append(", ".join(others) or "[green]none[/]")
        table.add_row(*cells)
    return table


def cell(f) -> str:
    from repcheck.analysis.findings import verdict_text

    if f is None:
        return ""
    style = _STYLE[f.verdict.value]
    if f.value is None:
        return f"[{style}]{verdict_text(f.verdict.value)}[/]"
    if f.unit == "% thigh":
        value = f"{f.value:+.0f}% thigh"
        cm = (f.extra or {}).get("margin_cm")
        if cm is not None:
            value = f"{cm:+.0f} cm"
    elif f.unit == "°":
        value = f"{f.value:.0f}°"
    elif f.unit == "s":
        value = f"{f.value:.2f} s"
    else:
        value = f"{f.value:.2f} {f.unit}"
    return f"[{style}]{value} {_MARK[f.verdict.value]}[/]"
