"""Following the lifter when other people are in frame (repcheck.pose.lifter).

The pure parts run on made-up skeletons (no mediapipe); the slow tests render a synthetic
clip with a spotter standing nearer the camera, whom BlazePose alone follows instead of
the lifter, and check that the extraction follows the lifter (and that a clip with one
person still costs one pass).
"""

from __future__ import annotations

import numpy as np
import pytest

from repcheck.pose import lifter
from repcheck.pose.extract import PoseSettings, cache_file
from repcheck.pose.landmarks import N_LANDMARKS, LandmarkSeries, landmark_index

L = landmark_index


def skeleton(cx: float, cy: float, torso: float = 100.0, lying: bool = False,
             wrist_lift: float = 0.0) -> np.ndarray:
    """A 33 x 3 stick figure: torso centre (cx, cy), upright or lying along x; the wrists
    raised ``wrist_lift`` torso lengths up the image (a bar pressed)."""
    up = np.array([1.0, 0.0]) if lying else np.array([0.0, -1.0])
    side = np.array([0.0, 1.0]) if lying else np.array([1.0, 0.0])
    c = np.array([cx, cy])
    pts = np.full((N_LANDMARKS, 3), np.nan)
    sh, hp = c + up * torso / 2, c - up * torso / 2
    for s, name in ((-1, "left"), (1, "right")):
        off = side * s * torso * 0.2
        pts[L(f"{name}_shoulder"), :2] = sh + off
        pts[L(f"{name}_hip"), :2] = hp + off
        pts[L(f"{name}_elbow"), :2] = sh + off - up * torso * 0.4
        pts[L(f"{name}_wrist"), :2] = sh + off + (0.0, -wrist_lift * torso)
        pts[L(f"{name}_index"), :2] = pts[L(f"{name}_wrist"), :2]
        pts[L(f"{name}_knee"), :2] = hp + off - up * torso * 0.8
        pts[L(f"{name}_ankle"), :2] = hp + off - up * torso * 1.6
        pts[L(f"{name}_foot_index"), :2] = pts[L(f"{name}_ankle"), :2] + side * s * 10
    for i in range(11):  # the face points around the head
        pts[i, :2] = sh + up * torso * 0.45 + side * (i - 5) * 3
    pts[:, 2] = 0.0
    return pts


def track(centres, **kw) -> np.ndarray:
    return np.stack([skeleton(x, y, **kw) for x, y in centres])


def series(xyz: np.ndarray) -> LandmarkSeries:
    n = len(xyz)
    vis = np.where(np.isfinite(xyz[:, :, 0]), 0.9, 0.0)
    return LandmarkSeries(np.arange(n) / 30.0, xyz, vis, (640, 480), 30.0,
                          world=np.where(np.isfinite(xyz), 0.0, np.nan))


# -- probing ---------------------------------------------------------------------------------


def test_probes_are_few_spread_and_on_kept_frames():
    for frames, stride in ((240, 1), (900, 2), (40, 1), (3, 1)):
        picks = lifter.probe_indices(frames, 30.0 * stride, stride)
        assert 1 <= len(picks) <= lifter.MAX_PROBES
        assert all(0 <= p < frames and p % stride == 0 for p in picks)
        assert picks == sorted(set(picks))
    assert len(lifter.probe_indices(240, 30.0)) == lifter.MIN_PROBES
    assert lifter.probe_indices(0, 30.0) == []


def test_probes_do_not_all_fall_on_the_same_phase_of_the_reps():
    """8 s clip, 3 probes: with even spacing all three sat 80 frames apart, one per rep of
    2.7 s, and saw the same pose each time."""
    picks = lifter.probe_indices(240, 30.0)
    spacing = 240 / len(picks)
    phases = [p - k * spacing for k, p in enumerate(picks)]
    assert max(phases) - min(phases) > 0.1 * spacing


def test_paint_out_covers_the_body_and_nothing_far_from_it():
    img = np.zeros((480, 640, 3), np.uint8)
    body = skeleton(200, 240)
    lifter.paint_out(img, body, 1.0)
    painted = img.any(axis=2)
    assert painted[240, 200] and painted[int(body[L("left_knee"), 1]), 180]
    assert not painted[:, 400:].any()  # a second person standing there keeps every pixel
    half = np.zeros((240, 320, 3), np.uint8)
    lifter.paint_out(half, body, 0.5)  # landmarks are in source pixels; the copy is smaller
    assert half.any(axis=2)[120, 100]
    untouched = np.zeros((480, 640, 3), np.uint8)
    lifter.paint_out(untouched, np.full((N_LANDMARKS, 3), np.nan), 1.0)
    assert not untouched.any()


