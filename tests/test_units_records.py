"""Exact weights and the record definitions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repcheck.records import Bests, SetRef, detect_prs, e1rm
from repcheck.units import Weight


def test_pound_conversion_is_exact():
    assert Weight(Decimal(1), "lb").kg == Decimal("0.45359237")
    assert Weight(Decimal("315"), "lb").kg == Decimal("142.88159655")


def test_cross_unit_comparisons():
    assert Weight(Decimal(100), "kg") < Weight(Decimal(225), "lb")
    assert Weight(Decimal("45.359237"), "kg") == Weight(Decimal(100), "lb")
    assert Weight(Decimal(200), "kg") > Weight(Decimal(440), "lb")
    assert Weight(Decimal(200), "kg") < Weight(Decimal(441), "lb")


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1400), places=3))
def test_lb_to_kg_and_back_is_identity_at_display_precision(value):
    w = Weight(value, "lb")
    assert w.to("kg", places=12).to("lb", places=3).value == value


@pytest.mark.parametrize("formula, w, r, expected", [
    ("epley", 100, 5, 100 * (1 + 5 / 30)),
    ("brzycki", 100, 5, 100 * 36 / 32),
    ("epley", 150, 1, 150),
    ("brzycki", 150, 1, 150),
])
def test_e1rm_formulas(formula, w, r, expected):
    assert e1rm(w, r, formula).kg == pytest.approx(expected)


def test_e1rm_above_twelve_reps_is_untrusted():
    assert e1rm(100, 12).trusted and not e1rm(100, 13).trusted


def ref(i, reps, kg, day="2026-01-01"):
    return SetRef(str(i), reps, Decimal(kg), f"{kg} kg", day)


def test_rep_max_means_at_least_that_many_reps():
    bests = Bests({5: ref(1, 5, 150), 1: ref(2, 1, 140)}, None, None)
    assert bests.rep_max(3).kg == 150  # a set of 5 proves a 3RM
    assert bests.rep_max(1).kg == 150
    assert bests.rep_max(6) is None


def test_prs_report_the_record_standing_before_the_command():
    before = Bests({5: ref(1, 5, 140, "2026-01-01")}, ref(1, 5, 140, "2026-01-01"),
                   ("2026-01-01", Decimal(700)))
    new = [ref(2, 5, 145, "2026-02-01"), ref(3, 5, 147.5, "2026-02-01")]
    prs = {p.label: p for p in detect_prs(new, before, Decimal(0))}
    assert prs["5RM"].new == "147.5 kg × 5"
    assert prs["5RM"].previous == "140 kg × 5 on 2026-01-01"
    assert prs["session volume"].new == "1,462.5 kg"


def test_equal_is_not_a_record():
    before = Bests({5: ref(1, 5, 140)}, ref(1, 5, 140), ("2026-01-01", Decimal(700)))
    assert detect_prs([ref(2, 5, 140, "2026-02-01")], before, Decimal(0)) == []
