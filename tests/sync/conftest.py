"""S3 fixtures: moto (in this process) and Ceph RGW (shared by the run), a fresh bucket per
test, and a factory for ``BlobStore`` objects pointed at either server.

``s3`` is parametrized over both servers, so every test that uses it runs twice. RGW needs
the Debian packages ``radosgw ceph-mon ceph-osd``: without them its cases are skipped with
the reason, except under CI (env ``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import s3servers  # noqa: E402

SERVERS = ("moto", "rgw")


@pytest.fixture(scope="session")
def moto_server():
    server = s3servers.start_moto()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rgw_server(tmp_path_factory):
    missing = s3servers.rgw_missing()
    if missing:
        message = (f"Ceph RGW not installed (missing {', '.join(missing)}); "
                   f"apt-get install {s3servers.RGW_PACKAGES}")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root, owner = tmp_path_factory.getbasetemp(), os.getpid()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # one RGW for all workers of this run
        root, owner = root.parent, os.getppid()
    with s3servers.shared_rgw(root, owner) as server:
        yield server


@pytest.fixture(params=SERVERS)
def s3(request, monkeypatch):
    """A running server; the AWS credential chain points at it and at nothing else."""
    server = request.getfixturevalue(f"{request.param}_server")
    use_credentials(monkeypatch, server.access_key, server.secret_key)
    return server


def use_credentials(monkeypatch, access_key: str, secret_key: str) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "REPCHECK_SYNC_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def raw_client(server, endpoint_url: str | None = None, **creds):
    """A plain boto3 client for inspecting the bucket behind the store's back."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=endpoint_url or server.endpoint_url, region_name="us-east-1",
        aws_access_key_id=creds.get("access_key", server.access_key),
        aws_secret_access_key=creds.get("secret_key", server.secret_key),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                      request_checksum_calculation="when_required",
                      response_checksum_validation="when_required"))


@pytest.fixture
def bucket(s3):
    name = f"t-{uuid.uuid4().hex[:16]}"
    raw_client(s3).create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_store(s3, bucket, tmp_path):
    """``make_store(**S3Config fields, key=..., state=...)`` -> a BlobStore on this server."""
    from repcheck.sync.s3 import BlobStore, S3Config

    stores = []

    def make(key: bytes | None = None, state: Path | None = None, **fields):
        fields = {"bucket": bucket, "prefix": "u1", "endpoint_url": s3.endpoint_url,
                  "part_size": 5 * 1024 * 1024, "retries": 2, "timeout": 10, **fields}
        store = BlobStore(S3Config(**fields), state or tmp_path / "state", encryption_key=key)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def video(tmp_path):
    """``video(size, seed)`` -> (path, sha256) of a file of pseudo-random bytes."""
    import hashlib
    import random

    def make(size: int, seed: int = 0) -> tuple[Path, str]:
        data = random.Random(seed).randbytes(size)
        path = tmp_path / f"clip-{seed}-{size}.mp4"
        path.write_bytes(data)
        return path, hashlib.sha256(data).hexdigest()

    return make
