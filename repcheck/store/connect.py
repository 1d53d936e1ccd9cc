"""Open the journal a command should use, upgrading its schema first if needed."""

from __future__ import annotations

from pathlib import Path

from repcheck.config import get_paths, get_setting
from repcheck.errors import StoreError
from repcheck.store.db import Database, Location, parse_location
from repcheck.store.migrations import MIGRATIONS, applied, migrate


def journal_location(flag: str | None = None) -> Location:
    """``--db`` flag > ``REPCHECK_DATABASE_URL`` > ``database`` setting > default file."""
    configured = get_setting("database", flag)
    if configured:
        return parse_location(configured)
    return Location("sqlite", str(get_paths().journal))


def open_journal(flag: str | None = None, *, create: bool = True) -> Database:
    """The journal, schema up to date. With ``create=False`` (read-only commands) a SQLite
    journal that does not exist yet is not created: an empty in-memory one stands in."""
    location = journal_location(flag)
    if not create and location.dialect == "sqlite" and not Path(location.target).exists():
        db = Database.empty_stand_in(location)
        migrate(db)
        return db
    db = Database.open(location)
    try:
        with db.read():
            done = applied(db)
        known = {m.name for m in MIGRATIONS}
        unknown = [name for name in done if name not in known]
        if unknown:
            raise StoreError(
                f"the journal {db.location.redacted()} was upgraded by a newer RepCheck "
                f"(schema {unknown[-1]})", "upgrade RepCheck to use it")
        if len(done) < len(MIGRATIONS):
            migrate(db)
    except BaseException:
        db.close()
        raise
    return db
