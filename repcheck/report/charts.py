"""Progress charts from the journal: e1RM trend, top sets, weekly volume and weekly reps.

How a chart is made, and why:

* **One grouped query.** :func:`repcheck.store.journal.daily_aggregates` returns one row per
  lift, session day and rep count (heaviest weight, set count, volume) for working sets. A
  100,000-set journal comes back as about 20,000 rows; no per-set objects are built. Every
  e1RM formula rises with the weight, so the heaviest set for each rep count decides a day's
  best e1RM. :func:`build_chart` turns those rows into plain series (numpy arrays).
* **True PRs.** The data are read up to ``--until`` but without the ``--since`` cut, so a
  star marks an e1RM that beat everything before it, not just the best of the window. The
  first session of a lift sets a record rather than breaking one (as in
  :mod:`repcheck.records`).
* **Readable in print.** Each lift gets a colour, a marker and a line style from
  :data:`STYLES`. The colours come from the Okabe–Ito colour-blind-safe palette, ordered so
  that neighbouring series also differ in grey level (luma), and the markers and dashes tell
  series apart where two greys come close. Axes carry labels with units and the x axis
  shows dates.
* **The only matplotlib importer.** :func:`render` imports matplotlib inside the function and
  draws on a bare :class:`~matplotlib.figure.Figure` with the Agg canvas (no pyplot: no
  global state, no GUI backend, a lighter import). PNG, SVG or PDF follows the file
  extension. The file is written to a temporary name in the target folder and renamed, so a
  failure leaves nothing behind and never a half-written chart.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from repcheck.errors import InputError
from repcheck.records import DEFAULT_FORMULA, E1RM_FORMULAS, TRUSTED_REPS, e1rm

if TYPE_CHECKING:
    import numpy as np

    from repcheck.store.journal import DayAggregate

KG_PER_LB = 0.45359237
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
FIGSIZE_IN = (10.0, 5.6)
DPI = 150  # PNG: 1500 × 840 pixels, sharp in a message and on paper


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    y_label: str  # "{unit}" is replaced by kg or lb
    weekly: bool


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("e1rm", "estimated 1RM", "Estimated 1RM ({unit})", weekly=False),
    Metric("top", "top sets", "Top set weight ({unit})", weekly=False),
    Metric("volume", "weekly volume", "Weekly volume ({unit} × reps)", weekly=True),
    Metric("reps", "weekly reps", "Working reps per week (reps)", weekly=True),
)}


@dataclass(frozen=True)
class Style:
    colour: str
    marker: str
    dashes: str | tuple
    luma: int  # ITU-R 601 grey level of the colour (0 black … 255 white), as greyscale print


# Okabe–Ito colours; grey levels 87, 162, 0, 119, 158, 106, 151: the first four (the common
# case of the four core lifts) are at least 32 grey levels apart, and every style has its
# own marker and dash pattern.
STYLES: tuple[Style, ...] = (
    Style("#0072B2", "o", "-", 87),  # blue
    Style("#E69F00", "s", "--", 162),  # orange
    Style("#000000", "^", ":", 0),  # black
    Style("#D55E00", "D", "-.", 119),  # vermillion
    Style("#56B4E9", "v", (0, (6, 2, 1, 2, 1, 2)), 158),  # sky blue
    Style("#009E73", "P", (0, (1, 3)), 106),  # bluish green
    Style("#CC79A7", "X", (0, (8, 3)), 151),  # reddish purple
)


@dataclass
class Series:
    """One lift's points: ``x`` days (datetime64[D]) and ``y`` values in the display unit."""

    lift: str
    name: str
    style: Style
    x: np.ndarray
    y: np.ndarray
    reps: np.ndarray | None = None  # top sets: the reps of each plotted set
    pr: np.ndarray | None = None  # e1RM: True where the session set a new best
    trend_y: np.ndarray | None = None  # moving average at each x (e1RM, weekly charts)


