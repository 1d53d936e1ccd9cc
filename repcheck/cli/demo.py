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
    import tempfile
    from datetime import timedelta
    from pathlib import Path

    from repcheck.cli.journal import _print_logged, console
    from repcheck.config import get_paths
    from repcheck.dates import local_now
    from repcheck.notation import parse_sets
    from repcheck.records import DEFAULT_FORMULA
    from repcheck.report import journal as view
    from repcheck.store import journal as j
    from repcheck.store.connect import open_journal
    from repcheck.units import Weight

    out = console()
    folder = get_paths().data_dir / "demo" if keep else Path(tempfile.mkdtemp(prefix="repcheck-demo-"))
    path = folder / "journal.sqlite3"
    if path.exists():
        path.unlink()
    db = open_journal(str(path))
    now = local_now()
    try:
        out.print(f"[bold]RepCheck demo[/bold] — a demo journal in {path}\n")
        for days_ago, lift, notation, flags in DEMO_PLAN:
            when = now if days_ago == 0 else (now - timedelta(days=days_ago)).replace(hour=18)
            with db.write():
                result = j.log_sets(db, "demo lifter", lift, parse_sets(notation), when,
                                    warmup="warmup" in flags,
                                    bodyweight=Weight.parse("82.5", "kg") if days_ago == 0
                                    else None)
            if days_ago == 0:
                out.print(f"$ repcheck log {lift} {notation}"
                          + (" --warmup" if "warmup" in flags else ""))
                _print_logged(result, j.lift_names(db)[lift])
        with db.read():
            who = j.get_athlete(db, "demo lifter")
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
    if not keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    out.print("\nStart your own journal with: repcheck log squat 5x100")
