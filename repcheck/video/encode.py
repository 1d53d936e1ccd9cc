"""Writing H.264 MP4 that plays everywhere, with PyAV (which bundles FFmpeg and libx264).

OpenCV's pip wheel has no H.264 encoder, and its VideoWriter cannot write the display
matrix that phones use for portrait clips; PyAV does both. Output is yuv420p with the index
at the front of the file (``+faststart``), which browsers need to start playing before the
whole file has arrived. PyAV is imported inside the methods.
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
        preset: str = "medium",
        threads: int = 1,
    ) -> None:
        self.path = Path(path)
        self.width, self.height, self.fps = width, height, fps
        self.codec, self.crf, self.rotate = codec, crf, rotation_metadata
        self.preset, self.threads = preset, threads
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
        self._container = av.open(str(self.path), mode="w",
                                  options={"movflags": "+faststart"})
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = self._container.add_stream(CODECS[self.codec], rate=rate)
        stream.width, stream.height = self.stored_size
        stream.pix_fmt = "yuv420p"
        if self.codec == "h264":
            # No B-frames, so any decoder returns frames in order with exact counts. One
            # thread (the default) also makes the output byte-for-byte deterministic.
            stream.options = {"crf": str(self.crf), "preset": self.preset, "bf": "0",
                              "threads": str(self.threads)}
            stream.codec_context.thread_count = self.threads
        else:
            stream.codec_context.bit_rate = int(self.width * self.height * self.fps * 0.1)
        if self.rotate:
            stream.set_display_rotation(PORTRAIT_ROTATION)
        self._stream = stream
        self._time_base = 1 / rate
        return self

    def write(self, frame_bgr: np.ndarray, pixel_format: str = "bgr24") -> None:
        import av

        if frame_bgr.shape[:2] != (self.height, self.width):
            raise ValueError(
                f"frame is {frame_bgr.shape[1]}x{frame_bgr.shape[0]}, "
                f"expected {self.width}x{self.height}"
            )
        stored = np.ascontiguousarray(np.rot90(frame_bgr, 1)) if self.rotate else frame_bgr
        vf = av.VideoFrame.from_ndarray(stored, format=pixel_format)
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


