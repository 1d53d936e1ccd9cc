"""What to render: every knob of a synthetic clip, as frozen dataclasses, and their validation.

A :class:`ClipSpec` is complete and plain data, so it round-trips through JSON (it is written
into the ground truth as ``parameters``) and the same spec with the same seed always gives the
same video. Faults are per rep (:class:`RepSpec`), so "three reps, the second one shallow" is
``reps=(RepSpec(depth_cm=4), RepSpec(depth_cm=-5), RepSpec(depth_cm=4))``.

Sign conventions (also in the ground-truth docs):

* ``depth_cm`` — squat: how far the hip joint centre ends below the knee joint centre at the
  bottom, so ``+3`` is 3 cm below parallel (legal) and ``-5`` is 5 cm above (high).
  Bench: the bar's gap to the chest at the bottom, negated: ``0`` touches, ``-4`` stops 4 cm
  short. Deadlift and press have no depth (``None``).
* ``bar_drift_cm`` — how far the bar moves forward (towards the lifter's toes; for the bench
  towards the feet) away from its ideal path, at its worst point in the rep.
* ``hip_shift_cm`` — sideways shift of the pelvis at the bottom, ``+`` towards the lifter's left.
* ``knee_cave_cm`` — how far each knee travels inwards during the ascent.
* ``uneven_lockout_cm`` — at lockout the lifter's left side is this much lower than the right
  (hips for squat and deadlift, hands for bench and press).
* ``soft_lockout_deg`` — knees (squat, deadlift) or elbows (bench, press) stop this many
  degrees short of straight at lockout.
* ``hips_rise_first`` — deadlift only, 0 to 1: how much the knees straighten before the bar
  moves, leaving the back to do the pulling.

Validation turns impossible values into :class:`repcheck.errors.InputError` with a message
that names the value and the allowed range.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from repcheck.errors import InputError

LIFTS: tuple[str, ...] = ("squat", "bench", "deadlift", "press")

#: Named camera positions: azimuth around the lifter in degrees. 0 looks at the lifter's
#: front (for the bench: from the feet), 90 at the lifter's left side; obliques are 30 degrees
#: off the side view towards the front or the back.
VIEWS: dict[str, float] = {
    "side": 90.0,
    "side_right": -90.0,
    "front": 0.0,
    "back": 180.0,
    "oblique": 60.0,
    "oblique_back": 120.0,
    "oblique_right": -60.0,
}

#: Default per-lift depth (see the module docstring); ``None`` where depth has no meaning.
DEFAULT_DEPTH_CM: dict[str, float | None] = {
    "squat": 3.0,
    "bench": 0.0,
    "deadlift": None,
    "press": None,
}


#: Where people usually put the phone (m), per lift and per view family: "side" for views
#: within 45 degrees of the side (side and the obliques), "end" for front and back views.
#: The bench is filmed from low beside it, but from high up end-on, where the knees would
#: hide the torso; a deadlift from the side is filmed from chest height, where the plates
#: hide less of the hips.
DEFAULT_CAMERA_HEIGHT_M: dict[tuple[str, str], float] = {
    ("squat", "side"): 1.0,
    ("squat", "end"): 1.0,
    ("bench", "side"): 0.75,
    ("bench", "end"): 1.8,
    ("deadlift", "side"): 1.45,
    ("deadlift", "end"): 1.1,
    ("press", "side"): 1.1,
    ("press", "end"): 1.1,
}


def view_family(azimuth_deg: float) -> str:
    """ "side" within 45 degrees of a side view, else "end" (front or back)."""
    return "side" if abs(math.sin(math.radians(azimuth_deg))) >= math.sin(math.pi / 4) else "end"


@dataclass(frozen=True)
class RepSpec:
    depth_cm: float | None = None  # None: the lift's default
    bar_drift_cm: float = 0.0
    hip_shift_cm: float = 0.0
    knee_cave_cm: float = 0.0
    hips_rise_first: float = 0.0
    soft_lockout_deg: float = 0.0
    uneven_lockout_cm: float = 0.0


@dataclass(frozen=True)
class Tempo:
    """Seconds per phase. ``eccentric`` is the lowering phase, whatever the lift's order."""

    eccentric_s: float = 1.1
    bottom_pause_s: float = 0.15
    concentric_s: float = 0.9
    top_pause_s: float = 0.35