@dataclass
class Chart:
    metric: Metric
    athlete: str
    unit: str
    formula: str
    since: date | None
    until: date | None
    series: list[Series] = field(default_factory=list)
    trend_days: int = 0

    @property
    def title(self) -> str:
        lifts = ", ".join(s.name for s in self.series)
        what = self.metric.title
        if self.metric.key == "e1rm":
            what += f" ({self.formula.capitalize()})"
        return f"{self.athlete} — {lifts}: {what}"

    @property
    def subtitle(self) -> str:
        first = min(s.x[0] for s in self.series).astype(object)
        last = max(s.x[-1] for s in self.series).astype(object)
        days = len({d for s in self.series for d in s.x.tolist()})
        if self.metric.weekly:
            return (f"weeks from {first:%d %b %Y} to {last:%d %b %Y} · working sets only · "
                    f"{days} weeks")
        return f"{first:%d %b %Y} – {last:%d %b %Y} · working sets only · {days} training days"

    @property
    def y_label(self) -> str:
        return self.metric.y_label.format(unit=self.unit)


@dataclass(frozen=True)
class Rendered:
    path: Path
    format: str
    width: int  # pixels for PNG; points (1/72 in) for SVG and PDF
    height: int
    seconds_import: float
    seconds_draw: float


# -- checks before any work ---------------------------------------------------------------
def check_metric(metric: str) -> Metric:
    found = METRICS.get(metric.strip().lower())
    if found is None:
        raise InputError(f"unknown chart metric {metric!r}",
                         f"use one of {', '.join(METRICS)}")
    return found


def check_formula(formula: str) -> str:
    if formula not in E1RM_FORMULAS:
        raise InputError(f"unknown e1RM formula {formula!r}",
                         f"set e1rm.formula to one of {', '.join(E1RM_FORMULAS)}")
    return formula


