"""Hip against knee height at the bottom of a squat, allowing for a camera above (or
below) the thighs.

Read straight off the image, hip-versus-knee height is only right with the camera at about
the thighs' height. From above, a knee nearer the camera than its hip is drawn lower than
it is, so front-oblique views read too shallow; a knee further away is drawn higher, so
rear-oblique views read too deep. The error is the knee's depth offset from the hip times
the tangent of the camera's elevation, and the image alone gives neither. With the exact
joint centres of synthetic squats (`repcheck synth`, cameras 0.8-2.0 m high, azimuths
side, 30° to the front and 30° to the back, seeds 401-430) the plain image reading is off
by -3.2 cm (median) and up to -19 cm; front obliques from 1.4-2.0 m read 10-20 cm shallow.

Two references that look natural do not work on BlazePose's landmarks:

* "Down" from the standing legs and trunk in world landmarks (metres, camera-aligned
  axes): the model draws a standing lifter upright whatever the camera's pitch. Cameras
  pitched 17° down read -3° to +8°, one pitched 10° read 9°.
* The feet as a level line on the floor: they are far below the thighs, where the
  perspective differs (about twice as steep from 1 m), and BlazePose draws the synthetic
  feet nearly flat in the image whatever the camera height.

The reference used is a level line at the thighs' own height: **the line through the two
knees at the bottom**, where both knees are at the same height. Its image slope against
the knees' depth separation in world landmarks says how many pixels lower a point is
drawn per metre nearer the camera at that height (the *level gain*). A thigh whose knee
is ``dz`` metres nearer the camera than its hip is drawn ``gain * dz`` pixels knee-low,
and the margin gets that back. BlazePose's world depth is compressed (about 0.65 of the
true depth on synthetic obliques), but the same factor scales the knee line and the
thigh, so it cancels. With exact joints and depths this reads depth to -0.2 ± 0.3 cm at
every camera height and azimuth above; BlazePose's own figures are in the depth check's
source text. Where the far knee is hidden behind the lifter (rear views) BlazePose draws
it near the near knee's height, the slope comes out too small and the reading stays too
deep; the hips' line instead was right from behind but 4 cm off from the front, and on
real rear clips it put the camera below the hips, so it is not used.

When the reference cannot be trusted the answer is "can't judge", with the reason: the
thigh drawn at under half its length (it points at or away from the camera), the knees at
the same depth while the thigh is not (nothing to measure the camera's height with), a
narrow pass with the camera at about the knees' height (where BlazePose reads deep), a
gain no real camera gives (a misplaced far knee, or a camera so high that BlazePose's
flattened knee line under-corrects), a correction too large to rest on, a narrow pass with
the knee pointing away from the camera, or a fail with it pointing towards a camera well
above that is narrow or rests on knee depths flatter than the drawn thigh shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from repcheck.pose.landmarks import LandmarkSeries, landmark_index
from repcheck.pose.signal import nan_median

#: Below this share of its full image length the thigh points at or away from the camera
#: and its height difference rests mostly on the depth estimate. Synthetic squats that
#: were tracked showed 0.54-0.98 at the bottom; 0.32-0.46 only where BlazePose had lost
#: the leg. A real front-oblique squat filmed from hip height shows 0.46.
MIN_THIGH_SHOWN = 0.5
#: Below this depth span between the level line's ends (world metres) the line lies
#: across the image and its slope says nothing about the camera's height. Knee lines of
#: tracked oblique and side views spanned 0.17-0.59 m.
MIN_LEVEL_SPAN_M = 0.08
#: A thigh whose knee is within this depth of its hip (world metres) is across the image:
#: the camera's height does not change its reading, so no level line is needed.
ACROSS_IMAGE_M = 0.05
#: Largest believable level gain, in thigh lengths drawn lower per world metre nearer the
#: camera, as BlazePose's landmarks give it. Tracked synthetic clips read 0.0-0.85 (0.85
#: from 2 m up); every value above 1.0 came from a misplaced far knee (clips whose hip or
#: knee were 6-26 % of thigh off), as did two real rear views (1.2-1.3). The renderer's
#: exact joints give more (0.74 from 1.4 m): BlazePose draws the knee line flatter. It was
#: 1.0: from 1.8 m, 30° off the side towards the front (seeds 8054-8055), gains of 0.86
#: and 0.89 went with corrections of 5-13 % where the exact joints need 34 % (over
#: MAX_LEVEL_PCT): clean reps 4-5 cm below parallel read 1 cm below and 1 cm above. Front
#: oblique reps with gains up to 0.76 read within 3 cm.
MAX_LEVEL_GAIN = 0.85
#: A thigh pointing away from the camera (knee further than the hip) is drawn knee-high from
#: above, and the correction falls short there: the far knee is hidden behind the lifter
#: and drawn near the near knee's height. Tracked synthetic reps whose knee pointed away
#: read +8 % of thigh too deep (median; 90th percentile +15.8 %, worst +18 %; 45° behind
#: the side +9 %, 30° behind -3 %). A pass closer than this is "can't judge"; a fail
#: stands, the truth being shallower still.
AWAY_MIN_PASS_PCT = 15.0
#: A thigh pointing towards a camera above is drawn knee-low, and the correction can fall
#: short there too: BlazePose draws the knee line flatter than the joints lie. Tracked
#: synthetic reps whose knee pointed towards a camera 1.0-1.8 m up read a median 0.5 % of
#: thigh too shallow after the correction, worst 6.2 % (30° off the side to the front,
#: 1.4 m; seeds 8032-8055 and 8502; the larger shortfalls from 1.6-1.8 m come with
#: flattened knee depths, :data:`MIN_DEPTH_AGREEMENT`). A fail closer than this is "can't
#: judge"; a pass stands.
TOWARDS_MIN_FAIL_PCT = 5.0
#: ... where the level gain shows a camera well above the knees. From 0.6 m the gains were
#: 0.0-0.13 and the corrected margins never too shallow (-0.5 to +4.8 cm, seeds 8032-8049
#: and 8700-8705), so fails there stand; from 1.0-1.8 m the shallow readings came with
#: gains of 0.26-0.89 (one of 0.06).
TOWARDS_MIN_GAIN = 0.2
#: A thigh drawn at ``shown`` of its length points about ``sqrt(1 - shown²)`` of its world
#: length towards (or away from) the camera. Where BlazePose's world depths put the knee
#: less than this share of that nearer, they are flattened and the correction falls well
#: short: on tracked synthetic front obliques the share was 0.61-0.91 where the corrected
#: margin was within 3 % of thigh (1.0-1.4 m up), 0.41-0.62 on reps 3-13 % too shallow
#: (1.4-1.8 m) and 0.30-0.45 on every rep 16-27 % too shallow (1.8 m up, lifters
#: 1.55-1.6 m: clean reps 4-6 cm below parallel failed); seeds 8032-8055, 8800-8831. A
#: fail on a thigh pointing towards a camera above with less is "can't judge".
MIN_DEPTH_AGREEMENT = 0.5
#: ... read only on thighs drawn under this share of their length. Side views draw the
#: thigh at 0.81-1.0 (BlazePose; the camera's elevation and the hip point shorten it a
#: little), where it points little at the camera and that shortening says nothing of it.
ACROSS_SHOWN = 0.8
STEEP_REASON = ("the two knees' heights put the camera steeper above the lifter than can be "
                "allowed for (the far knee is probably misplaced, or the camera is high above "
                "thighs pointing towards it); film from about hip height")
#: A level gain under this: a camera at about the knees' height at the bottom, or a near
#: knee drawn high (the knee line runs through it). Either way BlazePose reads the depth
#: too deep there. From 0.6 m with the lifter facing right (seeds 8008-8009, 8048-8049,
#: 8506, 8700-8705, 8909-8911, 8927-8929) it draws the near knee 10-12 % of thigh high on
#: obliques and depth read 1.2-5.8 cm too deep (median 3.3 cm; held out 6009-6011,
#: 6027-6029: 1.3-5.0, median 3.0), with gains of -0.24 to 0.21 (so no correction);
#: facing left the median was +1.0 cm (held out +0.4). Gains from 1.0 m were 0.0-0.31
#: either way; 0.4 and more from 1.4 m up.
LOW_MAX_GAIN = 0.3
#: ... where a pass closer than this (% of thigh, offset included) is "can't judge". Reps
#: 3-4 cm above parallel that passed read 0.7-2.7 % (tuning: 8701, 8911, 8928, from 0.6 m)
#: and 0.5-3.2 % (held out: 6014, 6015, 6027, from 0.6-1.0 m), gains 0.01-0.2; no rep
#: truly 3 cm or more below parallel read under 5.9 % there. A real side view filmed from
#: about knee height (kaiakol squat_incorrect_002, knees at 48°) reads 4 % and stays judged.
LOW_MIN_PASS_PCT = 3.5
#: Largest correction (% of thigh) a verdict may rest on. Tracked synthetic corrections
#: reached 16 % (front oblique from 1.4 m) and were right to 1-2.5 cm.
MAX_LEVEL_PCT = 25.0


@dataclass(frozen=True)
class ThighLevel:
    """How far the hip sits below the knee over a rep's bottom frames, in % of thigh."""

    margin_pct: float  # max over the frames of image margin + level correction
    image_pct: float  # the same read straight off the image (no correction)
    level_pct: float  # median correction added for the camera's height
    thigh_px: float
    shown: float  # median image length of the thigh at the bottom / its full length
    gain: float = float("nan")  # level gain (thigh lengths per metre), NaN without one
    knee_near_m: float = float("nan")  # how much nearer the camera the knee is (world m)
    #: knee_near_m over the nearness the thigh's drawn length implies (NaN if unknown)
    depth_agreement: float = float("nan")
    reason: str | None = None  # why it can't be judged, if it can't

    def unconfirmed_fail(self, margin_pct: float) -> str | None:
        """Why a fail by ``margin_pct`` (offset included) can't be confirmed, if so."""
        if (not self.knee_near_m > ACROSS_IMAGE_M or not self.gain >= TOWARDS_MIN_GAIN
                or not margin_pct < 0):
            return None
        if self.depth_agreement < MIN_DEPTH_AGREEMENT:
            return (f"the thigh points towards a camera above it, and the model puts the "
                    f"knee only {self.depth_agreement:.0%} as much nearer the camera as the "
                    "drawn thigh shows, so the correction for the camera's height falls "
                    "short and the hip reads too high; film from about hip height or more "
                    "from the side")
        if not -TOWARDS_MIN_FAIL_PCT < margin_pct:
            return None
        return (f"the thigh points towards a camera above it, which draws the knee lower "
                f"than it is by more than can always be allowed for (up to "
                f"{TOWARDS_MIN_FAIL_PCT:.0f}% of thigh length), so a hip "
                f"{-margin_pct:.0f}% of thigh length above the knee can't be confirmed; "
                "film from about hip height or more from the side")

    def unconfirmed_pass(self, margin_pct: float) -> str | None:
        """Why a pass by ``margin_pct`` (offset included) can't be confirmed, if so."""
        if self.gain < LOW_MAX_GAIN and 0 <= margin_pct < LOW_MIN_PASS_PCT:
            return (f"the camera is at about the knees' height (or the model drew the near "
                    f"knee high), where squats read too deep: hips 3 cm above parallel read up "
                    f"to 3.2% of thigh length below the knee, so a hip "
                    f"{margin_pct:.0f}% of thigh length below it can't be confirmed; film from "
                    "about hip height")
        if not self.knee_near_m < -ACROSS_IMAGE_M or not 0 <= margin_pct < AWAY_MIN_PASS_PCT:
            return None
        return (f"the thigh points away from the camera, which draws the knee higher than "
                f"it is by more than can be allowed for (up to {AWAY_MIN_PASS_PCT:.0f}% of "
                f"thigh length), so a hip {margin_pct:.0f}% of thigh length below the knee "
                "can't be confirmed; film more from the side")


