"""The kiosk session model: Qt-free, vision-free; the fitting domain is all it knows."""
