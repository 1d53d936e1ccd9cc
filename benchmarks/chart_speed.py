"""How long `repcheck chart` takes on a 100,000-set journal, and where the time goes.

Usage::

    python benchmarks/chart_speed.py                 # 100,000 sets, 3 runs per metric
    python benchmarks/chart_speed.py --sets 20000 --runs 5 --keep /tmp/charts

The journal comes from ``benchmarks/journal_data.py`` (10 years of realistic training, about
a third warm-ups). For each metric the script prints:

* **cli** — wall time (median and worst) and CPU time (user + system, which load on the
  machine disturbs less) of ``repcheck chart -m METRIC -o FILE.png`` in a fresh process, as a
  lifter runs it: Python start-up, imports, the query, the series, drawing and writing. The
  median and the worst of ``--runs`` runs; the budget is 2 s.
* **phases** — one more fresh process that times the same steps one by one: importing
  RepCheck's journal code, the grouped query (``daily_aggregates``), building the series
  (numpy), importing matplotlib (cold) and drawing plus writing the PNG.

The machine's load average is printed before and after, because other work on the machine
moves these figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
METRICS = ("e1rm", "top", "volume", "reps")
BUDGET_S = 2.0

PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from repcheck.report import charts
from repcheck.store import journal as j
from repcheck.store.connect import open_journal
t1 = time.perf_counter()
metric, out = sys.argv[1], Path(sys.argv[2])
db = open_journal(None)
try:
    with db.read():
        who = j.get_athlete(db, "me")
        names = j.lift_names(db)
        rows = j.daily_aggregates(db, who.id)
finally:
    db.close()
t2 = time.perf_counter()
chart = charts.build_chart(rows, charts.METRICS[metric], athlete=who.name, names=names)
t3 = time.perf_counter()
done = charts.render(chart, out)
t4 = time.perf_counter()
print(json.dumps({"import_repcheck": t1 - t0, "query": t2 - t1, "rows": len(rows),
                  "build": t3 - t2, "import_matplotlib": done.seconds_import,
                  "draw_and_write": done.seconds_draw, "total": t4 - t0,
                  "bytes": out.stat().st_size}))
"""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def make_journal(home: Path, sets: int) -> dict:
    from journal_data import generate

    return generate(home, sets)


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_cli(env: dict, metric: str, out: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one `repcheck chart` process."""
    cpu = child_cpu()
    started = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "repcheck", "chart", "-m", metric, "-o", str(out)],
                       env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if r.returncode != 0:
        raise SystemExit(f"repcheck chart -m {metric} failed: {r.stderr.strip()}")
    return elapsed, child_cpu() - cpu


def time_phases(env: dict, metric: str, out: Path) -> dict:
    r = subprocess.run([sys.executable, "-c", PHASES, metric, str(out)], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return json.loads(r.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path,
                        help="write the journal and charts here and keep them (a journal "
                             "already there is reused); otherwise a temporary folder is used")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="repcheck-chart-bench-"))
    home = work / "home"
    env = {**os.environ, "REPCHECK_HOME": str(home)}
    for var in ("REPCHECK_DATABASE_URL", "REPCHECK_ATHLETE", "REPCHECK_UNIT"):
        env.pop(var, None)
    print(f"load average before: {load()}")
    if (home / "journal.sqlite3").exists():
        print(f"journal: reusing {home / 'journal.sqlite3'}")
    else:
        summary = make_journal(home, args.sets)
        print(f"journal: {summary['sets']:,} sets ({summary['warmup_sets']:,} warm-ups), "
              f"{summary['first']} to {summary['last']}, made in {summary['seconds']} s")
    time_cli(env, "e1rm", work / "warmup.png")  # page cache and matplotlib's font cache

    results = {}
    print(f"\n{'metric':<8}{'cli median':>11}{'worst':>7}{'cpu':>7}  │{'import rc':>10}{'query':>7}"
          f"{'build':>7}{'import mpl':>11}{'draw+write':>11}{'total':>7}  {'mpl share':>9}")
    for metric in METRICS:
        out = work / f"{metric}.png"
        timed = [time_cli(env, metric, out) for _ in range(args.runs)]
        runs = [wall for wall, _ in timed]
        cpu = statistics.median(c for _, c in timed)
        ph = time_phases(env, metric, out)
        share = ph["import_matplotlib"] / ph["total"]
        results[metric] = {"cli_runs_s": runs, "cli_median_s": statistics.median(runs),
                           "cli_cpu_median_s": cpu, "phases_s": ph,
                           "matplotlib_import_share": share}
        print(f"{metric:<8}{statistics.median(runs):>10.2f}s{max(runs):>6.2f}s{cpu:>6.2f}s  │"
              f"{ph['import_repcheck']:>9.2f}s{ph['query']:>6.2f}s{ph['build']:>6.2f}s"
              f"{ph['import_matplotlib']:>10.2f}s{ph['draw_and_write']:>10.2f}s"
              f"{ph['total']:>6.2f}s  {share:>8.0%}")
    rows = results["e1rm"]["phases_s"]["rows"]
    print(f"\nquery: {rows:,} grouped rows (lift × day × reps) instead of {args.sets:,} sets")
    worst = max(max(r["cli_runs_s"]) for r in results.values())
    verdict = "within" if worst <= BUDGET_S else "OVER"
    print(f"worst run {worst:.2f} s: {verdict} the {BUDGET_S:.0f} s budget")
    print(f"load average after: {load()}")
    if args.keep:
        print(f"journal and charts kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"sets": args.sets, "load_after": os.getloadavg(), "metrics": results},
                         indent=2))
    return 0 if worst <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