def test_a_probe_hit_counts_only_if_it_is_somebody_else_and_clearly_a_person():
    tracked = skeleton(200, 240)
    vis = np.full(N_LANDMARKS, 0.9)
    assert lifter.other_person(skeleton(420, 240), vis, tracked)
    assert not lifter.other_person(skeleton(205, 244), vis, tracked)  # the paint leaked
    assert not lifter.other_person(skeleton(420, 240), np.full(N_LANDMARKS, 0.2), tracked)
    assert not lifter.other_person(np.full((N_LANDMARKS, 3), np.nan), vis, tracked)


def test_second_pass_refuses_the_painted_person_but_not_an_overlapping_one():
    spotter = track([(200, 240)] * 3)
    avoid = lifter.Avoider(np.arange(3), spotter[:, :, :2])
    assert not avoid.accept(0, skeleton(203, 238))  # the same body again
    assert avoid.accept(1, skeleton(290, 250))  # overlapping, but their own torso
    assert avoid.accept(2, np.full((N_LANDMARKS, 3), np.nan))
    assert avoid.accept(99, skeleton(200, 240))  # a frame with nobody painted


def test_a_fit_to_the_grey_silhouette_is_refused():
    spotter = skeleton(200, 240)
    # Same place, a third smaller (a partial fit): not "the same person" by size, but
    # its shoulders and hips all sit on the painted torso.
    fit = skeleton(200, 240, torso=66)
    assert not lifter.same_person(lifter.torso(fit), lifter.torso(spotter))
    assert lifter.on_paint(fit, spotter)
    assert not lifter.on_paint(skeleton(320, 240), spotter)


# -- identities --------------------------------------------------------------------------------


def test_a_track_that_leaps_to_another_body_is_a_jump_and_steady_motion_is_not():
    t = np.arange(60)
    squat = track([(200, 240 + 40 * np.sin(k / 10)) for k in t])
    assert lifter.find_jumps(squat) == []
    leap = squat.copy()
    leap[30:] = track([(420, 240)] * 30)
    assert lifter.find_jumps(leap) == [30]


def test_identities_are_re_paired_when_both_trackers_swap_people():
    lifter_xy = [(200, 240 + 40 * np.sin(k / 10)) for k in range(60)]
    spotter_xy = [(420, 240)] * 60
    a = track(lifter_xy[:30] + spotter_xy[30:])
    b = track(spotter_xy[:30] + lifter_xy[30:])
    b[28:32] = np.nan  # the second tracker lost its person for a moment
    src = lifter.assign_identities(a, b)
    assert (src[:30, 0] == 0).all() and (src[32:, 0] == 1).all()  # the lifter: A, then B
    assert (src[:28, 1] == 1).all() and (src[30:, 1] == 0).all()  # the spotter: B, then A


def test_a_tracker_drifting_onto_the_other_body_does_not_swap_who_is_who():
    lifter_xy = [(200, 240 + 40 * np.sin(k / 10)) for k in range(60)]
    spotter_xy = [(420, 240)] * 60
    a = track(spotter_xy)
    b = track(lifter_xy)
    b[20:30] = track([(380, 250)] * 10)  # B slides onto the spotter's outline, then back
    src = lifter.assign_identities(a, b)
    assert (src[:, 0] == 0).all()  # the spotter stays A's throughout
    assert (src[20:30, 1] == -1).all() and (src[30:, 1] == 1).all()


# -- which one lifts -------------------------------------------------------------------------


def test_the_lifter_is_the_one_moving_up_and_down_in_place():
    reps = [(200, 240 + 50 * np.sin(k / 8)) for k in range(90)]
    still = [(420, 240 + np.sin(k)) for k in range(90)]
    walker = [(100 + 5 * k, 240 + 50 * np.sin(k / 8)) for k in range(90)]
    f_reps, f_still = lifter.track_features(track(reps)), lifter.track_features(track(still))
    assert f_still.still and not f_reps.still
    assert lifter.choose_lifter(f_still, f_reps) == 1
    assert lifter.choose_lifter(f_reps, f_still) == 0
    assert lifter.choose_lifter(f_still, lifter.track_features(track(walker))) == 0
    assert lifter.choose_lifter(f_still, f_still) == 0  # cannot tell: keep the first


