"""What a video file holds, checked before any decoding work starts.

``probe_video`` opens the file once with OpenCV's FFmpeg backend and returns a frozen
:class:`VideoInfo`. Every way a file can be unusable becomes a :class:`VideoError` with a
hint, so the CLI prints one line instead of a traceback:

* missing file or a folder -> ``NotFoundError``;
* not a video at all, or damaged so badly FFmpeg cannot open it -> ``VideoError``;
* an MP4/MOV family file that holds only sound (detected from its ``hdlr`` boxes, because
  FFmpeg through OpenCV just reports "cannot open") -> ``VideoError`` saying so;
* zero frames, or longer than :data:`MAX_DURATION_S` -> ``VideoError``.

Rotation: phone clips store portrait video as landscape pixels plus a display matrix.
Measured on opencv-contrib-python 4.11.0 (FFmpeg 5.1): ``CAP_PROP_ORIENTATION_META``
reports the angle (90/180/270) correctly, but ``CAP_PROP_ORIENTATION_AUTO`` reads 0 and
frames come out *unrotated* until it is set to 1 explicitly. ``VideoInfo.width/height``
are the upright (display) size; ``coded_width/height`` are the stored size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from repcheck.errors import NotFoundError, VideoError

#: Containers RepCheck accepts (by suffix). Others are tried anyway, but the hint differs.
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")
#: A set of even 20 reps fits easily; longer files are almost always whole sessions.
MAX_DURATION_S = 600.0
_ISO_BMFF = (".mp4", ".mov", ".m4v", ".m4a", ".3gp")


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    width: int  # upright (display) width in pixels
    height: int  # upright (display) height in pixels
    coded_width: int
    coded_height: int
    rotation: int  # degrees clockwise the stored frames must turn to be upright
    fps: float  # nominal frame rate from the container (real frame times may vary)
    frame_count: int  # from the container; an estimate for some formats
    duration_s: float
    codec: str
    size_bytes: int

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width


def load_cv2():
    """Import OpenCV with its own console logging silenced (errors reach users as
    :class:`VideoError` instead of ``[ WARN:0@0.009] global cap.cpp...`` lines)."""
    import cv2

    if not os.environ.get("REPCHECK_DEBUG"):
        cv2.setLogLevel(0)  # 0 = silent (the pip wheel lacks cv2.utils.logging)
    return cv2


def probe_video(path: str | Path) -> VideoInfo:
    """Open ``path`` and describe it, or raise a one-line error saying why it is unusable."""
    cv2 = load_cv2()
    path = Path(path)
    check_file(path)
    if sniff_container(path) is None:
        raise VideoError(f"{path.name} is not a video RepCheck can read",
                         f"use one of {', '.join(VIDEO_SUFFIXES)}")
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        if not cap.isOpened():
            raise unreadable_error(path)
        info = read_info(cap, path)
    finally:
        cap.release()
    validate_info(info)
    return info


def check_file(path: Path) -> None:
    if not path.exists():
        raise NotFoundError(f"video {path} does not exist", "check the path")
    if not path.is_file():
        raise VideoError(f"{path} is not a file", "give the path of a video file")
    if path.stat().st_size == 0:
        raise VideoError(f"{path} is empty (0 bytes)", "copy the video again from the phone")


def read_info(cap, path: Path) -> VideoInfo:
    import cv2

    coded_w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    coded_h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if coded_w <= 0 or coded_h <= 0:
        raise unreadable_error(path)
    rotation = int(round(cap.get(cv2.CAP_PROP_ORIENTATION_META))) % 360
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    count = max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
    fourcc = int(cap.get(cv2.CAP_PROP_FOURCC))
    codec = "".join(chr((fourcc >> (8 * i)) & 0xFF) for i in range(4)).strip("\x00 ") or "?"
    duration = count / fps if fps > 0 else 0.0
    width, height = (coded_h, coded_w) if rotation in (90, 270) else (coded_w, coded_h)
    return VideoInfo(path, width, height, coded_w, coded_h, rotation, fps, count, duration,
                     codec, path.stat().st_size)


def validate_info(info: VideoInfo) -> None:
    if info.frame_count == 0:
        raise VideoError(f"{info.path.name} has no video frames",
                         "record the set again or export the clip from the phone's gallery")
    if info.duration_s > MAX_DURATION_S:
        minutes = info.duration_s / 60
        raise VideoError(
            f"{info.path.name} is {minutes:.1f} minutes long; RepCheck analyses one set "
            f"(at most {MAX_DURATION_S / 60:.0f} minutes)",
            "trim the clip to the set you want checked",
        )


#: Container signatures: (name, offset, magic bytes). FFmpeg happily "decodes" a text file
#: as video (its tty demuxer), so RepCheck only hands files with one of these to it.
SIGNATURES: tuple[tuple[str, int, bytes], ...] = (
    *(("iso-bmff", 4, box) for box in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")),
    ("avi", 8, b"AVI "),
    ("matroska", 0, b"\x1a\x45\xdf\xa3"),  # mkv and webm
    ("mpeg-ps", 0, b"\x00\x00\x01\xba"),
    ("mpeg-ts", 0, b"\x47"),
    ("flv", 0, b"FLV"),
    ("asf", 0, b"\x30\x26\xb2\x75"),
)


def sniff_container(path: Path) -> str | None:
    """The container family named by the file's first bytes, or None if none matches."""
    with path.open("rb") as fh:
        head = fh.read(16)
    for name, offset, magic in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            if name == "mpeg-ts" and not _ts_sync(path):
                continue
            return name
    return None


def _ts_sync(path: Path) -> bool:
    with path.open("rb") as fh:
        data = fh.read(188 * 3)
    return len(data) == 188 * 3 and data[188] == data[376] == 0x47


def unreadable_error(path: Path) -> VideoError:
    if is_audio_only(path):
        return VideoError(f"{path.name} holds only sound, no video track",
                          "give the video file, not an audio export")
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return VideoError(f"cannot read {path.name} as a video (damaged or truncated file)",
                          "copy the clip again from the phone; an interrupted transfer "
                          "leaves a file that cannot be opened")
    return VideoError(f"{path.name} is not a video RepCheck can read",
                      f"use one of {', '.join(VIDEO_SUFFIXES)}")


def is_audio_only(path: Path) -> bool:
    """True if an MP4/MOV-family file declares a sound track and no video track.

    Track handlers live in ``hdlr`` boxes inside ``moov``; reading the head and tail of the
    file covers both "fast start" files and files whose ``moov`` comes last.
    """
    if path.suffix.lower() not in _ISO_BMFF:
        return False
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
        fh.seek(max(size - (1 << 20), 0))
        tail = fh.read(1 << 20)
    blob = head + tail
    return b"hdlrsoun" in _handlers(blob) and b"hdlrvide" not in _handlers(blob)


def _handlers(blob: bytes) -> set[bytes]:
    # hdlr box: 'hdlr' + version/flags (4) + pre_defined (4) + handler_type (4)
    found = set()
    start = 0
    while (i := blob.find(b"hdlr", start)) >= 0:
        found.add(b"hdlr" + blob[i + 12:i + 16])
        start = i + 4
    return found
