"""How fast `repcheck analyze` is: decode, pose, analysis, cache, end to end.

    .venv/bin/python benchmarks/analysis_speed.py [VIDEO] [--max-fps 15]

Without VIDEO it builds the issue's reference input, a 15 s 1080x1920 30 fps clip, from a
real portrait phone clip in ../shared/realclips (upscaled and looped, written to
benchmarks/out/, which git ignores). Targets (issue 4): feedback for a 15 s 1080p30 clip
in <= 10 s wall (stretch <= 5 s), re-analysis from the cache in <= 1 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"
SHARED = Path(os.environ.get("REPCHECK_SHARED", ROOT.parent / "shared"))
SOURCE = SHARED / "realclips" / "gymai" / "videos" / "squat2.mp4"  # 720x1280 portrait


def build_reference_clip(seconds: float = 15.0, size=(1080, 1920), fps: float = 30.0) -> Path:
    import cv2

    target = OUT / "speed_1080p30_15s.mp4"
    if target.is_file():
        return target
    if not SOURCE.is_file():
        sys.exit(f"need {SOURCE} (or pass a VIDEO path)")
    OUT.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    written = 0
    while written < seconds * fps:
        cap = cv2.VideoCapture(str(SOURCE))
        while written < seconds * fps:
            ok, frame = cap.read()
            if not ok:
                break
            writer.write(cv2.resize(frame, size, interpolation=cv2.INTER_CUBIC))
            written += 1
        cap.release()
    writer.release()
    return target


def timed(fn, *args, **kw):
    started = time.perf_counter()
    result = fn(*args, **kw)
    return result, time.perf_counter() - started


def main() -> None:
    args = sys.argv[1:]
    max_fps = float(args[args.index("--max-fps") + 1]) if "--max-fps" in args else 30.0
    paths = [a for a in args if a.endswith(tuple(".mp4 .mov .m4v .avi .webm .mkv".split()))]
    video = Path(paths[0]) if paths else build_reference_clip()
    from repcheck.analysis.pipeline import analyse_series, analyse_video
    from repcheck.pose.extract import PoseSettings, extract_with_stats
    from repcheck.video.decode import iter_frames
    from repcheck.video.probe import probe_video

    info = probe_video(video)
    print(f"clip: {video.name}  {info.width}x{info.height}  {info.frame_count} frames  "
          f"{info.fps:.2f} fps  {info.duration_s:.1f} s")
    n, decode_s = timed(lambda: sum(1 for _ in iter_frames(video)))
    print(f"decode only (upright RGB, long side <= 1920): {decode_s:6.2f} s  "
          f"{n / decode_s:6.1f} fps")
    rows = []
    for workers in (1, 2):
        (series, stats), pose_s = timed(extract_with_stats, video,
                                        PoseSettings(max_fps=max_fps), workers=workers,
                                        use_cache=False)
        rows.append((workers, pose_s))
        print(f"decode+pose, {workers} process{'es' if workers > 1 else '  '}:   {pose_s:6.2f} s  "
              f"{len(series) / pose_s:6.1f} fps  {info.duration_s / pose_s:4.2f}x real time")
    result, analysis_s = timed(analyse_series, series, "auto", "auto", 178.0)
    print(f"analysis (clean, view, lift, reps, checks): {analysis_s:6.3f} s  "
          f"-> {result.summary}")
    with tempfile.TemporaryDirectory() as home:
        os.environ["REPCHECK_HOME"] = home
        _, first_s = timed(analyse_video, video)
        _, cached_s = timed(analyse_video, video)
        cli_cold, cli_warm = cli_wall(video, home)
    print(f"analyse_video, cold cache: {first_s:6.2f} s   from cache: {cached_s:6.3f} s "
          f"(target <= 1 s)")
    print(f"`repcheck analyze --json` wall, new process: cold {cli_cold:5.2f} s "
          f"(target <= 10 s, stretch <= 5 s), cached {cli_warm:5.2f} s")
    best = min(rows, key=lambda r: r[1])
    print(f"breakdown at {best[0]} process(es): decode ~{decode_s:.2f} s (overlapped with "
          f"pose), pose ~{best[1] - decode_s / best[0]:.2f} s, analysis {analysis_s:.2f} s")


def cli_wall(video: Path, home: str) -> tuple[float, float]:
    env = {**os.environ, "REPCHECK_HOME": str(Path(home) / "cli"),
           "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "repcheck", "analyze", str(video), "--json"]
    times = []
    for _ in range(2):
        started = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times[0], times[1]


if __name__ == "__main__":
    main()
