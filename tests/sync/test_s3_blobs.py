"""BlobStore against real S3 servers (moto and Ceph RGW): round trips, skip-existing,
checksums, corruption, client-side encryption and SSE."""

from __future__ import annotations

import hashlib

import pytest

from repcheck.errors import ConfigError
from repcheck.sync.s3 import IntegrityError, WrongKeyError

from .conftest import raw_client

MiB = 1024 * 1024
KEY_A, KEY_B = b"A" * 32, b"B" * 32


def stored(s3, bucket: str, key: str) -> tuple[bytes, dict]:
    answer = raw_client(s3).get_object(Bucket=bucket, Key=key)
    return answer["Body"].read(), answer


@pytest.mark.parametrize("size", [0, 1000, 5 * MiB, 12 * MiB + 17],
                         ids=["empty", "small", "one-part", "multipart"])
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_upload_skip_download_round_trip(s3, bucket, make_store, video, tmp_path, size,
                                         encrypted):
    store = make_store(key=KEY_A if encrypted else None)
    path, sha = video(size)
    key = store.key_for(sha)
    assert not store.exists(key)

    first = store.upload(key, path, sha)
    second = store.upload(key, path, sha)
    back = store.download(key, tmp_path / "back.mp4", sha)

    assert (first.status, second.status, back.status) == ("uploaded", "skipped", "downloaded")
    assert first.parts_sent == (3 if size > 10 * MiB else 1)
    assert store.exists(key, sha) and not store.exists(key, "0" * 64)
    assert (tmp_path / "back.mp4").read_bytes() == path.read_bytes()
    keys = [o["Key"] for o in raw_client(s3).list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [f"u1/{key}"]


def test_skip_needs_the_same_content_not_just_the_key(s3, bucket, make_store, video):
    store = make_store()
    path, sha = video(1000)
    key = store.key_for(sha)
    raw_client(s3).put_object(Bucket=bucket, Key=f"u1/{key}", Body=b"something else")

    assert store.exists(key) and not store.exists(key, sha)
    assert store.upload(key, path, sha).status == "uploaded"
    assert stored(s3, bucket, f"u1/{key}")[0] == path.read_bytes()


@pytest.mark.parametrize("size", [1000, 11 * MiB], ids=["small", "multipart"])
def test_corrupted_object_is_detected_and_nothing_is_left_behind(s3, bucket, make_store,
                                                                 video, tmp_path, size):
    store = make_store()
    path, sha = video(size)
    key = store.key_for(sha)
    store.upload(key, path, sha)
    data, answer = stored(s3, bucket, f"u1/{key}")
    damaged = data[:500] + bytes([data[500] ^ 1]) + data[501:]
    raw_client(s3).put_object(Bucket=bucket, Key=f"u1/{key}", Body=damaged,
                              Metadata=answer["Metadata"])

    with pytest.raises(IntegrityError, match="SHA-256"):
        store.download(key, tmp_path / "out" / "back.mp4", sha)
    assert list((tmp_path / "out").iterdir()) == []


def test_upload_refuses_a_file_that_does_not_match_its_hash(make_store, video):
    store = make_store()
    path, sha = video(1000)
    path.write_bytes(b"edited after hashing")
    with pytest.raises(IntegrityError):
        store.upload(store.key_for(sha), path, sha)
    assert not store.exists(store.key_for(sha))


# -- client-side encryption -----------------------------------------------------------------
def marker_video(tmp_path, size: int) -> tuple:
    text = b"REPCHECK-PLAINTEXT-MARKER squat 5x140 "
    data = (text * (size // len(text) + 1))[:size]
    path = tmp_path / "marker.mp4"
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest(), text


@pytest.mark.parametrize("size", [4000, 11 * MiB], ids=["small", "multipart"])
def test_encrypted_bucket_reveals_no_plaintext_and_no_hash(s3, bucket, make_store, tmp_path,
                                                           size):
    store = make_store(key=KEY_A)
    path, sha, text = marker_video(tmp_path, size)
    key = store.key_for(sha)
    store.upload(key, path, sha)

    data, answer = stored(s3, bucket, f"u1/{key}")
    assert text[:16] not in data and b"squat" not in data
    visible = f"{key} {answer['Metadata']} {answer['ResponseMetadata']['HTTPHeaders']}"
    assert sha not in visible and sha[:16] not in visible
    assert answer["Metadata"]["repcheck-enc"] == "RCB1"
    assert len(data) > size  # header and per-chunk nonce and tag


def test_wrong_or_missing_key_fails_cleanly(s3, bucket, make_store, tmp_path):
    path, sha, _ = marker_video(tmp_path, 6 * MiB)
    owner = make_store(key=KEY_A)
    owner.upload(owner.key_for(sha), path, sha)
    key = owner.key_for(sha)

    with pytest.raises(WrongKeyError, match="another key") as caught:
        make_store(key=KEY_B).download(key, tmp_path / "o" / "x.mp4", sha)
    assert caught.value.exit_code == 6
    with pytest.raises(ConfigError, match="encrypted"):
        make_store().download(key, tmp_path / "o" / "x.mp4", sha)
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


@pytest.mark.parametrize("damage", ["flip", "truncate", "drop-chunk"])
def test_tampered_ciphertext_is_detected(s3, bucket, make_store, tmp_path, damage):
    store = make_store(key=KEY_A)
    path, sha, _ = marker_video(tmp_path, 3 * MiB + 5)
    key = store.key_for(sha)
    store.upload(key, path, sha)
    data, answer = stored(s3, bucket, f"u1/{key}")
    step = MiB + 28
    changed = {"flip": data[:100] + bytes([data[100] ^ 4]) + data[101:],
               "truncate": data[:32 + 3 * step],  # whole chunks, final one missing
               "drop-chunk": data[:32 + step] + data[32 + 2 * step:]}[damage]
    raw_client(s3).put_object(Bucket=bucket, Key=f"u1/{key}", Body=changed,
                              Metadata=answer["Metadata"])
    with pytest.raises(IntegrityError):
        store.download(key, tmp_path / "o" / "x.mp4", sha)
    assert list((tmp_path / "o").iterdir()) == []


# -- server-side encryption and checksums ---------------------------------------------------
@pytest.mark.parametrize("size", [1000, 11 * MiB], ids=["small", "multipart"])
def test_sse_and_checksum_headers_are_sent(s3, bucket, make_store, video, size):
    from s3servers import FaultProxy

    path, sha = video(size)
    with FaultProxy(s3.endpoint_url) as proxy:
        store = make_store(endpoint_url=proxy.url)
        store.upload(store.key_for(sha), path, sha)
    starts = [h for op, h in proxy.headers if op in ("PutObject", "CreateMultipartUpload")]
    bodies = [h for op, h in proxy.headers if op in ("PutObject", "UploadPart")]
    assert [h.get("x-amz-server-side-encryption") for h in starts] == ["AES256"]
    assert [h.get("x-amz-meta-repcheck-sha256") for h in starts] == [sha]
    assert all(h.get("x-amz-checksum-sha256") for h in bodies) and bodies


def test_sse_is_reported_by_the_server(s3, bucket, make_store, video):
    store = make_store()
    path, sha = video(1000)
    key = store.key_for(sha)
    store.upload(key, path, sha)
    head = raw_client(s3).head_object(Bucket=bucket, Key=f"u1/{key}")
    assert head["Metadata"]["repcheck-sha256"] == sha
    if not s3.echoes_sse:
        assert "ServerSideEncryption" not in head
        pytest.skip(f"not answered by this server: {s3.name} accepts x-amz-server-side-"
                    "encryption but never echoes it (RGW 16 has no SSE-S3 reporting)")
    assert head["ServerSideEncryption"] == "AES256"


def test_kms_encryption_is_used_or_refused_cleanly(s3, bucket, make_store, video):
    from repcheck.errors import RepcheckError

    store = make_store(sse="aws:kms", kms_key_id="repcheck-test-key")
    path, sha = video(1000)
    key = store.key_for(sha)
    if s3.name == "rgw":  # no KMS backend configured in the test cluster
        with pytest.raises(RepcheckError) as caught:
            store.upload(key, path, sha)
        assert caught.value.exit_code in (6, 7) and "KMS" in str(caught.value)
        pytest.skip(f"not answered by this server: RGW refused SSE-KMS ({caught.value.code}; "
                    "no KMS backend in the test cluster) and sync reported it cleanly")
    store.upload(key, path, sha)
    head = raw_client(s3).head_object(Bucket=bucket, Key=f"u1/{key}")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms",
                                                                   "repcheck-test-key")


def test_checksum_is_stored_by_the_server(s3, bucket, make_store, video):
    import base64

    store = make_store()
    path, sha = video(1000)
    key = store.key_for(sha)
    store.upload(key, path, sha)
    head = raw_client(s3).head_object(Bucket=bucket, Key=f"u1/{key}", ChecksumMode="ENABLED")
    if "ChecksumSHA256" not in head:
        assert s3.name == "rgw", "moto is known to store x-amz-checksum-sha256"
        pytest.skip("not answered by this server: RGW 16 accepts x-amz-checksum-sha256 but "
                    "neither stores nor verifies it; the download SHA-256 check still applies")
    assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(sha)).decode()


# -- many at once, rate limit ---------------------------------------------------------------
def test_many_round_trip_with_progress(s3, bucket, make_store, video, tmp_path):
    store = make_store(workers=3)
    files = [video(size, seed=i) for i, size in enumerate([10, 3000, 6 * MiB, 11 * MiB])]
    items = [(store.key_for(sha), path, sha) for path, sha in files]
    sent, received = [], []

    up = store.upload_many(items, on_progress=lambda k, n: sent.append(n))
    again = store.upload_many(items)
    down = store.download_many([(k, tmp_path / "back" / p.name, sha) for k, p, sha in items],
                               on_progress=lambda k, n: received.append(n))

    total = sum(p.stat().st_size for p, _ in files)
    assert [t.status for t in up] == ["uploaded"] * 4 and sum(sent) == total
    assert [t.status for t in again] == ["skipped"] * 4
    assert [t.status for t in down] == ["downloaded"] * 4 and sum(received) == total
    for path, _ in files:
        assert (tmp_path / "back" / path.name).read_bytes() == path.read_bytes()


def test_max_rate_caps_all_transfers_together(s3, bucket, make_store, video):
    import time

    rate = 4 * MiB
    store = make_store(max_rate=rate, workers=4)
    files = [video(2 * MiB, seed=10 + i) for i in range(3)]  # 6 MiB in three parallel puts

    started = time.monotonic()
    results = store.upload_many([(store.key_for(sha), path, sha) for path, sha in files])
    elapsed = time.monotonic() - started

    assert all(t.status == "uploaded" for t in results)
    assert elapsed >= (6 * MiB - rate / 4) / rate * 0.95  # all but the initial burst


def test_missing_object_is_not_found(s3, bucket, make_store, tmp_path):
    from repcheck.errors import NotFoundError

    store = make_store()
    with pytest.raises(NotFoundError) as caught:
        store.download(store.key_for("0" * 64), tmp_path / "x", "0" * 64)
    assert caught.value.exit_code == 3


def test_skip_clears_a_stale_unfinished_upload(s3, bucket, make_store, video, tmp_path):
    """Another device finished the same video: our half-done upload is dropped, not kept."""
    path, sha = video(11 * MiB, seed=21)
    ours, theirs = make_store(), make_store(state=tmp_path / "other-device")
    key = ours.key_for(sha)
    upload_id = raw_client(s3).create_multipart_upload(Bucket=bucket, Key=f"u1/{key}")[
        "UploadId"]
    ours.state.save({"bucket": bucket, "key": f"u1/{key}", "sha256": sha, "upload_id": upload_id,
                     "parts": {}})
    theirs.upload(key, path, sha)

    assert ours.upload(key, path, sha).status == "skipped"
    assert ours.state.load(bucket, f"u1/{key}") is None
    assert raw_client(s3).list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
