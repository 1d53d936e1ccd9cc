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


_SYNCED = """
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"""

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
                        "WHERE table_schema = current_schema() AND table_name = 'schema_migrations'")
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
            db.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :t)",
                       {"n": migration.name, "t": iso(utcnow())})
        names.append(migration.name)
        if migration.name == upto:
            break
    return names
