"""The numpy peak finder agrees with scipy.signal.find_peaks (which it replaces to save
1-2 s of import time)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repcheck.analysis.peaks import find_peaks

signal = pytest.importorskip("scipy.signal")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False, allow_subnormal=False), min_size=0,
                max_size=80, unique=True),
       st.sampled_from([0.0, 0.5, 5.0, 40.0]), st.integers(1, 8), st.booleans())
def test_matches_scipy(values, prominence, distance, walk):
    x = np.cumsum(values) if walk else np.asarray(values, float)
    if len(x) > 10:
        x[4:8] = x[4]  # a flat top or a flat stretch
    expected, props = signal.find_peaks(x, prominence=prominence, distance=distance)
    got = find_peaks(x, prominence, distance)
    np.testing.assert_array_equal(got.index, expected)
    np.testing.assert_allclose(got.prominence, props["prominences"])
    np.testing.assert_array_equal(got.left_base, props["left_bases"])
    np.testing.assert_array_equal(got.right_base, props["right_bases"])


def test_plateau_peak_is_its_middle():
    assert find_peaks(np.array([0, 1, 3, 3, 3, 1, 0.0])).index.tolist() == [3]
