"""The kiosk's one theme: palette, fonts and touch-target sizes, applied app-wide.

Why one theme: a shopper sees one calm, consistent, high-contrast application, and a
change of colour or size is made in one place. Widgets never call ``setStyleSheet``;
they set an ``objectName`` or a dynamic property (``role``) that this stylesheet styles.

Sizes follow the screen: touch targets are at least 15 mm on the glass (from the screen's
physical DPI, with a fallback when the display reports nonsense), and text scales with
the screen's width so a 1080x1920 and a 768x1366 portrait kiosk look alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QScreen
from PySide6.QtWidgets import QApplication

MIN_TOUCH_TARGET_MM = 15.0
# Used when the display reports no plausible physical DPI (virtual framebuffers, some
# HDMI panels report 0 mm or absurd sizes). 96 dpi is Qt's logical default.
FALLBACK_DPI = 96.0
PLAUSIBLE_DPI = (50.0, 600.0)
# The layout is designed on a 1080 px wide portrait kiosk; other widths scale from it.
DESIGN_WIDTH_PX = 1080
FONT_FAMILIES = ('"DejaVu Sans"', '"Noto Sans"', '"Liberation Sans"', "sans-serif")
THEME_PROPERTY = "legfit_theme_applied"


@dataclass(frozen=True)
class Colours:
    """Hex colours. Text on background pairs are checked for contrast in the tests."""

    background: str = "#F4F7FA"
    surface: str = "#FFFFFF"
    text: str = "#0E2233"
    muted_text: str = "#3B4C5C"
    primary: str = "#0A4F8F"
    primary_pressed: str = "#073A69"
    on_primary: str = "#FFFFFF"
    secondary: str = "#DCE6F0"
    on_secondary: str = "#0E2233"
    border: str = "#7D8FA1"
    accent: str = "#0F7B6C"
    emergency: str = "#A4161A"
    on_emergency: str = "#FFFFFF"
    warning: str = "#8A5300"
    warning_surface: str = "#FFF3DC"
    ok: str = "#1B6E3A"
    overlay_edge: str = "#00E5FF"
    overlay_landmark: str = "#FFD400"
    overlay_height: str = "#FF4FA3"
    footprint: str = "#39FF88"


@dataclass(frozen=True)
class Theme:
    """Everything size- and colour-related the screens need, in pixels for this screen."""

    colours: Colours
    scale: float
    touch_target_px: int
    body_px: int
    small_px: int
    title_px: int
    headline_px: int
    button_px: int
    spacing_px: int

    @classmethod
    def for_screen(cls, width_px: int, physical_dpi: float | None) -> Theme:
        """The theme for a screen ``width_px`` wide (portrait) with the given physical DPI."""
        scale = max(0.6, min(2.0, width_px / DESIGN_WIDTH_PX))
        touch = touch_target_px(physical_dpi)
        return cls(
            colours=Colours(),
            scale=scale,
            # Primary buttons are taller than the minimum: easier for shaky or older hands.
            touch_target_px=max(touch, round(120 * scale)),
            body_px=max(24, round(34 * scale)),
            small_px=max(20, round(26 * scale)),
            title_px=max(30, round(58 * scale)),
            headline_px=max(44, round(92 * scale)),
            button_px=max(22, round(38 * scale)),
            spacing_px=max(12, round(28 * scale)),
        )

    def px(self, design_px: float) -> int:
        """A length given for the 1080 px design, scaled to this screen."""
        return round(design_px * self.scale)


def plausible_dpi(physical_dpi: float | None) -> float:
    """The DPI to compute millimetres with: the reported one if plausible, else 96."""
    if physical_dpi is None:
        return FALLBACK_DPI
    low, high = PLAUSIBLE_DPI
    return physical_dpi if low <= physical_dpi <= high else FALLBACK_DPI


def touch_target_px(physical_dpi: float | None, min_mm: float = MIN_TOUCH_TARGET_MM) -> int:
    """The smallest touch target in pixels: ``min_mm`` on the glass, rounded up."""
    dpi = plausible_dpi(physical_dpi)
    return int(-(-min_mm * dpi // 25.4))


def theme_for(screen: QScreen | None, size_wh: tuple[int, int] | None = None) -> Theme:
    """The theme for a Qt screen; ``size_wh`` overrides its size (screenshots, tests)."""
    dpi = screen.physicalDotsPerInch() if screen is not None else None
    if size_wh is not None:
        width = size_wh[0]
    elif screen is not None:
        geometry = screen.geometry()
        width = min(geometry.width(), geometry.height())  # the kiosk runs portrait
    else:
        width = DESIGN_WIDTH_PX
    return Theme.for_screen(width, dpi)


def stylesheet(theme: Theme) -> str:
    """The one application stylesheet. Widgets are styled by objectName and ``role``."""
    c = theme.colours
    t = theme
    family = ", ".join(FONT_FAMILIES)
    radius = t.px(18)
    return f"""
