"""`main.py --self-test`, the diagnostics the About dialog shows, and the rotating log file."""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import shutil
from pathlib import Path

import numpy as np
import pytest

import app.cli.self_test as st
from app.cli.entry import run_cli

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture()
def fast_report(monkeypatch):  # noqa: ANN202
    """Failure-path tests need no PDF."""
    monkeypatch.setattr(st, "_report", lambda *a, **k: "skipped in this test")


@pytest.mark.slow
def test_self_test_passes_and_prints_the_table(random_bundle_dir: Path, capsys) -> None:
    rc = run_cli(["--self-test", "--bundle", str(random_bundle_dir)])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("backend"))
    for col in ("device", "provider", "score", "edited", "analyze ms", "edit ms"):
        assert col in lines[head]
    rows = [line for line in lines[head + 2 :] if line and not line.startswith(("parity", "exactness", "self-test"))
            and "providers available" not in line and "; GPU:" not in line]
    onnx = [r for r in rows if r.startswith("onnxruntime")]
    assert onnx and "CPUExecutionProvider" in onnx[0] and "PDF" in onnx[0]
    from app.core.backends.torch_backend import torch_available

    if torch_available():
        assert any(r.startswith("torch") and "torch-cpu" in r for r in rows)
        assert "parity: 2 backends agree" in out
    assert any(r.startswith("Qt GUI") and "IPAexGothic" in r for r in rows), rows
    assert "exactness: no edit = baseline" in out
    assert lines[-1] == "self-test passed"


def test_self_test_one_backend(random_bundle_dir: Path, capsys, fast_report) -> None:
    rc = st.run_self_test(argparse.Namespace(bundle=str(random_bundle_dir), backend="onnx"))
    out = capsys.readouterr().out
    assert rc == 0
    assert "onnxruntime" in out and "torch-cpu" not in out


