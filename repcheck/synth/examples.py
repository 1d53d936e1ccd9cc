"""The example clips in ``examples/``, as data, and the script that (re)generates them.

    python -m repcheck.synth.examples [OUT_DIR]      # default: examples/

Each entry is a seeded :class:`~repcheck.synth.spec.ClipSpec`, so regenerating gives the same
frames and the same ground truth. Every clip is written with its ``.truth.json``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from repcheck.synth.spec import CameraSpec, ClipSpec, RepSpec, Tempo


@dataclass(frozen=True)
class Example:
    name: str
    about: str
    spec: ClipSpec


EXAMPLES: tuple[Example, ...] = (
    Example(
        "squat_side_shallow_rep",
        "Side-view squat, 3 reps; rep 2 stops 5 cm above parallel, reps 1 and 3 are 4 cm below.",
        ClipSpec(
            lift="squat",
            camera=CameraSpec(view="side"),
            seed=1,
            reps=(RepSpec(depth_cm=4.0), RepSpec(depth_cm=-5.0), RepSpec(depth_cm=4.0)),
        ),
    ),
    Example(
        "bench_paused",
        "Bench press from a 30-degree oblique, 3 reps paused on the chest; rep 3 stops 4 cm "
        "short of the chest.",
        ClipSpec(
            lift="bench",
            camera=CameraSpec(view="oblique"),
            seed=2,
            tempo=Tempo(eccentric_s=1.2, bottom_pause_s=0.6, concentric_s=1.0, top_pause_s=0.4),
            reps=(RepSpec(), RepSpec(), RepSpec(depth_cm=-4.0)),
        ),
    ),
    Example(
        "deadlift_hips_rise",
        "Side-view deadlift, 2 reps; in rep 2 the hips rise first and the lockout is soft.",
        ClipSpec(
            lift="deadlift",
            camera=CameraSpec(view="side"),
            seed=3,
            tempo=Tempo(eccentric_s=1.0, bottom_pause_s=0.5, concentric_s=1.2, top_pause_s=0.4),
            reps=(RepSpec(), RepSpec(hips_rise_first=0.85, soft_lockout_deg=15.0)),
        ),
    ),
    Example(
        "press_oblique",
        "Overhead press from a 30-degree oblique, 3 reps; rep 3 drifts 6 cm forward.",
        ClipSpec(
            lift="press",
            camera=CameraSpec(view="oblique"),
            seed=4,
            reps=(RepSpec(), RepSpec(), RepSpec(bar_drift_cm=6.0)),
        ),
    ),
    Example(
        "squat_phone_portrait",
        "Front-view squat filmed like a phone: portrait stored as landscape with rotation "
        "metadata; unrack, walk-out, 2 reps (rep 2 knees cave 6 cm), walk-in and re-rack.",
        ClipSpec(
            lift="squat",
            camera=CameraSpec(view="front"),
            seed=5,
            setup=True,
            rerack=True,
            rotation_metadata=True,
            fps=24,
            reps=(RepSpec(depth_cm=3.0), RepSpec(depth_cm=3.0, knee_cave_cm=6.0)),
        ),
    ),
)


def generate(out_dir: Path, names: list[str] | None = None) -> list[dict]:
    from repcheck.synth.render import render_clip

    out_dir = Path(out_dir)
    results = []
    for ex in EXAMPLES:
        if names and ex.name not in names:
            continue
        results.append(render_clip(ex.spec, out_dir / f"{ex.name}.mp4"))
    return results


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path("examples")
    for info in generate(out, argv[1:] or None):
        print(
            f"{info['video']}: {info['frames']} frames, {info['bytes'] // 1024} KB, "
            f"{info['seconds']} s"
        )


if __name__ == "__main__":
    main()
