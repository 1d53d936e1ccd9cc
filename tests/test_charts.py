"""`repcheck chart`: every chart type rendered from a fixed journal, checked as an image.

The journal is built through the CLI in-process, so the charts read exactly what `log`
writes. Images are checked for format, size and content (not blank: pixel variance), and the
print-safety of the series styles is checked on a greyscale conversion.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

PIL = pytest.importorskip("PIL.Image")
np = pytest.importorskip("numpy")

REPO = Path(__file__).resolve().parents[1]
METRICS = ("e1rm", "top", "volume", "reps")

# Squat goes up 2.5 kg a session; bench and deadlift less often; press once; warm-ups too.
SQUAT = [("2026-01-05", "5x140"), ("2026-01-08", "5x142.5"), ("2026-01-12", "5x145"),
         ("2026-01-15", "5x147.5"), ("2026-01-19", "5x150"), ("2026-01-22", "3x155"),
         ("2026-01-26", "5x140"), ("2026-01-29", "5x145"), ("2026-02-02", "5x152.5")]
BENCH = [("2026-01-06", "3x5x100"), ("2026-01-13", "3x5x102.5"), ("2026-01-20", "3x5x105"),
         ("2026-02-03", "3x5x107.5")]
DEADLIFT = [("2026-01-07", "1x200"), ("2026-01-21", "5x180")]


def build_journal(cli, athlete: str | None = None) -> None:
    who = ["--athlete", athlete] if athlete else []
    for lift, plan in (("squat", SQUAT), ("bench", BENCH), ("deadlift", DEADLIFT)):
        for day, sets in plan:
            cli.ok("log", lift, sets, "--date", day, *who)
            cli.ok("log", lift, "2x5x60", "--warmup", "--date", day, *who)
    cli.ok("log", "ohp", "5x60", "--date", "2026-01-09", *who)


@pytest.fixture(scope="module")
def journal_template(tmp_path_factory):
    """The fixed journal, built once through the CLI in-process; tests get a copy."""
    import shutil

    from repcheck.cli.main import run_cli

    class Quiet:
        def ok(self, *args):
            assert run_cli(list(args)) == 0, args

    home = tmp_path_factory.mktemp("template") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPCHECK_HOME", str(home))
        for var in ("REPCHECK_DATABASE_URL", "REPCHECK_UNIT", "REPCHECK_ATHLETE"):
            mp.delenv(var, raising=False)
        build_journal(Quiet())
    saved = home.parent / "saved"
    shutil.copytree(home, saved)
    yield saved
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def journal(cli, home, journal_template):
    import shutil

    shutil.copytree(journal_template, home, dirs_exist_ok=True)
    return cli


def image(path: Path):
    img = PIL.open(io.BytesIO(path.read_bytes()))
    img.load()
    return img


def assert_not_blank(img) -> None:
    grey = np.asarray(img.convert("L"), dtype=float)
    assert grey.std() > 20, "the chart looks blank"
    # A real chart has ink (axes, text, series) and mostly background.
    dark = (grey < 128).mean()
    assert 0.005 < dark < 0.5


# -- every chart type ------------------------------------------------------------------------
@pytest.mark.parametrize("metric", METRICS)
def test_each_metric_renders_a_png(journal, tmp_path, metric):
    out = tmp_path / f"{metric}.png"
    r = journal.ok("chart", "--metric", metric, "-o", str(out))
    assert f"Wrote {out}" in r.out
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = image(out)
    assert img.format == "PNG"
    assert img.width == 1500
    assert img.height >= 840  # weekly charts grow a panel per lift
    assert_not_blank(img)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


@pytest.mark.parametrize("metric", METRICS)
def test_single_lift_charts_name_the_athlete_and_lift(cli, tmp_path, metric):
    build_journal(cli, athlete="Ana Silva")
    out = tmp_path / "ana.png"
    r = cli.ok("chart", "squat", "-m", metric, "-o", str(out), "--athlete", "Ana Silva")
    title = image(out).info["Title"]
    assert title.startswith("Ana Silva — Squat:")
    assert title in " ".join(r.out.split())
    assert_not_blank(image(out))


def test_weekly_charts_have_a_panel_per_lift(journal, tmp_path):
    one, three = tmp_path / "one.png", tmp_path / "three.png"
    journal.ok("chart", "squat", "-m", "volume", "-o", str(one))
    journal.ok("chart", "squat", "bench", "deadlift", "-m", "volume", "-o", str(three))
    assert image(one).height == 840
    assert image(three).height > image(one).height


@pytest.mark.parametrize("name, magic", [("c.svg", b"<svg"), ("c.SVG", b"<svg"),
                                         ("c.pdf", b"%PDF-"), ("C.PNG", b"\x89PNG")])
def test_format_follows_the_extension(journal, tmp_path, name, magic):
    out = tmp_path / name
    r = journal.ok("chart", "squat", "bench", "-o", str(out))
    data = out.read_bytes()
    assert magic in data[:400]
    assert len(data) > 5000
    assert name.split(".")[1].upper() in r.out
    if magic == b"<svg":
        text = data.decode()
        assert "Squat" in text and "Estimated 1RM (kg)" in text  # text stays text
    if magic == b"%PDF-":
        assert data.rstrip().endswith(b"%%EOF")


def test_unit_lb_converts_the_axis(journal, tmp_path):
    out = tmp_path / "lb.svg"
    journal.ok("chart", "squat", "-m", "top", "--unit", "lb", "-o", str(out))
    text = out.read_text()
    assert "Top set weight (lb)" in text and "(kg)" not in text


# -- what the series hold ----------------------------------------------------------------------
def chart_data(metric: str, lifts=None, since=None, until=None, unit="kg"):
    from repcheck.report import charts
    from repcheck.store import journal as j
    from repcheck.store.connect import open_journal

    db = open_journal(None)
    try:
        with db.read():
            who = j.get_athlete(db, "me")
            rows = j.daily_aggregates(db, who.id, lifts,
                                      until=charts.data_until(charts.METRICS[metric], until))
            names = j.lift_names(db)
    finally:
        db.close()
    return charts.build_chart(rows, charts.METRICS[metric], athlete=who.name, names=names,
                              lifts=lifts, since=since, until=until, unit=unit)


def test_e1rm_series_marks_true_prs_and_ignores_warmups(journal):
    (s,) = chart_data("e1rm", ["squat"]).series
    assert [str(d) for d in s.x] == [d for d, _ in SQUAT]
    # Epley: 140 × (1 + 5/30) = 163.3 sets the first record; each +2.5 kg beats it up to
    # 150 × 5 = 175; 155 × 3 = 170.5, 140 × 5 and 145 × 5 do not; 152.5 × 5 = 177.9 does.
    assert s.y[0] == pytest.approx(163.333, abs=1e-3)
    assert s.y[5] == pytest.approx(170.5)
    assert s.pr.tolist() == [False, True, True, True, True, False, False, False, True]
    assert s.trend_y is not None and len(s.trend_y) == len(s.y)


def test_since_keeps_prs_judged_against_the_whole_history(journal):
    (s,) = chart_data("e1rm", ["squat"], since=date(2026, 1, 23)).series
    assert [str(d) for d in s.x] == ["2026-01-26", "2026-01-29", "2026-02-02"]
    # 145 × 5 on Jan 29 beats the window's first point (140 × 5) but not 150 × 5 of Jan 19.
    assert s.pr.tolist() == [False, False, True]
    (s,) = chart_data("e1rm", ["squat"], since=date(2026, 1, 25),
                      until=date(2026, 1, 31)).series
    assert s.pr.tolist() == [False, False]


def test_top_set_is_the_heaviest_working_set(journal):
    (s,) = chart_data("top", ["deadlift"]).series
    assert s.y.tolist() == [200.0, 180.0]
    assert s.reps.tolist() == [1, 5]


def test_weekly_volume_sums_working_sets_and_fills_empty_weeks(journal):
    (s,) = chart_data("volume", ["bench"]).series
    assert [str(d) for d in s.x] == ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26",
                                     "2026-02-02"]
    assert s.y.tolist() == pytest.approx([1500, 1537.5, 1575, 0, 1612.5])
    (r,) = chart_data("reps", ["bench"]).series
    assert r.y.tolist() == [15, 15, 15, 0, 15]


def test_weekly_charts_count_whole_weeks(journal):
    # --since on a Wednesday and --until on a Monday still give whole Monday–Sunday weeks.
    (s,) = chart_data("volume", ["bench"], since=date(2026, 1, 14), until=date(2026, 1, 19)).series
    assert [str(d) for d in s.x] == ["2026-01-12", "2026-01-19"]
    assert s.y.tolist() == pytest.approx([1537.5, 1575])


def test_lb_scales_values(journal):
    (kg,) = chart_data("volume", ["bench"]).series
    (lb,) = chart_data("volume", ["bench"], unit="lb").series
    assert lb.y[0] == pytest.approx(kg.y[0] / 0.45359237)


def test_default_lifts_are_the_logged_core_lifts(journal):
    names = [s.name for s in chart_data("e1rm").series]
    assert names == ["Squat", "Bench press", "Deadlift", "Overhead press"]


def test_moving_average_and_week_start():
    from repcheck.report.charts import moving_average, trend_window_days, week_start

    x = np.array(["2026-01-01", "2026-01-02", "2026-01-10", "2026-03-01"], dtype="datetime64[D]")
    y = np.array([1.0, 3.0, 5.0, 7.0])
    assert moving_average(x, y, 4).tolist() == [2.0, 2.0, 5.0, 7.0]
    days = np.array(["2026-01-05", "2026-01-11", "2026-01-12", "1970-01-01"], dtype="datetime64[D]")
    assert [str(d) for d in week_start(days)] == ["2026-01-05", "2026-01-05", "2026-01-12",
                                                  "1969-12-29"]
    assert trend_window_days(30) == 28
    assert trend_window_days(3650) == 43 * 7


# -- print-safe in grey ------------------------------------------------------------------------
def grey_level(hex_colour: str) -> int:
    """What a greyscale conversion (PIL's ITU-R 601 luma) makes of a colour."""
    return PIL.new("RGB", (1, 1), hex_colour).convert("L").getpixel((0, 0))


def test_series_styles_differ_in_grey_marker_and_dash():
    from repcheck.report.charts import STYLES

    greys = [grey_level(s.colour) for s in STYLES]
    assert greys == [s.luma for s in STYLES]
    first_four = sorted(greys[:4])  # the four core lifts: distinct grey levels
    assert min(b - a for a, b in zip(first_four, first_four[1:], strict=False)) >= 30
    assert all(g <= 170 for g in greys)  # none fades out on white paper
    assert len({s.marker for s in STYLES}) == len(STYLES)
    assert len({str(s.dashes) for s in STYLES}) == len(STYLES)


def grey_pixels(path: Path, level: int) -> int:
    grey = np.asarray(image(path).convert("L"), dtype=int)
    return int((np.abs(grey - level) <= 1).sum())


def test_two_lifts_stay_apart_when_printed_in_grey(journal, tmp_path):
    from repcheck.report.charts import STYLES

    both, squat_only = tmp_path / "both.png", tmp_path / "squat.png"
    journal.ok("chart", "squat", "bench", "-o", str(both))
    journal.ok("chart", "squat", "-o", str(squat_only))
    squat_grey, bench_grey = STYLES[0].luma, STYLES[1].luma
    assert abs(squat_grey - bench_grey) >= 30
    # Both series show up as their own grey tone in the greyscale image …
    assert grey_pixels(both, squat_grey) > 300
    assert grey_pixels(both, bench_grey) > 300
    # … and bench's tone really comes from the bench series.
    assert grey_pixels(squat_only, bench_grey) < grey_pixels(both, bench_grey) / 5


# -- bad input: one line, exit code, nothing written -------------------------------------------
def assert_one_line_error(result, *words: str, code: int = 1) -> None:
    assert result.code == code, result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.err
    for word in words:
        assert word in lines[0]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name, words", [
    ("chart.gif", (".gif", ".png, .svg or .pdf")),
    ("chart", ("no extension",)),
    ("chart.png.bak", (".bak",)),
])
def test_unknown_extension(journal, tmp_path, name, words):
    before = listing(tmp_path)
    assert_one_line_error(journal("chart", "-o", str(tmp_path / name)), *words)
    assert listing(tmp_path) == before


