"""Weights as exact quantities.

A :class:`Weight` keeps the number the lifter typed (a ``Decimal``) together with the unit
they typed it in. Nothing is rounded on the way in: ``315lb`` stays 315 lb in the journal.

Conversion uses the international pound, defined as exactly 0.45359237 kg, so pounds to
kilograms is an exact decimal multiplication. Comparisons between weights in different
units convert both sides to kilograms exactly, so ``Weight(100, "kg") < Weight(225, "lb")``
is decided without floating-point error. Kilograms to pounds is a division that rarely
terminates; :meth:`Weight.to` rounds that result only for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from functools import total_ordering

from repcheck.errors import InputError

KG_PER_LB = Decimal("0.45359237")  # exact, by the 1959 international yard and pound agreement
UNITS = ("kg", "lb")
UNIT_ALIASES = {
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg",
    "lb": "lb", "lbs": "lb", "#": "lb", "pound": "lb", "pounds": "lb",
}
MAX_DECIMALS = 3  # 0.125 kg micro plates are the finest increment lifters use


def parse_unit(text: str) -> str:
    unit = UNIT_ALIASES.get(text.strip().lower())
    if unit is None:
        raise InputError(f"unknown unit {text!r}", "use kg or lb")
    return unit


@total_ordering
@dataclass(frozen=True, slots=True)
class Weight:
    value: Decimal
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise InputError(f"unknown unit {self.unit!r}", "use kg or lb")
        if not isinstance(self.value, Decimal):
            object.__setattr__(self, "value", Decimal(str(self.value)))

    @classmethod
    def parse(cls, number: str, unit: str) -> Weight:
        try:
            value = Decimal(number)
        except InvalidOperation:
            raise InputError(f"{number!r} is not a number") from None
        if not value.is_finite():
            raise InputError(f"{number!r} is not a finite number")
        return cls(value, parse_unit(unit))

    @property
    def kg(self) -> Decimal:
        """This weight in kilograms, exactly."""
        if self.unit == "kg":
            return self.value
        with localcontext() as ctx:
            ctx.prec = 40
            return self.value * KG_PER_LB

    def to(self, unit: str, places: int = 2) -> Weight:
        """This weight in ``unit``; a kg→lb conversion is rounded to ``places`` decimals."""
        unit = parse_unit(unit)
        if unit == self.unit:
            return self
        if unit == "kg":
            step = Decimal(1).scaleb(-places)
            return Weight(_trim(self.kg.quantize(step, ROUND_HALF_EVEN)), "kg")
        with localcontext() as ctx:
            ctx.prec = 40
            lb = self.value / KG_PER_LB
        return Weight(_trim(lb.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)), "lb")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Weight):
            return NotImplemented
        return self.kg == other.kg

    def __lt__(self, other: Weight) -> bool:
        if not isinstance(other, Weight):
            return NotImplemented
        return self.kg < other.kg

    def __hash__(self) -> int:
        return hash(self.kg.normalize())

    def __str__(self) -> str:
        return f"{format_number(self.value)} {self.unit}"

    def compact(self) -> str:
        """``140kg``: the notation form."""
        return f"{format_number(self.value)}{self.unit}"


def format_number(value: Decimal) -> str:
    """``140``, ``142.5``, ``0.125``: no exponent, no trailing zeros."""
    return f"{_trim(value):f}"


def _trim(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def display(weight: Weight, unit: str | None) -> str:
    """Format for tables: in ``unit`` if given (converted), else as entered."""
    shown = weight.to(unit) if unit and unit != weight.unit else weight
    return str(shown)
