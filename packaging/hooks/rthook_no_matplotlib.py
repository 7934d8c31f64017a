"""PyInstaller runtime hook: a stand-in for matplotlib inside the bundle.

MediaPipe's ``solutions`` package imports ``matplotlib.pyplot`` at import time for one
plotting helper (``drawing_utils.plot_landmarks``) that LegFit never calls. Bundling the
real plotting stack would add ~70 MB (matplotlib, fontTools, Pillow, kiwisolver) to every
kiosk for nothing. This hook registers empty ``matplotlib`` and ``matplotlib.pyplot``
modules so that import succeeds; touching anything in them raises ImportError naming why.
It does nothing when the real matplotlib can be found.
"""

import importlib.util
import sys
import types


class _NotBundled(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise ImportError(f"{self.__name__}.{name}: matplotlib is not part of the LegFit bundle")


def _install() -> None:
    if "matplotlib" in sys.modules or importlib.util.find_spec("matplotlib") is not None:
        return
    package = _NotBundled("matplotlib")
    package.__path__ = []
    pyplot = _NotBundled("matplotlib.pyplot")
    package.pyplot = pyplot
    sys.modules["matplotlib"] = package
    sys.modules["matplotlib.pyplot"] = pyplot


_install()
