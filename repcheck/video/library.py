"""The video library: content-addressed copies of the lifter's clips under the data folder.

A clip is stored once, at ``videos/<first two hex>/<sha256><ext>``, whatever it was called
and however often it is added. Adding reads the source once: the same pass hashes it and
writes the copy to a temporary file in the library, which is fsynced and renamed into place
only when complete. A full disk or an interrupted copy therefore leaves no partial file and
no journal row behind. The journal's ``videos`` table holds the metadata, the link to a set
and the analysis; ``repcheck sync`` moves the files by their hash.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from repcheck.errors import InputError, StoreError

CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Stored:
    sha256: str
    path: Path
    size: int
    new: bool  # False when the library already held this content


def library_path(root: Path, sha256: str, ext: str) -> Path:
    return root / sha256[:2] / f"{sha256}{ext.lower()}"


def store_file(source: Path, root: Path) -> Stored:
    """Copy ``source`` into the library (hashing it on the way) unless already there."""
    ext = source.suffix.lower() or ".mp4"
    tmp_dir = root / ".incoming"
    try:
        tmp_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the video library {root}: {exc.strerror}",
                         "check REPCHECK_HOME and its permissions") from None
    tmp = tmp_dir / f"{os.getpid()}-{os.urandom(4).hex()}{ext}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        sha = digest.hexdigest()
        final = library_path(root, sha, ext)
        if final.exists() and final.stat().st_size == size:
            tmp.unlink()
            return Stored(sha, final, size, False)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return Stored(sha, final, size, True)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == 28:  # ENOSPC
            raise StoreError("the disk is full: the video was not added",
                             "free some space and add it again; nothing was changed") from None
        raise InputError(f"cannot copy {source}: {exc.strerror}") from None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def remove_file(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
