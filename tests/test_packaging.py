"""Packaging: the specs, scripts and desktop entry are sound, and the app runs without torch.

Building the package itself takes minutes; `make package-test` (run last by .ci/run) builds
cpu-lite and runs its self-test.
"""

from __future__ import annotations

import ast
import os
import runpy
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.paths import DEFAULT_BUNDLE_NAME

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "packaging"
SPECS = ("sae_inspector_cpu_lite.spec", "sae_inspector_gpu.spec")


@pytest.mark.parametrize("name", [*SPECS, "spec_common.py", "hooks/rthook_cuda.py"])
def test_python_files_parse(name: str) -> None:
    ast.parse((PKG / name).read_text(encoding="utf-8"), filename=name)


class _Recorder:
    """Stand-ins for PyInstaller's spec globals: record what the spec asks for."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple[tuple, dict]] = {}

    def __getitem__(self, name: str):  # noqa: ANN204
        def call(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            self.calls[name] = (args, kwargs)
            return type(name, (), {"pure": [], "scripts": [], "binaries": [], "datas": []})()

        return call


def _run_spec(name: str, bundle: Path, monkeypatch) -> dict[str, tuple[tuple, dict]]:  # noqa: ANN001
    monkeypatch.setenv("SAE_BUNDLE_DIR", str(bundle))
    monkeypatch.syspath_prepend(str(PKG))
    sys.modules.pop("spec_common", None)
    rec = _Recorder()
    g = {"SPECPATH": str(PKG), "__file__": str(PKG / name)}
    g.update({k: rec[k] for k in ("Analysis", "PYZ", "EXE", "COLLECT")})
    exec(compile((PKG / name).read_text(encoding="utf-8"), name, "exec"), g)  # noqa: S102
    return rec.calls


def _dest(datas: list[tuple[str, str]]) -> set[str]:
    return {f"{dst}/{Path(src).name}" for src, dst in datas}


def _shipped_bundles() -> list[str]:
    return sorted(p.name for p in (ROOT / "model_store").iterdir() if (p / "bundle.json").is_file())


def test_cpu_lite_spec_excludes_torch_and_embeds_the_data(random_bundle_dir: Path, monkeypatch) -> None:
    calls = _run_spec("sae_inspector_cpu_lite.spec", random_bundle_dir, monkeypatch)
    a = calls["Analysis"][1]
    for mod in ("torch", "torchvision", "timm", "triton", "nvidia", "app.core.vit", "safetensors.torch"):
        assert mod in a["excludes"], mod
    assert not a["runtime_hooks"]
    dest = _dest(a["datas"])
    # $SAE_BUNDLE_DIR (here the random bundle) is embedded as the app's default; every other shipped bundle as itself
    assert f"model_store/{DEFAULT_BUNDLE_NAME}/bundle.json" in dest and f"model_store/{DEFAULT_BUNDLE_NAME}/suffix.onnx" in dest
    assert (str(random_bundle_dir.resolve() / "bundle.json"), f"model_store/{DEFAULT_BUNDLE_NAME}") in a["datas"]
    for name in set(_shipped_bundles()) - {DEFAULT_BUNDLE_NAME}:
        assert f"model_store/{name}/bundle.json" in dest, name
        samples = [f"resources/samples/{name}/{p.name}" for p in (ROOT / "resources" / "samples" / name).glob("*.png")]
        assert samples and set(samples) <= dest, name
    assert not any(d.startswith(f"resources/samples/{DEFAULT_BUNDLE_NAME}/") for d in dest)  # the random bundle has none
    assert "resources/fonts/ipaexg.ttf" in dest
    assert "resources/icons/sae-inspector.png" in dest
    hidden = set(a["hiddenimports"])
    assert {"app.cli.self_test", "app.cli.analyze", "app.cli.report", "app.core.backends.onnx_backend"} <= hidden
    assert not any(h.startswith("torch") or h == "app.core.vit" for h in hidden)
    assert calls["COLLECT"][1]["name"] == "sae-inspector-cpu-lite"
    assert calls["EXE"][1]["name"] == "sae-inspector"


def test_gpu_spec_keeps_torch_and_has_the_cuda_hook(random_bundle_dir: Path, monkeypatch) -> None:
    calls = _run_spec("sae_inspector_gpu.spec", random_bundle_dir, monkeypatch)
    a = calls["Analysis"][1]
    assert "torch" not in a["excludes"]
    assert any(Path(h).name == "rthook_cuda.py" for h in a["runtime_hooks"])
    assert "app.core.vit" in a["hiddenimports"]
    assert f"model_store/{DEFAULT_BUNDLE_NAME}/bundle.json" in _dest(a["datas"])
    assert calls["EXE"][1]["upx"] is False


def test_every_bundle_folder_is_embedded_with_its_own_samples(random_bundle_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """Each folder of model_store/ that holds a bundle goes in as model_store/<name> with resources/samples/<name>/;
    $SAE_BUNDLE_DIR takes the default's place, with the samples of its own folder name."""
    root = tmp_path / "repo"
    names = (DEFAULT_BUNDLE_NAME, "pcb", "mixed")
    for name in names:
        shutil.copytree(random_bundle_dir, root / "model_store" / name)
        (root / "resources" / "samples" / name).mkdir(parents=True)
        (root / "resources" / "samples" / name / "ok_1.png").write_bytes(b"png")
    (root / "model_store" / "notes").mkdir()  # no bundle.json: not a bundle
    (root / "resources" / "samples" / "orphan").mkdir()  # samples of no bundle
    (root / "resources" / "samples" / "orphan" / "ok_1.png").write_bytes(b"png")
    monkeypatch.syspath_prepend(str(PKG))
    monkeypatch.setattr(sys, "path", list(sys.path))
    sys.modules.pop("spec_common", None)
    import spec_common as sc

    monkeypatch.setattr(sc, "ROOT", root)
    monkeypatch.delenv("SAE_BUNDLE_DIR", raising=False)
    datas = set(sc.datas())
    for name in names:
        assert (str(root / "model_store" / name / "bundle.json"), f"model_store/{name}") in datas
        assert (str(root / "resources" / "samples" / name / "ok_1.png"), f"resources/samples/{name}") in datas
    assert not any(dst.endswith(("/notes", "/orphan")) for _, dst in datas)

    monkeypatch.setenv("SAE_BUNDLE_DIR", str(root / "model_store" / "pcb"))
    datas = set(sc.datas())
    assert (str(root / "model_store" / "pcb" / "bundle.json"), f"model_store/{DEFAULT_BUNDLE_NAME}") in datas
    assert (str(root / "resources" / "samples" / "pcb" / "ok_1.png"), f"resources/samples/{DEFAULT_BUNDLE_NAME}") in datas
    assert (str(root / "model_store" / "pcb" / "bundle.json"), "model_store/pcb") in datas  # still itself as well
    assert not any(src.startswith(str(root / "model_store" / DEFAULT_BUNDLE_NAME)) for src, _ in datas)
    sys.modules.pop("spec_common", None)


