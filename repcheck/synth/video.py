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

CODECS = {"h264": "libx264", "mpeg4": "mpeg4"}
PORTRAIT_ROTATION = -90  # display matrix rotation, degrees counter-clockwise


class ClipWriter:
    """Context manager: ``with ClipWriter(path, w, h, fps) as out: out.write(bgr_frame)``.

    ``width`` and ``height`` are the *display* size; frames passed in are display-oriented.
    """

    def __init__(
        self,
        path: Path,
        width: int,
        height: int,
        fps: float,
        *,
        codec: str = "h264",
        crf: int = 26,
        rotation_metadata: bool = False,
    ) -> None:
        self.path = Path(path)
        self.width, self.height, self.fps = width, height, fps
        self.codec, self.crf, self.rotate = codec, crf, rotation_metadata
        self.frames = 0
        self._container = None
        self._stream = None

    @property
    def stored_size(self) -> tuple[int, int]:
        return (self.height, self.width) if self.rotate else (self.width, self.height)

    def __enter__(self) -> ClipWriter:
        from fractions import Fraction

        import av

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(str(self.path), mode="w")
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream(CODECS[self.codec], rate=rate)
        stream.width, stream.height = self.stored_size
        stream.pix_fmt = "yuv420p"
        if self.codec == "h264":
            # Deterministic output: one thread, fixed preset; no B-frames so any decoder
            # returns frames in order with exact counts.
            stream.options = {"crf": str(self.crf), "preset": "medium", "bf": "0", "threads": "1"}
            stream.codec_context.thread_count = 1
        else:
            stream.codec_context.bit_rate = int(self.width * self.height * self.fps * 0.1)
        if self.rotate:
            stream.set_display_rotation(PORTRAIT_ROTATION)
        self._stream = stream
        self._time_base = 1 / rate
        return self

    def write(self, frame_bgr: np.ndarray) -> None:
        import av

        if frame_bgr.shape[:2] != (self.height, self.width):
            raise ValueError(
                f"frame is {frame_bgr.shape[1]}x{frame_bgr.shape[0]}, "
                f"expected {self.width}x{self.height}"
            )
        stored = np.ascontiguousarray(np.rot90(frame_bgr, 1)) if self.rotate else frame_bgr
        vf = av.VideoFrame.from_ndarray(stored, format="bgr24")
        vf.pts = self.frames
        vf.time_base = self._time_base
        for packet in self._stream.encode(vf):
            self._container.mux(packet)
        self.frames += 1

    def __exit__(self, *exc) -> None:
        if self._stream is not None:
            for packet in self._stream.encode():
                self._container.mux(packet)
        if self._container is not None:
            self._container.close()


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
