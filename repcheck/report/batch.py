"""Coach batch reports: what a run found, as HTML (one self-contained page with
thumbnails), CSV (one row per rep) or versioned JSON, plus the summary figures the terminal
shows. Reads a :class:`repcheck.batch.BatchResult`; never touches the journal.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from repcheck.analysis.findings import verdict_text
from repcheck.batch import (
    ANALYSED,
    BATCH_SCHEMA,
    BATCH_VERSION,
    DUPLICATE,
    FAILED,
    NOT_VIDEO,
    RESUMED,
    BatchResult,
    Outcome,
    atomic_write_bytes,
    load_thumbnail,
)
from repcheck.errors import InputError

# -- report data --------------------------------------------------------------------------
VERDICT_ORDER = ("fail", "warn", "pass")


def rep_verdict(findings: list[dict]) -> str:
    got = {f["verdict"] for f in findings}
    for v in VERDICT_ORDER:
        if v in got:
            return v
    return "cant_judge" if findings else "—"


def findings_by_rep(analysis: dict) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    for f in analysis.get("findings", []):
        if f.get("rep") is not None:
            out[f["rep"]].append(f)
    return out


def main_cues(analysis: dict, limit: int = 3) -> list[str]:
    """The distinct cues of failed, then warned checks, in the pipeline's priority order."""
    cues: list[str] = []
    for verdict in ("fail", "warn"):
        for f in analysis.get("findings", []):
            if f["verdict"] == verdict and f.get("cue") and f["cue"] not in cues:
                cues.append(f["cue"])
    return cues[:limit]


@dataclass
class FaultCount:
    check: str
    title: str
    lift: str | None
    fail_reps: int = 0
    warn_reps: int = 0
    videos: set = field(default_factory=set)
    athletes: set = field(default_factory=set)
    cue: str = ""


def top_failures(result: BatchResult) -> list[FaultCount]:
    """Checks that failed or warned most often, across every judged clip."""
    counts: dict[str, FaultCount] = {}
    for out in result.judged:
        for f in out.analysis.get("findings", []):
            if f["verdict"] not in ("fail", "warn"):
                continue
            c = counts.setdefault(f["check"], FaultCount(
                f["check"], f["title"], (out.analysis.get("lift") or {}).get("name"),
                cue=f.get("cue") or ""))
            if f["verdict"] == "fail":
                c.fail_reps += 1
            else:
                c.warn_reps += 1
            c.videos.add(out.source.location)
            c.athletes.add(out.athlete)
    return sorted(counts.values(), key=lambda c: (-c.fail_reps, -c.warn_reps, c.check))


def by_athlete(result: BatchResult) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for out in result.judged:
        groups[out.athlete].append(out)
    return dict(sorted(groups.items(), key=lambda kv: kv[0].lower()))


def failure_line(out: Outcome) -> str:
    """``PATH: reason``, always on one line."""
    return " ".join(f"{out.source.location}: {out.error}".split())


# -- report writers -----------------------------------------------------------------------
def write_report(result: BatchResult, path: Path) -> Path:
    """Write the report named by ``path``'s suffix (html, csv, json), atomically."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        text = render_html(result)
    elif suffix == ".csv":
        text = render_csv(result)
    elif suffix == ".json":
        text = json.dumps(render_json(result), indent=2, ensure_ascii=False) + "\n"
    else:
        raise InputError(f"cannot tell the report format from {path.name!r}",
                         "name it *.html, *.csv or *.json")
    atomic_write_bytes(path, text.encode("utf-8"))
    return path



def totals(result: BatchResult) -> dict:
    judged = result.judged
    reps = sum(len(o.analysis.get("reps", [])) for o in judged)
    return {"videos": len(judged), "analysed": result.count(ANALYSED),
            "resumed": result.count(RESUMED), "duplicates": result.count(DUPLICATE),
            "failed": result.count(FAILED), "not_videos": result.count(NOT_VIDEO),
            "reps": reps, "athletes": len(by_athlete(result)),
            "verdicts": dict(Counter(o.analysis.get("verdict") for o in judged))}


def render_json(result: BatchResult) -> dict:
    from repcheck import __version__
    from repcheck.analysis.pipeline import SCHEMA, SCHEMA_VERSION

    return {
        "schema": BATCH_SCHEMA, "version": BATCH_VERSION,
        "generated_at": result.generated_at, "repcheck": __version__,
        "analysis_schema": {"name": SCHEMA, "version": SCHEMA_VERSION},
        "options": {"lift": result.lift, "workers": result.workers,
                    "cluster": result.cluster},
        "totals": totals(result),
        "top_failures": [{"check": c.check, "title": c.title, "lift": c.lift,
                          "fail_reps": c.fail_reps, "warn_reps": c.warn_reps,
                          "videos": len(c.videos), "athletes": sorted(c.athletes),
                          "cue": c.cue} for c in top_failures(result)],
        "videos": [{"source": o.source.location, "name": o.source.name,
                    "athlete": o.source.athlete, "status": o.status, "sha256": o.sha256,
                    "error": o.error, "same_as": o.same_as, "note": o.note,
                    "seconds": round(o.seconds, 2),
                    "analysis": o.analysis} for o in result.outcomes],
    }


CSV_COLUMNS = ("athlete", "file", "source", "sha256", "status", "lift", "view",
               "video_verdict", "rep", "start_s", "end_s", "eccentric_s", "pause_s",
               "concentric_s", "partial", "rep_verdict", "faults", "warnings", "cues", "error")


def render_csv(result: BatchResult) -> str:
    """One row per rep; a clip without reps (or that failed) gets one row with rep empty."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for out in result.outcomes:
        if out.status == DUPLICATE:
            continue
        base = {"athlete": out.source.athlete or "", "file": out.source.name,
                "source": out.source.location, "sha256": out.sha256 or "",
                "status": out.status, "error": out.error or ""}
        a = out.analysis
        if a is None:
            writer.writerow(base)
            continue
        base |= {"lift": (a.get("lift") or {}).get("name") or "",
                 "view": (a.get("view") or {}).get("name") or "",
                 "video_verdict": a.get("verdict", "")}
        per_rep = findings_by_rep(a)
        if not a.get("reps"):
            writer.writerow(base | {"cues": "; ".join(main_cues(a))})
        for rep in a.get("reps", []):
            fs = per_rep.get(rep["number"], [])
            writer.writerow(base | {
                "rep": rep["number"], "start_s": rep["start_s"], "end_s": rep["end_s"],
                "eccentric_s": rep["eccentric_s"], "pause_s": rep["pause_s"],
                "concentric_s": rep["concentric_s"], "partial": rep["partial"],
                "rep_verdict": rep_verdict(fs),
                "faults": "; ".join(f["title"] for f in fs if f["verdict"] == "fail"),
                "warnings": "; ".join(f["title"] for f in fs if f["verdict"] == "warn"),
                "cues": "; ".join(dict.fromkeys(f["cue"] for f in fs
                                                if f["verdict"] in ("fail", "warn")
                                                and f.get("cue")))})
    return buf.getvalue()


CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;
background:#f4f5f7}main{max-width:1100px;margin:auto;padding:24px}
h1{margin:0 0 4px}h2{margin:32px 0 8px;border-bottom:2px solid #d6dae1;padding-bottom:4px}
.meta{color:#5b6472}.totals span{display:inline-block;margin:8px 16px 0 0}
table{border-collapse:collapse;width:100%;margin:8px 0;background:#fff}
th,td{border:1px solid #e1e4ea;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4}.video{display:flex;gap:16px;background:#fff;border:1px solid #e1e4ea;
border-radius:8px;padding:12px;margin:12px 0}.video img{max-width:140px;max-height:240px;
border-radius:4px;flex:none}.video .body{flex:1;min-width:0}.video h3{margin:0 0 4px;
font-size:16px;overflow-wrap:anywhere}
.v{font-weight:600;padding:1px 6px;border-radius:4px;white-space:nowrap}
.v-pass{background:#dff3e4;color:#17612f}.v-fail{background:#fbe0e0;color:#9b1c1c}
.v-warn{background:#fff1cc;color:#7a5200}.v-cant_judge,.v-no_lift,.v-not_judged{
background:#ece6f7;color:#4b2d83}.v-info{background:#e3eefc;color:#1c4a8a}
ul.cues{margin:6px 0 0 18px;padding:0}.fail-list li{font-family:ui-monospace,monospace;
font-size:13px}.noimg{width:140px;height:100px;background:#e1e4ea;flex:none;display:flex;
align-items:center;justify-content:center;color:#5b6472;font-size:12px}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def badge(verdict: str | None) -> str:
    v = verdict or "—"
    return f'<span class="v v-{_e(v)}">{_e(verdict_text(v))}</span>'


def render_html(result: BatchResult) -> str:
    """One self-contained page: inline CSS, thumbnails as data: URIs, no scripts."""
    t = totals(result)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width,initial-scale=1'>",
             "<title>RepCheck batch report</title>", f"<style>{CSS}</style></head><body><main>",
             "<h1>RepCheck batch report</h1>",
             f"<div class='meta'>Generated {_e(result.generated_at)} · lift: {_e(result.lift)}"
             f" · {_e(result.cluster or f'{result.workers} local workers')}</div>",
             "<div class='totals'>" + "".join(
                 f"<span><b>{t[k]}</b> {label}</span>" for k, label in (
                     ("videos", "videos judged"), ("reps", "reps"), ("athletes", "athletes"),
                     ("analysed", "analysed now"), ("resumed", "from earlier runs"),
                     ("failed", "failed"), ("not_videos", "not videos"))) + "</div>"]
    parts.append(html_top_failures(result))
    for athlete, outs in by_athlete(result).items():
        parts.append(html_athlete(athlete, outs))
    parts.append(html_failures(result))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def html_top_failures(result: BatchResult) -> str:
    rows = top_failures(result)
    if not rows:
        return "<h2>Most frequent faults</h2><p>No failed or warned checks.</p>"
    body = "".join(
        f"<tr><td>{_e(c.title)}</td><td>{_e(c.lift)}</td><td>{c.fail_reps}</td>"
        f"<td>{c.warn_reps}</td><td>{len(c.videos)}</td><td>{_e(', '.join(sorted(c.athletes)))}"
        f"</td><td>{_e(c.cue)}</td></tr>" for c in rows[:10])
    return ("<h2>Most frequent faults</h2><table><tr><th>Check</th><th>Lift</th>"
            "<th>Failed</th><th>Warned</th><th>Videos</th><th>Athletes</th><th>Cue</th></tr>"
            f"{body}</table>")


def html_athlete(athlete: str, outs: list[Outcome]) -> str:
    reps = sum(len(o.analysis.get("reps", [])) for o in outs)
    verdicts = Counter(o.analysis.get("verdict") for o in outs)
    faults = Counter(f["title"] for o in outs for f in o.analysis.get("findings", [])
                     if f["verdict"] == "fail")
    common = (f" Most common fault: <b>{_e(faults.most_common(1)[0][0])}</b> "
              f"({faults.most_common(1)[0][1]} reps).") if faults else ""
    anchor = _e("-".join(athlete.split()))
    head = (f"<h2 id='athlete-{anchor}'>{_e(athlete)}</h2><p>{len(outs)} video"
            f"{'s' if len(outs) != 1 else ''}, {reps} reps; "
            + ", ".join(f"{n} {_e(verdict_text(v or '—'))}"
                        for v, n in sorted(verdicts.items(), key=str))
            + f".{common}</p>")
    return head + "".join(html_video(o) for o in outs)


def html_video(out: Outcome) -> str:
    a = out.analysis
    thumb = load_thumbnail(out)
    img = (f"<img alt='middle frame of {_e(out.source.name)}' src='data:image/jpeg;base64,"
           f"{base64.b64encode(thumb).decode()}'>") if thumb else \
        "<div class='noimg'>no picture</div>"
    lift = (a.get("lift") or {}).get("name") or "unknown lift"
    view = (a.get("view") or {}).get("name") or "?"
    cues = main_cues(a)
    cue_html = ("<ul class='cues'>" + "".join(f"<li>{_e(c)}</li>" for c in cues) + "</ul>"
                if cues else "")
    warn = "".join(f"<p class='meta'>Note: {_e(w)}</p>" for w in a.get("warnings", []))
    resumed = " · from an earlier run" if out.status == RESUMED else ""
    if out.note:
        warn += f"<p class='meta'>Note: {_e(out.note)}</p>"
    return (f"<div class='video'>{img}<div class='body'><h3>{_e(out.source.name)} "
            f"{badge(a.get('verdict'))}</h3><div class='meta'>{_e(lift)}, {_e(view)} view · "
            f"{_e(out.source.location)}{resumed}</div><p>{_e(a.get('summary'))}</p>{warn}"
            f"{html_rep_table(a)}{cue_html}</div></div>")


def html_rep_table(a: dict) -> str:
    reps = a.get("reps", [])
    if not reps:
        return ""
    per_rep = findings_by_rep(a)
    checks = list(dict.fromkeys(f["title"] for fs in per_rep.values() for f in fs
                                if f["verdict"] != "info"))
    head = "".join(f"<th>{_e(c)}</th>" for c in checks)
    rows = []
    for rep in reps:
        fs = {f["title"]: f for f in per_rep.get(rep["number"], [])}
        cells = "".join(f"<td>{finding_cell(fs.get(c))}</td>" for c in checks)
        partial = " (partial)" if rep.get("partial") else ""
        rows.append(f"<tr><td>{rep['number']}{partial}</td>"
                    f"<td>{badge(rep_verdict(list(fs.values())))}</td>"
                    f"<td>{rep['start_s']:.1f}–{rep['end_s']:.1f} s</td>"
                    f"<td>{rep['eccentric_s']:.1f} / {rep['pause_s']:.1f} / "
                    f"{rep['concentric_s']:.1f}</td>{cells}</tr>")
    return ("<table><tr><th>Rep</th><th>Verdict</th><th>Time</th><th>Down / pause / up s</th>"
            f"{head}</tr>{''.join(rows)}</table>")


def finding_cell(f: dict | None) -> str:
    if f is None:
        return ""
    value = ""
    if isinstance(f.get("value"), (int, float)):
        unit = f.get("unit") or ""
        value = f" {f['value']:.1f}{'' if unit in ('°', '') else ' '}{unit}"
    return f"{badge(f['verdict'])}{_e(value)}"


def html_failures(result: BatchResult) -> str:
    bad = result.failures
    dups = [o for o in result.outcomes if o.status == DUPLICATE]
    out = []
    if bad:
        out.append("<h2>Files not analysed</h2><ul class='fail-list'>" + "".join(
            f"<li>{_e(failure_line(o))}</li>" for o in bad) + "</ul>")
    if dups:
        out.append("<h2>Duplicates</h2><ul class='fail-list'>" + "".join(
            f"<li>{_e(o.source.location)}: same clip as {_e(o.same_as)}</li>" for o in dups)
            + "</ul>")
    return "".join(out)
