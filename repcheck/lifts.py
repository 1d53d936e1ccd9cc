"""The lift catalogue, as data.

Four core lifts carry the analysis and the powerlifting total. Any other exercise can be
logged once it has been added (``repcheck log "front squat" 5x100 --new`` or
``repcheck lifts add "front squat"``). A name that matches nothing is never created
silently: RepCheck suggests the closest known name instead, so ``benhc`` cannot become a
new exercise with its own (empty) PR history.

Names are matched after normalisation: case, repeated spaces, ``-`` and ``_`` do not matter.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from repcheck.errors import InputError, UnknownLiftError


@dataclass(frozen=True)
class Lift:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    analyser: str | None = None  # which video analyser applies, if any
    in_total: bool = False  # counts towards the powerlifting total

    @property
    def core(self) -> bool:
        return self.analyser is not None


CORE_LIFTS: tuple[Lift, ...] = (
    Lift("squat", "Squat",
         ("sq", "squats", "back squat", "barbell squat", "squat (barbell)", "bs"),
         analyser="squat", in_total=True),
    Lift("bench", "Bench press",
         ("bp", "bench press", "benchpress", "flat bench", "bench press (barbell)",
          "flat barbell bench press",
          "barbell bench press", "bench (barbell)"),
         analyser="bench", in_total=True),
    Lift("deadlift", "Deadlift",
         ("dl", "dead", "deadlifts", "conventional deadlift", "deadlift (barbell)",
          "barbell deadlift"),
         analyser="deadlift", in_total=True),
    Lift("press", "Overhead press",
         ("ohp", "overhead press", "military press", "strict press", "standing press",
          "strict military press", "barbell military press",
          "overhead press (barbell)", "barbell overhead press", "press (barbell)"),
         analyser="press"),
)
CORE_KEYS = tuple(lift.key for lift in CORE_LIFTS)
TOTAL_KEYS = tuple(lift.key for lift in CORE_LIFTS if lift.in_total)
MAX_NAME_LENGTH = 100
SUGGEST_CUTOFF = 0.6


def normalise(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[-_]", " ", name)).strip().lower()


def slug(name: str) -> str:
    """The key of a custom exercise: ``Front Squat`` → ``front-squat``."""
    return re.sub(r"[^a-z0-9()]+", "-", normalise(name)).strip("-")


def _core_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for lift in CORE_LIFTS:
        for alias in (lift.key, lift.name, *lift.aliases):
            index[normalise(alias)] = lift.key
    return index


_CORE_INDEX = _core_index()
_BY_KEY = {lift.key: lift for lift in CORE_LIFTS}


def core_lift(key: str) -> Lift | None:
    return _BY_KEY.get(key)


def display_name(key: str, custom_names: dict[str, str] | None = None) -> str:
    lift = _BY_KEY.get(key)
    if lift:
        return lift.name
    return (custom_names or {}).get(key, key)


def resolve(name: str, custom: Iterable[tuple[str, str]] = ()) -> str:
    """Return the key for ``name``; ``custom`` holds (key, name) of the journal's exercises.

    Raises :class:`UnknownLiftError` with a suggestion when nothing matches.
    """
    wanted = normalise(name)
    if not wanted:
        raise InputError("the lift name is empty", "e.g. `repcheck log squat 5x140`")
    if wanted in _CORE_INDEX:
        return _CORE_INDEX[wanted]
    names = {normalise(n): k for k, n in custom}
    names.update({normalise(k): k for k, _ in custom})
    if wanted in names:
        return names[wanted]
    if slug(name) in names:
        return names[slug(name)]
    raise UnknownLiftError(*unknown_message(name, {**_CORE_INDEX, **names}))


def unknown_message(name: str, index: dict[str, str]) -> tuple[str, str]:
    match = difflib.get_close_matches(normalise(name), list(index), n=1, cutoff=SUGGEST_CUTOFF)
    if match:
        suggestion = index[match[0]]
        return (f"Unknown lift {name!r}. Did you mean {suggestion!r}?",
                f"to log a new exercise called {name!r}, add --new")
    return (f"Unknown lift {name!r}",
            "core lifts are squat, bench, deadlift and press; to log a new exercise, add --new")


def check_new_name(name: str) -> str:
    """Validate a name for a new custom exercise and return its key."""
    clean = " ".join(name.split())
    if not clean:
        raise InputError("the exercise name is empty")
    if len(clean) > MAX_NAME_LENGTH:
        raise InputError(f"exercise names are at most {MAX_NAME_LENGTH} characters")
    if not any(c.isalpha() for c in clean):
        raise InputError(f"{name!r} is not an exercise name", "use letters, e.g. 'front squat'")
    if any(not c.isprintable() for c in clean):
        raise InputError("exercise names cannot contain control characters")
    if normalise(clean) in _CORE_INDEX:
        raise InputError(f"{clean!r} is already the core lift {_CORE_INDEX[normalise(clean)]!r}")
    key = slug(clean)
    if not key:
        raise InputError(f"{name!r} is not an exercise name", "use letters, e.g. 'front squat'")
    return key
