"""The 33 BlazePose landmarks as data, and :class:`LandmarkSeries`, the pose artifact.

A ``LandmarkSeries`` is what the model saw, frame by frame: times in seconds, x/y in
pixels of the upright source video (z in the same pixel scale, relative to the hips, as
BlazePose defines it), per-landmark visibility, optional world coordinates in metres, and
the provenance needed to trust a cached copy (source SHA-256, pose settings, format
version). Frames where nobody was found hold NaN.

It is saved as a compressed ``.npz`` with a JSON header, so it can be written by the
extractor, cached, committed as a small test fixture and read back without mediapipe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "repcheck.landmarks"
FORMAT_VERSION = 1

#: BlazePose landmark order (index = position). Names are the ones MediaPipe documents.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
N_LANDMARKS = len(LANDMARK_NAMES)
_INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}


def landmark_index(name: str) -> int:
    """Index of a landmark name; raises ``KeyError`` naming the typo otherwise."""
    try:
        return _INDEX[name]
    except KeyError:
        raise KeyError(f"unknown landmark {name!r}") from None


def mirror_name(name: str) -> str:
    """``left_knee`` <-> ``right_knee``; names without a side map to themselves."""
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


#: For each index, the index of its left/right mirror (used to repair swaps).
MIRROR_INDEX: tuple[int, ...] = tuple(landmark_index(mirror_name(n)) for n in LANDMARK_NAMES)


@dataclass
class LandmarkSeries:
    """Landmarks of one person over time. Arrays are indexed ``[frame, landmark, ...]``."""

    times: np.ndarray  # (T,) seconds, increasing
    xyz: np.ndarray  # (T, 33, 3) float32; x, y pixels in the upright source; z same scale
    visibility: np.ndarray  # (T, 33) float32 in [0, 1]; 0 where nobody was found
    image_size: tuple[int, int]  # (width, height) of the upright source video
    fps: float  # nominal rate of the source
    source_sha256: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    world: np.ndarray | None = None  # (T, 33, 3) metres, hip-centred, or None
    frame_index: np.ndarray | None = None  # (T,) source frame numbers; default 0..T-1

    def __post_init__(self) -> None:
        self.times = np.asarray(self.times, dtype=np.float64)
        self.xyz = np.asarray(self.xyz, dtype=np.float32)
        self.visibility = np.asarray(self.visibility, dtype=np.float32)
        n = len(self.times)
        if self.xyz.shape != (n, N_LANDMARKS, 3) or self.visibility.shape != (n, N_LANDMARKS):
            raise ValueError(f"inconsistent shapes: times {self.times.shape}, xyz "
                             f"{self.xyz.shape}, visibility {self.visibility.shape}")
        if n > 1 and not np.all(np.diff(self.times) > 0):
            raise ValueError("times must increase")
        if self.frame_index is None:
            self.frame_index = np.arange(n, dtype=np.int64)
        self.image_size = (int(self.image_size[0]), int(self.image_size[1]))

    # -- access -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.times)

    @property
    def duration_s(self) -> float:
        return float(self.times[-1] - self.times[0]) if len(self) > 1 else 0.0

    @property
    def detected(self) -> np.ndarray:
        """(T,) bool: the model found a person in this frame."""
        return np.isfinite(self.xyz[:, :, 0]).any(axis=1)

    def xy(self, name: str) -> np.ndarray:
        """(T, 2) pixel positions of one landmark."""
        return self.xyz[:, landmark_index(name), :2]

    def vis(self, name: str) -> np.ndarray:
        return self.visibility[:, landmark_index(name)]

    def select(self, mask_or_slice) -> LandmarkSeries:
        """A new series holding only the chosen frames."""
        sel = mask_or_slice
        return LandmarkSeries(
            self.times[sel], self.xyz[sel], self.visibility[sel], self.image_size, self.fps,
            self.source_sha256, dict(self.settings),
            None if self.world is None else self.world[sel], self.frame_index[sel],
        )

    def replace(self, **changes) -> LandmarkSeries:
        fields = dict(times=self.times, xyz=self.xyz, visibility=self.visibility,
                      image_size=self.image_size, fps=self.fps,
                      source_sha256=self.source_sha256, settings=dict(self.settings),
                      world=self.world, frame_index=self.frame_index)
        fields.update(changes)
        return LandmarkSeries(**fields)

    # -- persistence ------------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": FORMAT_VERSION,
                "image_size": list(self.image_size), "fps": self.fps,
                "source_sha256": self.source_sha256, "settings": self.settings,
                "landmarks": list(LANDMARK_NAMES)}

    def save(self, path: str | Path) -> Path:
        """Write a compressed ``.npz`` atomically (temp file + rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"times": self.times, "xyz": self.xyz, "visibility": self.visibility,
                  "frame_index": self.frame_index,
                  "header": np.frombuffer(json.dumps(self.header()).encode(), dtype=np.uint8)}
        if self.world is not None:
            arrays["world"] = self.world.astype(np.float32)
        tmp = path.with_name(path.name + ".part")
        with tmp.open("wb") as fh:
            np.savez_compressed(fh, **arrays)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> LandmarkSeries:
        """Read a file written by :meth:`save`; raises ``ValueError`` for anything else."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode())
                arrays = {k: data[k] for k in data.files if k != "header"}
        except (OSError, KeyError, ValueError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path} is not a landmark file: {exc}") from None
        if header.get("format") != FORMAT or header.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported landmark format {header.get('format')!r} "
                             f"v{header.get('version')}")
        if tuple(header.get("landmarks", ())) != LANDMARK_NAMES:
            raise ValueError(f"{path}: landmark table differs from BlazePose's 33 names")
        return cls(arrays["times"], arrays["xyz"], arrays["visibility"],
                   tuple(header["image_size"]), float(header["fps"]),
                   header.get("source_sha256", ""), header.get("settings", {}),
                   arrays.get("world"), arrays.get("frame_index"))
