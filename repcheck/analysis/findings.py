"""Finding records: one judged (or deliberately unjudged) observation.

Every check, for every rep (or once per set), yields exactly one :class:`Finding`, even
when it cannot judge: a check that does not apply to the camera view says
``NOT_JUDGED`` ("not judged from this view"), and one whose joints were hidden says
``CANT_JUDGE``. A report therefore shows what was *not* checked as plainly as what was,
instead of silently guessing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"  # breaks the rule (e.g. above parallel)
    WARN = "warn"  # legal but worth fixing (e.g. heavy lean, velocity loss)
    INFO = "info"  # a measurement with no rule (tempo)
    NOT_JUDGED = "not_judged"  # the check cannot be made from this camera view
    CANT_JUDGE = "cant_judge"  # joints hidden or too uncertain


def verdict_text(value: str) -> str:
    """A verdict (or the overall one, e.g. "no_lift") as the user reads it."""
    return {"cant_judge": "can't judge"}.get(value, value.replace("_", " "))


#: Order in which cues are listed: problems first.
VERDICT_PRIORITY = {Verdict.FAIL: 0, Verdict.WARN: 1, Verdict.CANT_JUDGE: 2,
                    Verdict.NOT_JUDGED: 3, Verdict.INFO: 4, Verdict.PASS: 5}


@dataclass(frozen=True)
class Finding:
    check: str  # e.g. "squat.depth"
    title: str
    rep: int | None  # 1-based rep number, or None for the whole set
    verdict: Verdict
    value: float | None
    unit: str
    threshold: float | None
    confidence: float  # 0..1
    cue: str  # plain-language sentence for the lifter
    source: str  # where the threshold comes from
    extra: dict | None = None  # e.g. {"margin_cm": -4.2}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["verdict"] = self.verdict.value
        for key in ("value", "threshold", "confidence"):
            if isinstance(d[key], float):
                d[key] = round(d[key], 3)
        return d


def prioritised(findings: list[Finding]) -> list[Finding]:
    """Problems first, then the least confident, then by rep."""
    return sorted(findings, key=lambda f: (VERDICT_PRIORITY[f.verdict], -f.confidence,
                                           f.rep or 0))
