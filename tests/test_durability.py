"""An acknowledged set is never lost: SIGKILL `repcheck log` at random moments, many times.

Issue 2 ("Durability") asks for this. The test runs real `repcheck log` processes against a
SQLite journal in ``tmp_path`` and kills them with SIGKILL, which no code can catch or clean
up after, at random moments:

* *timed* kills land anywhere in the process's life (start-up, parsing, the first open of
  the journal and its migrations, the write transaction, the commit, the output);
* *in-transaction* kills wait until the process has the journal file open (seen in
  ``/proc/PID/fd`` on Linux) and then strike within the few milliseconds of database work,
  so that a good share of kills hits ``BEGIN IMMEDIATE … COMMIT`` rather than imports.

Some rounds start two to four loggers at once, so that writers wait on SQLite's lock and
some are killed while holding it or while waiting for it.

A command is *acknowledged* when it exited 0 and printed its confirmation: the ``Logged …``
line with the set ids (text mode), or the JSON document with the full set ids (``--json``).
Every command carries a unique ``--note``. Afterwards the test asserts that:

1. ``PRAGMA integrity_check`` returns ``ok``;
2. every acknowledged set is in the journal, live, with the id the command printed;
3. no command was half-applied: its note is on all of its sets or on none (one transaction
   per command);
4. every process that was *not* killed succeeded, i.e. no kill left a lock, a half-written
   WAL or a schema that later commands choke on, and nothing ever printed a traceback.

The random choices use a fixed seed; the kill moments still depend on the machine's speed,
so the summary of what happened is printed for a failing run.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SEED = 20261125
KILLS = 60  # SIGKILLs to land (processes that were still running when killed)
TIME_BUDGET_S = 40.0  # stop starting rounds after this; the whole test stays under a minute
MIN_KILLS = 20  # fewer than this (a very slow machine) would make the test meaningless
MIN_KILLS_IN_TXN = 8  # of them, at least this many while the journal was open (Linux)
HAS_PROC = Path("/proc/self/fd").is_dir()

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


@dataclass
class Command:
    """One `repcheck log` process and what became of it."""

    note: str
    args: list[str]
    expected_sets: int
    as_json: bool
    kill: str  # "none", "timed" or "in_txn"
    delay: float  # seconds: after start ("timed") or after the journal was opened ("in_txn")
    proc: subprocess.Popen | None = None
    journal_open_at_kill: bool = False
    returncode: int | None = None
    out: str = ""
    err: str = ""
    ids: list[str] = field(default_factory=list)  # printed ids: full (JSON) or short (text)

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    @property
    def acknowledged(self) -> bool:
        return self.returncode == 0 and len(self.ids) == self.expected_sets


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPCHECK_")}
    env.update(REPCHECK_HOME=str(home), NO_COLOR="1")
    return env


def _argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "repcheck", *args]


def _popen(args: list[str], home: Path, **kwargs) -> subprocess.Popen:
    """Start `repcheck ARGS` as a user would: in its own folder, not the repository's."""
    return subprocess.Popen(_argv(*args), env=_env(home), cwd=home.parent, text=True,
                            stdin=subprocess.DEVNULL, **kwargs)


