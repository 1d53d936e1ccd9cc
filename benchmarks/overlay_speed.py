"""How much writing the annotated overlay adds to an analysis (target: at most +50%).

Renders a synthetic 1080×1920 portrait clip (or takes --video), then times, in this
process and with a cold landmark cache, the analysis alone and the overlay alone.

    python benchmarks/overlay_speed.py [--seconds 8] [--video clip.mp4]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--video", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REPCHECK_HOME"] = tmp
        from repcheck.analysis.pipeline import analyse_video
        from repcheck.report.overlay import write_overlay

        video = args.video
        if video is None:
            from repcheck.cli.main import run_cli

            video = Path(tmp) / "clip.mp4"
            reps = max(1, int(args.seconds // 2.4))
            run_cli(["synth", str(video), "--lift", "squat", "--reps", str(reps),
                     "--size", "1080x1920", "--fps", "30"])
        started = time.perf_counter()
        result = analyse_video(video, "squat")
        analysis_s = time.perf_counter() - started
        started = time.perf_counter()
        frames = write_overlay(video, result.series, result.to_dict(), Path(tmp) / "out.mp4")
        overlay_s = time.perf_counter() - started
    load = os.getloadavg()[0]
    print(f"clip {video.name}: {frames} frames, load average {load:.2f}")
    print(f"analysis (cold cache): {analysis_s:.2f} s")
    print(f"overlay:               {overlay_s:.2f} s ({frames / overlay_s:.0f} fps)")
    print(f"overlay adds {overlay_s / analysis_s:.0%} to the analysis (target <= 50%)")


if __name__ == "__main__":
    main()
