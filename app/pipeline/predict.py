"""Batched predictions of the whole model (prefix then suffix) for evaluation.

``model`` is anything with numpy ``prefix(pixels_BCHW) -> tokens_BTD`` and
``suffix(tokens_BTD) -> (class_logits [B, C], patch_logits [B, P])``: a core ``Backend``
(``open_backend``) or ``TorchModelRunner`` around a ViT that is still being trained.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.backends.base import BackendInfo
from app.core.grid import PatchGrid
from app.core.outputs import sigmoid, softmax
from app.core.preprocess import Preprocessing, normalise
from app.pipeline.dataset import Pool


@dataclass(frozen=True)
class Predictions:
    scores: np.ndarray  # [N] float64, 1 - p(ok): the image defect score
    probs: np.ndarray  # [N, C] float64 class probabilities (softmax of the class head)
    patch_maps: np.ndarray | None  # [N, grid_h, grid_w] float32, sigmoid of the patch head, 0..1; None without one

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    @property
    def predicted_class(self) -> np.ndarray:
        """[N] argmax of the class probabilities."""
        return self.probs.argmax(axis=1)


def _infer_grid(h: int, w: int, p: int) -> tuple[int, int]:
    """Square patches tiling an h x w input into p patches: side s = sqrt(h·w / p)."""
    s = math.isqrt(h * w // p) if p else 0
    if s <= 0 or s * s * p != h * w or h % s or w % s:
        raise ValueError(f"cannot tell the patch grid of a {h}x{w} input with {p} patches; pass grid=")
    return h // s, w // s


def predict_batches(
    model: Any,
    data: np.ndarray | Pool,
    preprocessing: Preprocessing | None = None,
    batch: int = 64,
    grid: PatchGrid | tuple[int, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Predictions:
    """Run ``model`` over ``data`` in batches of ``batch`` images.

    ``data``: float32 pixels [N, C, H, W], already preprocessed; or a ``Pool`` (uint8
    images [N, h, w, 3] already at the input size, as ``load_pool`` fits them) together with
    its ``preprocessing``, normalised one batch at a time so the whole float copy never exists.
    ``grid`` gives the patch map's shape; when omitted it is the input size over the (square)
    patch size implied by P. A model without a patch head gives ``patch_maps`` None.
    ``progress(done, total)`` is called after each batch.
    """
    if isinstance(data, Pool):
        if preprocessing is None:
            raise ValueError("a Pool needs its Preprocessing")
        images = data.images_NHWC
        n = len(images)
        h, w = preprocessing.input_size
        if tuple(images.shape[1:3]) != (h, w):
            raise ValueError(f"the pool's images are {images.shape[1:3]}, not the input size {(h, w)}")

        def pixels(i: int, j: int) -> np.ndarray:
            return np.concatenate([normalise(im, preprocessing) for im in np.asarray(images[i:j])])
    else:
        arr = np.asarray(data)
        if arr.ndim != 4 or arr.shape[1] not in (1, 3):
            raise ValueError(f"pixels must be [N, C, H, W], got {arr.shape}")
        n, h, w = arr.shape[0], arr.shape[2], arr.shape[3]

        def pixels(i: int, j: int) -> np.ndarray:
            return np.ascontiguousarray(arr[i:j], np.float32)

    batch = max(1, int(batch))
    cls_parts: list[np.ndarray] = []
    patch_parts: list[np.ndarray] = []
    for i in range(0, n, batch):
        j = min(n, i + batch)
        cls_logits, patch_logits = model.suffix(model.prefix(pixels(i, j)))
        cls_parts.append(np.asarray(cls_logits, np.float32))
        if patch_logits is not None:
            patch_parts.append(np.asarray(patch_logits, np.float32))
        if progress is not None:
            progress(j, n)
    if not cls_parts:
        raise ValueError("no images to predict")
    cls_NC = np.concatenate(cls_parts)
    probs = softmax(cls_NC)
    if not patch_parts:
        return Predictions(scores=1.0 - probs[:, 0], probs=probs, patch_maps=None)
    patch_NP = np.concatenate(patch_parts)
    if grid is None:
        gh, gw = _infer_grid(h, w, patch_NP.shape[1])
    elif isinstance(grid, PatchGrid):
        gh, gw = grid.grid_h, grid.grid_w
    else:
        gh, gw = int(grid[0]), int(grid[1])
    if gh * gw != patch_NP.shape[1]:
        raise ValueError(f"grid {gh}x{gw} does not match the model's {patch_NP.shape[1]} patches")
    return Predictions(
        scores=1.0 - probs[:, 0],
        probs=probs,
        patch_maps=sigmoid(patch_NP).astype(np.float32).reshape(n, gh, gw),
    )


class TorchModelRunner:
    """Numpy ``prefix``/``suffix`` around a torch ``VisionTransformer`` being trained.

    Each call runs in ``torch.inference_mode`` in float32 (autocast off) on the module's
    device, with the module in eval mode (dropout off, BatchNorm on running statistics);
    the module's previous training flag is restored afterwards, even on error.
    """

    def __init__(self, vit_module: Any) -> None:
        import torch

        self._torch = torch
        self.module = vit_module
        try:
            self.device = next(vit_module.parameters()).device
        except StopIteration:
            self.device = torch.device("cpu")
        provider = "torch-cuda" if self.device.type == "cuda" else "torch-cpu"
        self.info = BackendInfo("torch", str(self.device), provider)

    def _run(self, fn: Callable[[Any], Any], x_np: np.ndarray) -> Any:
        torch = self._torch
        was_training = self.module.training
        self.module.eval()
        try:
            with torch.inference_mode(), torch.autocast(self.device.type, enabled=False):
                x = torch.from_numpy(np.ascontiguousarray(x_np, np.float32)).to(self.device)
                return fn(x)
        finally:
            self.module.train(was_training)

    def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
        return self._run(lambda x: self.module.prefix(x).float().cpu().numpy(), pixels_BCHW)

    def suffix(self, tokens_BTD: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        def go(t):  # noqa: ANN001, ANN202
            cls, patch = self.module.suffix(t)
            return cls.float().cpu().numpy(), None if patch is None else patch.float().cpu().numpy()

        return self._run(go, tokens_BTD)