def check_output(path: Path) -> str:
    """The output format from the extension; the folder must exist and be writable."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = path.suffix or "no extension"
        raise InputError(f"cannot write a chart as {shown} ({path.name})",
                         "end the file name with .png, .svg or .pdf")
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{path} is a folder", "give a file name such as chart.png")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise InputError(f"cannot write {path}: {folder} {what}",
                         "create the folder first or choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {path}: the folder {folder} is not writable",
                         "choose another path")
    return fmt


# -- data -----------------------------------------------------------------------------------
def build_chart(rows: list[DayAggregate], metric: Metric, *, athlete: str, names: dict[str, str],
                lifts: list[str] | None = None, since: date | None = None,
                until: date | None = None, unit: str = "kg",
                formula: str = DEFAULT_FORMULA) -> Chart:
    """Series for ``metric`` from :func:`~repcheck.store.journal.daily_aggregates` rows.

    ``rows`` may start before ``since`` (PRs are judged against all earlier sessions); points
    before ``since`` are dropped here. ``lifts`` None means the core lifts that have data, or
    every lift with data when no core lift has any.
    """
    import numpy as np

    from repcheck.lifts import CORE_KEYS

    by_lift: dict[str, list[DayAggregate]] = defaultdict(list)
    for row in rows:
        by_lift[row.lift].append(row)
    if lifts is None:
        lifts = [k for k in CORE_KEYS if k in by_lift] or sorted(by_lift)
    chart = Chart(metric, athlete, unit, formula, since, until)
    scale = 1.0 if unit == "kg" else 1 / KG_PER_LB
    start = np.datetime64(since.isoformat(), "D") if since else None
    if start is not None and metric.weekly:
        start = week_start(start)  # whole weeks: the week that holds --since counts in full
    trend_days = 0
    for i, lift in enumerate(lifts):
        style = STYLES[i % len(STYLES)]
        name = names.get(lift, lift)
        lift_rows = by_lift.get(lift, [])
        if metric.key == "e1rm":
            series = _e1rm_series(lift_rows, formula, scale)
        elif metric.key == "top":
            series = _top_series(lift_rows, scale)
        else:
            series = _weekly_series(lift_rows, metric.key, scale, since, until)
        if series is None:
            continue
        x, y, extra = series
        keep = x >= start if start is not None else np.ones(len(x), dtype=bool)
        if not keep.any():
            continue
        s = Series(lift, name, style, x[keep], y[keep])
        if metric.key == "e1rm":
            s.pr = extra[keep]
        elif metric.key == "top":
            s.reps = extra[keep]
        chart.series.append(s)
    first_day = since.isoformat() if since else ""
    if not chart.series and metric.key == "e1rm" and any(
            r.session_date >= first_day for k in lifts for r in by_lift.get(k, [])):
        raise InputError(f"no working set of {_lift_list(lifts, names)} with {TRUSTED_REPS} reps "
                         "or fewer to estimate a 1RM from in that range",
                         "try --metric top or --metric reps")
    if not chart.series:
        raise InputError(_no_data_message(lifts, names, since, until),
                         "log sets first (e.g. `repcheck log squat 5x100`) or widen "
                         "--since/--until")
    span = max(int((s.x[-1] - s.x[0]).astype(int)) for s in chart.series)
    if metric.key == "e1rm":
        trend_days = trend_window_days(span)
        for s in chart.series:
            s.trend_y = moving_average(s.x, s.y, trend_days) if len(s.x) >= 3 else None
    elif metric.weekly and span >= 8 * 7:
        trend_days = trend_window_days(span, per_span=24)
        for s in chart.series:
            s.trend_y = moving_average(s.x, s.y, trend_days)
    chart.trend_days = trend_days
    return chart


def data_until(metric: Metric, until: date | None) -> date | None:
    """The last day to read: ``until`` itself, or for weekly charts the Sunday of its week,
    so that every week drawn is a whole week."""
    if until is None or not metric.weekly:
        return until
    return until + timedelta(days=6 - until.weekday())


def _lift_list(lifts: list[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(k, k).lower() for k in lifts) if lifts else "any lift"


def _no_data_message(lifts: list[str], names: dict[str, str], since: date | None,
                     until: date | None) -> str:
    what = _lift_list(lifts, names)
    when = ""
    if since and until:
        when = f" between {since} and {until}"
    elif since:
        when = f" since {since}"
    elif until:
        when = f" up to {until}"
    return f"no working sets of {what}{when} to chart"


def _e1rm_series(rows: list[DayAggregate], formula: str, scale: float):
    """Best trusted e1RM per session day, and which days set a new best."""
    import numpy as np

    best: dict[str, float] = {}
    for r in rows:
        if r.reps > TRUSTED_REPS:
            continue
        est = e1rm(r.top_kg, r.reps, formula).kg
        if est > best.get(r.session_date, 0.0):
            best[r.session_date] = est
    if not best:
        return None
    days = sorted(best)
    y = np.fromiter((best[d] for d in days), float, len(days))
    running = np.maximum.accumulate(y)
    pr = np.zeros(len(y), dtype=bool)
    pr[1:] = y[1:] > running[:-1] + 1e-9
    return np.array(days, dtype="datetime64[D]"), y * scale, pr


def _top_series(rows: list[DayAggregate], scale: float):
    """The heaviest working set per session day (more reps break a tie)."""
    import numpy as np

    top: dict[str, tuple[float, int]] = {}
    for r in rows:
        if (r.top_kg, r.reps) > top.get(r.session_date, (0.0, 0)):
            top[r.session_date] = (r.top_kg, r.reps)
    if not top:
        return None
    days = sorted(top)
    y = np.fromiter((top[d][0] for d in days), float, len(days))
    reps = np.fromiter((top[d][1] for d in days), int, len(days))
    return np.array(days, dtype="datetime64[D]"), y * scale, reps


def _weekly_series(rows: list[DayAggregate], key: str, scale: float, since: date | None,
                   until: date | None):
    """Weekly sums (weeks start on Monday), with 0 for the weeks between without training."""
    import numpy as np

    if not rows:
        return None
    days = np.array([r.session_date for r in rows], dtype="datetime64[D]")
    if key == "volume":
        values = np.fromiter((r.volume_kg for r in rows), float, len(rows)) * scale
    else:
        values = np.fromiter((r.reps * r.sets for r in rows), float, len(rows))
    weeks = week_start(days)
    first = weeks.min()
    if since is not None:
        first = max(first, week_start(np.datetime64(since.isoformat(), "D")))
    last = weeks.max()  # rows run to the Sunday after --until (see data_until)
    if until is not None:
        last = max(last, week_start(np.datetime64(until.isoformat(), "D")))
    n = int((last - first).astype(int)) // 7 + 1
    index = (weeks - first).astype(int) // 7
    keep = index >= 0
    sums = np.bincount(index[keep], weights=values[keep], minlength=n)
    x = first + np.arange(n) * 7
    return x.astype("datetime64[D]"), sums, None


def week_start(days: np.ndarray) -> np.ndarray:
    """The Monday of each day's week (1970-01-01, day 0, was a Thursday)."""
    import numpy as np

    n = days.astype("datetime64[D]").astype(np.int64)
    return ((n - 4) // 7 * 7 + 4).astype("datetime64[D]")


def trend_window_days(span_days: int, per_span: int = 12) -> int:
    """Moving-average window: four weeks, widened for long spans to ``1/per_span`` of the span
    (in whole weeks), so ten years of e1RM get a ~44-week window and eight weeks get four."""
    return max(28, round(span_days / per_span / 7) * 7)


def moving_average(x: np.ndarray, y: np.ndarray, window_days: int) -> np.ndarray:
    """Centred moving average over ``window_days`` of calendar time, O(n log n)."""
    import numpy as np

    t = x.astype("datetime64[D]").astype(np.int64)
    half = window_days / 2
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    csum = np.concatenate(([0.0], np.cumsum(y)))
    return (csum[hi] - csum[lo]) / (hi - lo)


# -- drawing --------------------------------------------------------------------------------
def render(chart: Chart, path: Path, fmt: str | None = None) -> Rendered:
    """Draw ``chart`` and write it to ``path`` atomically (PNG, SVG or PDF by extension)."""
    import time

    fmt = fmt or check_output(path)
    t0 = time.perf_counter()
    import matplotlib

    matplotlib.use("Agg")  # never a GUI backend, even if pyplot is imported later
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    t1 = time.perf_counter()
    panels = len(chart.series) if chart.metric.weekly else 1
    size = (FIGSIZE_IN[0], max(FIGSIZE_IN[1], 1.5 * panels + 1.6))
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
        _draw(fig, list(axes), chart)
        _save(fig, path, fmt, chart.title)
    scale = DPI if fmt == "png" else 72
    width, height = (round(v * scale) for v in size)
    return Rendered(path, fmt, width, height, t1 - t0, time.perf_counter() - t1)


_RC = {
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 11,
    "figure.titlesize": 14,
    "figure.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "svg.fonttype": "none",  # text stays text in SVG: smaller, searchable
    "pdf.fonttype": 42,
    "path.simplify": True,
    "agg.path.chunksize": 10000,
}
_MUTED = "#595959"  # legend keys that apply to every lift


def _draw(fig, axes: list, chart: Chart) -> None:
    import matplotlib.dates as mdates

    if chart.metric.key == "e1rm":
        _draw_e1rm(axes[0], chart)
    elif chart.metric.key == "top":
        _draw_top(axes[0], chart)
    else:
        _draw_weekly(fig, axes, chart)
    fig.suptitle(chart.title, x=0.01, ha="left")
    axes[0].set_title(chart.subtitle, loc="left", color="#333333")
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    for ax in axes:
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(True, color="#d9d9d9", linewidth=0.6)
        ax.set_axisbelow(True)
    axes[-1].set_xlabel("Date")


def _markevery(n: int, target: int = 30) -> int:
    return max(1, n // target)


def _line(style: Style, **kw):
    from matplotlib.lines import Line2D

    return Line2D([], [], color=style.colour, linestyle=style.dashes, marker=style.marker, **kw)


def _draw_e1rm(ax, chart: Chart) -> None:
    from matplotlib.lines import Line2D

    many = max(len(s.x) for s in chart.series) > 150
    handles = []
    for s in chart.series:
        st = s.style
        ax.plot(s.x, s.y, linestyle="none", marker=st.marker, markersize=3 if many else 5,
                markerfacecolor="none" if many else st.colour, markeredgecolor=st.colour,
                markeredgewidth=0.7, alpha=0.45 if many else 0.85)
        if s.trend_y is not None:
            ax.plot(s.x, s.trend_y, color=st.colour, linestyle=st.dashes, linewidth=2.4,
                    marker=st.marker, markevery=_markevery(len(s.x), 12), markersize=6)
        prs = int(s.pr.sum()) if s.pr is not None else 0
        if prs:
            ax.plot(s.x[s.pr], s.y[s.pr], linestyle="none", marker="*", markersize=11,
                    markerfacecolor=st.colour, markeredgecolor="black", markeredgewidth=0.6)
        handles.append(_line(st, linewidth=2.4, markersize=6,
                             label=f"{s.name} ({prs} PR{'' if prs == 1 else 's'})"))
    weeks = chart.trend_days // 7
    handles += [
        Line2D([], [], linestyle="none", marker="o", markerfacecolor="none",
               markeredgecolor=_MUTED, label="best e1RM of a session"),
        Line2D([], [], color=_MUTED, linewidth=2.4, label=f"trend: {weeks}-week moving average"),
        Line2D([], [], linestyle="none", marker="*", markersize=11, markerfacecolor="white",
               markeredgecolor="black", label="PR: best e1RM so far"),
    ]
    ax.set_ylabel(chart.y_label)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def _draw_top(ax, chart: Chart) -> None:
    single = len(chart.series) == 1
    for s in chart.series:
        st = s.style
        n = len(s.x)
        dense = n > 150
        ax.plot(s.x, s.y, color=st.colour, linestyle=st.dashes, linewidth=0.9 if dense else 1.6,
                marker=st.marker, markersize=3 if dense else 5,
                markevery=_markevery(n, 60) if dense else 1, label=s.name)
        if single and s.reps is not None and n <= 40:
            for x, y, reps in zip(s.x.tolist(), s.y.tolist(), s.reps.tolist(), strict=True):
                ax.annotate(f"×{reps}", (x, y), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=8, color="#333333",
                            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                                  "alpha": 0.8})
    ax.set_ylabel(chart.y_label)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
              title="heaviest working\nset of a session" + ("\n(×reps above)" if single else ""))


