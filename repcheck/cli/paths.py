"""`repcheck paths` and `repcheck config`: where things live and how RepCheck is set up."""

from __future__ import annotations

from typing import Annotated

import typer

from repcheck.cli.app import JsonOpt, app, options


@app.command(rich_help_panel="Setup")
def paths(as_json: JsonOpt = False) -> None:
    """Show where the journal, settings, video library and caches live."""
    import json

    from repcheck.config import get_paths
    from repcheck.store.connect import journal_location

    p = get_paths()
    location = journal_location(options.database_url)
    rows = {
        "journal": location.redacted(),
        "config": str(p.config_file),
        "videos": str(p.videos),
        "cache": str(p.cache_dir),
        "home": str(p.home) if p.home else "(platform default; set REPCHECK_HOME to move all)",
    }
    if as_json:
        typer.echo(json.dumps({"version": 1, **rows}, indent=2))
        return
    width = max(map(len, rows))
    for key, value in rows.items():
        typer.echo(f"{key:<{width}}  {value}")


config_app = typer.Typer(help="Read and change settings (stored in the settings file).")
app.add_typer(config_app, name="config", rich_help_panel="Setup")


@config_app.command("list")
def config_list(as_json: JsonOpt = False) -> None:
    """Every setting with its effective value and where it comes from."""
    import json
    import os

    from repcheck.config import SETTINGS, read_file_settings

    in_file = read_file_settings()
    out = []
    for s in SETTINGS:
        if s.env and os.environ.get(s.env):
            value, source = os.environ[s.env], f"env {s.env}"
        elif s.key in in_file:
            value, source = in_file[s.key], "file"
        else:
            value, source = s.default, "default"
        if s.secret and value and "://" in value:
            from repcheck.store.db import redact_url

            value = redact_url(value)
        out.append({"key": s.key, "value": value, "source": source, "help": s.help})
    if as_json:
        typer.echo(json.dumps({"version": 1, "settings": out}, indent=2))
        return
    for row in out:
        typer.echo(f"{row['key']} = {row['value'] if row['value'] is not None else '(unset)'}"
                   f"  [{row['source']}]  {row['help']}")


@config_app.command("get")
def config_get(key: Annotated[str, typer.Argument(help="Setting name, e.g. unit.")]) -> None:
    """Print one setting's effective value."""
    from repcheck.config import get_setting

    value = get_setting(key)
    typer.echo("" if value is None else value)


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="Setting name, e.g. unit.")],
    value: Annotated[str, typer.Argument(help="New value, e.g. lb.")],
) -> None:
    """Change a setting. Example: repcheck config set unit lb"""
    from repcheck.config import set_setting

    set_setting(key, value)
    typer.echo(f"{key} = {value}")


@config_app.command("unset")
def config_unset(key: Annotated[str, typer.Argument(help="Setting name.")]) -> None:
    """Return a setting to its default."""
    from repcheck.config import set_setting

    set_setting(key, None)
    typer.echo(f"{key} reset to its default")