@dataclass(frozen=True)
class CameraSpec:
    view: str = "side"
    azimuth_deg: float | None = None  # overrides ``view``
    height_m: float | None = None  # None: the lift's usual tripod height (DEFAULT_CAMERA_HEIGHT_M)
    distance_m: float | None = None  # None: automatic, so the scene fills ``fill`` of the frame
    fill: float = 0.8  # share of the frame the whole clip's scene spans (automatic distance)
    min_distance_m: float = 3.0  # automatic distance never closer: phones stand a few metres off
    fov_deg: float = 62.0  # field of view across the image's long side (phone main camera)

    @property
    def azimuth(self) -> float:
        return VIEWS[self.view] if self.azimuth_deg is None else float(self.azimuth_deg)

    def height_for(self, lift: str) -> float:
        if self.height_m is not None:
            return float(self.height_m)
        return DEFAULT_CAMERA_HEIGHT_M[(lift, view_family(self.azimuth))]


@dataclass(frozen=True)
class CameraCut:
    """At ``at_s`` the video cuts to a second camera."""

    at_s: float
    camera: CameraSpec


@dataclass(frozen=True)
class Look:
    """Lighting and image noise."""

    brightness: float = 1.0  # multiplies all light; 0.4 is a dim garage, 1.3 a bright gym
    contrast: float = 1.0
    light_azimuth_deg: float = 40.0  # where the key light comes from, relative to the camera
    noise: float = 2.0  # sensor noise, standard deviation in 8-bit grey levels
    blur: float = 0.4  # Gaussian blur sigma in pixels (lens softness)
    warmth: float = 0.0  # -1 cold (blue) to +1 warm (tungsten)


@dataclass(frozen=True)
class ClipSpec:
    lift: str = "squat"
    reps: tuple[RepSpec, ...] = (RepSpec(), RepSpec(), RepSpec())
    tempo: Tempo = Tempo()
    lifter_height_m: float = 1.75
    load_kg: float = 100.0  # on the bar, bar included; decides the plates (plates.py)
    squat_bar: str = "high"  # squat bar position: "high" (on the traps) or "low" (rear delts)
    camera: CameraSpec = CameraSpec()
    cut: CameraCut | None = None
    width: int = 480
    height: int = 854
    fps: float = 30.0
    rotation_metadata: bool = False  # portrait stored landscape plus a display matrix (phones)
    look: Look = Look()
    spotter: bool = False
    setup: bool = False  # unrack and walk out / set up before the first rep
    rerack: bool = False  # walk in and re-rack after the last rep
    lead_in_s: float = 0.4
    lead_out_s: float = 0.4
    seed: int = 0
    codec: str = "h264"  # "h264" (libx264) or "mpeg4"
    crf: int = 26  # H.264 quality, lower is better and bigger

    def rep_depth_cm(self, rep: RepSpec) -> float | None:
        default = DEFAULT_DEPTH_CM[self.lift]
        if default is None:
            return None
        return default if rep.depth_cm is None else float(rep.depth_cm)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClipSpec:
        data = dict(data)
        data["reps"] = tuple(RepSpec(**r) for r in data.get("reps", ()))
        for key, kind in (("tempo", Tempo), ("camera", CameraSpec), ("look", Look)):
            if key in data and isinstance(data[key], dict):
                data[key] = kind(**data[key])
        if data.get("cut"):
            cut = data["cut"]
            data["cut"] = CameraCut(at_s=cut["at_s"], camera=CameraSpec(**cut["camera"]))
        return cls(**data)

    def with_reps(self, n: int, **rep_fields) -> ClipSpec:
        return replace(self, reps=tuple(RepSpec(**rep_fields) for _ in range(n)))


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """An allowed closed range for one numeric parameter."""

    name: str
    low: float
    high: float
    unit: str = ""

    def check(self, value: float, where: str = "") -> None:
        if value is None or not math.isfinite(value) or not (self.low <= value <= self.high):
            at = f" ({where})" if where else ""
            raise InputError(
                f"{self.name} {value}{self.unit}{at} is outside {self.low:g}..{self.high:g}"
                f"{self.unit}",
                f"give {self.name} between {self.low:g} and {self.high:g}{self.unit}",
            )


LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in (
        Limit("lifter height", 1.2, 2.3, " m"),
        Limit("fps", 5, 240),
        Limit("width", 64, 3840, " px"),
        Limit("height", 64, 3840, " px"),
        Limit("camera height", 0.1, 3.5, " m"),
        Limit("camera distance", 0.8, 30.0, " m"),
        Limit("field of view", 20.0, 120.0, " deg"),
        Limit("fill", 0.3, 1.0),
        Limit("azimuth", -180.0, 180.0, " deg"),
        Limit("eccentric time", 0.2, 10.0, " s"),
        Limit("concentric time", 0.2, 10.0, " s"),
        Limit("bottom pause", 0.0, 10.0, " s"),
        Limit("top pause", 0.0, 10.0, " s"),
        Limit("lead-in", 0.0, 10.0, " s"),
        Limit("lead-out", 0.0, 10.0, " s"),
        Limit("bar drift", -15.0, 15.0, " cm"),
        Limit("hip shift", -12.0, 12.0, " cm"),
        Limit("knee cave", 0.0, 12.0, " cm"),
        Limit("hips rise first", 0.0, 1.0),
        Limit("soft lockout", 0.0, 40.0, " deg"),
        Limit("uneven lockout", -10.0, 10.0, " cm"),
        Limit("brightness", 0.2, 2.0),
        Limit("contrast", 0.3, 2.0),
        Limit("noise", 0.0, 40.0),
        Limit("blur", 0.0, 8.0, " px"),
        Limit("warmth", -1.0, 1.0),
        Limit("crf", 0, 51),
    )
}

MAX_REPS = 30


def validate(spec: ClipSpec) -> None:
    """Raise InputError for the first impossible parameter in ``spec``."""
    from repcheck.synth.lifts import depth_limits_cm  # kinematics knows what joints allow

    if spec.lift not in LIFTS:
        raise InputError(f"unknown lift {spec.lift!r}", f"choose one of {', '.join(LIFTS)}")
    if len(spec.reps) < 1:
        raise InputError("a clip needs at least one rep (got 0)", "ask for 1 or more reps")
    if len(spec.reps) > MAX_REPS:
        raise InputError(f"{len(spec.reps)} reps is too many", f"ask for at most {MAX_REPS}")
    _check_video(spec)
    _check_camera(spec.camera, "camera", spec.lift)
    _check_tempo(spec)
    for key, value in (
        ("brightness", spec.look.brightness),
        ("contrast", spec.look.contrast),
        ("noise", spec.look.noise),
        ("blur", spec.look.blur),
        ("warmth", spec.look.warmth),
    ):
        LIMITS[key].check(value)
    LIMITS["lifter height"].check(spec.lifter_height_m)
    _check_load(spec)
    if spec.squat_bar not in ("high", "low"):
        raise InputError(f"unknown squat bar position {spec.squat_bar!r}", "use high or low")
    low, high = depth_limits_cm(spec.lift, spec.lifter_height_m, spec.squat_bar)
    for i, rep in enumerate(spec.reps, start=1):
        _check_rep(spec, rep, i, low, high)
    if spec.cut is not None:
        _check_camera(spec.cut.camera, "camera after the cut", spec.lift)
        duration = clip_duration_s(spec)
        if not (0.0 < spec.cut.at_s < duration):
            raise InputError(
                f"camera cut at {spec.cut.at_s:g} s is outside the clip (0..{duration:.2f} s)",
                "put the cut inside the clip",
            )


def _check_video(spec: ClipSpec) -> None:
    LIMITS["width"].check(spec.width)
    LIMITS["height"].check(spec.height)
    LIMITS["fps"].check(spec.fps)
    LIMITS["crf"].check(spec.crf)
    if spec.width % 2 or spec.height % 2:
        raise InputError(
            f"frame size {spec.width}x{spec.height} has an odd side",
            "use even width and height (H.264 with 4:2:0 colour needs them)",
        )
    if spec.codec not in ("h264", "mpeg4"):
        raise InputError(f"unknown codec {spec.codec!r}", "use h264 or mpeg4")
    if spec.rotation_metadata and spec.width >= spec.height:
        raise InputError(
            "rotation metadata is for portrait clips, but the size is landscape",
            "give a height larger than the width, or drop --rotate",
        )


