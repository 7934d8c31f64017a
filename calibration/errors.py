"""Typed calibration errors; each message names the problem for staff."""

from fitting.errors import LegFitError


class CalibrationInvalid(LegFitError):
    """A calibration file is missing, corrupt, truncated or inconsistent."""


class MatNotFound(LegFitError):
    """Too few floor-mat markers are visible to place the camera."""


class BoardNotFound(LegFitError):
    """No calibration board could be found in the images."""


class BoardSpecInvalid(LegFitError):
    """A calibration board spec string is malformed or describes an impossible board."""


class ImageUnreadable(LegFitError):
    """A file given as an image cannot be read as one."""


class CalibrationFailed(LegFitError):
    """Intrinsics could not be computed: too few good views, mixed image sizes..."""
