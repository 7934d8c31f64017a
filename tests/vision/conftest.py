"""Fixtures shared by the vision tests."""

import pytest

from calibration.mat import load_mat_spec


@pytest.fixture(scope="module")
def mat():
    return load_mat_spec()


@pytest.fixture(scope="module")
def estimator():
    """The real pose model in static-image mode: unrelated photos, no tracking between."""
    from vision.pose_mediapipe import MediaPipePoseEstimator

    est = MediaPipePoseEstimator(static_image_mode=True)
    yield est
    est.close()
