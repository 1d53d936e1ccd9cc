"""Errors that reach the user.

The library raises subclasses of :class:`RepcheckError`; the CLI turns each into a single
line ``Error: <what> — <what to do>`` on stderr and exits with the class's exit code.
Nothing else in the code base prints errors or picks exit codes.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes. Documented in README.md ("Exit codes")."""

    OK = 0
    ERROR = 1  # bad input or a failed operation; the message says which
    USAGE = 2  # wrong command-line syntax (unknown option, missing argument)
    NOT_FOUND = 3  # a set, video or file that was named does not exist
    STORE = 4  # the journal cannot be opened, written or is locked
    NOTHING_TO_DO = 5  # reserved for commands that distinguish "did nothing"
    CONFIG = 6  # configuration is invalid
    AUTH = 7  # credentials were refused
    PARTIAL = 8  # some work finished, retry later for the rest
    LOCKED = 9  # another run holds the lock
    INTERNAL = 70  # a bug in RepCheck; the message asks for a report
    INTERRUPTED = 130


class RepcheckError(Exception):
    """Base class. ``message`` says what went wrong, ``hint`` what to do about it."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class InputError(RepcheckError):
    """The user typed something RepCheck cannot accept."""


class NotationError(InputError):
    """A set string such as ``5x140`` could not be parsed."""


class UnknownLiftError(InputError):
    """A lift name matched neither a core lift, an alias nor a known exercise."""


class NotFoundError(RepcheckError):
    exit_code = ExitCode.NOT_FOUND


class StoreError(RepcheckError):
    exit_code = ExitCode.STORE


class ConfigError(RepcheckError):
    exit_code = ExitCode.CONFIG


class AuthError(RepcheckError):
    exit_code = ExitCode.AUTH


class LockedError(RepcheckError):
    exit_code = ExitCode.LOCKED


class PartialError(RepcheckError):
    exit_code = ExitCode.PARTIAL


class VideoError(InputError):
    """A file could not be read as a video, or held nothing RepCheck can analyse."""
