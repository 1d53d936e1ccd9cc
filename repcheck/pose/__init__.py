"""Pose: landmarks per frame, as a file-backed artifact between extraction and analysis.

Only :mod:`repcheck.pose.extract` touches mediapipe/OpenCV (inside functions). The other
modules here use numpy/scipy, so analysis and its tests run on saved
:class:`~repcheck.pose.landmarks.LandmarkSeries` files without the model.
"""
