"""When a set happened: ``--date``/``--at`` parsing and the session day.

A *session* is one athlete's training on one local calendar day. Sets store the UTC
instant (``performed_at``) and the local date it fell on (``session_date``), so history
groups by the day the lifter lived, whatever time zone they later travel to.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from repcheck.errors import InputError

FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew between a phone and a laptop
EARLIEST = date(1900, 1, 1)


def local_now() -> datetime:
    return datetime.now().astimezone()


def parse_when(text: str | None, now: datetime | None = None) -> datetime:
    """An aware local datetime from ``today``, ``yesterday``, ``-3d``, a date or a datetime.

    A bare date means that day at the current time of day when it is today, otherwise at
    noon, so that sets logged for past days still sort within their day.
    """
    now = now or local_now()
    if text is None or not text.strip():
        return now
    raw = text.strip().lower()
    if raw in ("now", "today"):
        return now
    if raw == "yesterday":
        return _on_day((now - timedelta(days=1)).date(), now)
    if raw.startswith("-") and raw.endswith("d") and raw[1:-1].isdigit():
        return _on_day((now - timedelta(days=int(raw[1:-1]))).date(), now)
    try:
        parsed = datetime.fromisoformat(raw.replace(" ", "T", 1) if " " in raw else raw)
    except ValueError:
        raise InputError(f"cannot read {text!r} as a date",
                         "use YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today, yesterday or -3d") from None
    if len(raw) <= 10:  # a date alone
        result = _on_day(parsed.date(), now)
    elif parsed.tzinfo is None:
        result = parsed.astimezone()  # naive means local
    else:
        result = parsed
    check_not_future(result, now)
    if result.date() < EARLIEST:
        raise InputError(f"{text!r} is before {EARLIEST.year}")
    return result


def _on_day(day: date, now: datetime) -> datetime:
    if day == now.date():
        return now
    result = datetime.combine(day, time(12, 0)).astimezone()
    check_not_future(result, now)
    return result


def check_not_future(when: datetime, now: datetime | None = None) -> None:
    now = now or local_now()
    if when - now > FUTURE_TOLERANCE:
        raise InputError(f"{when:%Y-%m-%d %H:%M} is in the future",
                         "log sets after you lift them; check --date")


def parse_day(text: str, what: str = "date") -> date:
    """A plain calendar day for filters such as ``--since``; also accepts ``-30d``."""
    raw = text.strip().lower()
    if raw.startswith("-") and raw.endswith("d") and raw[1:-1].isdigit():
        return date.today() - timedelta(days=int(raw[1:-1]))
    if raw in ("today", "yesterday"):
        return date.today() - timedelta(days=1 if raw == "yesterday" else 0)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"cannot read {text!r} as a {what}",
                         "use YYYY-MM-DD, today, yesterday or -30d") from None
