"""Named, ordered schema migrations.

Each migration runs in its own transaction and is recorded in ``schema_migrations``, so a
journal of any age is upgraded in place the next time any command opens it, and a failed
upgrade leaves the journal exactly as it was. Migrations are never edited once released:
a change to the schema is a new migration at the end of :data:`MIGRATIONS`.
``tests/fixtures/journal_0001.sqlite3`` is a journal made by the first schema alone; a test
upgrades it.

The SQL is portable between SQLite and PostgreSQL: TEXT ids (UUIDv7) and UTC ISO-8601
timestamps, ``DOUBLE PRECISION`` for derived masses, 0/1 integers for flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from repcheck.ids import iso, utcnow
from repcheck.store.db import Database


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str
    sqlite_sql: str = ""  # run after ``sql`` on SQLite only
    postgres_sql: str = ""  # run after ``sql`` on PostgreSQL only


_SYNCED = """
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"""

def _outbox_sql(tables: tuple[str, ...]) -> str:
    """Change capture for sync: every local insert or update of a synced row queues its id.

    Rows written by the sync itself (while ``sync_suppress`` holds a row, inside the pull's
    transaction) are not queued, so pulled changes are not echoed back.
    """
    parts = ["""
        CREATE TABLE sync_outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL
        );
        CREATE TABLE sync_suppress (x INTEGER)"""]
    for table in tables:
        for event in ("INSERT", "UPDATE"):
            parts.append(f"""
        CREATE TRIGGER {table}_outbox_{event.lower()} AFTER {event} ON {table}
        WHEN NOT EXISTS (SELECT 1 FROM sync_suppress)
        BEGIN
            INSERT INTO sync_outbox (tbl, row_id) VALUES ('{table}', NEW.id);
        END""")
    return ";".join(parts)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_journal", f"""
        CREATE TABLE athletes (
            id TEXT PRIMARY KEY,
            key TEXT NOT NULL,
            name TEXT NOT NULL,{_SYNCED}
        );
        CREATE UNIQUE INDEX athletes_key ON athletes (key);
        CREATE TABLE exercises (
            id TEXT PRIMARY KEY,
            key TEXT NOT NULL,
            name TEXT NOT NULL,{_SYNCED}
        );
        CREATE UNIQUE INDEX exercises_key ON exercises (key);
        CREATE TABLE sets (
            id TEXT PRIMARY KEY,
            athlete_id TEXT NOT NULL REFERENCES athletes (id),
            lift TEXT NOT NULL,
            performed_at TEXT NOT NULL,
            session_date TEXT NOT NULL,
            seq INTEGER NOT NULL DEFAULT 0,
            reps INTEGER NOT NULL CHECK (reps BETWEEN 1 AND 100),
            weight TEXT NOT NULL,
            unit TEXT NOT NULL CHECK (unit IN ('kg', 'lb')),
            mass_kg DOUBLE PRECISION NOT NULL CHECK (mass_kg > 0),
            rpe DOUBLE PRECISION CHECK (rpe BETWEEN 1 AND 10),
            rir INTEGER CHECK (rir BETWEEN 0 AND 10),
            warmup INTEGER NOT NULL DEFAULT 0 CHECK (warmup IN (0, 1)),
            note TEXT,
            batch_id TEXT NOT NULL,{_SYNCED}
        );
        CREATE INDEX sets_by_day ON sets (athlete_id, lift, session_date);
        CREATE INDEX sets_by_load ON sets (athlete_id, lift, mass_kg);
        CREATE INDEX sets_by_batch ON sets (batch_id);
        CREATE INDEX sets_by_update ON sets (updated_at)
    """),
    Migration("0002_bodyweight_and_record_indexes", f"""
        ALTER TABLE athletes ADD COLUMN sex TEXT CHECK (sex IN ('m', 'f'));
        CREATE TABLE bodyweights (
            id TEXT PRIMARY KEY,
            athlete_id TEXT NOT NULL REFERENCES athletes (id),
            measured_at TEXT NOT NULL,
            session_date TEXT NOT NULL,
            weight TEXT NOT NULL,
            unit TEXT NOT NULL CHECK (unit IN ('kg', 'lb')),
            mass_kg DOUBLE PRECISION NOT NULL CHECK (mass_kg > 0),{_SYNCED}
        );
        CREATE INDEX bodyweights_by_athlete ON bodyweights (athlete_id, measured_at);
        CREATE INDEX sets_working ON sets (athlete_id, lift, reps, mass_kg)
            WHERE deleted = 0 AND warmup = 0;
        CREATE INDEX sets_working_volume ON sets (athlete_id, lift, (mass_kg * reps))
            WHERE deleted = 0 AND warmup = 0
    """),
    Migration("0003_videos_and_sync", f"""
        CREATE TABLE videos (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            athlete_id TEXT REFERENCES athletes (id),
            set_id TEXT,
            filename TEXT NOT NULL,
            ext TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            duration_s DOUBLE PRECISION,
            fps DOUBLE PRECISION,
            width INTEGER,
            height INTEGER,
            rotation INTEGER,
            codec TEXT,
            analysis TEXT,{_SYNCED}
        );
        CREATE INDEX videos_by_hash ON videos (sha256);
        CREATE INDEX videos_by_set ON videos (set_id);
        ALTER TABLE athletes ADD COLUMN origin TEXT;
        ALTER TABLE exercises ADD COLUMN origin TEXT;
        ALTER TABLE sets ADD COLUMN origin TEXT;
        ALTER TABLE bodyweights ADD COLUMN origin TEXT;
        ALTER TABLE videos ADD COLUMN origin TEXT;
        CREATE INDEX sets_working_days ON sets (athlete_id, lift, session_date, mass_kg, reps)
            WHERE deleted = 0 AND warmup = 0;
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
    """, sqlite_sql=_outbox_sql(("athletes", "exercises", "sets", "bodyweights", "videos"))),
)

_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
)"""


def applied(db: Database) -> list[str]:
    if db.dialect == "sqlite":
        exists = db.one("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'schema_migrations'")
    else:
        exists = db.one("SELECT 1 AS x FROM information_schema.tables "
                        "WHERE table_schema = current_schema() "
                        "AND table_name = 'schema_migrations'")
    if not exists:
        return []
    return [r["name"] for r in db.all("SELECT name FROM schema_migrations ORDER BY name")]


def pending(db: Database) -> list[Migration]:
    with db.read():
        done = set(applied(db))
    return [m for m in MIGRATIONS if m.name not in done]


def migrate(db: Database, upto: str | None = None) -> list[str]:
    """Apply every pending migration (up to and including ``upto``); return their names."""
    names = []
    for migration in pending(db):
        with db.write():
            if db.dialect == "postgresql":
                db.execute("SELECT pg_advisory_xact_lock(7261001)")
            if migration.name in applied(db):  # another process got there first
                continue
            db.execute(_LEDGER)
            db.script(migration.sql)
            extra = migration.sqlite_sql if db.dialect == "sqlite" else migration.postgres_sql
            if extra:
                db.script(extra)
            db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :t)",
                       {"n": migration.name, "t": iso(utcnow())})
        names.append(migration.name)
        if migration.name == upto:
            break
    return names
