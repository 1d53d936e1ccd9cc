"""Videos to and from an S3 bucket: content-addressed, resumable, verified, optionally encrypted.

This is the only module that imports boto3 (lazily, so importing it is cheap).

Public API
----------
* ``S3Config`` (frozen, validated): ``S3Config.from_url("s3://BUCKET/PREFIX", endpoint_url=...,
  region=..., sse="AES256"|"aws:kms"|"none", kms_key_id=..., max_rate=bytes_per_s,
  workers=4, part_size=8 MiB, timeout=60, retries=4, request_attempts=3)``.
* ``BlobStore(cfg, state_dir, encryption_key=None)``, a context manager:
  ``key_for(sha256)``, ``exists(key, sha256=None)``, ``upload(key, path, sha256)``,
  ``download(key, dest, sha256)``, ``upload_many([(key, path, sha256)])``,
  ``download_many([(key, dest, sha256)])``, ``setup_bucket(...)``, ``presigned_url(key)``.
  Each transfer returns a ``Transfer`` (status ``uploaded|skipped|downloaded|failed``,
  parts sent and reused, error). ``on_progress(key, nbytes)`` is called from worker threads
  as plaintext bytes go out or come in.
* ``load_encryption_key(key_file)`` (``REPCHECK_SYNC_KEY`` wins; a key file must be 0600) and
  ``create_key_file(path)``; errors ``IntegrityError`` and ``WrongKeyError`` (from ``crypto``).

Keys
----
Every key passed to ``BlobStore`` is *relative to* ``cfg.prefix``; the store prepends the
prefix, so one bucket keeps many users apart by prefix. ``store.key_for(sha256)`` gives the
content address ``videos/<sha256>``, or ``videos/<HMAC(sha256)>`` when client-side
encryption is on, so that the bucket never learns a plaintext hash.

Metadata and "already there?"
-----------------------------
Each object carries ``x-amz-meta-repcheck-sha256`` (the plaintext SHA-256) or, when
encrypted, ``x-amz-meta-repcheck-tag`` (an HMAC of it), ``x-amz-meta-repcheck-enc: RCB1`` and
the key id (so a wrong key is named as such before any byte is fetched). Upload first sends a
HEAD and skips the file only if that metadata proves the same content. Every small object and
part is sent with ``x-amz-checksum-sha256`` for servers that verify it, and the whole-file
SHA-256 of the plaintext is verified on every download; a mismatch removes the partial file.
With those two checks in place the request bodies are not hashed a second time for the
signature (``UNSIGNED-PAYLOAD``, as botocore itself does over HTTPS); that keeps upload
throughput level with boto3's ``upload_file`` (see ``benchmarks/s3_throughput.py``).

Multipart and resume
--------------------
Files larger than ``part_size`` go multipart, parts in parallel on a pool of ``workers``
threads. After each part the upload id and the finished parts (number, ETag, SHA-256) are
written atomically (temp file, fsync, rename) to ``state_dir/s3-uploads/<id>.json``. A later
run, in any process, reconciles that record with ``ListParts`` and sends only the parts the
server does not hold. The record is deleted only after ``CompleteMultipartUpload`` succeeded;
nothing else counts as "uploaded". While the parts travel, a background thread re-hashes the
file; if it no longer matches its SHA-256 the upload is aborted. Encrypted uploads keep their
object header in the record so resumed parts belong to the same ciphertext (see ``crypto``).
Stray uploads of the same key (a retried ``CreateMultipartUpload``) are aborted once the
object exists.

Failures
--------
botocore retries each request ("standard" mode); on top of that each part, small object,
completion and download is retried with capped exponential backoff and full jitter. What
still fails maps to ``repcheck.errors``: refused credentials -> ``AuthError`` (exit 7); a
missing bucket or a bad setting -> ``ConfigError`` (6; so is ``WrongKeyError``); transient
trouble after the retries -> ``PartialError`` (8); a missing object on download ->
``NotFoundError`` (3); wrong content -> ``IntegrityError`` (1). Messages are one line and carry
no secrets. ``upload_many``/``download_many`` do not raise for one file's transient or
integrity failure (it is in that file's ``Transfer``) but stop on ``AuthError``/``ConfigError``.

Server differences (measured in tests/sync): RGW 16 never echoes the SSE header, ignores
``x-amz-checksum-*``, and refuses bucket default encryption and SSE-KMS without a KMS
backend; ``setup_bucket`` reports each refusal instead of hiding it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from repcheck.errors import AuthError, ConfigError, NotFoundError, PartialError, RepcheckError
from repcheck.sync.crypto import (
    CHUNK_SIZE,
    BlobCipher,
    IntegrityError,
    WrongKeyError,
    create_key_file,
    encrypted_size,
    load_encryption_key,
)

__all__ = ["S3Config", "BlobStore", "Transfer", "IntegrityError", "WrongKeyError",
           "load_encryption_key", "create_key_file"]

MiB = 1024 * 1024
MIN_PART_SIZE = 5 * MiB  # S3's minimum for every part but the last
MAX_PARTS = 10_000
SSE_MODES = ("AES256", "aws:kms", "none")
META_SHA, META_TAG, META_ENC = "repcheck-sha256", "repcheck-tag", "repcheck-enc"
META_KEY_ID = "repcheck-key-id"
ENC_FORMAT = "RCB1"
READ_BLOCK = MiB
BACKOFF_BASE, BACKOFF_CAP = 0.25, 8.0
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

# S3 error codes by meaning (data, not branches).
AUTH_CODES = frozenset({"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                        "ExpiredToken", "InvalidToken", "TokenRefreshRequired",
                        "InvalidClientTokenId", "UnrecognizedClientException",
                        "403"})  # a HEAD has no body, so its refusal carries only the status
CONFIG_CODES = frozenset({"NoSuchBucket", "InvalidBucketName", "PermanentRedirect",
                          "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
                          "KMS.NotFoundException", "KMS.DisabledException", "InvalidStorageClass",
                          "KMS.KMSInvalidStateException", "InvalidEncryptionAlgorithmError",
                          "InvalidArgument"})
TRANSIENT_CODES = frozenset({"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout",
                             "Throttling", "ThrottlingException", "RequestLimitExceeded",
                             "BadGateway", "GatewayTimeout", "OperationAborted",
                             "500", "502", "503", "504"})
# ListParts on an upload the server no longer has: AWS/moto say NoSuchUpload, RGW NoSuchKey.
UPLOAD_GONE_CODES = frozenset({"NoSuchUpload", "NoSuchKey", "404"})


# -- configuration --------------------------------------------------------------------------
@dataclass(frozen=True)
class S3Config:
    """Where videos go and how. ``max_rate`` caps bytes/second across all transfers."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    sse: str = "AES256"  # "AES256" | "aws:kms" | "none"
    kms_key_id: str | None = None
    max_rate: int | None = None
    workers: int = 4
    part_size: int = 8 * MiB
    timeout: float = 60.0  # connect/read timeout of one request, seconds
    retries: int = 4  # our retries of a part/object/completion, beyond botocore's own
    request_attempts: int = 3  # botocore's attempts per request

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", self.prefix.strip("/"))
        for problem in _config_problems(self):
            raise ConfigError(problem)

    @classmethod
    def from_url(cls, url: str, **kw: Any) -> S3Config:
        """``s3://BUCKET`` or ``s3://BUCKET/PREFIX``; other fields as keywords."""
        if not url.startswith("s3://"):
            raise ConfigError(f"sync.bucket must look like s3://BUCKET/PREFIX, not {url!r}")
        bucket, _, prefix = url[5:].partition("/")
        return cls(bucket=bucket, prefix=prefix, **kw)