* {{ font-family: {family}; }}
QWidget {{ background: {c.background}; color: {c.text}; font-size: {t.body_px}px; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {t.title_px}px; font-weight: bold; }}
QLabel[role="headline"] {{ font-size: {t.headline_px}px; font-weight: bold; }}
QLabel[role="body"] {{ font-size: {t.body_px}px; }}
QLabel[role="lead"] {{ font-size: {t.px(44)}px; }}
QLabel[role="small"] {{ font-size: {t.small_px}px; color: {c.muted_text}; }}
QLabel[role="step"] {{ font-size: {t.small_px}px; color: {c.muted_text}; font-weight: bold; }}
QLabel[role="guidance"] {{ font-size: {t.title_px}px; font-weight: bold; }}
QLabel[role="guidance"][accepted="true"] {{ color: {c.ok}; }}
QLabel[role="code"] {{ font-size: {t.headline_px}px; font-weight: bold;
    font-family: "DejaVu Sans Mono", monospace; letter-spacing: {t.px(6)}px; }}
QLabel[role="pin_display"] {{ font-size: {t.headline_px}px; font-weight: bold;
    letter-spacing: {t.px(12)}px; }}
QLabel[role="error"] {{ color: {c.emergency}; font-weight: bold; }}
QLabel[role="emergency_number"] {{ font-size: {t.px(260)}px; font-weight: bold;
    color: {c.on_emergency}; }}
QLabel[role="on_emergency"] {{ color: {c.on_emergency}; font-size: {t.title_px}px;
    font-weight: bold; }}
QLabel[role="on_emergency_body"] {{ color: {c.on_emergency}; font-size: {t.px(40)}px; }}
QFrame[role="card"] {{ background: {c.surface}; border: {max(1, t.px(2))}px solid {c.border};
    border-radius: {radius}px; }}
QFrame[role="notice"] {{ background: {c.warning_surface}; border: {max(1, t.px(2))}px solid
    {c.warning}; border-radius: {radius}px; }}
QFrame[role="emergency"] {{ background: {c.emergency}; border-radius: {radius}px; }}
QFrame[role="card"] QLabel, QFrame[role="notice"] QLabel,
QFrame[role="emergency"] QLabel {{ background: transparent; border: none; }}
QPushButton {{ min-height: {t.touch_target_px}px; min-width: {t.touch_target_px}px;
    font-size: {t.button_px}px; font-weight: bold; border-radius: {radius}px;
    padding: {t.px(10)}px {t.px(28)}px; background: {c.primary}; color: {c.on_primary};
    border: {max(1, t.px(3))}px solid {c.primary}; }}
QPushButton:pressed {{ background: {c.primary_pressed}; }}
QPushButton:focus {{ outline: none; border-color: {c.accent}; }}
QPushButton[role="secondary"] {{ background: {c.secondary}; color: {c.on_secondary};
    border-color: {c.border}; }}
QPushButton[role="secondary"]:pressed {{ background: {c.border}; }}
QPushButton[role="choice"] {{ background: {c.surface}; color: {c.text};
    border-color: {c.primary}; text-align: left; padding-left: {t.px(40)}px; }}
QPushButton[role="choice"]:pressed {{ background: {c.secondary}; }}
QPushButton[role="choice"][selected="true"] {{ background: {c.primary}; color: {c.on_primary}; }}
QPushButton[role="choice"][selected="true"] QLabel {{ color: {c.on_primary}; }}
QPushButton[height_class="large"] {{ min-height: {t.px(150)}px; }}
QPushButton[height_class="tall"] {{ min-height: {t.px(220)}px; }}
QPushButton[role="answer"] {{ font-size: {t.title_px}px; min-height: {t.px(200)}px; }}
QPushButton[role="key"] {{ font-size: {t.title_px}px; min-height: {t.px(150)}px;
    background: {c.surface}; color: {c.text}; border-color: {c.border}; }}
