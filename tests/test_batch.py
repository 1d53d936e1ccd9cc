"""`repcheck batch`: folders of real clips, bad files, resume, athletes, reports, Dask, S3.

Clips are the synthetic examples in ``examples/`` (real H.264 files, decoded and run through
BlazePose). Pose results are cached by content, so a session fixture analyses the clips once
and the other tests start from a copy of that cache; the Dask comparison starts cold.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from repcheck import batch as b
from repcheck.report import batch as report

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SQUAT = EXAMPLES / "squat_side_shallow_rep.mp4"
DEADLIFT = EXAMPLES / "deadlift_hips_rise.mp4"
FIXTURES = REPO / "tests" / "fixtures"

needs_clips = pytest.mark.skipif(not (SQUAT.is_file() and DEADLIFT.is_file()),
                                 reason="examples/ clips not rendered")


# -- helpers ------------------------------------------------------------------------------
def make_tree(root: Path) -> Path:
    """athletes/anna (squat), athletes/Ben (deadlift), loose/ with bad files."""
    (root / "athletes" / "anna" / "week1").mkdir(parents=True)
    (root / "athletes" / "Ben").mkdir(parents=True)
    (root / "loose").mkdir()
    shutil.copy(SQUAT, root / "athletes" / "anna" / "week1" / "squat.mp4")
    shutil.copy(DEADLIFT, root / "athletes" / "Ben" / "pull.mp4")
    (root / "loose" / "empty.mp4").write_bytes(b"")
    (root / "loose" / "notes.mp4").write_text("not a video\n")
    data = SQUAT.read_bytes()
    (root / "loose" / "truncated.mp4").write_bytes(data[: len(data) // 3])  # no moov box
    fast = faststart_copy(SQUAT, root / "loose" / "cut.mp4")  # moov first: opens, then ends
    fast.write_bytes(fast.read_bytes()[: fast.stat().st_size // 2])
    (root / "loose" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "loose" / "plan.txt").write_text("5x5\n")
    return root


def faststart_copy(src: Path, dst: Path) -> Path:
    """Remux with the index (moov) before the media, as phones and web exports often do."""
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w", options={"movflags": "faststart"}
                                           ) as out:
        stream = out.add_stream_from_template(inp.streams.video[0])
        for packet in inp.demux(inp.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    return dst


@pytest.fixture(scope="session")
def pose_cache(tmp_path_factory):
    """Landmark cache for the example clips, computed once per test session."""
    if not SQUAT.is_file():
        pytest.skip("examples/ clips not rendered")
    home = tmp_path_factory.mktemp("pose-home")
    old = os.environ.get("REPCHECK_HOME")
    os.environ["REPCHECK_HOME"] = str(home)
    try:
        from repcheck.pose.extract import extract

        for clip in (SQUAT, DEADLIFT):
            extract(clip, workers=1)
    finally:
        if old is None:
            os.environ.pop("REPCHECK_HOME", None)
        else:
            os.environ["REPCHECK_HOME"] = old
    return home / "cache" / "landmarks"


@pytest.fixture
def warm_home(home, pose_cache):
    shutil.copytree(pose_cache, home / "cache" / "landmarks")
    return home


def pipeline_doc(clip: Path, location: str | None = None) -> dict:
    """What `analyse_video` itself says about ``clip`` (the expected stored document)."""
    from repcheck.analysis.pipeline import analyse_video

    doc = analyse_video(clip, workers=1).to_dict()
    doc["video"]["path"] = location or str(clip)
    return json.loads(json.dumps(doc))


def open_db():
    from repcheck.store.connect import open_journal

    return open_journal(None)


def stored_rows():
    from repcheck.store import journal as j
    from repcheck.store.videos import list_videos

    db = open_db()
    try:
        with db.read():
            names = {a.id: a.name for a in j.list_athletes(db)}
            return [(names.get(r.athlete_id), r.filename, r.analysis_json())
                    for r in list_videos(db)]
    finally:
        db.close()


# -- collecting and the athlete rule (no video needed) -------------------------------------
@pytest.mark.parametrize("location, expected", [
    ("/data/athletes/anna/clip.mp4", "anna"),
    ("/data/athletes/anna/2026/wk3/clip.mp4", "anna"),
    ("/data/Athletes/Ana Silva/clip.mov", "Ana Silva"),
    ("/data/athletes/clip.mp4", None),  # no folder below athletes/
    ("/data/athletes/x/athletes/zoe/clip.mp4", "zoe"),  # the last athletes/ counts
    ("/data/coach/clip.mp4", None),
    ("/data/athletesX/anna/clip.mp4", None),
    ("s3://bucket/athletes/cara/clip.mp4", "cara"),
    ("s3://athletes/clip.mp4", None),  # a bucket called athletes is not the folder
])
def test_athlete_from_path(location, expected):
    assert b.athlete_from_path(location) == expected


def test_collect_walks_folders_and_applies_athlete_rule(tmp_path):
    root = tmp_path / "in"
    (root / "athletes" / "anna" / ".hidden").mkdir(parents=True)
    (root / "athletes" / "anna" / "a.MP4").write_bytes(b"x")
    (root / "athletes" / "anna" / ".hidden" / "b.mp4").write_bytes(b"x")
    (root / "athletes" / "anna" / "notes.txt").write_text("x")
    (root / "c.mov").write_bytes(b"x")
    (root / "athletes" / "anna" / "loop").symlink_to(root)  # a cycle is walked once
    srcs = b.collect_sources([root], default_athlete="me")
    got = [(Path(s.location).relative_to(root).as_posix(), s.athlete, s.is_video) for s in srcs]
    assert got == [("c.mov", "me", True), ("athletes/anna/a.MP4", "anna", True),
                   ("athletes/anna/notes.txt", "anna", False)]
    forced = b.collect_sources([root], athlete="Coach Kim")
    assert {s.athlete for s in forced} == {"Coach Kim"}


def test_collect_refuses_a_missing_path(tmp_path):
    from repcheck.errors import NotFoundError

    with pytest.raises(NotFoundError, match="does not exist"):
        b.collect_sources([tmp_path / "nope"])


@pytest.mark.parametrize("args, message", [
    (["--overlays", "FILE"], "--overlays takes a folder"),
    (["--lift", "curl"], "unknown lift 'curl'"),
    (["--report", "out.pdf"], "cannot tell the report format"),
    (["--workers", "2", "--cluster", "tcp://127.0.0.1:1"], "--workers applies to local runs"),
    (["--workers", "0"], "--workers must be at least 1"),
])
def test_bad_options_are_one_line_errors(cli, tmp_path, args, message):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"")
    args = [str(clip) if a == "FILE" else a for a in args]
    r = cli("batch", str(clip), *args)
    assert r.code == 1
    assert r.err.startswith("Error: ") and message in r.err and r.err.count("\n") == 1


def test_batch_help_stays_light(tmp_path):
    probe = ("import sys; from repcheck.cli.main import run_cli; run_cli(['batch', '--help']);"
             "heavy = {m.split('.')[0] for m in sys.modules} & {'cv2', 'mediapipe', 'numpy',"
             " 'dask', 'distributed', 'boto3', 'sqlite3'}; print('HEAVY', sorted(heavy))")
    env = {**os.environ, "REPCHECK_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                         timeout=60).stdout
    assert "--cluster" in out and "HEAVY []" in out


# -- reports from real analyses of saved landmarks (no decoding) ---------------------------
def fixture_outcome(npz: str, athlete: str, status: str = b.ANALYSED) -> b.Outcome:
    from repcheck.analysis.pipeline import analyse_series
    from repcheck.pose.landmarks import LandmarkSeries

    series = LandmarkSeries.load(FIXTURES / npz)
    doc = analyse_series(series, source_path=f"/clips/{npz}").to_dict()
    return b.Outcome(b.Source(f"/clips/athletes/{athlete}/{npz}.mp4", athlete), status,
                     series.source_sha256 or npz, doc,
                     thumbnail=b"\xff\xd8\xff\xe0fakejpeg")


@pytest.fixture
def fixture_result():
    outs = [fixture_outcome("squat_side_1rep.npz", "anna"),
            fixture_outcome("deadlift_side_1rep.npz", "ben <b>"),
            fixture_outcome("bench_obliquehead_3reps.npz", "anna", b.RESUMED),
            b.Outcome(b.Source("/clips/bad.mp4", "me"), b.FAILED,
                      error="bad.mp4 is empty (0 bytes) — copy the video again")]
    return b.BatchResult(outs, workers=2, cluster=None, lift="auto",
                         generated_at="2026-11-25T12:00:00Z")


def test_csv_has_one_row_per_rep(fixture_result):
    rows = list(csv.DictReader(io.StringIO(report.render_csv(fixture_result))))
    judged = [o for o in fixture_result.outcomes if o.analysis]
    expected = sum(max(1, len(o.analysis["reps"])) for o in judged) + 1
    assert len(rows) == expected
    assert tuple(rows[0]) == report.CSV_COLUMNS
    for out in judged:
        mine = [r for r in rows if r["source"] == out.source.location]
        assert [r["rep"] for r in mine] == [str(x["number"]) for x in out.analysis["reps"]] \
            or (not out.analysis["reps"] and mine[0]["rep"] == "")
        assert all(r["video_verdict"] == out.analysis["verdict"] for r in mine)
        for r in mine:
            fs = [f for f in out.analysis["findings"] if str(f["rep"]) == r["rep"]]
            assert r["rep_verdict"] == report.rep_verdict(fs)
            assert r["faults"] == "; ".join(f["title"] for f in fs if f["verdict"] == "fail")
    failed = [r for r in rows if r["status"] == "failed"]
    assert failed and "0 bytes" in failed[0]["error"]


def test_json_report_is_versioned_and_complete(fixture_result):
    doc = json.loads(json.dumps(report.render_json(fixture_result)))
    assert doc["schema"] == "repcheck.batch" and doc["version"] == 1
    assert doc["analysis_schema"]["version"] >= 1
    assert [v["status"] for v in doc["videos"]] == ["analysed", "analysed", "resumed", "failed"]
    assert doc["totals"]["videos"] == 3 and doc["totals"]["failed"] == 1
    assert doc["totals"]["reps"] == sum(len(v["analysis"]["reps"]) for v in doc["videos"]
                                        if v["analysis"])
    fails = sum(f["verdict"] == "fail" for v in doc["videos"] if v["analysis"]
                for f in v["analysis"]["findings"])
    assert sum(t["fail_reps"] for t in doc["top_failures"]) == fails


def test_html_report_is_self_contained(fixture_result):
    page = report.render_html(fixture_result)
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert page.count("data:image/jpeg;base64,") == 3
    assert base64.b64encode(b"\xff\xd8\xff\xe0fakejpeg").decode() in page
    assert "ben &lt;b&gt;" in page and "ben <b>" not in page  # escaped
    for out in fixture_result.judged:
        assert html_escaped(out.analysis["summary"]) in page
        for cue in report.main_cues(out.analysis):
            assert html_escaped(cue) in page
    assert "Most frequent faults" in page and "Files not analysed" in page
    assert "bad.mp4 is empty (0 bytes)" in page
    # athletes in alphabetical order, each video under its athlete
    assert page.index("<h2 id='athlete-anna'>") < page.index("<h2 id='athlete-ben-&lt;b&gt;'>")


def test_athlete_heading_counts_verdicts_in_words():
    outs = [b.Outcome(b.Source(f"/clips/anna/{n}.mp4", "anna"), b.ANALYSED, n,
                      {"verdict": v, "reps": [], "findings": []})
            for n, v in (("a", "cant_judge"), ("b", "no_lift"), ("c", "cant_judge"))]
    head = report.html_athlete("anna", outs)
    text = re.sub(r"<[^>]+>", " ", head)
    assert "2 can't judge" in html.unescape(text) and "1 no lift" in text, text
    assert "cant_judge" not in text and "no_lift" not in text


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_reports_are_written_atomically(fixture_result, tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    from repcheck.errors import InputError

    with pytest.raises(InputError, match="No space left"):
        report.write_report(fixture_result, target)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]
    monkeypatch.undo()
    report.write_report(fixture_result, target)
    assert json.loads(target.read_text())["schema"] == "repcheck.batch"


# -- real clips ---------------------------------------------------------------------------
@needs_clips
def test_batch_folder_end_to_end_then_resume(cli, warm_home, tmp_path):
    root = make_tree(tmp_path / "coach")
    report = tmp_path / "out" / "week.html"
    r = cli("batch", str(root), "--workers", "2", "--report", str(report))
    assert r.code == 8, r.err  # partial: some files failed
    assert r.err.startswith("Error: 4 of 7 files failed") and r.err.count("\n") == 1
    lines = r.out.splitlines()
    bad = [ln for ln in lines if ln.startswith("skipped ")]
    assert len(bad) == 4  # one line each; .DS_Store is passed over silently
    assert any("cut.mp4" in ln and "truncated" in ln for ln in bad)
    assert [ln for ln in lines if ln.startswith("ignored ")] == [
        f"ignored {root / 'loose' / 'plan.txt'}: not a video (by its suffix)"]
    assert any("empty.mp4" in ln and "0 bytes" in ln for ln in bad)
    assert any("notes.mp4" in ln and "not a video" in ln for ln in bad)
    assert any("truncated.mp4" in ln and ("truncated" in ln or "damaged" in ln) for ln in bad)
    assert lines[0].startswith("2 videos judged (2 analysed now, 0 from earlier runs)")

    rows = stored_rows()
    assert sorted((a, f) for a, f, _ in rows) == [("Ben", "pull.mp4"), ("anna", "squat.mp4")]
    by_file = {f: doc for _, f, doc in rows}
    # The journal holds exactly what the pipeline says about each clip.
    assert by_file["squat.mp4"] == pipeline_doc(root / "athletes" / "anna" / "week1" /
                                                "squat.mp4")
    assert by_file["pull.mp4"] == pipeline_doc(root / "athletes" / "Ben" / "pull.mp4")

    page = report.read_text()
    assert page.count("data:image/jpeg;base64,") == 2
    assert "<h2 id='athlete-anna'>" in page and "<h2 id='athlete-Ben'>" in page
    thumb = page.split("data:image/jpeg;base64,")[1].split("'")[0]
    assert base64.b64decode(thumb)[:3] == b"\xff\xd8\xff"  # a real JPEG

    # Second run: no clip is analysed again (only the failed files are retried), and the
    # report still holds both clips.
    planned, seen = {}, []
    result = b.run_batch([str(root)], b.BatchOptions(workers=2),
                         on_plan=lambda jobs, settled: planned.update(jobs=jobs),
                         on_result=seen.append)
    assert sorted(Path(j.location).name for j in planned["jobs"]) == [
        "cut.mp4", "empty.mp4", "notes.mp4", "truncated.mp4"]
    assert [o.status for o in seen] == ["failed"] * 4
    assert sorted(o.status for o in result.outcomes) == [
        "failed", "failed", "failed", "failed", "not_video", "resumed", "resumed"]
    assert {o.source.name: o.analysis for o in result.judged} == by_file
    csv_path = tmp_path / "week.csv"
    overlays = tmp_path / "overlays"
    r2 = cli("batch", str(root), "--report", str(csv_path), "--overlays", str(overlays))
    assert "0 analysed now, 2 from earlier runs" in r2.out
    # Overlays are drawn for resumed clips too, from the cached landmarks.
    made = sorted(p.name.rsplit("-", 1)[0] for p in overlays.glob("*.mp4"))
    assert made == ["pull", "squat"]
    reps = [row for row in csv.DictReader(csv_path.open()) if row["status"] == "resumed"]
    assert len(reps) == sum(max(1, len(d["reps"])) for d in by_file.values())


@needs_clips
def test_athlete_flag_duplicates_and_lift_choice(cli, warm_home, tmp_path):
    root = tmp_path / "inbox"
    root.mkdir()
    shutil.copy(SQUAT, root / "a.mp4")
    shutil.copy(SQUAT, root / "copy_of_a.mp4")
    r = cli("batch", str(root), "--athlete", "Ana Silva", "--workers", "1",
            "--report", str(tmp_path / "r.json"))
    assert r.code == 0, r.err
    doc = json.loads((tmp_path / "r.json").read_text())
    assert [v["status"] for v in doc["videos"]] == ["analysed", "duplicate"]
    assert doc["videos"][1]["same_as"].endswith("a.mp4")
    assert [(a, f) for a, f, _ in stored_rows()] == [("Ana Silva", "a.mp4")]
    # A forced lift is a different analysis: it runs again, then resumes.
    forced = b.run_batch([str(root)], b.BatchOptions(lift="squat", workers=1))
    assert [o.status for o in forced.outcomes] == ["analysed", "duplicate"]
    assert forced.outcomes[0].analysis["lift"]["detected"] is False
    again = b.run_batch([str(root)], b.BatchOptions(lift="squat", workers=1))
    assert [o.status for o in again.outcomes] == ["resumed", "duplicate"]


@needs_clips
def test_a_clip_batched_again_under_another_athlete(cli, warm_home, tmp_path):
    """Unlinked, the clip follows the run's athlete; linked to a logged set, it stays with
    that set's athlete. The report says which happened."""
    root = tmp_path / "inbox"
    root.mkdir()
    shutil.copy(SQUAT, root / "a.mp4")
    assert cli("batch", str(root), "--athlete", "anna", "--workers", "1").code == 0
    r = cli("batch", str(root), "--athlete", "ben", "--workers", "1",
            "--report", str(tmp_path / "r.json"))
    assert r.code == 0, r.err
    assert [(a, f) for a, f, _ in stored_rows()] == [("ben", "a.mp4")]
    video = json.loads((tmp_path / "r.json").read_text())["videos"][0]
    assert (video["status"], video["note"]) == ("resumed", "moved here from athlete anna")
    assert "note " in r.out and "moved here from athlete anna" in r.out

    # Linked to ben's logged set: a run naming carl leaves it with ben.
    cli.ok("log", "squat", "3x100", "--athlete", "ben")
    cli.ok("video", "add", str(root / "a.mp4"), "--lift", "squat", "--last", "--athlete", "ben")
    result = b.run_batch([str(root)], b.BatchOptions(athlete="carl", workers=1))
    assert [(a, f) for a, f, _ in stored_rows()] == [("ben", "a.mp4")]
    assert result.outcomes[0].athlete == "ben"
    assert "belongs to a set logged for ben" in result.outcomes[0].note


