"""Coach batch analysis: a folder of clips in, every set judged, one report out.

Flow: **collect** the videos -> **plan** (hash, skip what the journal already holds) ->
**analyse** on a pool of processes or a Dask cluster -> **store** each result in the journal
as it arrives -> **report** (HTML, CSV or JSON).

Collecting. Each ``PATH`` is a video file, a folder (walked recursively; files whose suffix
is in :data:`repcheck.video.probe.VIDEO_SUFFIXES` are videos, other files are reported as
"not a video" one line each, hidden files and folders such as ``.DS_Store`` are ignored) or
an ``s3://BUCKET/KEY`` object or ``s3://BUCKET/PREFIX/`` folder.

Athlete rule. ``--athlete NAME`` puts every clip of the run under that athlete. Without it,
a clip that lies under a folder called ``athletes`` belongs to the folder right below it:
``…/athletes/<name>/…/clip.mp4`` -> ``<name>`` (the last ``athletes`` folder in the path
counts, matched case-insensitively; the same for ``s3://bucket/athletes/<name>/…`` keys).
A clip outside that layout goes to the default athlete (the ``athlete`` setting, ``me`` by
default), as every other command does. The athlete is created if the journal lacks it.

Resume. A clip is identified by its SHA-256. It is skipped when the journal's videos table
already holds an analysis of that content with the current analysis schema version
(:data:`repcheck.analysis.pipeline.SCHEMA_VERSION`) made with the same ``--lift`` choice
(auto-detected vs. forced to one lift). Each result is committed the moment it arrives, so
an interrupted batch loses at most the clips in flight. Two paths with the same content are
analysed once. Local clips are copied into the video library (content-addressed, once);
clips read from S3 stay in the bucket and only their analysis is stored.

Failures. A file that cannot be hashed, probed, decoded or analysed becomes one
"failed" line (``RepcheckError`` message and hint); the batch goes on. Failures are not
stored, so the next run tries them again.

One core per worker. ``analyse_video(..., workers=1)`` keeps each clip's pose extraction in
its own process (the pipeline otherwise splits long clips across all cores), and the worker
pins OpenCV and the BLAS/OpenMP pools to one thread, so N workers use N cores. Local pools
use the ``spawn`` start method: ``fork`` is unsafe once a process has touched MediaPipe or
OpenCV threads.

Scale-out. ``cluster="tcp://HOST:8786"`` sends the same job function to a Dask
distributed scheduler (``pip install 'repcheck[cluster]'``); nothing else changes. Workers
must see the videos: use ``s3://`` URLs or a folder mounted at the same path everywhere.
S3 access goes through :mod:`repcheck.sync.s3` (endpoint from the ``sync.endpoint-url``
setting, credentials from the usual AWS chain on each worker).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from repcheck.errors import InputError, NotFoundError, RepcheckError

BATCH_SCHEMA = "repcheck.batch"
BATCH_VERSION = 1
LIFTS = ("squat", "bench", "deadlift", "press")
#: Long side of report thumbnails, pixels.
THUMB_SIDE = 240
REPORT_SUFFIXES = (".html", ".htm", ".csv", ".json")
DASK_SCHEMES = ("tcp://", "tls://", "ucx://", "inproc://")
#: Environment that keeps native thread pools to one thread in a batch worker.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                     "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}

# Outcome statuses.
ANALYSED, RESUMED, FAILED, NOT_VIDEO, DUPLICATE = (
    "analysed", "resumed", "failed", "not_video", "duplicate")


# -- records ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One input: a local path or an s3:// URL, and whose it is."""

    location: str
    athlete: str | None
    is_video: bool = True  # False: found in a folder walk with a non-video suffix

    @property
    def name(self) -> str:
        return self.location.rstrip("/").rsplit("/", 1)[-1] if is_s3(self.location) \
            else Path(self.location).name


@dataclass(frozen=True)
class Job:
    """What a worker needs to analyse one clip (picklable, no journal access)."""

    location: str
    lift: str = "auto"
    sha256: str | None = None  # known for local files; computed by the worker for S3
    s3_endpoint: str | None = None
    known: frozenset = frozenset()  # S3 only: hashes already analysed (resume)
    use_cache: bool = True


@dataclass(frozen=True)
class VideoMeta:
    size_bytes: int
    duration_s: float
    fps: float
    width: int
    height: int
    rotation: int
    codec: str


