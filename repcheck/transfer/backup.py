"""Whole-journal backups with SQLite's online backup API.

``backup`` copies a consistent snapshot page by page while other commands keep reading and
writing (WAL mode), into a temporary file that is renamed into place only when complete.
``restore`` checks that the file is an intact RepCheck journal, keeps the current journal
beside it as ``journal.sqlite3.before-restore-<time>`` (history is never lost), and copies
the backup in with the same API, so open readers never see a half-written file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from repcheck.errors import InputError, StoreError
from repcheck.store.db import Location


def _require_sqlite(location: Location) -> Path:
    if location.dialect != "sqlite":
        raise InputError("backup and restore work on SQLite journals",
                         "for PostgreSQL use pg_dump, or `repcheck export --format json`")
    return Path(location.target)


def backup(location: Location, target: Path) -> int:
    """Snapshot the journal into ``target``; returns its size in bytes."""
    source = _require_sqlite(location)
    if not source.exists():
        raise InputError(f"there is no journal at {source} yet", "log a set first")
    target = target.expanduser()
    if target.exists() and target.is_dir():
        target = target / "repcheck-backup.sqlite3"
    tmp = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=1024)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write the backup {target}: {exc.strerror}",
                         "choose a writable place with enough free space") from None
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"backup failed: {exc}", "try again; the journal was not changed"
                         ) from None
    return target.stat().st_size


def check_backup(path: Path) -> int:
    """Validate a backup file; returns how many live sets it holds."""
    path = path.expanduser()
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise InputError(f"{path} is damaged (integrity check failed)")
            names = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
            if "0001_journal" not in names:
                raise InputError(f"{path} is not a RepCheck journal")
            return conn.execute("SELECT COUNT(*) FROM sets WHERE deleted = 0").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        raise InputError(f"{path} is not a RepCheck journal backup") from None


def restore(location: Location, source: Path) -> Path | None:
    """Replace the journal with ``source``; returns where the old journal was kept."""
    target = _require_sqlite(location)
    check_backup(source)
    kept = None
    try:
        if target.exists():
            from repcheck.ids import utcnow

            kept = target.with_name(f"{target.name}.before-restore-"
                                    f"{utcnow():%Y%m%dT%H%M%SZ}")
            backup(location, kept)
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source.expanduser()}?mode=ro", uri=True)
        dst = sqlite3.connect(target, timeout=10)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise StoreError(f"restore failed: {exc}",
                         f"the previous journal is kept at {kept}" if kept else "") from None
    return kept
