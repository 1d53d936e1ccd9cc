"""Pose test fixtures: saved landmark files (no mediapipe needed) and the shared real
clips. A uniquely named module rather than a ``conftest.py``, which would shadow the root
conftest that other tests import from."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture
def squat_side():
    from repcheck.pose.landmarks import LandmarkSeries

    return LandmarkSeries.load(FIXTURES / "squat_side_1rep.npz")
