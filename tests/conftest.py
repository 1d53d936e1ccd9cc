"""Shared fixtures: an isolated RepCheck home, an in-process CLI runner, and a real
PostgreSQL server that the suite starts itself (initdb + pg_ctl on a free port)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REPCHECK_SHARED", REPO.parent / "shared"))


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
def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root; run the server as the `postgres` system user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server on 127.0.0.1; yields a URL to its `postgres` database."""
    bindir = _pg_bin()
    if bindir is None:
        message = "PostgreSQL server binaries not found (install Debian's postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="repcheck-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        os.chmod(root, 0o700)
    port = _free_port()
    subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "repcheck",
                                      "--auth=trust", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True)
    opts = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
    subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                                      "-l", str(root / "log"), "-w", "-t", "60", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://repcheck@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                          "-w", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


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
