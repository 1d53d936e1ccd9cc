"""`repcheck sync` and its setup commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import JsonOpt, app, options

sync_app = typer.Typer(help="Sync the journal with a shared PostgreSQL and videos with S3.")
app.add_typer(sync_app, name="sync", rich_help_panel="Sync")


@sync_app.callback(invoke_without_command=True)
def sync(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; change nothing.")]
    = False,
    push_only: Annotated[bool, typer.Option("--push-only", help="Only send local changes.")]
    = False,
    pull_only: Annotated[bool, typer.Option("--pull-only", help="Only fetch remote changes.")]
    = False,
    videos: Annotated[bool | None, typer.Option("--videos/--no-videos",
                                                help="Transfer videos (default: setting).")]
    = None,
    keypoints_only: Annotated[bool, typer.Option(
        "--keypoints-only", help="Upload analyses and landmarks, never raw video.")] = False,
    max_rate: Annotated[str | None, typer.Option(
        "--max-rate", help="Bandwidth cap for videos, e.g. 2M (bytes/s).")] = None,
    summary_file: Annotated[Path | None, typer.Option(
        "--summary-file", help="Also write the JSON summary to this file.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Push and pull the journal; never prompts, so it is safe under cron.

    Examples: repcheck sync · repcheck sync --dry-run · repcheck sync --json --no-videos
    """
    if ctx.invoked_subcommand is not None:
        return
    import json

    from repcheck.errors import InputError
    from repcheck.sync.run import SyncOptions, run_sync

    if push_only and pull_only:
        raise InputError("--push-only and --pull-only exclude each other")
    result = run_sync(SyncOptions(
        dry_run=dry_run, push=not pull_only, pull=not push_only, videos=videos,
        keypoints_only=keypoints_only, max_rate=_rate(max_rate) if max_rate else None,
        database=options.database_url))
    summary = result.as_json()
    if summary_file is not None:
        summary_file.write_text(json.dumps(summary, indent=2) + "\n")
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        typer.echo(f"sync: {result.message} ({result.seconds:.1f} s)")
    raise typer.Exit(int(result.exit_code))


def _rate(text: str) -> int:
    import re

    from repcheck.errors import InputError

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?(?:/s)?\s*", text)
    if not m:
        raise InputError(f"cannot read rate {text!r}", "e.g. --max-rate 2M (bytes per second)")
    factor = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m[2].lower()]
    return int(float(m[1]) * factor)


@sync_app.command("setup-database")
def setup_database(
    url: Annotated[str | None, typer.Argument(
        help="Administrator URL (default: the sync.database setting).")] = None,
) -> None:
    """Create the shared schema, row-level security and the repcheck_sync role (run once).

    Example: repcheck sync setup-database postgresql://admin@db.example.org/training
    """
    from repcheck.config import get_setting
    from repcheck.errors import ConfigError
    from repcheck.sync.postgres import setup_database as do_setup

    target = url or get_setting("sync.database")
    if not target:
        raise ConfigError("no database URL given", "pass one or set sync.database")
    role = do_setup(target)
    typer.echo(f"Shared schema ready. Give each lifter a login in the {role} role, e.g.\n"
               f"  CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE {role};")




