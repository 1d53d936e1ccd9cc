"""Run a sync: lock, pull, push, videos, report. Safe to run from cron.

Order and guarantees:

1. An exclusive lock file (``sync.lock`` in the data folder) stops two syncs of one journal
   from overlapping; the second exits with code 9 at once, never waiting or prompting.
2. **Pull** reads every table's changes from the server, then applies them locally in one
   transaction with the last-writer-wins rule; the per-table cursors move in that same
   transaction, so they move only once the changes are stored.
3. **Push** sends the rows queued in the local outbox in one server transaction; the outbox
   entries are deleted only after the server has committed. A crash in between re-sends the
   same rows next time, which the server's conflict rule makes harmless.
4. Videos (when a bucket is configured) go last.

A lost connection at any point leaves both sides consistent and exits 8 ("retry later").
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repcheck.config import get_paths, get_setting
from repcheck.errors import ConfigError, ExitCode, LockedError
from repcheck.sync.plan import Plan
from repcheck.sync.tables import TABLES


@dataclass
class SyncOptions:
    dry_run: bool = False
    push: bool = True
    pull: bool = True
    videos: bool | None = None  # None: the sync.videos setting
    keypoints_only: bool = False
    max_rate: int | None = None
    database: str | None = None  # the local journal (--db)


@dataclass
class SyncResult:
    plan: Plan
    exit_code: ExitCode
    message: str
    user: str | None = None
    device: str | None = None
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"version": 1, "exit_code": int(self.exit_code), "message": self.message,
                "user": self.user, "device": self.device, "seconds": round(self.seconds, 3),
                **self.plan.as_json(), **self.details}


class SyncLock:
    """A non-blocking exclusive ``flock`` on a file; released when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> SyncLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            raise LockedError("another sync of this journal is running",
                              "let it finish; cron can simply try again later") from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def remote_url() -> str:
    url = get_setting("sync.database")
    if not url:
        raise ConfigError("no sync database is configured",
                          "run `repcheck config set sync.database postgresql://USER@HOST/DB`")
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("sync.database must be a postgresql:// URL")
    return url


def run_sync(options: SyncOptions) -> SyncResult:
    started = time.monotonic()
    url = remote_url()
    with SyncLock(get_paths().data_dir / "sync.lock"):
        from repcheck.store.connect import open_journal
        from repcheck.sync import local
        from repcheck.sync.postgres import Remote

        db = open_journal(options.database)
        remote = None
        try:
            local.require_sqlite(db)
            remote = Remote(url)
            result = _sync(db, remote, options)
        finally:
            db.close()
            if remote is not None:
                remote.close()
    result.seconds = time.monotonic() - started
    return result


def _sync(db, remote, options: SyncOptions) -> SyncResult:
    from repcheck.sync import local

    if options.dry_run:
        return _dry_run(db, remote, options)
    remote.ensure_schema()
    with db.write():
        me = local.device_id(db)
    done = Plan()
    if options.pull:
        done.pull = _pull(db, remote, me)
    if options.push:
        done.push = _push(db, remote, me)
    failures: list[str] = []
    if _videos_wanted(options):
        failures = _blobs(db, remote.user, options, done)
    details = {"failures": failures} if failures else {}
    if failures:
        message = f"{done.describe('did')}; {len(failures)} transfer(s) failed: {failures[0]}"
        return SyncResult(done, ExitCode.PARTIAL, message, remote.user, me, details=details)
    if done.empty:
        return SyncResult(done, ExitCode.NOTHING_TO_DO, done.describe(), remote.user, me)
    return SyncResult(done, ExitCode.OK, done.describe("did"), remote.user, me)


def _videos_wanted(options: SyncOptions) -> bool:
    if not get_setting("sync.bucket"):
        return False
    if options.keypoints_only:
        return True
    if options.videos is not None:
        return options.videos
    return (get_setting("sync.videos") or "true") == "true"


def open_blob_store(max_rate: int | None = None):
    """The configured bucket. Objects live at ``<prefix>/videos/<user>/<name>`` and
    ``<prefix>/landmarks/<user>/<name>``: users are kept apart by key prefix, and one
    lifecycle rule on ``<prefix>/videos/`` covers every user's videos."""
    from repcheck.sync.s3 import BlobStore, S3Config

    bucket = get_setting("sync.bucket") or ""
    if not bucket:
        raise ConfigError("no bucket is configured",
                          "run `repcheck config set sync.bucket s3://BUCKET/PREFIX`")
    if not bucket.startswith("s3://"):
        raise ConfigError("sync.bucket must look like s3://BUCKET/PREFIX")
    cfg = S3Config.from_url(
        bucket.rstrip("/"), endpoint_url=get_setting("sync.endpoint-url"),
        region=get_setting("sync.region"), sse=get_setting("sync.sse") or "AES256",
        kms_key_id=get_setting("sync.kms-key"), max_rate=max_rate)
    key = None
    if (get_setting("sync.encrypt") or "false") == "true":
        from repcheck.sync.crypto import load_encryption_key

        key = load_encryption_key(get_setting("sync.key-file"))
    return BlobStore(cfg, get_paths().data_dir / "sync-state", encryption_key=key)


