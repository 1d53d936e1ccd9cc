"""Entry point: registers the command modules and turns errors into one-line messages."""

from __future__ import annotations

import os
import sys

from repcheck.errors import ExitCode, RepcheckError


def _register_commands() -> None:
    # Importing a command module registers its commands on the app; the order of the
    # imports is the order of the panels in `repcheck --help`.
    from repcheck.cli import journal  # noqa: F401, I001
    from repcheck.cli import chart, analyze, video, batch, synth  # noqa: F401
    from repcheck.cli import transfer, sync, paths, demo  # noqa: F401


def run_cli(argv: list[str] | None = None, prog_name: str = "repcheck") -> int:
    """Run one command and return its exit code, never raising."""
    import typer

    from repcheck.cli.app import app

    click_exc = _click_exceptions()

    _register_commands()
    command = _typer_command(app)
    try:
        rv = command.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except RepcheckError as exc:
        _print_error(str(exc))
        return int(exc.exit_code)
    except typer.Abort:
        _print_error("Aborted.")
        return int(ExitCode.INTERRUPTED)
    except click_exc.ClickException as exc:
        if not exc.format_message().strip():  # `repcheck` alone: the help was shown
            return int(ExitCode.OK)
        if isinstance(exc, click_exc.UsageError):
            ctx = getattr(exc, "ctx", None)
            path = ctx.command_path if ctx is not None else prog_name
            _print_error(f"{exc.format_message()} — see `{path} --help`")
            return int(ExitCode.USAGE)
        _print_error(exc.format_message())
        return int(ExitCode.ERROR)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _print_error("Interrupted.")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # `repcheck history | head`: the reader went away; that is not an error.
        _silence_stdout()
        return int(ExitCode.OK)
    except Exception as exc:  # noqa: BLE001 - the one place that stops tracebacks
        if os.environ.get("REPCHECK_DEBUG"):
            raise
        _print_error(
            f"internal error: {type(exc).__name__}: {exc} — this is a bug in RepCheck; "
            "rerun with REPCHECK_DEBUG=1 for details and please report it"
        )
        return int(ExitCode.INTERNAL)
    if rv == ExitCode.INTERRUPTED:  # typer turns Ctrl-C into a returned 130
        _print_error("Interrupted.")
    return int(rv) if isinstance(rv, int) else int(ExitCode.OK)


def main() -> None:
    sys.exit(run_cli(sys.argv[1:]))


def _click_exceptions():
    """Typer 0.29 vendors click as ``typer._click``; older releases depend on click."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - depends on the installed typer
        from click import exceptions
    return exceptions


def _typer_command(app):
    import typer.main

    return typer.main.get_command(app)


def _print_error(message: str) -> None:
    message = " ".join(message.split())  # always exactly one line
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