@dataclass
class Outcome:
    source: Source
    status: str
    sha256: str | None = None
    analysis: dict | None = None
    meta: VideoMeta | None = None
    thumbnail: bytes | None = None  # JPEG
    error: str | None = None
    seconds: float = 0.0
    same_as: str | None = None  # DUPLICATE: the location analysed instead
    note: str | None = None  # e.g. the clip moved here from another athlete

    @property
    def athlete(self) -> str:
        return self.source.athlete or "?"


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    workers: int
    cluster: str | None
    lift: str
    seconds: float = 0.0
    generated_at: str = ""

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in (FAILED, NOT_VIDEO)]

    @property
    def judged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.analysis is not None]


# -- collecting ---------------------------------------------------------------------------
def is_s3(location: str) -> bool:
    return location.startswith("s3://")


def athlete_from_path(location: str) -> str | None:
    """The folder right below the last ``athletes`` folder, or None (see module doc)."""
    if is_s3(location):
        parts = location[5:].split("/")[1:]  # drop the bucket
    else:
        parts = list(Path(os.path.abspath(location)).parts)
    folders = parts[:-1]
    for i in range(len(folders) - 2, -1, -1):
        if folders[i].lower() == "athletes" and folders[i + 1].strip():
            return folders[i + 1]
    return None


def collect_sources(paths: Iterable[str | Path], athlete: str | None = None,
                    default_athlete: str = "me", s3_endpoint: str | None = None,
                    exclude: Iterable[Path] = ()) -> list[Source]:
    """Every input in order, folders walked; a path that does not exist stops the run.

    ``exclude``: files never to pick up (the report being written, say)."""
    from repcheck.video.probe import VIDEO_SUFFIXES

    sources: list[Source] = []
    seen: set[str] = set()
    skip = {os.path.abspath(p) for p in exclude}

    def add(location: str, is_video: bool = True) -> None:
        if location not in seen and (is_s3(location) or os.path.abspath(location) not in skip):
            seen.add(location)
            who = athlete or athlete_from_path(location) or default_athlete
            sources.append(Source(location, who, is_video))

    for raw in paths:
        text = str(raw)
        if is_s3(text):
            for url in list_s3(text, s3_endpoint):
                add(url)
            continue
        path = Path(os.path.abspath(Path(text).expanduser()))  # cluster workers need it
        if path.is_dir():
            for file in walk_folder(path):
                add(str(file), file.suffix.lower() in VIDEO_SUFFIXES)
        elif path.exists() or path.is_symlink():
            add(str(path))
        else:
            raise NotFoundError(f"{text} does not exist", "check the path")
    return sources


def walk_folder(root: Path) -> list[Path]:
    """Files under ``root`` in a stable order, skipping hidden files and folders."""
    found, visited = [], set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited:  # a symlink loop, or a folder linked twice
            dirs[:] = []
            continue
        visited.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in sorted(files) if not f.startswith("."))
    return found


# -- S3 (through repcheck.sync.s3, the only boto3 importer) --------------------------------
def split_s3(url: str) -> tuple[str, str]:
    bucket, _, key = url[5:].partition("/")
    if not bucket:
        raise InputError(f"{url!r} names no bucket", "write s3://BUCKET/KEY")
    return bucket, key


def s3_client(bucket: str, endpoint: str | None):
    from repcheck.sync.s3 import S3Config, make_client

    cfg = S3Config(bucket=bucket, endpoint_url=endpoint)
    return cfg, make_client(cfg)


def list_s3(url: str, endpoint: str | None) -> list[str]:
    """The video objects an s3:// argument names: one object, or all under a prefix."""
    from repcheck.sync.s3 import map_error
    from repcheck.video.probe import VIDEO_SUFFIXES

    bucket, key = split_s3(url)
    if key and not key.endswith("/") and Path(key).suffix.lower() in VIDEO_SUFFIXES:
        return [url]
    cfg, client = s3_client(bucket, endpoint)
    prefix = key if not key or key.endswith("/") else key + "/"
    urls = []
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                       Prefix=prefix):
            for obj in page.get("Contents", []):
                name = obj["Key"].rsplit("/", 1)[-1]
                if Path(name).suffix.lower() in VIDEO_SUFFIXES and not name.startswith("."):
                    urls.append(f"s3://{bucket}/{obj['Key']}")
    except Exception as exc:  # noqa: BLE001 - mapped to a one-line error
        raise map_error(exc, f"listing {url}", cfg) from None
    if not urls:
        raise NotFoundError(f"no videos under {url}", "check the bucket and prefix")
    return sorted(urls)


