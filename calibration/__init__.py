"""The camera model: intrinsics, the floor mat and its pose, printable mats, calibration files.

No Qt here. Everything in millimetres (world, the mat frame of mat v1) or pixels (image).
"""