def test_gpu_check_defaults_to_the_apps_default_bundle() -> None:
    text = (PKG / "gpu_check.sh").read_text(encoding="utf-8")
    assert f'BUNDLE="${{BUNDLE:-model_store/{DEFAULT_BUNDLE_NAME}}}"' in text


def test_spec_refuses_a_missing_bundle(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SAE_ALLOW_NO_BUNDLE", raising=False)
    with pytest.raises(SystemExit, match="no model bundle"):
        _run_spec("sae_inspector_cpu_lite.spec", tmp_path / "none", monkeypatch)


@pytest.mark.parametrize("script", ["build.sh", "gpu_check.sh"])
def test_scripts_are_executable_and_bash_clean(script: str) -> None:
    p = PKG / script
    assert os.access(p, os.X_OK), f"{script} is not executable"
    r = subprocess.run(["bash", "-n", str(p)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_build_sh_usage() -> None:
    r = subprocess.run([str(PKG / "build.sh"), "nonsense"], capture_output=True, text=True)
    assert r.returncode == 2 and "usage: packaging/build.sh cpu-lite|gpu" in r.stderr


def test_desktop_entry_and_icons() -> None:
    text = (PKG / "sae-inspector.desktop").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert keys["Type"] == "Application" and keys["Icon"] == "sae-inspector" and keys["Exec"].split()[0].endswith("sae-inspector")
    icons = ROOT / "resources" / "icons"
    assert (icons / "sae-inspector.svg").is_file() and (icons / "sae-inspector.png").is_file()
    from PIL import Image

    with Image.open(icons / "sae-inspector.png") as im:
        assert im.size == (256, 256)
    if shutil.which("desktop-file-validate"):
        r = subprocess.run(["desktop-file-validate", str(PKG / "sae-inspector.desktop")], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_cuda_runtime_hook_never_fails() -> None:
    """Without a GPU (or without onnxruntime-gpu) the hook only records what happened."""
    os.environ.pop("SAE_INSPECTOR_CUDA_PRELOAD", None)
    try:
        runpy.run_path(str(PKG / "hooks" / "rthook_cuda.py"))
        assert os.environ["SAE_INSPECTOR_CUDA_PRELOAD"]
    finally:
        os.environ.pop("SAE_INSPECTOR_CUDA_PRELOAD", None)


_BLOCK_TORCH = textwrap.dedent(
    """
    import importlib, sys
    class _NoTorch:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("torch", "torchvision", "timm", "sklearn", "skimage", "onnx", "onnxscript"):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked: not in cpu-lite)", name=name)
            return None
    sys.meta_path.insert(0, _NoTorch())
    sys.path.insert(0, ROOT)
    """
)


def test_runtime_modules_do_not_import_torch_at_module_level() -> None:
    """What cpu-lite ships must import without torch (and without the training-only libraries)."""
    mods = ["app.cli.entry", "app.cli.self_test", "app.cli.analyze", "app.cli.rank", "app.cli.dose", "app.cli.report",
            "app.cli.rank_folder", "app.cli.compare_folder", "app.cli.validate", "app.core.session", "app.core.diagnostics",
            "app.core.logging_setup", "app.core.causal", "app.report.export", "app.ui.app", "app.ui.main_window"]
    code = _BLOCK_TORCH.replace("ROOT", repr(str(ROOT))) + textwrap.dedent(
        f"""
        bad = []
        for m in {mods!r}:
            try:
                importlib.import_module(m)
            except ModuleNotFoundError as exc:
                if exc.name != m:
                    bad.append(f"{{m}}: {{exc}}")
        assert "torch" not in sys.modules
        print("\\n".join(bad) or "ok")
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok", r.stdout


def test_self_test_runs_without_torch(random_bundle_dir: Path, tmp_path: Path) -> None:
    """The cpu-lite situation, from source: torch absent, the self-test passes on ONNX Runtime."""
    code = _BLOCK_TORCH.replace("ROOT", repr(str(ROOT))) + textwrap.dedent(
        f"""
        import main
        rc = main.main(["--self-test", "--bundle", {str(random_bundle_dir)!r}])
        assert "torch" not in sys.modules
        sys.exit(rc)
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SAE_INSPECTOR_DATA_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "skipped: torch is not in this build" in r.stdout
    assert "CPUExecutionProvider" in r.stdout and "self-test passed" in r.stdout
