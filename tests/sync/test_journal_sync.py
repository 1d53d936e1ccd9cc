"""Journal sync through a real PostgreSQL server: convergence, isolation, faults, cron."""

from __future__ import annotations

import csv
import io
import os
import random
import uuid

import psycopg  # noqa: TID253  (a Postgres-only test module)
import pytest
from conftest import Cli

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared_db(pg_server):
    """A fresh database with the shared schema and two lifters' logins."""
    name = f"s_{uuid.uuid4().hex[:10]}"
    base = pg_server.rsplit("/", 1)[0]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
        for role in ("alice", "bob"):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f"CREATE ROLE {role} LOGIN")
    admin_url = f"{base}/{name}"
    from repcheck.sync.postgres import setup_database

    setup_database(admin_url)
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute("GRANT repcheck_sync TO alice, bob")
    host = base.split("@", 1)[1]
    yield {"admin": admin_url, "alice": f"postgresql://alice@{host}/{name}",
           "bob": f"postgresql://bob@{host}/{name}"}
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Device(Cli):
    """One lifter's machine: its own REPCHECK_HOME and journal."""

    def __init__(self, capsys, tmp_path, name: str, url: str) -> None:
        super().__init__(capsys)
        self.home = tmp_path / name
        self.ok("config", "set", "sync.database", url)

    def __call__(self, *args):
        old = os.environ.get("REPCHECK_HOME")
        os.environ["REPCHECK_HOME"] = str(self.home)
        try:
            return super().__call__(*args)
        finally:
            if old is not None:
                os.environ["REPCHECK_HOME"] = old

    def sync(self, *args):
        r = self("sync", "--json", *args)
        assert r.code in (0, 5), r.err
        return r.json()

    def journal(self) -> list[dict]:
        rows = list(csv.DictReader(io.StringIO(self.ok("export").out)))
        for row in rows:
            row.pop("batch_id")
        return sorted(rows, key=lambda r: r["id"])


@pytest.fixture
def devices(home, capsys, tmp_path, shared_db):
    return [Device(capsys, tmp_path, f"dev{i}", shared_db["alice"]) for i in range(3)]


def test_three_devices_converge_through_interleaved_edits_and_deletes(devices):
    a, b, c = devices
    rng = random.Random(7)
    a.ok("log", "squat", "5x100", "--date", "2026-01-05")
    b.ok("log", "bench", "5x80", "--date", "2026-01-05")  # both create athlete "me" offline
    a.sync(), b.sync(), c.sync(), a.sync()
    assert a.journal() == b.journal() == c.journal() and len(a.journal()) == 2
    logged = 2
    for step in range(30):
        dev = devices[rng.randrange(3)]
        action = rng.choice(["log", "log", "edit", "rm", "sync"])
        live = dev.journal()
        if action == "log" or not live:
            dev.ok("log", rng.choice(["squat", "bench", "deadlift"]),
                   f"{rng.randint(1, 10)}x{rng.randint(40, 200)}", "--date",
                   f"2026-0{2 + step // 28}-{step % 28 + 1:02d}")
            logged += 1
        elif action == "edit":
            dev.ok("edit", rng.choice(live)["id"], f"3x{rng.randint(40, 200)}",
                   "--note", f"step {step}")
        elif action == "rm":
            dev.ok("rm", rng.choice(live)["id"])
        else:
            dev.sync()
    for _ in range(2):
        for dev in devices:
            dev.sync()
    assert a.journal() == b.journal() == c.journal()
    athletes = a.ok("athletes", "--json").json()["athletes"]
    assert [x["name"] for x in athletes] == ["me"]  # merged by key, not duplicated
    with psycopg.connect(a.ok("config", "get", "sync.database").out.strip()) as conn:
        total = conn.execute("SELECT COUNT(*) FROM rc_sets").fetchone()[0]
    assert total == logged  # nothing lost: every set ever logged exists (live or removed)


def test_conflicting_edits_last_writer_wins_and_delete_propagates(devices):
    a, b, _ = devices
    a.ok("log", "squat", "5x100")
    a.sync(), b.sync()
    set_id = b.journal()[0]["id"]
    a.ok("edit", set_id, "5x105")
    b.ok("edit", set_id, "5x110")  # later: wins
    a.sync(), b.sync(), a.sync()
    assert a.journal()[0]["weight"] == b.journal()[0]["weight"] == "110"
    b.ok("rm", set_id)
    b.sync(), a.sync()
    assert a.journal() == [] and b.journal() == []


