"""ONNX Runtime backend: the CUDA execution provider when it really loads, else CPU.

``get_available_providers()`` lists CUDA for onnxruntime-gpu even on a machine without a
GPU; only ``session.get_providers()`` after creating the session tells what loaded.
"""

from __future__ import annotations

import numpy as np

from app.core.backends.base import BackendInfo
from app.core.bundle import Bundle
from app.core.errors import InspectorError


class OnnxBackend:
    def __init__(self, bundle: Bundle, device: str = "auto") -> None:
        try:
            import onnxruntime as ort
        except Exception as exc:  # noqa: BLE001
            raise InspectorError("backend_unavailable", f"ONNX Runtime is not available: {exc}") from exc
        want_cuda = device == "auto" or device.startswith("cuda")
        providers = ["CPUExecutionProvider"]
        if want_cuda and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        opts = ort.SessionOptions()
        opts.log_severity_level = 3  # a failed CUDA load is reported by us, from get_providers()
        prefix, suffix = bundle.verified_bytes("prefix_onnx"), bundle.verified_bytes("suffix_onnx")
        try:
            self._prefix = ort.InferenceSession(prefix, opts, providers=providers)
            self._suffix = ort.InferenceSession(suffix, opts, providers=providers)
        except Exception as exc:  # noqa: BLE001 - ORT raises its own untyped errors
            raise InspectorError("bad_file", f"ONNX Runtime cannot load the bundle's graphs: {exc}") from exc
        used = self._suffix.get_providers()[0]
        if device.startswith("cuda") and used != "CUDAExecutionProvider":
            raise InspectorError("backend_unavailable", "ONNX Runtime could not load its CUDA provider on this machine")
        self.info = BackendInfo("onnxruntime", "cuda:0" if used == "CUDAExecutionProvider" else "cpu", used)
        self._suffix_outputs = [o.name for o in self._suffix.get_outputs()]

    def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
        return self._prefix.run(None, {"pixels": np.ascontiguousarray(pixels_BCHW, np.float32)})[0]

    def suffix(self, tokens_BTD: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        out = dict(zip(self._suffix_outputs, self._suffix.run(None, {"tokens": np.ascontiguousarray(tokens_BTD, np.float32)})))
        return out["class_logits"], out.get("patch_logits")
