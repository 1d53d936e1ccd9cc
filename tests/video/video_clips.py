"""Video test helpers and fixtures: tiny clips written on the fly, and the shared real
clips (read in place). A uniquely named module rather than a ``conftest.py``, which would
shadow the root conftest that other tests import from."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clips():
    """Tiny test clips: ``clips.write(path, ...)`` and ``clips.rotate(path, degrees)``."""

    class Clips:
        write = staticmethod(write_clip)
        rotate = staticmethod(set_rotation)

    return Clips


def write_clip(path: Path, w: int = 64, h: int = 32, n: int = 10, fps: float = 30.0,
               fourcc: str = "mp4v") -> Path:
    """A clip whose frames are black with a red block in the top-left corner."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    if not writer.isOpened():
        pytest.skip(f"this OpenCV build cannot write {fourcc} into {path.suffix}")
    for _ in range(n):
        frame = np.zeros((h, w, 3), np.uint8)
        frame[: h // 2, : w // 4] = (0, 0, 255)  # BGR red
        writer.write(frame)
    writer.release()
    return path


def set_rotation(path: Path, degrees: int) -> Path:
    """Patch the track header's display matrix the way a phone does for portrait video."""
    one = 0x10000
    matrices = {90: [0, one, 0, -one, 0, 0, 0, 0, 0x40000000],
                180: [-one, 0, 0, 0, -one, 0, 0, 0, 0x40000000],
                270: [0, -one, 0, one, 0, 0, 0, 0, 0x40000000]}
    data = bytearray(path.read_bytes())
    i = data.find(b"tkhd")
    version = data[i + 4]
    # size/type precede i; then version+flags, times, track id, reserved, duration,
    # reserved[2], layer, alternate group, volume, reserved -> matrix
    offset = i + 4 + 4 + (8 if version == 0 else 16) + 4 + 4 + (4 if version == 0 else 8) + 16
    data[offset:offset + 36] = struct.pack(">9i", *matrices[degrees])
    path.write_bytes(bytes(data))
    return path
