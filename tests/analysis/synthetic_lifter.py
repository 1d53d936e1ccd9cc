"""Test helpers: saved real landmark files, and a synthetic lifter whose true motion
(rep times, depth margin, pauses) is known exactly, so tests can check numbers.

A plain module with a unique name instead of a ``conftest.py``: other test modules in the
project do ``from conftest import ...`` and expect the root conftest, which a second
module called ``conftest`` would shadow. The fixtures are in ``analysis_fixtures.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from repcheck.pose.landmarks import N_LANDMARKS, LandmarkSeries, landmark_index

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"

#: Real landmark fixtures (extracted from ../shared/realclips): file -> (lift, reps).
REAL_FIXTURES = {
    "squat_side_1rep.npz": ("squat", 1),
    "squat_rearoblique_1rep.npz": ("squat", 1),
    "bench_obliquehead_3reps.npz": ("bench", 3),
    "deadlift_side_1rep.npz": ("deadlift", 1),
    # mediapipe-posereader/videos/nico_unblocked.mp4: filmed from the lockout, so the rep
    # is read standing -> floor -> standing (rest "top")
    "deadlift_fromstanding_1rep.npz": ("deadlift", 1),
    "press_frontoblique_1rep.npz": ("press", 1),
    # benchguard/swiss_bar_bench_press_360p.mp4: sits ~5 s, lies down, 5 reps (counted from
    # the frames); the lifter is lost for a few frames at most reps and the hands are drawn
    # 1.3 torso lengths below the chest at two of them
    "bench_swissbar_5reps.npz": ("bench", 5),
}


def load_fixture(name: str) -> LandmarkSeries:
    return LandmarkSeries.load(FIXTURES / name)


SHIN = THIGH = 200.0
TORSO = 250.0


@dataclass
class SquatPlan:
    """A set of squats: each rep is (descent s, pause s, ascent s, depth 0..1.2)."""

    reps: list[tuple[float, float, float, float]]
    rest_s: float = 1.0  # standing between reps and at both ends
    fps: float = 30.0
    jitter_px: float = 0.0
    view: str = "side"  # "side" or "front"
    seed: int = 0
    bottoms_s: list[float] = field(default_factory=list)  # filled in by build
    margins: list[float] = field(default_factory=list)  # true depth margins, % thigh


def depth_curve(plan: SquatPlan) -> tuple[np.ndarray, np.ndarray]:
    """Times and squat depth d(t) (0 = standing), cosine-shaped descents/ascents."""
    pieces_d = []
    t0 = 0.0

    def hold(duration, level):
        nonlocal t0
        n = max(int(round(duration * plan.fps)), 1)
        pieces_d.append(np.full(n, level))
        t0 += n / plan.fps

    def move(duration, a, b):
        nonlocal t0
        n = max(int(round(duration * plan.fps)), 2)
        s = (1 - np.cos(np.linspace(0, np.pi, n, endpoint=False))) / 2
        pieces_d.append(a + (b - a) * s)
        t0 += n / plan.fps

    hold(plan.rest_s, 0.0)
    plan.bottoms_s.clear()
    for down, pause, up, depth in plan.reps:
        move(down, 0.0, depth)
        plan.bottoms_s.append(t0 + pause / 2)
        hold(max(pause, 1 / plan.fps), depth)
        move(up, depth, 0.0)
        hold(plan.rest_s, 0.0)
    d = np.concatenate(pieces_d)
    return np.arange(len(d)) / plan.fps, d


def knee_from_ik(ankle, hip, forward=1.0):
    """Knee where the shin and thigh circles meet, on the forward side."""
    v = hip - ankle
    dist = np.linalg.norm(v)
    a = (SHIN ** 2 - THIGH ** 2 + dist ** 2) / (2 * dist)
    h = np.sqrt(max(SHIN ** 2 - a ** 2, 0.0))
    base = ankle + a * v / dist
    perp = np.array([-v[1], v[0]]) / dist
    k1, k2 = base + h * perp, base - h * perp
    return k1 if (k1[0] - k2[0]) * forward > 0 else k2


def pose_at(d: float, view: str) -> dict[str, np.ndarray]:
    """One frame's 2-D positions for depth d; squatting moves the hip back and down."""
    ankle = np.array([400.0, 1100.0])
    hip = np.array([400.0 - 110 * d, ankle[1] - 390 + 300 * d])
    knee = knee_from_ik(ankle, hip)
    lean = np.radians(10 + 30 * d)
    shoulder = hip + TORSO * np.array([np.sin(lean), -np.cos(lean)])
    pts = {"ankle": ankle, "heel": ankle + [-30, 10], "foot_index": ankle + [80, 10],
           "knee": knee, "hip": hip, "shoulder": shoulder,
           "elbow": shoulder + [30, 60], "wrist": shoulder + [20, 5],
           "pinky": shoulder + [25, 5], "index": shoulder + [28, 5], "thumb": shoulder + [22, 5],
           "ear": shoulder + [5, -70], "eye": shoulder + [20, -80],
           "eye_inner": shoulder + [22, -80], "eye_outer": shoulder + [15, -80]}
    return pts