QPushButton[role="key"]:pressed {{ background: {c.secondary}; }}
QPushButton[role="quiet"] {{ background: transparent; color: {c.muted_text};
    border-color: transparent; font-size: {t.small_px}px; font-weight: normal; }}
QPushButton[role="emergency"] {{ background: {c.surface}; color: {c.emergency};
    border-color: {c.surface}; }}
QPushButton:disabled {{ background: {c.secondary}; color: {c.muted_text};
    border-color: {c.secondary}; }}
QLineEdit, QDoubleSpinBox, QSpinBox {{ min-height: {touch_target_px(None)}px;
    background: {c.surface}; border: {max(1, t.px(2))}px solid {c.border};
    border-radius: {t.px(8)}px; padding: 0 {t.px(12)}px; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ min-height: {touch_target_px(None)}px; padding: 0 {t.px(20)}px;
    font-size: {t.small_px}px; font-weight: bold; background: {c.secondary};
    color: {c.text}; border-top-left-radius: {t.px(10)}px;
    border-top-right-radius: {t.px(10)}px; margin-right: {t.px(4)}px; }}
QTabBar::tab:selected {{ background: {c.primary}; color: {c.on_primary}; }}
QTableWidget {{ background: {c.surface}; font-size: {t.small_px}px;
    gridline-color: {c.secondary}; }}
QHeaderView::section {{ background: {c.secondary}; color: {c.text}; font-weight: bold;
    font-size: {t.small_px}px; padding: {t.px(6)}px; border: none; }}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{ width: {t.px(24)}px; background: {c.secondary}; }}
QScrollBar::handle:vertical {{ background: {c.border}; border-radius: {t.px(10)}px;
    min-height: {t.px(80)}px; }}
"""


def palette(theme: Theme) -> QPalette:
    """A palette matching the stylesheet, for what stylesheets do not reach (painting)."""
    c = theme.colours
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(c.background))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(c.text))
    pal.setColor(QPalette.ColorRole.Base, QColor(c.surface))
    pal.setColor(QPalette.ColorRole.Text, QColor(c.text))
    pal.setColor(QPalette.ColorRole.Button, QColor(c.primary))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(c.on_primary))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(c.primary))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor(c.on_primary))
    return pal


def apply_theme(app: QApplication, theme: Theme | None = None) -> Theme:
    """Apply the theme to the whole application, once; returns the theme in force.

    A second call with no theme (or the same one) returns the theme already applied and
    changes nothing, so every window can ask for it without restyling the application.
    Passing a different theme replaces it (e.g. rendering another screen size).
    """
    current = current_theme(app)
    # Restyling the application re-polishes every widget it has: never do it for nothing.
    if current is not None and (theme is None or theme == current):
        return current
    if theme is None:
        theme = theme_for(QGuiApplication.primaryScreen())
    app.setPalette(palette(theme))
    font = QFont("DejaVu Sans")
    font.setPixelSize(theme.body_px)
    app.setFont(font)
    app.setStyleSheet(stylesheet(theme))
    app.setProperty(THEME_PROPERTY, theme)
    return theme


def current_theme(app: QApplication | None = None) -> Theme | None:
    """The theme applied to ``app`` (the running application by default), if any."""
    running = app or QApplication.instance()
    if running is None:
        return None
    value = running.property(THEME_PROPERTY)
    return value if isinstance(value, Theme) else None


def theme_or_default() -> Theme:
    """The applied theme, or the design-size default (widgets drawn outside the app)."""
    return current_theme() or Theme.for_screen(DESIGN_WIDTH_PX, None)


def contrast_ratio(foreground_hex: str, background_hex: str) -> float:
    """WCAG 2 contrast ratio between two colours (1..21)."""

    def luminance(hex_colour: str) -> float:
        colour = QColor(hex_colour)
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground_hex), luminance(background_hex)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tag(widget, **properties: object) -> None:
    """Set stylesheet properties on a widget (``height_class="large"``) and re-polish it."""
    for name, value in properties.items():
        widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_role(widget, role: str, **properties: object) -> None:
    """Tag a widget for the stylesheet (and re-polish it if it was already styled)."""
    widget.setProperty("role", role)
    for name, value in properties.items():
        widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