def fetch_s3(url: str, dest_dir: Path, endpoint: str | None) -> tuple[Path, str]:
    """Download one object into ``dest_dir``; returns the file and its SHA-256."""
    import hashlib

    from repcheck.sync.s3 import map_error

    bucket, key = split_s3(url)
    cfg, client = s3_client(bucket, endpoint)
    dest = dest_dir / (Path(key).name or "video.mp4")
    digest = hashlib.sha256()
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
        with open(dest, "wb") as out:
            while block := body.read(1 << 20):
                digest.update(block)
                out.write(block)
    except Exception as exc:  # noqa: BLE001 - mapped to a one-line error
        raise map_error(exc, f"download of {url}", cfg) from None
    return dest, digest.hexdigest()


# -- the worker ---------------------------------------------------------------------------
def init_worker() -> None:
    """Process-pool initializer: one thread per native pool, native log noise off."""
    for key, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(key, value)
    if not os.environ.get("REPCHECK_DEBUG"):
        try:  # workers report through return values; MediaPipe's C++ logs go nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except OSError:
            pass


def single_core() -> None:
    for key, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(key, value)
    from repcheck.video.probe import load_cv2

    load_cv2().setNumThreads(1)


def analyse_job(job: Job) -> Outcome:
    """Analyse one clip on one core. Never raises for a bad clip: returns FAILED."""
    import tempfile

    single_core()
    started = time.perf_counter()
    source = Source(job.location, None)
    sha = job.sha256
    try:
        if is_s3(job.location):
            with tempfile.TemporaryDirectory(prefix="repcheck-batch-") as tmp:
                path, sha = fetch_s3(job.location, Path(tmp), job.s3_endpoint)
                if sha in job.known:
                    return Outcome(source, RESUMED, sha)
                out = analyse_file(path, job, sha)
        else:
            out = analyse_file(Path(job.location), job, sha)
    except RepcheckError as exc:
        out = Outcome(source, FAILED, sha, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad clip must not stop the batch
        out = Outcome(source, FAILED, sha,
                      error=f"internal error: {type(exc).__name__}: {exc} — please report it")
    out.seconds = time.perf_counter() - started
    return out


def analyse_file(path: Path, job: Job, sha: str | None) -> Outcome:
    from repcheck.analysis.pipeline import analyse_video
    from repcheck.video.probe import probe_video

    info = probe_video(path)
    meta = VideoMeta(info.size_bytes, info.duration_s, info.fps, info.width, info.height,
                     info.rotation, info.codec)
    result = analyse_video(path, job.lift, workers=1, use_cache=job.use_cache)
    doc = result.to_dict()
    doc["video"]["path"] = job.location
    thumb = thumbnail_jpeg(path, info)
    return Outcome(Source(job.location, None), ANALYSED, sha or doc["video"]["sha256"], doc,
                   meta, thumb)


def thumbnail_jpeg(path: Path, info=None, side: int = THUMB_SIDE) -> bytes | None:
    """The middle frame as a small JPEG (None if it cannot be decoded)."""
    from repcheck.video.decode import iter_frames
    from repcheck.video.probe import load_cv2, probe_video

    try:
        info = info or probe_video(path)
        mid = max(info.frame_count // 2, 0)
        frame = next(iter_frames(path, max_side=side, start=mid, stop=mid + 1, info=info))
        cv2 = load_cv2()
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR),
                               [cv2.IMWRITE_JPEG_QUALITY, 70])
    except Exception:  # noqa: BLE001 - a missing picture must not fail the clip
        return None
    return buf.tobytes() if ok else None


# -- planning: hashes and resume ----------------------------------------------------------
def lift_matches(analysis: dict, lift: str) -> bool:
    info = analysis.get("lift") or {}
    if lift == "auto":
        return bool(info.get("detected", True))
    return not info.get("detected", True) and info.get("name") == lift


def is_current(analysis: dict | None, lift: str) -> bool:
    from repcheck.analysis.pipeline import SCHEMA, SCHEMA_VERSION

    return bool(analysis) and analysis.get("schema") == SCHEMA \
        and analysis.get("version") == SCHEMA_VERSION and lift_matches(analysis, lift)


