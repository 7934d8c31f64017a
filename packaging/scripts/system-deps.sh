#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages LegFit needs, only those missing.
# Qt's xcb platform (a real window, Xvfb), OpenGL/EGL for Qt, fonts, python3-venv,
# poppler (render PDFs back in tests), imagemagick (screenshots), sqlite3 (the kiosk's
# session-log backup script and its tests) and espeak-ng (the kiosk speaks its guidance to
# a shopper on the mat, in English and German; its tests render the speech to WAV files) and
# postgresql (the fleet's central store: its tests and bench/fleet_scale.py start a
# PostgreSQL server of their own, 15 or newer, in a temporary folder).
set -euo pipefail

packages=(
  python3-venv xvfb xauth
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
  libxkbcommon0 libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
  poppler-utils imagemagick sqlite3 espeak-ng
  postgresql
)

command -v dpkg-query >/dev/null 2>&1 || { echo "not a Debian/Ubuntu system: install the Qt xcb libraries by hand" >&2; exit 0; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