def _config_problems(cfg: S3Config) -> Iterable[str]:
    if not _BUCKET_RE.match(cfg.bucket):
        yield f"{cfg.bucket!r} is not a valid S3 bucket name"
    if cfg.sse not in SSE_MODES:
        yield f"sync.sse must be one of {', '.join(SSE_MODES)}, not {cfg.sse!r}"
    if cfg.kms_key_id and cfg.sse != "aws:kms":
        yield "a KMS key is set but sync.sse is not aws:kms"
    if cfg.part_size < MIN_PART_SIZE or cfg.part_size % CHUNK_SIZE:
        yield f"part size must be a whole number of MiB and at least {MIN_PART_SIZE // MiB} MiB"
    if cfg.workers < 1 or cfg.retries < 0 or cfg.request_attempts < 1:
        yield "workers and request attempts must be at least 1, retries at least 0"
    if cfg.max_rate is not None and cfg.max_rate <= 0:
        yield "max rate must be a positive number of bytes per second"


@dataclass
class Transfer:
    """One file's outcome. ``status``: uploaded, skipped, downloaded or failed."""

    key: str
    path: Path
    size: int = 0
    status: str = "failed"
    parts_sent: int = 0
    parts_reused: int = 0
    seconds: float = 0.0
    error: RepcheckError | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


# -- rate limit -----------------------------------------------------------------------------
class RateLimiter:
    """Token bucket shared by all transfer threads; a caller may go briefly into debt."""

    def __init__(self, rate: int) -> None:
        self.rate = float(rate)
        self.capacity = max(64 * 1024, rate / 4)
        self.tokens = self.capacity
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self, n: int) -> None:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
            self.tokens -= n
            wait_s = -self.tokens / self.rate if self.tokens < 0 else 0.0
        if wait_s:
            time.sleep(wait_s)


