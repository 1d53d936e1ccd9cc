"""Journal rows for videos: the library's metadata, links to sets, stored analyses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from repcheck.errors import InputError, NotFoundError
from repcheck.ids import ID_MATCH_SQL, id_params, iso, short_id, utcnow, uuid7
from repcheck.store.db import Database

_COLUMNS = ("id, sha256, athlete_id, set_id, filename, ext, size_bytes, duration_s, fps, width,"
            " height, rotation, codec, analysis, created_at")


@dataclass(frozen=True)
class VideoRow:
    id: str
    sha256: str
    athlete_id: str | None
    set_id: str | None
    filename: str
    ext: str
    size_bytes: int
    duration_s: float | None
    fps: float | None
    width: int | None
    height: int | None
    rotation: int | None
    codec: str | None
    analysis: str | None
    created_at: str

    @property
    def short_id(self) -> str:
        return short_id(self.id)

    def analysis_json(self) -> dict[str, Any] | None:
        return json.loads(self.analysis) if self.analysis else None


def add_video(db: Database, *, sha256: str, athlete_id: str | None, set_id: str | None,
              filename: str, ext: str, info: Any) -> tuple[VideoRow, bool]:
    """The live row for this content (linking it to ``set_id`` if given), or a new one."""
    existing = find_by_hash(db, sha256)
    now = iso(utcnow())
    if existing is not None:
        if set_id and existing.set_id != set_id:
            db.execute("UPDATE videos SET set_id = :s, updated_at = :t WHERE id = :id",
                       {"s": set_id, "t": now, "id": existing.id})
            existing = get_video(db, existing.id)
        return existing, False
    vid = uuid7()
    db.execute(
        "INSERT INTO videos (id, sha256, athlete_id, set_id, filename, ext, size_bytes,"
        " duration_s, fps, width, height, rotation, codec, created_at, updated_at) VALUES ("
        ":id, :sha, :a, :s, :f, :ext, :size, :dur, :fps, :w, :h, :rot, :codec, :t, :t)",
        {"id": vid, "sha": sha256, "a": athlete_id, "s": set_id, "f": filename, "ext": ext,
         "size": info.size_bytes, "dur": info.duration_s, "fps": info.fps, "w": info.width,
         "h": info.height, "rot": info.rotation, "codec": info.codec, "t": now})
    return get_video(db, vid), True


def find_by_hash(db: Database, sha256: str) -> VideoRow | None:
    row = db.one(f"SELECT {_COLUMNS} FROM videos WHERE sha256 = :s AND deleted = 0 "
                 "ORDER BY created_at LIMIT 1", {"s": sha256})
    return VideoRow(**row) if row else None


def get_video(db: Database, ref: str) -> VideoRow:
    """A live video by id (or a unique head or tail of it) or by the head of its SHA-256."""
    params = id_params(ref, "video", "see `repcheck video list`")
    rows = db.all(f"SELECT {_COLUMNS} FROM videos WHERE deleted = 0 AND ({ID_MATCH_SQL} OR "
                  "sha256 LIKE :head) LIMIT 2", params)
    if not rows:
        raise NotFoundError(f"no video with id {ref!r}", "see `repcheck video list`")
    if len(rows) > 1:
        raise InputError(f"{ref!r} matches more than one video", "give more characters")
    return VideoRow(**rows[0])


def list_videos(db: Database, athlete_id: str | None = None) -> list[VideoRow]:
    where = "deleted = 0" + (" AND athlete_id = :a" if athlete_id else "")
    rows = db.all(f"SELECT {_COLUMNS} FROM videos WHERE {where} ORDER BY created_at DESC",
                  {"a": athlete_id} if athlete_id else {})
    return [VideoRow(**r) for r in rows]


def remove_video(db: Database, video: VideoRow) -> bool:
    """Soft-delete the row; True when no other live row still uses the same file."""
    db.execute("UPDATE videos SET deleted = 1, updated_at = :t WHERE id = :id",
               {"t": iso(utcnow()), "id": video.id})
    other = db.one("SELECT 1 AS x FROM videos WHERE sha256 = :s AND deleted = 0",
                   {"s": video.sha256})
    return other is None


def save_analysis(db: Database, video_id: str, analysis: dict[str, Any]) -> None:
    db.execute("UPDATE videos SET analysis = :a, updated_at = :t WHERE id = :id",
               {"a": json.dumps(analysis, separators=(",", ":")), "t": iso(utcnow()),
                "id": video_id})


def move_to_athlete(db: Database, video: VideoRow, athlete_id: str) -> str | None:
    """Put an unlinked video under ``athlete_id``; returns the previous athlete's name when
    it moved. A video linked to a logged set stays with that set's athlete."""
    if video.athlete_id == athlete_id or video.set_id is not None:
        return None
    before = db.one("SELECT name FROM athletes WHERE id = :id", {"id": video.athlete_id}) \
        if video.athlete_id else None
    db.execute("UPDATE videos SET athlete_id = :a, updated_at = :t WHERE id = :id",
               {"a": athlete_id, "t": iso(utcnow()), "id": video.id})
    return before["name"] if before else "nobody"


def videos_for_sets(db: Database, set_ids: list[str]) -> dict[str, VideoRow]:
    if not set_ids:
        return {}
    params = {f"s{i}": v for i, v in enumerate(set_ids)}
    marks = ", ".join(f":s{i}" for i in range(len(set_ids)))
    rows = db.all(f"SELECT {_COLUMNS} FROM videos WHERE deleted = 0 AND set_id IN ({marks})",
                  params)
    return {r["set_id"]: VideoRow(**r) for r in rows}


# -- analyses in the journal -----------------------------------------------------------------
# The check that sums a set up in one word per lift, for `repcheck history`.
PRIMARY_CHECK = {"squat": "squat.depth", "bench": "bench.lockout", "deadlift": "deadlift.lockout",
                 "press": "press.lockout"}


def video_label(analysis: dict[str, Any] | None) -> str:
    """``video ✓ depth ok 3/3``, ``video ✗ depth 2/3``, ``video ?`` — for history tables."""
    if not analysis:
        return "video"
    reps = [r for r in analysis.get("reps", []) if r.get("complete", True)]
    lift = (analysis.get("lift") or {}).get("name")
    findings = analysis.get("findings", [])
    primary = PRIMARY_CHECK.get(lift or "")
    per_rep = [f for f in findings if f.get("check") == primary and f.get("rep") is not None]
    verdict = analysis.get("verdict")
    mark = {"pass": "✓", "fail": "✗", "warn": "!"}.get(verdict, "?")
    if per_rep:
        ok = sum(1 for f in per_rep if f.get("verdict") == "pass")
        title = per_rep[0].get("title", "").lower()
        word = f"{title} ok" if ok == len(per_rep) else title
        return f"video {mark} {word} {ok}/{len(per_rep)}"
    if verdict == "no_lift":
        return "video ? no lift found"
    return f"video {mark} {len(reps)} reps"


def complete_reps(analysis: dict[str, Any]) -> int:
    return sum(1 for r in analysis.get("reps", []) if r.get("complete", True)
               and not r.get("partial", False))


def labels_for_sets(db: Database, set_ids: list[str]) -> dict[str, str]:
    return {sid: video_label(row.analysis_json()) for sid, row in
            videos_for_sets(db, set_ids).items()}
