"""Fixtures for the analysis tests, registered with ``pytest_plugins`` by each test module
(a uniquely named module rather than a ``conftest.py``, which would shadow the root
conftest that other tests import from)."""

from __future__ import annotations

import pytest
from synthetic_lifter import SquatPlan, build_series


@pytest.fixture
def squat_set():
    """``squat_set(plan) -> (series, plan)`` with the plan's ground truth filled in."""

    def make(plan: SquatPlan):
        return build_series(plan), plan

    return make