class ThrottledBody(io.RawIOBase):
    """A seekable in-memory request body whose reads draw from a :class:`RateLimiter`."""

    def __init__(self, data: bytes, limiter: RateLimiter, block: int = 64 * 1024) -> None:
        self.data, self.limiter, self.block, self.pos = memoryview(data), limiter, block, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self.data)

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: 0, 1: self.pos, 2: len(self.data)}[whence] + offset
        return self.pos

    def read(self, n: int = -1) -> bytes:
        n = min(self.block, len(self.data) - self.pos if n is None or n < 0 else n)
        chunk = bytes(self.data[self.pos:self.pos + max(n, 0)])
        if chunk:
            self.limiter.acquire(len(chunk))
        self.pos += len(chunk)
        return chunk


# -- resume state ---------------------------------------------------------------------------
class UploadState:
    """One JSON record per unfinished multipart upload, replaced atomically on each change."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = Path(state_dir) / "s3-uploads"
        self.lock = threading.RLock()  # callers may hold it to update a record and save it

    def path(self, bucket: str, key: str) -> Path:
        return self.dir / (hashlib.sha256(f"{bucket}/{key}".encode()).hexdigest()[:32] + ".json")

    def load(self, bucket: str, key: str) -> dict | None:
        try:
            return json.loads(self.path(bucket, key).read_text())
        except (FileNotFoundError, ValueError):
            return None

    def save(self, record: dict) -> None:
        with self.lock:
            self.dir.mkdir(parents=True, exist_ok=True)
            target = self.path(record["bucket"], record["key"])
            tmp = target.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(record, f, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)

    def drop(self, bucket: str, key: str) -> None:
        with self.lock:
            self.path(bucket, key).unlink(missing_ok=True)


# -- errors ---------------------------------------------------------------------------------
def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code") or "") or None
    return None


def is_transient(exc: BaseException) -> bool:
    from botocore import exceptions as bx

    if isinstance(exc, bx.ClientError):
        return (error_code(exc) in TRANSIENT_CODES
                or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500)
    transient = (bx.EndpointConnectionError, bx.ConnectionClosedError, bx.ReadTimeoutError,
                 bx.ConnectTimeoutError, bx.ResponseStreamingError, bx.IncompleteReadError,
                 bx.HTTPClientError)
    return isinstance(exc, transient + (ConnectionError, TimeoutError))


def map_error(exc: BaseException, what: str, cfg: S3Config) -> RepcheckError:
    """Turn a boto/botocore failure into a one-line ``RepcheckError`` (no secrets).

    The S3 error code, if any, is kept as the error's ``code`` attribute.
    """
    if isinstance(exc, RepcheckError):
        return exc
    err = _classify(exc, what, cfg)
    err.code = error_code(exc)
    return err


def _classify(exc: BaseException, what: str, cfg: S3Config) -> RepcheckError:
    from botocore import exceptions as bx

    code = error_code(exc)
    where = f"s3://{cfg.bucket}"
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return AuthError(f"{what}: no usable S3 credentials were found",
                         "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE")
    if code in AUTH_CODES:
        hint = "check the AWS credentials (environment or profile)"
        if cfg.sse == "aws:kms":
            hint += " and that they may use the KMS key"
        return AuthError(f"{what}: {where} refused the credentials ({code})", hint)
    if code in ("NoSuchKey", "404") and what.startswith("download"):
        return NotFoundError(f"{what}: {where} has no such object",
                             "it was never uploaded, or was deleted or expired")
    if code in CONFIG_CODES or code == "404" and what.startswith("bucket"):
        hint = "check sync.bucket, sync.endpoint-url, sync.region and sync.sse"
        if cfg.sse == "aws:kms":
            hint = "check sync.sse aws:kms and sync.kms-key: may this server use that KMS key?"
        return ConfigError(f"{what}: {where} answered {code}", hint)
    if isinstance(exc, (bx.ParamValidationError, bx.InvalidEndpointConfigurationError,
                        ValueError)):
        return ConfigError(f"{what}: invalid S3 setting ({type(exc).__name__})",
                           "check sync.endpoint-url and sync.region")
    if is_transient(exc):
        reason = code or type(exc).__name__
        return PartialError(f"{what}: {where} kept failing ({reason})",
                            "run the sync again later; finished parts are kept")
    return RepcheckError(f"{what}: {where} answered {code or type(exc).__name__}")


def with_retries(fn: Callable[[], Any], what: str, cfg: S3Config) -> Any:
    """Call ``fn``; retry transient failures with capped exponential backoff and jitter."""
    for attempt in range(cfg.retries + 1):
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - classified below
            if not is_transient(exc) or attempt == cfg.retries:
                raise map_error(exc, what, cfg) from exc
            time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)))
    raise AssertionError("unreachable")


def make_client(cfg: S3Config):
    import boto3
    from botocore.config import Config

    config = Config(
        region_name=cfg.region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        retries={"mode": "standard", "max_attempts": cfg.request_attempts},
        connect_timeout=cfg.timeout, read_timeout=cfg.timeout,
        max_pool_connections=2 * cfg.workers + 4,
        # Bodies carry our x-amz-checksum-sha256, and the whole file is verified end to end
        # on download; like botocore over HTTPS, do not hash every body a second time for
        # the signature (over plain-HTTP endpoints botocore would, and the server too).
        s3={"addressing_style": "path" if cfg.endpoint_url else "auto",
            "payload_signing_enabled": False},
        signature_version="s3v4",  # also for presigned links (botocore may pick SigV2)
        # we send our own SHA-256 checksums; no CRC32 trailers that older servers reject
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client("s3", endpoint_url=cfg.endpoint_url, config=config)


def b64_sha256(data: bytes | memoryview) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(4 * MiB):
            h.update(block)
    return h.hexdigest()


def _etag(value: str | None) -> str:
    return (value or "").strip('"')


# -- the store ------------------------------------------------------------------------------
class BlobStore:
    """Content-addressed blobs in one bucket under one prefix (see the module docstring)."""

    def __init__(self, cfg: S3Config, state_dir: Path,
                 encryption_key: bytes | None = None) -> None:
        self.cfg = cfg
        self.state = UploadState(Path(state_dir))
        self.cipher = BlobCipher(encryption_key) if encryption_key else None
        self.client = make_client(cfg)
        self.limiter = RateLimiter(cfg.max_rate) if cfg.max_rate else None
        self.parts = ThreadPoolExecutor(cfg.workers, thread_name_prefix="repcheck-s3-part")

    def close(self) -> None:
        self.parts.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BlobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # keys and metadata
    def key_for(self, sha256_hex: str, kind: str = "videos") -> str:
        name = self.cipher.name_for(sha256_hex) if self.cipher else sha256_hex
        return f"{kind}/{name}"

    def full_key(self, key: str) -> str:
        key = key.lstrip("/")
        return f"{self.cfg.prefix}/{key}" if self.cfg.prefix else key

    def metadata_for(self, sha256_hex: str) -> dict[str, str]:
        if self.cipher:
            return {META_TAG: self.cipher.tag_for(sha256_hex), META_ENC: ENC_FORMAT,
                    META_KEY_ID: self.cipher.key_id.hex()}
        return {META_SHA: sha256_hex}

    def same_content(self, metadata: dict[str, str], sha256_hex: str) -> bool:
        expected = self.metadata_for(sha256_hex)
        return all(metadata.get(k) == v for k, v in expected.items())

    def sse_args(self) -> dict[str, str]:
        if self.cfg.sse == "none":
            return {}
        args = {"ServerSideEncryption": self.cfg.sse}
        if self.cfg.kms_key_id:
            args["SSEKMSKeyId"] = self.cfg.kms_key_id
        return args

    # HEAD
    def head(self, key: str) -> dict | None:
        """The object's HEAD answer, or None if there is no such object."""
        def call():
            try:
                return self.client.head_object(Bucket=self.cfg.bucket, Key=self.full_key(key))
            except Exception as exc:
                if error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                    return None
                raise
        return with_retries(call, f"checking {key}", self.cfg)

    def exists(self, key: str, sha256_hex: str | None = None) -> bool:
        """HEAD; with ``sha256_hex``, true only if the stored object has that content."""
        head = self.head(key)
        if head is None:
            return False
        return sha256_hex is None or self.same_content(head.get("Metadata", {}), sha256_hex)

    # upload
    def upload(self, key: str, path: Path, sha256_hex: str,
               on_progress: Callable[[str, int], None] | None = None) -> Transfer:
        """Upload ``path`` as ``key`` unless the bucket already holds that content."""
        started, path = time.monotonic(), Path(path)
        size = path.stat().st_size
        head = self.head(key)
        if head is not None and self.same_content(head.get("Metadata", {}), sha256_hex):
            self._forget_unfinished(key)
            return Transfer(key, path, size, "skipped", seconds=time.monotonic() - started)
        stored = encrypted_size(size) if self.cipher else size
        if stored <= self.cfg.part_size:
            transfer = self._put_small(key, path, sha256_hex, on_progress)
        else:
            transfer = _MultipartUpload(self, key, path, sha256_hex, on_progress).run()
        transfer.seconds = time.monotonic() - started
        return transfer

    def _forget_unfinished(self, key: str) -> None:
        """The object is there after all (say another device finished it): drop our record
        of an unfinished upload of it, and that upload too."""
        record = self.state.load(self.cfg.bucket, self.full_key(key))
        if record:
            self.state.drop(self.cfg.bucket, self.full_key(key))
            try:
                self.client.abort_multipart_upload(Bucket=self.cfg.bucket,
                                                   Key=self.full_key(key),
                                                   UploadId=record["upload_id"])
            except Exception:  # noqa: BLE001 - best effort; lifecycle rules clean up the rest
                pass

    def _body(self, data: bytes):
        return ThrottledBody(data, self.limiter) if self.limiter else data

    def _put_small(self, key: str, path: Path, sha256_hex: str, on_progress) -> Transfer:
        plain = path.read_bytes()
        if hashlib.sha256(plain).hexdigest() != sha256_hex:
            raise IntegrityError(f"{path.name} does not match its SHA-256 (changed on disk?)")
        data = plain
        if self.cipher:
            header = self.cipher.new_header()
            data = header + self.cipher.encrypt_range(header, plain, 0, ends_file=True)
        checksum = b64_sha256(data)
        with_retries(lambda: self.client.put_object(
            Bucket=self.cfg.bucket, Key=self.full_key(key), Body=self._body(data),
            ChecksumAlgorithm="SHA256", ChecksumSHA256=checksum,
            Metadata=self.metadata_for(sha256_hex),
            ContentType="application/octet-stream", **self.sse_args()),
            f"upload of {key}", self.cfg)
        if on_progress:
            on_progress(key, len(plain))
        return Transfer(key, path, len(plain), "uploaded", parts_sent=1)

    # download
    def download(self, key: str, dest: Path, sha256_hex: str,
                 on_progress: Callable[[str, int], None] | None = None) -> Transfer:
        """Fetch ``key`` into ``dest``; the plaintext SHA-256 must equal ``sha256_hex``.

        The bytes land in a temporary file beside ``dest`` that is renamed only after the
        check passed and removed on any failure.
        """
        started, dest = time.monotonic(), Path(dest)
        size = with_retries(lambda: self._fetch(key, dest, sha256_hex, on_progress),
                            f"download of {key}", self.cfg)
        return Transfer(key, dest, size, "downloaded", seconds=time.monotonic() - started)

    def _fetch(self, key: str, dest: Path, sha256_hex: str, on_progress) -> int:
        answer = self.client.get_object(Bucket=self.cfg.bucket, Key=self.full_key(key))
        metadata = answer.get("Metadata", {})
        decryptor = self._decryptor_for(key, metadata, sha256_hex)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.part{os.getpid()}.{threading.get_ident()}")
        try:
            digest, size = self._stream_to(answer["Body"], tmp, decryptor, key, on_progress)
            if digest != sha256_hex:
                raise IntegrityError(f"{key} failed its SHA-256 check after download",
                                     "the stored object is damaged; upload it again")
            os.replace(tmp, dest)
            return size
        finally:
            answer["Body"].close()
            tmp.unlink(missing_ok=True)

    def _decryptor_for(self, key: str, metadata: dict, sha256_hex: str):
        encrypted = metadata.get(META_ENC) == ENC_FORMAT
        if encrypted and not self.cipher:
            raise ConfigError(f"{key} is encrypted on the client side",
                              "turn on sync.encrypt with the key that encrypted it")
        if encrypted:
            key_id = metadata.get(META_KEY_ID)
            if key_id and key_id != self.cipher.key_id.hex():
                raise WrongKeyError(f"{key} was encrypted with another key (id {key_id}, this "
                                    f"device has {self.cipher.key_id.hex()})",
                                    "use the key file of the device that uploaded it")
            if metadata.get(META_TAG) not in (None, self.cipher.tag_for(sha256_hex)):
                raise IntegrityError(f"{key} holds other content than the expected video")
            return self.cipher.decryptor()
        if metadata.get(META_SHA) not in (None, sha256_hex):
            raise IntegrityError(f"{key} holds other content than the expected video")
        return None

    def _stream_to(self, body, tmp: Path, decryptor, key: str, on_progress) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with open(tmp, "wb") as out:
            while block := body.read(READ_BLOCK):
                if self.limiter:
                    self.limiter.acquire(len(block))
                plain = decryptor.feed(block) if decryptor else block
                digest.update(plain)
                out.write(plain)
                size += len(plain)
                if on_progress and plain:
                    on_progress(key, len(plain))
            if decryptor:
                plain = decryptor.finish()
                digest.update(plain)
                out.write(plain)
                size += len(plain)
                if on_progress and plain:
                    on_progress(key, len(plain))
            out.flush()
            os.fsync(out.fileno())  # renamed into place only once it is on disk
        return digest.hexdigest(), size

    def presigned_url(self, key: str, expires: int = 3600) -> str:
        """A time-limited GET link (e.g. to show a coach a clip). Encrypted objects stay
        ciphertext through it."""
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.cfg.bucket, "Key": self.full_key(key)},
            ExpiresIn=expires)

    # many at once
    def upload_many(self, items: list[tuple[str, Path, str]],
                    on_progress: Callable[[str, int], None] | None = None) -> list[Transfer]:
        """Upload (key, path, sha256) items in parallel; one Transfer per item, in order."""
        return self._many(self.upload, items, on_progress)

    def download_many(self, items: list[tuple[str, Path, str]],
                      on_progress: Callable[[str, int], None] | None = None) -> list[Transfer]:
        """Download (key, dest, sha256) items in parallel; one Transfer per item, in order."""
        return self._many(self.download, items, on_progress)

    def _many(self, fn, items, on_progress) -> list[Transfer]:
        if not items:
            return []
        with ThreadPoolExecutor(min(self.cfg.workers, len(items)),
                                thread_name_prefix="repcheck-s3-file") as pool:
            futures = [pool.submit(fn, key, Path(p), sha, on_progress) for key, p, sha in items]
            results = []
            for (key, p, _), future in zip(items, futures, strict=True):
                results.append(self._outcome(key, Path(p), future, futures))
        return results

    @staticmethod
    def _outcome(key: str, path: Path, future: Future, futures: list[Future]) -> Transfer:
        try:
            return future.result()
        except (AuthError, ConfigError):
            for other in futures:
                other.cancel()
            raise
        except RepcheckError as exc:
            return Transfer(key, path, status="failed", error=exc)

    # bucket setup
    def setup_bucket(self, *, transition_days: int | None = 30,
                     storage_class: str = "STANDARD_IA", expire_days: int | None = None,
                     abort_incomplete_days: int | None = 7, versioning: bool = False,
                     kind: str = "videos") -> dict[str, dict[str, str]]:
        """Apply the bucket's protections; report per step what the server did.

        Each value is ``{"status": S, "detail": ...}`` with S one of ``applied`` (accepted
        and read back), ``accepted`` (accepted; reading it back failed), ``refused`` (the
        server said no, with its code) or ``skipped`` (not asked for).
        """
        report = {"bucket": self._ensure_bucket()}
        steps = setup_steps(self, transition_days, storage_class, expire_days,
                            abort_incomplete_days, versioning, kind)
        for name, put, get, matches, skipped in steps:
            report[name] = ({"status": "skipped", "detail": skipped} if skipped
                            else self._apply_step(name, put, get, matches))
        return report

    def _ensure_bucket(self) -> dict[str, str]:
        client, bucket = self.client, self.cfg.bucket
        try:
            with_retries(lambda: client.head_bucket(Bucket=bucket), "bucket check", self.cfg)
            return {"status": "applied", "detail": "exists"}
        except ConfigError as exc:
            if getattr(exc, "code", None) not in ("404", "NoSuchBucket"):
                raise
        region = client.meta.region_name
        where = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        with_retries(lambda: client.create_bucket(Bucket=bucket, **where), "bucket creation",
                     self.cfg)
        return {"status": "applied", "detail": "created"}

    def _apply_step(self, name: str, put, get, matches) -> dict[str, str]:
        try:
            with_retries(put, f"bucket setup ({name})", self.cfg)
        except RepcheckError as exc:
            code = getattr(exc, "code", None)
            if isinstance(exc, PartialError) or (isinstance(exc, AuthError)
                                                 and code != "AccessDenied"):
                raise
            return {"status": "refused", "detail": code or exc.message}
        try:
            answer = with_retries(get, f"bucket setup ({name}, read back)", self.cfg)
        except RepcheckError as exc:
            return {"status": "accepted",
                    "detail": f"not read back ({getattr(exc, 'code', None) or exc.message})"}
        if matches(answer):
            return {"status": "applied", "detail": "read back as set"}
        return {"status": "accepted", "detail": "read back differently"}


