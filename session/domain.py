"""The fitting domain as the session flow sees it: questions, screening and the decision.

The flow talks to the domain through this small port, so that it can be tested on its
own with a scripted fake domain and so that the catalogue is bound in one place.
``FittingDomain`` is the real one: ``fitting.screen`` and ``fitting.decide`` with the
store's catalogue.
"""

from __future__ import annotations

from typing import Any, Protocol

from fitting.measurement import Measurement
from fitting.outcome import Outcome
from fitting.screener import QUESTION_IDS, Answers, screen


class Verdict(Protocol):
    """A screening or a decision: an ``Outcome`` and the reasons for it."""

    @property
    def outcome(self) -> Outcome: ...

    @property
    def reasons(self) -> Any: ...


class Domain(Protocol):
    """The fitting domain: the screener's question ids, ``screen`` and ``decide``."""

    def question_ids(self) -> tuple[str, ...]: ...

    def screen(self, answers: Answers) -> Verdict: ...

    def decide(self, measurement: Measurement, answers: Answers) -> Verdict: ...


class FittingDomain:
    """The real domain: ``fitting.screener`` and ``fitting.recommend`` with one catalogue."""

    def __init__(self, catalogue: Any) -> None:
        self._catalogue = catalogue

    @property
    def catalogue(self) -> Any:
        return self._catalogue

    def question_ids(self) -> tuple[str, ...]:
        return QUESTION_IDS

    def screen(self, answers: Answers) -> Verdict:
        return screen(answers)

    def decide(self, measurement: Measurement, answers: Answers) -> Verdict:
        from fitting.recommend import decide

        return decide(measurement, answers, self._catalogue)
