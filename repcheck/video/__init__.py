"""Video files: probing (what is in the file), decoding (upright RGB frames with real
times) and the content-addressed library of clips.

``probe`` and ``decode`` are, with :mod:`repcheck.pose.extract`, the only modules that import
OpenCV, always inside functions (through :func:`repcheck.video.probe.load_cv2`), so that
importing the package stays cheap.
"""
