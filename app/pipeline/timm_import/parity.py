"""Parity of a converted ViT with the checkpoint it came from, on probe images.

What it checks is the conversion (tensor names, class order, the arguments as the app's ViT
computes them), against timm's forward with the same arguments: it cannot tell whether
``config.json``'s arguments are the ones the model was trained with (the number of heads, the
norm epsilon and the activation are not in the weights).

The probes are seeded synthetic part-like images (gradients, texture, a bright and a dark
mark) of odd sizes and aspect ratios, preprocessed as the bundle will preprocess them, so the
check also runs the resize and centre crop. Both the class logits (in the bundle's class order)
and the hooked layer's tokens are compared with timm's forward (``reference``) in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from app.core.errors import InspectorError
from app.core.preprocess import Preprocessing, preprocess
from app.core.vit import VisionTransformer
from app.pipeline.timm_import import reference
from app.pipeline.timm_import.architectures import TimmArgs
from app.pipeline.timm_import.classes import ClassMapping

TOLERANCE = 1e-4  # absolute, on logits and tokens (scaled by their size when it exceeds 1)
PROBE_SHAPES = ((223, 301), (350, 260), (97, 97), (480, 640))


def probe_images(seed: int = 0) -> list[np.ndarray]:
    """RGB uint8 images of odd sizes: smooth shading, fine texture, one bright and one dark mark."""
    rng = np.random.default_rng(seed)
    out = []
    for h, w in PROBE_SHAPES:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        base = 90 + 60 * (xx / w) + 30 * np.sin(yy / 7.0) + rng.normal(0, 12, (h, w))
        img = np.stack([base, base * 0.9 + 10, base * 0.8 + 25], axis=-1)
        y0, x0 = int(rng.integers(0, h // 2)), int(rng.integers(0, w // 2))
        img[y0 : y0 + h // 6, x0 : x0 + w // 3] += 90
        y1, x1 = int(rng.integers(h // 3, h - 4)), int(rng.integers(0, w - 4))
        img[y1 : y1 + 3, x1 : x1 + w // 2] -= 70
        out.append(np.clip(img, 0, 255).astype(np.uint8))
    return out


@dataclass(frozen=True)
class Parity:
    images: int
    max_abs_logit_error: float
    max_abs_token_error: float
    logit_scale: float
    token_scale: float

    @property
    def ok(self) -> bool:
        return (self.max_abs_logit_error <= TOLERANCE * max(1.0, self.logit_scale)
                and self.max_abs_token_error <= TOLERANCE * max(1.0, self.token_scale))

    def to_json(self) -> dict[str, float | int | str]:
        return {"probe_images": self.images, "max_abs_logit_error": self.max_abs_logit_error,
                "max_abs_token_error": self.max_abs_token_error, "tolerance": TOLERANCE,
                "against": "timm's VisionTransformer forward on the checkpoint's tensors, float64"}


def check_parity(original: dict[str, torch.Tensor], args: TimmArgs, vit: VisionTransformer, classes: ClassMapping,
                 prep: Preprocessing) -> Parity:
    """Measure, and refuse the conversion (one line) when it is not exact."""
    pixels = torch.from_numpy(np.concatenate([preprocess(im, prep) for im in probe_images()]))
    want_logits = reference.logits(original, args, pixels)[:, list(classes.source_index)]
    want_tokens = reference.tokens_after(original, args, pixels, vit.hooked_layer)
    with torch.no_grad():
        got_tokens = vit.prefix(pixels)
        got_logits, _ = vit.suffix(got_tokens)
    p = Parity(len(pixels), float((got_logits.double() - want_logits).abs().max()),
               float((got_tokens.double() - want_tokens).abs().max()), float(want_logits.abs().max()),
               float(want_tokens.abs().max()))
    if not p.ok:
        raise InspectorError(
            "timm_parity", f"the converted model differs from timm's forward of the checkpoint by {p.max_abs_logit_error:.3g} "
            f"in the logits ({p.max_abs_token_error:.3g} in the layer-{vit.hooked_layer} tokens) on probe images, so "
            "this conversion is not exact and nothing was written; please report it with the checkpoint's config.json",
        )
    return p

