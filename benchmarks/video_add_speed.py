"""How long adding a video to the library takes, next to `cp` of the same file.

`repcheck video add` = probe (open the container once) + one pass that hashes and copies.
The pass is measured on a 200 MB file against `cp` and `sha256sum` on the same file, cold
and warm page cache alike (the file is read once before timing, so both start warm).

    python benchmarks/video_add_speed.py [--mb 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from repcheck.video.library import store_file  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "clip.mp4"
        with open(source, "wb") as fh:
            for _ in range(args.mb):
                fh.write(os.urandom(1 << 20))
        source.read_bytes()  # warm the page cache for every contender alike
        ours, cp, sha = [], [], []
        for i in range(args.runs):
            lib = root / f"lib{i}"
            ours.append(timed(lambda lib=lib: store_file(source, lib)))
            shutil.rmtree(lib)
            dest = root / "copy.mp4"
            cp.append(timed(lambda dest=dest: subprocess.run(["cp", str(source), str(dest)],
                                                            check=True)))
            dest.unlink()
            sha.append(timed(lambda: subprocess.run(["sha256sum", str(source)], check=True,
                                                    capture_output=True)))
        load = os.getloadavg()[0]
        m_ours, m_cp, m_sha = (statistics.median(x) for x in (ours, cp, sha))
        print(f"file {args.mb} MB, {args.runs} runs, load average {load:.2f}")
        print(f"repcheck store_file (hash + copy + fsync): {m_ours:.3f} s "
              f"({args.mb / m_ours:.0f} MB/s)")
        print(f"cp:                                        {m_cp:.3f} s")
        print(f"sha256sum:                                 {m_sha:.3f} s")
        print(f"ratio to cp: {m_ours / m_cp:.2f}×   ratio to cp + sha256sum: "
              f"{m_ours / (m_cp + m_sha):.2f}×")


if __name__ == "__main__":
    main()
