"""The bundle spec collects exactly the MediaPipe files pose and segmentation need.

The strong check: MediaPipe is run from a copy of its package (symlinks) whose model
folder holds ONLY the files the spec names. If the pose or segmentation graph needed one
more file, it would fail here exactly as the frozen kiosk would on a store PC.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING, REPO_ROOT

SPEC = PACKAGING / "legfit.spec"


def spec_constant(name: str):
    """A literal assigned at the top level of the spec, read without running it."""
    tree = ast.parse(SPEC.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned in {SPEC.name}")


def mediapipe_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("mediapipe")
    assert spec and spec.origin
    return Path(spec.origin).parent


def test_the_spec_names_the_pose_and_segmentation_models_and_nothing_else():
    files = set(spec_constant("MEDIAPIPE_MODEL_FILES"))
    assert files == {
        "modules/pose_landmark/pose_landmark_cpu.binarypb",
        "modules/pose_landmark/pose_landmark_full.tflite",
        "modules/pose_detection/pose_detection.tflite",
        "modules/selfie_segmentation/selfie_segmentation_cpu.binarypb",
        "modules/selfie_segmentation/selfie_segmentation.tflite",
        "modules/selfie_segmentation/selfie_segmentation_landscape.tflite",
    }
    for rel in files:
        assert (mediapipe_dir() / rel).is_file(), rel


@pytest.mark.parametrize(
    "unwanted",
    ["face", "hand", "palm", "holistic", "iris", "objectron"],
)
def test_no_face_or_hand_model_is_collected(unwanted):
    assert not [f for f in spec_constant("MEDIAPIPE_MODEL_FILES") if unwanted in f]


@pytest.mark.parametrize(
    "package",
    ["jax", "jaxlib", "scipy", "matplotlib", "tkinter", "pytest"],
)
def test_unused_heavy_packages_are_excluded(package):
    assert package in spec_constant("EXCLUDES")


def test_the_qt_platforms_a_kiosk_runs_on_are_kept():
    platforms = spec_constant("QT_PLUGIN_KEEP")["platforms"]
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert "imageformats" in spec_constant("QT_PLUGIN_KEEP")


def _restricted_mediapipe(tmp_path: Path, model_files: set[str]) -> Path:
    """A mediapipe package of symlinks whose modules/ holds only ``model_files``."""
    src = mediapipe_dir()
    dst = tmp_path / "site" / "mediapipe"
    dst.mkdir(parents=True)
    for entry in src.iterdir():
        if entry.name != "modules":
            (dst / entry.name).symlink_to(entry)
    for dirpath, _, filenames in os.walk(src / "modules"):
        for name in filenames:
            rel = str((Path(dirpath) / name).relative_to(src))
            if name.endswith(".py") or rel in model_files:
                target = dst / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(Path(dirpath) / name)
    return dst.parent


PROBE = """
import sys, cv2
import mediapipe as mp
assert mp.__file__.startswith(sys.argv[1]), mp.__file__
rgb = cv2.cvtColor(cv2.imread(sys.argv[2]), cv2.COLOR_BGR2RGB)
with mp.solutions.pose.Pose(model_complexity=1, enable_segmentation=True,
                            static_image_mode=True) as pose:
    result = pose.process(rgb)
    assert result.pose_landmarks is not None, "no person found"
    assert result.segmentation_mask.shape == rgb.shape[:2]
with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as seg:
    assert seg.process(rgb).segmentation_mask.shape == rgb.shape[:2]
print("ok")
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("drop", "works"),
    [
        # exactly the spec's files: pose, its mask and selfie segmentation all run
        (None, True),
        # without the person detector the pose graph cannot start: the probe can fail
        ("modules/pose_detection/pose_detection.tflite", False),
    ],
)
def test_pose_and_segmentation_run_with_only_the_collected_files(tmp_path, shared_data,
                                                                 drop, works):
    files = set(spec_constant("MEDIAPIPE_MODEL_FILES")) - {drop}
    site = _restricted_mediapipe(tmp_path, files)
    image = shared_data / "synthetic-dev" / "scene_1000" / "front.png"
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(site), str(image)],
                            capture_output=True, text=True, timeout=180, env=env)
    assert (result.returncode == 0 and "ok" in result.stdout) is works, result.stderr[-2000:]


HOOK_PROBE = """
import importlib.util, runpy, sys

# As in the bundle, where matplotlib is excluded: the hook must not find it.
_real_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: (
    None if name == "matplotlib" else _real_find_spec(name, *a))
runpy.run_path(sys.argv[1])
importlib.util.find_spec = _real_find_spec

import mediapipe.python.solutions.drawing_utils as du
try:
    du.plt.figure()
except ImportError as exc:
    print("refused:", exc)
"""


def test_the_matplotlib_stand_in_lets_mediapipe_import_and_refuses_plotting():
    hook = PACKAGING / "hooks" / "rthook_no_matplotlib.py"
    result = subprocess.run([sys.executable, "-c", HOOK_PROBE, str(hook)],
                            capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "refused: matplotlib.pyplot.figure: matplotlib is not part of the LegFit bundle" \
        in result.stdout
