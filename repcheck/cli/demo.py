"""`repcheck demo`: a tour on bundled data that never touches your own journal."""

from __future__ import annotations

from typing import Annotated

import typer

from repcheck.cli.app import app

# Three weeks of a simple linear programme: (days ago, lift, notation, flags)
DEMO_PLAN: tuple[tuple[int, str, str, tuple[str, ...]], ...] = (
    (20, "squat", "3x5x120", ()), (20, "bench", "3x5x85", ()), (20, "deadlift", "1x5x150", ()),
    (18, "press", "3x5x55", ()), (18, "squat", "3x5x122.5", ()),
    (16, "squat", "3x5x125", ()), (16, "bench", "3x5x87.5", ()), (16, "deadlift", "5x155", ()),
    (13, "press", "3x5x57.5", ()), (13, "squat", "3x5x127.5", ()),
    (11, "squat", "3x5x130", ()), (11, "bench", "5,5,4x90", ()), (11, "deadlift", "5x160", ()),
    (9, "press", "3x5x60", ()), (9, "squat", "3x5x132.5", ()),
    (6, "squat", "3x5x135", ()), (6, "bench", "3x5x90", ()), (6, "deadlift", "5x165", ()),
    (4, "press", "5,5,3x62.5", ()), (4, "squat", "3x5x137.5", ()),
    (0, "squat", "2x60 1x100", ("warmup",)), (0, "squat", "3x5x140 1x150@9", ()),
    (0, "bench", "3x5x92.5", ()), (0, "deadlift", "5x170", ()),
)


@app.command(rich_help_panel="Setup")
def demo(
    keep: Annotated[bool, typer.Option("--keep", help="Keep the demo journal for exploring.")]
    = False,
) -> None:
    """Log three weeks of demo training into a separate demo journal and show the results.

    Your own journal is never touched. Example: repcheck demo
    """
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from repcheck.cli.journal import console
    from repcheck.config import get_paths

    out = console()
    folder = (get_paths().data_dir / "demo" if keep
              else Path(tempfile.mkdtemp(prefix="repcheck-demo-")))
    if keep and folder.exists():
        shutil.rmtree(folder)
    # Everything the demo writes (journal, video library, caches) lives in its own home.
    saved_home = os.environ.get("REPCHECK_HOME")
    os.environ["REPCHECK_HOME"] = str(folder)
    try:
        _demo_journal(out, folder)
        _demo_video(out)
    finally:
        if saved_home is None:
            os.environ.pop("REPCHECK_HOME", None)
        else:
            os.environ["REPCHECK_HOME"] = saved_home
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    out.print("\nStart your own journal with: repcheck log squat 5x100")
    if keep:
        out.print(f"The demo journal is kept in {folder}: REPCHECK_HOME={folder} repcheck history")


DEMO_CLIP = "squat_side_shallow_rep.mp4"


def _demo_journal(out, folder) -> None:
    from datetime import timedelta

    from repcheck.cli.journal import _print_logged
    from repcheck.dates import local_now
    from repcheck.notation import parse_sets
    from repcheck.records import DEFAULT_FORMULA
    from repcheck.report import journal as view
    from repcheck.store import journal as j
    from repcheck.store.connect import open_journal
    from repcheck.units import Weight

    db = open_journal(None)
    now = local_now()
    try:
        out.print(f"[bold]RepCheck demo[/bold] — a demo journal in {folder}\n")
        for days_ago, lift, notation, flags in DEMO_PLAN:
            when = now if days_ago == 0 else (now - timedelta(days=days_ago)).replace(hour=18)
            with db.write():
                result = j.log_sets(db, "me", lift, parse_sets(notation), when,
                                    warmup="warmup" in flags,
                                    bodyweight=Weight.parse("82.5", "kg") if days_ago == 0
                                    else None)
            if days_ago == 0:
                out.print(f"$ repcheck log {lift} {notation}"
                          + (" --warmup" if "warmup" in flags else ""))
                _print_logged(result, j.lift_names(db)[lift])
        with db.read():
            who = j.get_athlete(db, "me")
            sessions = j.history(db, who.id, "squat", last=5)
            bests = j.load_all_bests(db, who.id)
            bw = j.latest_bodyweight(db, who.id)
            names = j.lift_names(db)
        out.print("\n$ repcheck history squat --last 5")
        summaries = [view.summarise(s, DEFAULT_FORMULA) for s in sessions]
        out.print(view.history_table(summaries, names, None, False))
        out.print("\n$ repcheck prs")
        table = view.PrTable(who.name, DEFAULT_FORMULA, bests, names, bw[0] if bw else None, "m")
        out.print(view.prs_table(table, None))
        total, score = table.total_kg(), table.dots()
        if total is not None and score is not None:
            out.print(f"Total: {view.kg_text(total, 'kg')}   DOTS {score:.1f}")
    finally:
        db.close()


def _demo_video(out) -> None:
    """Analyse the bundled example clip and log it as a set, as a lifter would."""
    from pathlib import Path

    import repcheck
    from repcheck.analysis.pipeline import analyse_video
    from repcheck.cli.analyze import _record, progress_bar, render
    from repcheck.cli.journal import _print_logged, history
    from repcheck.units import Weight

    clip = Path(repcheck.__file__).resolve().parents[1] / "examples" / DEMO_CLIP
    if not clip.is_file():
        out.print(f"\n(The example clip {DEMO_CLIP} is not installed with this copy of "
                  "RepCheck; run the demo from a source checkout to see the video analysis.)")
        return
    out.print(f"\n$ repcheck analyze examples/{DEMO_CLIP} --log 145")
    with progress_bar(False) as progress:
        result = analyse_video(clip, "auto", "auto", None, progress=progress)
    render(result)
    logged = _record(clip, result.to_dict(), Weight.parse("145", "kg"), None, None)
    if logged is not None:
        _print_logged(logged, "squat")
    out.print("\n$ repcheck history squat --last 2")
    history(lift="squat", since=None, until=None, last=2, ids=False, unit=None, athlete=None,
            as_json=False)
