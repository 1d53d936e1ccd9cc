"""The landmark table and the LandmarkSeries file format."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from repcheck.pose.landmarks import (
    LANDMARK_NAMES,
    MIRROR_INDEX,
    N_LANDMARKS,
    LandmarkSeries,
    landmark_index,
    mirror_name,
)

PACKAGE = Path(__file__).resolve().parents[2] / "repcheck"
NOT_LANDMARKS = {"left_base", "right_base"}  # analysis.peaks.Peaks fields


def make_series(n=5, **kw) -> LandmarkSeries:
    rng = np.random.default_rng(0)
    return LandmarkSeries(np.arange(n) / 30.0, rng.random((n, 33, 3)) * 100,
                          rng.random((n, 33)), (640, 480), 30.0, "ab" * 32,
                          {"model_complexity": 1}, **kw)


def test_blazepose_table_has_33_unique_names_with_mirrors():
    assert N_LANDMARKS == 33 == len(set(LANDMARK_NAMES))
    assert LANDMARK_NAMES[0] == "nose" and LANDMARK_NAMES[32] == "right_foot_index"
    assert landmark_index("left_knee") == 25 and landmark_index("right_ankle") == 28
    assert all(MIRROR_INDEX[MIRROR_INDEX[i]] == i for i in range(33))
    assert mirror_name("left_heel") == "right_heel" and mirror_name("nose") == "nose"


def test_unknown_landmark_name_is_an_error():
    with pytest.raises(KeyError, match="LKnee"):
        landmark_index("LKnee")


def _string_constants(tree) -> set[str]:
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}


def test_every_landmark_name_used_in_the_code_exists():
    """Catches a "Lknee"-style typo anywhere in pose/ and analysis/ (DESIGN.md 4.3)."""
    parts = {n.split("_", 1)[1] for n in LANDMARK_NAMES if "_" in n} | set(LANDMARK_NAMES)
    for path in [*PACKAGE.glob("pose/*.py"), *PACKAGE.glob("analysis/*.py")]:
        for s in _string_constants(ast.parse(path.read_text())):
            if s in NOT_LANDMARKS:
                continue
            if s.startswith(("left_", "right_")) and " " not in s and not s.endswith("_"):
                assert s in LANDMARK_NAMES, f"{path.name}: {s!r}"
    from repcheck.analysis.reps import MOTIONS
    from repcheck.pose.angles import ANGLES
    from repcheck.pose.signal import SWAP_GROUPS

    for a in ANGLES:
        assert {a.a, a.b, a.c} <= parts
    for m in MOTIONS.values():
        assert set(m.points) <= parts
    for g in SWAP_GROUPS:
        assert set(g.left) <= set(LANDMARK_NAMES)


def test_save_load_round_trip_is_exact(tmp_path):
    s = make_series(world=np.zeros((5, 33, 3)))
    s.xyz[2] = np.nan
    back = LandmarkSeries.load(s.save(tmp_path / "a.npz"))
    np.testing.assert_array_equal(back.xyz, s.xyz)
    np.testing.assert_array_equal(back.times, s.times)
    np.testing.assert_array_equal(back.visibility, s.visibility)
    assert back.image_size == (640, 480) and back.fps == 30.0
    assert back.source_sha256 == s.source_sha256 and back.settings == s.settings
    assert back.world is not None and back.detected.tolist() == [True, True, False, True, True]


def test_load_rejects_other_files(tmp_path):
    junk = tmp_path / "junk.npz"
    np.savez(junk, a=np.arange(3))
    with pytest.raises(ValueError):
        LandmarkSeries.load(junk)
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError):
        LandmarkSeries.load(tmp_path / "text.npz")


def test_inconsistent_shapes_and_backwards_time_are_refused():
    with pytest.raises(ValueError):
        LandmarkSeries(np.arange(3.0), np.zeros((4, 33, 3)), np.zeros((3, 33)), (1, 1), 30)
    with pytest.raises(ValueError):
        LandmarkSeries(np.array([0, 2, 1.0]), np.zeros((3, 33, 3)), np.zeros((3, 33)),
                       (1, 1), 30)


def test_select_keeps_frame_numbers():
    s = make_series(10).select(slice(4, 7))
    assert s.frame_index.tolist() == [4, 5, 6] and len(s) == 3


def test_fixture_files_are_small_and_loadable():
    fixtures = sorted((PACKAGE.parent / "tests" / "fixtures").glob("*.npz"))
    assert fixtures
    # Real-clip landmarks (no world coordinates): 7 files; the longest, a 24-s bench set
    # with the lifter sitting first, is about 300 KB.
    assert sum(p.stat().st_size for p in fixtures) < 700_000
    for p in fixtures:
        s = LandmarkSeries.load(p)
        assert len(s) > 20 and s.detected.mean() > 0.9, p.name
