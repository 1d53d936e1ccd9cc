"""Where RepCheck keeps things, and its settings.

Precedence, lowest first: built-in defaults < settings file < environment < command-line flag.

``REPCHECK_HOME`` puts everything (journal, settings, video library, caches) under one
folder, which is what tests and people with several journals use. Without it the per-user
platform directories are used (``~/.local/share/repcheck`` and friends on Linux).

The settings file is TOML with dotted keys (``unit = "kg"``, ``sync.bucket = "s3://…"``).
It is written with mode 0600 because sync settings may hold secrets.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from repcheck.errors import ConfigError

APP = "repcheck"


@dataclass(frozen=True)
class Setting:
    key: str
    default: str | None
    help: str
    choices: tuple[str, ...] = ()
    env: str | None = None
    secret: bool = False


# Every setting RepCheck knows, as data. `repcheck config` lists and validates against this.
SETTINGS: tuple[Setting, ...] = (
    Setting("unit", "kg", "Display unit and the unit of a weight typed without one.", ("kg", "lb"),
            env="REPCHECK_UNIT"),
    Setting("athlete", "me", "Athlete whose sets are logged and shown by default.",
            env="REPCHECK_ATHLETE"),
    Setting("e1rm.formula", "epley", "Formula for estimated one-rep max.",
            ("epley", "brzycki", "lombardi", "mayhew", "oconner", "wathan", "lander")),
    Setting("database", None, "Journal database: a file path or a sqlite:/// or postgresql:// URL.",
            env="REPCHECK_DATABASE_URL", secret=True),
    Setting("sync.database", None, "Shared PostgreSQL URL that `repcheck sync` syncs with.",
            env="REPCHECK_SYNC_DATABASE", secret=True),
    Setting("sync.bucket", None, "Bucket for videos, as s3://BUCKET/PREFIX.",
            env="REPCHECK_SYNC_BUCKET"),
    Setting("sync.endpoint-url", None, "Endpoint of an S3-compatible store (default: AWS).",
            env="REPCHECK_SYNC_ENDPOINT_URL"),
    Setting("sync.region", None, "Bucket region (default: from the AWS configuration)."),
    Setting("sync.sse", "AES256", "Server-side encryption of uploads.",
            ("AES256", "aws:kms", "none")),
    Setting("sync.kms-key", None, "KMS key id when sync.sse is aws:kms."),
    Setting("sync.encrypt", "false", "Encrypt videos on this machine before upload (AES-GCM).",
            ("true", "false")),
    Setting("sync.key-file", None, "Key file for sync.encrypt (mode 0600); or REPCHECK_SYNC_KEY."),
    Setting("sync.videos", "true", "Upload and download videos by default.", ("true", "false")),
    Setting("sync.transition-days", "30",
            "setup-bucket: days before videos move to a cheaper storage class (0: never)."),
    Setting("sync.storage-class", "STANDARD_IA", "setup-bucket: the cheaper storage class."),
    Setting("sync.expire-days", "0", "setup-bucket: days before videos are deleted (0: never)."),
)
_BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class Paths:
    home: Path | None
    data_dir: Path
    config_file: Path
    cache_dir: Path

    @property
    def journal(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def videos(self) -> Path:
        return self.data_dir / "videos"

    @property
    def landmarks_cache(self) -> Path:
        return self.cache_dir / "landmarks"


def get_paths() -> Paths:
    home = os.environ.get("REPCHECK_HOME")
    if home:
        root = Path(home).expanduser().absolute()
        return Paths(root, root, root / "config.toml", root / "cache")
    import platformdirs

    return Paths(
        None,
        Path(platformdirs.user_data_dir(APP, appauthor=False)),
        Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml",
        Path(platformdirs.user_cache_dir(APP, appauthor=False)),
    )


def read_file_settings(paths: Paths | None = None) -> dict[str, str]:
    path = (paths or get_paths()).config_file
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"settings file {path} is not valid TOML ({exc})",
                          "fix or delete it") from None
    return {k: str(v) for k, v in _flatten(data).items()}


def get_setting(key: str, flag: str | None = None, paths: Paths | None = None) -> str | None:
    """The effective value of one setting: flag > environment > file > default."""
    setting = _lookup(key)
    if flag is not None:
        return flag
    if setting.env and os.environ.get(setting.env):
        return os.environ[setting.env]
    value = read_file_settings(paths).get(key)
    return value if value is not None else setting.default


def set_setting(key: str, value: str | None, paths: Paths | None = None) -> None:
    """Write (or with ``value=None`` remove) one setting, atomically and with mode 0600."""
    setting = _lookup(key)
    if value is not None and setting.choices and value not in setting.choices:
        raise ConfigError(f"{key} must be one of {', '.join(setting.choices)}, not {value!r}")
    paths = paths or get_paths()
    current = read_file_settings(paths)
    if value is None:
        current.pop(key, None)
    else:
        current[key] = value
    _write_settings(paths.config_file, current)


def _lookup(key: str) -> Setting:
    try:
        return _BY_KEY[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, list(_BY_KEY), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "run `repcheck config list` for the keys"
        raise ConfigError(f"unknown setting {key!r}", hint) from None


def _flatten(data: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _write_settings(path: Path, values: dict[str, str]) -> None:
    lines = ["# RepCheck settings. Edit with `repcheck config set KEY VALUE`.\n"]
    lines += [f'"{k}" = {_toml_string(v)}\n' for k, v in sorted(values.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"cannot write settings file {path}: {exc.strerror}") from None
