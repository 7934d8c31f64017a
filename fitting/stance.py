"""The stance a shopper takes on the mat: facing the camera, side-on, or neither.

Defined here, in the one package every layer may import, so the vision pipeline, the
calibration's mat, the session and the screens all speak of the same two stances.
"""

from __future__ import annotations

from enum import StrEnum


class Stance(StrEnum):
    FRONT = "front"
    SIDE = "side"
    NONE = "none"
