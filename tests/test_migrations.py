"""Schema migrations upgrade an existing journal in place and keep every set."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from repcheck.store.migrations import MIGRATIONS

FIXTURE = Path(__file__).parent / "fixtures" / "journal_0001.sqlite3"


def test_journal_made_by_first_schema_is_upgraded_in_place(tmp_path, cli):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    cli.db = str(path)
    history = cli.ok("history", "--json").json()["sessions"]
    assert sorted((s["lift"], s["top_set"]["weight"], s["top_set"]["unit"]) for s in history) == [
        ("bench", "225", "lb"), ("deadlift", "200", "kg"), ("squat", "140", "kg"),
        ("squat", "150", "kg")]
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
        assert names == [m.name for m in MIGRATIONS]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # the upgraded journal works for every feature the new schema added
    cli.ok("log", "squat", "1x160", "--bodyweight", "90")
    assert cli.ok("prs", "--json").json()["bodyweight"]["kg"] == 90


def test_journal_from_a_newer_repcheck_is_refused(tmp_path, cli):
    path = tmp_path / "new.sqlite3"
    cli.db = str(path)
    cli.ok("log", "squat", "5x100")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES ('9999_future', 'x')")
    r = cli("history")
    assert r.code == 4 and "newer RepCheck" in r.err


@pytest.mark.postgres
def test_postgres_migrates_once_and_is_idempotent(cli, pg_url):
    cli.db = pg_url
    cli.ok("log", "squat", "5x100")
    cli.ok("log", "squat", "5x100")
    import psycopg

    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    assert [r[0] for r in rows] == [m.name for m in MIGRATIONS]
