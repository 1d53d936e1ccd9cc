"""Prominent peaks of a 1-D signal, in numpy (no scipy.signal).

Same definitions as ``scipy.signal.find_peaks(x, prominence=p, distance=d)``: a peak is a
local maximum (the middle of a flat top); ``distance`` drops the lower of two peaks closer
than ``d`` samples, highest first; a peak's *prominence* is its height above the higher
of the two lowest points reached before the signal rises above the peak on either side
(or the signal ends), and those lowest points are its bases. Written here because
importing ``scipy.signal`` costs 1.1-1.7 s on this machine, more than the whole
re-analysis budget (<= 1 s); a test checks the results against scipy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Peaks:
    index: np.ndarray
    prominence: np.ndarray
    left_base: np.ndarray
    right_base: np.ndarray


def local_maxima(x: np.ndarray) -> np.ndarray:
    """Indices of local maxima; a flat top gives its middle (left-middle if even)."""
    peaks = []
    i, n = 1, len(x)
    while i < n - 1:
        if x[i - 1] < x[i]:
            ahead = i + 1
            while ahead < n - 1 and x[ahead] == x[i]:
                ahead += 1
            if x[ahead] < x[i]:
                peaks.append((i + ahead - 1) // 2)
                i = ahead
        i += 1
    return np.array(peaks, dtype=int)


def select_by_distance(x: np.ndarray, peaks: np.ndarray, distance: int) -> np.ndarray:
    """Keep the highest peaks first; drop any peak closer than ``distance`` to a kept one."""
    if distance <= 1 or len(peaks) < 2:
        return peaks
    keep = np.ones(len(peaks), bool)
    order = np.argsort(x[peaks], kind="stable")[::-1]
    for j in order:
        if not keep[j]:
            continue
        k = j - 1
        while k >= 0 and peaks[j] - peaks[k] < distance:
            keep[k] = False
            k -= 1
        k = j + 1
        while k < len(peaks) and peaks[k] - peaks[j] < distance:
            keep[k] = False
            k += 1
    return peaks[keep]


def prominences(x: np.ndarray, peaks: np.ndarray):
    prom = np.empty(len(peaks))
    left = np.empty(len(peaks), dtype=int)
    right = np.empty(len(peaks), dtype=int)
    for j, p in enumerate(peaks):
        i = p
        lmin, left[j] = x[p], p
        while i >= 0 and x[i] <= x[p]:
            if x[i] < lmin:
                lmin, left[j] = x[i], i
            i -= 1
        i = p
        rmin, right[j] = x[p], p
        while i < len(x) and x[i] <= x[p]:
            if x[i] < rmin:
                rmin, right[j] = x[i], i
            i += 1
        prom[j] = x[p] - max(lmin, rmin)
    return prom, left, right


def find_peaks(x: np.ndarray, prominence: float = 0.0, distance: int = 1) -> Peaks:
    x = np.asarray(x, dtype=float)
    peaks = select_by_distance(x, local_maxima(x), distance)
    prom, left, right = prominences(x, peaks)
    keep = prom >= prominence
    return Peaks(peaks[keep], prom[keep], left[keep], right[keep])