def thigh_level(series: LandmarkSeries, motion: LandmarkSeries, side: str,
                w: slice) -> ThighLevel | None:
    """Depth over frames ``w`` for the ``side`` thigh. ``series`` holds the judged
    (cleaned) landmarks, ``motion`` the ones kept with a low visibility floor: the far knee
    is often half hidden yet placed well enough for a level line. None when the hip or
    knee was never seen."""
    hip, knee = series.xy(f"{side}_hip"), series.xy(f"{side}_knee")
    shown, thigh = thigh_shown(series, side, w)
    image = (hip[w, 1] - knee[w, 1]) / thigh * 100.0
    if not np.isfinite(image).any() or not np.isfinite(shown):
        return None
    base = dict(image_pct=float(np.nanmax(image)), thigh_px=thigh, shown=shown)
    if shown < MIN_THIGH_SHOWN:
        return ThighLevel(float("nan"), level_pct=float("nan"), **base, reason=(
            f"at the bottom the thigh is drawn at {shown:.0%} of its length: it points at "
            "or away from the camera, or the model lost the leg; film more from the side"))
    if motion.world is None:  # files saved before world landmarks: the image as it is
        return ThighLevel(float(np.nanmax(image)), level_pct=0.0, **base)
    return _corrected(motion, side, w, image, thigh, base)