def test_unwritable_output_paths(journal, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    folder = tmp_path / "folder.png"
    folder.mkdir()
    before = listing(tmp_path)
    cases = [
        (tmp_path / "missing" / "c.png", ("cannot write", "does not exist")),
        (afile / "c.png", ("cannot write", "is not a folder")),
        (folder, ("is a folder", "give a file name")),
    ]
    for path, words in cases:
        assert_one_line_error(journal("chart", "-o", str(path)), *words)
    assert listing(tmp_path) == before and listing(folder) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(journal, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert_one_line_error(journal("chart", "-o", str(ro / "c.png")), "not writable")
        assert listing(ro) == []
    finally:
        ro.chmod(0o755)


def test_folder_that_refuses_files_even_for_root(journal):
    # /proc accepts no new files, whatever the user: the write itself fails.
    assert_one_line_error(journal("chart", "-o", "/proc/repcheck-chart.png"), "cannot write")
    assert not Path("/proc/repcheck-chart.png").exists()


def test_a_failed_write_leaves_nothing_and_keeps_the_old_chart(journal, tmp_path, monkeypatch):
    import errno

    from matplotlib.figure import Figure

    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "chart.png"
    out.write_bytes(b"old chart")

    def full_disk(self, fname, **kw):
        fname.write(b"half a PNG")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    assert_one_line_error(journal("chart", "-o", str(out)), "No space left on device")
    assert out.read_bytes() == b"old chart"
    assert listing(folder) == ["chart.png"]


def test_empty_journal(cli, tmp_path):
    r = cli("chart", "-o", str(tmp_path / "c.png"))
    assert_one_line_error(r, "journal is empty", code=3)
    assert not (tmp_path / "c.png").exists()


@pytest.mark.parametrize("args, words", [
    (["press", "-m", "volume"], ("no working sets of overhead press",)),
    (["deadlift"], ("12 reps or fewer", "--metric top")),
    (["squat", "--since", "2026-03-01"], ("no working sets of squat since 2026-03-01",)),
    (["squat", "--until", "2025-12-31"], ("up to 2025-12-31",)),
    (["squat", "--since", "2026-02-01", "--until", "2026-01-01"], ("after --until",)),
    (["sqat"], ("squat", "repcheck lifts")),
    (["-m", "tonnage"], ("unknown chart metric 'tonnage'", "e1rm, top, volume, reps")),
    (["--unit", "stone"], ("unknown unit",)),
    (["--since", "last tuesday"], ("cannot read",)),
    (["--athlete", "Bob"], ("no athlete called 'Bob'",)),
])
def test_no_data_and_bad_options(cli, tmp_path, args, words):
    cli.ok("log", "squat", "5x100", "--date", "2026-01-05")
    cli.ok("log", "press", "5x50", "--warmup", "--date", "2026-01-05")  # warm-ups don't count
    cli.ok("log", "deadlift", "15x100", "--date", "2026-01-05")  # too many reps for an e1RM
    out = tmp_path / "c.png"
    r = cli("chart", *args, "-o", str(out))
    assert_one_line_error(r, *words, code=3 if "Bob" in args else 1)
    assert not out.exists()


def test_output_is_required(journal):
    r = journal("chart", "squat")
    assert r.code == 2 and "--output" in r.err


# -- import boundary -----------------------------------------------------------------------------
def test_only_charts_imports_matplotlib():
    offenders = []
    for path in (REPO / "repcheck").rglob("*.py"):
        text = path.read_text()
        if ("import matplotlib" in text or "from matplotlib" in text) and \
                path.relative_to(REPO).as_posix() != "repcheck/report/charts.py":
            offenders.append(str(path))
    assert offenders == []


def test_chart_help_and_charts_module_import_no_matplotlib(tmp_path):
    probe = ("import json, sys\n"
             "from repcheck.cli.main import run_cli\n"
             "import repcheck.report.charts, repcheck.cli.chart\n"
             "code = run_cli(['chart', '--help'])\n"
             "sys.stderr.write('MODS=' + json.dumps(sorted(m for m in sys.modules\n"
             "    if m.split('.')[0] in ('matplotlib', 'numpy', 'PIL'))) + '\\n')\n"
             "sys.exit(code)\n")
    env = {**os.environ, "REPCHECK_HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert "repcheck chart" in r.stdout
    line = [x for x in r.stderr.splitlines() if x.startswith("MODS=")][-1]
    assert json.loads(line[5:]) == []


# -- both stores ---------------------------------------------------------------------------------
def test_chart_from_sqlite_and_postgres(jcli, tmp_path):
    for day, sets in SQUAT[:4]:
        jcli.ok("log", "squat", sets, "--date", day)
    jcli.ok("log", "bench", "5x100", "--date", "2026-01-06")
    for metric in METRICS:
        out = tmp_path / f"{metric}.png"
        jcli.ok("chart", "squat", "bench", "-m", metric, "-o", str(out))
        assert_not_blank(image(out))


def test_png_bytes_decode(journal, tmp_path):
    out = tmp_path / "c.png"
    journal.ok("chart", "-o", str(out))
    with PIL.open(io.BytesIO(out.read_bytes())) as img:
        img.verify()
