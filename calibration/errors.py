"""Typed calibration errors; each message names the problem for staff."""

from fitting.errors import LegFitError


class CalibrationInvalid(LegFitError):
    """A calibration file is missing, corrupt, truncated or inconsistent."""


class MatNotFound(LegFitError):
    """Too few floor-mat markers are visible to place the camera."""


class BoardNotFound(LegFitError):
    """No calibration board could be found in the images."""
