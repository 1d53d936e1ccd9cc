"""Run BlazePose over a video and return a :class:`LandmarkSeries` (cached on disk).

This is the one module that imports mediapipe (and, with :mod:`repcheck.video`, OpenCV),
always inside functions. It is the pose backend behind one small interface,
``extract(video) -> LandmarkSeries``; another backend (the Tasks API with a user-supplied
``.task`` model, say) would be another function with the same shape and its own
``PoseSettings.backend`` value, and nothing downstream would change.

Cache. Results are stored under ``get_paths().landmarks_cache`` as
``<sha256 of the video>-<hash of the settings>.npz``. The key is the file's content, so a
renamed or copied video hits the cache and an edited one misses it; changing any pose
setting misses it too. A cache entry that cannot be read is ignored and rewritten.

Parallelism. Measured here: BlazePose in VIDEO (tracking) mode takes 12-20 ms a frame on
one core, decoding 1080p another 2-3 ms. Clips longer than ``MIN_FRAMES_PER_WORKER``
frames per core are split into contiguous chunks, each decoded and tracked by its own
process (15 s of 1080p30: 7.2 s on one process, 4.9 s on two). Each chunk after the first
starts ``CHUNK_WARMUP`` frames early so its tracker has locked on by the chunk boundary;
those warm-up frames are discarded. The calling process runs the first chunk itself.
Tracking state differs after the seam, so a 2-process result matches the 1-process one
exactly before the seam and to a few pixels after it (see tests/pose/test_extract.py).

Other people in frame. BlazePose follows one person, not necessarily the lifter (a spotter
standing nearer the camera is often its first pick). Only when the tracked person stands
still all clip, or leaps between bodies while someone else is seen on a few probe frames
(the tracked person painted out), does a second pass track the other person; the lifter
is then chosen between the two (:mod:`repcheck.pose.lifter`). A clip whose lifter is
tracked steadily pays for a few small frame copies only (about 7 ms for 15 s of 1080p).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from repcheck.pose.landmarks import N_LANDMARKS, LandmarkSeries

#: Frames decoded and tracked before a chunk's first kept frame (about 0.5 s at 30 fps).
CHUNK_WARMUP = 15
#: Below this many frames one process is faster than paying for a second one to start.
MIN_FRAMES_PER_WORKER = 120
#: A frame with nobody in it: shown to a tracker to make it drop its lock.
BLANK = np.full((64, 64, 3), 114, np.uint8)

Progress = Callable[[int, int], None]  # (frames done, frames total)
#: A progress callable may also have a ``stage(label)`` method: the second pass (see
#: :func:`follow_lifter`) calls it before counting its frames again from zero, so a bar
#: shows a new stage instead of falling back from 100 %.
SECOND_PASS_LABEL = "Following the lifter past a second person"


@dataclass(frozen=True)
class PoseSettings:
    """Everything that changes the landmarks; part of the cache key."""

    backend: str = "mediapipe-solutions-pose"
    backend_version: str = "0.10.21"
    #: Bump when decoding changes what the model sees (rotation, scaling, frame choice).
    decode_version: int = 1
    model_complexity: int = 1
    smooth_landmarks: bool = False  # we filter at zero phase later; MediaPipe's is causal
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    max_side: int = 1920
    #: Clips above this rate are thinned to it (every 2nd frame of a 60 fps clip): the
    #: analysis is tuned and tested at 30 fps, and pose time is per frame.
    max_fps: float = 30.0
    #: Following the lifter when other people are in frame (:mod:`repcheck.pose.lifter`):
    #: 0 = off (track whoever the model picks), otherwise the method's version; bump it
    #: when the method changes what comes out.
    lifter_tracking: int = 1

    def key(self) -> str:
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


@dataclass(frozen=True)
class ExtractStats:
    frames: int
    seconds: float
    workers: int
    from_cache: bool
    #: Tracking passes run: 2 when a second person was seen and followed too.
    passes: int = 1


def extract(
    video: str | Path,
    settings: PoseSettings = PoseSettings(),
    *,
    workers: int | None = None,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> LandmarkSeries:
    """Landmarks for every frame of ``video``; from the cache when it has them."""
    series, _ = extract_with_stats(video, settings, workers=workers, use_cache=use_cache,
                                   cache_dir=cache_dir, progress=progress)
    return series


def extract_with_stats(
    video: str | Path,
    settings: PoseSettings = PoseSettings(),
    *,
    workers: int | None = None,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> tuple[LandmarkSeries, ExtractStats]:
    """:func:`extract`, plus how long it took, how many processes ran and whether the
    landmarks came from the cache (for benchmarks and tests)."""
    from repcheck.video.decode import check_decodable_end
    from repcheck.video.library import sha256_file  # the library's content address
    from repcheck.video.probe import probe_video

    started = time.perf_counter()
    info = probe_video(video)
    digest = sha256_file(info.path)
    cache_path = cache_file(digest, settings, cache_dir)
    if use_cache and (cached := read_cache(cache_path)) is not None:
        return cached, ExtractStats(len(cached), time.perf_counter() - started, 0, True)
    check_decodable_end(info)
    n_workers = choose_workers(info.frame_count, workers)
    follow = settings.lifter_tracking > 0
    parts = run_chunks(info, settings, n_workers, progress, probe=follow)
    series = assemble_series(parts, info, digest, settings)
    passes = 1
    if follow and needs_second_pass(series, parts):
        series = follow_lifter(series, info, digest, settings, n_workers, progress)
        passes = 2
    if use_cache and series.detected.any():  # nothing is stored for a failed analysis
        try:
            series.save(cache_path)
        except OSError:
            pass  # a read-only or full cache only costs the next run its speed
    return series, ExtractStats(len(series), time.perf_counter() - started, n_workers, False,
                                passes)


def cache_file(digest: str, settings: PoseSettings, cache_dir: Path | None = None) -> Path:
    if cache_dir is None:
        from repcheck.config import get_paths

        cache_dir = get_paths().landmarks_cache
    return Path(cache_dir) / f"{digest}-{settings.key()}.npz"


def read_cache(path: Path) -> LandmarkSeries | None:
    if not path.is_file():
        return None
    try:
        return LandmarkSeries.load(path)
    except ValueError:
        return None  # stale or damaged entry: recompute and overwrite


def frame_stride(fps: float, max_fps: float) -> int:
    """Keep every n-th frame so the rate analysed is at most ``max_fps`` (about)."""
    if fps <= 0 or max_fps <= 0:
        return 1
    return max(1, int(round(fps / max_fps)))


def choose_workers(frame_count: int, requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, frame_count // MIN_FRAMES_PER_WORKER))


def chunk_bounds(frame_count: int, workers: int) -> list[tuple[int, int, int]]:
    """``(decode_from, keep_from, stop)`` for each chunk; the last chunk runs to the end."""
    edges = np.linspace(0, frame_count, workers + 1).round().astype(int)
    bounds = []
    for k in range(workers):
        keep, stop = int(edges[k]), int(edges[k + 1])
        bounds.append((max(0, keep - CHUNK_WARMUP), keep, stop if k < workers - 1 else -1))
    return bounds


def needs_second_pass(first: LandmarkSeries, parts) -> bool:
    """See :func:`repcheck.pose.lifter.second_pass_needed`."""
    from repcheck.pose.lifter import second_pass_needed

    seen = any(p["probe_other"].any() for p in parts if len(p.get("probe_index", ())))
    return second_pass_needed(first.xyz, seen or seams_disagree(parts))


def seams_disagree(parts) -> bool:
    """Whether two chunks' trackers, on the same warm-up frames, followed different bodies.

    Each chunk's tracker starts afresh, and with two people in frame it may pick the other
    one. Where one chunk's warm-up overlaps the previous chunk's last frames, both have
    landmarks for the same frame: a torso a jump apart (:data:`repcheck.pose.lifter.JUMP`)
    means two people were in view, seen for free.
    """
    from repcheck.pose.lifter import JUMP, distance, torso

    for prev, cur in zip(parts, parts[1:], strict=False):
        if not len(cur.get("warm_index", ())) or not len(prev["index"]):
            continue
        at = {int(i): x for i, x in zip(prev["index"], prev["xyz"], strict=True)}
        for i, xyz in zip(cur["warm_index"], cur["warm_xyz"], strict=True):
            a, b = torso(at[int(i)]) if int(i) in at else None, torso(xyz)
            if a is not None and b is not None and distance(a, b) > JUMP:
                return True
    return False


def follow_lifter(first: LandmarkSeries, info, digest: str, settings: PoseSettings,
                  workers: int, progress: Progress | None) -> LandmarkSeries:
    """Track the other person too (the first track painted out of every frame) and return
    whichever of the two is the lifter (:func:`repcheck.pose.lifter.lifter_series`)."""
    from repcheck.pose.lifter import lifter_series

    avoid = {"index": first.frame_index, "xy": first.xyz[:, :, :2]}
    if progress is not None and hasattr(progress, "stage"):
        progress.stage(SECOND_PASS_LABEL)  # the count starts again, under its own label
    parts = run_chunks(info, settings, workers, progress, avoid=avoid)
    second = assemble_series(parts, info, digest, settings)
    return lifter_series(first, second)


def run_chunks(info, settings: PoseSettings, workers: int, progress: Progress | None, *,
               probe: bool = False, avoid: dict[str, np.ndarray] | None = None):
    """Track every chunk; chunks after the first run in child processes.

    Children are plain ``python -m repcheck.pose.extract`` subprocesses rather than a
    multiprocessing pool: ``fork`` crashes once this process has run a MediaPipe graph,
    and ``spawn`` re-imports the caller's ``__main__`` (fatal for ``python -m repcheck``
    and for scripts without a main guard). A child that fails is re-run here, so a
    broken worker costs time, never results.
    """
    bounds = chunk_bounds(info.frame_count, workers)
    opts = {"probe": probe, "avoid": avoid}
    if workers == 1:
        return [track_chunk(info, settings, *bounds[0], progress=progress, **opts)]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="repcheck-pose-") as tmp:
        avoid_path = None
        if avoid is not None:
            avoid_path = Path(tmp) / "avoid.npz"
            np.savez(avoid_path, **avoid)
        children = [start_child(info, settings, b, Path(tmp) / f"chunk{k}.npz", probe,
                                avoid_path)
                    for k, b in enumerate(bounds[1:], start=1)]
        try:
            # The first chunk runs here; its progress stands in for all (same size).
            scaled = (lambda d, t: progress(min(d * workers, t), t)) if progress else None
            parts = [track_chunk(info, settings, *bounds[0], progress=scaled, **opts)]
            for (proc, out), b in zip(children, bounds[1:], strict=True):
                parts.append(collect_child(proc, out) or track_chunk(info, settings, *b,
                                                                       **opts))
        finally:
            for proc, _ in children:  # Ctrl-C or an error here: stop the workers too
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    return parts


def start_child(info, settings: PoseSettings, bounds, out: Path, probe: bool = False,
                avoid: Path | None = None):
    import subprocess
    import sys

    import repcheck

    job = {"video": str(info.path), "settings": asdict(settings), "bounds": list(bounds),
           "out": str(out), "probe": probe, "avoid": str(avoid) if avoid else None}
    env = dict(os.environ)
    root = str(Path(repcheck.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    proc = subprocess.Popen([sys.executable, "-m", "repcheck.pose.extract", json.dumps(job)],
                            env=env, stdout=subprocess.DEVNULL,
                            stderr=None if os.environ.get("REPCHECK_DEBUG") else
                            subprocess.DEVNULL)
    return proc, out


def collect_child(proc, out: Path) -> dict[str, np.ndarray] | None:
    if proc.wait() != 0 or not out.is_file():
        return None
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def run_child_job(job_json: str) -> None:
    """Entry point of a chunk worker process (see :func:`run_chunks`)."""
    from repcheck.video.probe import probe_video

    job = json.loads(job_json)
    info = probe_video(job["video"])
    avoid = None
    if job.get("avoid"):
        with np.load(job["avoid"]) as data:
            avoid = {k: data[k] for k in data.files}
    part = track_chunk(info, PoseSettings(**job["settings"]), *job["bounds"],
                       probe=bool(job.get("probe")), avoid=avoid)
    with open(job["out"], "wb") as fh:
        np.savez(fh, **part)


def track_chunk(info, settings: PoseSettings, decode_from: int, keep_from: int, stop: int,
                progress: Progress | None = None, *, probe: bool = False,
                avoid: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Track one person through frames ``[decode_from, stop)``; keep ``>= keep_from``.

    ``probe``: also look for a second person on this chunk's probe frames if the track
    leaps between bodies (the result gains ``probe_*`` arrays, see :func:`run_probes`).
    ``avoid``: ``{"index", "xy"}`` landmarks of a person to paint out of each frame
    before the model sees it.
    """
    import mediapipe as mp

    from repcheck.pose.lifter import Avoider, find_jumps, probe_indices
    from repcheck.video.decode import iter_frames

    w, h = info.width, info.height
    rows: dict[str, list] = {"index": [], "times": [], "xyz": [], "vis": [], "world": []}
    total = info.frame_count
    stride = frame_stride(info.fps, settings.max_fps)
    last = total if stop < 0 else stop
    probe_at = {i for i in probe_indices(total, info.fps, stride) if keep_from <= i < last}
    avoider = Avoider(avoid["index"], avoid["xy"]) if avoid is not None else None
    kept_probes, warm = [], {"warm_index": [], "warm_xyz": []}
    # MediaPipe's C++ code logs to fd 2 at any frame (absl ignores GLOG_minloglevel), so
    # fd 2 is silenced for the whole run. A progress display must write to its own copy
    # of stderr (the CLI's does).
    with quiet_native_logs(), mp.solutions.pose.Pose(
        static_image_mode=False,
        model_complexity=settings.model_complexity,
        smooth_landmarks=settings.smooth_landmarks,
        enable_segmentation=False,
        min_detection_confidence=settings.min_detection_confidence,
        min_tracking_confidence=settings.min_tracking_confidence,
    ) as pose:
        frames = iter_frames(info.path, max_side=settings.max_side, start=decode_from,
                             stop=None if stop < 0 else stop,
                             stride=stride, info=info)
        for frame in frames:
            image = avoider.paint(frame.index, frame.rgb, w) if avoider else frame.rgb
            xyz, vis, world = landmarks_to_arrays(pose.process(image), w, h)
            if avoider and not avoider.accept(frame.index, xyz):
                pose.process(BLANK)  # drop the lock: the next frame starts afresh
                xyz, vis, world = landmarks_to_arrays(None, w, h)
            if frame.index < keep_from:
                warm["warm_index"].append(frame.index)  # see seams_disagree
                warm["warm_xyz"].append(xyz)
                continue
            if probe and frame.index in probe_at:
                kept_probes.append((frame.index, probe_image(frame.rgb, xyz, w), xyz))
            rows["index"].append(frame.index)
            rows["times"].append(frame.time_s)
            rows["xyz"].append(xyz)
            rows["vis"].append(vis)
            rows["world"].append(world)
            if progress and frame.index % 10 == 0:
                progress(frame.index - keep_from + 1, total)
        if progress:
            progress(total, total)  # the chunk is done, whatever its last frame's number
        out = {k: np.asarray(v) for k, v in rows.items()}
        out["warm_index"] = np.asarray(warm["warm_index"], np.int64)
        out["warm_xyz"] = np.asarray(warm["warm_xyz"], np.float32).reshape(-1, N_LANDMARKS, 3)
        if probe:
            # Probes only matter for a track that leaps (lifter.second_pass_needed), so
            # a steady chunk skips the model runs and keeps only the cheap copies.
            leaps = len(out["xyz"]) and find_jumps(out["xyz"])
            out.update(run_probes(pose, kept_probes if leaps else [], w, h))
    return out


