"""`repcheck synth`: render a synthetic lifter clip with its ground truth.

Thin: parse the options into a :class:`repcheck.synth.spec.ClipSpec`, call
:func:`repcheck.synth.render.render_clip`, print a summary. Per-rep options take one value
for every rep or a comma list with one value per rep (``--depth 5,-4,5``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import JsonOpt, app
from repcheck.errors import InputError

PerRep = Annotated[str | None, typer.Option(help="One value, or one per rep separated by commas.")]


@app.command(rich_help_panel="Video")
def synth(
    out: Annotated[
        Path,
        typer.Argument(
            help="Output video, *.mp4; the ground truth is written beside it as *.truth.json."
        ),
    ],
    lift: Annotated[
        str, typer.Option("--lift", "-l", help="squat, bench, deadlift or press.")
    ] = "squat",
    reps: Annotated[int, typer.Option("--reps", "-n", help="Number of reps.")] = 3,
    depth: Annotated[
        str | None,
        typer.Option(
            help="Depth margin in cm per rep. Squat: hip below knee (+ = below parallel). "
            "Bench: 0 = touch, negative = stops short."
        ),
    ] = None,
    view: Annotated[
        str,
        typer.Option(help="side, front, back, oblique, oblique_back, side_right, oblique_right."),
    ] = "side",
    azimuth: Annotated[
        float | None, typer.Option(help="Camera azimuth in degrees (overrides --view).")
    ] = None,
    camera_height: Annotated[float | None, typer.Option(help="Camera height, m.")] = None,
    distance: Annotated[
        float | None, typer.Option(help="Camera distance, m (default: frame the lifter).")
    ] = None,
    size: Annotated[str, typer.Option(help="Display size WIDTHxHEIGHT in pixels.")] = "480x854",
    fps: Annotated[float, typer.Option(help="Frames per second.")] = 30.0,
    rotate: Annotated[
        bool,
        typer.Option(
            "--rotate", help="Store portrait as landscape plus rotation metadata, as phones do."
        ),
    ] = False,
    lifter_height: Annotated[float, typer.Option(help="Lifter's height, m.")] = 1.75,
    squat_bar: Annotated[str, typer.Option(help="Squat bar position: high or low.")] = "high",
    load: Annotated[
        float, typer.Option(help="Weight on the bar, kg, bar included (decides the plates).")
    ] = 100.0,
    tempo: Annotated[
        str | None,
        typer.Option(
            help="Seconds: eccentric,bottom-pause,concentric,top-pause (e.g. 1.2,0.2,1,0.5)."
        ),
    ] = None,
    drift: PerRep = None,
    hip_shift: PerRep = None,
    knee_cave: PerRep = None,
    hips_rise: PerRep = None,
    soft_lockout: PerRep = None,
    uneven_lockout: PerRep = None,
    spotter: Annotated[bool, typer.Option("--spotter", help="A spotter partly in front.")] = False,
    setup: Annotated[bool, typer.Option("--setup", help="Unrack and walk out first.")] = False,
    rerack: Annotated[
        bool, typer.Option("--rerack", help="Walk in and re-rack at the end.")
    ] = False,
    cut_at: Annotated[
        float | None, typer.Option(help="Cut to a second camera at this second.")
    ] = None,
    cut_view: Annotated[str, typer.Option(help="View after the cut.")] = "oblique",
    brightness: Annotated[float, typer.Option(help="Light level, 1 = normal.")] = 1.0,
    noise: Annotated[float, typer.Option(help="Sensor noise, grey levels.")] = 2.0,
    blur: Annotated[float, typer.Option(help="Lens blur sigma, px.")] = 0.4,
    codec: Annotated[str, typer.Option(help="h264 or mpeg4.")] = "h264",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same clip).")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Render a synthetic lifter with known joint positions, for tests and demos.

    Example: repcheck synth squat.mp4 --reps 3 --depth 5,-4,5 --view side
    """
    import json
    from dataclasses import replace

    from repcheck.synth.render import render_clip
    from repcheck.synth.spec import CameraCut, CameraSpec, ClipSpec, Look, RepSpec, Tempo

    width, height = _size(size)
    values = {
        "depth_cm": _per_rep("--depth", depth, reps),
        "bar_drift_cm": _per_rep("--drift", drift, reps),
        "hip_shift_cm": _per_rep("--hip-shift", hip_shift, reps),
        "knee_cave_cm": _per_rep("--knee-cave", knee_cave, reps),
        "hips_rise_first": _per_rep("--hips-rise", hips_rise, reps),
        "soft_lockout_deg": _per_rep("--soft-lockout", soft_lockout, reps),
        "uneven_lockout_cm": _per_rep("--uneven-lockout", uneven_lockout, reps),
    }
    rep_specs = tuple(
        RepSpec(**{k: v[i] for k, v in values.items() if v is not None and v[i] is not None})
        for i in range(max(reps, 0))
    )
    camera = CameraSpec(view=view, azimuth_deg=azimuth, height_m=camera_height, distance_m=distance)
    spec = ClipSpec(
        lift=lift, reps=rep_specs, lifter_height_m=lifter_height, load_kg=load, squat_bar=squat_bar,
        camera=camera,
        width=width,
        height=height, fps=fps, rotation_metadata=rotate, spotter=spotter, setup=setup,
        rerack=rerack, seed=seed, codec=codec,
        look=Look(brightness=brightness, noise=noise, blur=blur),
    )  # fmt: skip
    if tempo is not None:
        spec = replace(spec, tempo=Tempo(*_floats("--tempo", tempo, 4)))
    if cut_at is not None:
        spec = replace(
            spec, cut=CameraCut(cut_at, replace(camera, view=cut_view, azimuth_deg=None))
        )
    summary = render_clip(spec, out)
    if json_out:
        typer.echo(json.dumps(summary, indent=2))
        return
    typer.echo(
        f"wrote {summary['video']} ({summary['frames']} frames, "
        f"{summary['duration_s']} s, {summary['bytes'] // 1024} KB) "
        f"and {summary['truth']} in {summary['seconds']} s"
    )
    for fault in summary["faults"]:
        typer.echo(f"  injected: {fault}")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(f"--size {text!r} is not WIDTHxHEIGHT", "write it like 480x854") from None
    if w <= 0 or h <= 0:
        raise InputError(
            f"--size {text} has a side that is not positive", "give positive width and height"
        )
    return w, h


def _floats(option: str, text: str, count: int | None = None) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise InputError(
            f"{option} {text!r} is not a number list", f"write {option} like 5 or 5,-3,5"
        ) from None
    if count is not None and len(values) != count:
        raise InputError(
            f"{option} needs {count} values, got {len(values)}",
            f"give {count} comma-separated numbers",
        )
    return values


def _per_rep(option: str, text: str | None, reps: int) -> list[float | None] | None:
    if text is None:
        return None
    values = _floats(option, text)
    if len(values) == 1:
        return values * max(reps, 0)
    if len(values) != reps:
        raise InputError(
            f"{option} has {len(values)} values for {reps} reps",
            "give one value for all reps, or exactly one per rep",
        )
    return values
