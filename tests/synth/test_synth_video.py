"""Rendered files: they decode with the stated size and frame count, carry rotation metadata
when asked, are deterministic per seed, and the truth file loads back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from repcheck.errors import InputError, NotFoundError
from repcheck.synth.render import render_clip
from repcheck.synth.spec import ClipSpec, Look, RepSpec, Tempo
from repcheck.synth.truth import load_truth, truth_path_for
from repcheck.synth.video import read_frames, read_rotation

SMALL = ClipSpec(
    lift="squat",
    reps=(RepSpec(), RepSpec(depth_cm=-3)),
    width=160,
    height=284,
    fps=10.0,
    tempo=Tempo(0.5, 0.1, 0.5, 0.1),
    lead_in_s=0.2,
    lead_out_s=0.2,
)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "squat.mp4"
    render_clip(SMALL, path)
    return path


def _opencv_probe(path: Path) -> tuple[int, int, int, float]:
    import cv2

    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    info = (
        n,
        int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
        int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        cap.get(cv2.CAP_PROP_ORIENTATION_META),
    )
    cap.release()
    return info


def test_video_decodes_with_the_stated_frames_and_size(clip):
    truth = load_truth(clip)
    frames = read_frames(clip)
    assert frames.shape == (truth.frame_count, 284, 160, 3)
    n, w, h, rot = _opencv_probe(clip)  # an independent decoder agrees
    assert (n, w, h) == (truth.frame_count, 160, 284)
    assert rot == 0
    assert truth.frame_count == round(truth.raw["video"]["duration_s"] * 10)
    assert truth.joints_2d.shape == (truth.frame_count, 33, 2)
    assert truth.joints_3d.shape == (truth.frame_count, 33, 3)


def test_truth_projects_and_reports_reps(clip):
    truth = load_truth(clip)
    uv = truth.project(truth.joints_3d)
    assert np.abs(uv - truth.joints_2d).max() < 1.0
    assert [r.rep for r in truth.reps] == [1, 2]
    assert truth.reps[1].faults == ("depth_above_parallel",)
    assert truth.faults[0]["fault"] == "depth_above_parallel"
    assert truth.joint("left_knee").shape == (truth.frame_count, 2)


def test_the_lifter_is_where_the_truth_says(clip):
    """The painted pixels under the ground-truth hips differ from the empty background."""
    truth = load_truth(clip)
    frames = read_frames(clip).astype(int)
    hips = truth.joints_2d[:, [23, 24]].mean(axis=1).round().astype(int)
    corner = frames[:, 5, 5]
    under = frames[np.arange(len(frames)), hips[:, 1], hips[:, 0]]
    assert np.all(np.abs(under - corner).sum(axis=1) > 30)


def test_rotation_metadata_is_written_like_a_phone(tmp_path):
    from dataclasses import replace

    plain, rotated = tmp_path / "plain.mp4", tmp_path / "rotated.mp4"
    render_clip(SMALL, plain)
    render_clip(replace(SMALL, rotation_metadata=True), rotated)
    assert read_rotation(rotated) == -90 and read_rotation(plain) == 0
    n, w, h, rot = _opencv_probe(rotated)
    assert (w, h) == (284, 160), "stored landscape, as a phone sensor writes it"
    assert rot == 90  # OpenCV's sign for the same matrix
    truth = load_truth(rotated)
    assert truth.rotation_deg == -90
    assert (truth.raw["video"]["stored_width"], truth.raw["video"]["stored_height"]) == (284, 160)
    upright, flat = read_frames(rotated), read_frames(plain)
    assert upright.shape == flat.shape  # turned back to portrait on reading
    diff = np.abs(upright.astype(int) - flat.astype(int)).mean()
    assert diff < 4, "the same picture once the rotation is applied (codec noise only)"
    assert load_truth(plain).raw["frames"]["joints_2d"] == truth.raw["frames"]["joints_2d"]


def test_same_seed_same_bytes_other_seed_other_noise(tmp_path):
    from dataclasses import replace

    a, b, c = tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "c.mp4"
    render_clip(SMALL, a)
    render_clip(SMALL, b)
    render_clip(replace(SMALL, seed=7), c)
    assert a.read_bytes() == b.read_bytes()
    assert truth_path_for(a).read_text().replace("a.mp4", "x") == truth_path_for(
        b
    ).read_text().replace("b.mp4", "x")
    assert a.read_bytes() != c.read_bytes()


def test_lighting_and_noise_change_the_pixels(tmp_path):
    from dataclasses import replace

    dark, bright = tmp_path / "dark.mp4", tmp_path / "bright.mp4"
    render_clip(replace(SMALL, look=Look(brightness=0.5, noise=0)), dark)
    render_clip(replace(SMALL, look=Look(brightness=1.3, noise=8)), bright)
    assert read_frames(dark).mean() + 40 < read_frames(bright).mean()


def test_spotter_and_cut_render(tmp_path):
    from dataclasses import replace

    from repcheck.synth.spec import CameraCut, CameraSpec

    path = tmp_path / "busy.mp4"
    spec = replace(
        SMALL, spotter=True, setup=True, rerack=True, cut=CameraCut(2.0, CameraSpec(view="front"))
    )
    info = render_clip(spec, path)
    truth = load_truth(path)
    assert info["frames"] == truth.frame_count == len(read_frames(path))
    assert "spotter_2d" in truth.raw["frames"]
    assert truth.occluded.any(), "the spotter or the lifter's own body hides some joints"
    assert set(truth.shot.tolist()) == {0, 1}


def test_load_truth_errors(tmp_path):
    with pytest.raises(NotFoundError):
        load_truth(tmp_path / "missing.mp4")
    bad = tmp_path / "bad.truth.json"
    bad.write_text(json.dumps({"format": "something-else", "version": 1}))
    with pytest.raises(InputError):
        load_truth(bad)


def test_cli_renders_a_clip(tmp_path, capsys):
    from repcheck.cli.main import run_cli

    out = tmp_path / "cli.mp4"
    code = run_cli(
        [
            "synth",
            str(out),
            "--lift",
            "deadlift",
            "--reps",
            "2",
            "--hips-rise",
            "0,0.8",
            "--size",
            "160x284",
            "--fps",
            "8",
            "--json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["frames"] == load_truth(out).frame_count
    assert summary["faults"] == ["rep 2: hips_rise_first 0.8 fraction"]


def test_cli_help_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = (
        "import sys; from repcheck.cli.main import run_cli; run_cli(['synth', '--help']); "
        "heavy = [m for m in ('cv2', 'av', 'mediapipe') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_projects_decoder_sees_the_phone_example_upright():
    """Integration with repcheck.video: the rotated example decodes upright, pixel for pixel
    what the ground truth's display coordinates refer to."""
    from repcheck.video.decode import read_all_frames

    path = Path(__file__).resolve().parents[2] / "examples" / "squat_phone_portrait.mp4"
    truth = load_truth(path)
    assert truth.rotation_deg == -90
    theirs = read_all_frames(path, max_side=10_000)
    ours = read_frames(path)
    assert len(theirs) == truth.frame_count
    assert theirs[0].rgb.shape == (truth.height, truth.width, 3)
    k = truth.frame_count // 2
    assert np.abs(theirs[k].rgb[..., ::-1].astype(int) - ours[k].astype(int)).mean() < 1.0
