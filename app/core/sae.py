"""The sparse autoencoder at inference, in numpy (no torch needed).

Encoding and decoding follow exactly the formulas the bundle manifest states; a bundle
stating anything else is refused (saev once changed its encoding silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from app.core.errors import InspectorError

ENCODE_FORMULA = "z = act((x - b_dec) @ W_enc + b_enc)"
DECODE_FORMULA = "x_hat = z @ W_dec + b_dec"

Activation = Literal["relu", "topk", "jumprelu"]
Objective = Literal["plain", "matryoshka"]


@dataclass(frozen=True)
class SAEConfig:
    """How to encode and decode; ``objective`` and ``prefixes`` say how it was trained.

    A Matryoshka SAE (saev's ``objectives.py``; SAELens ``MatryoshkaBatchTopK``) was trained to
    reconstruct from every nested prefix of its dictionary, latents [0, prefixes[0]), [0,
    prefixes[1]), ..., [0, width): early latents are coarse and general, later ones finer. It
    encodes and decodes like any SAE of its activation rule; the prefixes only order its latents.
    Configurations written before the field existed read as ``plain``."""

    d_model: int
    width: int
    activation: Activation = "topk"
    k: int | None = 32  # topk only
    objective: Objective = "plain"
    prefixes: tuple[int, ...] = ()  # matryoshka: strictly increasing prefix sizes, the last = width

    def __post_init__(self) -> None:
        if self.activation not in ("relu", "topk", "jumprelu"):
            raise InspectorError("bad_manifest", f"unknown SAE activation rule '{self.activation}'")
        if self.activation == "topk" and not (self.k and 0 < self.k <= self.width):
            raise InspectorError("bad_manifest", f"TopK SAE needs 0 < k <= width, got k={self.k}")
        if self.objective not in ("plain", "matryoshka"):
            raise InspectorError("bad_manifest", f"unknown SAE training objective '{self.objective}'")
        p = tuple(self.prefixes)
        if self.objective == "matryoshka" and not (
            p and all(0 < a < b for a, b in zip(p, p[1:])) and p[0] > 0 and p[-1] == self.width
        ):
            raise InspectorError("bad_manifest", f"a Matryoshka SAE needs increasing prefixes ending at the width {self.width}, got {list(p)}")
        if self.objective == "plain" and p:
            raise InspectorError("bad_manifest", "only a Matryoshka SAE has prefixes")

    def to_json(self) -> dict[str, Any]:
        act: dict[str, Any] = {"rule": self.activation}
        if self.activation == "topk":
            act["k"] = self.k
        if self.activation == "jumprelu":
            act["thresholds"] = "threshold [S] in sae.safetensors"
        out = {
            "d_model": self.d_model,
            "width": self.width,
            "activation": act,
            "encode": ENCODE_FORMULA,
            "decode": DECODE_FORMULA,
        }
        if self.objective != "plain":
            out["training"] = {"objective": self.objective, "prefixes": list(self.prefixes)}
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SAEConfig:
        if d.get("encode") != ENCODE_FORMULA or d.get("decode") != DECODE_FORMULA:
            raise InspectorError(
                "sae_formula",
                f"the SAE's stated encoding '{d.get('encode')}' / decoding '{d.get('decode')}' differs from "
                f"this app's '{ENCODE_FORMULA}' / '{DECODE_FORMULA}'; refusing to guess",
            )
        try:
            act = d["activation"]
            training = d.get("training") or {}
            return cls(int(d["d_model"]), int(d["width"]), act["rule"], act.get("k"),
                       training.get("objective", "plain"), tuple(int(x) for x in training.get("prefixes", ())))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InspectorError("bad_manifest", f"SAE configuration is invalid: {exc}") from exc


@dataclass(frozen=True)
class SAEWeights:
    W_enc: np.ndarray  # [D, S]
    b_enc: np.ndarray  # [S]
    W_dec: np.ndarray  # [S, D]
    b_dec: np.ndarray  # [D]
    threshold: np.ndarray | None = None  # [S], jumprelu only

    def check(self, cfg: SAEConfig) -> None:
        d, s = cfg.d_model, cfg.width
        expect = {"W_enc": (d, s), "b_enc": (s,), "W_dec": (s, d), "b_dec": (d,)}
        for name, shape in expect.items():
            got = getattr(self, name).shape
            if got != shape:
                raise InspectorError(
                    "sae_shape", f"sae.safetensors: {name} has shape {got}, the manifest says {shape}"
                )
        if cfg.activation == "jumprelu" and (self.threshold is None or self.threshold.shape != (s,)):
            raise InspectorError("sae_shape", "sae.safetensors: a JumpReLU SAE needs threshold [S]")

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> SAEWeights:
        try:
            return cls(
                *(np.ascontiguousarray(arrays[k], dtype=np.float32) for k in ("W_enc", "b_enc", "W_dec", "b_dec")),
                threshold=None if "threshold" not in arrays else arrays["threshold"].astype(np.float32),
            )
        except KeyError as exc:
            raise InspectorError("sae_shape", f"sae.safetensors lacks tensor {exc}") from exc

    def to_arrays(self) -> dict[str, np.ndarray]:
        out = {"W_enc": self.W_enc, "b_enc": self.b_enc, "W_dec": self.W_dec, "b_dec": self.b_dec}
        if self.threshold is not None:
            out["threshold"] = self.threshold
        return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def pre_activations(w: SAEWeights, x_ND: np.ndarray) -> np.ndarray:
    return (x_ND - w.b_dec) @ w.W_enc + w.b_enc


def encode(w: SAEWeights, cfg: SAEConfig, x_ND: np.ndarray) -> np.ndarray:
    """x [N, D] -> codes z [N, S]. Per token: no token's codes depend on another token."""
    pre_NS = pre_activations(w, np.asarray(x_ND, np.float32))
    if cfg.activation == "relu":
        return np.maximum(pre_NS, 0.0)
    if cfg.activation == "jumprelu":
        assert w.threshold is not None
        return np.where(pre_NS > w.threshold, pre_NS, 0.0).astype(np.float32)
    k = int(cfg.k)  # type: ignore[arg-type]
    idx_NK = np.argpartition(-pre_NS, k - 1, axis=1)[:, :k]
    z_NS = np.zeros_like(pre_NS)
    vals = np.take_along_axis(pre_NS, idx_NK, axis=1)
    np.put_along_axis(z_NS, idx_NK, np.maximum(vals, 0.0), axis=1)
    return z_NS


def decode(w: SAEWeights, z_NS: np.ndarray) -> np.ndarray:
    return z_NS @ w.W_dec + w.b_dec


def prefix_level(cfg: SAEConfig) -> np.ndarray:
    """[S] the Matryoshka level of each latent: 0 for the first prefix, 1 for the next block, ...; all 0 for a plain SAE."""
    if cfg.objective != "matryoshka":
        return np.zeros(cfg.width, np.int64)
    return np.searchsorted(np.asarray(cfg.prefixes), np.arange(cfg.width), side="right").astype(np.int64)


def coarse_to_fine(cfg: SAEConfig, frequency_S: np.ndarray | None = None) -> np.ndarray:
    """[S] latent ids from coarse to fine, for a browser's default order.

    A Matryoshka dictionary is ordered by its prefixes (its own coarse-to-fine structure), and
    within a level by how often each latent fires (most general first). A plain SAE has no such
    structure: it is ordered by firing frequency alone (latent id without one)."""
    level = prefix_level(cfg)
    freq = np.zeros(cfg.width) if frequency_S is None else np.asarray(frequency_S, np.float64)
    return np.lexsort((np.arange(cfg.width), -freq, level)).astype(np.int64)