def probe_image(rgb: np.ndarray, tracked_xyz: np.ndarray, width: int) -> np.ndarray:
    """A small copy of a frame with the tracked person painted out (for :func:`run_probes`)."""
    from repcheck.pose.lifter import PROBE_SIDE, paint_out
    from repcheck.video.probe import load_cv2

    f = min(1.0, PROBE_SIDE / max(rgb.shape[:2]))
    small = rgb.copy() if f == 1.0 else load_cv2().resize(
        rgb, (round(rgb.shape[1] * f), round(rgb.shape[0] * f)), interpolation=1)  # LINEAR
    paint_out(small, tracked_xyz, small.shape[1] / width)
    return small


def run_probes(pose, kept, width: int, height: int) -> dict[str, np.ndarray]:
    """Look for someone else on each kept probe frame, with the tracker that just ran.

    Re-using the chunk's own model costs no second start-up (a fresh graph's first frame
    takes 0.15-0.25 s here); its tracking no longer matters once the chunk is done. A blank
    frame before each probe drops the tracker's lock, so the probe frame gets a fresh
    detection over the whole picture.
    """
    from repcheck.pose.lifter import other_person

    index, seen = [], []
    for i, image, tracked in kept:
        pose.process(BLANK)
        xyz, vis, _ = landmarks_to_arrays(pose.process(image), width, height)
        index.append(i)
        seen.append(other_person(xyz, vis, tracked))
    return {"probe_index": np.asarray(index, np.int64), "probe_other": np.asarray(seen, bool)}


