"""Pictures drawn in the app with QPainter: donning steps, guidance, the turn, purposes.

Why drawn and not photos: they scale to any screen, need no licence, show no real
person, and carry one clear idea each (a red cross on the wrong way, a green tick on the
right one). Every picture is drawn in a 100 x 100 unit box centred in the target rect.
The drawings live in ``ui.drawings``, one module per theme; this module keys them.

``DONNING_ILLUSTRATIONS`` holds one picture per donning illustration key of the fitting
domain; ``GUIDANCE_ILLUSTRATIONS`` one per measuring guidance key.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.drawings.donning_rules import RULE_PICTURES
from ui.drawings.donning_steps import STEP_PICTURES
from ui.drawings.guidance import GUIDANCE_ILLUSTRATIONS, mat_picture
from ui.drawings.kit import Painter
from ui.drawings.purposes import PURPOSE_PICTURES
from ui.drawings.warnings import WARNING_PICTURES
from ui.theme import Colours

__all__ = ["ALL_ILLUSTRATIONS", "DONNING_ILLUSTRATIONS", "GUIDANCE_ILLUSTRATIONS",
           "OTHER_ILLUSTRATIONS", "IllustrationView", "Painter", "draw_illustration",
           "mat_picture"]

DONNING_ILLUSTRATIONS: dict[str, Painter] = {
    **STEP_PICTURES,
    **RULE_PICTURES,
    **WARNING_PICTURES,
}

OTHER_ILLUSTRATIONS: dict[str, Painter] = {
    **PURPOSE_PICTURES,
    "turn": GUIDANCE_ILLUSTRATIONS["turn_to_side"],
}

ALL_ILLUSTRATIONS: dict[str, Painter] = {
    **DONNING_ILLUSTRATIONS,
    **{f"guidance.{k}": v for k, v in GUIDANCE_ILLUSTRATIONS.items()},
    **OTHER_ILLUSTRATIONS,
}


def draw_illustration(painter: QPainter, rect: QRectF, key: str, colours: Colours) -> None:
    """Draw picture ``key`` into ``rect``, keeping its square shape, centred.

    Raises KeyError for an unknown key: a missing picture is a bug, not a blank.
    """
    draw = ALL_ILLUSTRATIONS[key]
    side = min(rect.width(), rect.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    painter.scale(side / 100.0, side / 100.0)
    draw(painter, colours)
    painter.restore()


class IllustrationView(QWidget):
    """A widget that shows one picture, square, as large as its space allows."""

    def __init__(self, key: str | None = None, min_side_px: int = 120,
                 parent: QWidget | None = None, backdrop: str | None = None) -> None:
        super().__init__(parent)
        self._key = key
        # A disc behind the picture keeps it visible on a coloured (selected) button.
        self._backdrop = backdrop
        self.setMinimumSize(min_side_px, min_side_px)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def key(self) -> str | None:
        return self._key

    def set_key(self, key: str | None) -> None:
        if key is not None and key not in ALL_ILLUSTRATIONS:
            raise KeyError(f"no illustration {key!r}")
        self._key = key
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._key is None:
            return
        from ui.theme import theme_or_default

        painter = QPainter(self)
        rect = QRectF(self.rect())
        if self._backdrop is not None:
            side = min(rect.width(), rect.height())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(self._backdrop))
            painter.drawEllipse(rect.center(), side / 2, side / 2)
            rect = rect.adjusted(side * 0.14, side * 0.14, -side * 0.14, -side * 0.14)
        draw_illustration(painter, rect, self._key, theme_or_default().colours)
        painter.end()
