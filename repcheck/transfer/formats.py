"""Workout-log export layouts, recognised by their header, as data.

Each :class:`Layout` names the columns RepCheck reads. Known layouts:

* **Strong**, comma: ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,…``.
  The unit is the app's setting and is not in the file: ``--unit`` (default: the ``unit``
  setting) says which. Newer exports add ``Rest Timer`` rows (skipped), write reps as
  ``10.0`` and warm-ups as set order ``W``; a variant names columns ``Workout #``,
  ``Duration (sec)``, ``Weight (kg)`` / ``Weight (lbs)``.
* **Strong**, semicolon (older): ``…;Weight;Weight Unit;Reps;…`` — the unit is per row. Files
  whose header row was lost are recognised by their 13 semicolon-separated fields.
* **Hevy**: ``title,start_time,…,set_type,weight_kg|weight_lbs,reps,…``; dates such as
  ``7 Apr 2024, 16:34``; ``set_type`` is normal, warmup, dropset or failure.
* **FitNotes**: ``Date,Exercise,Category,Weight (kgs)|Weight (lbs),Reps,…`` or
  ``…,Weight,Weight Unit,Reps,…``. FitNotes does not quote exercise names, so a name with a
  comma (``Overhead Press (Each Side, Dumbbells)``) spills into extra fields; they are
  joined back.

Layouts are matched by their header columns whatever the delimiter; the delimiter is the
one the header line uses.
* **RepCheck** (``repcheck export --format csv``): ``id,athlete,lift,lift_name,date,…``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from repcheck.errors import InputError


@dataclass(frozen=True)
class Layout:
    key: str  # "strong", "hevy", …
    app: str  # what --app accepts
    label: str
    delimiter: str
    required: tuple[str, ...]  # header columns that identify the layout
    date: str
    exercise: str
    reps: str
    weight: str
    unit: str | None = None  # column holding the unit per row
    fixed_unit: str | None = None  # unit implied by the header
    set_order: str | None = None
    set_type: str | None = None
    workout: str | None = None
    notes: str | None = None
    rpe: str | None = None
    loose: str | None = None  # a column the app writes unquoted, commas and all
    date_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


_STRONG = dict(app="strong", date="Date", exercise="Exercise Name", reps="Reps",
               set_order="Set Order", workout="Workout Name", notes="Notes", rpe="RPE")

LAYOUTS: tuple[Layout, ...] = (
    Layout("repcheck", "repcheck", "RepCheck CSV export", ",",
           ("id", "athlete", "lift", "lift_name", "date", "performed_at", "reps", "weight",
            "unit"), date="performed_at", exercise="lift_name", reps="reps", weight="weight",
           unit="unit"),
    Layout("strong-kg", label="Strong (Weight (kg))", delimiter=",",
           required=("Date", "Exercise Name", "Set Order", "Weight (kg)", "Reps"),
           weight="Weight (kg)", fixed_unit="kg", **_STRONG),
    Layout("strong-lbs", label="Strong (Weight (lbs))", delimiter=",",
           required=("Date", "Exercise Name", "Set Order", "Weight (lbs)", "Reps"),
           weight="Weight (lbs)", fixed_unit="lb", **_STRONG),
    Layout("strong-semicolon", label="Strong (semicolon, per-row unit)", delimiter=";",
           required=("Date", "Exercise Name", "Set Order", "Weight", "Weight Unit", "Reps"),
           weight="Weight", unit="Weight Unit", **_STRONG),
    Layout("strong", label="Strong (unit from --unit)", delimiter=",",
           required=("Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Reps"),
           weight="Weight", **_STRONG),
    Layout("hevy-kg", "hevy", "Hevy (kg)", ",",
           ("title", "start_time", "exercise_title", "set_index", "set_type", "weight_kg",
            "reps"), date="start_time", exercise="exercise_title", reps="reps",
           weight="weight_kg", fixed_unit="kg", set_order="set_index", set_type="set_type",
           workout="title", notes="exercise_notes", rpe="rpe",
           date_formats=("%d %b %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")),
    Layout("hevy-lbs", "hevy", "Hevy (lb)", ",",
           ("title", "start_time", "exercise_title", "set_index", "set_type", "weight_lbs",
            "reps"), date="start_time", exercise="exercise_title", reps="reps",
           weight="weight_lbs", fixed_unit="lb", set_order="set_index", set_type="set_type",
           workout="title", notes="exercise_notes", rpe="rpe",
           date_formats=("%d %b %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")),
    Layout("fitnotes-kgs", "fitnotes", "FitNotes (Weight (kgs))", ",",
           ("Date", "Exercise", "Category", "Weight (kgs)", "Reps"), date="Date",
           exercise="Exercise", reps="Reps", weight="Weight (kgs)", fixed_unit="kg",
           notes="Comment", loose="Exercise"),
    Layout("fitnotes-lbs", "fitnotes", "FitNotes (Weight (lbs))", ",",
           ("Date", "Exercise", "Category", "Weight (lbs)", "Reps"), date="Date",
           exercise="Exercise", reps="Reps", weight="Weight (lbs)", fixed_unit="lb",
           notes="Comment", loose="Exercise"),
    Layout("fitnotes", "fitnotes", "FitNotes (Weight Unit column)", ",",
           ("Date", "Exercise", "Category", "Weight", "Weight Unit", "Reps"), date="Date",
           exercise="Exercise", reps="Reps", weight="Weight", unit="Weight Unit",
           notes="Comment", loose="Exercise"),
)
APPS = ("auto", "strong", "hevy", "fitnotes", "repcheck")

# Header of Strong's semicolon layout, for copies that lost their header row.
STRONG_SEMICOLON_HEADER = ("Date", "Workout Name", "Exercise Name", "Set Order", "Weight",
                           "Weight Unit", "Reps", "RPE", "Distance", "Distance Unit", "Seconds",
                           "Notes", "Workout Notes")


def detect(first_line: str, app: str = "auto") -> tuple[Layout, bool]:
    """The layout of a file from its first line; the flag says the header row is missing."""
    import csv

    if app not in APPS:
        raise InputError(f"unknown app {app!r}", f"use one of {', '.join(APPS)}")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter), [])]
    for layout in LAYOUTS:
        if all(col in header for col in layout.required):
            if app not in ("auto", layout.app):
                raise InputError(f"this file looks like a {layout.label} export, not {app}",
                                 "use --app auto")
            return replace(layout, delimiter=delimiter), False
    if delimiter == ";" and len(header) == len(STRONG_SEMICOLON_HEADER) and \
            header[5].lower() in ("kg", "kgs", "lb", "lbs") and header[0][:4].isdigit():
        layout = next(x for x in LAYOUTS if x.key == "strong-semicolon")
        if app in ("auto", "strong"):
            return layout, True
    shown = ", ".join(header[:6]) + ("…" if len(header) > 6 else "")
    raise InputError(f"unrecognised export layout (header: {shown})",
                     "RepCheck reads Strong, Hevy, FitNotes and its own CSV exports")