@contextlib.contextmanager
def quiet_native_logs():
    """Silence the C++ INFO/WARNING lines TFLite and MediaPipe write straight to fd 2.

    They are noise for users ("Created TensorFlow Lite XNNPACK delegate"); Python
    exceptions are unaffected. ``REPCHECK_DEBUG=1`` keeps them.
    """
    if os.environ.get("REPCHECK_DEBUG"):
        yield
        return
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        saved = os.dup(2)
    except OSError:  # no usable fd 2 (some embedded hosts)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def landmarks_to_arrays(result, width: int, height: int):
    """MediaPipe result -> (33x3 pixels, 33 visibility, 33x3 metres); NaN/0 if no person
    (or no result)."""
    if result is None or result.pose_landmarks is None:
        nan = np.full((N_LANDMARKS, 3), np.nan, np.float32)
        return nan, np.zeros(N_LANDMARKS, np.float32), nan.copy()
    lms = result.pose_landmarks.landmark
    xyz = np.array([(p.x * width, p.y * height, p.z * width) for p in lms], np.float32)
    vis = np.array([p.visibility for p in lms], np.float32)
    wl = result.pose_world_landmarks
    world = (np.array([(p.x, p.y, p.z) for p in wl.landmark], np.float32) if wl is not None
             else np.full((N_LANDMARKS, 3), np.nan, np.float32))
    return xyz, vis, world


def assemble_series(parts, info, digest: str, settings: PoseSettings) -> LandmarkSeries:
    parts = [p for p in parts if len(p["index"])]
    keys = [k for k in parts[0] if not k.startswith(("probe_", "warm_"))]
    cat = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    times = force_increasing(cat["times"], info.fps)
    return LandmarkSeries(times, cat["xyz"], cat["vis"], (info.width, info.height), info.fps,
                          digest, asdict(settings), cat["world"], cat["index"])


def force_increasing(times: np.ndarray, fps: float) -> np.ndarray:
    """Chunk seams can repeat a timestamp; nudge any non-increasing time forward."""
    out = np.asarray(times, np.float64).copy()
    step = 1.0 / fps if fps > 0 else 1 / 30
    for i in range(1, len(out)):
        if out[i] <= out[i - 1]:
            out[i] = out[i - 1] + step
    return out


if __name__ == "__main__":
    import sys

    run_child_job(sys.argv[1])
