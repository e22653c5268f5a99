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


def _check_shapes_before_building(bundle: Bundle) -> None:
    """Every tensor of the model the manifest describes, against the weight file's header, before
    anything is allocated: the model is built on torch's meta device (shapes only, no memory)."""
    import torch
    from safetensors import safe_open

    from app.core.vit import build_vit

    m = bundle.manifest
    with torch.device("meta"):
        want = {k: tuple(v.shape) for k, v in build_vit(m.vit, m.hooked_layer).state_dict().items()}
    with safe_open(str(bundle.path("vit")), framework="numpy") as f:
        have = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    missing, unexpected = sorted(set(want) - set(have)), sorted(set(have) - set(want))
    wrong = [k for k in want if k in have and have[k] != want[k]]
    if missing or unexpected or wrong:
        detail = (f"'{wrong[0]}' has shape {list(have[wrong[0]])}, the configuration needs {list(want[wrong[0]])}" if wrong
                  else f"missing {missing[:3]}, unexpected {unexpected[:3]}")
        raise InspectorError("vit_weights", f"{bundle.path('vit').name} does not match the manifest's ViT configuration: {detail}")


class TorchBackend:
    def __init__(self, bundle: Bundle, device: str = "auto") -> None:
        try:
            import torch
            from safetensors.torch import load as load_safetensors

            from app.core.vit import build_vit
        except Exception as exc:  # noqa: BLE001
            raise InspectorError("backend_unavailable", f"the torch backend is not available: {exc}") from exc
        if device == "auto":
            device = "cuda:0" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise InspectorError("backend_unavailable", "torch cannot use CUDA on this machine")
        self._torch = torch
        self.device = torch.device(device)
        data = bundle.verified_bytes("vit")  # the validated bytes, not whatever is on disk now
        _check_shapes_before_building(bundle)
        weights = load_safetensors(data)
        del data
        model = build_vit(bundle.manifest.vit, bundle.manifest.hooked_layer, weights)
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
