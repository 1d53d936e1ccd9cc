"""Loading the bar: the calibrated plates of powerlifting, as data.

A load in kg (bar included) becomes the plates on each sleeve, heaviest first, the way a
lifter loads a competition bar. Plate sizes follow the IPF's calibrated plates: 25, 20 and
15 kg are 450 mm across, smaller plates are smaller. Colours are the IPF's (25 red, 20 blue,
15 yellow, 10 green, 5 white, 2.5 black, 1.25 chrome). Plate size matters for the video: in
a side view the near plates hide the lifter's shoulders or hips, as they do in real clips.
"""

from __future__ import annotations

from dataclasses import dataclass

from repcheck.errors import InputError

BAR_KG = 20.0
SLEEVE_LENGTH_M = 0.415  # loadable length of each sleeve


@dataclass(frozen=True)
class PlateKind:
    kg: float
    diameter_m: float
    thickness_m: float
    color: tuple[float, float, float]  # BGR

    @property
    def radius_m(self) -> float:
        return self.diameter_m / 2


PLATE_KINDS: tuple[PlateKind, ...] = (
    PlateKind(25.0, 0.450, 0.027, (40, 40, 200)),
    PlateKind(20.0, 0.450, 0.023, (170, 80, 30)),
    PlateKind(15.0, 0.450, 0.021, (40, 200, 220)),
    PlateKind(10.0, 0.325, 0.021, (60, 150, 40)),
    PlateKind(5.0, 0.228, 0.027, (225, 225, 225)),
    PlateKind(2.5, 0.190, 0.019, (35, 35, 35)),
    PlateKind(1.25, 0.160, 0.013, (190, 190, 195)),
)


def plates_per_side(load_kg: float) -> tuple[PlateKind, ...]:
    """Plates on one sleeve for ``load_kg`` in total (bar included), heaviest first."""
    if not (BAR_KG <= load_kg <= 500):
        raise InputError(
            f"load {load_kg:g} kg is outside {BAR_KG:g}..500 kg",
            "give the total weight on the bar, bar included",
        )
    side = (load_kg - BAR_KG) / 2
    steps = round(side / 1.25)
    if abs(steps * 1.25 - side) > 1e-6:
        raise InputError(
            f"load {load_kg:g} kg cannot be made with standard plates", "use a multiple of 2.5 kg"
        )
    out: list[PlateKind] = []
    left = side
    for kind in PLATE_KINDS:
        while left >= kind.kg - 1e-9:
            out.append(kind)
            left -= kind.kg
    if sum(p.thickness_m for p in out) > SLEEVE_LENGTH_M:
        raise InputError(
            f"load {load_kg:g} kg does not fit on the sleeves",
            "use a lighter load (at most about 420 kg)",
        )
    return tuple(out)


def outer_radius_m(load_kg: float, floor: float = 0.0) -> float:
    """Radius of the largest plate (the bar's height when it rests on the floor)."""
    plates = plates_per_side(load_kg)
    return max([p.radius_m for p in plates] + [floor])
