"""Writing clips the way phones do: H.264 in MP4, portrait as landscape plus a display matrix.

A phone held upright records landscape sensor frames and writes a display matrix into the
MP4 track header that tells players to turn the picture 90 degrees clockwise. With
``rotation_metadata`` the writer does the same: it stores each portrait frame turned 90
degrees counter-clockwise and sets the stream's display rotation to -90 degrees (the value
``ffprobe`` reports for an iPhone portrait clip; OpenCV reports 90 through
``CAP_PROP_ORIENTATION_META``). OpenCV's own VideoWriter cannot write that matrix, and its
pip wheel has no H.264 encoder, hence PyAV (``av``), which bundles FFmpeg with libx264.

PyAV is imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from repcheck.video.encode import CODECS, PORTRAIT_ROTATION, ClipWriter  # noqa: F401


def read_rotation(path: Path) -> int:
    """Display rotation in degrees (counter-clockwise, ffprobe's sign), 0 when none."""
    import av

    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return int(round(frame.rotation or 0))
    return 0


def read_frames(path: Path, *, apply_rotation: bool = True) -> np.ndarray:
    """All frames as BGR (N, H, W, 3), turned upright when the file carries a rotation."""
    import av

    frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            img = frame.to_ndarray(format="bgr24")
            rot = int(round(frame.rotation or 0)) if apply_rotation else 0
            if rot:
                img = np.ascontiguousarray(np.rot90(img, (rot // 90) % 4))
            frames.append(img)
    return np.stack(frames) if frames else np.zeros((0, 0, 0, 3), np.uint8)
