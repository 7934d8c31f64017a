"""The fitting domain as the session flow sees it: questions, screening and the decision.

The flow talks to the domain through this small port, so that it can be tested on its
own with a scripted fake domain and so that the catalogue is bound in one place.
``FittingDomain`` is the real one: ``fitting.screen`` and ``fitting.decide`` with the
store's catalogue.
"""

from __future__ import annotations

from typing import Protocol

from fitting.catalogue import Catalogue
from fitting.measurement import Measurement
from fitting.recommend import Decision, decide
from fitting.screener import QUESTION_IDS, Answers, Screening, screen

# A screening (the answers alone) or a decision (answers and measurement): an ``Outcome``
# and the reasons for it.
Verdict = Screening | Decision


class Domain(Protocol):
    """The fitting domain: the screener's question ids, ``screen`` and ``decide``."""

    def question_ids(self) -> tuple[str, ...]: ...

    def screen(self, answers: Answers) -> Screening: ...

    def decide(self, measurement: Measurement, answers: Answers) -> Decision: ...


class FittingDomain:
    """The real domain: ``fitting.screener`` and ``fitting.recommend`` with one catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def question_ids(self) -> tuple[str, ...]:
        return QUESTION_IDS

    def screen(self, answers: Answers) -> Screening:
        return screen(answers)

    def decide(self, measurement: Measurement, answers: Answers) -> Decision:
        return decide(measurement, answers, self._catalogue)