def _draw_weekly(fig, axes: list, chart: Chart) -> None:
    """Small multiples: one panel per lift, bars per week and a moving-average line."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    weeks = chart.trend_days // 7
    for ax, s in zip(axes, chart.series, strict=True):
        st = s.style
        if len(s.x) <= 60:  # a bar per week, Monday to Saturday, with a gap between weeks
            ax.bar(s.x, s.y, width=6, align="edge", color=st.colour, alpha=0.55, linewidth=0)
        else:  # one filled step path: 500 weeks × 4 lifts of separate bars cost ~1 s
            edges = np.append(s.x, s.x[-1] + 7)
            ax.stairs(s.y, edges, fill=True, color=st.colour, alpha=0.55, linewidth=0)
        if s.trend_y is not None:
            ax.plot(s.x + 3, s.trend_y, color="black", linestyle=st.dashes, linewidth=1.8,
                    label=f"{weeks}-week moving average")
            ax.legend(loc="upper left", fontsize=8)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        if len(axes) > 1:
            ax.set_ylabel(s.name, fontweight="bold")
    if len(axes) > 1:
        fig.supylabel(chart.y_label, fontsize=11)
    else:
        axes[0].set_ylabel(f"{chart.series[0].name}: {chart.y_label[0].lower()}"
                           f"{chart.y_label[1:]}")


def _save(fig, path: Path, fmt: str, title: str) -> None:
    """Write through a temporary file in the same folder, then rename: all or nothing."""
    folder = path.parent if str(path.parent) else Path(".")
    metadata = {"Title": title, "Creator": "RepCheck"}
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}",
                         "choose a writable folder") from None
    try:
        with os.fdopen(fd, "wb") as out:
            fig.savefig(out, format=fmt, metadata=metadata)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}",
                         "check the disk space and the folder's permissions") from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- rep-by-rep plot of one analysed video (`repcheck analyze --plot`) -----------------------
# Which joint angles tell each lift's story, in the order they are drawn.
ANALYSIS_ANGLES = {"squat": ("knee", "hip"), "deadlift": ("hip", "knee"),
                   "bench": ("elbow",), "press": ("elbow", "knee")}
_REP_SHADE = {"pass": "#009E73", "warn": "#E69F00", "fail": "#D55E00"}
_ANGLE_STYLE = (("#0072B2", "-"), ("#D55E00", "--"), ("#009E73", ":"))


def plot_analysis(series, analysis: dict, path: Path) -> Rendered:
    """Joint angles, bar height and bar drift over time, with the reps marked.

    Threshold lines are those of the analysis's angle checks (findings measured in °).
    The bar is the body proxy the overlay draws (see :mod:`repcheck.report.overlay`).
    """
    import time

    import numpy as np

    fmt = check_output(path)
    t0 = time.perf_counter()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from repcheck.pose.angles import joint_angle
    from repcheck.report.overlay import bar_track, rep_marks

    t1 = time.perf_counter()
    lift = (analysis.get("lift") or {}).get("name") or "squat"
    side = (analysis.get("view") or {}).get("facing") or "both"
    side = side if side in ("left", "right") else "both"
    t = np.asarray(series.times, float)
    size = (FIGSIZE_IN[0], 7.2)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax_angle, ax_up, ax_drift = fig.subplots(3, 1, sharex=True)
        for (name, (colour, dash)) in zip(ANALYSIS_ANGLES.get(lift, ("knee",)), _ANGLE_STYLE,
                                          strict=False):
            ax_angle.plot(t, joint_angle(series, name, side), color=colour, linestyle=dash,
                          label=f"{name} angle")
        for f in analysis.get("findings", []):
            if f.get("unit") == "°" and isinstance(f.get("threshold"), (int, float)):
                ax_angle.axhline(f["threshold"], color=_MUTED, linestyle="-.", linewidth=0.8)
        ax_angle.set_ylabel("angle (°)")
        ax_angle.legend(loc="lower left", fontsize="small")
        bar = bar_track(series, lift)
        ax_up.plot(t, -(bar[:, 1] - np.nanmax(bar[:, 1])), color="#0072B2")
        ax_up.set_ylabel("bar height (px)")
        ax_drift.plot(t, bar[:, 0] - np.nanmedian(bar[:, 0]), color="#CC79A7", linestyle="--")
        ax_drift.axhline(0, color=_MUTED, linewidth=0.8)
        ax_drift.set_ylabel("bar drift (px)")
        ax_drift.set_xlabel("time (s)")
        for mark in rep_marks(analysis):
            for ax in (ax_angle, ax_up, ax_drift):
                ax.axvspan(mark.start, mark.end, color=_REP_SHADE.get(mark.verdict, "#999999"),
                           alpha=0.12, linewidth=0)
            ax_angle.text((mark.start + mark.end) / 2, 1.0, f"rep {mark.number}",
                          transform=ax_angle.get_xaxis_transform(), ha="center", va="bottom",
                          fontsize="small")
        title = f"{lift.title()}: rep by rep ({_video_name(analysis)})"
        fig.suptitle(title)
        _save(fig, path, fmt, title)
    scale = DPI if fmt == "png" else 72
    width, height = (round(v * scale) for v in size)
    return Rendered(path, fmt, width, height, t1 - t0, time.perf_counter() - t1)


def _video_name(analysis: dict) -> str:
    return Path((analysis.get("video") or {}).get("path") or "video").name
