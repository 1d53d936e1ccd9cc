"""Client-side encryption of blobs before they leave the machine: chunked AES-256-GCM.

Why chunked: a video is uploaded in parts that are sent in parallel, possibly by different
processes (an interrupted upload resumes later). Each part must therefore be encryptable on
its own, at a known offset, without the rest of the file. The object format (``RCB1``)::

    object = HEADER || CHUNK_0 || CHUNK_1 || ... || CHUNK_{n-1}
    HEADER = b"RCB1" || chunk_size (u32, big endian) || key_id (8 bytes) || salt (16 bytes)
    CHUNK_i = nonce_i (12 random bytes) || AES-GCM(subkey, nonce_i, plaintext_i,
                                                    aad = HEADER || i (u64) || final_i (u8))

* ``subkey = HKDF-SHA256(master, salt, "repcheck/blob/v1")``: every object has its own key,
  so one random 96-bit nonce per chunk stays far below the GCM collision bound.
* Nonces are random per chunk, not a counter: re-encrypting a part on resume never reuses a
  nonce, even if the file changed between runs.
* The chunk index in the AAD stops reordering and splicing; the final flag on the last chunk
  (and only there) stops truncation; the header in the AAD binds every chunk to its object.
* Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last holds
  0..chunk_size. A part of ``k * chunk_size`` plaintext bytes is therefore ``k`` whole chunks
  (part 1 also carries the header), which is what makes multipart and resume work.

What the bucket sees: ciphertext, its length (about the plaintext length), and keyed names.
Object names and the metadata tag are HMACs of the plaintext SHA-256 under keys derived from
the master key (:meth:`BlobCipher.name_for`, :meth:`BlobCipher.tag_for`), so content
addressing and "already uploaded?" checks still work without revealing the hash.

The master key is 32 bytes: ``REPCHECK_SYNC_KEY`` (base64) or a key file of mode 0600
(:func:`load_encryption_key`). ``cryptography`` is imported only when a cipher is built.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
import struct
from pathlib import Path

from repcheck.errors import ConfigError, RepcheckError

MAGIC = b"RCB1"
CHUNK_SIZE = 1024 * 1024
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
CHUNK_OVERHEAD = NONCE_BYTES + TAG_BYTES
HEADER = struct.Struct(">4sI8s16s")  # magic, chunk size, key id, salt
KEY_ENV = "REPCHECK_SYNC_KEY"
_LABELS = {"key_id": b"repcheck/key-id", "name": b"repcheck/name/", "tag": b"repcheck/tag/"}


class IntegrityError(RepcheckError):
    """Stored bytes are not what was uploaded: checksum mismatch, tampering or truncation."""


class WrongKeyError(ConfigError):
    """An object was encrypted with a different key than the one configured here."""


# -- keys -----------------------------------------------------------------------------------
def load_encryption_key(key_file: str | os.PathLike | None = None,
                        environ: dict[str, str] | None = None) -> bytes:
    """The 32-byte master key: ``REPCHECK_SYNC_KEY`` (base64) wins over ``key_file``.

    The key file holds the key in base64 (or 32 raw bytes) and must not be readable by group
    or others. Errors never include key material.
    """
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return _decode_key(env[KEY_ENV].encode(), f"${KEY_ENV}")
    if not key_file:
        raise ConfigError("client-side encryption is on but no key is configured",
                          f"set {KEY_ENV} (base64 of 32 bytes) or sync.key-file")
    path = Path(key_file).expanduser()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(f"key file {path} does not exist",
                          "create one with `repcheck sync keygen` or fix sync.key-file") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"key file {path} is readable by other users",
                          f"run `chmod 600 {path}`")
    return _decode_key(path.read_bytes(), f"key file {path}")


def _decode_key(raw: bytes, where: str) -> bytes:
    if len(raw) == KEY_BYTES:  # raw bytes; base64 of 32 bytes is 44 characters
        return raw
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{where} does not hold a {KEY_BYTES}-byte key in base64",
                          "generate one with `repcheck sync keygen`")
    return key


def create_key_file(path: str | os.PathLike) -> Path:
    """Write a new random key (base64) to ``path`` with mode 0600; refuse to overwrite."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(base64.b64encode(os.urandom(KEY_BYTES)) + b"\n")
    return path


