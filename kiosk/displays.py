"""Is there a screen to open a window on? Asked before Qt is touched, since Qt aborts the
whole process (not an exception) when it cannot reach a display."""

from __future__ import annotations

import os
from collections.abc import Mapping


def has_display(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
