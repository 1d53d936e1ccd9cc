"""Decode a video into upright RGB frames, each with its real presentation time.

Design:

* **Upright.** OpenCV 4.11 reads the rotation angle but does not apply it unless
  ``CAP_PROP_ORIENTATION_AUTO`` is set to 1 (see :mod:`repcheck.video.probe`). We set it,
  and if a frame still comes out in the stored orientation we turn it ourselves, so a
  portrait phone clip is always portrait here.
* **Real times.** Phone clips can have a variable frame rate, so each frame carries the
  time FFmpeg reports for it (``CAP_PROP_POS_MSEC``), not ``index / fps``. If the backend
  returns a time that does not increase, we fall back to the previous time plus one
  nominal frame interval.
* **Small enough.** Frames whose long side exceeds ``max_side`` (4K clips, say) are shrunk
  with area averaging before anyone else sees them. Pose landmarks are normalised, so
  callers scale them back to the upright source size in :class:`VideoInfo`.
* **Ranges.** ``start``/``stop`` frame indices let several workers decode overlapping
  chunks of one file in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repcheck.errors import VideoError
from repcheck.video.probe import VideoInfo, load_cv2, probe_video

#: Long-side limit before pose estimation. BlazePose crops and resizes to 256 px itself and
#: its time per frame is flat in the input size (DESIGN.md), so 1080p passes untouched
#: (resizing it would cost more than it saves: 1920->1280 took 15 ms/frame with
#: INTER_AREA, 4 ms with INTER_LINEAR) and only larger frames (4K) are shrunk.
DEFAULT_MAX_SIDE = 1920
#: Where :func:`check_decodable_end` seeks, as a fraction of the promised frame count. Not
#: 1.0: real clips promise more than they hold (kminsik/bench.mp4: 254 promised, 225
#: decodable, because the count is derived from a longer audio track's duration).
TRUNCATION_PROBE = 0.75


@dataclass(frozen=True)
class Frame:
    index: int  # 0-based decode order in the file
    time_s: float  # presentation time in seconds
    rgb: np.ndarray  # H x W x 3 uint8, upright, possibly downscaled


def iter_frames(
    path: str | Path,
    *,
    max_side: int = DEFAULT_MAX_SIDE,
    start: int = 0,
    stop: int | None = None,
    stride: int = 1,
    info: VideoInfo | None = None,
) -> Iterator[Frame]:
    """Yield upright RGB frames ``start <= index < stop`` with their times.

    With ``stride`` > 1 only frames whose index is a multiple of it are converted and
    yielded (the others are still decoded, as codecs require, but skip the colour
    conversion). Raises :class:`VideoError` if no frame in the range can be decoded.
    """
    info = info or probe_video(path)
    cap = open_capture(info)
    try:
        if start > 0:
            seek_frame(cap, start)
        yield from _read_frames(cap, info, max_side, start, stop, max(1, stride))
    finally:
        cap.release()


def _read_frames(cap, info: VideoInfo, max_side: int, start: int, stop: int | None,
                 stride: int):
    cv2 = load_cv2()

    step = 1.0 / info.fps if info.fps > 0 else 1 / 30
    index, last_t, produced = start, -np.inf, 0
    while stop is None or index < stop:
        if index % stride:
            if not cap.grab():
                break
            index += 1
            continue
        ok, bgr = cap.read()
        if not ok or bgr is None:
            break
        t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not np.isfinite(t) or t <= last_t:
            t = (last_t + step * stride) if np.isfinite(last_t) else index * step
        last_t = t
        yield Frame(index, t, to_upright_rgb(bgr, info, max_side))
        index += 1
        produced += 1
    if produced == 0:
        raise VideoError(f"no frames could be decoded from {info.path.name}"
                         + (f" after frame {start}" if start else ""),
                         "the file may be damaged; copy it again from the phone")


def open_capture(info: VideoInfo):
    """An OpenCV capture that applies the rotation metadata."""
    cv2 = load_cv2()

    cap = cv2.VideoCapture(str(info.path), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        raise VideoError(f"cannot open {info.path.name} for decoding")
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def seek_frame(cap, index: int) -> None:
    """Position ``cap`` so the next read returns frame ``index``.

    OpenCV's FFmpeg backend seeks to the preceding key frame and decodes forward, which
    is frame-accurate for the constant-GOP files phones write.
    """
    cv2 = load_cv2()

    cap.set(cv2.CAP_PROP_POS_FRAMES, index)


def to_upright_rgb(bgr: np.ndarray, info: VideoInfo, max_side: int) -> np.ndarray:
    cv2 = load_cv2()

    h, w = bgr.shape[:2]
    if info.rotation in (90, 270) and (w, h) == (info.coded_width, info.coded_height) \
            and info.coded_width != info.coded_height:
        # The backend ignored ORIENTATION_AUTO: turn the frame ourselves.
        code = cv2.ROTATE_90_CLOCKWISE if info.rotation == 90 else cv2.ROTATE_90_COUNTERCLOCKWISE
        bgr = cv2.rotate(bgr, code)
        h, w = bgr.shape[:2]
    scale = max_side / max(h, w)
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def check_decodable_end(info: VideoInfo) -> None:
    """Raise if the last frames the container promises cannot be decoded (a cut-off file).

    One seek near the end is far cheaper than discovering the truncation after pose
    estimation has run over the whole clip.
    """
    if info.frame_count < 2:
        return
    cap = open_capture(info)
    try:
        probe_at = max(int(info.frame_count * TRUNCATION_PROBE) - 1, 0)
        seek_frame(cap, probe_at)
        ok, _ = cap.read()
    finally:
        cap.release()
    if not ok:
        raise VideoError(
            f"{info.path.name} is truncated: the container promises {info.frame_count} frames "
            f"but decoding stops before frame {probe_at}",
            "copy the clip again from the phone; the transfer was probably interrupted",
        )


def read_all_frames(path: str | Path, max_side: int = DEFAULT_MAX_SIDE) -> list[Frame]:
    """Every frame of a (short) clip in memory; for tests and small tools."""
    return list(iter_frames(path, max_side=max_side))
