"""Multipart resume: SIGKILL an upload partway through, rerun in a new process's shoes, and
check that only the missing parts travel, that nothing is duplicated or left behind, and that
the object is whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from repcheck.sync.s3 import UploadState

from .conftest import raw_client

MiB = 1024 * 1024
PARTS = 8
CHILD = """
import json, sys
from pathlib import Path
from repcheck.sync.s3 import BlobStore, S3Config
args = json.loads(sys.argv[1])
enc = args.pop("enc")
key = bytes.fromhex(enc) if enc else None
state, path, sha = Path(args.pop("state")), Path(args.pop("path")), args.pop("sha")
store = BlobStore(S3Config(**args), state, encryption_key=key)
store.upload(store.key_for(sha), path, sha)
print("finished")
"""


def start_child(s3, cfg: dict, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, **s3.client_env(), "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    return subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(cfg)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)


def wait_for_parts(state: UploadState, bucket: str, key: str, n: int, child, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = state.load(bucket, key)
        if record and len(record["parts"]) >= n:
            return
        assert child.poll() is None, f"upload ended before it was killed: {child.stderr.read()}"
        time.sleep(0.02)
    pytest.fail(f"no {n} parts recorded within {timeout} s")


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_sigkill_midway_then_rerun_sends_only_missing_parts(s3, bucket, make_store, video,
                                                             tmp_path, encrypted):
    from s3servers import FaultProxy

    enc = os.urandom(32) if encrypted else None
    path, sha = video(PARTS * 5 * MiB - 1000, seed=3)
    state_dir = tmp_path / "state"
    cfg = {"bucket": bucket, "prefix": "u1", "endpoint_url": s3.endpoint_url,
           "part_size": 5 * MiB, "workers": 2, "max_rate": 25 * MiB}
    child = start_child(s3, {**cfg, "state": str(state_dir), "path": str(path), "sha": sha,
                             "enc": enc.hex() if enc else None}, tmp_path)
    store = make_store(key=enc, state=state_dir)
    key = store.key_for(sha)
    state = UploadState(state_dir)
    try:
        wait_for_parts(state, bucket, f"u1/{key}", 2, child)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    recorded = len(state.load(bucket, f"u1/{key}")["parts"])
    assert 2 <= recorded < PARTS and not store.exists(key)

    with FaultProxy(s3.endpoint_url) as proxy:
        rerun = make_store(key=enc, state=state_dir, endpoint_url=proxy.url)
        transfer = rerun.upload(key, path, sha)

    assert proxy.seen["UploadPart"] == PARTS - recorded
    assert proxy.seen["CreateMultipartUpload"] == 0  # the same upload id was resumed
    assert (transfer.parts_sent, transfer.parts_reused) == (PARTS - recorded, recorded)
    client = raw_client(s3)
    assert "Uploads" not in client.list_multipart_uploads(Bucket=bucket)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"u1/{key}"]
    assert state.load(bucket, f"u1/{key}") is None
    store.download(key, tmp_path / "back", sha)
    assert (tmp_path / "back").read_bytes() == path.read_bytes()


def test_resume_after_server_forgot_the_upload_starts_over(s3, bucket, make_store, video,
                                                           tmp_path):
    """An upload aborted on the server (say by a lifecycle rule) is restarted, not trusted."""
    path, sha = video(11 * MiB, seed=4)
    store = make_store()
    key = store.key_for(sha)
    state = UploadState(tmp_path / "state")
    client = raw_client(s3)
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=f"u1/{key}")["UploadId"]
    state.save({"bucket": bucket, "key": f"u1/{key}", "sha256": sha, "size": 11 * MiB,
                "part_size": 5 * MiB, "key_id": None, "upload_id": upload_id, "header": None,
                "parts": {"1": {"etag": "0" * 32, "sha256": "x"}}})
    client.abort_multipart_upload(Bucket=bucket, Key=f"u1/{key}", UploadId=upload_id)

    transfer = store.upload(key, path, sha)

    assert (transfer.status, transfer.parts_sent, transfer.parts_reused) == ("uploaded", 3, 0)
    store.download(key, tmp_path / "back", sha)
    assert "Uploads" not in client.list_multipart_uploads(Bucket=bucket)


def test_upload_aborted_midway_by_another_device_finishing_first(s3, bucket, make_store, video,
                                                                 tmp_path):
    """Two devices upload the same video; the one that finishes first aborts the other's
    upload, which then ends as "skipped" instead of failing."""
    from s3servers import FaultProxy

    path, sha = video(16 * MiB, seed=9)
    with FaultProxy(s3.endpoint_url) as proxy:
        slow = make_store(endpoint_url=proxy.url, workers=1, retries=0, request_attempts=1)
        fast = make_store(state=tmp_path / "other-device")
        key = slow.key_for(sha)
        proxy.inject("UploadPart", "delay", 1, delay=1.5)  # the slow device's first part
        result = {}
        thread = threading.Thread(target=lambda: result.update(t=slow.upload(key, path, sha)))
        thread.start()
        time.sleep(0.5)
        assert fast.upload(key, path, sha).status == "uploaded"
        thread.join(30)

    assert result["t"].status == "skipped"
    assert slow.state.load(bucket, f"u1/{key}") is None
    assert raw_client(s3).list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
