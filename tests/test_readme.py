"""The README documents every command, as it is typed."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def command_paths():
    import typer.main

    from repcheck.cli.app import app
    from repcheck.cli.main import _register_commands

    _register_commands()
    root = typer.main.get_command(app)
    paths = []
    for name, cmd in root.commands.items():
        paths.append(name)
        for sub in getattr(cmd, "commands", {}) or {}:
            paths.append(f"{name} {sub}")
    return paths


def test_every_command_appears_in_the_readme():
    missing = [p for p in command_paths() if f"repcheck {p}" not in README]
    assert missing == []


def test_readme_opens_with_install_and_test_commands():
    blocks = README.split("```sh\n")
    assert "repcheck demo" in blocks[1].split("```")[0]
    assert blocks[2].split("```")[0].strip() == "bash tests/run.sh"
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "bash tests/run.sh" in ci


def test_version_and_bare_command(cli):
    from repcheck import __version__

    assert cli.ok("--version").out.strip() == f"repcheck {__version__}"
    assert "Usage" in cli.ok().out
