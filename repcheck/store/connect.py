"""Open the journal a command should use, upgrading its schema first if needed."""

from __future__ import annotations

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


def open_journal(flag: str | None = None) -> Database:
    db = Database.open(journal_location(flag))
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
