"""Shared fixtures: small random bundles (real ONNX graphs, real dictionary), built once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def analyzed_session(bundle_dir: Path, backend: str, seed: int, size: int = 32):  # noqa: ANN201
    """An InspectionSession on ``bundle_dir`` that has analysed one seeded random image."""
    import numpy as np

    from app.core.session import InspectionSession

    s = InspectionSession.open(bundle_dir, backend=backend)
    s.analyze(np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8))
    return s


@pytest.fixture(scope="session")
def random_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("bundles") / "random"
    make_random_bundle(out, seed=0)
    return out


@pytest.fixture(scope="session")
def conv_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("bundles") / "conv"
    make_random_bundle(out, seed=1, stem="conv")
    return out


@pytest.fixture(scope="session")
def relu_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("bundles") / "relu"
    make_random_bundle(out, seed=2, activation="relu", with_dictionary=False)
    return out


@pytest.fixture()
def bundle_copy(random_bundle_dir: Path, tmp_path: Path) -> Path:
    """A copy of the random bundle that a test may damage."""
    import shutil

    dst = tmp_path / "b"
    shutil.copytree(random_bundle_dir, dst)
    return dst


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """The app's data folder (logs, labels) in a temporary folder; the log handler the test installs is removed after."""
    import logging

    monkeypatch.setenv("SAE_INSPECTOR_DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield tmp_path / "data"
    for h in list(root.handlers):
        if h not in before:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)

