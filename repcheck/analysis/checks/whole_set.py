"""Checks on the whole set, for every lift: rep-to-rep consistency and velocity loss.
"""

from __future__ import annotations

import numpy as np

from repcheck.analysis.checks.base import (
    ALL_VIEWS,
    CheckDef,
    Measure,
    Measurement,
    lost_lifter,
)
from repcheck.analysis.findings import Verdict


def measure_velocity_loss(ctx, rep=None):
    speeds = [r.concentric_speed_px_s for r in ctx.seg.reps if not r.partial]
    if len(speeds) < 3 or speeds[0] <= 0:
        return None
    if (unjudged := lost_lifter(ctx)) is not None:
        return unjudged
    best = max(speeds[:2])
    return Measurement(100.0 * (1 - speeds[-1] / best), 0.7,
                       {"speeds_px_s": [round(s, 1) for s in speeds]})


def measure_consistency(ctx, rep=None):
    amps = np.array([r.amplitude for r in ctx.seg.reps])
    if len(amps) < 3:
        return None
    if (unjudged := lost_lifter(ctx)) is not None:
        return unjudged
    return Measurement(100 * float(amps.std() / amps.mean()), 0.8,
                       {"ranges_torso": [round(float(a), 2) for a in amps]})


CHECKS: tuple[CheckDef, ...] = (
    CheckDef("all.consistency", "all", "Rep consistency", ALL_VIEWS, 15.0, "% range",
             "<=", Verdict.WARN, "Reps were consistent (range varied {value:.0f}%)",
             "Range of motion varied {value:.0f}% between reps: aim for identical reps",
             "coefficient of variation of rep range; 15 % is a coaching convention. Not "
             "judged when the pose model kept losing the lifter (base.lost_lifter): 3 "
             "synthetic sets of identical reps read 35-46 % there",
             per_rep=False, min_reps=3),
    CheckDef("all.velocity_loss", "all", "Velocity loss", ALL_VIEWS, 20.0, "%", "info",
             Verdict.INFO, "Bar speed changed {value:.0f}% from the faster of the first two "
             "reps to the last (velocity-based training cuts a set at about 20 % loss; read "
             "from the pose, this is a rough figure)", "",
             "measurement only: velocity-based training cuts a set at about 20 % loss, but "
             "pose-estimated bar speed is too rough to call it. Synthetic sets whose reps "
             "all take the same time (338 sets of 3 or more reps, every lift, view and "
             "camera 0.6-1.8 m) read over 20 % loss on 81 (up to 59 %; 16 of the 146 whose "
             "first two reps agree within 10 %), with each rise timed between the phase "
             "marks (reps.phase_marks; 65 between the old 10 % marks): the hands or hips "
             "are drawn a few frames early or late on a 0.9-1 s rise. A time fitted to "
             "the middle 60 % of each rise or its crossing times read no steadier",
             per_rep=False, min_reps=3),
)

MEASURES: dict[str, Measure] = {
    "all.consistency": measure_consistency,
    "all.velocity_loss": measure_velocity_loss,
}
