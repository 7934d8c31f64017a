"""What the people at the kiosk ask of it: the screens' intents, one small type each.

A screen emits an intent; the session flow (``SessionFlow.handle``) and the kiosk's
controller route it by its type through an ``IntentRoutes`` table. An intent no table
routes is ignored (a stray tap is never an error). The payload of each intent is typed
here, so a screen and the flow cannot disagree on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from fitting.outcome import Purpose


@dataclass(frozen=True)
class Start:
    """Begin a session (the attract screen's button)."""


@dataclass(frozen=True)
class Next:
    """Go on from this screen."""


@dataclass(frozen=True)
class Back:
    """One screen back."""


@dataclass(frozen=True)
class StartOver:
    """Forget this session and go home."""


@dataclass(frozen=True)
class Touch:
    """Any touch: keeps the session alive."""


@dataclass(frozen=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True)
class ChoosePurpose:
    purpose: Purpose


@dataclass(frozen=True)
class AnswerQuestion:
    question_id: str
    yes: bool


@dataclass(frozen=True)
class ToldStaff:
    """On the emergency screen: the shopper has told a member of staff."""


@dataclass(frozen=True)
class FindFitting:
    """Staff look a session up by the fitting code the shopper brings (typed or scanned)."""

    code: str


@dataclass(frozen=True)
class OpenStaff:
    """Staff want in: the PIN screen."""


@dataclass(frozen=True)
class EnterPin:
    pin: str


@dataclass(frozen=True)
class EnterTape:
    """Girths staff measured with a tape, in the measurement JSON contract (left/right
    with ankle_mm, calf_mm, ...); the flow checks them and says what is wrong."""

    girths: Mapping[str, object]


@dataclass(frozen=True)
class SetPrescription:
    low_mmhg: int
    high_mmhg: int


@dataclass(frozen=True)
class OpenSetup:
    """Staff open the camera set-up."""


@dataclass(frozen=True)
class PrintSlip:
    """Print the fitting slip (the kiosk's printer)."""


@dataclass(frozen=True)
class Quit:
    """Staff close the kiosk."""


@dataclass(frozen=True)
class CaptureCalibration:
    """Staff start the camera calibration with the board."""


@dataclass(frozen=True)
class FindMat:
    """Staff find the floor mat in the camera's picture (the set-up's last step)."""


Intent = (Start | Next | Back | StartOver | Touch | ChooseLanguage | ChoosePurpose
          | AnswerQuestion | ToldStaff | OpenStaff | EnterPin | EnterTape | SetPrescription
          | OpenSetup | PrintSlip | Quit | CaptureCalibration | FindMat | FindFitting)

TargetT = TypeVar("TargetT")
IntentT = TypeVar("IntentT", bound=Intent)


class IntentRoutes(Generic[TargetT]):
    """A table from intent type to the handler that carries it out on a target.

    ``route(kind, handler)`` registers ``handler(target, intent)`` for intents of exactly
    ``kind``; ``dispatch`` returns the handler's result, or None when no route exists.
    """

    def __init__(self) -> None:
        self._routes: dict[type[object], Callable[[TargetT, Intent], bool]] = {}

    def route(self, kind: type[IntentT], handler: Callable[[TargetT, IntentT], bool]
              ) -> IntentRoutes[TargetT]:
        # Sound: dispatch only calls a handler with an intent of exactly its kind.
        self._routes[kind] = cast(Callable[[TargetT, Intent], bool], handler)
        return self

    def routes(self, kind: type[Intent]) -> bool:
        return kind in self._routes

    def dispatch(self, target: TargetT, intent: Intent) -> bool | None:
        handler = self._routes.get(type(intent))
        return None if handler is None else handler(target, intent)