def stored_analysis(db, sha: str, lift: str) -> dict | None:
    from repcheck.store.videos import find_by_hash

    with db.read():
        row = find_by_hash(db, sha)
    doc = row.analysis_json() if row and row.analysis else None
    return doc if is_current(doc, lift) else None


def known_hashes(db, lift: str) -> frozenset:
    from repcheck.store.videos import list_videos

    with db.read():
        rows = list_videos(db)
    return frozenset(r.sha256 for r in rows if r.analysis and is_current(r.analysis_json(), lift))


def plan_jobs(sources: list[Source], db, lift: str, s3_endpoint: str | None = None,
              use_cache: bool = True) -> tuple[list[Job], list[Outcome], dict[str, Source]]:
    """Jobs to run, outcomes already settled (resumed, failed, duplicate), job -> source."""
    from repcheck.video.library import sha256_file

    jobs, settled, owner = [], [], {}
    first_by_hash: dict[str, str] = {}
    known = None
    for src in sources:
        if not src.is_video:
            settled.append(Outcome(src, NOT_VIDEO, error="not a video (by its suffix)"))
            continue
        if is_s3(src.location):
            if known is None:
                known = known_hashes(db, lift)
            jobs.append(Job(src.location, lift, None, s3_endpoint, known, use_cache))
            owner[src.location] = src
            continue
        try:
            sha = sha256_file(Path(src.location))
        except OSError as exc:
            settled.append(Outcome(src, FAILED, error=f"cannot read {src.name}: "
                                   f"{exc.strerror or exc}"))
            continue
        if sha in first_by_hash:
            settled.append(Outcome(src, DUPLICATE, sha, same_as=first_by_hash[sha]))
            continue
        first_by_hash[sha] = src.location
        doc = stored_analysis(db, sha, lift)
        if doc is not None:
            settled.append(Outcome(src, RESUMED, sha, doc))
            continue
        jobs.append(Job(src.location, lift, sha, None, frozenset(), use_cache))
        owner[src.location] = src
    return jobs, settled, owner


# -- running ------------------------------------------------------------------------------
def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_local(jobs: list[Job], workers: int, on_result: Callable[[Outcome], None],
              fn: Callable[[Job], Outcome] | None = None) -> None:
    """Run jobs on spawn-started worker processes, reporting each result as it finishes.

    A worker that dies (a crash in native code, the OOM killer) breaks the whole pool and
    every job in it. The jobs it took down are run again in a fresh pool; if that breaks
    too, the rest run one per process, so only the clip that kills its worker fails.
    Even ``workers=1`` uses a worker process, for the same isolation.
    """
    fn = fn or analyse_job
    pending = longest_first(jobs)
    for isolated in (False, False, True):
        if not pending:
            return
        if isolated:
            broken = []
            for job in pending:
                broken += run_pool([job], 1, fn, on_result, last_try=True)
        else:
            broken = run_pool(pending, min(workers, len(pending)), fn, on_result)
        pending = broken


def run_pool(jobs: list[Job], workers: int, fn, on_result, last_try: bool = False
             ) -> list[Job]:
    """One pool over ``jobs``; returns the jobs lost to a broken pool (unless last_try)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(
        "spawn"), initializer=init_worker)
    broken: list[Job] = []
    try:
        futures = {pool.submit(fn, job): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            if isinstance(future.exception(), BrokenProcessPool) and not last_try:
                broken.append(job)
            else:
                on_result(collect_future(future, job))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return broken


def longest_first(jobs: list[Job]) -> list[Job]:
    """Biggest files first, so no worker is left with one long clip at the end (file size
    stands in for length; S3 objects, whose size is unknown here, keep their order last)."""
    def size(job: Job) -> int:
        try:
            return -1 if is_s3(job.location) else os.path.getsize(job.location)
        except OSError:
            return -1
    return sorted(jobs, key=size, reverse=True)


def collect_future(future, job: Job) -> Outcome:
    """A worker's outcome, or FAILED if the worker itself died (crash, OOM kill)."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a dead worker is one failed clip
        return Outcome(Source(job.location, None), FAILED, job.sha256,
                       error=f"the process analysing it died ({type(exc).__name__}); "
                       "the file may crash the video decoder or exhaust memory")


