"""Faults between RepCheck and S3, injected by a small proxy on 127.0.0.1 (a bounded number
of 500s, 503s, dropped connections and delays): retries recover, persistent trouble ends in
PartialError (exit 8), and nothing is recorded as uploaded unless the server completed it."""

from __future__ import annotations

import pytest

from repcheck.errors import PartialError
from repcheck.sync.s3 import UploadState

from .conftest import raw_client

MiB = 1024 * 1024


@pytest.fixture
def proxy(s3):
    from s3servers import FaultProxy

    with FaultProxy(s3.endpoint_url) as p:
        yield p


@pytest.fixture
def store(make_store, proxy):
    """Patient enough to ride out the bounded faults of TRANSIENT."""
    return make_store(endpoint_url=proxy.url, retries=2, request_attempts=2, timeout=1.5)


@pytest.fixture
def impatient(make_store, proxy):
    """Gives up quickly, for the faults that do not go away."""
    return make_store(endpoint_url=proxy.url, retries=1, request_attempts=1, timeout=5)


TRANSIENT = [  # (operation, action, count)
    ("UploadPart", "500", 3),
    ("UploadPart", "503", 2),
    ("UploadPart", "drop", 2),
    ("UploadPart", "delay", 1),
    ("CreateMultipartUpload", "500", 2),
    ("CompleteMultipartUpload", "drop", 1),
    ("HeadObject", "503", 2),
]


@pytest.mark.parametrize(("op", "action", "count"), TRANSIENT,
                         ids=[f"{o}-{a}" for o, a, _ in TRANSIENT])
def test_transient_faults_are_retried(s3, bucket, store, proxy, video, tmp_path, op, action,
                                      count):
    path, sha = video(11 * MiB, seed=5)
    proxy.inject(op, action, count, delay=3.0)
    key = store.key_for(sha)

    transfer = store.upload(key, path, sha)

    assert transfer.status == "uploaded"
    assert sum(proxy.injected.values()) == count
    store.download(key, tmp_path / "back", sha)
    assert (tmp_path / "back").read_bytes() == path.read_bytes()
    assert raw_client(s3).list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_persistent_part_failure_is_partial_then_resumes(s3, bucket, impatient, proxy, video,
                                                         ):
    path, sha = video(16 * MiB, seed=6)
    key = impatient.key_for(sha)
    proxy.inject("UploadPart", "500", 1000, match="partNumber=4")

    with pytest.raises(PartialError, match="kept failing") as caught:
        impatient.upload(key, path, sha)

    assert caught.value.exit_code == 8
    assert not impatient.exists(key)
    record = UploadState(impatient.state.dir.parent).load(bucket, f"u1/{key}")
    assert record is not None and "4" not in record["parts"]
    proxy.clear()
    transfer = impatient.upload(key, path, sha)
    assert transfer.status == "uploaded" and transfer.parts_sent == 4 - len(record["parts"])
    assert proxy.seen["UploadPart"] == transfer.parts_sent


def test_failed_completion_is_never_recorded_as_done(s3, bucket, impatient, proxy, video):
    path, sha = video(11 * MiB, seed=7)
    key = impatient.key_for(sha)
    proxy.inject("CompleteMultipartUpload", "500", 1000)

    with pytest.raises(PartialError, match="finishing"):
        impatient.upload(key, path, sha)

    assert not impatient.exists(key)
    record = impatient.state.load(bucket, f"u1/{key}")
    assert record is not None and len(record["parts"]) == 3
    proxy.clear()
    transfer = impatient.upload(key, path, sha)
    assert (transfer.parts_sent, transfer.parts_reused) == (0, 3)
    assert impatient.state.load(bucket, f"u1/{key}") is None


def test_many_reports_each_failure_and_keeps_going(s3, bucket, impatient, proxy, video):
    files = [video(1000 * (i + 1), seed=i) for i in range(4)]
    items = [(impatient.key_for(sha), path, sha) for path, sha in files]
    proxy.inject("PutObject", "503", 1000, match=items[2][0])
    progress = []

    results = impatient.upload_many(items, on_progress=lambda k, n: progress.append((k, n)))

    assert [t.status for t in results] == ["uploaded", "uploaded", "failed", "uploaded"]
    assert isinstance(results[2].error, PartialError)
    assert sum(n for _, n in progress) == sum(p.stat().st_size for p, _ in files) - 3000
    assert not impatient.exists(items[2][0])


def test_download_retries_then_reports_partial(s3, bucket, store, impatient, proxy, video,
                                               tmp_path):
    path, sha = video(2 * MiB, seed=8)
    key = store.key_for(sha)
    store.upload(key, path, sha)
    proxy.inject("GetObject", "drop", 2)
    assert store.download(key, tmp_path / "a", sha).status == "downloaded"

    proxy.inject("GetObject", "500", 1000)
    with pytest.raises(PartialError):
        impatient.download(key, tmp_path / "b", sha)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".b", "b"))) == []
