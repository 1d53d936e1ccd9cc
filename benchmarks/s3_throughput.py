"""Video upload throughput of RepCheck's BlobStore against boto3's plain ``upload_file``.

Usage::

    .venv/bin/python benchmarks/s3_throughput.py                  # Ceph RGW if installed
    .venv/bin/python benchmarks/s3_throughput.py --server moto --files 4 --mb 48 --rounds 3
    .venv/bin/python benchmarks/s3_throughput.py --encrypt        # also client-side AES-GCM

Every side uploads the same files to the same server in the same run, to fresh keys (so
RepCheck's skip-if-present never triggers). The order of the sides rotates from round to
round, because a memstore RGW slows down as it fills up and no side should always go last.
boto3 uses its defaults: ``upload_file`` with the default ``TransferConfig`` (8 MiB threshold
and parts, 10 threads). RepCheck runs with its defaults (8 MiB parts, AES256 SSE, SHA-256
checksums, HEAD before upload, the resume record written and fsynced after every part) at two
concurrencies: its default ``workers=4`` (defaults against defaults: the ratio that is
judged, since that is what a lifter gets) and ``workers=10`` like boto3 (printed too). Each
file is uploaded on its own, one after the other, like a lifter's videos in a sync. Reported:
MB/s of the best and median round for each, and the ratio of medians (target: at least 80%
of boto3). On a 2-core machine that also runs the server, the upload is CPU-bound: RepCheck
spends about 0.4 s of CPU per 192 MB against boto3's 0.24 s, because it computes two SHA-256
passes (the per-part ``x-amz-checksum-sha256`` and the re-check of the whole file) where
boto3 computes a CRC32. The server is started on 127.0.0.1 by this script and stopped
afterwards.

This is a report, not a test: it exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.80
BOTO3 = "boto3 upload_file (10 thr.)"
OURS = "repcheck upload, workers=10"
OURS_DEFAULT = "repcheck upload, workers=4"
MiB = 1024 * 1024


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", choices=("rgw", "moto"), default=None,
                   help="default: rgw when installed, else moto")
    p.add_argument("--files", type=int, default=3)
    p.add_argument("--mb", type=int, default=64, help="size of each file in MiB")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--encrypt", action="store_true", help="also time client-side encryption")
    return p.parse_args()


def start_server(name: str | None):
    import s3servers

    name = name or ("rgw" if not s3servers.rgw_missing() else "moto")
    server = s3servers.start_rgw(memstore_gib=8) if name == "rgw" else s3servers.start_moto()
    os.environ.update(server.client_env())
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return server


def make_files(folder: Path, count: int, size: int) -> list[tuple[Path, str]]:
    files = []
    for i in range(count):
        data = os.urandom(size)  # incompressible, like encoded video
        path = folder / f"clip{i}.mp4"
        path.write_bytes(data)
        files.append((path, hashlib.sha256(data).hexdigest()))
    return files


def plain_client(endpoint_url: str):
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint_url,
                        config=Config(s3={"addressing_style": "path"}))


def time_boto3(client, bucket: str, files) -> float:
    started = time.perf_counter()
    for path, _ in files:
        client.upload_file(str(path), bucket, f"boto3/{uuid.uuid4().hex}")
    return time.perf_counter() - started


def time_repcheck(endpoint_url: str, bucket: str, files, state: Path, key,
                  workers: int) -> float:
    from repcheck.sync.s3 import BlobStore, S3Config

    cfg = S3Config(bucket=bucket, prefix=f"rc/{uuid.uuid4().hex}", endpoint_url=endpoint_url,
                   workers=workers)
    with BlobStore(cfg, state, encryption_key=key) as store:
        started = time.perf_counter()
        for path, sha in files:
            transfer = store.upload(store.key_for(sha), path, sha)
            assert transfer.status == "uploaded", transfer
        return time.perf_counter() - started


def report(label: str, seconds: list[float], total_mb: float) -> float:
    best, median = total_mb / min(seconds), total_mb / statistics.median(seconds)
    print(f"  {label:<32} best {best:7.1f} MB/s   median {median:7.1f} MB/s   "
          f"({', '.join(f'{s:.2f}' for s in seconds)} s)")
    return median


def main() -> int:
    args = parse_args()
    server = start_server(args.server)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # still stop the server
    try:
        with tempfile.TemporaryDirectory(prefix="repcheck-s3bench-") as tmp:
            return run(args, server, Path(tmp))
    finally:
        server.stop()


def run(args, server, tmp: Path) -> int:
    files = make_files(tmp, args.files, args.mb * MiB)
    total_mb = args.files * args.mb * MiB / 1e6
    client = plain_client(server.endpoint_url)
    bucket = f"bench-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    url, state = server.endpoint_url, tmp / "state"
    sides = {BOTO3: lambda: time_boto3(client, bucket, files),
             OURS: lambda: time_repcheck(url, bucket, files, state, None, 10),
             OURS_DEFAULT: lambda: time_repcheck(url, bucket, files, state, None, 4)}
    if args.encrypt:
        key = os.urandom(32)
        sides["repcheck + AES-GCM, workers=10"] = lambda: time_repcheck(
            url, bucket, files, state, key, 10)
    for fn in sides.values():  # warm-up: connections, imports, server caches
        fn()
    times: dict[str, list[float]] = {label: [] for label in sides}
    order = list(sides)
    for n in range(args.rounds):
        for label in order[n % len(order):] + order[:n % len(order)]:
            times[label].append(sides[label]())
    print(f"S3 upload throughput on {server.name} ({server.endpoint_url}), {args.files} files "
          f"x {args.mb} MiB, {args.rounds} rounds, {os.cpu_count()} CPUs")
    medians = {label: report(label, t, total_mb) for label, t in times.items()}
    ratio = medians[OURS_DEFAULT] / medians[BOTO3]
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"  ratio repcheck / boto3, both at their defaults (medians): {ratio:.0%}  -> "
          f"{verdict} the {TARGET_RATIO:.0%} target")
    print(f"  ratio with repcheck at boto3's 10 threads: {medians[OURS] / medians[BOTO3]:.0%}")
    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          "(other work on the machine skews both sides; compare within one run)")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
