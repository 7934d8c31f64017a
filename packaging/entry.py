"""The frozen bundle's entry point: the same ``legfit`` command as the installed script."""

from kiosk.cli import main

raise SystemExit(main())
