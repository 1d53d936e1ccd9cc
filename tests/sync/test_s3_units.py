"""No server needed: the RCB1 encryption format, key loading, configuration parsing, error
mapping and the rate limiter."""

from __future__ import annotations

import base64
import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repcheck.errors import AuthError, ConfigError, PartialError, RepcheckError
from repcheck.sync.crypto import (
    CHUNK_OVERHEAD,
    HEADER,
    BlobCipher,
    IntegrityError,
    WrongKeyError,
    encrypted_size,
    load_encryption_key,
)
from repcheck.sync.s3 import RateLimiter, S3Config, ThrottledBody, map_error

CHUNK = 1024  # small chunks keep the property tests fast


def encrypt_in_parts(cipher: BlobCipher, data: bytes, chunks_per_part: int) -> bytes:
    """Encrypt like a multipart upload does: part by part, each on its own."""
    header, step = cipher.new_header(), chunks_per_part * cipher.chunk_size
    starts = list(range(0, len(data), step)) or [0]
    parts = [cipher.encrypt_range(header, data[s:s + step], s // cipher.chunk_size,
                                  ends_file=s == starts[-1]) for s in starts]
    return header + b"".join(parts)


def decrypt(cipher: BlobCipher, blob: bytes, feed: int = 777) -> bytes:
    d = cipher.decryptor()
    out = [d.feed(blob[i:i + feed]) for i in range(0, len(blob), feed)]
    return b"".join(out) + d.finish()


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5 * CHUNK + 3), per_part=st.integers(1, 3),
       feed=st.integers(1, 3000))
def test_round_trip_any_size_any_part_split(data, per_part, feed):
    cipher = BlobCipher(b"k" * 32, chunk_size=CHUNK)
    blob = encrypt_in_parts(cipher, data, per_part)
    assert len(blob) == encrypted_size(len(data), CHUNK)
    assert decrypt(cipher, blob, feed) == data


def chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    step = CHUNK + CHUNK_OVERHEAD
    body = blob[HEADER.size:]
    return blob[:HEADER.size], [body[i:i + step] for i in range(0, len(body), step)]


DAMAGE = {  # name -> how to damage (header, [chunks]) of a 3.5-chunk file
    "drop last chunk": lambda h, c: h + b"".join(c[:-1]),
    "drop a middle chunk": lambda h, c: h + c[0] + b"".join(c[2:]),
    "swap two chunks": lambda h, c: h + c[1] + c[0] + b"".join(c[2:]),
    "duplicate a chunk": lambda h, c: h + c[0] + b"".join(c),
    "flip a bit": lambda h, c: h + bytes([c[0][0] ^ 1]) + c[0][1:] + b"".join(c[1:]),
    "new salt": lambda h, c: h[:-1] + bytes([h[-1] ^ 1]) + b"".join(c),
    "cut mid-chunk": lambda h, c: (h + b"".join(c))[:-5],
    "append bytes": lambda h, c: h + b"".join(c) + b"x" * 40,
    "header only": lambda h, c: h,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damage_is_detected(damage):
    cipher = BlobCipher(b"k" * 32, chunk_size=CHUNK)
    header, parts = chunks(encrypt_in_parts(cipher, os.urandom(3 * CHUNK + 500), 2))
    with pytest.raises(IntegrityError):
        decrypt(cipher, DAMAGE[damage](header, parts))


def test_final_flag_stops_truncation_at_a_chunk_boundary():
    """A file of exactly 3 chunks cut to 2 whole chunks must not pass as complete."""
    cipher = BlobCipher(b"k" * 32, chunk_size=CHUNK)
    header, parts = chunks(encrypt_in_parts(cipher, os.urandom(3 * CHUNK), 1))
    assert len(parts) == 3
    with pytest.raises(IntegrityError):
        decrypt(cipher, header + parts[0] + parts[1])


def test_wrong_key_is_named_and_names_are_keyed():
    a, b = BlobCipher(b"a" * 32, chunk_size=CHUNK), BlobCipher(b"b" * 32, chunk_size=CHUNK)
    with pytest.raises(WrongKeyError):
        decrypt(b, encrypt_in_parts(a, b"secret squat", 1))
    sha = "ab" * 32
    assert a.name_for(sha) != b.name_for(sha) and sha not in a.name_for(sha)
    assert a.name_for(sha) != a.tag_for(sha)


def test_same_plaintext_encrypts_differently_each_time():
    cipher = BlobCipher(b"k" * 32, chunk_size=CHUNK)
    assert encrypt_in_parts(cipher, b"x" * 3000, 1) != encrypt_in_parts(cipher, b"x" * 3000, 1)


# -- keys -----------------------------------------------------------------------------------
KEY = os.urandom(32)


def test_key_from_environment_wins():
    env = {"REPCHECK_SYNC_KEY": base64.b64encode(KEY).decode()}
    assert load_encryption_key("/nonexistent", environ=env) == KEY


@pytest.mark.parametrize(("mode", "content", "ok"), [
    (0o600, base64.b64encode(KEY) + b"\n", True),
    (0o400, KEY, True),
    (0o640, base64.b64encode(KEY), False),
    (0o604, base64.b64encode(KEY), False),
    (0o600, b"too short", False),
], ids=["0600-base64", "0400-raw", "0640-group", "0604-others", "not-a-key"])
def test_key_file_rules(tmp_path, mode, content, ok):
    path = tmp_path / "sync.key"
    path.write_bytes(content)
    path.chmod(mode)
    if ok:
        assert load_encryption_key(path, environ={}) == KEY
        return
    with pytest.raises(ConfigError) as caught:
        load_encryption_key(path, environ={})
    assert KEY.hex() not in str(caught.value) and base64.b64encode(KEY).decode() not in str(
        caught.value)


def test_no_key_at_all_is_a_config_error():
    with pytest.raises(ConfigError, match="no key"):
        load_encryption_key(None, environ={})


# -- configuration --------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "bucket", "prefix"), [
    ("s3://videos", "videos", ""),
    ("s3://my.bucket-1/users/ann/", "my.bucket-1", "users/ann"),
])
def test_from_url(url, bucket, prefix):
    cfg = S3Config.from_url(url, endpoint_url="http://127.0.0.1:1")
    assert (cfg.bucket, cfg.prefix, cfg.endpoint_url) == (bucket, prefix, "http://127.0.0.1:1")


