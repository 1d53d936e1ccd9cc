"""The Typer application object and the options shared by every command."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="repcheck",
    help="Training journal and offline video form checks for barbell lifters.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class GlobalOptions:
    """Options given before the command, e.g. ``repcheck --db URL prs``."""

    database_url: str | None = None


options = GlobalOptions()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="REPCHECK_DATABASE_URL",
            help="Journal location: a SQLite file path, sqlite:///PATH or postgresql://… URL.",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        from repcheck import __version__

        typer.echo(f"repcheck {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    options.database_url = db


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AthleteOpt = Annotated[
    str | None,
    typer.Option("--athlete", "-a", help="Athlete name (default: the configured athlete).",
                 envvar="REPCHECK_ATHLETE"),
]
