"""Video files: probing (what is in the file) and decoding (upright RGB frames with real times).

These two modules and :mod:`repcheck.pose.extract` are the only places that import OpenCV,
and they import it inside functions so that importing the package stays cheap.
"""
