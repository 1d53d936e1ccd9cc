"""The journal store fails with one clear line, never a traceback, and writes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_journal_folder(tmp_path, cli):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    cli.db = str(locked / "sub" / "journal.sqlite3")
    r = cli("log", "squat", "5x100")
    assert r.code == 4 and r.err.startswith("Error: cannot create the journal folder")


def test_journal_path_that_is_a_folder(tmp_path, cli):
    cli.db = str(tmp_path)
    r = cli("log", "squat", "5x100")
    assert r.code == 4 and "is a folder" in r.err


def test_file_that_is_not_a_journal(tmp_path, cli):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not a database" * 100)
    cli.db = str(bogus)
    r = cli("log", "squat", "5x100")
    assert r.code == 4 and "not a readable RepCheck journal" in r.err
    assert bogus.read_text().startswith("this is not a database")


def test_locked_journal_gives_one_line_error(tmp_path, home, monkeypatch):
    path = tmp_path / "j.sqlite3"
    env = {**os.environ, "REPCHECK_HOME": str(home), "REPCHECK_DATABASE_URL": str(path)}
    subprocess.run([sys.executable, "-m", "repcheck", "log", "squat", "5x100"], env=env,
                   check=True, capture_output=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        env["REPCHECK_TEST_BUSY_TIMEOUT_MS"] = "200"
        r = subprocess.run([sys.executable, "-m", "repcheck", "log", "squat", "5x110"], env=env,
                           capture_output=True, text=True, timeout=60)
    finally:
        holder.rollback()
        holder.close()
    assert r.returncode == 9
    assert r.stderr.startswith("Error: the journal") and "locked" in r.stderr
    assert r.stderr.count("\n") == 1


def test_unreachable_postgres(cli):
    cli.db = "postgresql://nobody:secret@127.0.0.1:1/none"
    r = cli("history")
    assert r.code == 4 and "cannot reach Postgres" in r.err
    assert "secret" not in r.err  # passwords are never printed


def test_unknown_url_scheme(cli):
    cli.db = "mysql://x/y"
    r = cli("history")
    assert r.code == 4 and "unsupported database URL scheme" in r.err


def test_journal_folder_that_cannot_be_created(tmp_path, cli):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cli.db = str(blocker / "sub" / "journal.sqlite3")  # a folder inside a file: works as root too
    r = cli("log", "squat", "5x100")
    assert r.code == 4 and r.err.startswith("Error: cannot create the journal folder")


def test_ctrl_c_during_a_command_says_interrupted_and_writes_nothing(cli, monkeypatch):
    import repcheck.store.journal as store_journal

    cli.ok("log", "squat", "5x100")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        # After the sets are inserted, inside the same transaction.
        patch.setattr(store_journal, "lift_names", interrupted)
        result = cli("log", "squat", "5x110")
    assert (result.code, result.err.strip()) == (130, "Error: Interrupted.")
    assert "110" not in cli.ok("history", "--json").out