@pytest.mark.parametrize(("url", "kw"), [
    ("https://bucket/x", {}),
    ("s3://Bad_Bucket", {}),
    ("s3://ok-bucket", {"sse": "aes"}),
    ("s3://ok-bucket", {"kms_key_id": "k"}),
    ("s3://ok-bucket", {"part_size": 1024 * 1024}),
    ("s3://ok-bucket", {"part_size": 5 * 1024 * 1024 + 1}),
    ("s3://ok-bucket", {"workers": 0}),
    ("s3://ok-bucket", {"max_rate": 0}),
])
def test_bad_configuration_is_refused(url, kw):
    with pytest.raises(ConfigError):
        S3Config.from_url(url, **kw)


# -- errors ---------------------------------------------------------------------------------
def client_error(code: str, status: int):
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": "m"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject")


@pytest.mark.parametrize(("exc", "kind"), [
    (client_error("SignatureDoesNotMatch", 403), AuthError),
    (client_error("InvalidAccessKeyId", 403), AuthError),
    (client_error("403", 403), AuthError),
    (client_error("NoSuchBucket", 404), ConfigError),
    (client_error("InternalError", 500), PartialError),
    (client_error("SlowDown", 503), PartialError),
    (client_error("EntityTooSmall", 400), RepcheckError),
])
def test_error_mapping(exc, kind):
    err = map_error(exc, "upload of videos/x", S3Config("bucket"))
    assert type(err) is kind
    assert str(err).startswith("upload of videos/x: s3://bucket") and "\n" not in str(err)


def test_missing_credentials_are_an_auth_error():
    from botocore.exceptions import NoCredentialsError

    assert isinstance(map_error(NoCredentialsError(), "x", S3Config("bucket")), AuthError)


# -- rate limit -----------------------------------------------------------------------------
def test_throttled_body_keeps_the_rate_and_rewinds():
    rate = 2 * 1024 * 1024
    body = ThrottledBody(b"z" * rate, RateLimiter(rate))
    started = time.monotonic()
    assert b"".join(iter(lambda: body.read(8192), b"")) == b"z" * rate
    elapsed = time.monotonic() - started
    assert 0.6 < elapsed < 3  # 1 s of data minus the initial burst of 1/4 s (+ a busy CI)
    body.seek(0)
    assert body.tell() == 0 and len(body) == rate


def test_importing_the_store_loads_neither_boto3_nor_cryptography():
    import subprocess
    import sys

    code = ("import sys, repcheck.sync.s3; "
            "print(sorted(m for m in ('boto3', 'botocore', 'cryptography') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
