"""Following the lifter when someone else (a spotter, a passer-by) is in frame.

BlazePose (``solutions.pose``) tracks one person: its detector picks the most confident
person on the first frame and the tracker then follows that person's region. With a
spotter standing in front of the camera, that person is often the spotter, and the
analysis then finds no reps. This module holds the pure parts of the remedy; the pose
runs themselves are in :mod:`repcheck.pose.extract`:

1. **Look for a second person, cheaply.** During the normal pass, a few frames
   (:func:`probe_indices`) are kept at low resolution with the tracked person painted
   out (:func:`paint_out`). If the chunk's track leaps between bodies
   (:func:`find_jumps`), the same model looks at them again after the chunk; a person
   found there (:func:`other_person`) is a second person. A steady track costs only the
   small copies.
2. **Decide whether the first track may be the wrong person**
   (:func:`second_pass_needed`): it stands still through the clip (a spotter, a coach),
   or it leaps between bodies while a probe saw someone else. A lifter tracked steadily
   is never second-guessed: the model also "finds" people in plates and racks now and
   then, and such a find must not cost a real clip its lifter.
3. **Only then, follow the other person too.** A second pass tracks "whoever is not the
   first track": the first track's body is painted out of every frame, and a detection
   that is that body anyway is refused (:class:`Avoider`).
4. **Keep identities across jumps.** A tracker that loses its person may pick up the
   other one mid-clip. :func:`assign_identities` re-pairs the two tracks frame by frame
   so each output track follows one body (continuity of torso position and size).
5. **Pick the lifter** (:func:`choose_lifter`): the person who moves up and down in
   place while the other stands still, or who lies on the bench while the other stands.
   Otherwise the first person is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.pose.landmarks import landmark_index

SHOULDERS = (landmark_index("left_shoulder"), landmark_index("right_shoulder"))
HIPS = (landmark_index("left_hip"), landmark_index("right_hip"))
WRISTS = (landmark_index("left_wrist"), landmark_index("right_wrist"))
HEAD = tuple(range(11))  # nose, eyes, ears, mouth
#: Body segments painted out (plus the torso polygon and the head disc).
ARMS = tuple((landmark_index(a), landmark_index(b)) for a, b in (
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_wrist", "left_index"), ("right_wrist", "right_index"),
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
))
LEGS = tuple((landmark_index(a), landmark_index(b)) for a, b in (
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_foot_index"), ("right_ankle", "right_foot_index"),
))

#: One probe per this many seconds of clip, at least MIN_PROBES and at most MAX_PROBES.
#: A spotter or a second lifter is in frame for most of a set; someone crossing the frame
#: for a moment is no candidate for the lifter anyway.
PROBE_EVERY_S = 2.5
MIN_PROBES, MAX_PROBES = 3, 8
GOLDEN = 0.6180339887
#: Probe frames are shrunk to this long side: the detector sees 224 px anyway, and a
#: smaller copy is cheaper to keep, paint and hand over.
PROBE_SIDE = 640
#: Painted widths and head-disc radius, in torso lengths (shoulder-mid to hip-mid).
#: A torso seen from the side is about 0.5 torso lengths deep, a thigh 0.3 wide, an arm
#: 0.2. Arms are painted narrow on purpose: a second person overlapping this one (a
#: spotter's arms across the lifter) keeps more of their own pixels to be found by.
ARM_WIDTH = 0.20
LEG_WIDTH = 0.30
TORSO_WIDTH = 0.55
HEAD_RADIUS = 0.35
#: A found person this close (:func:`distance`) to the painted-out person is that person
#: again (the paint leaked), not someone else. Probes of 39 real clips and 32 synthetic
#: ones (8 frames each): re-finds of the painted person mostly 0.01-0.3, real second
#: people (spotters, gym-goers) 1.2-3.5; the finds between (0.4-0.8) are partial fits to
#: the painted person or to a plate, which is why a probe hit alone never costs a
#: steadily tracked lifter anything (:func:`second_pass_needed`).
SAME_PERSON = 0.35
#: A probe hit must show shoulders and hips at least this visible on average. BlazePose
#: gives 0.9-1.0 for nearly every find (fits to plates included), so this only drops the
#: rare half-hearted one.
MIN_TORSO_VISIBILITY = 0.5
#: Between consecutive frames a lifter's torso moves a few hundredths of a torso length
#: (squat descent: about 1 torso length per second = 0.03 per frame at 30 fps); a tracker
#: jumping to another person moves it by about one torso length or more.
JUMP = 0.5
#: How much further (torso lengths) a person may be found per frame they went unseen.
GAP_GROWTH = 0.05
#: After this many frames (half a second) unseen, a person is as good as new.
MAX_GAP = 15


@dataclass(frozen=True)
class Torso:
    centre: np.ndarray  # (2,) px
    length: float  # px, shoulder-mid to hip-mid


def torso(xy: np.ndarray) -> Torso | None:
    """Torso of one frame's landmarks (33 x >=2), or None when there is no person."""
    sh = xy[list(SHOULDERS), :2].mean(axis=0)
    hp = xy[list(HIPS), :2].mean(axis=0)
    length = float(np.hypot(*(sh - hp)))
    if not np.isfinite(length) or length < 1.0:
        return None
    return Torso((sh + hp) / 2, length)