def build_series(plan: SquatPlan) -> LandmarkSeries:
    times, depth = depth_curve(plan)
    rng = np.random.default_rng(plan.seed)
    n = len(times)
    xyz = np.zeros((n, N_LANDMARKS, 3), np.float32)
    vis = np.zeros((n, N_LANDMARKS), np.float32)
    plan.margins = []
    for t, d in enumerate(depth):
        pts = pose_at(d, plan.view)
        if plan.view == "front":
            # Seen from the front the forward/back motion is depth: only heights remain.
            pts = {k: np.array([400.0, v[1]]) for k, v in pts.items()}
        for side, sign in (("left", -1), ("right", 1)):
            # From the side the two sides overlap (offset 6 px); from the front they are
            # spread by the hip/shoulder width, and the knee width follows the ankles.
            spread = 6.0 if plan.view == "side" else 200.0
            for part, p in pts.items():
                i = landmark_index(f"{side}_{part}")
                xyz[t, i, :2] = p + [sign * spread / 2, 0]
                xyz[t, i, 2] = 0.0 if side == "left" else 40.0
                vis[t, i] = 0.99 if (side == "left" or plan.view == "front") else 0.7
        for name, offset in (("nose", [25, -75]), ("mouth_left", [20, -55]),
                             ("mouth_right", [20, -55])):
            xyz[t, landmark_index(name), :2] = pts["shoulder"] + offset
            vis[t, landmark_index(name)] = 0.99
    # Ground truth depth margin at each bottom (hip below knee, % of thigh).
    for b in plan.bottoms_s:
        i = int(round(b * plan.fps))
        plan.margins.append(100 * (xyz[i, landmark_index("left_hip"), 1]
                                   - xyz[i, landmark_index("left_knee"), 1]) / THIGH)
    if plan.jitter_px:
        xyz[:, :, :2] += rng.normal(0, plan.jitter_px, (n, N_LANDMARKS, 2))
    return LandmarkSeries(times, xyz, vis, (720, 1280), plan.fps, "0" * 64, {})


def findings_by_true_rep(result, true_reps: list[dict], check: str) -> list[tuple[dict, object]]:
    """(true rep, the ``check`` finding of the detected rep whose turnaround lies in it),
    per rendered rep of a synthetic clip's truth."""
    findings = {f.rep: f for f in result.findings if f.check == check}
    pairs = []
    for true_rep in true_reps:
        rep = min(result.seg.reps, key=lambda r: abs(r.turnaround_s - true_rep["bottom_s"]))
        assert true_rep["start_s"] <= rep.turnaround_s <= true_rep["end_s"]
        pairs.append((true_rep, findings[rep.number]))
    return pairs
