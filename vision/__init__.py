"""Frames in, leg measurements out: sources, pose, segmentation, stance, metric geometry.

No Qt here. MediaPipe is touched only by ``vision.pose_mediapipe`` (the adapter); every
other module sees LegFit's own types from ``vision.types``.
"""
