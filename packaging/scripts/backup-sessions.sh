#!/bin/sh
# Copy the session log with SQLite's online backup (consistent while the kiosk writes),
# check the copy, and delete the copies, and the corrupt logs the kiosk set aside, that are
# older than the retention. Usage: legfit-backup DB BACKUP_DIR [DAYS]
# DAYS: the retention in days; without it $LEGFIT_RETENTION_DAYS, else 400. Keep it equal
# to the kiosk's "session_retention_days" (the age after which the log deletes a session).
set -eu
db="$1"; dir="$2"; days="${3:-${LEGFIT_RETENTION_DAYS:-400}}"
case "$days" in
    '' | *[!0-9]*) days_ok=no ;;
    *) if [ "$days" -ge 1 ]; then days_ok=yes; else days_ok=no; fi ;;
esac
if [ "$days_ok" != yes ]; then
    echo "legfit-backup: the retention must be a whole number of days, 1 or more, not '$days'" >&2
    exit 2
fi

# Retention first, whatever happens to tonight's copy: older than DAYS by the time they
# were written (a copy holds the sessions of the DAYS before it was taken).
if [ -d "$dir" ]; then
    find "$dir" -maxdepth 1 -type f -name 'sessions-*.sqlite3' -mtime +"$days" -delete
fi
find "$(dirname "$db")" -maxdepth 1 -type f -name "$(basename "$db").corrupt-*" \
    -mtime +"$days" -delete

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
echo "legfit-backup: $out"
