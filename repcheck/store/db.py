"""Connections, transactions and error translation for SQLite and PostgreSQL.

Every command runs in one transaction (:meth:`Database.write` or :meth:`Database.read`), so
a command either changes the journal completely or not at all.

SQLite runs in WAL mode with ``synchronous=FULL``: a set that ``repcheck log`` acknowledged
has been fsynced and survives a crash or power loss. Writers take the lock up front
(``BEGIN IMMEDIATE``) and wait up to :data:`BUSY_TIMEOUT_MS` for another writer.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from repcheck.errors import LockedError, StoreError

BUSY_TIMEOUT_MS = int(os.environ.get("REPCHECK_TEST_BUSY_TIMEOUT_MS", "5000"))
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Location:
    dialect: str  # "sqlite" or "postgresql"
    target: str  # a file path, or the full URL for Postgres

    def redacted(self) -> str:
        return self.target if self.dialect == "sqlite" else redact_url(self.target)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, safe to print or log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


def parse_location(url_or_path: str) -> Location:
    text = url_or_path.strip()
    if not text:
        raise StoreError("the database location is empty", "give a file path or a URL")
    lowered = text.lower()
    if lowered.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return Location("postgresql", re.sub(r"^postgresql\+psycopg://", "postgresql://", text))
    if lowered.startswith("sqlite:///"):  # sqlite:///relative or sqlite:////absolute
        return Location("sqlite", str(Path(text[len("sqlite:///"):]).expanduser()))
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(f"unsupported database URL scheme {scheme!r}",
                         "use a file path, sqlite:///PATH or postgresql://…")
    return Location("sqlite", str(Path(text).expanduser()))


class Database:
    """One connection. Use :meth:`read` / :meth:`write` to get a transaction."""

    def __init__(self, location: Location, conn: Any) -> None:
        self.location = location
        self.dialect = location.dialect
        self._conn = conn

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, location: Location) -> Database:
        if location.dialect == "sqlite":
            return cls(location, _open_sqlite(Path(location.target)))
        return cls(location, _open_postgres(location.target))

    @classmethod
    def empty_stand_in(cls, location: Location) -> Database:
        """An in-memory SQLite journal standing in for ``location``, which does not exist
        yet: read commands answer "nothing logged" without creating the file."""
        return cls(location, _open_sqlite(Path(":memory:")))

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001 - closing must never mask the real outcome
            pass

    # -- transactions ----------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Database]:
        with self._translate():
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    self._conn.rollback()
                    raise
                self._conn.commit()
            else:
                with self._conn.transaction():
                    yield self

    @contextmanager
    def read(self) -> Iterator[Database]:
        with self._translate():
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN")
                try:
                    yield self
                finally:
                    self._conn.rollback()
            else:
                with self._conn.transaction():
                    yield self

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        with self._translate():
            if self.dialect == "sqlite":
                return self._conn.execute(sql, params or {})
            return self._conn.execute(_to_pyformat(sql), params or {})

    def executemany(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        with self._translate():
            if self.dialect == "sqlite":
                self._conn.executemany(sql, rows)
            else:
                with self._conn.cursor() as cur:
                    cur.executemany(_to_pyformat(sql), rows)

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        return self.execute(sql, params).fetchone()

    def script(self, sql: str) -> None:
        """Run several DDL statements separated by ``;`` inside the current transaction."""
        for statement in split_statements(sql):
            self.execute(statement)

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _sqlite_error(exc, self.location) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                raise _postgres_error(exc, self.location) from None
            raise


def split_statements(sql: str) -> list[str]:
    """Split a script on ``;``, keeping ``CREATE TRIGGER … BEGIN …; END`` bodies whole."""
    out: list[str] = []
    pending = ""
    for piece in sql.split(";"):
        pending = f"{pending};{piece}" if pending else piece
        text = pending.strip()
        if "CREATE TRIGGER" in text.upper() and not text.upper().endswith("END"):
            continue
        if text:
            out.append(text)
        pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out


def _to_pyformat(sql: str) -> str:
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


def _open_sqlite(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the journal folder {path.parent}: {exc.strerror}",
                         "set REPCHECK_HOME or --db to a writable place") from None
    if path.is_dir():
        raise StoreError(f"the journal path {path} is a folder", "give a file path with --db")
    location = Location("sqlite", str(path))
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = _dict_row
        mode = conn.execute("PRAGMA journal_mode").fetchone()["journal_mode"]
        if mode != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        raise _sqlite_error(exc, location) from None
    return conn


def _sqlite_error(exc: sqlite3.Error, location: Location) -> StoreError:
    text = str(exc)
    where = location.target
    if "locked" in text or "busy" in text:
        return LockedError(f"the journal {where} is locked by another program",
                           "wait for it to finish and try again")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"the journal {where} is read-only",
                          "check its permissions, or use --db to choose another file")
    if "unable to open" in text:
        return StoreError(f"cannot open the journal {where}",
                          "check that the folder exists and is writable")
    if "not a database" in text or "malformed" in text:
        return StoreError(f"{where} is not a readable RepCheck journal ({text})",
                          "restore it from a backup, or use --db to choose another file")
    if "disk" in text and ("full" in text or "I/O" in text):
        return StoreError(f"cannot write the journal {where}: {text}",
                          "free some disk space and try again; nothing was saved")
    if isinstance(exc, sqlite3.IntegrityError):
        return StoreError(f"the journal refused the change ({text})")
    return StoreError(f"journal error in {where}: {text}")


def _open_postgres(url: str) -> Any:
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError:
        raise StoreError("PostgreSQL support is not installed",
                         "pip install 'repcheck[postgres]'") from None
    location = Location("postgresql", url)
    try:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
    except Exception as exc:  # noqa: BLE001 - translated below
        raise _postgres_error(exc, location) from None


def _postgres_error(exc: Exception, location: Location) -> StoreError:
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    where = location.redacted()
    name = type(exc).__name__
    if name in ("InvalidPassword", "InvalidAuthorizationSpecification"):
        from repcheck.errors import AuthError

        return AuthError(f"Postgres refused the credentials for {where}",
                         "check the user and password in the URL or PGPASSWORD")
    if name == "OperationalError" or "connection" in first_line.lower():
        return StoreError(f"cannot reach Postgres at {where}: {first_line}",
                          "check that the server is running and the URL is right")
    if name in ("LockNotAvailable", "DeadlockDetected", "SerializationFailure"):
        return LockedError(f"the journal at {where} is busy: {first_line}", "try again")
    return StoreError(f"Postgres error at {where}: {first_line}")
