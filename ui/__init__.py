"""LegFit's screens: PySide6 views that render fitting and vision data and emit intents.

``ui.main_window.KioskWindow`` holds one screen per session-flow state; ``ui.theme`` the
one app-wide look; ``ui.i18n`` every string in English and German; ``ui.slip`` the
printed fitting slip; ``python -m ui.screenshots OUTDIR`` renders every screen. The ui
never imports the kiosk package: the kiosk observes its flow and tells the window what
to show.
"""
