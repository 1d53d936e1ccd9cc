"""Sync speed: the first sync of a 10,000-set journal, and a sync with nothing to do
(10,000 sets and 200 videos already in place). Targets: ≤ 10 s and ≤ 2 s.

Starts its own PostgreSQL (initdb/pg_ctl) and S3 server (moto) on 127.0.0.1 and times the
real command, `repcheck sync`, in a fresh process each run.

    python benchmarks/sync_speed.py [--sets 10000] [--videos 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]


def add_videos(home: Path, count: int) -> None:
    """Library files of 64 KiB each with their journal rows (content is random bytes)."""
    from repcheck.store import journal as j
    from repcheck.store import videos as v
    from repcheck.store.connect import open_journal
    from repcheck.video.library import library_path

    class Info:
        size_bytes, duration_s, fps, width, height, rotation, codec = 65536, 5.0, 30.0, \
            1080, 1920, 0, "h264"

    os.environ["REPCHECK_HOME"] = str(home)
    db = open_journal(None)
    with db.write():
        athlete, _ = j.ensure_athlete(db, "me")
        for _ in range(count):
            data = os.urandom(65536)
            sha = hashlib.sha256(data).hexdigest()
            path = library_path(home / "videos", sha, ".mp4")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            v.add_video(db, sha256=sha, athlete_id=athlete.id, set_id=None,
                        filename=f"{sha[:8]}.mp4", ext=".mp4", info=Info)
    db.close()


def timed_sync(env: dict[str, str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "repcheck", "sync"], env=env,
                       capture_output=True, text=True)
    return time.perf_counter() - started, r.returncode, (r.stdout + r.stderr).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--videos", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import boto3
    import psycopg
    from journal_data import generate
    from pgserver import start_postgres
    from s3servers import start_moto

    pg, s3 = start_postgres(), start_moto()
    try:
        with psycopg.connect(pg.url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        boto3.client("s3", endpoint_url=s3.endpoint_url, region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing"
                     ).create_bucket(Bucket="bench")
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            generate(home, args.sets)
            add_videos(home, args.videos)
            env = {**os.environ, "REPCHECK_HOME": str(home),
                   "REPCHECK_SYNC_DATABASE": pg.url.rsplit("/", 1)[0] + "/bench",
                   "REPCHECK_SYNC_BUCKET": "s3://bench/lifters",
                   "REPCHECK_SYNC_ENDPOINT_URL": s3.endpoint_url,
                   "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1"}
            first, code, out = timed_sync(env)
            print(f"first sync ({args.sets:,} sets, {args.videos} videos): {first:.2f} s "
                  f"(exit {code}: {out.splitlines()[-1] if out else ''})")
            no_video_env = {**env, "REPCHECK_SYNC_BUCKET": ""}
            idle = [timed_sync(env)[0] for _ in range(args.runs)]
            idle_journal = [timed_sync(no_video_env)[0] for _ in range(args.runs)]
            load = os.getloadavg()[0]
            print(f"nothing to do, journal + {args.videos} videos: median "
                  f"{statistics.median(idle):.2f} s (min {min(idle):.2f}, max {max(idle):.2f})"
                  "  target <= 2 s")
            print(f"nothing to do, journal only:            median "
                  f"{statistics.median(idle_journal):.2f} s")
            print(f"first sync target <= 10 s; load average {load:.2f}")
    finally:
        s3.stop()
        pg.stop()


if __name__ == "__main__":
    main()
