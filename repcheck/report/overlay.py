"""The annotated video: skeleton, bar path, rep counter, depth line and each rep's verdict.

Frames are decoded again, upright and at full size, and drawn on with OpenCV; the landmark
coordinates are those of the analysis (pixels of the upright video), so nothing is
re-estimated. The output is H.264 in MP4 (see :mod:`repcheck.video.encode`) at the input's
display size and orientation, so it plays in ordinary players and in web browsers.

The bar is not tracked as an object: its path is drawn from a body proxy that rides with
it — the mid-shoulder point for the squat (bar on the back), the mid-wrist point for the
other lifts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from repcheck.errors import InputError

# Segments of the drawn skeleton, as landmark-name pairs.
BONES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_foot_index"), ("right_ankle", "right_foot_index"),
)
BAR_PROXY = {"squat": "shoulder", "bench": "wrist", "deadlift": "wrist", "press": "wrist"}
MIN_VISIBILITY = 0.5
VERDICT_COLOUR = {"pass": (80, 200, 80), "fail": (230, 60, 60), "warn": (240, 190, 40)}  # RGB
SUFFIXES = (".mp4", ".m4v", ".mov")


@dataclass(frozen=True)
class RepMark:
    number: int
    start: float
    end: float
    verdict: str  # worst verdict of the rep's findings: pass, warn or fail


def check_output(path: Path) -> None:
    """Refuse an unusable output path before any work is done."""
    if path.is_dir():
        raise InputError(f"{path} is a folder", "give a file name, e.g. out.mp4")
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"the overlay must be an MP4 file, not {path.suffix or 'no extension'}",
                         "e.g. --overlay out.mp4")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"cannot write to {parent}", "choose a writable folder")


def rep_marks(analysis: dict[str, Any]) -> list[RepMark]:
    worst: dict[int, str] = {}
    rank = {"pass": 0, "warn": 1, "fail": 2}
    for f in analysis.get("findings", []):
        rep, verdict = f.get("rep"), f.get("verdict")
        if rep is not None and verdict in rank and rank[verdict] >= rank.get(worst.get(rep), -1):
            worst[rep] = verdict
    return [RepMark(r["number"], r["start_s"], r["end_s"], worst.get(r["number"], "pass"))
            for r in analysis.get("reps", [])]


def write_overlay(video: Path, series, analysis: dict[str, Any], out: Path,
                  progress=None) -> int:
    """Draw the analysis onto the video; returns the number of frames written."""
    import cv2

    from repcheck.video.decode import iter_frames
    from repcheck.video.encode import ClipWriter
    from repcheck.video.probe import probe_video

    check_output(out)
    info = probe_video(video)
    lift = (analysis.get("lift") or {}).get("name")
    marks = rep_marks(analysis)
    pts = _points(series)
    bar = bar_track(series, lift)
    tmp = out.with_name(f".{out.stem}.partial{out.suffix}")
    width, height = _even(info.width), _even(info.height)
    written = 0
    def drawn_frames():
        for frame in iter_frames(video, max_side=max(info.width, info.height), info=info):
            img = frame.rgb  # drawn on in RGB: colours below are (R, G, B)
            i = _nearest(series.times, frame.time_s)
            _draw_frame(cv2, img, pts, bar, i, frame.time_s, marks, lift)
            yield np.ascontiguousarray(img[:height, :width])

    try:
        # x264 "ultrafast" is the cheapest preset (1080p: ~7 ms a frame here); the file is
        # about twice the size "superfast" would give, which an annotated clip can afford.
        # Decoding and drawing run in a second thread while this one encodes: both spend
        # their time in C code that releases the GIL, so the two overlap on two cores.
        with ClipWriter(tmp, width, height, info.fps or 30.0, preset="ultrafast", crf=23,
                        threads=2) as writer:
            for img in _prefetch(drawn_frames(), depth=8):
                writer.write(img, "rgb24")
                written += 1
                if progress is not None:
                    progress(written, info.frame_count)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written


def _prefetch(items, depth: int):
    """Iterate ``items`` in a background thread, up to ``depth`` ahead; errors re-raised."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                q.put(item)
            q.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put(exc)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (item := q.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(0.05)


def _even(n: int) -> int:
    return n - n % 2  # yuv420p needs even sizes


def _points(series) -> dict[str, np.ndarray]:
    """Per landmark: (T, 2) pixel positions with hidden points set to NaN."""
    names = {n for bone in BONES for n in bone}
    out = {}
    for name in names:
        xy = series.xy(name).copy()
        xy[series.vis(name) < MIN_VISIBILITY] = np.nan
        out[name] = xy
    return out


def bar_track(series, lift: str | None) -> np.ndarray:
    """(T, 2) path of the lift's bar proxy: mid-shoulder for squats, mid-wrist otherwise."""
    from repcheck.pose.angles import side_point

    return side_point(series, "both", BAR_PROXY.get(lift or "", "wrist"))


def _nearest(times: np.ndarray, t: float) -> int:
    i = int(np.searchsorted(times, t))
    if i <= 0:
        return 0
    if i >= len(times):
        return len(times) - 1
    return i if abs(times[i] - t) < abs(times[i - 1] - t) else i - 1


def _draw_frame(cv2, img, pts, bar, i, t, marks, lift) -> None:
    h, w = img.shape[:2]
    thick = max(2, round(min(h, w) / 240))
    for a, b in BONES:
        pa, pb = pts[a][i], pts[b][i]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            cv2.line(img, _ip(pa), _ip(pb), (255, 255, 255), thick + 2, cv2.LINE_AA)
            cv2.line(img, _ip(pa), _ip(pb), (40, 160, 230), thick, cv2.LINE_AA)
    trail = bar[max(0, i - 90):i + 1]
    trail = trail[np.isfinite(trail).all(axis=1)]
    if len(trail) > 1:
        cv2.polylines(img, [trail.astype(np.int32)], False, (255, 215, 0), thick, cv2.LINE_AA)
    if lift == "squat":
        _draw_depth_line(cv2, img, pts, i, thick)
    _draw_counter(cv2, img, t, marks, thick)


def _draw_depth_line(cv2, img, pts, i, thick) -> None:
    """A line at the top of the knee; the hip marker turns green once it is below it."""
    for side in ("left", "right"):
        hip, knee = pts[f"{side}_hip"][i], pts[f"{side}_knee"][i]
        if np.isfinite(hip).all() and np.isfinite(knee).all():
            x0, x1 = int(knee[0] - img.shape[1] * 0.12), int(knee[0] + img.shape[1] * 0.12)
            cv2.line(img, (x0, int(knee[1])), (x1, int(knee[1])), (200, 200, 200), thick,
                     cv2.LINE_AA)
            colour = VERDICT_COLOUR["pass" if hip[1] >= knee[1] else "fail"]
            cv2.circle(img, _ip(hip), thick * 3, colour, -1, cv2.LINE_AA)
            return


def _draw_counter(cv2, img, t, marks, thick) -> None:
    done = [m for m in marks if m.end <= t]
    current = next((m for m in marks if m.start <= t < m.end), None)
    scale = max(0.6, img.shape[0] / 900)
    label = f"Rep {current.number}" if current else f"Reps {len(done)}/{len(marks)}"
    org = (int(20 * scale), int(45 * scale))
    cv2.putText(img, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 3,
                cv2.LINE_AA)
    cv2.putText(img, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thick,
                cv2.LINE_AA)
    for k, m in enumerate(done):
        centre = (int((30 + 34 * k) * scale), int(75 * scale))
        cv2.circle(img, centre, int(12 * scale), VERDICT_COLOUR.get(m.verdict, (200, 200, 200)),
                   -1, cv2.LINE_AA)


def _ip(p: np.ndarray) -> tuple[int, int]:
    return int(round(p[0])), int(round(p[1]))
