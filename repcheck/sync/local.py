"""The local side of sync: change capture, device identity, cursors, and applying pulls.

Local changes are captured by triggers into ``sync_outbox`` (see migration
``0003_videos_and_sync``). A push sends the rows named there and deletes the entries only
after the server has committed. A pull applies the server's rows with the conflict rule
below inside one local transaction, with ``sync_suppress`` set so that applying them does
not queue them to be pushed back.

**Conflict rule: last writer wins.** A row replaces another when its ``(updated_at,
device_id)`` pair is greater: the later edit wins, and for edits stamped in the same
microsecond the larger device id wins. Deletes are edits too (``deleted = 1``), so a
removal made after an edit wins, and an edit made after a removal brings the row back.
"""

from __future__ import annotations

from typing import Any

from repcheck.errors import InputError
from repcheck.ids import uuid7
from repcheck.store.db import Database
from repcheck.sync.tables import BOOKKEEPING, TABLES, SyncTable


def require_sqlite(db: Database) -> None:
    if db.dialect != "sqlite":
        raise InputError("sync runs from a local SQLite journal",
                         "a journal that already lives in PostgreSQL needs no sync")


def get_state(db: Database, key: str) -> str | None:
    row = db.one("SELECT value FROM sync_state WHERE key = :k", {"k": key})
    return row["value"] if row else None


def set_state(db: Database, key: str, value: str) -> None:
    db.execute("INSERT INTO sync_state (key, value) VALUES (:k, :v) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", {"k": key, "v": value})


def device_id(db: Database) -> str:
    """This journal's device id, made on first use. A copied journal file keeps it."""
    current = get_state(db, "device_id")
    if current is None:
        current = uuid7()
        set_state(db, "device_id", current)
    return current


def cursor(db: Database, table: SyncTable) -> int:
    return int(get_state(db, f"cursor.{table.remote}") or 0)


# -- push ----------------------------------------------------------------------------------
def pending(db: Database, me: str) -> tuple[int, dict[str, list[dict[str, Any]]]]:
    """Rows to push per table, and the outbox position they cover.

    Until the first push has completed, every row is pending (rows written before the
    journal knew about sync have no outbox entries).
    """
    top = db.one("SELECT COALESCE(MAX(seq), 0) AS m FROM sync_outbox")["m"]
    everything = get_state(db, "pushed_all") is None
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        rows = _load_rows(db, table, me, None if everything else top)
        if rows:
            out[table.local] = rows
    return top, out


def _load_rows(db: Database, table: SyncTable, me: str, upto: int | None
               ) -> list[dict[str, Any]]:
    cols = [f"t.{c}" for c in (table.identity, *table.columns, *BOOKKEEPING)
            if c != "athlete_key"]
    join = ""
    if table.athlete_ref:
        cols.append("a.key AS athlete_key")
        join = "LEFT JOIN athletes a ON a.id = t.athlete_id"
    where = ""
    params: dict[str, Any] = {"me": me}
    if upto is not None:
        where = ("WHERE t.id IN (SELECT row_id FROM sync_outbox WHERE tbl = :tbl "
                 "AND seq <= :upto)")
        params.update(tbl=table.local, upto=upto)
    # A row in the outbox was last written here, so it is pushed as this device's edit even
    # if an earlier version came from another device. On the first push (no outbox scope)
    # rows keep the device that wrote them.
    author = ":me" if upto is not None else "COALESCE(t.origin, :me)"
    sql = (f"SELECT {', '.join(cols)}, {author} AS device_id "
           f"FROM {table.local} t {join} {where}")
    return db.all(sql, params)


def clear_outbox(db: Database, upto: int) -> None:
    db.execute("DELETE FROM sync_outbox WHERE seq <= :upto", {"upto": upto})
    set_state(db, "pushed_all", "1")


# -- pull ----------------------------------------------------------------------------------
def apply_pulled(db: Database, table: SyncTable, rows: list[dict[str, Any]], me: str) -> int:
    """Apply the server's rows by the conflict rule; returns how many changed the journal."""
    if not rows:
        return 0
    db.execute("INSERT INTO sync_suppress (x) VALUES (1)")
    try:
        before = _changes(db)
        for row in rows:
            params = dict(row)
            if table.athlete_ref:
                params["athlete_id"] = _athlete_id(db, params.pop("athlete_key"), me)
            params["origin"] = params.pop("device_id")
            params["me"] = me
            if table.identity == "key":
                params["new_id"] = uuid7()
            db.execute(_upsert_sql(table), params)
        return _changes(db) - before
    finally:
        db.execute("DELETE FROM sync_suppress")


def _changes(db: Database) -> int:
    return db.one("SELECT total_changes() AS n")["n"]


def _upsert_sql(table: SyncTable) -> str:
    data = [c if c != "athlete_key" else "athlete_id" for c in table.columns]
    if table.identity == "key":
        cols = ["id", "key", *data, *BOOKKEEPING, "origin"]
        values = [":new_id" if c == "id" else f":{c}" for c in cols]
    else:
        cols = ["id", *data, *BOOKKEEPING, "origin"]
        values = [f":{c}" for c in cols]
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in ("id", "key",
                                                                          "created_at"))
    t = table.local
    return (f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({table.identity}) DO UPDATE SET {updates} "
            f"WHERE (excluded.updated_at, excluded.origin) > "
            f"({t}.updated_at, COALESCE({t}.origin, :me))")


def _athlete_id(db: Database, key: str | None, me: str) -> str | None:
    if key is None:
        return None
    row = db.one("SELECT id FROM athletes WHERE key = :k", {"k": key})
    if row:
        return row["id"]
    # The athlete row itself has not arrived (athletes are pulled first, so only a damaged
    # server gets here): keep the set and create the athlete under its key, stamped so old
    # that the real row wins as soon as it arrives.
    new = uuid7()
    db.execute("INSERT INTO athletes (id, key, name, created_at, updated_at, origin) "
               "VALUES (:id, :k, :k, :t, :t, :me)",
               {"id": new, "k": key, "t": "1970-01-01T00:00:00.000000Z", "me": me})
    return new


def set_cursor(db: Database, table: SyncTable, value: int) -> None:
    set_state(db, f"cursor.{table.remote}", str(value))