def thigh_shown(series: LandmarkSeries, side: str, w: slice) -> tuple[float, float]:
    """(median image length of the ``side`` thigh over frames ``w`` / its full length,
    full length in px). The full length is the 90th percentile over the clip: its least
    foreshortened value."""
    length = np.linalg.norm(series.xy(f"{side}_hip") - series.xy(f"{side}_knee"), axis=1)
    thigh = float(np.nanpercentile(length, 90))
    return float(np.nanmedian(length[w])) / thigh, thigh


def _corrected(motion: LandmarkSeries, side: str, w: slice, image: np.ndarray,
               thigh: float, base: dict) -> ThighLevel:
    near = (world_depth(motion, f"{side}_hip", w) - world_depth(motion, f"{side}_knee", w))
    near_m = nan_median(near)
    gain_px, span = level_gain(motion, w)
    gain = gain_px / thigh
    steep = span >= MIN_LEVEL_SPAN_M and gain > MAX_LEVEL_GAIN
    # Checked before the across-the-image shortcut for a foreshortened thigh: one
    # BlazePose puts across the image from a camera this steep may point at it with its
    # depth flattened (from 1.8 m, 30° off the side to the front, the knee was put
    # 0.02-0.05 m nearer than the hip and clean reps 3-7 cm below parallel read 4-9 cm
    # above; their gains 0.93-1.25 with the thigh drawn at 0.62-0.77 of its length; seeds
    # 8805, 8811, 9999). A thigh drawn at ACROSS_SHOWN or more lies across the picture
    # whatever the far knee says: side views at 1.0 m with a misplaced far knee read gains
    # of 1.08-1.37 with the thigh drawn at 0.81-0.93, and their depths were right.
    if steep and base["shown"] < ACROSS_SHOWN:
        return _unjudged(base, STEEP_REASON, gain=gain, knee_near_m=near_m)
    if not abs(near_m) > ACROSS_IMAGE_M:  # across the image: the camera's height is moot
        # ... for the reading, but the gain still tells a camera at knee height (LOW_MAX_GAIN)
        return ThighLevel(float(np.nanmax(image)), level_pct=0.0, **base, knee_near_m=near_m,
                          gain=gain if span >= MIN_LEVEL_SPAN_M else float("nan"))
    if not span >= MIN_LEVEL_SPAN_M:
        return _unjudged(base, "the knees are side by side to the camera, so its height "
                               "can't be allowed for while the thigh points towards or "
                               "away from it", knee_near_m=near_m)
    if steep:
        return _unjudged(base, STEEP_REASON, gain=gain, knee_near_m=near_m)
    # A phone below the knees at the bottom (under about 0.5 m) is rare; a negative gain
    # is far more often a misplaced far knee, so it is read as a camera at knee height.
    gain = max(gain, 0.0)
    level = gain * near * 100.0
    level_pct = float(np.nanmedian(level))
    if not abs(level_pct) <= MAX_LEVEL_PCT:
        return _unjudged(base, f"the camera is well above the thighs and they point "
                               f"{'towards' if near_m > 0 else 'away from'} it: the knee "
                               f"is drawn {abs(level_pct):.0f}% of thigh length off its "
                               f"height; film from about hip height",
                         gain=gain, knee_near_m=near_m)
    level = np.where(np.isfinite(level), level, level_pct)  # a frame without depths
    return ThighLevel(float(np.nanmax(image + level)), level_pct=level_pct, **base,
                      gain=gain, knee_near_m=near_m,
                      depth_agreement=depth_agreement(motion, side, near_m, base["shown"]))


