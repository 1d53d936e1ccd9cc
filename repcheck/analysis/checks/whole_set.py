"""Checks on the whole set, for every lift: rep-to-rep consistency and velocity loss.
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.checks.base import (
    ALL_VIEWS,
    CheckDef,
    Measure,
    Measurement,
)
from repcheck.analysis.findings import Verdict


def measure_velocity_loss(ctx, rep=None):
    speeds = [r.concentric_speed_px_s for r in ctx.seg.reps if not r.partial]
    if len(speeds) < 3 or speeds[0] <= 0:
        return None
    best = max(speeds[:2])
    return Measurement(100.0 * (1 - speeds[-1] / best), 0.7,
                       {"speeds_px_s": [round(s, 1) for s in speeds]})


def measure_consistency(ctx, rep=None):
    amps = np.array([r.amplitude for r in ctx.seg.reps])
    if len(amps) < 3:
        return None
    return Measurement(100 * float(amps.std() / amps.mean()), 0.8,
                       {"ranges_torso": [round(float(a), 2) for a in amps]})


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("all.consistency", "all", "Rep consistency", ALL_VIEWS, 15.0, "% range",
             "<=", Verdict.WARN, "Reps were consistent (range varied {value:.0f}%)",
             "Range of motion varied {value:.0f}% between reps: aim for identical reps",
             "coefficient of variation of rep range; 15 % is a coaching convention",
             per_rep=False, min_reps=3),
    CheckDef("all.velocity_loss", "all", "Velocity loss", ALL_VIEWS, 20.0, "%", "<=",
             Verdict.WARN, "Bar speed held up across the set ({value:.0f}% loss)",
             "Bar speed fell {value:.0f}% from the first to the last rep: the set is near "
             "failure", "velocity-based training: 20 % loss is a common set cut-off",
             per_rep=False, min_reps=3),
)

MEASURES: dict[str, Measure] = {
    "all.consistency": measure_consistency,
    "all.velocity_loss": measure_velocity_loss,
}
