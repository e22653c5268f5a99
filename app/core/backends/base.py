"""The interface every backend implements: the ViT split at the hooked layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class BackendInfo:
    name: str  # "torch" | "onnxruntime"
    device: str  # "cpu" | "cuda:0"
    provider: str  # what really runs: "torch-cpu", "torch-cuda", "CPUExecutionProvider", ...

    def describe(self) -> str:
        return f"{self.name} · {self.device} · {self.provider}"


class Backend(Protocol):
    info: BackendInfo

    def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
        """float32 pixels [B, 3, H, W] -> tokens [B, 1+P, D] after blocks[L]."""
        ...

    def suffix(self, tokens_BTD: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """tokens [B, 1+P, D] -> (class_logits [B, C], patch_logits [B, P])."""
        ...
