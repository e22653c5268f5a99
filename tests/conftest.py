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

# Tests that take seconds (a model build or training, a subprocess CLI, a whole-bundle run), measured with
# `--durations`: `make test-quick` (-m "not slow") leaves them out, `make test` and CI run them. A test may
# also carry @pytest.mark.slow itself; tests/test_test_lanes.py checks that every name here exists.
SLOW_MODULES = {
    "test_compare_folder.py", "test_compare_seeds.py", "test_default_bundle_causal.py", "test_dictionary_builder.py",
    "test_evaluate.py", "test_pipeline_e2e.py", "test_report.py", "test_sae_focus.py", "test_sae_matryoshka.py",
    "test_timm_import.py", "test_train_vit_probe.py", "test_train_vit_refine.py",
}
SLOW_TESTS = {
    "test_causal.py::test_cli_rank_json", "test_causal.py::test_cli_dose_json_and_errors",
    "test_causal.py::test_cli_rank_folder",
    "test_compare.py::test_incomparable_bundles_are_one_error_naming_every_difference",
    "test_compare.py::test_compare_on_image_refuses_incomparable_or_different_images",
    "test_engine_exact.py::test_parity_torch_onnx",
    "test_latent_stats.py::test_ap_matrix_matches_sklearn", "test_latent_stats.py::test_auroc_matrix_matches_sklearn",
    "test_latent_stats.py::test_valid_mask_equals_subsetting",
    "test_packaging.py::test_runtime_modules_do_not_import_torch_at_module_level",
    "test_packaging.py::test_self_test_runs_without_torch",
    "test_ui_autosave.py::test_two_instances_and_a_crash_marker",
    "test_compare.py::test_a_bundle_compared_with_itself_agrees_exactly",
    "test_compare.py::test_correlate_on_images_keeps_the_open_image_and_uses_the_cache",
    "test_detection_metrics.py::test_classification_summary_and_png",
    "test_ood.py::test_analyze_json_reports_the_reading",
    "test_synth.py::test_deterministic_and_order_independent", "test_synth.py::test_generate_dataset_layout_and_resume",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.name
        if module in SLOW_MODULES or f"{module}::{getattr(item, 'originalname', item.name)}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


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