def lifecycle_rule(prefix: str, transition_days: int | None, storage_class: str,
                   expire_days: int | None, abort_days: int | None) -> dict | None:
    """One lifecycle rule for the prefix, or None when nothing is asked for."""
    rule: dict[str, Any] = {"ID": f"repcheck-{prefix.strip('/').replace('/', '-') or 'all'}",
                            "Status": "Enabled", "Filter": {"Prefix": prefix}}
    if transition_days:
        rule["Transitions"] = [{"Days": transition_days, "StorageClass": storage_class}]
    if expire_days:
        rule["Expiration"] = {"Days": expire_days}
    if abort_days:
        rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": abort_days}
    return rule if len(rule) > 3 else None


def setup_steps(store: BlobStore, transition_days, storage_class, expire_days, abort_days,
                versioning: bool, kind: str) -> list[tuple]:
    """(name, put, get, matches, skipped-reason) for each bucket protection, in order."""
    c, b, cfg = store.client, store.cfg.bucket, store.cfg
    block = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                               "RestrictPublicBuckets")}
    default_sse = {"SSEAlgorithm": cfg.sse}
    if cfg.kms_key_id:
        default_sse["KMSMasterKeyID"] = cfg.kms_key_id
    rule = lifecycle_rule(store.full_key(kind) + "/", transition_days, storage_class,
                          expire_days, abort_days)
    return [
        ("public_access_block",
         lambda: c.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration=block),
         lambda: c.get_public_access_block(Bucket=b),
         lambda a: a["PublicAccessBlockConfiguration"] == block, None),
        ("encryption",
         lambda: c.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={
             "Rules": [{"ApplyServerSideEncryptionByDefault": default_sse}]}),
         lambda: c.get_bucket_encryption(Bucket=b),
         lambda a: a["ServerSideEncryptionConfiguration"]["Rules"][0][
             "ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == cfg.sse,
         "sync.sse is none" if cfg.sse == "none" else None),
        ("lifecycle",
         lambda: c.put_bucket_lifecycle_configuration(
             Bucket=b, LifecycleConfiguration={"Rules": [rule]}),
         lambda: c.get_bucket_lifecycle_configuration(Bucket=b),
         lambda a: any(r.get("ID") == rule["ID"] for r in a.get("Rules", [])),
         None if rule else "no transition, expiration or abort asked for"),
        ("versioning",
         lambda: c.put_bucket_versioning(Bucket=b,
                                         VersioningConfiguration={"Status": "Enabled"}),
         lambda: c.get_bucket_versioning(Bucket=b),
         lambda a: a.get("Status") == "Enabled",
         None if versioning else "not asked for"),
    ]


