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
        """float32 pixels [B, C, H, W] -> tokens [B, T, D] after blocks[L] (T = prefix tokens + P)."""
        ...

    def suffix(self, tokens_BTD: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """tokens [B, T, D] -> (class_logits [B, C], patch_logits [B, P], or None for a model without a patch head)."""
        ...