@needs_clips
@pytest.mark.slow
def test_dask_local_cluster_matches_local_run(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    root = make_tree(tmp_path / "coach")
    monkeypatch.delenv("REPCHECK_DATABASE_URL", raising=False)
    monkeypatch.delenv("REPCHECK_ATHLETE", raising=False)

    def run(home: Path, **kw):
        monkeypatch.setenv("REPCHECK_HOME", str(home))  # cold pose cache, fresh journal
        result = b.run_batch([str(root)], b.BatchOptions(**kw))
        return result, {o.source.location: (o.status, o.source.athlete, o.analysis, o.error)
                        for o in result.outcomes}

    _, local = run(tmp_path / "home-local", workers=2)
    monkeypatch.setenv("REPCHECK_HOME", str(tmp_path / "home-cluster"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster:
        result, remote = run(tmp_path / "home-cluster", cluster=cluster.scheduler_address)
    assert result.cluster == cluster.scheduler_address and result.workers == 2
    assert remote == local
    assert sum(v[0] == "analysed" for v in local.values()) == 2


def test_cluster_address_errors(cli, tmp_path):
    pytest.importorskip("distributed")
    clip = tmp_path / "clip.mp4"
    shutil.copy(SQUAT if SQUAT.is_file() else __file__, clip)
    r = cli("batch", str(clip), "--cluster", "127.0.0.1:8786")
    assert r.code == 1 and "not a Dask scheduler address" in r.err


# -- s3:// inputs against moto on 127.0.0.1 -------------------------------------------------
@needs_clips
def test_batch_reads_s3_urls(cli, warm_home, tmp_path, monkeypatch):
    pytest.importorskip("moto")
    sys.path.insert(0, str(REPO / "tests"))
    import s3servers

    server = s3servers.start_moto()
    try:
        for key, value in server.client_env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        monkeypatch.setenv("REPCHECK_SYNC_ENDPOINT_URL", server.endpoint_url)
        from repcheck.sync.s3 import S3Config, make_client

        client = make_client(S3Config(bucket="coach", endpoint_url=server.endpoint_url))
        client.create_bucket(Bucket="coach")
        client.upload_file(str(SQUAT), "coach", "team/athletes/cara/squat.mp4")
        client.put_object(Bucket="coach", Key="team/athletes/cara/notes.mp4", Body=b"text")
        r = cli("batch", "s3://coach/team/", "--workers", "1",
                "--report", str(tmp_path / "r.json"))
        assert r.code == 8, r.err
        doc = json.loads((tmp_path / "r.json").read_text())
        status = {v["source"]: (v["status"], v["athlete"]) for v in doc["videos"]}
        assert status == {"s3://coach/team/athletes/cara/squat.mp4": ("analysed", "cara"),
                          "s3://coach/team/athletes/cara/notes.mp4": ("failed", "cara")}
        [(athlete, name, analysis)] = stored_rows()
        assert (athlete, name) == ("cara", "squat.mp4")
        assert analysis == pipeline_doc(SQUAT, "s3://coach/team/athletes/cara/squat.mp4")
        again = b.run_batch(["s3://coach/team/athletes/cara/squat.mp4"],
                            b.BatchOptions(workers=1))
        assert [o.status for o in again.outcomes] == ["resumed"]
        assert again.outcomes[0].analysis == analysis
        r = cli("batch", "s3://coach/nothing-here/")
        assert r.code == 3 and "no videos under" in r.err
    finally:
        server.stop()


# -- a clip that kills its worker process -------------------------------------------------
def crashing_job(job):
    """Worker function for the test below: dies outright on one clip (as a native crash
    would), returns a plain outcome for the others."""
    if job.location.endswith("boom.mp4"):
        os._exit(11)
    return b.Outcome(b.Source(job.location, None), b.ANALYSED, job.sha256, {"ok": True})


def test_a_crashing_clip_fails_alone(tmp_path):
    jobs = [b.Job(str(tmp_path / f"{name}.mp4"), sha256=name)
            for name in ("a", "b", "boom", "c", "d")]
    for job in jobs:
        Path(job.location).write_bytes(b"x")
    seen = []
    b.run_local(jobs, 2, seen.append, fn=crashing_job)
    status = {Path(o.source.location).stem: o.status for o in seen}
    assert status == {"a": "analysed", "b": "analysed", "boom": "failed", "c": "analysed",
                      "d": "analysed"}
    [boom] = [o for o in seen if o.status == "failed"]
    assert "died" in boom.error