def test_missing_default_bundle_is_one_clear_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(st, "_default_bundle", lambda: tmp_path / "model_store" / "default")
    rc = run_cli(["--self-test"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert err.strip().splitlines() == [
        f"self-test FAILED: the default model bundle is missing: {tmp_path / 'model_store' / 'default'} (pass --bundle DIR)"
    ]


def test_the_test_image_is_one_of_the_bundles_own_samples(random_bundle_dir: Path, tmp_path: Path) -> None:
    """The default bundle checks itself on a part of its own product (resources/samples/<its folder>/); a bundle
    without shipped samples on a synthetic part."""
    from app.core.paths import DEFAULT_BUNDLE_NAME, default_bundle_dir, resource_path

    img = st._part_image(tmp_path, default_bundle_dir())
    assert img.parent == resource_path("resources", "samples", DEFAULT_BUNDLE_NAME) and not img.stem.endswith("_mask")
    assert st._part_image(tmp_path, random_bundle_dir) == tmp_path / "self_test_part.png"


def test_broken_bundle_exits_1_with_the_reason(random_bundle_dir: Path, tmp_path: Path, capsys) -> None:
    b = tmp_path / "b"
    shutil.copytree(random_bundle_dir, b)
    p = b / "suffix.onnx"
    p.write_bytes(p.read_bytes()[:500])
    rc = st.run_self_test(argparse.Namespace(bundle=str(b), backend="auto"))
    err = capsys.readouterr().err
    assert rc == 1
    assert "self-test FAILED: bundle" in err and "suffix.onnx" in err


def test_backend_failure_is_a_failed_row_and_exit_1(random_bundle_dir: Path, monkeypatch, capsys, fast_report) -> None:
    import app.core.backends.select as select

    real = select._make

    def make(kind: str, bundle, device: str):  # noqa: ANN001, ANN202
        if kind == "onnx":
            raise RuntimeError("onnxruntime_pybind11_state.so: cannot open shared object file")
        return real(kind, bundle, device)

    monkeypatch.setattr(select, "_make", make)
    rc = st.run_self_test(argparse.Namespace(bundle=str(random_bundle_dir), backend="auto"))
    out, err = capsys.readouterr()
    assert rc == 1
    assert "FAILED" in out and "cannot open shared object" in err


def test_parity_failure_exits_1(random_bundle_dir: Path, monkeypatch, capsys, fast_report) -> None:
    from app.core.backends.torch_backend import torch_available

    if not torch_available():
        pytest.skip("parity needs two backends")
    real = st._run_backend

    def skewed(bundle, kind, device, img, out, lang):  # noqa: ANN001, ANN202
        row = real(bundle, kind, device, img, out, lang)
        if kind == "onnx":
            row.score += 1e-3
        return row

    monkeypatch.setattr(st, "_run_backend", skewed)
    rc = st.run_self_test(argparse.Namespace(bundle=str(random_bundle_dir), backend="auto"))
    err = capsys.readouterr().err
    assert rc == 1 and "differs" in err and "tolerance" in err


def test_exactness_failure_exits_1(random_bundle_dir: Path, monkeypatch, capsys, fast_report) -> None:
    from app.core.session import InspectionSession

    real = InspectionSession.intervene

    def leaky(self, mask, edits, recon_only=False):  # noqa: ANN001, ANN202
        if not edits:  # "no edit" that is not the identity, as if the SAE error term leaked
            return real(self, mask, edits, recon_only=True)
        return real(self, mask, edits, recon_only)

    monkeypatch.setattr(InspectionSession, "intervene", leaky)
    rc = st.run_self_test(argparse.Namespace(bundle=str(random_bundle_dir), backend="onnx"))
    err = capsys.readouterr().err
    assert rc == 1 and "does not reproduce the baseline" in err


def test_required_cuda_without_cuda_fails(random_bundle_dir: Path, monkeypatch, capsys, fast_report) -> None:
    from app.core.backends.torch_backend import cuda_available

    if cuda_available():
        pytest.skip("this machine has CUDA")
    monkeypatch.setenv(st.REQUIRE_CUDA_ENV, "1")
    rc = st.run_self_test(argparse.Namespace(bundle=str(random_bundle_dir), backend="onnx"))
    out = capsys.readouterr().out
    assert rc == 1 and "cuda:0" in out


# --- logging -----------------------------------------------------------------------------------
def test_log_file_in_the_user_data_folder(tmp_path: Path) -> None:
    from app.core.logging_setup import LOG_NAME, current_log_file, setup_logging

    f = setup_logging()
    assert f == tmp_path / "data" / "logs" / LOG_NAME
    assert setup_logging() == f and current_log_file() == f  # idempotent: one handler
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(f)]
    assert len(handlers) == 1
    h = handlers[0]
    assert isinstance(h, logging.handlers.RotatingFileHandler) and h.maxBytes > 0 and h.backupCount >= 1
    logging.getLogger("app.test").info("hello from the line, ライン")
    h.flush()
    assert "hello from the line, ライン" in f.read_text(encoding="utf-8")


def test_log_rotates(tmp_path: Path) -> None:
    from app.core.logging_setup import setup_logging

    f = setup_logging(folder=tmp_path / "logs")
    h = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(f))
    h.maxBytes = 2000
    for i in range(100):
        logging.getLogger("app.test").warning("line %d %s", i, "x" * 50)
    assert (tmp_path / "logs" / (f.name + ".1")).is_file()


def test_unwritable_log_folder_does_not_stop_the_app(tmp_path: Path) -> None:
    from app.core.logging_setup import setup_logging

    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert setup_logging(folder=blocker / "logs") is None


# --- diagnostics ---------------------------------------------------------------------------------
def test_diagnostics_for_the_about_dialog(random_bundle_dir: Path, tmp_path: Path) -> None:
    from app.core.diagnostics import collect_diagnostics
    from app.core.logging_setup import setup_logging
    from app.core.resources import japanese_font_path
    from app.core.session import InspectionSession

    setup_logging()
    s = InspectionSession.open(random_bundle_dir, backend="onnx", device="cpu")
    s.analyze(np.zeros((32, 32, 3), np.uint8))
    d = collect_diagnostics(s)
    rows = dict(d.rows())
    assert rows["Backend"].startswith("onnxruntime · cpu · CPUExecutionProvider")
    assert rows["Providers in use"] == "CPUExecutionProvider"
    assert "CPUExecutionProvider" in rows["ONNX Runtime providers available"]
    assert rows["onnxruntime"][0].isdigit() and rows["numpy"][0].isdigit()
    assert rows["Log folder"] == str(tmp_path / "data" / "logs")
    assert rows["Log file"].endswith("sae-inspector.log")
    assert "GPU" in rows and "torch CUDA" in rows
    assert s.bundle.hash[:12] in rows["Bundle"]
    assert "Log folder" in d.to_text()
    json.dumps(d.to_json())
    assert japanese_font_path().is_file()


def test_diagnostics_without_a_session_never_raise() -> None:
    from app.core.diagnostics import collect_diagnostics

    d = collect_diagnostics(import_torch=False)
    assert d.backend == {} and d.rows()
