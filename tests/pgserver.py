"""A throwaway PostgreSQL server on 127.0.0.1, for the test suite and the benchmarks.

``initdb`` + ``pg_ctl`` from Debian's ``postgresql`` package, in a temporary folder, on a
free port, with durability switched off (tests do not need it). ``initdb`` refuses to run
as root, so as root the server runs as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class PgServer:
    url: str  # superuser URL to the `postgres` database
    root: Path
    bindir: Path
    options: str = ""

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server but keep its data (``immediate`` = as if it crashed)."""
        subprocess.run(_as_postgres_user([str(self.bindir / "pg_ctl"), "-D",
                                          str(self.root / "data"), "-m", mode, "-w", "stop"]),
                       capture_output=True)

    def start(self) -> None:
        subprocess.run(_as_postgres_user([str(self.bindir / "pg_ctl"), "-D",
                                          str(self.root / "data"), "-o", self.options, "-l",
                                          str(self.root / "log"), "-w", "-t", "60", "start"]),
                       check=True, capture_output=True)

    def stop(self) -> None:
        self.halt("fast")
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(durable: bool = False) -> PgServer:
    """``durable=False`` trades crash safety for speed (fine unless the test crashes it)."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found (install Debian's postgresql)")
    root = Path(tempfile.mkdtemp(prefix="repcheck-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        os.chmod(root, 0o700)
    data = root / "data"
    port = free_port()
    subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "repcheck",
                                      "--auth=trust", "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True)
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"
    if not durable:
        opts += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    server = PgServer(f"postgresql://repcheck@127.0.0.1:{port}/postgres", root, bindir, opts)
    server.start()
    return server