def _blobs(db, user: str, options: SyncOptions, done: Plan) -> list[str]:
    """Upload library files the bucket lacks; download the ones other devices added."""
    from repcheck.store import videos as v
    from repcheck.sync import local
    from repcheck.video.library import library_path

    root = get_paths().videos
    with db.read():
        rows = v.list_videos(db)
        sent = {k[len("blob."):] for k in _state_keys(db, "blob.")}
    store = open_blob_store(options.max_rate)
    videos_kind, landmarks_kind = f"videos/{user}", f"landmarks/{user}"
    failures: list[str] = []
    try:
        uploads, downloads = [], []
        for row in rows:
            path = library_path(root, row.sha256, row.ext)
            if options.keypoints_only:
                uploads += _landmark_items(store, landmarks_kind, row.sha256, sent)
            elif path.exists() and row.sha256 not in sent:
                uploads.append((store.key_for(row.sha256, videos_kind), path, row.sha256))
            elif not path.exists() and options.pull and not options.keypoints_only:
                downloads.append((store.key_for(row.sha256, videos_kind), path, row.sha256))
        results = store.upload_many(uploads) if uploads else []
        with db.write():
            for item, result in zip(uploads, results, strict=True):
                if result.ok:
                    local.set_state(db, f"blob.{item[2]}", result.status)
        sent_now = [(item, r) for item, r in zip(uploads, results, strict=True)
                    if r.status == "uploaded"]
        done.upload = [(item[2], r.size) for item, r in sent_now
                       if item[0].startswith(videos_kind)]
        done.landmarks = len(sent_now) - len(done.upload)
        failures += [str(r.error) for r in results if not r.ok]
        fetched = store.download_many(downloads) if downloads else []
        done.download = [(item[2], r.size) for item, r in zip(downloads, fetched, strict=True)
                         if r.ok]
        failures += [str(r.error) for r in fetched if not r.ok and not _not_there_yet(r)]
    finally:
        store.close()
    return failures


def _state_keys(db, prefix: str) -> list[str]:
    return [r["key"] for r in db.all("SELECT key FROM sync_state WHERE key LIKE :p",
                                     {"p": prefix + "%"})]


def _landmark_items(store, kind: str, video_sha: str, sent: set[str]
                    ) -> list[tuple[str, Path, str]]:
    """Cached landmark files of one video (``<video sha>-<settings>.npz``), by content."""
    from repcheck.video.library import sha256_file

    items = []
    for path in sorted(get_paths().landmarks_cache.glob(f"{video_sha}-*.npz")):
        digest = sha256_file(path)
        if digest not in sent:
            items.append((store.key_for(digest, kind), path, digest))
    return items


def _not_there_yet(result) -> bool:
    """A video whose owner device has not uploaded it yet: not a failure of this run."""
    code = getattr(result.error, "code", None)
    return code in ("NoSuchKey", "404", "NotFound") or "nosuchkey" in str(result.error).lower()


def _pull(db, remote, me: str) -> dict[str, int]:
    from repcheck.sync import local

    with db.read():
        cursors = {t.local: local.cursor(db, t) for t in TABLES}
    fetched = {}
    with remote.transaction("pull"):
        for table in TABLES:
            fetched[table.local] = remote.pull(table, cursors[table.local], me)
    applied = {}
    with db.write():
        for table in TABLES:
            rows, top = fetched[table.local]
            applied[table.local] = local.apply_pulled(db, table, rows, me)
            local.set_cursor(db, table, top)
    return applied


def _push(db, remote, me: str) -> dict[str, int]:
    from repcheck.sync import local

    with db.read():
        top, rows = local.pending(db, me)
    if rows:
        with remote.transaction("push"):
            for table in TABLES:
                remote.push(table, rows.get(table.local, []))
    with db.write():
        local.clear_outbox(db, top)
    return {name: len(r) for name, r in rows.items()}


def _dry_run(db, remote, options: SyncOptions) -> SyncResult:
    from repcheck.sync import local

    plan = Plan()
    with db.read():
        me = local.get_state(db, "device_id") or ""
        cursors = {t.local: local.cursor(db, t) for t in TABLES}
        _, rows = local.pending(db, me or "this-device")
    if options.push:
        plan.push = {name: len(r) for name, r in rows.items()}
    if options.pull and remote.has_schema():
        plan.pull = {t.local: remote.count_after(t, cursors[t.local], me) for t in TABLES}
    if _videos_wanted(options) and not options.keypoints_only:
        plan.upload, plan.download = _video_plan(db, options)
    code = ExitCode.NOTHING_TO_DO if plan.empty else ExitCode.OK
    return SyncResult(plan, code, plan.describe(), remote.user, me or None)


def _video_plan(db, options: SyncOptions) -> tuple[list, list]:
    """Videos this device would upload or fetch, from local state alone (no requests)."""
    from repcheck.store import videos as v
    from repcheck.video.library import library_path

    root = get_paths().videos
    with db.read():
        rows = v.list_videos(db)
        sent = {k[len("blob."):] for k in _state_keys(db, "blob.")}
    up, down = [], []
    for row in rows:
        present = library_path(root, row.sha256, row.ext).exists()
        if options.push and present and row.sha256 not in sent:
            up.append((row.sha256, row.size_bytes))
        elif options.pull and not present:
            down.append((row.sha256, row.size_bytes))
    return up, down
