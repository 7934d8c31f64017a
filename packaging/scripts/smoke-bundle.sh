#!/usr/bin/env bash
# Smoke test of a built bundle: does the frozen app measure and run its demo?
#
#   packaging/scripts/smoke-bundle.sh dist/legfit
#
# 1. `legfit measure` on a synthetic scene with exact truth (../shared/data/synthetic-dev/
#    scene_1000 beside the repository, else tests/data/smoke-scene): the frozen MediaPipe
#    must find the legs and the girths must come out near the truth.
# 2. `legfit demo --headless --json`: the bundled demo recording through the whole flow;
#    the decision JSON must be its last line and the girths must be near the truth.
# Both run with an empty HOME and XDG directories and the offscreen Qt platform, exactly as
# a fresh kiosk would; afterwards no image may have been written anywhere under them.
set -euo pipefail

bundle="${1:?usage: smoke-bundle.sh BUNDLE_DIR}"
bundle="$(cd "$bundle" && pwd)"
exe="$bundle/legfit"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
[ -x "$exe" ] || { echo "smoke: no executable at $exe" >&2; exit 1; }

scene="$repo/../shared/data/synthetic-dev/scene_1000"
[ -d "$scene" ] || scene="$repo/tests/data/smoke-scene"
[ -f "$scene/front.png" ] || { echo "smoke: no test scene (looked in $scene)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
# Ground-truth tolerance for a smoke test: proves the frozen pipeline measures, not how
# well (bench/accuracy.py does that).
tolerance=0.10

fail=0
step() { echo "smoke: $*"; }

run_json() {  # run_json NAME CMD...: run, keep stdout as $work/NAME.json, time it
    local name="$1"; shift
    local t0 t1 rc=0
    t0=$(date +%s.%N)
    "$@" > "$work/$name.json" 2> "$work/$name.err" || rc=$?
    t1=$(date +%s.%N)
    step "$name: exit $rc in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
    if [ $rc -ne 0 ]; then
        echo "--- stderr of $name (last lines) ---" >&2
        tail -n 15 "$work/$name.err" >&2
        fail=1
        return 1
    fi
}

check_measurement() {  # check_measurement NAME TRUTH_JSON
    python3 - "$work/$1.json" "$2" "$tolerance" <<'PY'
import json, sys

out_path, truth_path, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    out = json.load(open(out_path))
except ValueError as exc:
    sys.exit(f"smoke: output is not JSON: {exc}")

def find_legs(node):
    """The first object holding left/right legs with ankle_mm and calf_mm."""
    if isinstance(node, dict):
        legs = [node.get(k) for k in ("left", "right")]
        if all(isinstance(l, dict) and "ankle_mm" in l and "calf_mm" in l for l in legs):
            return node
        for value in node.values():
            found = find_legs(value)
            if found:
                return found
    return None

legs = find_legs(out)
if legs is None:
    sys.exit("smoke: no left/right ankle_mm and calf_mm in the output")
truth = json.load(open(truth_path))
bad = []
for side in ("left", "right"):
    for key in ("ankle_mm", "calf_mm"):
        got, want = float(legs[side][key]), float(truth[side][key])
        rel = (got - want) / want
        print(f"smoke:   {side} {key}: {got:.1f} (truth {want:.1f}, {100 * rel:+.1f} %)")
        if abs(rel) > tol:
            bad.append(f"{side} {key}")
if bad:
    sys.exit(f"smoke: off by more than {100 * tol:.0f} %: {', '.join(bad)}")
PY
}

step "bundle $bundle ($(du -sh "$bundle" | cut -f1))"
"$exe" --help > /dev/null || { echo "smoke: the bundle does not start" >&2; exit 1; }

step "measure $scene"
if run_json measure "$exe" measure --front "$scene/front.png" --side "$scene/side.png" \
        --calibration "$scene/calibration.json" --json; then
    check_measurement measure "$scene/truth.json" || fail=1
fi

step "demo --headless --json"
demo_truth="$repo/../shared/data/demo/truth.json"
if run_json demo "$exe" demo --headless --json; then
    python3 - "$work/demo.json" "$demo_truth" "$tolerance" <<'PY' || fail=1
import json, os, re, sys

out_path, truth_path, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
lines = [l for l in open(out_path).read().splitlines() if l.strip()]
if not lines:
    sys.exit("smoke: the demo printed nothing")
try:
    decision = json.loads(lines[-1])
except ValueError as exc:
    sys.exit(f"smoke: the demo's last line is not the decision JSON: {exc}")
outcomes = {"emergency", "urgent_doctor", "see_doctor", "pharmacist", "made_to_measure",
            "staff_check", "recommend"}
if decision.get("outcome") not in outcomes:
    sys.exit(f"smoke: the demo decided no known outcome: {decision.get('outcome')!r}")
print(f"smoke:   demo outcome: {decision['outcome']}")
# The progress line "measured: left ankle 197 +/- 2 mm, calf 371 ..." against the truth.
text = "\n".join(lines)
found = re.search(r"left ankle (\d+).*?calf (\d+).*?right ankle (\d+).*?calf (\d+)", text)
if not found:
    sys.exit("smoke: the demo printed no measurement")
if os.path.isfile(truth_path):
    truth = json.load(open(truth_path))
    got = dict(zip(["left ankle_mm", "left calf_mm", "right ankle_mm", "right calf_mm"],
                   map(float, found.groups())))
    bad = []
    for key, value in got.items():
        side, name = key.split()
        want = float(truth[side][name])
        rel = (value - want) / want
        print(f"smoke:   demo {side} {name}: {value:.0f} (truth {want:.1f}, {100 * rel:+.1f} %)")
        if abs(rel) > tol:
            bad.append(key)
    if bad:
        sys.exit(f"smoke: demo off by more than {100 * tol:.0f} %: {', '.join(bad)}")
PY
fi

# Privacy: a shopper's picture is never written unless staff turn on a fitting record.
images="$(find "$work" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \
    -o -iname '*.bmp' -o -iname '*.webp' -o -iname '*.mp4' -o -iname '*.avi' \
    -o -iname '*.npy' \) || true)"
if [ -n "$images" ]; then
    echo "smoke: images were written during the smoke run:" >&2
    echo "$images" >&2
    fail=1
fi

if [ $fail -ne 0 ]; then
    echo "smoke: FAILED" >&2
    exit 1
fi
step "passed"
