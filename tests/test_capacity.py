"""`repcheck plan`: the capacity formulas, checked against hand-worked numbers."""

from __future__ import annotations

import pytest


def test_plan_formulas_by_hand(cli):
    data = cli.ok("plan", "--bitrate", "2", "--seconds", "30", "--videos-per-month", "10",
                  "--uplink-median", "20", "--uplink-spread", "1", "--users", "3000",
                  "--json").json()
    assert data["inputs"]["size_MB"] == 60  # 2 MB/s × 30 s
    row = data["rows"][0]
    assert row["storage_GB_month"] == pytest.approx(60 * 10 * 3000 / 1024)
    per_day = 10 * 3000 / 30  # 1000 videos a day
    assert row["ingest_avg_MBps"] == pytest.approx(per_day * 60 / 86400)
    assert row["ingest_peak_MBps"] == pytest.approx(5 * per_day * 60 / 86400)
    assert row["upload_s"]["p50"] == pytest.approx(60 * 8 / 20)  # 24 s for everyone
    assert row["upload_s"]["p99"] == pytest.approx(24)


def test_upload_percentiles_widen_with_spread(cli):
    data = cli.ok("plan", "--bitrate", "1", "--seconds", "10", "--uplink-median", "10",
                  "--uplink-spread", "3", "--json").json()
    up = data["rows"][0]["upload_s"]
    assert up["p50"] == pytest.approx(8.0)  # the median uplink gives the median time
    assert up["p50"] < up["p90"] < up["p99"]
    # p90 time = size·8 / (median / spread^z90), z90 = 1.2816
    assert up["p90"] == pytest.approx(8.0 * 3 ** 1.2815516, rel=1e-4)
    assert [r["users"] for r in data["rows"]] == [1000, 100000, 1000000]


def test_plan_rejects_impossible_inputs(cli):
    r = cli("plan", "--bitrate", "0")
    assert r.code == 1 and "must be positive" in r.err
