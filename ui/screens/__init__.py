"""The kiosk's screens, one module per part of the session."""
