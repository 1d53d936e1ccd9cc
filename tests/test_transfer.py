"""Import from other apps, RepCheck's own export round trip, backup and restore."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SHARED

REALLOGS = SHARED / "reallogs"
needs_reallogs = pytest.mark.skipif(not REALLOGS.is_dir(),
                                    reason=f"real exports not present at {REALLOGS}")

# file, --unit, weight column (None: Strong's headerless semicolon file), reps column
REAL_FILES = [
    ("strong-export-parser/strong.csv", "lb", "Weight", "Reps"),
    ("strong-data-visualization/strong.csv", "kg", "Weight", "Reps"),
    ("vis-strong-go/server/fixtures/example.csv", "kg", "Weight (kg)", "Reps"),
    ("vis-strong-go/server/fixtures/exampleB.csv", "kg", "Weight (kg)", "Reps"),
    ("vis-strong-go/server/fixtures/alt.csv", "kg", "Weight", "Reps"),
    ("strong-workout-analyzer/strong.csv", "kg", None, None),
    ("hevy-project/workouts.csv", "kg", "weight_kg", "reps"),
    ("fitnotes-data-viz/FitNotes_Export_2020_10_04.csv", "kg", "Weight (lbs)", "Reps"),
    ("bilallb-data-analysis/FitNotes_Export.csv", "kg", "Weight", "Reps"),
]


def oracle_count(path: Path, weight_col: str | None, reps_col: str | None) -> int:
    """Rows with a positive weight and 1–100 whole reps, by a plain independent reading."""
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > 2 else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if weight_col is None:  # headerless Strong semicolon: Weight is field 5, Reps field 7
        wi, ri, body = 4, 6, rows
    else:
        header = rows[0]
        wi, ri, body = header.index(weight_col), header.index(reps_col), rows[1:]
    n = 0
    for row in body:
        if len(row) > len(rows[0]) and weight_col is not None:  # FitNotes unquoted comma
            extra = len(row) - len(rows[0])
            row = row[:1] + [",".join(row[1:2 + extra])] + row[2 + extra:]
        try:
            w, r = Decimal(row[wi]), Decimal(row[ri])
        except (IndexError, ArithmeticError):
            continue
        if w > 0 and r == int(r) and 1 <= r <= 100:
            n += 1
    return n


@needs_reallogs
@pytest.mark.parametrize("name, unit, weight_col, reps_col", REAL_FILES)
def test_every_real_export_imports_completely_and_idempotently(cli, name, unit, weight_col,
                                                               reps_col):
    path = REALLOGS / name
    first = cli.ok("import", str(path), "--unit", unit, "--json").json()
    skipped = sum(s["rows"] for s in first["skipped"])
    assert first["new_sets"] + first["duplicates"] + skipped == first["rows"]
    assert first["new_sets"] + first["duplicates"] == oracle_count(path, weight_col, reps_col)
    again = cli.ok("import", str(path), "--unit", unit, "--json").json()
    assert again["new_sets"] == 0
    assert again["duplicates"] == first["new_sets"] + first["duplicates"]
    exported = cli.ok("export", "--format", "csv").out
    stored = list(csv.DictReader(io.StringIO(exported)))
    assert len(stored) == first["new_sets"]
    assert all(len(Decimal(s["weight"]).as_tuple().digits) and
               -Decimal(s["weight"]).as_tuple().exponent <= 3 for s in stored)


@needs_reallogs
def test_strong_names_units_and_float_artefacts(cli):
    report = cli.ok("import", str(REALLOGS / "strong-export-parser/strong.csv"), "--unit", "lb",
                    "--json").json()
    assert set(report["core_lift_sets"]) == {"squat", "bench", "deadlift", "press"}
    assert "Bench Press - Close Grip (Barbell)" in report["exercises_created"]
    assert report["snapped_weights"] > 0
    hist = cli.ok("history", "Leg Extension (Machine)", "--json").json()["sessions"]
    weights = {s["weight"] for sess in hist for s in sess["sets"]}
    assert "150" in weights and not any("99999" in w for w in weights)


@needs_reallogs
def test_lb_stored_in_kg_comes_back_as_whole_pounds(cli):
    cli.ok("import", str(REALLOGS / "vis-strong-go/server/fixtures/alt.csv"), "--unit", "kg")
    sets = [s for sess in cli.ok("history", "--json").json()["sessions"] for s in sess["sets"]]
    row = next(s for s in sets if s["lift"] == "bent-over-row-(barbell)")
    assert (row["weight"], row["unit"]) == ("15", "lb")  # 6.80388555 kg is 15 lb exactly


@needs_reallogs
def test_hevy_dates_and_warmups(cli):
    report = cli.ok("import", str(REALLOGS / "hevy-project/workouts.csv"), "--json").json()
    assert report["first_date"] == "2021-07-23" and report["last_date"] == "2024-04-07"
    assert report["warmups"] > 0
    before = cli.ok("prs", "--json").json()
    assert {x["lift"] for x in before["lifts"]} >= {"squat", "bench"}


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


STRONG_HEADER = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
                 "Seconds,Notes,Workout Notes,RPE\n")


@pytest.mark.parametrize("content, encoding, message", [
    ("", "utf-8", "is empty"),
    ("a,b,c\n1,2,3\n", "utf-8", "unrecognised export layout"),
    (STRONG_HEADER + '2024-01-01 10:00:00,"W",1h,"Squat (Barbell)",1,100,5,0,0,"","",\n'
     '"Upper","7 Apr 2024, 16:34","7 Apr 2024, 17:35","","Squat",,"",0,"normal",15,6,,,\n',
     "utf-8", "mixes two export layouts"),
    (STRONG_HEADER + '2024-01-01 10:00:00,"Beintræning",1h,"Squat (Barbell)",1,100,5,0,0,,,\n',
     "latin-1", "not UTF-8"),
    ('{"format": "something else"}', "utf-8", "not a RepCheck journal export"),
])
def test_bad_files_give_one_line_error_and_import_nothing(cli, tmp_path, content, encoding,
                                                          message):
    cli.ok("log", "squat", "5x100")
    r = cli("import", str(write(tmp_path, "x.csv", content, encoding)))
    assert r.code == 1 and message in r.err and r.err.count("\n") == 1
    sets = [s for sess in cli.ok("history", "--json").json()["sessions"] for s in sess["sets"]]
    assert len(sets) == 1


def test_impossible_rows_are_skipped_with_reasons(cli, tmp_path):
    rows = [
        '2024-01-01 10:00:00,"W",1h,"Squat (Barbell)",1,100,5,0,0,,,',
        '2024-01-01 10:00:00,"W",1h,"Squat (Barbell)",2,100,0,0,0,,,',
        '2024-01-01 10:00:00,"W",1h,"Squat (Barbell)",3,9000,5,0,0,,,',
        '2024-01-01 10:00:00,"W",1h,"Squat (Barbell)",Rest Timer,0,0,0,90,,,',
        '2024-01-01 10:00:00,"W",1h,"Squat (Barbell)",W,60,5,0,0,,,',
        '2099-01-01 10:00:00,"W",1h,"Squat (Barbell)",1,100,5,0,0,,,',
        'yesterday,"W",1h,"Squat (Barbell)",1,100,5,0,0,,,',
    ]
    path = write(tmp_path, "s.csv", STRONG_HEADER + "\n".join(rows) + "\n")
    report = cli.ok("import", str(path), "--json").json()
    reasons = {s["reason"]: s["first_lines"] for s in report["skipped"]}
    assert reasons == {"zero or negative reps": [3], "implausible weight": [4],
                       "rest timer row": [5], "date in the future": [7], "unreadable date": [8]}
    assert (report["new_sets"], report["warmups"]) == (2, 1)


def test_dry_run_writes_nothing(cli, tmp_path):
    path = write(tmp_path, "s.csv", STRONG_HEADER +
                 '2024-01-01 10:00:00,"W",1h,"Front Squat (Barbell)",1,100,5,0,0,,,\n')
    report = cli.ok("import", str(path), "--dry-run", "--json").json()
    assert report["new_sets"] == 1 and report["exercises_created"] == ["Front Squat (Barbell)"]
    assert cli.ok("lifts", "--json").json()["custom"] == []
    assert cli("history").code == 3  # not even the athlete was created


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_round_trip_is_lossless(cli, tmp_path, home, fmt):
    cli.ok("log", "squat", "3x5x140", "@8", "--date", "2026-01-05", "--note", "belt, sleeves")
    cli.ok("log", "bench", "5,5,4x225lb", "rir2", "--date", "2026-01-06", "--bodyweight", "90")
    cli.ok("log", "squat", "2x60", "--warmup", "--date", "2026-01-05")
    cli.ok("log", "zercher squat", "5x80", "--new", "--date", "2026-01-07")
    cli.ok("log", "squat", "5x100", "--athlete", "Ana", "--date", "2026-01-07")
    cli.ok("athletes", "set", "me", "--sex", "f")
    out = tmp_path / f"journal.{fmt}"
    cli.ok("export", "--format", fmt, "-o", str(out))
    original = cli.ok("export", "--format", "csv").out
    assert cli.ok("import", str(out), "--json").json()["new_sets"] == 0  # same journal
    cli.db = str(tmp_path / "fresh.sqlite3")
    report = cli.ok("import", str(out), "--json").json()
    assert report["new_sets"] == 9
    assert cli.ok("export", "--format", "csv").out == original
    if fmt == "json":
        prs = cli.ok("prs", "--json").json()
        assert prs["bodyweight"]["kg"] == 90 and prs["sex"] == "f"


def test_backup_while_writing_and_restore(cli, tmp_path, home):
    cli.ok("log", "squat", "5x100")
    journal = home / "journal.sqlite3"
    stop = threading.Event()

    def writer():
        conn = sqlite3.connect(journal, timeout=10)
        while not stop.is_set():
            conn.execute("UPDATE sets SET note = COALESCE(note, '') || 'x'")
            conn.commit()
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backup = tmp_path / "b.sqlite3"
        cli.ok("backup", str(backup))
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cli.ok("log", "squat", "5x200")
    assert cli("restore", str(backup)).code == 1  # no terminal and no --yes
    r = cli.ok("restore", str(backup), "--yes")
    assert "previous journal is kept" in r.out
    sets = [s for sess in cli.ok("history", "--json").json()["sessions"] for s in sess["sets"]]
    assert [s["weight"] for s in sets] == ["100"]
    kept = list(home.glob("journal.sqlite3.before-restore-*"))
    assert len(kept) == 1
    with sqlite3.connect(kept[0]) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sets").fetchone()[0] == 2


def test_restore_refuses_a_file_that_is_not_a_backup(cli, tmp_path):
    cli.ok("log", "squat", "5x100")
    bogus = write(tmp_path, "b.sqlite3", "nope" * 100)
    r = cli("restore", str(bogus), "--yes")
    assert r.code == 1 and "not a RepCheck journal" in r.err
    assert cli.ok("history", "--json").json()["sessions"]