def test_a_moving_first_track_is_kept_even_if_the_other_moves_more():
    """The other track may be the model's fit to a weight plate; a first track that
    lifts is never swapped for it."""
    reps = lifter.track_features(track([(200, 240 + 50 * np.sin(k / 8)) for k in range(90)]))
    wild = lifter.track_features(track([(420, 240 + 150 * np.sin(k)) for k in range(90)]))
    assert lifter.choose_lifter(reps, wild) == 0


def test_a_person_lying_down_beside_a_standing_one_is_the_bench_presser():
    bench = np.stack([skeleton(300, 300, lying=True, wrist_lift=0.8 * np.sin(k / 8))
                      for k in range(60)])
    hands = np.stack([skeleton(300, 150, wrist_lift=0.6 * np.sin(k / 8)) for k in range(60)])
    f_bench, f_hands = lifter.track_features(bench), lifter.track_features(hands)
    assert f_bench.lies and not f_hands.lies and not f_hands.still
    assert lifter.choose_lifter(f_hands, f_bench) == 1
    assert lifter.choose_lifter(f_bench, f_hands) == 0


def test_a_second_pass_runs_for_a_still_first_track_or_a_leap_with_someone_seen():
    reps = track([(200, 240 + 50 * np.sin(k / 8)) for k in range(60)])
    still = track([(420, 240)] * 60)
    leap = reps.copy()
    leap[30:] = track([(420, 240)] * 30)
    assert lifter.second_pass_needed(still, someone_else_seen=False)
    assert not lifter.second_pass_needed(reps, someone_else_seen=True)
    assert lifter.second_pass_needed(leap, someone_else_seen=True)
    assert not lifter.second_pass_needed(leap, someone_else_seen=False)


def test_lifter_series_follows_the_lifter_through_a_tracker_swap():
    lifter_xy = [(200, 240 + 50 * np.sin(k / 8)) for k in range(90)]
    spotter_xy = [(420, 240)] * 90
    first = series(track(spotter_xy[:45] + lifter_xy[45:]))  # starts on the spotter
    second = series(track(lifter_xy[:45] + spotter_xy[45:]))
    out = lifter.lifter_series(first, second)
    centre = np.nanmean(out.xyz[:, [L("left_hip"), L("right_hip")], 0], axis=1)
    np.testing.assert_allclose(centre, 200.0, atol=1e-3)
    assert out.detected.all() and out.world is not None


def test_lifter_series_repairs_a_lifter_track_that_jumps_to_the_spotter():
    lifter_xy = [(200, 240 + 50 * np.sin(k / 8)) for k in range(90)]
    spotter_xy = [(420, 240)] * 90
    first = series(track(lifter_xy[:45] + spotter_xy[45:]))
    second = series(track(spotter_xy[:45] + lifter_xy[45:]))
    second.xyz[45:48] = np.nan  # lost while its person was painted, then found the lifter
    out = lifter.lifter_series(first, second)
    centre = out.xyz[:, [L("left_hip"), L("right_hip")], 0].mean(axis=1)
    assert np.nanmax(np.abs(centre - 200.0)) < 1e-3 and np.isnan(centre).sum() == 3


def test_a_flickering_first_track_is_left_alone():
    """A lifter track with glitches, a second pass on something in a plate: the result
    is the first pass, unchanged."""
    rng = np.random.default_rng(3)
    lifter_xy = [(200, 240 + 50 * np.sin(k / 8)) for k in range(90)]
    first = series(track(lifter_xy))
    first.xyz[[20, 50, 70]] = track([(330, 240)] * 3)  # three leaps out and back
    phantom = track([(330 + rng.normal(0, 30), 240 + rng.normal(0, 30)) for _ in range(90)])
    phantom[rng.random(90) < 0.5] = np.nan
    out = lifter.lifter_series(first, series(phantom))
    np.testing.assert_array_equal(out.xyz, first.xyz)


