"""Ground truth written beside every synthetic clip: format (version 1), writer and reader.

The file is ``<clip>.truth.json`` next to ``<clip>.mp4``. Everything a test or a benchmark
needs to score an analysis is in it, so nothing has to re-run the renderer.

Top-level keys (format ``repcheck-synth-truth``, ``version`` 1)::

    format, version          "repcheck-synth-truth", 1
    generator                {"name": "repcheck.synth", "version": <repcheck version>}
    lift                     "squat" | "bench" | "deadlift" | "press"
    video                    {"file", "width", "height" (display size, px), "fps",
                              "frame_count", "duration_s", "codec",
                              "rotation_deg" (display matrix, ffprobe's sign: -90 = phone
                              portrait, 0 = none), "stored_width", "stored_height"}
    barbell                  {"load_kg", "plates_per_side_kg", "plate_radius_m"}
    conventions              world frame and sign conventions, as sentences
    landmarks                BlazePose's 33 names, in BlazePose's index order
    cameras                  one per shot: {"shot", "start_s", "view", "azimuth_deg",
                              "height_m", "distance_m", "fov_deg", "position_m", "look_at_m",
                              "focal_px", "K", "R", "t"}; x_cam = R @ x_world + t,
                              pixel = K @ x_cam / z_cam, in display pixels
    frames                   per-frame arrays (frame i is at t = i / fps):
        t_s                  [N] seconds
        shot                 [N] index into cameras (changes at a camera cut)
        segment              [N] "rep" or a setup/re-rack segment (unrack, walkout, setup,
                             walkin, rack, stand)
        rep                  [N] 1-based rep number during a rep segment, else null
        phase                [N] away | turn | back | rest | null (see timeline.py)
        progress             [N] 0..1, 0 = rep start position, 1 = far end of the rep
        joints_3d            [N][33][3] metres, world frame, 1 mm resolution
        joints_2d            [N][33][2] display pixels (x right, y down), 0.1 px resolution
        occluded             [N][33] 1 where a solid clearly nearer to the camera covers the
                             joint (the lifter's own torso or limbs, the spotter, a plate)
        bar_3d, bar_2d       [N][3], [N][2] the bar's centre (mid-point between the hands)
        bar_ends_2d          [N][2][2] the bar's left and right ends (lifter's left first)
        spotter_2d           [N][33][2] the spotter's joints, or absent without a spotter
    reps                     one per rep: {"rep" (1-based), "start_s", "bottom_s",
                              "lockout_s", "end_s", matching "*_frame" (nearest frame),
                              "depth_margin_cm", "requested_depth_margin_cm",
                              "metrics": {...}, "faults": [names]}
    faults                   [{"rep", "fault", "value", "unit"}] everything injected
    parameters               the full ClipSpec (see spec.py), enough to re-render the clip

Rep times: ``start_s`` when the rep leaves its start position, ``end_s`` when it is back.
``bottom_s`` is when the bar is lowest: the middle of the bottom pause for squat and bench,
``start_s`` for deadlift and press (they start from the bottom). ``lockout_s`` is when the
lift is locked out: ``end_s`` for squat and bench, the arrival at the top for deadlift and
press.

Joint positions are anatomical joint centres (hip joint, knee joint, ...). BlazePose's
landmarks sit near them but not on them; on these clips the measured offsets are a few
pixels (see tests/synth/test_synth_detection.py), so score an estimator against the truth
with that bias in mind rather than expecting zero error.

Depth margin: squat, ``knee_z - hip_z`` of the joint centres at ``bottom_s`` in cm, mean
of both sides (+ = hip below knee, IPF depth reached; the hip crease and the top of the knee
sit at about the same height above their joint centres when the thigh is near level, so this
is the landmark proxy of the rule). Bench, the bar's gap to the chest negated (0 = touch).
Deadlift and press: null.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repcheck.errors import InputError, NotFoundError

FORMAT = "repcheck-synth-truth"
VERSION = 1

CONVENTIONS = {
    "world": "metres; x = where the standing lifter faces (bench: towards the feet), "
    "y = the lifter's left, z = up, floor at z = 0",
    "pixels": "display orientation, origin at the top-left pixel's corner, x right, y down",
    "depth_margin_cm": "squat: knee joint centre height minus hip joint centre height at "
    "the bottom (+ = below parallel); bench: minus the bar-to-chest gap (0 = touch)",
    "bar_drift_cm": "largest forward (+x) excursion of the bar from its start-of-rep x",
}


@dataclass(frozen=True)
class RepTruth:
    rep: int
    start_s: float
    bottom_s: float
    lockout_s: float
    end_s: float
    depth_margin_cm: float | None
    faults: tuple[str, ...]
    metrics: dict


@dataclass(frozen=True)
class GroundTruth:
    """The parsed file; arrays are numpy."""

    lift: str
    fps: float
    width: int
    height: int
    frame_count: int
    rotation_deg: int
    names: tuple[str, ...]
    t_s: np.ndarray  # (N,)
    shot: np.ndarray  # (N,)
    joints_2d: np.ndarray  # (N, 33, 2)
    joints_3d: np.ndarray  # (N, 33, 3)
    occluded: np.ndarray  # (N, 33) bool
    bar_2d: np.ndarray  # (N, 2)
    bar_3d: np.ndarray  # (N, 3)
    reps: tuple[RepTruth, ...]
    faults: tuple[dict, ...]
    cameras: tuple[dict, ...]
    raw: dict

    def joint(self, name: str, dims: int = 2) -> np.ndarray:
        arr = self.joints_2d if dims == 2 else self.joints_3d
        return arr[:, self.names.index(name)]

    def project(self, points_3d: np.ndarray, shot: int = 0) -> np.ndarray:
        """Project world points with a shot's camera (display pixels)."""
        cam = self.cameras[shot]
        k, r, t = (np.asarray(cam[key], float) for key in ("K", "R", "t"))
        pc = np.asarray(points_3d) @ r.T + t
        uv = pc @ k.T
        return uv[..., :2] / uv[..., 2:3]


