"""`repcheck video add|list|show|rm`: the video library tied to the journal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from repcheck.cli.app import AthleteOpt, JsonOpt, app
from repcheck.cli.journal import athlete_name, console, echo_json, journal

video_app = typer.Typer(help="The video library: add clips, link them to sets, list, remove.")
app.add_typer(video_app, name="video", rich_help_panel="Video")


def video_json(v) -> dict:
    return {"id": v.id, "sha256": v.sha256, "set_id": v.set_id, "filename": v.filename,
            "size_bytes": v.size_bytes, "duration_s": v.duration_s, "fps": v.fps,
            "width": v.width, "height": v.height, "rotation": v.rotation, "codec": v.codec,
            "added": v.created_at, "analysis": v.analysis_json()}


@video_app.command("add")
def video_add(
    file: Annotated[Path, typer.Argument(help="A video file (mp4, mov, m4v, avi, webm, mkv).")],
    set_id: Annotated[str | None, typer.Option("--set", help="Link to this set id.")] = None,
    lift: Annotated[str | None, typer.Option("--lift", help="With --last: link to a lift's set.")]
    = None,
    last: Annotated[bool, typer.Option("--last", help="Link to the last set of --lift.")] = False,
    athlete: AthleteOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy a clip into the library (stored once, by content) and link it to a set.

    Examples: repcheck video add squat.mp4 --lift squat --last · repcheck video add clip.mov
    """
    from repcheck.config import get_paths
    from repcheck.errors import InputError
    from repcheck.store import journal as j
    from repcheck.store import videos as v
    from repcheck.video.library import remove_file, store_file
    from repcheck.video.probe import probe_video

    if last and not lift:
        raise InputError("--last needs --lift", "e.g. --lift squat --last")
    if lift and not last:
        raise InputError("--lift needs --last", "or link a particular set with --set ID")
    info = probe_video(file)  # a missing or unreadable file stops here, before any copy
    with journal() as db:
        with db.read():  # check the link before copying anything
            who = j.get_athlete(db, athlete_name(athlete)) if (set_id or last) else None
            target = None
            if set_id:
                target = j.find_set(db, who.id, set_id)
            elif last:
                target = j.last_set(db, who.id, j.resolve_lift(db, lift))
        stored = store_file(file, get_paths().videos)
        try:
            with db.write():
                owner = who.id if who else j.ensure_athlete(db, athlete_name(athlete))[0].id
                row, created = v.add_video(db, sha256=stored.sha256, athlete_id=owner,
                                           set_id=target.id if target else None,
                                           filename=file.name, ext=file.suffix.lower(),
                                           info=info)
        except BaseException:
            if stored.new:
                remove_file(stored.path)  # no journal row: leave no orphan file
            raise
    if as_json:
        echo_json({"version": 1, "new": created, "video": video_json(row)})
        return
    what = "Added" if created else "Already in the library:"
    link = f", linked to set {target.short_id} ({target.lift} {target.reps}×{target.weight})" \
        if target else ""
    from repcheck.report.journal import esc

    console().print(f"{what} {esc(file.name)} as video {row.short_id} "
                    f"({info.duration_s:.1f} s, {info.width}×{info.height}, "
                    f"{info.size_bytes / 1e6:.1f} MB){link}")


@video_app.command("list")
def video_list(athlete: AthleteOpt = None, as_json: JsonOpt = False) -> None:
    """Videos in the library, newest first."""
    from repcheck.store import journal as j
    from repcheck.store import videos as v

    with journal(create=False) as db, db.read():
        who = j.find_athlete(db, athlete_name(athlete))
        rows = v.list_videos(db, who.id if who else None) if who else []
    if as_json:
        echo_json({"version": 1, "videos": [video_json(r) for r in rows]})
        return
    out = console()
    if not rows:
        out.print("No videos yet: add one with `repcheck video add FILE`.")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("Id", "Added", "File", "Length", "Size", "Set", "Verdict"):
        table.add_column(col)
    for r in rows:
        verdict = (r.analysis_json() or {}).get("summary", "") if r.analysis else ""
        from repcheck.report.journal import esc

        table.add_row(r.short_id, r.created_at[:10], esc(r.filename),
                      f"{r.duration_s or 0:.1f} s", f"{r.size_bytes / 1e6:.1f} MB",
                      r.set_id[-8:] if r.set_id else "–", str(verdict))
    out.print(table)


@video_app.command("show")
def video_show(video_id: Annotated[str, typer.Argument(metavar="ID")],
               as_json: JsonOpt = False) -> None:
    """One video's details, where its file lives, and its analysis."""
    from repcheck.config import get_paths
    from repcheck.store import videos as v
    from repcheck.video.library import library_path

    with journal(create=False) as db, db.read():
        row = v.get_video(db, video_id)
    path = library_path(get_paths().videos, row.sha256, row.ext)
    if as_json:
        echo_json({"version": 1, "video": video_json(row), "path": str(path)})
        return
    out = console()
    for label, value in (("id", row.id), ("file", row.filename), ("stored at", path),
                         ("sha256", row.sha256), ("length", f"{row.duration_s or 0:.2f} s"),
                         ("frames/s", f"{row.fps or 0:.2f}"),
                         ("size", f"{row.width}×{row.height}, rotation {row.rotation}°"),
                         ("codec", row.codec), ("bytes", row.size_bytes),
                         ("set", row.set_id or "–"), ("added", row.created_at)):
        out.print(f"{label:>9}  {value}", markup=False)
    if row.analysis:
        out.print(f" analysis  {(row.analysis_json() or {}).get('summary', 'stored')}")


@video_app.command("rm")
def video_rm(
    video_id: Annotated[str, typer.Argument(metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Remove a video from the library (asks first unless --yes)."""
    import sys

    from repcheck.config import get_paths
    from repcheck.errors import InputError
    from repcheck.store import videos as v
    from repcheck.video.library import library_path, remove_file

    with journal() as db:
        with db.read():
            row = v.get_video(db, video_id)
        if not yes:
            if not sys.stdin.isatty():
                raise InputError("removing a video needs confirmation",
                                 "add --yes to run it without a terminal")
            typer.confirm(f"Remove {row.filename} ({row.size_bytes / 1e6:.1f} MB)?", abort=True)
        with db.write():
            last_user = v.remove_video(db, row)
    if last_user:
        remove_file(library_path(get_paths().videos, row.sha256, row.ext))
    console().print(f"Removed video {row.short_id} ({row.filename})", markup=False)
