"""Run BlazePose (mediapipe legacy solutions API) on a rendered clip and score it against the
ground truth. Test-side helper: the library itself never imports mediapipe outside pose/."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.synth.body import BODY_JOINTS, LANDMARK_INDEX
from repcheck.synth.truth import load_truth
from repcheck.synth.video import read_frames


def detection_spec(lift: str, view: str, seed: int = 11, fps: float = 15.0):
    """The short clip the detection test and benchmark render: 2 reps, about 4 s."""
    from repcheck.synth.spec import CameraSpec, ClipSpec, RepSpec, Tempo

    return ClipSpec(
        lift=lift,
        camera=CameraSpec(view=view),
        reps=(RepSpec(), RepSpec()),
        fps=fps,
        tempo=Tempo(0.8, 0.1, 0.7, 0.2),
        lead_in_s=0.3,
        lead_out_s=0.2,
        seed=seed,
    )


@dataclass(frozen=True)
class PoseScore:
    frames: int
    detected: int
    median_error_px: float  # median over detected frames and body joints
    median_error_rel: float  # the same divided by the ground-truth torso height in px
    median_error_visible_px: float  # only joints the truth marks as not occluded
    on_lifter: float  # fraction of detections whose hips are nearer the lifter than the spotter

    @property
    def detection_rate(self) -> float:
        return self.detected / self.frames if self.frames else 0.0


def score_clip(video) -> PoseScore:
    import cv2
    import mediapipe as mp

    truth = load_truth(video)
    frames = read_frames(video)
    idx = [LANDMARK_INDEX[n] for n in BODY_JOINTS]
    errors, rel, visible, on_lifter, detected = [], [], [], [], 0
    spot = truth.raw["frames"].get("spotter_2d")
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for i, bgr in enumerate(frames):
            res = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            if res.pose_landmarks is None:
                continue
            detected += 1
            h, w = bgr.shape[:2]
            got = np.array([[lm.x * w, lm.y * h] for lm in res.pose_landmarks.landmark])
            gt = truth.joints_2d[i]
            err = np.linalg.norm(got[idx] - gt[idx], axis=1)
            torso = np.linalg.norm((gt[11] + gt[12]) / 2 - (gt[23] + gt[24]) / 2)
            errors.extend(err.tolist())
            visible.extend(err[~truth.occluded[i][idx]].tolist())
            rel.extend((err / max(torso, 1.0)).tolist())
            if spot is not None:
                hips = got[[23, 24]].mean(axis=0)
                d_lifter = np.linalg.norm(hips - gt[[23, 24]].mean(axis=0))
                d_spot = np.linalg.norm(hips - np.asarray(spot[i])[[23, 24]].mean(axis=0))
                on_lifter.append(d_lifter < d_spot)
    return PoseScore(
        frames=len(frames), detected=detected,
        median_error_px=float(np.median(errors)) if errors else float("nan"),
        median_error_rel=float(np.median(rel)) if rel else float("nan"),
        median_error_visible_px=float(np.median(visible)) if visible else float("nan"),
        on_lifter=float(np.mean(on_lifter)) if on_lifter else 1.0,
    )  # fmt: skip
