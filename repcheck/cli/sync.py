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


