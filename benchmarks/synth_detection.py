"""Render every lift from every standard view and measure BlazePose on it.

    python benchmarks/synth_detection.py [--out DIR] [--fps 20] [--jobs 2]

Prints, per clip: frames, BlazePose detection rate, median 2D error of the 12 body joints
(px and as a fraction of the torso length), render time. This is the same measurement as
tests/synth/test_detection.py, on demand and with room to vary the settings.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "synth"))

LIFTS = ("squat", "bench", "deadlift", "press")
VIEWS = ("side", "front", "oblique", "oblique_back")


def run_one(args) -> str:
    lift, view, out, fps, seed = args
    from synth_posecheck import detection_spec, score_clip

    from repcheck.synth.render import render_clip

    path = Path(out) / f"{lift}_{view}_{seed}.mp4"
    t0 = time.perf_counter()
    info = render_clip(detection_spec(lift, view, seed, fps), path)
    t1 = time.perf_counter()
    s = score_clip(path)
    t2 = time.perf_counter()
    return (
        f"{lift:9s} {view:13s} {seed:4d} {s.frames:4d} {s.detection_rate:7.1%}"
        f" {s.median_error_px:7.1f} {s.median_error_visible_px:7.1f} {s.median_error_rel:6.3f}"
        f" {info['bytes'] / 1024:6.0f} KB  render {1000 * (t1 - t0) / s.frames:5.1f} ms/f"
        f"  pose {1000 * (t2 - t1) / s.frames:5.1f} ms/f"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/out/synth")
    ap.add_argument("--fps", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--lifts", default=",".join(LIFTS))
    ap.add_argument("--views", default=",".join(VIEWS))
    ap.add_argument("--seeds", default="11", help="comma list; 11 is the test's seed")
    a = ap.parse_args()
    Path(a.out).mkdir(parents=True, exist_ok=True)
    jobs = [
        (lift, view, a.out, a.fps, int(seed))
        for seed in a.seeds.split(",")
        for lift in a.lifts.split(",")
        for view in a.views.split(",")
    ]
    print("lift      view          seed frames detect  med px  vis px  rel    size")
    with ProcessPoolExecutor(a.jobs) as pool:
        for line in pool.map(run_one, jobs):
            print(line, flush=True)


if __name__ == "__main__":
    main()
