"""Set notation: what a lifter types after the lift name.

Grammar (case-insensitive; spaces around ``x``, the unit and ``@`` are allowed)::

    line    := group (WS group)*
    group   := [SETS "x"] REPS "x" WEIGHT [UNIT] [effort]      e.g. 5x140, 3x5x140kg@8
             | REPS ("," REPS)+ "x" WEIGHT [UNIT] [effort]      e.g. 5,5,4x140
    effort  := "@" RPE | "rir" RIR | "@rir" RIR                e.g. @8, @8.5, rir2
    UNIT    := kg | kgs | lb | lbs
    x       := "x" | "×" | "*"

Ambiguity rule: the number after the last ``x`` is always the weight. With two numbers the
first is reps; with three, the first is the number of sets. So ``5x5`` is five reps at 5,
never five sets of five without a weight, and ``3x5x140`` is three sets of five at 140.

A weight without a unit takes the default unit (the ``unit`` setting, kg unless changed).
An effort mark applies to every set of its group. :func:`format_sets` writes entries back
in this notation with explicit units, and ``parse(format(x)) == x`` for every valid entry
list (a property test checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from repcheck.errors import NotationError
from repcheck.units import MAX_DECIMALS, Weight, format_number, parse_unit

MAX_REPS = 100
MAX_SETS = 50
MAX_WEIGHT_KG = Decimal(600)
RPE_MIN, RPE_MAX = Decimal(1), Decimal(10)
RIR_MAX = 10
EXAMPLE = "e.g. 5x140, 3x5x140kg, 5,5,4x100 @8"

_X = r"\s*[x×*]\s*"
_GROUP = re.compile(
    rf"""
    (?:(?P<sets>\d+){_X})??
    (?P<reps>\d+(?:\s*,\s*\d+)*){_X}
    (?P<weight>\d+(?:\.\d+)?)
    (?:\s*(?P<unit>kgs?|lbs?)\b)?
    (?:\s*(?:@\s*rir\s*(?P<rir2>\d+)|@\s*(?P<rpe>\d+(?:\.\d+)?)|rir\s*(?P<rir>\d+)))?
    (?=\s|$)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_LEADING = re.compile(r"\s*")


@dataclass(frozen=True, slots=True)
class SetEntry:
    reps: int
    weight: Weight
    rpe: Decimal | None = None
    rir: int | None = None


def parse_sets(text: str, default_unit: str = "kg") -> list[SetEntry]:
    """Parse a whole notation line into set entries, or raise :class:`NotationError`."""
    default_unit = parse_unit(default_unit)
    entries: list[SetEntry] = []
    pos = _LEADING.match(text).end()
    if pos == len(text):
        raise NotationError("no sets given", EXAMPLE)
    while pos < len(text):
        match = _GROUP.match(text, pos)
        if match is None:
            raise NotationError(f"cannot read {_excerpt(text, pos)!r} as sets", EXAMPLE)
        entries.extend(_entries_from(match, default_unit))
        pos = _LEADING.match(text, match.end()).end()
    if len(entries) > MAX_SETS:
        raise NotationError(f"{len(entries)} sets in one line is more than {MAX_SETS}",
                            "log them in several commands")
    return entries


def looks_like_sets(token: str) -> bool:
    """True when ``token`` starts a notation group (used to split `bench press 5x100`)."""
    return bool(re.match(r"\s*\d", token)) or token.strip().startswith("@")


def format_sets(entries: list[SetEntry]) -> str:
    """Write entries back in notation, grouping consecutive sets of equal weight and effort."""
    groups: list[list[SetEntry]] = []
    for entry in entries:
        last = groups[-1][-1] if groups else None
        if last is not None and _same_load(last, entry):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return " ".join(_format_group(g) for g in groups)


def format_entry(entry: SetEntry) -> str:
    return _format_group([entry])


def _same_load(a: SetEntry, b: SetEntry) -> bool:
    return (a.weight.value, a.weight.unit, a.rpe, a.rir) == (b.weight.value, b.weight.unit,
                                                              b.rpe, b.rir)


def _format_group(group: list[SetEntry]) -> str:
    first = group[0]
    reps = [e.reps for e in group]
    if len(group) == 1:
        head = f"{reps[0]}x"
    elif len(set(reps)) == 1:
        head = f"{len(group)}x{reps[0]}x"
    else:
        head = ",".join(str(r) for r in reps) + "x"
    effort = ""
    if first.rpe is not None:
        effort = f"@{format_number(first.rpe)}"
    elif first.rir is not None:
        effort = f" rir{first.rir}"
    return f"{head}{first.weight.compact()}{effort}"


def _entries_from(match: re.Match[str], default_unit: str) -> list[SetEntry]:
    rep_texts = [r.strip() for r in match["reps"].split(",")]
    if match["sets"] is not None and len(rep_texts) > 1:
        raise NotationError(f"{match.group(0).strip()!r} gives both a set count and a rep list",
                            "write 3x5x140 or 5,5,4x140, not both")
    count = _int(match["sets"], "sets") if match["sets"] is not None else 1
    if not 1 <= count <= MAX_SETS:
        raise NotationError(f"the number of sets must be 1 to {MAX_SETS}, not {count}")
    reps = [check_reps(_int(r, "reps")) for r in rep_texts] * count
    weight = check_weight(match["weight"], match["unit"] or default_unit)
    rpe, rir = _effort(match)
    return [SetEntry(r, weight, rpe, rir) for r in reps]


def _int(text: str, what: str) -> int:
    if len(text) > 6:
        raise NotationError(f"{text!r} is far too many {what}")
    return int(text)


def check_reps(reps: int) -> int:
    if reps <= 0:
        raise NotationError("reps must be at least 1", "log a missed attempt with a note instead")
    if reps > MAX_REPS:
        raise NotationError(f"{reps} reps is implausible (more than {MAX_REPS})",
                            "check the order: reps come before the weight, as in 5x140")
    return reps


def check_weight(number: str, unit: str) -> Weight:
    whole, _, frac = number.partition(".")
    if len(whole) > 6:
        raise NotationError(f"{number} is not a plausible weight")
    if len(frac) > MAX_DECIMALS:
        raise NotationError(f"{number} has more than {MAX_DECIMALS} decimals",
                            "round it to the nearest plate, e.g. 142.5")
    weight = Weight(Decimal(number), parse_unit(unit))
    if weight.value <= 0:
        raise NotationError("the weight must be more than 0")
    if weight.kg > MAX_WEIGHT_KG:
        raise NotationError(f"{weight} is implausible (more than {MAX_WEIGHT_KG} kg)",
                            "check the unit and the order: reps come first, as in 5x140")
    return weight


def _effort(match: re.Match[str]) -> tuple[Decimal | None, int | None]:
    if match["rpe"] is not None:
        rpe = Decimal(match["rpe"])
        if not RPE_MIN <= rpe <= RPE_MAX or (rpe * 2) % 1 != 0:
            raise NotationError(f"RPE {match['rpe']} is not on the scale",
                                "use 1 to 10 in steps of 0.5, e.g. @8 or @8.5")
        return rpe.normalize() if rpe % 1 else rpe.quantize(Decimal(1)), None
    rir_text = match["rir"] or match["rir2"]
    if rir_text is not None:
        rir = _int(rir_text, "reps in reserve")
        if rir > RIR_MAX:
            raise NotationError(f"RIR {rir} is more than {RIR_MAX}",
                                "RIR counts reps left in the tank")
        return None, rir
    return None, None


def _excerpt(text: str, pos: int) -> str:
    rest = text[pos:].split()
    return rest[0] if rest else text[pos:]
