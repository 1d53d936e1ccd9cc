"""What only a server that checks signatures can show (Ceph RGW): refused credentials end in
AuthError (exit 7) without leaking secrets, presigned links work and cannot be tampered
with; and `setup_bucket` reports, per server, what it applied and what it refused."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from repcheck.errors import AuthError, ConfigError

from .conftest import raw_client, use_credentials

# What each server answers to setup_bucket(versioning=True), step by step (measured).
SETUP_EXPECTED = {
    "moto": {"bucket": "applied", "public_access_block": "applied", "encryption": "applied",
             "lifecycle": "applied", "versioning": "applied"},
    # RGW 16 has no SSE-S3 backend, so bucket default encryption is refused (InvalidArgument)
    "rgw": {"bucket": "applied", "public_access_block": "applied", "encryption": "refused",
            "lifecycle": "applied", "versioning": "applied"},
}
BAD_CREDENTIALS = {"wrong-secret": ("testkey", "not-the-secret-9f8e7d"),
                   "unknown-key": ("nosuchkey", "not-the-secret-9f8e7d")}


def require_signatures(s3) -> None:
    if not s3.checks_signatures:
        pytest.skip(f"not answered by this server: {s3.name} checks no signatures")


@pytest.mark.parametrize("creds", BAD_CREDENTIALS, ids=list(BAD_CREDENTIALS))
def test_refused_credentials_are_an_auth_error(s3, bucket, make_store, video, monkeypatch,
                                               creds):
    require_signatures(s3)
    path, sha = video(1000)
    use_credentials(monkeypatch, *BAD_CREDENTIALS[creds])
    store = make_store()
    for attempt in (lambda: store.exists(store.key_for(sha)),
                    lambda: store.upload(store.key_for(sha), path, sha),
                    lambda: store.download(store.key_for(sha), path.with_name("x"), sha),
                    lambda: store.setup_bucket()):
        with pytest.raises(AuthError) as caught:
            attempt()
        assert caught.value.exit_code == 7
        assert "not-the-secret" not in str(caught.value) and "\n" not in str(caught.value)


def test_presigned_link_works_and_resists_tampering(s3, bucket, make_store, video):
    require_signatures(s3)
    store = make_store()
    path, sha = video(1000)
    key = store.key_for(sha)
    store.upload(key, path, sha)
    url = store.presigned_url(key, expires=60)
    signature = url.rsplit("X-Amz-Signature=", 1)[1][:64]
    tampered = url.replace(signature, signature[:-1] + ("0" if signature[-1] != "0" else "1"))
    other_key = url.replace(key, store.key_for("0" * 64))
    short = store.presigned_url(key, expires=1)

    assert urllib.request.urlopen(url, timeout=10).read() == path.read_bytes()
    time.sleep(2)
    for refused in (tampered, other_key, short):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(refused, timeout=10)
        assert caught.value.code == 403


def test_setup_bucket_reports_what_the_server_accepted(s3, bucket, make_store):
    store = make_store()
    report = store.setup_bucket(transition_days=30, storage_class="STANDARD_IA",
                                expire_days=365, versioning=True)

    assert {k: v["status"] for k, v in report.items()} == SETUP_EXPECTED[s3.name]
    client = raw_client(s3)
    assert client.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rules = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["Filter"]["Prefix"] for r in rules] == ["u1/videos/"]
    assert rules[0]["Transitions"][0] == {"Days": 30, "StorageClass": "STANDARD_IA"}
    assert rules[0]["Expiration"]["Days"] == 365
    assert rules[0]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 7
    if s3.name == "rgw":
        assert report["encryption"]["detail"] == "InvalidArgument"


def test_setup_bucket_creates_a_missing_bucket_and_skips_what_was_not_asked(s3, make_store):
    store = make_store(bucket="repcheck-new-" + str(time.time_ns())[-9:], sse="none")
    report = store.setup_bucket(transition_days=None, expire_days=None,
                                abort_incomplete_days=None)
    assert report["bucket"] == {"status": "applied", "detail": "created"}
    assert {k: v["status"] for k, v in report.items() if k != "bucket"} == {
        "public_access_block": "applied", "encryption": "skipped", "lifecycle": "skipped",
        "versioning": "skipped"}


def test_missing_bucket_is_a_config_error(s3, make_store, video):
    store = make_store(bucket="repcheck-no-such-bucket")
    path, sha = video(1000)
    with pytest.raises(ConfigError, match="NoSuchBucket") as caught:
        store.upload(store.key_for(sha), path, sha)
    assert caught.value.exit_code == 6
