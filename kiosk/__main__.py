from kiosk.cli import entry_point

raise SystemExit(entry_point())