class _MultipartUpload:
    """One resumable multipart upload of one file (plaintext or RCB1 ciphertext)."""

    def __init__(self, store: BlobStore, key: str, path: Path, sha256_hex: str,
                 on_progress) -> None:
        self.store, self.cfg, self.key, self.path = store, store.cfg, key, path
        self.sha, self.on_progress = sha256_hex, on_progress
        self.full_key = store.full_key(key)
        self.size = path.stat().st_size
        self.nparts = -(-self.size // self.cfg.part_size)
        if self.nparts > MAX_PARTS:
            raise ConfigError(f"{path.name} needs more than {MAX_PARTS} parts",
                              "raise the part size")
        self.record: dict = {}

    def run(self) -> Transfer:
        self.record = self._resume() or self._create()
        reused = len(self.record["parts"])
        todo = [n for n in range(1, self.nparts + 1) if str(n) not in self.record["parts"]]
        hashing = threading.Thread(target=self._hash_source, daemon=True)
        self.source_sha: str | None = None
        hashing.start()
        try:
            self._send_parts(todo)
        except (AuthError, ConfigError, IntegrityError):
            raise
        except RepcheckError as exc:
            return self._parts_failed(exc)
        hashing.join()
        if self.source_sha != self.sha:
            self._abort()
            raise IntegrityError(f"{self.path.name} does not match its SHA-256 "
                                 "(changed on disk?); the upload was abandoned")
        self._complete()
        return Transfer(self.key, self.path, self.size, "uploaded", parts_sent=len(todo),
                        parts_reused=reused)

    def _parts_failed(self, exc: RepcheckError) -> Transfer:
        """Parts failed. If the object exists meanwhile, another device finished the same
        video (and aborted the stray uploads, ours included: servers then answer NoSuchUpload,
        or moto a 500): that is done. An upload the server dropped otherwise (a lifecycle
        rule) starts over next run; anything else stays resumable."""
        if self.store.exists(self.key, self.sha):
            self._abort()
            return Transfer(self.key, self.path, self.size, "skipped")
        if getattr(exc, "code", None) != "NoSuchUpload":
            raise exc
        self.store.state.drop(self.cfg.bucket, self.full_key)
        raise PartialError(f"upload of {self.key} was cancelled on the server",
                           "run the sync again to start it over") from exc

    def _hash_source(self) -> None:
        self.source_sha = file_sha256(self.path)

    # state
    def _fingerprint(self) -> dict:
        cipher = self.store.cipher
        return {"bucket": self.cfg.bucket, "key": self.full_key, "sha256": self.sha,
                "size": self.size, "part_size": self.cfg.part_size,
                "key_id": cipher.key_id.hex() if cipher else None}

    def _resume(self) -> dict | None:
        record = self.store.state.load(self.cfg.bucket, self.full_key)
        if not record:
            return None
        if any(record.get(k) != v for k, v in self._fingerprint().items()):
            self._abort(record.get("upload_id"))
            return None
        listed = self._list_parts(record["upload_id"])
        if listed is None:  # the server forgot the upload (aborted or expired)
            self.store.state.drop(self.cfg.bucket, self.full_key)
            return None
        record["parts"] = {n: p for n, p in record["parts"].items()
                           if listed.get(int(n)) == p["etag"]}
        self.store.state.save(record)
        return record

    def _list_parts(self, upload_id: str) -> dict[int, str] | None:
        parts: dict[int, str] = {}
        marker = 0
        while True:
            try:
                page = with_retries(partial(
                    self.store.client.list_parts, Bucket=self.cfg.bucket, Key=self.full_key,
                    UploadId=upload_id, PartNumberMarker=marker), f"resuming {self.key}",
                    self.cfg)
            except RepcheckError as exc:
                if getattr(exc, "code", None) in UPLOAD_GONE_CODES:
                    return None
                raise
            parts.update({p["PartNumber"]: _etag(p["ETag"]) for p in page.get("Parts", [])})
            if not page.get("IsTruncated"):
                return parts
            marker = page["NextPartNumberMarker"]

    def _create(self) -> dict:
        store = self.store
        answer = with_retries(lambda: store.client.create_multipart_upload(
            Bucket=self.cfg.bucket, Key=self.full_key, Metadata=store.metadata_for(self.sha),
            ChecksumAlgorithm="SHA256", ContentType="application/octet-stream",
            **store.sse_args()), f"starting upload of {self.key}", self.cfg)
        record = {**self._fingerprint(), "upload_id": answer["UploadId"], "parts": {},
                  "header": store.cipher.new_header().hex() if store.cipher else None}
        store.state.save(record)
        return record

    # parts
    def _send_parts(self, todo: list[int]) -> None:
        futures = [self.store.parts.submit(self._send_part, n) for n in todo]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        wait(pending)
        for future in futures:
            if not future.cancelled() and future.exception() is not None:
                raise future.exception()
        if any(f.cancelled() for f in futures):
            raise PartialError(f"upload of {self.key} stopped early")

    def part_body(self, number: int) -> bytes:
        part_size = self.cfg.part_size
        start = (number - 1) * part_size
        length = min(part_size, self.size - start)
        with open(self.path, "rb") as f:
            plain = os.pread(f.fileno(), length, start)
        if len(plain) != length:
            raise IntegrityError(f"{self.path.name} became shorter during the upload")
        cipher = self.store.cipher
        if not cipher:
            return plain
        header = bytes.fromhex(self.record["header"])
        data = cipher.encrypt_range(header, plain, start // cipher.chunk_size,
                                    ends_file=number == self.nparts)
        return header + data if number == 1 else data

    def _send_part(self, number: int) -> None:
        data = self.part_body(number)
        checksum = b64_sha256(data)
        store = self.store
        answer = with_retries(lambda: store.client.upload_part(
            Bucket=self.cfg.bucket, Key=self.full_key, UploadId=self.record["upload_id"],
            PartNumber=number, Body=store._body(data), ChecksumSHA256=checksum),
            f"upload of {self.key} (part {number}/{self.nparts})", self.cfg)
        with store.state.lock:  # update and save together, so saves never go back in time
            self.record["parts"][str(number)] = {"etag": _etag(answer["ETag"]),
                                                 "sha256": checksum}
            store.state.save(self.record)
        if self.on_progress:
            plain_start = (number - 1) * self.cfg.part_size
            self.on_progress(self.key, min(self.cfg.part_size, self.size - plain_start))

    # finish
    def _complete(self) -> None:
        parts = [{"PartNumber": int(n), "ETag": f'"{p["etag"]}"', "ChecksumSHA256": p["sha256"]}
                 for n, p in sorted(self.record["parts"].items(), key=lambda kv: int(kv[0]))]
        store = self.store

        def call():
            try:
                return store.client.complete_multipart_upload(
                    Bucket=self.cfg.bucket, Key=self.full_key, UploadId=self.record["upload_id"],
                    MultipartUpload={"Parts": parts})
            except Exception as exc:
                if error_code(exc) == "NoSuchUpload" and store.exists(self.key, self.sha):
                    return None  # an earlier attempt completed; its answer was lost
                raise
        with_retries(call, f"finishing upload of {self.key}", self.cfg)
        store.state.drop(self.cfg.bucket, self.full_key)
        self._abort_strays()

    def _abort_strays(self) -> None:
        """Abort other unfinished uploads of this key: a CreateMultipartUpload retried after
        a timeout leaves one behind, and once the object exists they are all redundant (the
        key is its content). Best effort; the bucket's lifecycle rule catches the rest."""
        client, bucket = self.store.client, self.cfg.bucket
        try:
            listed = client.list_multipart_uploads(Bucket=bucket, Prefix=self.full_key)
            for upload in listed.get("Uploads", []):
                if upload["Key"] == self.full_key:
                    client.abort_multipart_upload(Bucket=bucket, Key=self.full_key,
                                                  UploadId=upload["UploadId"])
        except Exception:  # noqa: BLE001 - cleanup must not fail a finished upload
            pass

    def _abort(self, upload_id: str | None = None) -> None:
        upload_id = upload_id or self.record.get("upload_id")
        self.store.state.drop(self.cfg.bucket, self.full_key)
        if upload_id:
            try:
                self.store.client.abort_multipart_upload(
                    Bucket=self.cfg.bucket, Key=self.full_key, UploadId=upload_id)
            except Exception:  # noqa: BLE001 - best effort; lifecycle rules clean up the rest
                pass
