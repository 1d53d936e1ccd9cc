"""Shared fixtures: an isolated RepCheck home, an in-process CLI runner, and a real
PostgreSQL server that the suite starts itself (initdb + pg_ctl on a free port)."""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helper modules
SHARED = Path(os.environ.get("REPCHECK_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def realclips() -> Path:
    """The shared real lifting clips, read in place; tests skip when they are absent."""
    path = SHARED / "realclips"
    if not (path / "labels.csv").is_file():
        pytest.skip(f"real clips not available at {path} (set REPCHECK_SHARED)")
    return path


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh REPCHECK_HOME; settings and journal-location variables cleared."""
    h = tmp_path / "home"
    monkeypatch.setenv("REPCHECK_HOME", str(h))
    for var in ("REPCHECK_DATABASE_URL", "REPCHECK_UNIT", "REPCHECK_ATHLETE", "REPCHECK_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return h


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


class Cli:
    """Runs `repcheck ARGS` in-process; ``db`` (if set) is passed as --db."""

    def __init__(self, capsys, db: str | None = None) -> None:
        self.capsys = capsys
        self.db = db

    def __call__(self, *args: str) -> Result:
        from repcheck.cli.main import run_cli

        argv = (["--db", self.db] if self.db else []) + list(args)
        self.capsys.readouterr()
        code = run_cli(argv)
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, f"repcheck {' '.join(args)} failed: {result.err}{result.out}"
        return result


@pytest.fixture
def cli(home, capsys):
    return Cli(capsys)


# -- PostgreSQL -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server on 127.0.0.1; yields a URL to its `postgres` database."""
    from pgserver import pg_bin, start_postgres

    if pg_bin() is None:
        message = "PostgreSQL server binaries not found (install Debian's postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = start_postgres()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the suite's server for one test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def jcli(request, home, capsys):
    """The CLI against each supported store: the default SQLite file, or Postgres by --db."""
    if request.param == "sqlite":
        return Cli(capsys)
    return Cli(capsys, request.getfixturevalue("pg_url"))
