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