def depth_agreement(motion: LandmarkSeries, side: str, near_m: float, shown: float) -> float:
    """``near_m`` (world metres the knee is nearer the camera than the hip) over what the
    thigh drawn at ``shown`` of its length implies: its world length (90th percentile over
    the clip) times ``sqrt(1 - shown²)``. NaN for a thigh drawn at ``ACROSS_SHOWN`` or
    more, which lies mostly across the picture."""
    if not shown < ACROSS_SHOWN:
        return float("nan")
    length = np.linalg.norm(motion.world[:, landmark_index(f"{side}_hip")]
                            - motion.world[:, landmark_index(f"{side}_knee")], axis=1)
    implied = float(np.nanpercentile(length, 90)) * np.sqrt(1.0 - shown ** 2)
    return abs(near_m) / implied


def _unjudged(base: dict, reason: str, **diag) -> ThighLevel:
    return ThighLevel(float("nan"), level_pct=float("nan"), **base, **diag, reason=reason)


def world_depth(series: LandmarkSeries, name: str, w: slice) -> np.ndarray:
    return series.world[w, landmark_index(name), 2]


def level_gain(series: LandmarkSeries, w: slice) -> tuple[float, float]:
    """(gain in px per world metre, median knee depth span in metres) over frames ``w``:
    the least-squares slope of the knee line's image height difference (left - right)
    against its world depth difference. Nearer the camera is drawn lower from above, so
    the gain is positive for a camera above the knees and negative for one below."""
    dy = series.xy("left_knee")[w, 1] - series.xy("right_knee")[w, 1]
    dz = world_depth(series, "left_knee", w) - world_depth(series, "right_knee", w)
    ok = np.isfinite(dy) & np.isfinite(dz)
    if not ok.any() or not np.any(dz[ok]):
        return float("nan"), float("nan")
    gain = -float(np.sum(dy[ok] * dz[ok]) / np.sum(dz[ok] ** 2))
    return gain, float(np.median(np.abs(dz[ok])))