def run_dask(jobs: list[Job], address: str, on_result: Callable[[Outcome], None]) -> int:
    """Run jobs on a Dask distributed cluster; returns its worker count."""
    if not jobs:  # everything was resumed: no need for the cluster
        return 0
    client = connect_dask(address)
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        from distributed import as_completed

        futures = {}
        for i, job in enumerate(longest_first(jobs)):
            fut = client.submit(analyse_job, job, pure=False, key=f"repcheck-batch-{i}-"
                                f"{os.urandom(4).hex()}")
            futures[fut] = job
        for future in as_completed(list(futures)):
            on_result(collect_future(future, futures[future]))
        return workers
    finally:
        client.close()


def connect_dask(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--cluster needs Dask distributed",
                         "pip install 'repcheck[cluster]'") from None
    try:
        return Client(address, timeout="15s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address} ({exc})",
                         "start it with `dask scheduler` or check the address") from None


# -- storing ------------------------------------------------------------------------------
def store_outcome(db, out: Outcome) -> None:
    """Save one analysed clip (library copy for local files, row, analysis) atomically."""
    from repcheck.config import get_paths
    from repcheck.store.journal import ensure_athlete
    from repcheck.store.videos import add_video, save_analysis
    from repcheck.video.library import remove_file, store_file

    stored = None
    if not is_s3(out.source.location):
        stored = store_file(Path(out.source.location), get_paths().videos)
        out.sha256 = stored.sha256
    try:
        with db.write():
            athlete, _ = ensure_athlete(db, out.athlete)
            row, new = add_video(db, sha256=out.sha256, athlete_id=athlete.id, set_id=None,
                                 filename=out.source.name,
                                 ext=Path(out.source.name).suffix.lower() or ".mp4",
                                 info=out.meta)
            if not new:
                settle_athlete(db, out, row, athlete)
            save_analysis(db, row.id, out.analysis)
    except BaseException:
        if stored is not None and stored.new:
            remove_file(stored.path)
        raise
    save_thumbnail(out.sha256, out.thumbnail)


def settle_athlete(db, out: Outcome, row, athlete) -> None:
    """The journal already holds this clip. Unlinked, it moves to the athlete this run
    names (the coach's latest word on whose clip it is); linked to a logged set, it stays
    with that set's athlete. Either way the outcome says so."""
    from repcheck.store.videos import move_to_athlete

    if row.athlete_id == athlete.id:
        return
    before = move_to_athlete(db, row, athlete.id)
    if before is not None:
        out.note = f"moved here from athlete {before}"
        return
    owner = db.one("SELECT name FROM athletes WHERE id = :id", {"id": row.athlete_id})
    if owner:
        out.note = (f"kept under {owner['name']}: the clip belongs to a set logged for "
                    f"{owner['name']}")
        out.source = Source(out.source.location, owner["name"], out.source.is_video)


def settle_resumed_athlete(db, out: Outcome) -> None:
    """:func:`settle_athlete` for a clip analysed by an earlier run."""
    from repcheck.store.journal import ensure_athlete
    from repcheck.store.videos import find_by_hash

    if not out.sha256 or not out.source.athlete:
        return
    with db.write():
        row = find_by_hash(db, out.sha256)
        if row is not None:
            settle_athlete(db, out, row, ensure_athlete(db, out.athlete)[0])


def thumbnail_dir() -> Path:
    from repcheck.config import get_paths

    return get_paths().cache_dir / "thumbnails"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, rename: all or nothing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(3).hex()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}",
                         "check the folder exists and is writable") from None


def save_thumbnail(sha: str | None, data: bytes | None) -> None:
    if not sha or not data:
        return
    try:
        atomic_write_bytes(thumbnail_dir() / f"{sha}.jpg", data)
    except OSError:
        pass  # a missing thumbnail costs a picture in a report, nothing else


def load_thumbnail(out: Outcome) -> bytes | None:
    if out.thumbnail or not out.sha256:
        return out.thumbnail
    cached = thumbnail_dir() / f"{out.sha256}.jpg"
    if cached.is_file():
        return cached.read_bytes()
    if not is_s3(out.source.location) and Path(out.source.location).is_file():
        data = thumbnail_jpeg(Path(out.source.location))
        save_thumbnail(out.sha256, data)
        return data
    return None


# -- the whole run ------------------------------------------------------------------------
@dataclass
class BatchOptions:
    lift: str = "auto"
    athlete: str | None = None
    workers: int | None = None
    cluster: str | None = None
    database: str | None = None  # --db flag
    use_cache: bool = True
    report: Path | None = None


