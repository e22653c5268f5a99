"""The good reference: the mean good-part token per patch position, in SAE space.

The evidence map (``InspectionSession.evidence_map``) replaces one patch's hooked-layer token
at a time by what a good part holds at that position and measures how the defect score moves.
The replacement keeps the patch's own SAE error term (x'_p = x_p - x̂_p + r_p), so ``r_p`` is
the reconstruction of the mean good code at position p. Decoding is affine
(x̂ = z W_dec + b_dec), so that equals the mean of the good tokens' reconstructions there:

    r_p = decode(mean over good training images of z_p) = mean over them of x̂_p      [P, D]

It is computed from the recording's good training images with the bundle's own SAE, and
travels in the bundle as ``good_reference.safetensors`` (role ``good_reference``): ``recon_PD``
float32 [P, D], with the image count and the formula in the file's metadata.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.core.errors import InspectorError
from app.core.sae import SAEConfig, SAEWeights, decode, encode
from app.core.session import GOOD_REFERENCE_ROLE

ROLE = GOOD_REFERENCE_ROLE  # the bundle file role InspectionSession.evidence_map reads
FILENAME = "good_reference.safetensors"
KEY = "recon_PD"
FORMULA = "r_p = decode(mean_i z_ip) over good training images; evidence replaces x_p by x_p - x̂_p + r_p"


def good_image_ids(recording, split: str = "train") -> list[int]:  # noqa: ANN001 - a Recording
    return [i for i in recording.split_ids(split) if recording.rows[i]["label"] == "good"]


def mean_good_reconstruction(recording, sae_cfg: SAEConfig, sae_w: SAEWeights,  # noqa: ANN001 - a Recording
                             image_ids: Sequence[int]) -> np.ndarray:
    """r [P, D] float32: the reconstruction of the mean good code at each patch position."""
    ids = [int(i) for i in image_ids]
    if not ids:
        raise InspectorError("good_reference", "the good reference needs at least one good training image; the "
                             "recording has none (train/good/ is empty?)")
    n_p = recording.num_patches
    sum_PS = np.zeros((n_p, sae_cfg.width), np.float64)
    for i in ids:
        sum_PS += encode(sae_w, sae_cfg, recording.image_tokens(i))
    return decode(sae_w, (sum_PS / len(ids)).astype(np.float32)).astype(np.float32)


def write_good_reference(path: Path, recon_PD: np.ndarray, n_images: int) -> Path:
    from safetensors.numpy import save_file

    save_file({KEY: np.ascontiguousarray(recon_PD, np.float32)}, str(path),
              metadata={"images": str(int(n_images)), "formula": FORMULA})
    return Path(path)


def build_good_reference(recording, sae_cfg: SAEConfig, sae_w: SAEWeights, out: Path) -> Path:  # noqa: ANN001
    """Compute from the recording's good training images and write ``out``."""
    ids = good_image_ids(recording)
    return write_good_reference(out, mean_good_reconstruction(recording, sae_cfg, sae_w, ids), len(ids))