def test_lifter_series_drops_second_pass_frames_that_are_the_first_person_again():
    lifter_xy = [(200, 240 + 50 * np.sin(k / 8)) for k in range(60)]
    first = series(track(lifter_xy))
    second = series(track(lifter_xy))  # the painting failed everywhere
    out = lifter.lifter_series(first, second)
    np.testing.assert_array_equal(out.xyz, first.xyz)


def test_the_method_is_part_of_the_cache_key(tmp_path):
    on = cache_file("f" * 64, PoseSettings(), tmp_path)
    off = cache_file("f" * 64, PoseSettings(lifter_tracking=0), tmp_path)
    assert on != off


# -- real pose runs -------------------------------------------------------------------------


def _render(tmp_path, name: str, spotter: bool):
    from repcheck.synth.render import render_clip
    from repcheck.synth.spec import CameraSpec, ClipSpec, RepSpec

    spec = ClipSpec(lift="squat", reps=(RepSpec(), RepSpec()), width=360, height=640,
                    camera=CameraSpec(view="oblique"), spotter=spotter, seed=31)
    path = tmp_path / f"{name}.mp4"
    render_clip(spec, path)
    import json

    return path, json.loads(path.with_name(f"{name}.truth.json").read_text())


def _on_lifter(s: LandmarkSeries, truth: dict) -> float:
    """Share of frames whose torso is nearer the lifter's true torso than the spotter's."""
    frames = truth["frames"]
    lift2d = np.asarray(frames["joints_2d"])[s.frame_index]
    spot2d = np.asarray(frames["spotter_2d"])[s.frame_index]
    hits = []
    for got, lf, sp in zip(s.xyz, lift2d, spot2d, strict=True):
        body = lifter.torso(got)
        if body is not None:
            hits.append(lifter.distance(body, lifter.torso(lf))
                        < lifter.distance(body, lifter.torso(sp)))
    return float(np.mean(hits)) if hits else 0.0


class StageRecorder:
    """A progress callback with stages, like the CLI's bar: records (done, total) calls
    per stage."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, list[tuple[int, int]]]] = [("first", [])]

    def __call__(self, done: int, total: int) -> None:
        self.stages[-1][1].append((done, total))

    def stage(self, label: str) -> None:
        self.stages.append((label, []))


@pytest.mark.slow
def test_extraction_follows_the_lifter_not_the_spotter(tmp_path):
    from repcheck.pose.extract import SECOND_PASS_LABEL, extract_with_stats

    path, truth = _render(tmp_path, "spotted", spotter=True)
    before, _ = extract_with_stats(path, PoseSettings(lifter_tracking=0), use_cache=False)
    progress = StageRecorder()
    after, stats = extract_with_stats(path, use_cache=False, progress=progress)
    assert stats.passes == 2
    # Each pass counts its own frames up to all of them, the second under its own label:
    # a bar never falls back from 100 %.
    assert [label for label, _ in progress.stages] == ["first", SECOND_PASS_LABEL]
    for _, calls in progress.stages:
        done = [d for d, _ in calls]
        assert done == sorted(done) and done[-1] == calls[-1][1] == len(after)
    assert _on_lifter(before, truth) < 0.5  # the model alone takes the spotter
    assert _on_lifter(after, truth) > 0.95 and after.detected.mean() > 0.9


@pytest.mark.slow
def test_one_person_costs_one_pass(tmp_path):
    from repcheck.pose.extract import extract_with_stats

    path, _ = _render(tmp_path, "alone", spotter=False)
    _, stats = extract_with_stats(path, use_cache=False)
    assert stats.passes == 1


def test_chunks_whose_trackers_took_different_people_reveal_a_second_person():
    from repcheck.pose.extract import seams_disagree

    lifter_xy = [(200, 240 + 50 * np.sin(k / 8)) for k in range(40)]
    first = {"index": np.arange(20), "xyz": track(lifter_xy[:20])}
    same = {"index": np.arange(20, 40), "xyz": track(lifter_xy[20:]),
            "warm_index": np.arange(15, 20), "warm_xyz": track(lifter_xy[15:20])}
    other = dict(same, warm_xyz=track([(420, 240)] * 5))
    assert not seams_disagree([first, same])
    assert seams_disagree([first, other])
    assert not seams_disagree([first])