def test_nothing_to_do_and_dry_run(devices):
    a, _, _ = devices
    a.ok("log", "squat", "5x100")
    plan = a.sync("--dry-run")
    assert plan["push"]["sets"] == 1
    assert a("sync", "--dry-run").code == 0
    assert a.sync("--dry-run")["push"]["sets"] == 1  # a dry run changed nothing
    assert a("sync").code == 0
    assert a("sync").code == 5  # nothing to do


def test_users_cannot_see_or_overwrite_each_other(home, capsys, tmp_path, shared_db):
    alice = Device(capsys, tmp_path, "alice", shared_db["alice"])
    bob = Device(capsys, tmp_path, "bob", shared_db["bob"])
    alice.ok("log", "squat", "5x100")
    alice.sync()
    bob.sync()
    assert bob.journal() == []
    stolen = alice.journal()[0]
    # Bob crafts a row with Alice's set id and pushes it: it lands in Bob's rows only.
    imported = bob.ok("import", str(_one_set_csv(tmp_path, stolen)), "--json").json()
    assert imported["new_sets"] == 1, imported
    bob.sync()
    alice.sync()
    assert alice.journal()[0]["weight"] == "100"
    with psycopg.connect(shared_db["bob"]) as conn:
        seen = conn.execute("SELECT DISTINCT user_id FROM rc_sets").fetchall()
        assert seen == [("bob",)]
        hidden = conn.execute("UPDATE rc_sets SET weight = '1' WHERE user_id = 'alice'")
        assert hidden.rowcount == 0  # Alice's rows are invisible to Bob
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO rc_sets (user_id, id, lift, weight, created_at, "
                         "updated_at, device_id) VALUES ('alice', 'x', 'squat', '1', '', '', '')")


def _one_set_csv(tmp_path, row):
    path = tmp_path / "one.csv"
    out = io.StringIO()
    fields = ["id", "athlete", "lift", "lift_name", "date", "performed_at", "reps", "weight",
              "unit", "rpe", "rir", "warmup", "note", "batch_id"]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerow({**row, "weight": "99", "performed_at": row["performed_at"],
                     "batch_id": str(uuid.uuid4())})
    path.write_text(out.getvalue())
    return path


def test_concurrent_syncs_are_refused_by_the_lock(devices):
    a, _, _ = devices
    import fcntl

    lock_path = a.home / "sync.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        r = a("sync")
    assert r.code == 9 and "another sync" in r.err


def test_unreachable_server_exits_retry_later_and_keeps_local_data(home, capsys, tmp_path):
    dev = Device(capsys, tmp_path, "offline", "postgresql://alice@127.0.0.1:1/none")
    dev.ok("log", "squat", "5x100")
    r = dev("sync")
    assert r.code == 8 and r.err.startswith("Error: cannot reach the sync database")
    assert len(dev.journal()) == 1


def test_sync_without_configuration_is_a_config_error(cli):
    r = cli("sync")
    assert r.code == 6 and "no sync database is configured" in r.err


def test_server_stopped_partway_keeps_both_sides_consistent(home, capsys, tmp_path,
                                                            monkeypatch):
    """PostgreSQL really goes down in the middle of a push; nothing is lost or doubled."""
    from pgserver import start_postgres

    from repcheck.sync import postgres

    server = start_postgres(durable=True)  # a crash must not lose acknowledged commits
    try:
        url = server.url
        a = Device(capsys, tmp_path, "a", url)
        b = Device(capsys, tmp_path, "b", url)
        a.ok("log", "squat", "5x100", "--date", "2026-01-05")
        a.sync()
        a.ok("log", "bench", "3x5x80", "--date", "2026-01-06")
        real_push = postgres.Remote.push

        def push_then_crash(self, table, rows):
            if table.local == "sets":
                server.halt("immediate")  # the server dies while the push is in flight
            return real_push(self, table, rows)

        monkeypatch.setattr(postgres.Remote, "push", push_then_crash)
        r = a("sync")
        assert r.code == 8 and r.err.startswith("Error: lost the sync database")
        assert len(a.journal()) == 4  # local data untouched
        monkeypatch.setattr(postgres.Remote, "push", real_push)
        server.start()
        assert a("sync").code == 0
        b.sync()
        assert b.journal() == a.journal()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM rc_sets").fetchone() \
                == (4, 4)
    finally:
        server.stop()


