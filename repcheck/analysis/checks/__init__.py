"""Form checks as data: what is measured, from which views, against which threshold.

Each :class:`CheckDef` row says which lift it belongs to, the views it can be judged
from, the threshold and its direction, the verdict when the threshold is missed, the cue
templates and the source of the threshold. The measuring itself is one small function
per check, looked up by key in :data:`MEASURES`. The rows and their measures live in one
module per lift (:mod:`.squat`, :mod:`.bench`, :mod:`.deadlift`, :mod:`.press`) plus
:mod:`.whole_set` for checks on the whole set; the framework is in :mod:`.base`.
"""

from __future__ import annotations

from repcheck.analysis.checks import bench, deadlift, press, squat, whole_set
from repcheck.analysis.checks.base import (
    TORSO_PER_HEIGHT,
    CheckContext,
    CheckDef,
    Measure,
    judge,
    not_judged,
)
from repcheck.analysis.checks.bench import longest_still_s
from repcheck.analysis.checks.squat import HIP_POINT_OFFSET_PCT, THIGH_PER_HEIGHT
from repcheck.analysis.findings import Finding

__all__ = ["CHECKS", "FAULT_CHECKS", "HIP_POINT_OFFSET_PCT", "MEASURES", "THIGH_PER_HEIGHT",
           "TORSO_PER_HEIGHT", "CheckContext", "CheckDef", "checks_for", "longest_still_s",
           "run_checks"]

_MODULES = (squat, bench, deadlift, press, whole_set)
CHECKS: tuple[CheckDef, ...] = tuple(c for m in _MODULES for c in m.CHECKS)
MEASURES: dict[str, Measure] = {k: f for m in _MODULES for k, f in m.MEASURES.items()}


def checks_for(lift: str) -> tuple[CheckDef, ...]:
    return tuple(c for c in CHECKS if c.lift in (lift, "all"))


def run_checks(ctx: CheckContext, lift: str) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks_for(lift):
        if sum(not r.partial for r in ctx.seg.reps) < check.min_reps:
            continue  # e.g. velocity loss needs three full reps
        if ctx.view.view not in check.views:
            findings.append(not_judged(check, ctx.view.view))
            continue
        targets = ctx.seg.reps if check.per_rep else (None,)
        for rep in targets:
            findings.append(judge(check, MEASURES[check.key](ctx, rep), rep, ctx.meet))
    return findings


#: Which checks report each fault the synthetic renderer can inject (its fault names); the
#: accuracy benchmark and the example tests score the analysis with this one table.
FAULT_CHECKS: dict[str, frozenset[str]] = {
    "depth_above_parallel": frozenset({"squat.depth"}),
    "bar_drift": frozenset({"squat.bar_over_midfoot", "deadlift.bar_drift",
                            "press.bar_over_midfoot"}),
    "hip_shift": frozenset({"squat.hip_shift"}),
    "knee_cave": frozenset({"squat.knee_cave"}),
    "hips_rise_first": frozenset({"deadlift.hips_first"}),
    "soft_lockout": frozenset({"deadlift.lockout", "deadlift.lockout_vs_best", "bench.lockout",
                               "press.lockout", "press.lockout_vs_best"}),
    "uneven_lockout": frozenset({"bench.uneven"}),
    "no_chest_touch": frozenset({"bench.chest_touch"}),
}
