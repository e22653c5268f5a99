"""Do two backends compute the same model? Checked on a fixed probe image, at load and by ``validate``.

The bundle's ``vit.safetensors`` (what the SAE was trained on) and its ONNX graphs are two
copies of one model; a tampered or badly exported copy can say DEFECT where the other says OK.
Both run the probe through prefix and suffix; their probabilities (score, classes, defect map)
must agree within ``PARITY_TOL``, the tolerance the test suite holds the backends to.
"""

from __future__ import annotations

import numpy as np

from app.core.backends.base import Backend
from app.core.bundle import Bundle
from app.core.errors import InspectorError
from app.core.grid import PatchGrid
from app.core.outputs import Outputs
from app.core.preprocess import preprocess

PARITY_TOL = 1e-4
PROBE_SEED = 20240607


def probe_pixels(bundle: Bundle) -> np.ndarray:
    """float32 [1, C, H, W]: a seeded textured image at the model's input size, preprocessed."""
    h, w = bundle.manifest.vit.input_hw
    rng = np.random.default_rng(PROBE_SEED)
    yy, xx = np.mgrid[0:h, 0:w]
    base = 128 + 60 * np.sin(xx / 5.0)[..., None] * np.cos(yy / 7.0)[..., None] + rng.normal(0, 25, (h, w, 3))
    base[h // 3 : h // 3 + max(1, h // 40), w // 5 : 4 * w // 5] -= 90  # a scratch-like line
    image = np.clip(base, 0, 255).astype(np.uint8)
    return preprocess(image, bundle.manifest.preprocess)


def probe_outputs(backend: Backend, bundle: Bundle, pixels: np.ndarray | None = None) -> Outputs:
    """The backend's own prefix -> suffix on the probe."""
    px = probe_pixels(bundle) if pixels is None else pixels
    tokens = backend.prefix(px)
    cls_logits, patch_logits = backend.suffix(tokens)
    grid = PatchGrid.of(bundle.manifest.vit)
    return Outputs.from_logits(cls_logits, patch_logits, (grid.grid_h, grid.grid_w))[0]


def _flat(o: Outputs) -> np.ndarray:
    parts = [np.array([o.score]), np.asarray(o.class_probs, np.float64).ravel()]
    if o.patch_map is not None:
        parts.append(np.asarray(o.patch_map, np.float64).ravel())
    return np.concatenate(parts)


def is_finite(o: Outputs) -> bool:
    return bool(np.all(np.isfinite(_flat(o))))


def disagreement(a: Outputs, b: Outputs) -> float:
    """Largest absolute difference of score, class probabilities and defect map (inf if either is not finite)."""
    fa, fb = _flat(a), _flat(b)
    if fa.shape != fb.shape or not (is_finite(a) and is_finite(b)):
        return float("inf")
    return float(np.max(np.abs(fa - fb)))


def check_parity(reference: Backend, other: Backend, bundle: Bundle, tol: float = PARITY_TOL) -> float:
    """Max difference between two backends on the probe; ``InspectorError("parity")`` beyond ``tol``."""
    px = probe_pixels(bundle)
    ref, got = probe_outputs(reference, bundle, px), probe_outputs(other, bundle, px)
    d = disagreement(ref, got)
    if not d <= tol:
        raise InspectorError(
            "parity", f"{other.info.name} disagrees with {reference.info.name} on the probe image by {d:.3g} "
            f"(tolerance {tol:g}; score {got.score:.4f} vs {ref.score:.4f}): the bundle's ONNX graphs and "
            "vit.safetensors do not compute the same model", difference=d,
        )
    return d