def distance(a: Torso, b: Torso) -> float:
    """How different two torsos are: centre offset plus log size ratio, in torso lengths."""
    scale = max(a.length, b.length)
    return float(np.hypot(*(a.centre - b.centre)) / scale + abs(np.log(a.length / b.length)))


def same_person(a: Torso | None, b: Torso | None) -> bool:
    return a is not None and b is not None and distance(a, b) < SAME_PERSON


# --- probing -------------------------------------------------------------------------------


def probe_indices(frame_count: int, fps: float, stride: int = 1) -> list[int]:
    """Frame indices to probe for a second person, spread evenly over the clip.

    Each sits inside its share of the clip (past its first fifth) and on a frame the
    thinning keeps.
    """
    if frame_count <= 0:
        return []
    seconds = frame_count / fps if fps > 0 else frame_count / 30.0
    n = int(np.clip(round(seconds / PROBE_EVERY_S), MIN_PROBES, MAX_PROBES))
    n = min(n, max(1, frame_count // max(1, stride)))
    # Evenly spaced probes can all land on the same phase of the reps (3 probes 2.7 s
    # apart in a clip of 2.7 s reps) and miss a person hidden in that phase every time;
    # golden-ratio offsets within each share of the clip break the rhythm.
    offsets = 0.2 + 0.6 * ((np.arange(n) * GOLDEN) % 1.0)
    spots = (np.arange(n) + offsets) * frame_count / n
    picks = sorted({min(frame_count - 1, int(s) // stride * stride) for s in spots})
    return picks


def paint_out(rgb: np.ndarray, xy: np.ndarray, scale: float, colour=(114, 114, 114)) -> None:
    """Paint one person's body (landmarks ``xy`` in source pixels) over ``rgb`` in place.

    Thick segments along the limbs, the torso polygon and a disc on the head: close to the
    body's silhouette, so a second person overlapping this one keeps most of their pixels
    (a bounding box would hide a spotter's lifter half the time). ``scale`` maps source
    pixels to ``rgb``'s pixels.
    """
    from repcheck.video.probe import load_cv2

    body = torso(xy)
    if body is None:
        return
    cv2 = load_cv2()
    pts = np.asarray(xy[:, :2], np.float64) * scale
    def px(share: float) -> int:
        return max(2, int(round(share * body.length * scale)))

    def pt(i: int) -> tuple[int, int] | None:
        p = pts[i]
        return (int(round(p[0])), int(round(p[1]))) if np.isfinite(p).all() else None

    quad = [pt(i) for i in (SHOULDERS[0], SHOULDERS[1], HIPS[1], HIPS[0])]
    if all(quad):
        cv2.fillPoly(rgb, [np.array(quad, np.int32)], colour)
    # Seen from the side, the shoulders (and the hips) coincide and the quad is a sliver:
    # the chest and back need a band as deep as a torso.
    mid = [tuple(int(round(v)) for v in pts[list(j)].mean(axis=0)) for j in (SHOULDERS, HIPS)]
    cv2.line(rgb, mid[0], mid[1], colour, px(TORSO_WIDTH))
    for segments, share in ((ARMS, ARM_WIDTH), (LEGS, LEG_WIDTH)):
        for a, b in segments:
            pa, pb = pt(a), pt(b)
            if pa and pb:
                cv2.line(rgb, pa, pb, colour, px(share))
    head = pts[list(HEAD)]
    head = head[np.isfinite(head).all(axis=1)]
    if len(head):
        centre = head.mean(axis=0)
        c = (int(round(centre[0])), int(round(centre[1])))
        cv2.circle(rgb, c, px(HEAD_RADIUS), colour, -1)
        cv2.line(rgb, c, mid[0], colour, px(ARM_WIDTH))  # the neck


def other_person(found_xy: np.ndarray, found_vis: np.ndarray, tracked_xy: np.ndarray) -> bool:
    """Whether a probe found somebody other than the tracked (painted-out) person."""
    body = torso(found_xy)
    if body is None:
        return False
    if float(np.mean(found_vis[list(SHOULDERS + HIPS)])) < MIN_TORSO_VISIBILITY:
        return False
    return not same_person(body, torso(tracked_xy))


class Avoider:
    """For the second pass: paints the first track's person out of each frame, and turns
    down a detection that is that person anyway.

    Painting alone is not enough: a grey silhouette is still person-shaped, and the
    tracker can drift onto it where the two people overlap. A detection that is the
    painted person (:func:`same_person`) or sits on the paint (:func:`on_paint`) is
    refused, and the caller drops the tracker's lock so the next frame starts from a
    fresh detection, which does not pick a faceless silhouette.
    """

    def __init__(self, index: np.ndarray, xy: np.ndarray) -> None:
        self.xy = dict(zip(np.asarray(index).tolist(), xy, strict=True))

    def paint(self, i: int, rgb: np.ndarray, width: int) -> np.ndarray:
        xy = self.xy.get(i)
        if xy is None:
            return rgb
        out = rgb.copy()
        paint_out(out, xy, out.shape[1] / width)
        return out

    def accept(self, i: int, xyz: np.ndarray) -> bool:
        theirs = self.xy.get(i)
        found = torso(xyz) if theirs is not None else None
        if found is None:
            return True  # nobody painted, or nothing found: nothing to refuse
        return not (same_person(found, torso(theirs)) or on_paint(xyz, theirs))


def on_paint(xyz: np.ndarray, painted_xy: np.ndarray) -> bool:
    """Whether a detection's torso (shoulders and hips) sits on the painted person: at
    least 3 of its 4 corners inside that person's painted silhouette. A second person
    overlapping the painted one keeps some corners on their own pixels; a fit to the grey
    silhouette itself has them all there."""
    body = torso(painted_xy)
    if body is None:
        return False
    corners = xyz[list(SHOULDERS + HIPS), :2]
    inside = sum(_in_silhouette(c, painted_xy, body) for c in corners)
    return inside >= 3


def _in_silhouette(point: np.ndarray, xy: np.ndarray, body: Torso) -> bool:
    if not np.isfinite(point).all():
        return False
    from repcheck.video.probe import load_cv2

    quad = xy[[SHOULDERS[0], SHOULDERS[1], HIPS[1], HIPS[0]], :2]
    if np.isfinite(quad).all() and load_cv2().pointPolygonTest(
            quad.astype(np.float32).reshape(-1, 1, 2), (float(point[0]), float(point[1])),
            False) >= 0:
        return True
    sh, hp = xy[list(SHOULDERS), :2].mean(axis=0), xy[list(HIPS), :2].mean(axis=0)
    bands = [(ARMS, ARM_WIDTH), (LEGS, LEG_WIDTH)]
    for segments, share in bands:
        for a, b in segments:
            if _segment_distance(point, xy[a, :2], xy[b, :2]) <= share * body.length / 2:
                return True
    if _segment_distance(point, sh, hp) <= TORSO_WIDTH * body.length / 2:
        return True
    head = xy[list(HEAD), :2]
    head = head[np.isfinite(head).all(axis=1)]
    return bool(len(head)) and float(np.hypot(*(point - head.mean(axis=0)))) <= (
        HEAD_RADIUS * body.length)


def _segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return np.inf
    ab = b - a
    t = float(np.clip(np.dot(p - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0.0, 1.0))
    return float(np.hypot(*(p - (a + t * ab))))


# --- two tracks, two identities -------------------------------------------------------------


def torsos(xyz: np.ndarray) -> list[Torso | None]:
    return [torso(frame) for frame in xyz]


def find_jumps(xyz: np.ndarray, max_gap: int = MAX_GAP) -> list[int]:
    """Frames where the track's torso leaps (see :data:`JUMP`) from its last sighting.

    Sightings more than ``max_gap`` frames apart are not compared: the lifter may have
    moved meanwhile, and a long gap is a loss, not a jump.
    """
    jumps, last, last_i = [], None, -10**9
    for i, body in enumerate(torsos(xyz)):
        if body is None:
            continue
        if last is not None and i - last_i <= max_gap and distance(last, body) > JUMP:
            jumps.append(i)
        last, last_i = body, i
    return jumps


def assign_identities(a_xyz: np.ndarray, b_xyz: np.ndarray) -> np.ndarray:
    """(T, 2) int: which track holds each person in each frame (0 = A, 1 = B, -1 = none).

    Person 0 is the one A starts on. Frame by frame, each person is given the detection
    that continues their last sighting, so a tracker that jumps from one person to the
    other mid-clip is undone. A detection that continues the *other* person's sighting
    better (within a jump, :func:`_gap`) is never given to this one: a tracker drifting
    onto the other body leaves its own person unseen for those frames rather than
    swapping who is who. A B detection that is A's person again is removed by the caller
    first.
    """
    dets = list(zip(torsos(a_xyz), torsos(b_xyz), strict=True))
    src = np.full((len(dets), 2), -1, np.int8)
    last: list[Torso | None] = [None, None]
    seen = [-(10**9), -(10**9)]
    for i, pair in enumerate(dets):
        gaps = [[_gap(last[k], i - seen[k], body) for body in pair] for k in (0, 1)]
        best: tuple | None = None
        for perm in ((0, 1), (1, 0)):  # person k takes detection perm[k]; ties keep A as 0
            taken, cost = [-1, -1], 0.0
            for k in (0, 1):
                own, other = gaps[k][perm[k]], gaps[1 - k][perm[k]]
                if own is None or (other is not None and other <= JUMP and other < own):
                    continue  # nobody there, or the other person's detection
                taken[k], cost = perm[k], cost + own
            score = (sum(t >= 0 for t in taken), -cost)
            if best is None or score > best[0]:
                best = (score, taken)
        for k, t in enumerate(best[1]):
            if t >= 0:
                src[i, k], last[k], seen[k] = t, pair[t], i
    return src


def _gap(last: Torso | None, age: int, now: Torso | None) -> float | None:
    """How far ``now`` is from the person last seen as ``last`` ``age`` frames ago, in
    torso lengths less the allowance for the frames unseen (:data:`GAP_GROWTH`); a jump's
    worth for someone not seen yet or lost for long; None when nobody was found."""
    if now is None:
        return None
    if last is None or age > MAX_GAP:
        return JUMP
    return max(0.0, distance(last, now) - GAP_GROWTH * (age - 1))


# --- which one lifts ------------------------------------------------------------------------

#: A track whose hips and wrists both stay within this vertical range (p95 - p5, torso
#: lengths) over the clip is nobody lifting. Measured on the first-pass tracks: the
#: synthetic spotters (standing still, 24 clips) 0.04-0.29, and 0.39 for one second-pass
#: spotter track; the 39 real clips' lifters 0.55 (a deadlift, one rep) to 2.4, benches
#: 0.61-1.23.
STILL_MOTION = 0.45
#: Lying means the torso is this far (degrees) from vertical in the image for most of
#: the clip; a deadlift's bent-over bottom (60-70 degrees) is not lying.
LYING_DEG = 70.0
#: A track must show its person in this share of the frames to be considered at all.
MIN_PRESENCE = 0.3
#: "Stays in place": the hip centre's horizontal range, in torso lengths, above which a
#: person is walking about, not lifting. Real lifters: 0.04-0.83 (39 clips).
MAX_TRAVEL = 1.5
#: The other person replaces a still first track only if they move this many times more.
SWITCH_RATIO = 1.5
#: A re-paired first person may miss this share of frames more than the first pass did
#: (the frames around a tracker's jump, where neither pass had them).
KEEP_PRESENCE_SLACK = 0.05


@dataclass(frozen=True)
class TrackFeatures:
    presence: float  # share of frames with the person found
    motion: float  # largest vertical range (p95 - p5) of hips or wrists, torso lengths
    travel: float  # horizontal range of the hip centre, torso lengths
    lying: float  # share of found frames with the torso further than LYING_DEG from upright

    @property
    def candidate(self) -> bool:
        return self.presence >= MIN_PRESENCE and self.travel <= MAX_TRAVEL

    @property
    def still(self) -> bool:
        return self.motion < STILL_MOTION

    @property
    def lies(self) -> bool:
        return self.lying >= 0.5


def track_features(xyz: np.ndarray) -> TrackFeatures:
    found = np.isfinite(xyz[:, :, 0]).any(axis=1)
    if found.sum() < 3:
        return TrackFeatures(float(found.mean()) if len(found) else 0.0, 0.0, np.inf, 0.0)
    x = xyz[found]
    sh = x[:, list(SHOULDERS), :2].mean(axis=1)
    hp = x[:, list(HIPS), :2].mean(axis=1)
    wr = x[:, list(WRISTS), :2].mean(axis=1)
    length = float(np.nanmedian(np.hypot(*(sh - hp).T)))
    if not np.isfinite(length) or length < 1.0:
        return TrackFeatures(float(found.mean()), 0.0, np.inf, 0.0)

    def spread(v: np.ndarray) -> float:
        v = v[np.isfinite(v)]
        return float(np.percentile(v, 95) - np.percentile(v, 5)) / length if len(v) else 0.0

    d = sh - hp
    angle = np.degrees(np.arctan2(np.abs(d[:, 0]), np.abs(d[:, 1])))  # 0 = upright
    return TrackFeatures(float(found.mean()), max(spread(hp[:, 1]), spread(wr[:, 1])),
                         spread(hp[:, 0]), float(np.nanmean(angle > LYING_DEG)))


def second_pass_needed(first_xyz: np.ndarray, someone_else_seen: bool) -> bool:
    """Whether to track the other person too.

    When the first track stands still, the model has followed a bystander: the lifter,
    if any, is someone else (seen by a probe or not: they may hide from the detector on
    the few probe frames). When the track leaps between bodies and a probe saw a second
    person, it may have changed people. A lifter tracked steadily costs nothing more,
    whoever else is in frame (a probe also "sees" people in plates and racks, now and
    then).
    """
    if track_features(first_xyz).still:
        return True
    return someone_else_seen and bool(find_jumps(first_xyz))


def choose_lifter(first: TrackFeatures, other: TrackFeatures) -> int:
    """0 for the person the first track started on, 1 for the other: the first unless
    the other clearly lifts.

    The other is the lifter if the first stands still while they move, or if they lie
    down (on the bench) and move while the first does not lie.
    """
    if not other.candidate or other.still:
        return 0
    if first.still and other.motion >= SWITCH_RATIO * first.motion:
        return 1
    return 1 if other.lies and not first.lies else 0


# --- putting it together --------------------------------------------------------------------


def lifter_series(first, second):
    """The lifter's landmarks from two tracks of the same frames (LandmarkSeries each):
    the first pass, and the pass with the first track painted out.

    The two are re-paired into one track per person (:func:`assign_identities`), and the
    person :func:`choose_lifter` picks is returned. Frames where that person was not
    found hold NaN, as any undetected frame does.

    When the first person is kept, the re-paired track replaces the first pass only if
    the re-pairing set a bystander apart (the other person stands still) without losing
    frames. A first track that merely flickers (a lifter lying under a bar, a mirror
    nearby) is otherwise re-paired with whatever the second pass found, which is worse
    than leaving it alone.
    """
    if len(first) != len(second) or not np.array_equal(first.frame_index, second.frame_index):
        return first  # cannot happen with the same chunks; never worse than one pass
    b_xyz = second.xyz.copy()
    b_vis = second.visibility.copy()
    b_world = None if second.world is None else second.world.copy()
    for i, (a, b) in enumerate(zip(torsos(first.xyz), torsos(b_xyz), strict=True)):
        if same_person(a, b):  # the painting missed and B found A's person again
            b_xyz[i], b_vis[i] = np.nan, 0.0
            if b_world is not None:
                b_world[i] = np.nan
    src = assign_identities(first.xyz, b_xyz)
    people = [_pick(first, b_xyz, b_vis, b_world, src[:, k]) for k in (0, 1)]
    feats = [track_features(p.xyz) for p in people]
    if choose_lifter(*feats) == 1:
        return people[1]
    kept = feats[0].presence >= track_features(first.xyz).presence - KEEP_PRESENCE_SLACK
    repaired = not np.array_equal(src[:, 0] == 0, np.isfinite(first.xyz[:, :, 0]).any(axis=1))
    return people[0] if repaired and feats[1].still and kept else first


def _pick(first, b_xyz, b_vis, b_world, source: np.ndarray):
    """One person's track: frame by frame from ``first`` (source 0), the second track
    (1) or nobody (-1)."""
    from_a, from_b = (source == 0), (source == 1)
    nan = np.full_like(first.xyz, np.nan)
    xyz = np.where(from_a[:, None, None], first.xyz,
                   np.where(from_b[:, None, None], b_xyz, nan))
    vis = np.where(from_a[:, None], first.visibility,
                   np.where(from_b[:, None], b_vis, 0.0)).astype(np.float32)
    world = None
    if first.world is not None and b_world is not None:
        world = np.where(from_a[:, None, None], first.world,
                         np.where(from_b[:, None, None], b_world, nan))
    return first.replace(xyz=xyz, visibility=vis, world=world)