# -- videos through S3 (moto and Ceph RGW) -----------------------------------------------------
def make_clip(path, seed: int):
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (160, 120))
    for i in range(20):
        img = np.full((120, 160, 3), seed * 40 % 255, np.uint8)
        cv2.circle(img, (10 + i * 6, 60), 8, (255, 255, 255), -1)
        writer.write(img)
    writer.release()
    return path


@pytest.fixture
def video_devices(home, capsys, tmp_path, shared_db, s3, bucket):
    devs = [Device(capsys, tmp_path, f"v{i}", shared_db["alice"]) for i in range(2)]
    for dev in devs:
        dev.ok("config", "set", "sync.bucket", f"s3://{bucket}/lifters")
        dev.ok("config", "set", "sync.endpoint-url", s3.endpoint_url)
    return devs


def raw_client(server):
    """Plain boto3, to look at the bucket behind RepCheck's back."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                        aws_access_key_id=server.access_key,
                        aws_secret_access_key=server.secret_key,
                        config=Config(s3={"addressing_style": "path"}))


def library(dev) -> dict[str, bytes]:
    root = dev.home / "videos"
    return {p.name: p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".incoming" not in p.parts}


def test_videos_follow_the_lifter_to_another_device(video_devices, tmp_path, s3, bucket):
    a, b = video_devices
    a.ok("log", "squat", "3x140")
    a.ok("video", "add", str(make_clip(tmp_path / "set.mp4", 1)), "--lift", "squat", "--last")
    planned = a.sync("--dry-run")
    assert planned["upload"]["videos"] == 1 and planned["push"]["videos"] == 1
    first = a.sync()
    assert first["upload"]["videos"] == 1
    assert a.sync()["upload"]["videos"] == 0  # already there: not sent again
    got = b.sync()
    assert got["download"]["videos"] == 1
    assert library(b) == library(a)
    linked = b.ok("video", "list", "--json").json()["videos"]
    assert linked[0]["set_id"] == a.journal()[0]["id"]
    keys = [o["Key"] for o in raw_client(s3).list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert len(keys) == 1 and keys[0].startswith("lifters/videos/alice/")


def test_client_side_encryption_hides_the_video(video_devices, tmp_path, s3, bucket,
                                                monkeypatch):
    import base64

    a, b = video_devices
    monkeypatch.setenv("REPCHECK_SYNC_KEY", base64.b64encode(b"k" * 32).decode())
    for dev in video_devices:
        dev.ok("config", "set", "sync.encrypt", "true")
    clip = make_clip(tmp_path / "secret.mp4", 2)
    a.ok("video", "add", str(clip))
    a.sync()
    client = raw_client(s3)
    (obj,) = client.list_objects_v2(Bucket=bucket)["Contents"]
    stored = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    plain = clip.read_bytes()
    assert plain[:64] not in stored and plain[-64:] not in stored
    import hashlib

    assert hashlib.sha256(plain).hexdigest() not in obj["Key"]
    b.sync()
    assert library(b) == library(a)


def test_setup_bucket_reports_each_step(video_devices, s3):
    a, _ = video_devices
    steps = a.ok("sync", "setup-bucket", "--json").json()["steps"]
    assert steps["lifecycle"]["status"] in ("applied", "accepted")
    assert steps["public_access_block"]["status"] in ("applied", "accepted", "refused")
    assert all(v["status"] in ("applied", "accepted", "refused", "skipped", "exists",
                               "created") for v in steps.values()), steps


def test_keypoints_only_never_uploads_video(video_devices, tmp_path, s3, bucket):
    a, _ = video_devices
    added = a.ok("video", "add", str(make_clip(tmp_path / "private.mp4", 3)), "--json").json()
    cache = a.home / "cache" / "landmarks"
    cache.mkdir(parents=True)
    (cache / f"{added['video']['sha256']}-pose1.npz").write_bytes(b"landmarks of this clip")
    summary = a.sync("--keypoints-only")
    assert summary["upload"]["videos"] == 0
    listed = [o["Key"] for o in raw_client(s3).list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert not any("/videos/" in k for k in listed)
    assert len([k for k in listed if k.startswith("lifters/landmarks/alice/")]) == 1
