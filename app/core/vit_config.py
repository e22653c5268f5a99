"""The ViT's architecture, as stored in a bundle manifest (no torch needed to read it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from app.core.errors import InspectorError

Stem = Literal["patch", "conv"]


@dataclass(frozen=True)
class ViTConfig:
    """A standard pre-norm ViT with timm parameter names, a CLS head and a patch head.

    ``stem="patch"`` is timm's 16x16 patchify (``patch_embed.proj``). ``stem="conv"``
    puts ``len(stem_channels)`` stride-2 3x3 conv+BN+ReLU layers before a
    ``patch_size / 2**len(stem_channels)`` patchify, the known fix for slow from-scratch
    ViT training (Xiao et al. 2021); the trunk is unchanged.
    """

    img_size: int = 224
    patch_size: int = 16
    embed_dim: int = 192
    depth: int = 6
    num_heads: int = 3
    mlp_ratio: float = 4.0
    num_classes: int = 7
    stem: Stem = "patch"
    stem_channels: tuple[int, ...] = field(default_factory=tuple)
    ln_eps: float = 1e-6

    def __post_init__(self) -> None:
        if self.img_size % self.patch_size:
            raise InspectorError(
                "vit_config", f"ViT image size {self.img_size} is not a multiple of patch size {self.patch_size}"
            )
        if self.embed_dim % self.num_heads:
            raise InspectorError("vit_config", "ViT width must be a multiple of the number of heads")
        if self.stem == "conv":
            stride = 2 ** len(self.stem_channels)
            if not self.stem_channels or self.patch_size % stride:
                raise InspectorError("vit_config", "conv stem channels do not divide the patch size")

    @property
    def grid_size(self) -> tuple[int, int]:
        n = self.img_size // self.patch_size
        return (n, n)

    @property
    def num_patches(self) -> int:
        h, w = self.grid_size
        return h * w

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["stem_channels"] = list(self.stem_channels)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ViTConfig:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        if "stem_channels" in known:
            known["stem_channels"] = tuple(int(c) for c in known["stem_channels"])
        try:
            return cls(**known)
        except TypeError as exc:  # wrong value types in a hand-edited manifest
            raise InspectorError("vit_config", f"invalid ViT configuration: {exc}") from exc
