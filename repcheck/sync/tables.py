"""What sync carries, as data: each synced table, its identity and its columns.

Sets, bodyweights and videos are identified by their UUIDv7 ``id``. Athletes and custom
exercises are identified by their natural ``key`` (``me``, ``front-squat``): two devices
that each created athlete "me" offline hold two different local ids for the same person,
and matching by key merges them instead of duplicating. Rows that point at an athlete carry
the athlete's key on the server and are re-pointed to the local id on each device.
"""

from __future__ import annotations

from dataclasses import dataclass

BOOKKEEPING = ("created_at", "updated_at", "deleted")


@dataclass(frozen=True)
class SyncTable:
    local: str
    remote: str
    identity: str  # "id" or "key"
    columns: tuple[str, ...]  # data columns, as named on the server
    athlete_ref: bool = False  # local athlete_id <-> remote athlete_key
    sql_types: tuple[tuple[str, str], ...] = ()  # non-TEXT column types on the server

    @property
    def all_columns(self) -> tuple[str, ...]:
        return (self.identity, *self.columns, *BOOKKEEPING)

    def sql_type(self, column: str) -> str:
        return dict(self.sql_types).get(column, "TEXT")


_DOUBLE, _INT = "DOUBLE PRECISION", "INTEGER"

TABLES: tuple[SyncTable, ...] = (
    SyncTable("athletes", "rc_athletes", "key", ("name", "sex")),
    SyncTable("exercises", "rc_exercises", "key", ("name",)),
    SyncTable("sets", "rc_sets", "id",
              ("athlete_key", "lift", "performed_at", "session_date", "seq", "reps", "weight",
               "unit", "mass_kg", "rpe", "rir", "warmup", "note", "batch_id"),
              athlete_ref=True,
              sql_types=(("seq", _INT), ("reps", _INT), ("mass_kg", _DOUBLE), ("rpe", _DOUBLE),
                         ("rir", _INT), ("warmup", _INT))),
    SyncTable("bodyweights", "rc_bodyweights", "id",
              ("athlete_key", "measured_at", "session_date", "weight", "unit", "mass_kg"),
              athlete_ref=True, sql_types=(("mass_kg", _DOUBLE),)),
    SyncTable("videos", "rc_videos", "id",
              ("sha256", "athlete_key", "set_id", "filename", "ext", "size_bytes", "duration_s",
               "fps", "width", "height", "rotation", "codec", "analysis"),
              athlete_ref=True,
              sql_types=(("size_bytes", "BIGINT"), ("duration_s", _DOUBLE), ("fps", _DOUBLE),
                         ("width", _INT), ("height", _INT), ("rotation", _INT))),
)
BY_LOCAL = {t.local: t for t in TABLES}
