"""The video library: content-addressed, linked to sets, atomic, and strict about input."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest


def make_clip(path: Path, frames: int = 30, size=(160, 120), seed: int = 0) -> Path:
    """A real (tiny) MP4 written with OpenCV: moving squares, so every file differs by seed."""
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
    assert writer.isOpened()
    for i in range(frames):
        img = np.zeros((size[1], size[0], 3), np.uint8)
        x = (i * 4 + seed * 7) % (size[0] - 20)
        cv2.rectangle(img, (x, 40), (x + 20, 60), (0, 200, 255), -1)
        writer.write(img)
    writer.release()
    return path


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "squat set.mp4")


def library_files(home: Path) -> list[Path]:
    root = home / "videos"
    return sorted(p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts) \
        if root.exists() else []


def test_add_links_to_last_set_and_stores_once(cli, home, clip, tmp_path):
    cli.ok("log", "squat", "3x140")
    first = cli.ok("video", "add", str(clip), "--lift", "squat", "--last", "--json").json()
    assert first["new"] and first["video"]["set_id"]
    assert first["video"]["duration_s"] == pytest.approx(1.0, abs=0.1)
    assert (first["video"]["width"], first["video"]["height"]) == (160, 120)
    copy = tmp_path / "renamed.mp4"
    copy.write_bytes(clip.read_bytes())
    again = cli.ok("video", "add", str(copy), "--json").json()
    assert not again["new"] and again["video"]["id"] == first["video"]["id"]
    files = library_files(home)
    assert len(files) == 1 and files[0].read_bytes() == clip.read_bytes()
    assert files[0].name == f"{first['video']['sha256']}.mp4"
    listing = cli.ok("video", "list", "--json").json()["videos"]
    assert [v["id"] for v in listing] == [first["video"]["id"]]
    shown = cli.ok("video", "show", first["video"]["id"][-8:], "--json").json()
    assert Path(shown["path"]) == files[0]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.mp4", "does not exist"),
    (lambda p: (p / "notes.mp4").write_text("not a video") and p / "notes.mp4", "not a video"),
    (lambda p: p, "is not a file"),
])
def test_bad_files_change_nothing(cli, home, tmp_path, make, message):
    r = cli("video", "add", str(make(tmp_path)))
    assert r.code in (1, 3) and message in r.err.lower() and r.err.count("\n") == 1
    assert library_files(home) == []
    assert cli.ok("video", "list", "--json").json()["videos"] == []


def test_link_to_missing_set_changes_nothing(cli, home, clip):
    cli.ok("log", "squat", "3x140")
    r = cli("video", "add", str(clip), "--set", "ffffffff")
    assert r.code == 3 and "no set with id" in r.err
    r = cli("video", "add", str(clip), "--lift", "bench", "--last")
    assert r.code == 3 and "no bench set" in r.err
    assert library_files(home) == []


def test_disk_full_during_copy_leaves_nothing(cli, home, clip, monkeypatch):
    from repcheck.video import library

    real_open = open

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fake_open(path, mode="r", *a, **k):
        fh = real_open(path, mode, *a, **k)
        return FullDisk(fh) if "w" in mode else fh

    monkeypatch.setattr(library, "open", fake_open, raising=False)
    r = cli("video", "add", str(clip))
    assert r.code == 4 and "disk is full" in r.err
    assert library_files(home) == []
    leftovers = list((home / "videos" / ".incoming").glob("*"))
    assert leftovers == []
    assert cli.ok("video", "list", "--json").json()["videos"] == []


def test_rm_asks_and_removes_the_file(cli, home, clip):
    added = cli.ok("video", "add", str(clip), "--json").json()["video"]
    assert cli("video", "rm", added["id"]).code == 1  # no terminal, no --yes
    assert len(library_files(home)) == 1
    cli.ok("video", "rm", added["id"], "--yes")
    assert library_files(home) == []
    assert cli.ok("video", "list", "--json").json()["videos"] == []
