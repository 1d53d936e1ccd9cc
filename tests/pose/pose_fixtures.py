"""Pose test fixtures: saved landmark files (no mediapipe needed) and the shared real
clips. A uniquely named module rather than a ``conftest.py``, which would shadow the root
conftest that other tests import from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session")
def realclips() -> Path:
    root = Path(os.environ.get("REPCHECK_SHARED", REPO / ".." / "shared")) / "realclips"
    if not (root / "labels.csv").is_file():
        pytest.skip(f"real clips not available at {root} (set REPCHECK_SHARED)")
    return root


@pytest.fixture
def squat_side():
    from repcheck.pose.landmarks import LandmarkSeries

    return LandmarkSeries.load(FIXTURES / "squat_side_1rep.npz")
