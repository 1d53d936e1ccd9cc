"""Set notation: table-driven cases, a round-trip property and a fuzz test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repcheck.errors import NotationError, RepcheckError
from repcheck.notation import SetEntry, format_sets, parse_sets
from repcheck.units import Weight


def kg(v) -> Weight:
    return Weight(Decimal(str(v)), "kg")


@pytest.mark.parametrize("text, expected", [
    ("5x140", [(5, "140", "kg", None, None)]),
    ("5x140 5x145 3x150", [(5, "140", "kg", None, None), (5, "145", "kg", None, None),
                           (3, "150", "kg", None, None)]),
    ("3x5x140", [(5, "140", "kg", None, None)] * 3),
    ("5,5,4x140", [(5, "140", "kg", None, None), (5, "140", "kg", None, None),
                   (4, "140", "kg", None, None)]),
    ("5x315lb", [(5, "315", "lb", None, None)]),
    ("5X140KG", [(5, "140", "kg", None, None)]),
    ("5×142.5kgs", [(5, "142.5", "kg", None, None)]),
    ("5 x 140 kg @ 8", [(5, "140", "kg", Decimal(8), None)]),
    ("3x5x140@8.5", [(5, "140", "kg", Decimal("8.5"), None)] * 3),
    ("5x100 rir2", [(5, "100", "kg", None, 2)]),
    ("5x100@rir0", [(5, "100", "kg", None, 0)]),
    ("5x5", [(5, "5", "kg", None, None)]),  # documented rule: the last number is the weight
])
def test_parse_cases(text, expected):
    got = [(e.reps, f"{e.weight.value:f}", e.weight.unit, e.rpe, e.rir)
           for e in parse_sets(text)]
    assert got == expected


def test_default_unit_applies_only_to_bare_weights():
    entries = parse_sets("5x100 5x225lb", default_unit="lb")
    assert [e.weight.unit for e in entries] == ["lb", "lb"]
    assert parse_sets("5x100kg", default_unit="lb")[0].weight.unit == "kg"


@pytest.mark.parametrize("text, fragment", [
    ("", "no sets given"), ("5x", "cannot read"), ("x140", "cannot read"),
    ("0x100", "at least 1"), ("5x0", "more than 0"), ("5x0.0", "more than 0"),
    ("101x20", "implausible"), ("5x601", "implausible"), ("5x1400lb", "implausible"),
    ("5x100.1234", "decimals"), ("5x100@10.5", "scale"), ("5x100@7.3", "scale"),
    ("5x100 rir11", "RIR 11"), ("3x5,5x100", "both a set count and a rep list"),
    ("51x1x100", "sets must be 1 to 50"), ("5x100 hello", "cannot read 'hello'"),
    ("9999999999999x1", "far too many"),
])
def test_bad_notation(text, fragment):
    with pytest.raises(NotationError) as info:
        parse_sets(text)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


weights = st.builds(
    Weight,
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(600), places=3),
    st.sampled_from(["kg", "lb"]),
).filter(lambda w: w.kg <= 600)
entries = st.builds(
    SetEntry,
    reps=st.integers(1, 100),
    weight=weights,
    rpe=st.one_of(st.none(), st.integers(2, 20).map(lambda h: Decimal(h) / 2)),
    rir=st.none(),
) | st.builds(SetEntry, reps=st.integers(1, 100), weight=weights, rpe=st.none(),
              rir=st.integers(0, 10))


@given(st.lists(entries, min_size=1, max_size=50))
@settings(max_examples=300, deadline=None)
def test_format_then_parse_round_trips(items):
    text = format_sets(items)
    back = parse_sets(text, default_unit="kg")
    assert [(e.reps, e.weight.value, e.weight.unit, e.rpe, e.rir) for e in back] == \
           [(e.reps, e.weight.value, e.weight.unit, e.rpe, e.rir) for e in items]


@given(st.text(max_size=60))
@settings(max_examples=1000, deadline=None)
def test_fuzz_parser_gives_sets_or_clean_error(text):
    try:
        result = parse_sets(text)
    except RepcheckError as exc:
        assert "\n" not in str(exc)
        return
    assert result and all(1 <= e.reps <= 100 and 0 < e.weight.kg <= 600 for e in result)


notation_alphabet = st.text(alphabet="0123456789x.,@ kglbrirX×-", max_size=30)


@given(notation_alphabet)
@settings(max_examples=1000, deadline=None)
def test_fuzz_notation_like_strings(text):
    try:
        parse_sets(text)
    except RepcheckError:
        pass
