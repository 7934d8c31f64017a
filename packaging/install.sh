#!/usr/bin/env bash
# Install (or update) the LegFit kiosk on a Debian/Ubuntu PC from a built bundle.
#
#   sudo packaging/install.sh [--bundle DIR] [--root DIR] [--no-packages] [--no-enable]
#
#   --bundle DIR    the PyInstaller folder built by `make bundle` (default: dist/legfit)
#   --root DIR      install into DIR instead of / (a staging tree for testing or an image
#                   being prepared); no packages, no service start, no udev reload there
#   --no-packages   do not apt-get the system packages
#   --no-enable     install the units but do not enable them
#
# What it does, and it is safe to run again (an update is the same command):
#   - system packages: cage (the kiosk compositor), sqlite3 (backups), the display
#     libraries;
#   - a system user and group "legfit" (no login shell, home /var/lib/legfit), in the
#     video, render and audio groups where they exist;
#   - the bundle to /opt/legfit/releases/<content hash>, /opt/legfit/current pointing at
#     it (switched atomically; 3 releases kept for a rollback: the current one, the one
#     current pointed to before, and the most recently installed other),
#     /usr/local/bin/legfit for staff commands (pointed at the kiosk's directories);
#   - per-system directories: /etc/legfit (config.json, calibration.json), /var/lib/legfit
#     (catalogues/, sessions.sqlite3, backups/), /var/log/legfit, /var/cache/legfit; it
#     never touches files already in them;
#   - the systemd units (kiosk, nightly backup), the PAM session, the logind settings,
#     the camera udev rule, the journal's size cap (journald.conf.d; the kiosk logs to
#     the journal) and a tmpfiles rule that deletes printed slips after a day; enables
#     the kiosk and the backup. An earlier release's logrotate rule is removed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bundle="$repo/dist/legfit"
root="/"
packages=1
enable=1
keep_releases=3

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) bundle="${2:?--bundle needs a directory}"; shift 2 ;;
        --root) root="${2:?--root needs a directory}"; shift 2 ;;
        --no-packages) packages=0; shift ;;
        --no-enable) enable=0; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

staging=0
if [ "$root" != "/" ]; then
    staging=1
    packages=0
    mkdir -p "$root"
    root="$(cd "$root" && pwd)"
fi
R="${root%/}"   # prefix for every path below ("" for the real system)
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
[ $staging -eq 1 ] || [ $is_root -eq 1 ] || die "run as root (or use --root DIR to stage)"

[ -x "$bundle/legfit" ] && [ -d "$bundle/_internal" ] \
    || die "no built bundle at $bundle (run 'make bundle' first, or pass --bundle DIR)"

# --- system packages -----------------------------------------------------------------
if [ $packages -eq 1 ]; then
    command -v apt-get >/dev/null || die "not a Debian/Ubuntu system (no apt-get)"
    wanted=(cage xwayland sqlite3 v4l-utils
            libegl1 libgl1 libgl1-mesa-dri libwayland-client0 libwayland-cursor0
            libwayland-egl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
            libglib2.0-0 fonts-dejavu-core
            libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
            libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1)
    missing=()
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}"
    fi
fi

# --- the kiosk user ------------------------------------------------------------------
if [ $staging -eq 1 ] && [ ! -e "$R/etc/passwd" ]; then
    # A clean staging tree: the minimum account files an installed system has.
    mkdir -p "$R/etc"
    echo "root:x:0:0:root:/root:/bin/bash" > "$R/etc/passwd"
    echo "root:x:0:" > "$R/etc/group"
    echo "root:*:19000:0:99999:7:::" > "$R/etc/shadow"
    echo "root:*::" > "$R/etc/gshadow"
    chmod 0640 "$R/etc/shadow" "$R/etc/gshadow"
fi
has_group() { grep -q "^$1:" "$R/etc/group"; }
has_user() { grep -q "^$1:" "$R/etc/passwd"; }
prefix_opt=()
[ $staging -eq 1 ] && prefix_opt=(--prefix "$R")

if [ $is_root -eq 1 ]; then
    has_group legfit || groupadd "${prefix_opt[@]}" --system legfit
    has_user legfit || useradd "${prefix_opt[@]}" --system --gid legfit \
        --home-dir /var/lib/legfit --no-create-home --shell /usr/sbin/nologin \
        --comment "LegFit kiosk" legfit
    for g in video render audio; do
        if has_group "$g"; then usermod "${prefix_opt[@]}" -a -G "$g" legfit; fi
    done