def _journal_is_open(pid: int, journal: Path) -> bool:
    """True when process ``pid`` has the journal (or its WAL) open."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(str(journal)):
                    return True
            except OSError:
                continue
    except OSError:
        pass
    return False


def _make_command(rng: random.Random, n: int, kill: str, window: tuple[float, float]
                  ) -> Command:
    """A random but valid `repcheck log` line with a unique note and a known set count.

    ``window`` is (start-up time before the journal is opened, time with it open), measured
    on this machine; kill delays are drawn relative to it.
    """
    lift = rng.choice(["squat", "bench", "deadlift", "press"])
    count = rng.randint(1, 4)
    sets = [f"{count}x{rng.randint(1, 10)}x{rng.randrange(40, 200, 5)}"]
    expected = count
    if rng.random() < 0.4:
        sets.append(f"{rng.randint(1, 8)}x{rng.randrange(40, 200, 5)}@{rng.choice([7, 8, 9])}")
        expected += 1
    note = f"durability-{n:04d}"
    as_json = rng.random() < 0.5
    args = ["log", lift, *sets, "--note", note]
    if rng.random() < 0.15:
        args.append("--warmup")
    if as_json:
        args.append("--json")
    before_open, open_for = window
    if kill == "timed":
        delay = rng.uniform(0, (before_open + open_for) * 1.15)
    elif kill == "in_txn":
        delay = rng.uniform(0, open_for * 0.7)  # detection lags the open a little
    else:
        delay = 0.0
    return Command(note, args, expected, as_json, kill, delay)


def _drive(cmd: Command, journal: Path) -> None:
    """Kill ``cmd`` at its planned moment (runs in a thread per victim)."""
    proc = cmd.proc
    assert proc is not None
    if cmd.kill == "timed":
        time.sleep(cmd.delay)
    elif cmd.kill == "in_txn":
        while proc.poll() is None and not _journal_is_open(proc.pid, journal):
            time.sleep(0.0005)
        time.sleep(cmd.delay)
    if proc.poll() is None:
        cmd.journal_open_at_kill = HAS_PROC and _journal_is_open(proc.pid, journal)
        proc.send_signal(signal.SIGKILL)


def _run_group(group: list[Command], home: Path) -> None:
    """Start every command of ``group`` at once, kill the victims, collect the outcomes."""
    journal = home / "journal.sqlite3"
    for cmd in group:
        cmd.proc = _popen(cmd.args, home, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killers = [threading.Thread(target=_drive, args=(c, journal)) for c in group
               if c.kill != "none"]
    for t in killers:
        t.start()
    for cmd in group:
        assert cmd.proc is not None
        cmd.out, cmd.err = cmd.proc.communicate(timeout=60)
        cmd.returncode = cmd.proc.returncode
        cmd.ids = _printed_ids(cmd)
    for t in killers:
        t.join()


def _printed_ids(cmd: Command) -> list[str]:
    """The set ids a finished command printed as its acknowledgement (none if it did not)."""
    if cmd.returncode != 0:
        return []
    if cmd.as_json:
        try:
            return [s["id"] for s in json.loads(cmd.out)["sets"]]
        except (ValueError, KeyError, TypeError):
            return []
    match = re.search(r"^Logged .*\(id ([0-9a-f ]+)\)\s*$", cmd.out, re.MULTILINE)
    return match[1].split() if match else []


def _calibrate(home: Path) -> tuple[float, float]:
    """Median (time before the journal is opened, time it stays open) of unkilled logs."""
    journal = home / "journal.sqlite3"
    before, during = [], []
    for i in range(5):
        start = time.perf_counter()
        proc = _popen(["log", "squat", f"5x{100 + i}"], home, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE)
        opened = closed = None
        while proc.poll() is None:
            if HAS_PROC:
                is_open = _journal_is_open(proc.pid, journal)
                if opened is None and is_open:
                    opened = time.perf_counter()
                elif opened is not None and closed is None and not is_open:
                    closed = time.perf_counter()
            time.sleep(0.0002)
        end = time.perf_counter()
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        if i == 0:
            continue  # the first run also creates and migrates the journal
        if opened is None:  # no /proc, or too quick to see: a rough guess
            opened, closed = start + 0.8 * (end - start), start + 0.9 * (end - start)
        before.append(opened - start)
        during.append((closed or end) - opened)
    return statistics.median(before), max(statistics.median(during), 0.002)


def _summary(commands: list[Command]) -> str:
    killed = [c for c in commands if c.killed]
    return (f"{len(commands)} commands, {len(killed)} killed "
            f"({sum(c.kill == 'in_txn' for c in killed)} aimed at the transaction, "
            f"{sum(c.journal_open_at_kill for c in killed)} with the journal open), "
            f"{sum(c.acknowledged for c in commands)} acknowledged")


def test_sigkilled_loggers_never_lose_an_acknowledged_set(tmp_path):
    rng = random.Random(SEED)
    window = _calibrate(tmp_path / "calibration")
    home = tmp_path / "home"  # starts empty: early kills can hit the first open + migrations
    journal = home / "journal.sqlite3"

    commands: list[Command] = []
    started = time.monotonic()
    while (sum(c.killed for c in commands) < KILLS
           and time.monotonic() - started < TIME_BUDGET_S):
        size = 1 if rng.random() < 0.7 else rng.randint(2, 4)
        group = []
        for slot in range(size):
            # Alone: always a victim. In a crowd: at least one survivor and one victim, so
            # that killed lock holders and waiters are followed by writers that must succeed.
            if size == 1 or slot == 0:
                kill = "in_txn" if HAS_PROC and rng.random() < 0.6 else "timed"
            elif slot == 1:
                kill = "none"
            else:
                kill = rng.choice(["none", "timed", "in_txn" if HAS_PROC else "timed"])
            group.append(_make_command(rng, len(commands) + len(group), kill, window))
        _run_group(group, home)
        commands.extend(group)
    # A last, unkilled command must work on whatever the kills left behind.
    final = Command("durability-final", ["log", "bench", "2x3x100", "--note",
                                         "durability-final", "--json"], 2, True, "none", 0.0)
    _run_group([final], home)
    commands.append(final)
    summary = _summary(commands)

    killed = [c for c in commands if c.killed]
    assert len(killed) >= MIN_KILLS, f"too few kills landed to mean anything: {summary}"
    if HAS_PROC:
        assert sum(c.journal_open_at_kill for c in killed) >= MIN_KILLS_IN_TXN, (
            f"too few kills hit the journal work: {summary}")
    for cmd in commands:
        assert "Traceback" not in cmd.err, f"{cmd.args}: {cmd.err}"
        if not cmd.killed:
            assert cmd.returncode == 0 and cmd.acknowledged, (
                f"unkilled {cmd.args} failed ({cmd.returncode}): {cmd.err}{cmd.out}\n{summary}")
    acknowledged = [c for c in commands if c.acknowledged]
    assert acknowledged, summary

    conn = sqlite3.connect(journal)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], summary
        rows: dict[str, list[str]] = {}
        for set_id, note in conn.execute("SELECT id, note FROM sets WHERE deleted = 0"):
            rows.setdefault(note, []).append(set_id)
    finally:
        conn.close()

    stray = set(rows) - {c.note for c in commands}
    assert not stray, f"sets that no command logged: {sorted(stray)}"
    for cmd in commands:
        stored = rows.get(cmd.note, [])
        assert len(stored) in (0, cmd.expected_sets), (
            f"{cmd.args} was half-applied: {len(stored)} of {cmd.expected_sets} sets stored "
            f"(exit {cmd.returncode})")
        if cmd.acknowledged:
            assert stored, f"acknowledged {cmd.args} was lost: {cmd.out}\n{summary}"
            if cmd.as_json:
                assert sorted(cmd.ids) == sorted(stored), f"{cmd.args}: ids differ"
            else:
                tails = sorted(s.replace("-", "")[-8:] for s in stored)
                assert sorted(cmd.ids) == tails, f"{cmd.args}: printed ids differ"
    late = sum(c.killed and c.note in rows for c in commands)
    print(f"{summary}; {late} of the killed had committed already")  # shown by pytest -s
