"""What the About / Diagnostics dialog and the self-test show: versions, backend, providers, GPU, folders.

    d = collect_diagnostics(session)        # session optional; never raises
    for key, value in d.rows(): ...         # (label, text) pairs, in display order
    d.to_text()                             # the same as plain text, for "copy to clipboard"

Nothing here imports Qt. torch is only imported if it is installed (the cpu-lite build has none).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

_PACKAGES = (
    ("numpy", "numpy"),
    ("onnxruntime", "onnxruntime"),
    ("torch", "torch"),
    ("PySide6", "PySide6"),
    ("opencv", "cv2"),
    ("pillow", "PIL"),
    ("safetensors", "safetensors"),
    ("matplotlib", "matplotlib"),
    ("reportlab", "reportlab"),
)


@dataclass(frozen=True)
class GpuInfo:
    name: str
    memory_total_mb: int | None = None
    memory_free_mb: int | None = None
    source: str = ""  # "torch" or "nvidia-smi"

    def describe(self) -> str:
        mem = ""
        if self.memory_total_mb is not None:
            mem = f", {self.memory_total_mb / 1024:.1f} GB"
            if self.memory_free_mb is not None:
                mem += f" ({self.memory_free_mb / 1024:.1f} GB free)"
        return f"{self.name}{mem}"


@dataclass(frozen=True)
class Diagnostics:
    app_version: str
    python: str
    platform: str
    frozen: bool
    executable: str
    packages: dict[str, str]  # name -> version, or "not in this build"
    ort_providers_available: tuple[str, ...]
    torch_cuda: str  # "12.8 / cuDNN 91002", "not available", "torch not in this build"
    gpus: tuple[GpuInfo, ...]
    backend: dict[str, str] = field(default_factory=dict)  # {"backend","device","provider"} of a session
    providers_in_use: tuple[str, ...] = ()  # what the session's backend really loaded
    notices: tuple[str, ...] = ()  # backend hand-overs so far
    bundle: dict[str, str] = field(default_factory=dict)
    data_folder: str = ""
    log_folder: str = ""
    log_file: str = ""
    cuda_preload: str = ""  # what the gpu build's runtime hook did (packaging/hooks/rthook_cuda.py)

    def rows(self) -> list[tuple[str, str]]:
        r = [
            ("SAE Inspector", self.app_version + (" (packaged)" if self.frozen else " (from source)")),
            ("Python", self.python),
            ("Platform", self.platform),
        ]
        r += [(name, ver) for name, ver in self.packages.items()]
        if self.backend:
            r.append(("Backend", " · ".join(self.backend.get(k, "") for k in ("backend", "device", "provider"))))
        if self.providers_in_use:
            r.append(("Providers in use", ", ".join(self.providers_in_use)))
        r.append(("ONNX Runtime providers available", ", ".join(self.ort_providers_available) or "none"))
        r.append(("torch CUDA", self.torch_cuda))
        if self.cuda_preload:
            r.append(("CUDA libraries", self.cuda_preload))
        r.append(("GPU", "; ".join(g.describe() for g in self.gpus) if self.gpus else "none found"))
        if self.bundle:
            r.append(("Bundle", f"{self.bundle.get('name', '')} {self.bundle.get('version', '')} "
                                f"(sha {self.bundle.get('hash', '')[:12]})".strip()))
        for n in self.notices:
            r.append(("Notice", n))
        r.append(("Data folder", self.data_folder))
        r.append(("Log folder", self.log_folder))
        if self.log_file:
            r.append(("Log file", self.log_file))
        r.append(("Executable", self.executable))
        return r

    def to_text(self) -> str:
        width = max(len(k) for k, _ in self.rows())
        return "\n".join(f"{k:<{width}}  {v}" for k, v in self.rows())

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.rows()}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _version(module: str, import_it: bool = True) -> str:
    if module in sys.modules:
        mod = sys.modules[module]
    elif not _installed(module):
        return "not in this build"
    elif not import_it:
        return "installed"
    else:
        try:
            mod = importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - a broken install is a fact to show, not a crash
            return f"broken ({type(exc).__name__}: {exc})"[:200]
    ver = getattr(mod, "__version__", None) or getattr(mod, "VERSION", None)
    if module == "cv2" and ver is None:
        ver = getattr(mod, "version", None)
    return str(ver) if ver is not None else "unknown version"


def _ort_providers() -> tuple[str, ...]:
    try:
        import onnxruntime as ort

        return tuple(ort.get_available_providers())
    except Exception:  # noqa: BLE001
        return ()


def _torch_cuda_and_gpus() -> tuple[str, list[GpuInfo]]:
    if "torch" not in sys.modules and not _installed("torch"):
        return "torch not in this build", []
    try:
        import torch
    except Exception as exc:  # noqa: BLE001
        return f"torch broken ({exc})"[:200], []
    try:
        if not torch.cuda.is_available():
            return f"not available (torch built for CUDA {torch.version.cuda or 'none'})", []
        cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
        gpus = []
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            free = None
            try:
                free_b, _total = torch.cuda.mem_get_info(i)
                free = int(free_b // (1 << 20))
            except Exception:  # noqa: BLE001
                pass
            gpus.append(GpuInfo(props.name, int(props.total_memory // (1 << 20)), free, "torch"))
        return f"CUDA {torch.version.cuda}" + (f" / cuDNN {cudnn}" if cudnn else ""), gpus
    except Exception as exc:  # noqa: BLE001
        return f"error ({exc})"[:200], []


def _nvidia_smi_gpus(timeout_s: float = 3.0) -> list[GpuInfo]:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=timeout_s, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    gpus = []
    for line in out.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 3 and parts[0]:
            try:
                gpus.append(GpuInfo(parts[0], int(float(parts[1])), int(float(parts[2])), "nvidia-smi"))
            except ValueError:
                gpus.append(GpuInfo(parts[0], source="nvidia-smi"))
    return gpus


def _session_providers(session: Any) -> tuple[str, ...]:
    """What ONNX Runtime really loaded for the active backend (not what it lists as available)."""
    active = getattr(getattr(session, "backend", None), "active", None)
    sess = getattr(active, "_suffix", None)
    if sess is not None and hasattr(sess, "get_providers"):
        try:
            return tuple(sess.get_providers())
        except Exception:  # noqa: BLE001
            return ()
    info = getattr(active, "info", None)
    return (info.provider,) if info is not None else ()


def collect_diagnostics(session: Any = None, import_torch: bool = True) -> Diagnostics:
    """Gather everything; never raises. ``session``: an ``InspectionSession`` (optional)."""
    from app import __version__
    from app.core.logging_setup import current_log_file, log_dir

    packages = {name: _version(mod, import_it=(mod != "torch" or import_torch)) for name, mod in _PACKAGES}
    if import_torch:
        torch_cuda, gpus = _torch_cuda_and_gpus()
    else:
        torch_cuda, gpus = ("not checked" if _installed("torch") else "torch not in this build"), []
    if not gpus:
        gpus = _nvidia_smi_gpus()
    backend: dict[str, str] = {}
    bundle: dict[str, str] = {}
    notices: tuple[str, ...] = ()
    if session is not None:
        try:
            backend = dict(session.backend_info())
            bundle = {k: str(v) for k, v in session.bundle.summary().items()}
            notices = tuple(getattr(session.backend, "notices", ()))
        except Exception:  # noqa: BLE001
            pass
    logs = log_dir()
    lf = current_log_file()
    return Diagnostics(
        app_version=__version__,
        python=sys.version.split()[0],
        platform=f"{platform.system()} {platform.release()} ({platform.machine()})",
        frozen=bool(getattr(sys, "frozen", False)),
        executable=sys.executable,
        packages=packages,
        ort_providers_available=_ort_providers(),
        torch_cuda=torch_cuda,
        gpus=tuple(gpus),
        backend=backend,
        providers_in_use=_session_providers(session) if session is not None else (),
        notices=notices,
        bundle=bundle,
        data_folder=str(logs.parent),
        log_folder=str(logs),
        log_file=str(lf) if lf else "",
        cuda_preload=os.environ.get("SAE_INSPECTOR_CUDA_PRELOAD", ""),
    )


from app.core.resources import resource_path  # noqa: E402,F401 - re-exported for callers of diagnostics