@app.command(rich_help_panel="Sync")
def plan(
    bitrate: Annotated[float | None, typer.Option(
        help="Video bitrate in MB/s (default: from your library, else 1.25).")] = None,
    seconds: Annotated[float | None, typer.Option(
        help="Average clip length in s (default: from your library, else 30).")] = None,
    videos_per_month: Annotated[float | None, typer.Option(
        "--videos-per-month", help="Videos per user per month (default: from your journal, "
                                   "else 12).")] = None,
    uplink_median: Annotated[float, typer.Option(help="Median upload speed, Mbit/s.")] = 10.0,
    uplink_spread: Annotated[float, typer.Option(
        help="Geometric spread of upload speeds (1 = everyone the same).")] = 2.5,
    users: Annotated[list[int] | None, typer.Option(
        "--users", help="User counts to plan for (repeatable).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Storage, ingest and upload-time estimates for 1k, 100k and 1M users.

    Example: repcheck plan · repcheck plan --bitrate 2 --seconds 45 --users 5000
    """
    import json

    from repcheck.errors import InputError
    from repcheck.sync.capacity import PERCENTILES, Inputs, plan_for

    measured = _library_averages()
    inputs = Inputs(
        bitrate_mbps=bitrate if bitrate is not None else measured.get("bitrate", 1.25),
        seconds=seconds if seconds is not None else measured.get("seconds", 30.0),
        videos_per_user_month=videos_per_month if videos_per_month is not None
        else measured.get("per_month", 12.0),
        uplink_median_mbps=uplink_median, uplink_spread=uplink_spread)
    if min(inputs.bitrate_mbps, inputs.seconds, inputs.videos_per_user_month) <= 0:
        raise InputError("bitrate, seconds and videos per month must be positive")
    try:
        rows = [plan_for(inputs, n) for n in (users or [1_000, 100_000, 1_000_000])]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if as_json:
        typer.echo(json.dumps({"version": 1, "inputs": {
            "bitrate_MBps": inputs.bitrate_mbps, "seconds": inputs.seconds,
            "size_MB": inputs.size_mb, "videos_per_user_month": inputs.videos_per_user_month,
            "uplink_median_Mbps": uplink_median, "uplink_spread": uplink_spread,
            "from_journal": sorted(measured)},
            "rows": [{"users": r.users, "storage_GB_month": r.storage_gb_month,
                      "ingest_avg_MBps": r.ingest_avg_mbs, "ingest_peak_MBps": r.ingest_peak_mbs,
                      "upload_s": {f"p{p}": s for p, s in r.upload_s.items()}} for r in rows]},
            indent=2))
        return
    source = f" (from your journal: {', '.join(sorted(measured))})" if measured else ""
    typer.echo(f"Clip: {inputs.size_mb:.1f} MB ({inputs.bitrate_mbps:g} MB/s × "
               f"{inputs.seconds:g} s), {inputs.videos_per_user_month:g} videos per user per "
               f"month{source}")
    header = (f"{'users':>10} {'storage GB/month':>17} {'avg MB/s':>9} {'peak MB/s':>10} "
              + " ".join(f"{'upload p' + str(p):>11}" for p in PERCENTILES))
    typer.echo(header)
    for r in rows:
        typer.echo(f"{r.users:>10,} {r.storage_gb_month:>17,.1f} {r.ingest_avg_mbs:>9.3f} "
                   f"{r.ingest_peak_mbs:>10.3f} "
                   + " ".join(f"{r.upload_s[p]:>10.1f}s" for p in PERCENTILES))


def _library_averages() -> dict[str, float]:
    """Average bitrate, length and videos per month from the local library, when known."""
    from repcheck.cli.journal import journal

    try:
        with journal(create=False) as db, db.read():
            row = db.one("SELECT COUNT(*) AS n, SUM(size_bytes) AS b, SUM(duration_s) AS s, "
                         "MIN(created_at) AS first FROM videos WHERE deleted = 0 "
                         "AND duration_s > 0")
    except Exception:  # noqa: BLE001 - planning works without a journal
        return {}
    if not row or not row["n"]:
        return {}
    from repcheck.ids import parse_iso, utcnow

    months = max((utcnow() - parse_iso(row["first"])).days / 30.0, 1.0)
    return {"bitrate": row["b"] / 1e6 / row["s"], "seconds": row["s"] / row["n"],
            "per_month": row["n"] / months}


@sync_app.command("setup-bucket")
def setup_bucket(as_json: JsonOpt = False) -> None:
    """Default encryption, public access block and the lifecycle rule on sync.bucket.

    Example: repcheck sync setup-bucket
    """
    import json

    from repcheck.config import get_setting
    from repcheck.sync.run import open_blob_store

    def days(key: str) -> int | None:
        value = int(get_setting(key) or 0)
        return value or None

    store = open_blob_store()
    try:
        report = store.setup_bucket(transition_days=days("sync.transition-days"),
                                    storage_class=get_setting("sync.storage-class")
                                    or "STANDARD_IA", expire_days=days("sync.expire-days"))
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps({"version": 1, "steps": report}, indent=2))
        return
    for step, outcome in report.items():
        typer.echo(f"{step}: {outcome}")


@sync_app.command("keygen")
def keygen(
    path: Annotated[Path, typer.Argument(help="Where to write the new key (mode 0600).")],
) -> None:
    """Create a key file for client-side encryption and point sync.key-file at it.

    Example: repcheck sync keygen ~/.config/repcheck/sync.key
    """
    from repcheck.config import set_setting
    from repcheck.errors import InputError
    from repcheck.sync.crypto import create_key_file

    try:
        written = create_key_file(path)
    except FileExistsError:
        raise InputError(f"{path} already exists",
                         "keep it: losing the key loses the videos") from None
    set_setting("sync.key-file", str(written))
    typer.echo(f"Wrote a new key to {written} and set sync.key-file. Back it up: videos "
               "encrypted with it cannot be read without it.")