# -- sizes ----------------------------------------------------------------------------------
def chunk_count(plain_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    return max(1, -(-plain_size // chunk_size))


def encrypted_size(plain_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    return HEADER.size + plain_size + chunk_count(plain_size, chunk_size) * CHUNK_OVERHEAD


# -- cipher ---------------------------------------------------------------------------------
class BlobCipher:
    """Encrypts byte ranges of one file into RCB1 chunks and decrypts RCB1 streams."""

    def __init__(self, master_key: bytes, chunk_size: int = CHUNK_SIZE) -> None:
        if len(master_key) != KEY_BYTES:
            raise ConfigError(f"the encryption key must be {KEY_BYTES} bytes")
        self._master = master_key
        self.chunk_size = chunk_size
        self.key_id = self._mac("key_id", b"")[:8]

    def _mac(self, label: str, data: bytes) -> bytes:
        return hmac.new(self._master, _LABELS[label] + data, hashlib.sha256).digest()

    def name_for(self, sha256_hex: str) -> str:
        """The object name for a plaintext hash: keyed, so the bucket cannot test guesses."""
        return self._mac("name", sha256_hex.encode()).hex()

    def tag_for(self, sha256_hex: str) -> str:
        """The value stored as metadata in place of the plaintext hash."""
        return self._mac("tag", sha256_hex.encode()).hex()

    def new_header(self) -> bytes:
        return HEADER.pack(MAGIC, self.chunk_size, self.key_id, os.urandom(16))

    def _aead(self, header: bytes):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        salt = HEADER.unpack(header)[3]
        subkey = HKDF(hashes.SHA256(), KEY_BYTES, salt, b"repcheck/blob/v1").derive(self._master)
        return AESGCM(subkey)

    def encrypt_range(self, header: bytes, plaintext: bytes, first_chunk: int,
                      ends_file: bool) -> bytes:
        """Encrypt whole chunks starting at chunk ``first_chunk``; the header is not included.

        ``plaintext`` must be a multiple of the chunk size unless ``ends_file``; the last chunk
        of the file carries the final flag (an empty file is one empty final chunk).
        """
        aead, size = self._aead(header), self.chunk_size
        view = memoryview(plaintext)
        starts = list(range(0, len(plaintext), size)) or [0]
        out = []
        for n, start in enumerate(starts):
            final = ends_file and n == len(starts) - 1
            nonce = os.urandom(NONCE_BYTES)
            out.append(nonce)
            out.append(aead.encrypt(nonce, view[start:start + size],
                                    _aad(header, first_chunk + n, final)))
        return b"".join(out)

    def decryptor(self) -> Decryptor:
        return Decryptor(self)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


class Decryptor:
    """Streaming RCB1 decryption: ``feed`` bytes in order, then ``finish``.

    One ciphertext chunk is held back until more data arrives, because only the end of the
    stream says which chunk must carry the final flag.
    """

    def __init__(self, cipher: BlobCipher) -> None:
        self.cipher = cipher
        self.header: bytes | None = None
        self.aead = None
        self.buffer = bytearray()
        self.index = 0
        self.step = 0

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        if self.header is None:
            if len(self.buffer) < HEADER.size:
                return b""
            self._read_header()
        out = []
        while len(self.buffer) > self.step:  # strictly more: keep one chunk for finish()
            out.append(self._open(bytes(self.buffer[:self.step]), final=False))
            del self.buffer[:self.step]
        return b"".join(out)

    def finish(self) -> bytes:
        if self.header is None or len(self.buffer) < CHUNK_OVERHEAD:
            raise IntegrityError("the encrypted object is truncated")
        last = self._open(bytes(self.buffer), final=True)
        self.buffer.clear()
        return last

    def _read_header(self) -> None:
        header = bytes(self.buffer[:HEADER.size])
        magic, chunk_size, key_id, _ = HEADER.unpack(header)
        if magic != MAGIC:
            raise IntegrityError("the object is not in RepCheck's encrypted format")
        if key_id != self.cipher.key_id:
            raise WrongKeyError(f"the object was encrypted with another key (id {key_id.hex()},"
                                f" this device has {self.cipher.key_id.hex()})",
                                "use the key file of the device that uploaded it")
        del self.buffer[:HEADER.size]
        self.header, self.step = header, chunk_size + CHUNK_OVERHEAD
        self.aead = self.cipher._aead(header)

    def _open(self, chunk: bytes, final: bool) -> bytes:
        from cryptography.exceptions import InvalidTag

        nonce, body = chunk[:NONCE_BYTES], chunk[NONCE_BYTES:]
        try:
            plain = self.aead.decrypt(nonce, body, _aad(self.header, self.index, final))
        except InvalidTag:
            raise IntegrityError(f"encrypted chunk {self.index} failed authentication "
                                 "(tampered, truncated or reordered)") from None
        self.index += 1
        return plain
