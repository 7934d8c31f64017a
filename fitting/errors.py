"""The project's base error.

Every failure a person can cause or meet (bad input, a missing camera, an invalid file)
is a subclass of ``LegFitError`` whose ``str()`` is one clear sentence fit to show on
screen or print on stderr. Anything else is a bug.
"""


class LegFitError(Exception):
    """A failure with a message meant for a person, not a traceback."""


class InputInvalid(LegFitError):
    """A measurement, answers or other input file is missing, unreadable or malformed."""
