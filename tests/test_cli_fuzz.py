"""Arbitrary input to `repcheck log` gives a logged set or a clean one-line error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repcheck.errors import ExitCode

tokens = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(["squat", "bench", "dl", "ohp", "5x140", "3x5x100kg", "@8", "rir2",
                         "--warmup", "--date", "yesterday", "--note", "-b", "82kg", "--new",
                         "--unit", "lb", "--athlete", "x", "5,5,4x", "0x0", "--json"]),
    ),
    max_size=6,
)


@given(tokens)
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_log_never_crashes(cli, argv):
    r = cli("log", *argv)
    assert r.code in (ExitCode.OK, ExitCode.ERROR, ExitCode.USAGE, ExitCode.NOT_FOUND), r.err
    assert "Traceback" not in r.err and "internal error" not in r.err
    if r.code in (ExitCode.ERROR, ExitCode.USAGE, ExitCode.NOT_FOUND):
        assert r.err.startswith("Error: ") and r.err.count("\n") == 1