def truth_path_for(video: Path) -> Path:
    video = Path(video)
    return video.with_name(video.stem + ".truth.json")


def _r(a: np.ndarray, digits: int):
    return np.round(np.asarray(a, float), digits).tolist()


def dump(doc: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")


def load_truth(path: Path) -> GroundTruth:
    """Read a ``.truth.json`` (or the truth beside a ``.mp4``)."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        path = truth_path_for(path)
    if not path.exists():
        raise NotFoundError(f"no ground truth at {path}", "render the clip with repcheck synth")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON ({exc})", "re-render the clip") from exc
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise InputError(
            f"{path} is not {FORMAT} version {VERSION}",
            "re-render the clip with this version of repcheck",
        )
    fr, video = doc["frames"], doc["video"]
    reps = tuple(
        RepTruth(r["rep"], r["start_s"], r["bottom_s"], r["lockout_s"], r["end_s"],
                 r["depth_margin_cm"], tuple(r["faults"]), r["metrics"])
        for r in doc["reps"]
    )  # fmt: skip
    return GroundTruth(
        lift=doc["lift"], fps=video["fps"], width=video["width"], height=video["height"],
        frame_count=video["frame_count"], rotation_deg=video["rotation_deg"],
        names=tuple(doc["landmarks"]), t_s=np.asarray(fr["t_s"]), shot=np.asarray(fr["shot"]),
        joints_2d=np.asarray(fr["joints_2d"], float), joints_3d=np.asarray(fr["joints_3d"], float),
        occluded=np.asarray(fr["occluded"], bool), bar_2d=np.asarray(fr["bar_2d"], float),
        bar_3d=np.asarray(fr["bar_3d"], float), reps=reps, faults=tuple(doc["faults"]),
        cameras=tuple(doc["cameras"]), raw=doc,
    )  # fmt: skip
