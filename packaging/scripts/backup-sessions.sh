#!/bin/sh
# Copy the session log with SQLite's online backup (consistent while the kiosk writes),
# check the copy, and keep the last N days. Usage: legfit-backup DB BACKUP_DIR DAYS
set -eu
db="$1"; dir="$2"; days="${3:-30}"
[ -f "$db" ] || { echo "legfit-backup: no session log at $db" >&2; exit 0; }
mkdir -p "$dir"
stamp="$(date +%Y-%m-%d)"
tmp="$dir/.sessions-$stamp.sqlite3.tmp"
out="$dir/sessions-$stamp.sqlite3"
rm -f "$tmp"
sqlite3 "$db" ".timeout 5000" ".backup '$tmp'"
result="$(sqlite3 "$tmp" 'PRAGMA integrity_check;')"
if [ "$result" != "ok" ]; then
    rm -f "$tmp"
    echo "legfit-backup: the copy of $db failed its integrity check: $result" >&2
    exit 1
fi
mv -f "$tmp" "$out"
find "$dir" -maxdepth 1 -name 'sessions-*.sqlite3' -mtime +"$days" -delete
echo "legfit-backup: $out"
