"""Rendering a clip: plan (pure geometry), paint (OpenCV), encode (PyAV), and the ground truth.

:func:`plan_clip` does everything that does not need pixels: the timeline, one
:class:`~repcheck.synth.skeleton.Figure` per frame, the cameras (auto-framed on the whole
clip), the spotter. The ground truth comes from the plan, so tests of geometry run without
painting a pixel. :func:`render_clip` paints and encodes the frames and writes the truth.

Determinism: everything random (background posters, texture, sensor noise) is drawn from
``numpy.random.default_rng(spec.seed)``; libx264 runs single-threaded. The same spec and
seed give the same frames and the same ground truth.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repcheck import __version__
from repcheck.errors import InputError
from repcheck.synth.body import LANDMARK_NAMES, BodyDims
from repcheck.synth.camera import Camera, check_framing, place_camera
from repcheck.synth.kinematics import Z, cross, frame_from, unit
from repcheck.synth.lifts import BENCH, bench_rack_height, figure_at
from repcheck.synth.metrics import depth_margin_cm, injected_faults, rep_metrics, rep_times
from repcheck.synth.plates import outer_radius_m, plates_per_side
from repcheck.synth.skeleton import BAR_LENGTH, Drivers, Figure, assemble, landmarks
from repcheck.synth.spec import CameraSpec, ClipSpec, validate
from repcheck.synth.timeline import FrameState, Timeline, build_timeline
from repcheck.synth.truth import CONVENTIONS, FORMAT, VERSION, _r, dump, truth_path_for


@dataclass
class ClipPlan:
    spec: ClipSpec
    dims: BodyDims
    timeline: Timeline
    times: np.ndarray
    states: list[FrameState]
    figures: list[Figure]
    cameras: list[Camera]
    camera_specs: list[CameraSpec]
    shot_starts: list[float]
    shots: np.ndarray  # (N,) camera index per frame
    spotters: list[Figure] | None
    rack: dict | None

    @property
    def frame_count(self) -> int:
        return len(self.times)


def plan_clip(spec: ClipSpec) -> ClipPlan:
    validate(spec)
    d = BodyDims.from_height(spec.lifter_height_m)
    tl = build_timeline(spec)
    n = max(1, int(round(tl.duration_s * spec.fps)))
    times = np.arange(n) / spec.fps
    states = [tl.state_at(float(t)) for t in times]
    figures = [figure_at(d, spec, s) for s in states]
    rack = rack_layout(spec, d, tl)
    scene = framing_points(spec, d, figures, rack)
    specs, starts = [spec.camera], [0.0]
    if spec.cut is not None:
        specs.append(spec.cut.camera)
        starts.append(spec.cut.at_s)
    cams = []
    for k, cs in enumerate(specs):
        cam = place_camera(cs, spec.lift, spec.width, spec.height, scene)
        check_framing(cam, scene, "camera" if k == 0 else "camera after the cut")
        cams.append(cam)
    shots = np.zeros(n, int)
    if spec.cut is not None:
        shots[times >= spec.cut.at_s] = 1
    spotters = spotter_figures(spec, d, figures, cams[0], times) if spec.spotter else None
    return ClipPlan(spec, d, tl, times, states, figures, cams, specs, starts, shots, spotters, rack)


def rack_layout(spec: ClipSpec, d: BodyDims, tl: Timeline) -> dict | None:
    """Uprights and hooks: always for the bench, when racking for squat and press."""
    if spec.lift == "bench" and (spec.setup or spec.rerack):
        return {
            "x": BENCH.rack_x - 0.04,
            "z": bench_rack_height(d),
            "half_width": 0.56,
            "height": bench_rack_height(d) + 0.08,
        }
    if spec.lift not in ("squat", "press") or not (spec.setup or spec.rerack):
        return None
    name = "unrack" if spec.setup else "rack"
    progress = 0.0 if spec.setup else 1.0
    fig = figure_at(d, spec, FrameState(0.0, name, progress))
    return {
        "x": float(fig.bar_center[0]) + 0.05,
        "z": float(fig.bar_center[2]),
        "half_width": 0.56,
        "height": 2.05,
    }


def framing_points(spec: ClipSpec, d: BodyDims, figures: list[Figure], rack) -> np.ndarray:
    pts = [landmarks(f, d) for f in figures]
    radius = outer_radius_m(spec.load_kg)
    for f in figures:
        if f.bar_center is None:
            continue
        # The plates' height matters for framing; their sideways reach does not (front
        # views cut them off at the frame's edges, as a phone in portrait does).
        pts.append(np.array([f.bar_center + Z * radius, f.bar_center - Z * radius]))
    if spec.lift == "bench":
        pts.append(np.array([[BENCH.pad_head_end, 0, 0], [BENCH.pad_foot_end, 0, 0]]))
    heads = np.array([f.joints["head"] + Z * d.head_up for f in figures])
    pts.append(heads)
    return np.concatenate(pts)


#: Where the spotter stands: this share of the way from the lifter to the camera, and this far
#: to the side, so that they hide one side of the lifter but not the whole of them.
SPOTTER_TOWARDS_CAMERA = 0.30
SPOTTER_SIDEWAYS_M = 0.62


def spotter_figures(spec, d, figures, cam: Camera, times) -> list[Figure]:
    """A spotter standing between camera and lifter, off to one side, facing the lifter."""
    center = np.mean([f.joints["pelvis"] for f in figures], axis=0)
    to_cam = cam.position - center
    to_cam[2] = 0.0
    dist = float(np.linalg.norm(to_cam))
    to_cam = unit(to_cam)
    right = cross(to_cam, Z)
    spot = center + to_cam * SPOTTER_TOWARDS_CAMERA * dist + right * SPOTTER_SIDEWAYS_M
    spot[2] = 0.0
    sd = BodyDims.from_height(spec.lifter_height_m * 1.03)
    facing = unit(np.array([center[0] - spot[0], center[1] - spot[1], 0.0]))
    out = []
    for t in times:
        sway = 0.015 * math.sin(2 * math.pi * 0.4 * t)
        out.append(_spotter_pose(sd, spot + facing * sway, facing))
    return out


def _spotter_pose(d: BodyDims, base: np.ndarray, facing: np.ndarray) -> Figure:
    trunk = frame_from(facing + Z * -0.15, Z + facing * 0.12)
    left = trunk[:, 1]
    ankles = tuple(base + left * s * 0.13 * d.height + Z * d.ankle_height for s in (1.0, -1.0))
    pelvis = base + Z * (d.hip_height - 0.03 * d.height)
    sh = pelvis + trunk[:, 2] * d.trunk
    hands = tuple(
        sh + facing * 0.32 * d.height - Z * 0.08 * d.height + left * s * 0.13 * d.height
        for s in (1.0, -1.0)
    )
    dr = Drivers(
        pelvis=pelvis,
        trunk=trunk,
        ankles=ankles,
        foot_dirs=(facing, facing),
        knee_poles=(facing, facing),
        hand_targets=hands,
        elbow_poles=(-Z + left, -Z - left),
        head_pitch_deg=8.0,
        hands_on_bar=False,
    )
    return assemble(d, dr)


# --- ground truth ------------------------------------------------------------------------------


def truth_document(plan: ClipPlan, video_name: str, occluded: np.ndarray | None = None) -> dict:
    spec, d = plan.spec, plan.dims
    n = plan.frame_count
    lm3 = np.stack([landmarks(f, d) for f in plan.figures])
    lm2 = np.empty((n, len(LANDMARK_NAMES), 2))
    bar3 = np.stack([f.bar_center for f in plan.figures])
    bar2 = np.empty((n, 2))
    ends2 = np.empty((n, 2, 2))
    for i, f in enumerate(plan.figures):
        cam = plan.cameras[plan.shots[i]]
        lm2[i] = cam.project(lm3[i])
        bar2[i] = cam.project(f.bar_center)
        ends = np.array([f.bar_center + unit(f.bar_axis) * s * BAR_LENGTH / 2 for s in (1, -1)])
        ends2[i] = cam.project(ends)
    rotation = -90 if spec.rotation_metadata else 0
    frames = {
        "t_s": _r(plan.times, 4),
        "shot": plan.shots.tolist(),
        "segment": [s.segment for s in plan.states],
        "rep": [
            s.rep + 1 if s.segment == "rep" and s.phase != "rest" else None for s in plan.states
        ],
        "phase": [s.phase for s in plan.states],
        "progress": _r([s.progress for s in plan.states], 4),
        "joints_3d": _r(lm3, 3),
        "joints_2d": _r(lm2, 1),
        "occluded": (occluded if occluded is not None else np.zeros((n, 33), bool))
        .astype(int)
        .tolist(),
        "bar_3d": _r(bar3, 3),
        "bar_2d": _r(bar2, 1),
        "bar_ends_2d": _r(ends2, 1),
    }
    if plan.spotters is not None:
        frames["spotter_2d"] = _r(
            [
                plan.cameras[plan.shots[i]].project(landmarks(f, d))
                for i, f in enumerate(plan.spotters)
            ],
            1,
        )
    reps, faults = _reps_and_faults(plan)
    return {
        "format": FORMAT,
        "version": VERSION,
        "generator": {"name": "repcheck.synth", "version": __version__},
        "lift": spec.lift,
        "video": {
            "file": video_name, "width": spec.width, "height": spec.height, "fps": float(spec.fps),
            "frame_count": n, "duration_s": round(n / spec.fps, 4), "codec": spec.codec,
            "rotation_deg": rotation,
            "stored_width": spec.height if rotation else spec.width,
            "stored_height": spec.width if rotation else spec.height,
        },
        "barbell": {
            "load_kg": spec.load_kg,
            "plates_per_side_kg": [p.kg for p in plates_per_side(spec.load_kg)],
            "plate_radius_m": outer_radius_m(spec.load_kg),
        },
        "conventions": CONVENTIONS,
        "landmarks": list(LANDMARK_NAMES),
        "cameras": [_camera_doc(k, cam, cs, plan.shot_starts[k]) for k, (cam, cs)
                    in enumerate(zip(plan.cameras, plan.camera_specs, strict=True))],
        "frames": frames,
        "reps": reps,
        "faults": faults,
        "parameters": spec.to_dict(),
    }  # fmt: skip


def _camera_doc(k: int, cam: Camera, cs: CameraSpec, start: float) -> dict:
    horizontal = cam.position[:2] - cam.look_at[:2]
    doc = {
        "shot": k,
        "start_s": round(start, 4),
        "view": cs.view if cs.azimuth_deg is None else "custom",
        "azimuth_deg": cs.azimuth,
        "height_m": round(float(cam.position[2]), 3),
        "distance_m": round(float(np.linalg.norm(horizontal)), 3),
        "fov_deg": cs.fov_deg,
    }
    doc.update(cam.to_dict())
    return doc


def _reps_and_faults(plan: ClipPlan) -> tuple[list[dict], list[dict]]:
    spec, d, tl = plan.spec, plan.dims, plan.timeline
    reps, faults = [], []
    for rt, rep in zip(tl.reps, spec.reps, strict=True):
        times = rep_times(spec, rt)
        bottom = figure_at(d, spec, tl.state_at(times["bottom_s"]))
        margin = depth_margin_cm(spec.lift, bottom, d)
        injected = injected_faults(spec, rep)
        doc = {"rep": rt.index + 1}
        for key, value in times.items():
            doc[key] = round(value, 4)
            doc[key.replace("_s", "_frame")] = int(round(value * spec.fps))
        doc["depth_margin_cm"] = None if margin is None else round(margin, 2)
        doc["requested_depth_margin_cm"] = spec.rep_depth_cm(rep)
        doc["metrics"] = rep_metrics(d, spec, tl, rt)
        doc["faults"] = [name for name, _, _ in injected]
        reps.append(doc)
        faults.extend(
            {"rep": rt.index + 1, "fault": name, "value": value, "unit": unit_}
            for name, value, unit_ in injected
        )
    return reps, faults


# --- painting ----------------------------------------------------------------------------------


def paint_frames(plan: ClipPlan, on_frame: Callable[[int, np.ndarray], None]) -> np.ndarray:
    """Paint every frame, calling ``on_frame(i, bgr)``; returns the occlusion table (N, 33)."""
    from repcheck.synth import raster
    from repcheck.synth.figure import (
        LIFTER,
        SPOTTER,
        barbell_solids,
        equipment_solids,
        person_solids,
    )

    spec, d = plan.spec, plan.dims
    rng = np.random.default_rng(spec.seed)
    backgrounds = [
        raster.background(cam, spec.look, spec.seed + 17 * k) for k, cam in enumerate(plan.cameras)
    ]
    lights = [raster.light_vector(cam, spec.look) for cam in plan.cameras]
    equipment = equipment_solids(spec.lift, d, plan.rack)
    noise = raster.NoiseBank(rng, (spec.height, spec.width, 3), spec.look.noise)
    finish = raster.Finisher(spec.look, spec.height, spec.width)
    occluded = np.zeros((plan.frame_count, len(LANDMARK_NAMES)), bool)
    for i, fig in enumerate(plan.figures):
        shot = plan.shots[i]
        cam = plan.cameras[shot]
        img = backgrounds[shot].copy()
        feet = [fig.joints[f"{s}_{p}"] for s in ("left", "right") for p in ("heel", "foot_index")]
        raster.draw_shadow(img, cam, feet + [fig.joints["pelvis"]], 0.16 * d.height / 1.75)
        solids = person_solids(fig, d, LIFTER) + barbell_solids(fig, spec.load_kg)
        items = [(s, fig) for s in solids]
        items += [(s, None) for s in equipment]
        if plan.spotters is not None:
            sfig = plan.spotters[i]
            items += [
                (s, sfig)
                for s in person_solids(
                    sfig, BodyDims.from_height(spec.lifter_height_m * 1.03), SPOTTER
                )
            ]
        drawn = raster.paint_solids(img, cam, items, lights[shot], d)
        occluded[i] = raster.occlusion(cam, landmarks(fig, d), drawn)
        on_frame(i, finish(img, noise))
    return occluded


def render_clip(
    spec: ClipSpec,
    out_path: Path,
    *,
    truth_path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Render ``spec`` to ``out_path`` (.mp4) and its ground truth; returns a summary."""
    from repcheck.synth.video import ClipWriter

    out_path = Path(out_path)
    if out_path.suffix.lower() != ".mp4":
        raise InputError(f"{out_path.name} is not an .mp4 name", "name the output file *.mp4")
    started = time.perf_counter()
    plan = plan_clip(spec)
    truth_path = Path(truth_path) if truth_path else truth_path_for(out_path)
    with ClipWriter(
        out_path,
        spec.width,
        spec.height,
        spec.fps,
        codec=spec.codec,
        crf=spec.crf,
        rotation_metadata=spec.rotation_metadata,
    ) as writer:

        def on_frame(i: int, frame: np.ndarray) -> None:
            writer.write(frame)
            if progress:
                progress(i + 1, plan.frame_count)

        occluded = paint_frames(plan, on_frame)
    doc = truth_document(plan, out_path.name, occluded)
    dump(doc, truth_path)
    return {
        "video": str(out_path), "truth": str(truth_path), "frames": plan.frame_count,
        "duration_s": round(plan.frame_count / spec.fps, 3),
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": out_path.stat().st_size, "reps": len(spec.reps),
        "faults": [f"rep {f['rep']}: {f['fault']} {f['value']:g} {f['unit']}"
                   for f in doc["faults"]],
    }  # fmt: skip


__all__ = ["ClipPlan", "plan_clip", "render_clip", "truth_document"]
