"""Capacity planning for the shared server and bucket, from the design formulas.

    size_MB            = bitrate_MBps × seconds
    storage GB/month   = size_MB × videos per user per month × users / 1024
    upload s           = size_MB × 8 / upload Mbps
    average ingest MB/s = videos per day × size_MB / 86400
    peak MB/s          ≈ 5 × average

Upload bandwidth varies between lifters, so upload time is given as percentiles over a
log-normal distribution of uplink speeds (median and geometric spread as parameters): the
p-th percentile of upload time corresponds to the (100 − p)-th percentile of bandwidth.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

DAYS_PER_MONTH = 30.0
PEAK_FACTOR = 5.0
PERCENTILES = (50, 90, 99)


@dataclass(frozen=True)
class Inputs:
    bitrate_mbps: float  # megabytes per second of video (MB/s, not Mbit/s)
    seconds: float  # average clip length
    videos_per_user_month: float
    uplink_median_mbps: float  # megabits per second
    uplink_spread: float  # geometric standard deviation (≥ 1)

    @property
    def size_mb(self) -> float:
        return self.bitrate_mbps * self.seconds


@dataclass(frozen=True)
class Row:
    users: int
    storage_gb_month: float
    ingest_avg_mbs: float
    ingest_peak_mbs: float
    upload_s: dict[int, float]  # percentile -> seconds


def plan_for(inputs: Inputs, users: int) -> Row:
    size = inputs.size_mb
    per_day = inputs.videos_per_user_month * users / DAYS_PER_MONTH
    avg = per_day * size / 86400
    return Row(users, size * inputs.videos_per_user_month * users / 1024, avg,
               PEAK_FACTOR * avg, upload_percentiles(inputs))


def upload_percentiles(inputs: Inputs) -> dict[int, float]:
    import math

    if inputs.uplink_median_mbps <= 0 or inputs.uplink_spread < 1:
        raise ValueError("uplink median must be positive and spread at least 1")
    dist = NormalDist(math.log(inputs.uplink_median_mbps), math.log(inputs.uplink_spread))
    out = {}
    for p in PERCENTILES:
        slow_bw = math.exp(dist.inv_cdf(1 - p / 100)) if inputs.uplink_spread > 1 \
            else inputs.uplink_median_mbps
        out[p] = inputs.size_mb * 8 / slow_bw
    return out