else
    # Staging as an ordinary user: write the entries the tools would have written.
    has_group legfit || echo "legfit:x:999:" >> "$R/etc/group"
    has_user legfit || echo \
        "legfit:x:999:999:LegFit kiosk:/var/lib/legfit:/usr/sbin/nologin" >> "$R/etc/passwd"
    say "not root: files stay owned by $(id -un) in the staging tree"
fi
uid="$(awk -F: '$1 == "legfit" {print $3}' "$R/etc/passwd")"
gid="$(awk -F: '$1 == "legfit" {print $3}' "$R/etc/group")"

owned_dir() {  # owned_dir MODE OWNER(uid:gid|root) PATH: create or fix, never empty it
    install -d -m "$1" "$3"
    chmod "$1" "$3"
    if [ $is_root -eq 1 ]; then
        if [ "$2" = root ]; then chown 0:0 "$3"; else chown "$2" "$3"; fi
    fi
}

# --- the bundle: a new release beside the old ones, then one atomic switch -------------
release="$(cd "$bundle" && find . -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-12)"
releases="$R/opt/legfit/releases"
target="$releases/$release"
install -d -m 0755 "$R/opt/legfit" "$releases" "$R/opt/legfit/bin" "$R/opt/legfit/doc"
if [ -f "$target/.complete" ]; then
    say "release $release is already installed"
else
    rm -rf "$target.partial"
    cp -a "$bundle" "$target.partial"
    if [ $is_root -eq 1 ]; then chown -R 0:0 "$target.partial"; fi
    chmod -R go-w "$target.partial"
    touch "$target.partial/.complete"
    rm -rf "$target"
    mv "$target.partial" "$target"
    say "installed release $release"
fi
touch "$target"  # "newest" below means most recently installed, not most recently built
previous="$(readlink "$R/opt/legfit/current" 2>/dev/null || true)"
ln -sfn "releases/$release" "$R/opt/legfit/current.new"
mv -T "$R/opt/legfit/current.new" "$R/opt/legfit/current"
# Keep $keep_releases releases for a rollback, chosen by where `current` points, not by
# install time alone: the release now in use, the one in use until now (after a manual
# rollback that is an older release, which a prune by install time would delete), then
# the most recently installed others. A half-copied *.partial is left to its own install.
prune_releases() {  # prune_releases NEW_CURRENT PREVIOUS_CURRENT
    local kept=" " count=0 name
    for name in "$1" "$2"; do
        name="${name%/}"; name="${name##*/}"  # "releases/<id>", an absolute link, "<id>/"
        case "$kept" in *" $name "*) continue ;; esac
        if [ -n "$name" ] && [ -d "$releases/$name" ]; then
            kept="$kept$name "; count=$((count + 1))
        fi
    done
    while IFS= read -r name; do
        case "$name" in '' | *.partial) continue ;; esac
        case "$kept" in *" $name "*) continue ;; esac
        if [ "$count" -lt "$keep_releases" ]; then
            kept="$kept$name "; count=$((count + 1))
        else
            rm -rf "${releases:?}/$name"
        fi
    done < <(ls -1t "$releases")
}
prune_releases "$(readlink "$R/opt/legfit/current")" "$previous"

install -m 0755 "$here/session/legfit-session" "$R/opt/legfit/bin/legfit-session"
install -m 0755 "$here/scripts/backup-sessions.sh" "$R/opt/legfit/bin/legfit-backup"
[ -f "$repo/docs/deploy.md" ] && install -m 0644 "$repo/docs/deploy.md" "$R/opt/legfit/doc/"
install -d -m 0755 "$R/usr/local/bin"
rm -f "$R/usr/local/bin/legfit"  # a link in releases before the wrapper
install -m 0755 "$here/session/legfit-cli" "$R/usr/local/bin/legfit"

# --- per-system directories (XDG style: config, data, state, cache) -------------------
owned_dir 0750 "$uid:$gid" "$R/etc/legfit"
owned_dir 0750 "$uid:$gid" "$R/var/lib/legfit"
owned_dir 0750 "$uid:$gid" "$R/var/lib/legfit/backups"
owned_dir 0750 "$uid:$gid" "$R/var/log/legfit"
owned_dir 0750 "$uid:$gid" "$R/var/cache/legfit"
if [ ! -e "$R/etc/default/legfit" ]; then
    install -d -m 0755 "$R/etc/default"
    cat > "$R/etc/default/legfit" <<'DEFAULTS'
