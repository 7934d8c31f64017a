"""Typed vision errors; each message is one sentence for a shopper, staff or stderr."""

from fitting.errors import LegFitError


class CameraUnavailable(LegFitError):
    """The camera cannot be opened, or it stopped delivering frames."""


class VideoUnreadable(LegFitError):
    """A video or image file is missing, corrupt or truncated."""


class MeasurementRefused(LegFitError):
    """The frames cannot be measured; the message says why ("calves covered")."""


class NoPersonInView(MeasurementRefused):
    """Nobody (or no lower legs) in view."""
