"""Analyses reach the journal: `analyze --log`, stored results, history labels, the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CLIP = EXAMPLES / "squat_side_shallow_rep.mp4"




@pytest.mark.slow
def test_analyze_log_records_set_video_and_verdict(cli, home):
    r = cli.ok("analyze", str(CLIP), "--lift", "squat", "--log", "140", "--json")
    doc = r.json()
    assert [s["reps"] for s in doc["logged"]] == [3]  # three complete reps in the clip
    assert doc["logged"][0]["weight"] == "140"
    videos = cli.ok("video", "list", "--json").json()["videos"]
    assert videos[0]["set_id"] == doc["logged"][0]["id"]
    assert videos[0]["analysis"]["verdict"] == doc["verdict"]
    sets = cli.ok("history", "--json").json()["sessions"][0]["sets"]
    assert sets[0]["video"].startswith("video ✗ depth 2/3")  # rep 2 is above parallel
    assert "video ✗ depth 2/3" in cli.ok("history").out


@pytest.mark.slow
def test_analyze_log_refuses_a_clip_without_reps(cli, home, tmp_path):
    import cv2
    import numpy as np

    path = tmp_path / "empty_room.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 15, (160, 120))
    for _ in range(15):
        writer.write(np.full((120, 160, 3), 90, np.uint8))
    writer.release()
    r = cli("analyze", str(path), "--log", "100")
    assert r.code == 1 and r.err.startswith("Error: ")
    assert cli("history").code == 3  # nothing logged, no athlete created
    assert cli.ok("video", "list", "--json").json()["videos"] == []


@pytest.mark.slow
def test_demo_runs_and_leaves_the_users_home_alone(cli, home):
    r = cli.ok("demo")
    assert "New PR" in r.out and "Verdict" in r.out and "video ✗ depth 2/3" in r.out
    assert not home.exists()  # the demo wrote only to its own temporary home


@pytest.mark.slow
def test_overlay_is_h264_at_input_size_and_decodes(cli, home, tmp_path):
    import av

    out = tmp_path / "annotated.mp4"
    cli.ok("analyze", str(CLIP), "--lift", "squat", "--overlay", str(out))
    with av.open(str(CLIP)) as src, av.open(str(out)) as dst:
        s, d = src.streams.video[0], dst.streams.video[0]
        assert d.codec_context.name == "h264" and d.codec_context.pix_fmt == "yuv420p"
        assert (d.width, d.height) == (s.width - s.width % 2, s.height - s.height % 2)
        decoded = sum(1 for _ in dst.decode(video=0))
        assert decoded == sum(1 for _ in src.decode(video=0))
    assert out.read_bytes()[4:8] == b"ftyp" and b"moov" in out.read_bytes()[:4096]  # faststart


@pytest.mark.parametrize("target, message", [
    ("out.avi", "must be an MP4"),
    ("missing-folder/out.mp4", "does not exist"),
    (".", "is a folder"),
])
def test_bad_overlay_path_fails_before_any_work(cli, home, tmp_path, target, message):
    path = tmp_path / target if target != "." else tmp_path
    r = cli("analyze", str(CLIP), "--overlay", str(path))
    assert r.code == 1 and message in r.err and r.err.count("\n") == 1
    assert not (home / "cache").exists()  # no pose run happened


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_of_an_analysis(cli, home, tmp_path, suffix):
    out = tmp_path / f"reps{suffix}"
    cli.ok("analyze", str(CLIP), "--lift", "squat", "--plot", str(out))
    data = out.read_bytes()
    if suffix == ".png":
        import cv2
        import numpy as np

        img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert img.shape == (1080, 1500) and img.std() > 10  # drawn, not blank
    else:
        assert b"<svg" in data and b"rep 2" in data