def check_options(opts: BatchOptions) -> None:
    if opts.lift != "auto" and opts.lift not in LIFTS:
        raise InputError(f"unknown lift {opts.lift!r}", f"use auto or one of {', '.join(LIFTS)}")
    if opts.workers is not None and opts.workers < 1:
        raise InputError("--workers must be at least 1")
    if opts.workers is not None and opts.cluster:
        raise InputError("--workers applies to local runs only",
                         "a cluster's size is set where its workers are started")
    if opts.cluster and not opts.cluster.startswith(DASK_SCHEMES):
        raise InputError(f"{opts.cluster!r} is not a Dask scheduler address",
                         "write it like tcp://HOST:8786")
    if opts.report is not None and opts.report.suffix.lower() not in REPORT_SUFFIXES:
        raise InputError(f"cannot tell the report format from {opts.report.name!r}",
                         "name it *.html, *.csv or *.json")


def run_batch(paths: list[str], opts: BatchOptions,
              on_plan: Callable[[list[Job], list[Outcome]], None] | None = None,
              on_result: Callable[[Outcome], None] | None = None) -> BatchResult:
    """Collect, plan, analyse and store; the caller writes the report (see write_report)."""
    from repcheck.config import get_setting
    from repcheck.store.connect import open_journal

    check_options(opts)
    started = time.perf_counter()
    endpoint = get_setting("sync.endpoint-url")
    default = get_setting("athlete") or "me"
    sources = collect_sources(paths, opts.athlete, default, endpoint,
                              [opts.report] if opts.report else [])
    if not sources:
        raise NotFoundError("no files found under " + ", ".join(map(str, paths)),
                            "give video files or folders that hold them")
    db = open_journal(opts.database)
    try:
        jobs, outcomes, owner = plan_jobs(sources, db, opts.lift, endpoint, opts.use_cache)
        for out in outcomes:
            if out.status == RESUMED:
                settle_resumed_athlete(db, out)
        if on_plan:
            on_plan(jobs, outcomes)

        def finish(out: Outcome) -> None:
            out.source = owner.get(out.source.location, out.source)
            if out.status == RESUMED and out.analysis is None and out.sha256:
                out.analysis = stored_analysis(db, out.sha256, opts.lift)
            if out.status == RESUMED:
                settle_resumed_athlete(db, out)
            if out.status == ANALYSED:
                try:
                    store_outcome(db, out)
                except RepcheckError as exc:
                    out.status, out.error = FAILED, f"analysed but not stored: {exc}"
            outcomes.append(out)
            if on_result:
                on_result(out)

        if opts.cluster:
            workers = run_dask(jobs, opts.cluster, finish)
        else:
            workers = opts.workers or default_workers()
            run_local(jobs, workers, finish)
    finally:
        db.close()
    order = {s.location: i for i, s in enumerate(sources)}
    outcomes.sort(key=lambda o: order.get(o.source.location, len(order)))
    return BatchResult(outcomes, workers, opts.cluster, opts.lift,
                       time.perf_counter() - started, now_iso())


def now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- overlays --------------------------------------------------------------------------------
def overlay_name(outcome: Outcome) -> str:
    """``<clip stem>-<first 8 of its SHA-256>.mp4``: unique even for same-named clips."""
    return f"{Path(outcome.source.name).stem}-{(outcome.sha256 or 'video')[:8]}.mp4"


def write_overlays(result: BatchResult, folder: Path, on_done=None) -> list[Path]:
    """An annotated video for every local clip analysed now or earlier (resumed).

    Landmarks come from the pose cache, so a clip analysed on this machine is drawn without
    running the model again. An overlay already in ``folder`` is kept.
    """
    from repcheck.pose.extract import extract
    from repcheck.report.overlay import write_overlay

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the overlay folder {folder}: {exc.strerror}") from None
    written = []
    for outcome in result.outcomes:
        if outcome.status not in (ANALYSED, RESUMED) or outcome.analysis is None \
                or is_s3(outcome.source.location):
            continue
        out = folder / overlay_name(outcome)
        if not out.exists():
            video = Path(outcome.source.location)
            write_overlay(video, extract(video, workers=1), outcome.analysis, out)
            written.append(out)
        if on_done is not None:
            on_done(out)
    return written
