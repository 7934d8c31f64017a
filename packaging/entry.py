"""The frozen bundle's entry point: the same ``legfit`` command as the installed script."""

from kiosk.cli import entry_point

raise SystemExit(entry_point())
