"""PyTorch backend: CUDA when present, else CPU. torch is imported only here (lazily)."""

from __future__ import annotations

import numpy as np

from app.core.backends.base import BackendInfo
from app.core.bundle import Bundle
from app.core.errors import InspectorError


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except Exception:  # noqa: BLE001 - a broken torch install counts as absent
        return False
    return True


def cuda_available() -> bool:
    if not torch_available():
        return False
    import torch

    return bool(torch.cuda.is_available())


class TorchBackend:
    def __init__(self, bundle: Bundle, device: str = "auto") -> None:
        try:
            import torch
            from safetensors.torch import load_file

            from app.core.vit import build_vit
        except Exception as exc:  # noqa: BLE001
            raise InspectorError("backend_unavailable", f"the torch backend is not available: {exc}") from exc
        if device == "auto":
            device = "cuda:0" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise InspectorError("backend_unavailable", "torch cannot use CUDA on this machine")
        self._torch = torch
        self.device = torch.device(device)
        model = build_vit(bundle.manifest.vit, bundle.manifest.hooked_layer, load_file(str(bundle.path("vit"))))
        self.model = model.to(self.device).float().eval()
        provider = "torch-cuda" if self.device.type == "cuda" else "torch-cpu"
        if self.device.type == "cuda":
            provider += f" ({torch.cuda.get_device_name(self.device)})"
        self.info = BackendInfo("torch", str(self.device), provider)

    def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(pixels_BCHW, np.float32)).to(self.device)
            return self.model.prefix(x).float().cpu().numpy()

    def suffix(self, tokens_BTD: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        torch = self._torch
        with torch.inference_mode():
            t = torch.from_numpy(np.ascontiguousarray(tokens_BTD, np.float32)).to(self.device)
            cls, patch = self.model.suffix(t)
            return cls.float().cpu().numpy(), None if patch is None else patch.float().cpu().numpy()

    def full(self, pixels_BCHW: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """The unsplit model, for exactness checks."""
        torch = self._torch
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(pixels_BCHW, np.float32)).to(self.device)
            cls, patch = self.model(x)
            return cls.float().cpu().numpy(), None if patch is None else patch.float().cpu().numpy()