def _check_camera(camera: CameraSpec, where: str, lift: str) -> None:
    if camera.azimuth_deg is None and camera.view not in VIEWS:
        raise InputError(f"unknown view {camera.view!r}", f"choose one of {', '.join(VIEWS)}")
    LIMITS["azimuth"].check(camera.azimuth, where)
    LIMITS["camera height"].check(camera.height_for(lift), where)
    LIMITS["field of view"].check(camera.fov_deg, where)
    LIMITS["fill"].check(camera.fill, where)
    if camera.distance_m is not None:
        LIMITS["camera distance"].check(camera.distance_m, where)


def _check_tempo(spec: ClipSpec) -> None:
    t = spec.tempo
    LIMITS["eccentric time"].check(t.eccentric_s)
    LIMITS["concentric time"].check(t.concentric_s)
    LIMITS["bottom pause"].check(t.bottom_pause_s)
    LIMITS["top pause"].check(t.top_pause_s)
    LIMITS["lead-in"].check(spec.lead_in_s)
    LIMITS["lead-out"].check(spec.lead_out_s)


def _check_rep(spec: ClipSpec, rep: RepSpec, number: int, low: float, high: float) -> None:
    where = f"rep {number}"
    depth = spec.rep_depth_cm(rep)
    if depth is None and rep.depth_cm is not None:
        raise InputError(f"{spec.lift} has no depth ({where})", "leave depth out for this lift")
    if depth is not None and not (math.isfinite(depth) and low <= depth <= high):
        if depth > high:
            what = "deeper than the joints allow" if spec.lift == "squat" else "through the chest"
        else:
            what = "too high to count as a rep"
        raise InputError(
            f"depth {depth:+g} cm ({where}) is {what}",
            f"for this {spec.lift} and lifter, depth must be within {low:+.1f}..{high:+.1f} cm",
        )
    LIMITS["bar drift"].check(rep.bar_drift_cm, where)
    LIMITS["hip shift"].check(rep.hip_shift_cm, where)
    LIMITS["knee cave"].check(rep.knee_cave_cm, where)
    LIMITS["hips rise first"].check(rep.hips_rise_first, where)
    LIMITS["soft lockout"].check(rep.soft_lockout_deg, where)
    LIMITS["uneven lockout"].check(rep.uneven_lockout_cm, where)
    if rep.hips_rise_first and spec.lift != "deadlift":
        raise InputError(
            f"hips rising first is a deadlift fault ({where})", "use it with --lift deadlift"
        )
    if rep.knee_cave_cm and spec.lift not in ("squat", "deadlift"):
        raise InputError(
            f"knee cave needs a squat or deadlift ({where})", "use it with --lift squat or deadlift"
        )
    if rep.hip_shift_cm and spec.lift not in ("squat", "deadlift"):
        raise InputError(
            f"hip shift needs a squat or deadlift ({where})", "use it with --lift squat or deadlift"
        )


def _check_load(spec: ClipSpec) -> None:
    from repcheck.synth.plates import outer_radius_m, plates_per_side

    plates_per_side(spec.load_kg)  # raises InputError for loads no plates can make
    if spec.lift == "deadlift" and outer_radius_m(spec.load_kg) < 0.2:
        raise InputError(
            f"a {spec.load_kg:g} kg deadlift has no full-size plate to lift from the floor",
            "use at least 60 kg (one 20 kg plate a side) or bumper plates",
        )


def clip_duration_s(spec: ClipSpec) -> float:
    from repcheck.synth.timeline import build_timeline

    return build_timeline(spec).duration_s


__all__ = [
    "LIFTS", "VIEWS", "RepSpec", "Tempo", "CameraSpec", "CameraCut", "Look", "ClipSpec",
    "validate", "clip_duration_s",
]  # fmt: skip
