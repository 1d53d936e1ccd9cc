"""Client-generated ids and timestamps.

Ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Any device can
make them offline without collisions, and they sort by creation time, which keeps
B-tree inserts local. Within one process the ids are strictly increasing even when the
clock stalls or steps back (the 12-bit ``rand_a`` field is used as a counter).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> str:
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms > _last_ms:
            _last_ms, _counter = ms, int.from_bytes(os.urandom(2)) & 0x3FF
        else:
            _counter += 1
            if _counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                _last_ms, _counter = _last_ms + 1, 0
        ms = _last_ms
        counter = _counter
    rand_b = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


def short_id(full: str) -> str:
    """The 8 characters users type: the random tail, since ids made together share a head."""
    return full.replace("-", "")[-8:]


# Matches a row whose id is ``:full`` or starts (``:head``) or ends (``:tail``) with what the
# user typed, dashes ignored; parameters from :func:`id_params`.
ID_MATCH_SQL = ("(id = :full OR replace(id, '-', '') LIKE :head "
                "OR replace(id, '-', '') LIKE :tail)")


def id_params(ref: str, what: str, hint: str) -> dict[str, str]:
    """Parameters for :data:`ID_MATCH_SQL`, or an error when ``ref`` cannot be an id."""
    from repcheck.errors import InputError

    token = ref.strip().lower()
    if len(token) < 4 or any(c not in "0123456789abcdef-" for c in token):
        raise InputError(f"{ref!r} is not a {what} id", hint)
    bare = token.replace("-", "")
    return {"full": token, "head": bare + "%", "tail": "%" + bare}


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC timestamp text that sorts chronologically as a string."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