# Local settings for the LegFit kiosk service (read by legfit-kiosk.service).
# Examples:
#QT_QPA_PLATFORM=xcb
#QT_SCALE_FACTOR=1.25
DEFAULTS
    chmod 0644 "$R/etc/default/legfit"
fi

# --- system integration ----------------------------------------------------------------
install -D -m 0644 "$here/systemd/legfit-kiosk.service" \
    "$R/etc/systemd/system/legfit-kiosk.service"
install -D -m 0644 "$here/systemd/legfit-backup.service" \
    "$R/etc/systemd/system/legfit-backup.service"
install -D -m 0644 "$here/systemd/legfit-backup.timer" \
    "$R/etc/systemd/system/legfit-backup.timer"
install -D -m 0644 "$here/session/legfit-kiosk.pam" "$R/etc/pam.d/legfit-kiosk"
install -D -m 0644 "$here/logind/legfit-kiosk.conf" \
    "$R/etc/systemd/logind.conf.d/legfit-kiosk.conf"
# Ctrl+Alt+Del restarts nothing (a restart must not be a way around the staff PIN): the
# target masked, and the manager's burst reboot (7 presses in 2 s) off.
install -D -m 0644 "$here/logind/legfit-kiosk-manager.conf" \
    "$R/etc/systemd/system.conf.d/legfit-kiosk.conf"
install -d -m 0755 "$R/etc/systemd/system"
ln -sfn /dev/null "$R/etc/systemd/system/ctrl-alt-del.target"
install -D -m 0644 "$here/udev/70-legfit-camera.rules" \
    "$R/etc/udev/rules.d/70-legfit-camera.rules"
install -D -m 0644 "$here/tmpfiles/legfit.conf" "$R/etc/tmpfiles.d/legfit.conf"
# The kiosk logs to the journal, whose size this caps. Earlier releases appended to
# /var/log/legfit/kiosk.log and rotated it with logrotate: the rule goes (the tmpfiles
# rule above deletes the old file 8 weeks after its last write).
journald_conf="$R/etc/systemd/journald.conf.d/legfit.conf"
journald_changed=0
cmp -s "$here/journald/legfit.conf" "$journald_conf" || journald_changed=1
install -D -m 0644 "$here/journald/legfit.conf" "$journald_conf"
rm -f "$R/etc/logrotate.d/legfit"

if [ $enable -eq 1 ]; then
    if [ $staging -eq 1 ]; then
        systemctl --root="$R" enable legfit-kiosk.service legfit-backup.timer >/dev/null 2>&1 \
            || {  # no systemctl here: the links `systemctl enable` makes
                install -d "$R/etc/systemd/system/graphical.target.wants" \
                    "$R/etc/systemd/system/timers.target.wants"
                ln -sfn /etc/systemd/system/legfit-kiosk.service \
                    "$R/etc/systemd/system/graphical.target.wants/legfit-kiosk.service"
                ln -sfn /etc/systemd/system/legfit-backup.timer \
                    "$R/etc/systemd/system/timers.target.wants/legfit-backup.timer"
            }
        ln -sfn /lib/systemd/system/graphical.target "$R/etc/systemd/system/default.target"
    else
        # daemon-reexec: the manager reads its own settings (Ctrl+Alt+Del) only then.
        if [ -d /run/systemd/system ]; then systemctl daemon-reexec; fi
        systemctl enable legfit-kiosk.service legfit-backup.timer
        systemctl set-default graphical.target
    fi
fi

if [ $staging -eq 0 ]; then
    if [ $journald_changed -eq 1 ] && [ -d /run/systemd/system ]; then
        # journald reads its settings only at start; it keeps the services' log streams
        # open across the restart.
        say "restarting systemd-journald for its new size limits"
        systemctl restart systemd-journald.service || true
    fi
    if [ -f /var/log/legfit/kiosk.log ]; then
        say "/var/log/legfit/kiosk.log is no longer written: the kiosk logs to the journal" \
            "(journalctl -u legfit-kiosk); the old file goes 8 weeks after its last write"
    fi
    if command -v udevadm >/dev/null; then
        udevadm control --reload || true
        udevadm trigger --subsystem-match=video4linux || true
    fi
    if [ -d /run/systemd/system ] && systemctl is-active --quiet legfit-kiosk.service; then
        say "restarting the running kiosk on release $release"
        systemctl restart legfit-kiosk.service
    fi
fi

previous="${previous%/}"; previous="${previous##*/}"
[ -n "$previous" ] && [ "$previous" != "$release" ] \
    && say "previous release kept for a rollback: /opt/legfit/releases/$previous"
say "done: /opt/legfit/current -> releases/$release (root $root)"
