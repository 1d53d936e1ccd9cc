"""The shared PostgreSQL side of sync: schema, push and pull. The only sync module that
imports psycopg.

**One schema, many users.** Every remote table has ``user_id DEFAULT current_user`` in its
primary key and row-level security (forced, so even the table owner is bound) with the
policy ``user_id = current_user``. A lifter's identity is therefore their PostgreSQL login,
not a setting they could change: through ``repcheck sync`` (or any SQL client) a user sees
and writes only their own rows. ``repcheck sync setup-database``, run once by an
administrator, creates the schema and the ``repcheck_sync`` group role; each lifter gets a
login role in that group. A single lifter on their own server can skip that step: the first
sync creates the schema if the login may.

**Change cursor.** Each insert or winning update takes a fresh ``server_seq`` from one
sequence. Pushes of one user run under an exclusive advisory lock and pulls under the
shared one, so a pull never sees a later sequence number committed before an earlier one;
a device remembers the highest number it has seen per table and asks only for more.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from repcheck.errors import AuthError, ConfigError, PartialError
from repcheck.store.db import redact_url
from repcheck.sync.tables import BOOKKEEPING, TABLES, SyncTable

SCHEMA_VERSION = 1
GROUP_ROLE = "repcheck_sync"
_LOCK_SQL = "hashtext('repcheck-sync:' || current_user)"


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise ConfigError("sync needs the PostgreSQL driver",
                          "pip install 'repcheck[sync]'") from None
    return psycopg


class Remote:
    """A connection to the shared journal, with the user it authenticates as."""

    def __init__(self, url: str, connect_timeout: int = 10) -> None:
        psycopg = _psycopg()
        from psycopg.rows import dict_row

        self.url = url
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row,
                                        connect_timeout=connect_timeout)
        except psycopg.OperationalError as exc:
            raise _connect_error(exc, url) from None
        self.user = self.conn.execute("SELECT current_user AS u").fetchone()["u"]

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - closing must not mask the outcome
            pass

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Any]:
        """A transaction; ``lock`` is "push" (exclusive) or "pull" (shared) per user."""
        psycopg = _psycopg()
        try:
            with self.conn.transaction():
                if lock == "push":
                    self.conn.execute(f"SELECT pg_advisory_xact_lock({_LOCK_SQL})")
                elif lock == "pull":
                    self.conn.execute(f"SELECT pg_advisory_xact_lock_shared({_LOCK_SQL})")
                yield self.conn
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ConfigError(f"the sync database refused access: {_first_line(exc)}",
                              "ask the administrator to run `repcheck sync setup-database` "
                              "and add your login to the repcheck_sync role") from None
        except psycopg.OperationalError as exc:
            raise PartialError(f"lost the sync database {redact_url(self.url)}: "
                               f"{_first_line(exc)}",
                               "nothing was lost; run the sync again later") from None

    # -- schema ----------------------------------------------------------------------------
    def has_schema(self) -> bool:
        row = self.conn.execute("SELECT to_regclass('rc_schema') IS NOT NULL AS ok").fetchone()
        return bool(row["ok"])

    def ensure_schema(self) -> None:
        if self.has_schema():
            return
        with self.transaction():
            create_schema(self.conn)

    # -- push / pull -----------------------------------------------------------------------
    def push(self, table: SyncTable, rows: list[dict[str, Any]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(_upsert_sql(table), rows)

    def pull(self, table: SyncTable, after: int, me: str) -> tuple[list[dict[str, Any]], int]:
        """Rows changed by other devices since ``after``, and the new cursor."""
        cols = ", ".join((table.identity, *table.columns, *BOOKKEEPING, "device_id"))
        rows = self.conn.execute(
            f"SELECT {cols}, server_seq FROM {table.remote} WHERE server_seq > %(after)s "
            "AND device_id <> %(me)s ORDER BY server_seq", {"after": after, "me": me}).fetchall()
        top = self.conn.execute(f"SELECT COALESCE(MAX(server_seq), 0) AS m FROM {table.remote}"
                                ).fetchone()["m"]
        for row in rows:
            row.pop("server_seq")
        return rows, max(int(top), after)

    def count_after(self, table: SyncTable, after: int, me: str) -> int:
        return self.conn.execute(
            f"SELECT COUNT(*) AS n FROM {table.remote} WHERE server_seq > %(a)s "
            "AND device_id <> %(me)s", {"a": after, "me": me}).fetchone()["n"]


def _upsert_sql(table: SyncTable) -> str:
    cols = (table.identity, *table.columns, *BOOKKEEPING, "device_id")
    names = ", ".join(cols)
    values = ", ".join(f"%({c})s" for c in cols)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols
                        if c not in (table.identity, "created_at"))
    t = table.remote
    return (f"INSERT INTO {t} ({names}) VALUES ({values}) "
            f"ON CONFLICT (user_id, {table.identity}) DO UPDATE SET {updates}, "
            "server_seq = nextval('rc_change_seq') "
            f"WHERE (EXCLUDED.updated_at, EXCLUDED.device_id) > ({t}.updated_at, {t}.device_id)")


def create_schema(conn: Any) -> None:
    """Tables, sequence, row-level security and grants. Idempotent."""
    conn.execute("CREATE SEQUENCE IF NOT EXISTS rc_change_seq")
    conn.execute("CREATE TABLE IF NOT EXISTS rc_schema (version INTEGER NOT NULL)")
    for table in TABLES:
        columns = ",\n".join(f"{c} {table.sql_type(c)}" for c in table.columns)
        conn.execute(f"""
            CREATE TABLE IF NOT EXISTS {table.remote} (
                user_id TEXT NOT NULL DEFAULT current_user,
                {table.identity} TEXT NOT NULL,
                {columns},
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                device_id TEXT NOT NULL,
                server_seq BIGINT NOT NULL DEFAULT nextval('rc_change_seq'),
                PRIMARY KEY (user_id, {table.identity})
            )""")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {table.remote}_changes "
                     f"ON {table.remote} (user_id, server_seq)")
        conn.execute(f"ALTER TABLE {table.remote} ENABLE ROW LEVEL SECURITY")
        conn.execute(f"ALTER TABLE {table.remote} FORCE ROW LEVEL SECURITY")
        exists = conn.execute("SELECT 1 FROM pg_policies WHERE tablename = %(t)s AND "
                              "policyname = 'rc_own_rows'", {"t": table.remote}).fetchone()
        if not exists:
            conn.execute(f"CREATE POLICY rc_own_rows ON {table.remote} "
                         "USING (user_id = current_user) WITH CHECK (user_id = current_user)")
    if not conn.execute("SELECT 1 FROM rc_schema").fetchone():
        conn.execute("INSERT INTO rc_schema (version) VALUES (%(v)s)", {"v": SCHEMA_VERSION})
    _grant(conn)


def _grant(conn: Any) -> None:
    role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %(r)s",
                        {"r": GROUP_ROLE}).fetchone()
    if role is None:
        can = conn.execute("SELECT rolcreaterole OR rolsuper AS ok FROM pg_roles "
                           "WHERE rolname = current_user").fetchone()
        if not can or not can["ok"]:
            return
        conn.execute(f"CREATE ROLE {GROUP_ROLE} NOLOGIN")
    tables = ", ".join(t.remote for t in TABLES)
    conn.execute(f"GRANT SELECT, INSERT, UPDATE ON {tables} TO {GROUP_ROLE}")
    conn.execute(f"GRANT SELECT ON rc_schema TO {GROUP_ROLE}")
    conn.execute(f"GRANT USAGE ON SEQUENCE rc_change_seq TO {GROUP_ROLE}")


def setup_database(url: str) -> str:
    """Create the shared schema as an administrator; returns the group role name."""
    remote = Remote(url)
    try:
        with remote.transaction():
            create_schema(remote.conn)
    finally:
        remote.close()
    return GROUP_ROLE


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _connect_error(exc: Exception, url: str) -> Exception:
    text = _first_line(exc)
    lowered = text.lower()
    if "password authentication failed" in lowered or "authentication" in lowered and \
            "failed" in lowered or "no password supplied" in lowered:
        return AuthError(f"the sync database refused the login for {redact_url(url)}",
                         "check the user and password (PGPASSWORD or ~/.pgpass)")
    if "does not exist" in lowered and "role" in lowered:
        return AuthError(f"the sync database has no such user ({text})",
                         "ask the administrator to create your login")
    return PartialError(f"cannot reach the sync database {redact_url(url)}: {text}",
                        "nothing was changed; run the sync again later")
