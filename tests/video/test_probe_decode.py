"""Probing and decoding: containers, rotation, timestamps, downscaling and bad input."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from repcheck.errors import NotFoundError, VideoError
from repcheck.video.decode import check_decodable_end, iter_frames, read_all_frames
from repcheck.video.probe import MAX_DURATION_S, is_audio_only, probe_video

# Fixtures live in a uniquely named module, not a conftest.py (see its docstring).
pytest_plugins = ["video_clips"]


def red_centre(rgb: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero((rgb[:, :, 0] > 128) & (rgb[:, :, 1] < 100))
    return float(ys.mean()), float(xs.mean())


@pytest.mark.parametrize(("suffix", "fourcc"), [
    (".mp4", "mp4v"), (".mov", "mp4v"), (".m4v", "mp4v"), (".avi", "MJPG"), (".mkv", "mp4v"),
    (".webm", "VP80"),
])
def test_each_container_decodes_every_frame(clips, tmp_path, suffix, fourcc):
    path = clips.write(tmp_path / f"clip{suffix}", n=12, fourcc=fourcc)
    info = probe_video(path)
    frames = read_all_frames(path)
    assert (info.width, info.height) == (64, 32)
    assert len(frames) == 12
    assert frames[0].rgb.shape == (32, 64, 3)
    assert red_centre(frames[0].rgb) == pytest.approx((7.5, 7.5), abs=1.5)


@pytest.mark.parametrize(("degrees", "size", "red"), [
    (0, (64, 32), (7.5, 7.5)),
    # Turning clockwise puts the top-left block at the top-right...
    (90, (32, 64), (7.5, 23.5)),
    (180, (64, 32), (23.5, 55.5)),
    # ...and counter-clockwise at the bottom-left.
    (270, (32, 64), (55.5, 7.5)),
])
def test_rotation_metadata_gives_upright_frames(clips, tmp_path, degrees, size, red):
    path = clips.write(tmp_path / "phone.mp4")
    if degrees:
        clips.rotate(path, degrees)
    info = probe_video(path)
    frame = read_all_frames(path)[0]
    assert info.rotation == degrees
    assert (info.width, info.height) == size
    assert frame.rgb.shape[:2] == (size[1], size[0])
    assert red_centre(frame.rgb) == pytest.approx(red, abs=1.5)


def test_timestamps_are_real_and_increasing(clips, tmp_path):
    path = clips.write(tmp_path / "clip.mp4", n=20, fps=25.0)
    times = np.array([f.time_s for f in iter_frames(path)])
    assert np.all(np.diff(times) > 0)
    assert times == pytest.approx(np.arange(20) / 25.0, abs=1e-3)


def test_range_decoding_starts_at_the_requested_frame(clips, tmp_path):
    path = clips.write(tmp_path / "clip.mp4", n=30)
    frames = list(iter_frames(path, start=10, stop=15))
    assert [f.index for f in frames] == [10, 11, 12, 13, 14]
    assert frames[0].time_s == pytest.approx(10 / 30, abs=1e-3)


def test_4k_frames_are_downscaled_but_sizes_report_the_source(clips, tmp_path):
    path = clips.write(tmp_path / "uhd.mp4", w=3840, h=2160, n=3)
    info = probe_video(path)
    frame = next(iter_frames(path))
    assert (info.width, info.height) == (3840, 2160)
    assert frame.rgb.shape == (1080, 1920, 3)
    assert next(iter_frames(path, max_side=1280)).rgb.shape == (720, 1280, 3)


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFoundError):
        probe_video(tmp_path / "nope.mp4")


@pytest.mark.parametrize(("name", "content", "words"), [
    ("notes.mp4", b"this is a shopping list, not a video\n" * 50, "not a video"),
    ("broken.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 500, "damaged or truncated"),
    ("notes.txt", b"hello" * 100, "not a video"),
    ("empty.mp4", b"", "empty"),
])
def test_not_a_video_is_a_one_line_video_error(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(VideoError) as err:
        probe_video(path)
    assert words in str(err.value)
    assert "\n" not in str(err.value) and err.value.hint


def test_audio_only_file_says_so(tmp_path):
    # An MP4-family file with one sound track: ftyp + moov/trak/mdia/hdlr('soun').
    hdlr = b"\x00\x00\x00\x21hdlr" + b"\x00" * 8 + b"soun" + b"\x00" * 13
    path = tmp_path / "voice.m4a"
    path.write_bytes(b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom" + hdlr)
    assert is_audio_only(path)
    with pytest.raises(VideoError, match="only sound"):
        probe_video(path)


def test_video_file_is_not_mistaken_for_audio_only(clips, tmp_path):
    assert not is_audio_only(clips.write(tmp_path / "clip.mp4"))


def test_mp4_cut_short_is_reported_damaged(clips, tmp_path):
    path = clips.write(tmp_path / "clip.mp4", w=160, h=120, n=60)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # mp4v writes the index (moov) last
    with pytest.raises(VideoError, match="damaged or truncated"):
        probe_video(path)


def test_avi_cut_short_is_reported_truncated(clips, tmp_path):
    path = clips.write(tmp_path / "clip.avi", w=160, h=120, n=60, fourcc="MJPG")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(VideoError, match="truncated|damaged"):
        check_decodable_end(probe_video(path))


def test_longer_than_ten_minutes_is_refused(clips, tmp_path):
    n = int(MAX_DURATION_S) + 5
    path = clips.write(tmp_path / "session.mp4", w=16, h=16, n=n, fps=1.0)
    with pytest.raises(VideoError, match="minutes"):
        probe_video(path)


def test_zero_frame_video_is_refused(tmp_path):
    import cv2

    path = tmp_path / "none.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (32, 32))
    writer.release()
    if not path.exists() or path.stat().st_size == 0:
        path.write_bytes(b"")  # some builds write nothing at all: still "no video"
    with pytest.raises(VideoError):
        probe_video(path)


def test_every_real_clip_probes_and_its_end_decodes(realclips):
    rows = list(csv.DictReader((realclips / "labels.csv").open()))
    for row in rows:
        info = probe_video(realclips / row["file"])
        check_decodable_end(info)
        assert info.fps > 0 and info.frame_count > 0, row["file"]


def test_portrait_phone_clip_comes_out_portrait(realclips):
    path = realclips / "gymai/videos/squat2.mp4"
    info = probe_video(path)
    frame = next(iter_frames(path))
    assert info.is_portrait
    assert frame.rgb.shape[0] > frame.rgb.shape[1]


def test_variable_frame_rate_keeps_each_frames_own_time(tmp_path):
    """Phones record VFR; frame times must be the container's, not index / fps."""
    av = pytest.importorskip("av")
    from fractions import Fraction

    pts_ms = [0, 33, 50, 100, 180, 200, 233, 300, 310, 400]
    path = tmp_path / "vfr.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.time_base = stream.codec_context.time_base = Fraction(1, 1000)
        for i, pts in enumerate(pts_ms):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20, np.uint8),
                                               format="rgb24")
            frame.pts, frame.time_base = pts, Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    times_ms = [round(f.time_s * 1000) for f in iter_frames(path)]
    assert times_ms == pts_ms


def test_stride_keeps_every_nth_frame_with_its_time(clips, tmp_path):
    path = clips.write(tmp_path / "fast.mp4", n=24, fps=60.0)
    frames = list(iter_frames(path, stride=2))
    assert [f.index for f in frames] == list(range(0, 24, 2))
    assert [f.time_s for f in frames] == pytest.approx([i / 60 for i in range(0, 24, 2)],
                                                       abs=1e-3)
