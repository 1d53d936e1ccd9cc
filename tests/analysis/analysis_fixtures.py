"""Fixtures for the analysis tests, registered with ``pytest_plugins`` by each test module
(a uniquely named module rather than a ``conftest.py``, which would shadow the root
conftest that other tests import from)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from synthetic_lifter import REPO, SquatPlan, build_series


@pytest.fixture(scope="session")
def realclips() -> Path:
    root = Path(os.environ.get("REPCHECK_SHARED", REPO / ".." / "shared")) / "realclips"
    if not (root / "labels.csv").is_file():
        pytest.skip(f"real clips not available at {root} (set REPCHECK_SHARED)")
    return root


@pytest.fixture
def squat_set():
    """``squat_set(plan) -> (series, plan)`` with the plan's ground truth filled in."""

    def make(plan: SquatPlan):
        return build_series(plan), plan

    return make
