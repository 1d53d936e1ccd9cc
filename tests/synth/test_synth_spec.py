"""Parameter validation: impossible clips are refused with a clear, one-line message."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from repcheck.errors import InputError
from repcheck.synth.lifts import depth_limits_cm
from repcheck.synth.spec import CameraCut, CameraSpec, ClipSpec, Look, RepSpec, Tempo, validate

BASE = ClipSpec(reps=(RepSpec(),))


def rep(lift: str = "squat", **fields) -> ClipSpec:
    return replace(BASE, lift=lift, reps=(RepSpec(**fields),))


BAD = [
    # (what, spec, words the message must contain)
    ("zero reps", replace(BASE, reps=()), "at least one rep"),
    ("depth deeper than joints", rep(depth_cm=40), "deeper than the joints"),
    ("depth far above parallel", rep(depth_cm=-60), "too high"),
    ("bench bar through chest", rep("bench", depth_cm=3), "through the chest"),
    ("deadlift has no depth", rep("deadlift", depth_cm=3), "no depth"),
    ("negative width", replace(BASE, width=-480), "width"),
    ("zero height", replace(BASE, height=0), "height"),
    ("odd size", replace(BASE, width=481), "odd"),
    ("negative lifter height", replace(BASE, lifter_height_m=-1.75), "lifter height"),
    ("giant lifter", replace(BASE, lifter_height_m=3.0), "lifter height"),
    ("zero fps", replace(BASE, fps=0), "fps"),
    ("negative camera distance", replace(BASE, camera=CameraSpec(distance_m=-2)),
     "camera distance"),
    ("camera underground", replace(BASE, camera=CameraSpec(height_m=-0.5)), "camera height"),
    ("unknown view", replace(BASE, camera=CameraSpec(view="aerial")), "unknown view"),
    ("unknown lift", replace(BASE, lift="curl"), "unknown lift"),
    ("zero eccentric", replace(BASE, tempo=Tempo(eccentric_s=0)), "eccentric"),
    ("negative pause", replace(BASE, tempo=Tempo(bottom_pause_s=-1)), "bottom pause"),
    ("negative knee cave", rep(knee_cave_cm=-2), "knee cave"),
    ("hips rise on a squat", rep(hips_rise_first=0.5), "deadlift"),
    ("knee cave on a bench", rep("bench", knee_cave_cm=3), "squat or deadlift"),
    ("hips rise over 1", rep("deadlift", hips_rise_first=2), "hips rise"),
    ("cut after the end", replace(BASE, cut=CameraCut(99.0, CameraSpec(view="front"))),
     "outside the clip"),
    ("rotation on landscape", replace(BASE, width=854, height=480, rotation_metadata=True),
     "portrait"),
    ("negative noise", replace(BASE, look=Look(noise=-1)), "noise"),
    ("unknown codec", replace(BASE, codec="vp9"), "codec"),
    ("nan depth", rep(depth_cm=float("nan")), "depth"),
]  # fmt: skip


@pytest.mark.parametrize("what,spec,words", BAD, ids=[b[0] for b in BAD])
def test_impossible_parameters_are_refused(what, spec, words):
    with pytest.raises(InputError) as info:
        validate(spec)
    text = str(info.value)
    assert words in text
    assert "\n" not in text and info.value.hint, "one line, with what to do"


@pytest.mark.parametrize("lift", ["squat", "bench", "deadlift", "press"])
def test_defaults_are_valid(lift):
    validate(replace(BASE, lift=lift))


def test_depth_limits_scale_with_the_lifter():
    short, tall = depth_limits_cm("squat", 1.55), depth_limits_cm("squat", 1.95)
    assert short[0] < 0 < short[1] < tall[1]
    assert 8 < depth_limits_cm("squat", 1.75)[1] < 25  # ATG is ~10-20 cm below parallel


def test_deepest_allowed_depth_is_accepted_and_just_beyond_refused():
    _, deepest = depth_limits_cm("squat", 1.75)
    validate(rep(depth_cm=deepest))
    with pytest.raises(InputError):
        validate(rep(depth_cm=deepest + 0.5))


def test_spec_round_trips_through_a_dict():
    spec = ClipSpec(
        lift="deadlift",
        reps=(RepSpec(hips_rise_first=0.5), RepSpec()),
        cut=CameraCut(1.0, CameraSpec(view="front")),
        spotter=True,
    )
    assert ClipSpec.from_dict(spec.to_dict()) == spec


CLI_BAD = [
    (["--reps", "0"], "at least one rep"),
    (["--reps", "3", "--depth", "5,50,5"], "deeper than the joints"),
    (["--reps", "2", "--depth", "5,5,5"], "3 values for 2 reps"),
    (["--depth", "deep"], "not a number"),
    (["--size", "-480x854"], "not positive"),
    (["--size", "big"], "WIDTHxHEIGHT"),
    (["--tempo", "1,2"], "4 values"),
    (["--lifter-height", "-1"], "lifter height"),
    (["--distance", "-3"], "camera distance"),
]


@pytest.mark.parametrize("args,words", CLI_BAD, ids=[" ".join(a) for a, _ in CLI_BAD])
def test_cli_reports_bad_input_on_one_line(tmp_path, capsys, args, words):
    from repcheck.cli.main import run_cli

    code = run_cli(["synth", str(tmp_path / "x.mp4"), *args])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert words in err
    assert not (tmp_path / "x.mp4").exists()


def test_cli_refuses_a_non_mp4_name(tmp_path, capsys):
    from repcheck.cli.main import run_cli

    assert run_cli(["synth", str(tmp_path / "x.avi"), "--reps", "1"]) == 1
    assert ".mp4" in capsys.readouterr().err


def test_camera_too_close_is_refused():
    from repcheck.synth.render import plan_clip

    with pytest.raises(InputError) as info:
        plan_clip(replace(BASE, camera=CameraSpec(distance_m=0.8, view="front")))
    assert "camera" in str(info.value)


def test_importing_the_package_loads_no_heavy_module():
    import subprocess
    import sys

    code = (
        "import sys, repcheck.synth, repcheck.synth.render, repcheck.synth.truth; "
        "print([m for m in ('cv2', 'av', 'mediapipe') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


LIFT_NAMES = ("squat", "bench", "deadlift", "press")
REP_FIELDS = {
    "depth_cm": st.one_of(st.none(), st.floats(-30, 20, allow_nan=False)),
    "bar_drift_cm": st.floats(-17, 17),
    "hip_shift_cm": st.floats(-13, 13),
    "knee_cave_cm": st.floats(-1, 13),
    "hips_rise_first": st.floats(-0.1, 1.1),
    "soft_lockout_deg": st.floats(-2, 42),
    "uneven_lockout_cm": st.floats(-11, 11),
}


#: The rep fields each lift accepts (the others are refused by design, tested above).
LIFT_FIELDS = {
    "squat": ("depth_cm", "bar_drift_cm", "hip_shift_cm", "knee_cave_cm", "soft_lockout_deg",
              "uneven_lockout_cm"),
    "deadlift": ("bar_drift_cm", "hip_shift_cm", "knee_cave_cm", "hips_rise_first",
                 "soft_lockout_deg", "uneven_lockout_cm"),
    "bench": ("depth_cm", "bar_drift_cm", "soft_lockout_deg", "uneven_lockout_cm"),
    "press": ("bar_drift_cm", "soft_lockout_deg", "uneven_lockout_cm"),
}  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    lift=st.sampled_from(LIFT_NAMES),
    height=st.floats(1.1, 2.4),
    view=st.sampled_from(("side", "front", "oblique", "oblique_back", "side_right")),
    setup=st.booleans(),
    rerack=st.booleans(),
)
def test_any_parameters_give_a_clip_or_a_clear_input_error(data, lift, height, view, setup, rerack):
    """Never a crash: either a consistent plan, or InputError."""
    from repcheck.synth.render import plan_clip

    fields = {k: REP_FIELDS[k] for k in LIFT_FIELDS[lift]}
    reps = data.draw(st.lists(st.fixed_dictionaries({}, optional=fields), min_size=1, max_size=3))
    spec = ClipSpec(
        lift=lift, reps=tuple(RepSpec(**r) for r in reps), lifter_height_m=height,
        camera=CameraSpec(view=view), setup=setup, rerack=rerack, fps=6.0, width=160,
        height=284, tempo=Tempo(0.4, 0.0, 0.4, 0.0), lead_in_s=0.0, lead_out_s=0.0,
    )  # fmt: skip
    try:
        plan = plan_clip(spec)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        event("refused")
        return
    event("rendered")
    import numpy as np

    d = plan.dims
    for fig in plan.figures:
        j = fig.joints
        for side in ("left", "right"):
            assert abs(np.linalg.norm(j[f"{side}_hip"] - j[f"{side}_knee"]) - d.thigh) < 1e-6
            assert np.all(np.isfinite(j[f"{side}_wrist"]))
        assert j["head"][2] > 0.2


PLATE_CASES = [
    (20, []),
    (60, [20]),
    (100, [25, 15]),
    (140, [25, 25, 10]),
    (102.5, [25, 15, 1.25]),
    (227.5, [25, 25, 25, 25, 2.5, 1.25]),
]


@pytest.mark.parametrize("load,plates", PLATE_CASES)
def test_loads_become_competition_plates(load, plates):
    from repcheck.synth.plates import plates_per_side

    assert [p.kg for p in plates_per_side(load)] == plates


@pytest.mark.parametrize(
    "spec,words",
    [
        (replace(BASE, load_kg=141), "standard plates"),
        (replace(BASE, load_kg=10), "outside"),
        (replace(BASE, load_kg=600), "outside"),
        (replace(BASE, lift="deadlift", load_kg=40), "full-size plate"),
    ],
    ids=["odd", "lighter than the bar", "huge", "deadlift without big plate"],
)
def test_impossible_loads_are_refused(spec, words):
    with pytest.raises(InputError) as info:
        validate(spec)
    assert words in str(info.value)


def test_light_squat_has_small_plates_in_the_truth():
    from repcheck.synth.render import plan_clip, truth_document

    spec = replace(BASE, load_kg=40, fps=5.0, width=160, height=284)
    doc = truth_document(plan_clip(spec), "x.mp4")
    assert doc["barbell"] == {"load_kg": 40, "plates_per_side_kg": [10.0], "plate_radius_m": 0.1625}
