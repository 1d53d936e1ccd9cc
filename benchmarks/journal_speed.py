"""How fast the everyday journal commands are on a 100,000-set journal.

Usage::

    .venv/bin/python benchmarks/journal_speed.py            # 15 runs after 2 warm-ups
    .venv/bin/python benchmarks/journal_speed.py --runs 30 --sets 100000

Each command runs as a fresh process, exactly as a lifter types it (the ``repcheck`` console
script next to this Python), with ``REPCHECK_HOME`` pointing at a copy of a generated
journal (see ``journal_data.py``). The journal template is cached in the temp folder and
reused while the generator, its parameters, the schema and the date are unchanged; every
benchmark run works on a fresh copy, because ``repcheck log`` writes to it.

The figures are wall-clock times of the whole process, including interpreter start-up, with
the median CPU time (user + system) beside them. They depend on the machine, so the report
also prints the load average and the time of ``python -c pass`` on the same machine: read
the results as multiples of that baseline when comparing machines, and on a busy machine
(load average above the CPU count) compare the CPU column with the target too. When a
command misses its target, ``python -X importtime`` shows which imports cost the most for it
(and for ``log``, the command with the tightest budget).

This is a report, not a test: it exits 1 when a target is missed so that scripts can notice,
but nothing in the test suite runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import journal_data  # noqa: E402 - the sibling script, importable once its folder is on the path

from repcheck.store.migrations import MIGRATIONS  # noqa: E402


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    target_ms: float


CASES = (
    Case("log squat 5x140", ("log", "squat", "5x140"), 300),
    Case("prs", ("prs",), 300),
    Case("history squat --last 20", ("history", "squat", "--last", "20"), 300),
    Case("--help", ("--help",), 150),
)


@dataclass
class Timing:
    """Wall times (what the lifter waits) and CPU times (user + system, which a busy
    machine inflates much less) of the timed runs of one case."""

    case: Case
    seconds: list[float]
    cpu_seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu_seconds) * 1000

    @property
    def passed(self) -> bool:
        return self.median_ms <= self.case.target_ms


def repcheck_executable() -> list[str]:
    """The installed ``repcheck`` script beside this interpreter, else ``python -m``."""
    script = Path(sys.executable).with_name("repcheck")
    if script.exists():
        return [str(script)]
    found = shutil.which("repcheck")
    return [found] if found else [sys.executable, "-m", "repcheck"]


def template_journal(n_sets: int, seed: int) -> Path:
    """A generated journal file, reused while nothing it depends on has changed.

    The cache key holds the size, the seed, today's date (the journal ends yesterday), the
    newest migration and a hash of the generator's source. Older templates are removed.
    """
    source = hashlib.sha256(Path(journal_data.__file__).read_bytes()).hexdigest()[:10]
    key = f"{n_sets}-{seed}-{date.today():%Y%m%d}-{MIGRATIONS[-1].name}-{source}"
    folder = Path(tempfile.gettempdir()) / f"repcheck-journal-bench-{key}"
    path = folder / "journal.sqlite3"
    if not path.exists():
        for old in folder.parent.glob("repcheck-journal-bench-*"):
            if ".tmp" not in old.name:
                shutil.rmtree(old, ignore_errors=True)
        building = folder.with_name(folder.name + f".tmp{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        summary = journal_data.generate(building, n_sets, seed=seed)
        print(f"generated {summary['sets']:,} sets ({summary['first']} to {summary['last']}) "
              f"in {summary['seconds']} s")
        building.rename(folder)  # atomic: a half-built template is never reused
    return path


def fresh_home(template: Path) -> Path:
    """A new REPCHECK_HOME holding a copy of the template journal (and its WAL, if any)."""
    home = Path(tempfile.mkdtemp(prefix="repcheck-speed-"))
    for suffix in ("", "-wal"):
        source = Path(str(template) + suffix)
        if source.exists():
            shutil.copy2(source, home / ("journal.sqlite3" + suffix))
    return home


def run_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("REPCHECK_") and k not in ("PYTHONPROFILEIMPORTTIME",)}
    env.update(REPCHECK_HOME=str(home), NO_COLOR="1")
    return env


def time_commands(argvs: list[list[str]], env: dict[str, str], runs: int, warmups: int
                  ) -> list[tuple[list[float], list[float]]]:
    """Wall and CPU times of each command: ``warmups`` untimed rounds, then ``runs`` timed.

    The commands take turns (round-robin) so that a burst of load on the machine hits every
    command alike instead of one block of runs. Any failure aborts the benchmark.
    """
    times: list[tuple[list[float], list[float]]] = [([], []) for _ in argvs]
    for i in range(warmups + runs):
        for argv, (wall, cpu) in zip(argvs, times, strict=True):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(argv, env=env, capture_output=True,
                                  stdin=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                                 f"{proc.stderr.decode(errors='replace')}")
            if i >= warmups:
                wall.append(elapsed)
                cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return times


def import_profile(args: tuple[str, ...], env: dict[str, str], top: int = 12) -> str:
    """The heaviest imports of one command run, from ``python -X importtime``.

    Lists the top-level imports by cumulative time (what the command pays for each), then
    the single modules with the most self time (where that time is spent).
    """
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "repcheck", *args],
                          env=env, capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((int(self_us), int(cumulative_us), name.strip(), depth))
    total = sum(r[0] for r in rows) / 1000
    outermost = min((r[3] for r in rows), default=0)
    by_cumulative = sorted((r for r in rows if r[3] == outermost), key=lambda r: -r[1])[:top]
    by_self = sorted(rows, key=lambda r: -r[0])[:top]
    lines = [f"  imports for `repcheck {' '.join(args)}`: {total:.0f} ms in {len(rows)} modules",
             "  top-level, cumulative ms:"]
    lines += [f"    {c / 1000:7.1f}  {name}" for _, c, name, _ in by_cumulative]
    lines.append("  single modules, self ms:")
    lines += [f"    {s / 1000:7.1f}  {name}" for s, _, name, _ in by_self]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=journal_data.DEFAULT_SETS)
    parser.add_argument("--seed", type=int, default=journal_data.DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmups", type=int, default=2)
    args = parser.parse_args(argv)

    template = template_journal(args.sets, args.seed)
    home = fresh_home(template)
    env = run_env(home)
    exe = repcheck_executable()
    try:
        load_before = os.getloadavg()
        argvs = [[sys.executable, "-c", "pass"]] + [[*exe, *case.args] for case in CASES]
        (baseline, _), *measured = time_commands(argvs, env, args.runs, args.warmups)
        timings = [Timing(case, *m) for case, m in zip(CASES, measured, strict=True)]
        load_after = os.getloadavg()
        base_ms = statistics.median(baseline) * 1000

        print(f"\nrepcheck journal speed: {args.sets:,} sets, {args.runs} runs after "
              f"{args.warmups} warm-ups, {os.cpu_count()} CPUs, Python "
              f"{sys.version.split()[0]}")
        print(f"load average (1/5/15 min): before {_load(load_before)}, after {_load(load_after)}")
        print(f"baseline `python -c pass`: median {base_ms:.1f} ms "
              f"(min {min(baseline) * 1000:.1f}, max {max(baseline) * 1000:.1f})\n")
        header = (f"{'command':<34}{'target':>8}{'median':>10}{'min':>10}{'max':>10}"
                  f"{'x base':>8}{'cpu':>10}  result")
        print(header)
        print("-" * len(header))
        for t in timings:
            print(f"{'repcheck ' + t.case.name:<34}{t.case.target_ms:>6.0f}ms"
                  f"{t.median_ms:>8.1f}ms{min(t.seconds) * 1000:>8.1f}ms"
                  f"{max(t.seconds) * 1000:>8.1f}ms{t.median_ms / base_ms:>7.1f}x"
                  f"{t.cpu_ms:>8.1f}ms  {'pass' if t.passed else 'FAIL'}")
        print("(median/min/max: wall time of the whole process; cpu: its median user+system"
              " time)")
        missed = [t for t in timings if not t.passed]
        if missed:
            print("\nTargets missed; import costs (python -X importtime):")
            profiled = {t.case.args for t in missed} | {CASES[0].args}
            for case in CASES:
                if case.args in profiled:
                    print(import_profile(case.args, env))
        return 1 if missed else 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
