"""Synthetic lifter: videos of the four barbell lifts whose every joint position is known.

Real clips have no exact ground truth. This package renders its own, with numpy and OpenCV
only (no external assets): a shaded, human-like figure with a barbell and plates, posed by
lift kinematics in 3D and projected through a pinhole camera, so the same motion can be
filmed from the side, the front or an oblique angle at any size and frame rate. Beside each
``.mp4`` goes a ``.truth.json`` (format in :mod:`repcheck.synth.truth`): per-frame 2D and 3D
positions of BlazePose's 33 landmarks, rep timings, depth margins, injected faults, the
cameras and every parameter.

Pipeline, one module per idea::

    spec.py       ClipSpec & co: every parameter, with validation (InputError)
    timeline.py   segments and rep phases -> (segment, progress) at any time
    lifts.py      per-lift keyframe geometry (data) -> Drivers for one frame
    skeleton.py   Drivers -> Figure (two-bone IK; bone lengths exact) -> 33 landmarks
    camera.py     pinhole camera, auto-framing
    shapes.py     solids as stacked cross-sections; layered shading
    figure.py     Figure -> body, clothes, barbell, bench/rack solids
    raster.py     painter's algorithm, background, face, lighting, noise (OpenCV)
    video.py      H.264 / MPEG-4 writing with phone-style rotation metadata (PyAV)
    metrics.py    per-rep truth measured on the skeleton; fault kinds (data)
    truth.py      the ground-truth file: format, writer, reader
    render.py     plan_clip (pure geometry) and render_clip (pixels + truth)
    examples.py   the committed examples in examples/, and their generator

Typical use::

    from repcheck.synth import ClipSpec, RepSpec, CameraSpec, render_clip, load_truth
    spec = ClipSpec(lift="squat", reps=(RepSpec(depth_cm=4), RepSpec(depth_cm=-5)),
                    camera=CameraSpec(view="side"))
    render_clip(spec, "squat.mp4")          # writes squat.mp4 and squat.truth.json
    truth = load_truth("squat.mp4")         # numpy arrays, reps, faults, cameras

Importing this package is cheap: OpenCV and PyAV load only when a clip is painted or
encoded.
"""

from __future__ import annotations

from repcheck.synth.spec import CameraCut, CameraSpec, ClipSpec, Look, RepSpec, Tempo, validate
from repcheck.synth.truth import GroundTruth, RepTruth, load_truth, truth_path_for


def render_clip(spec: ClipSpec, out_path, **kwargs) -> dict:
    """Render ``spec`` to ``out_path`` (.mp4) plus its ``.truth.json``; returns a summary.
    See :func:`repcheck.synth.render.render_clip`."""
    from repcheck.synth.render import render_clip as _render

    return _render(spec, out_path, **kwargs)


__all__ = [
    "CameraCut", "CameraSpec", "ClipSpec", "GroundTruth", "Look", "RepSpec", "RepTruth",
    "Tempo", "load_truth", "render_clip", "truth_path_for", "validate",
]  # fmt: skip
