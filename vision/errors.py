"""Typed vision errors; each message is one sentence for a shopper, staff or stderr."""

from fitting.errors import LegFitError
from fitting.measurement import Leg


class CameraUnavailable(LegFitError):
    """The camera cannot be opened, or it stopped delivering frames."""


class VideoUnreadable(LegFitError):
    """A video or image file is missing, corrupt or truncated."""


class MeasurementRefused(LegFitError):
    """The frames cannot be measured; the message says why ("calves covered").

    ``view`` ("front" or "side") and ``leg`` (a ``Leg``) say where it was decided,
    when it was decided on one view or one leg (the debug images draw the reason there).
    """

    def __init__(self, message: str, *, view: str | None = None, leg: Leg | None = None):
        super().__init__(message)
        self.view = view
        self.leg = leg


class NoPersonInView(MeasurementRefused):
    """Nobody (or no lower legs) in view."""
