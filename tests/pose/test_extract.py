"""Pose extraction: chunking, caching and (slow) real BlazePose runs on short clips."""

from __future__ import annotations

import time

import numpy as np
import pytest

from repcheck.pose.extract import (
    CHUNK_WARMUP,
    PoseSettings,
    cache_file,
    choose_workers,
    chunk_bounds,
    extract_with_stats,
    frame_stride,
)

# Fixtures live in a uniquely named module, not a conftest.py (see its docstring).
pytest_plugins = ["pose_fixtures"]


def test_chunks_cover_every_frame_once_with_warmup():
    bounds = chunk_bounds(301, 2)
    kept = []
    for decode_from, keep_from, stop in bounds:
        assert keep_from - decode_from <= CHUNK_WARMUP
        kept.extend(range(keep_from, 301 if stop < 0 else stop))
    assert kept == list(range(301))
    assert bounds[0][0] == 0 and bounds[1][0] == bounds[1][1] - CHUNK_WARMUP


@pytest.mark.parametrize(("fps", "stride"), [(30, 1), (29.97, 1), (25, 1), (60, 2),
                                              (59.94, 2), (120, 4), (0, 1)])
def test_high_frame_rates_are_thinned_to_about_30(fps, stride):
    assert frame_stride(fps, 30.0) == stride


def test_short_clips_use_one_process():
    assert choose_workers(60, None) == 1
    assert choose_workers(10_000, 1) == 1


def test_cache_key_changes_with_any_setting(tmp_path):
    a = cache_file("f" * 64, PoseSettings(), tmp_path)
    b = cache_file("f" * 64, PoseSettings(model_complexity=2), tmp_path)
    assert a != b and a.parent == tmp_path and a.name.startswith("f" * 64)


@pytest.mark.slow
def test_extract_then_cache_hit(realclips, tmp_path):
    clip = realclips / "kaiakol/data/squat/correct/squat_correct_016.mp4"
    first, stats1 = extract_with_stats(clip, cache_dir=tmp_path)
    assert not stats1.from_cache
    assert len(first) == 29 and first.detected.mean() > 0.9
    assert first.image_size == (1280, 720)
    assert np.all(np.diff(first.times) > 0)
    x = first.xy("right_hip")[:, 0]
    assert np.nanmin(x) > 0 and np.nanmax(x) < 1280  # pixels, not normalised units
    started = time.perf_counter()
    again, stats2 = extract_with_stats(clip, cache_dir=tmp_path)
    assert stats2.from_cache and time.perf_counter() - started < 1.0
    np.testing.assert_array_equal(again.xyz, first.xyz)
    assert again.source_sha256 == first.source_sha256 and len(again.source_sha256) == 64


@pytest.mark.slow
def test_damaged_cache_entry_is_recomputed(realclips, tmp_path):
    clip = realclips / "kaiakol/data/squat/correct/squat_correct_016.mp4"
    series, _ = extract_with_stats(clip, cache_dir=tmp_path)
    entry = next(tmp_path.glob("*.npz"))
    entry.write_bytes(b"garbage")
    again, stats = extract_with_stats(clip, cache_dir=tmp_path)
    assert not stats.from_cache and len(again) == len(series)


@pytest.mark.slow
def test_two_workers_give_every_frame_once_and_match_one_worker_before_the_seam(
        realclips, tmp_path):
    clip = realclips / "gymai/videos/squat3.mp4"  # 148 frames
    one, _ = extract_with_stats(clip, workers=1, use_cache=False)
    two, stats = extract_with_stats(clip, workers=2, use_cache=False)
    assert stats.workers == 2
    assert two.frame_index.tolist() == list(range(148))
    seam = chunk_bounds(148, 2)[1][1]
    np.testing.assert_allclose(two.xyz[:seam], one.xyz[:seam], atol=1e-3)
    hips = np.nanmedian(np.abs(two.xy("left_hip")[seam:] - one.xy("left_hip")[seam:]))
    assert hips < 10  # an independent tracker after the seam agrees to a few pixels


@pytest.mark.slow
def test_nobody_in_view_gives_empty_landmarks(tmp_path):
    import cv2

    path = tmp_path / "wall.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (320, 240))
    for _ in range(20):
        writer.write(np.full((240, 320, 3), 90, np.uint8))
    writer.release()
    series, _ = extract_with_stats(path, cache_dir=tmp_path / "cache")
    assert len(series) == 20 and not series.detected.any()
    assert not list((tmp_path / "cache").glob("*.npz"))  # nothing stored for an empty result
