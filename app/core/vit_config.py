"""The ViT's architecture, as stored in a bundle manifest (no torch needed to read it).

The fields follow timm's ``VisionTransformer`` arguments, so a factory's timm ViT is described
by the same words timm uses (``init_values`` for layer scale, ``reg_tokens``, ``global_pool``,
``fc_norm``, ``qk_norm``, ``pre_norm``, ``no_embed_class``). Reading is strict: an unknown key,
a missing required field or a value out of range is one error that names it, never a silent
default (a missing ``num_heads`` once became 3 and computed something else).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

from app.core.errors import InspectorError

Stem = Literal["patch", "conv"]
GlobalPool = Literal["token", "avg"]
Activation = Literal["gelu", "gelu_tanh", "quick_gelu"]
#: How the image verdict is computed.
#: ``class``: a timm classifier ``head`` on the pooled token (CLS or the patch average); the
#: defect map comes from ``patch_head`` when the model has one, else it is measured (evidence map).
#: ``patch_max``: the verdict is computed from the patch evidence by construction: the defect
#: score is the largest per-patch defect probability (the defect map's peak) and the defect type
#: is ``patch_type_head`` pooled over the patches, weighted by their defect evidence.
ScoreHead = Literal["class", "patch_max"]

#: Bounds checked before anything is allocated (a hand-edited ``mlp_ratio`` once asked for 37 GB).
MAX_SIDE = 2048
MAX_DIM = 4096
MAX_DEPTH = 64
MAX_TOKENS = 16384
MAX_CLASSES = 1000
MAX_MLP_RATIO = 16.0

REQUIRED = ("img_size", "patch_size", "embed_dim", "depth", "num_heads", "num_classes")


@dataclass(frozen=True)
class ViTConfig:
    """A pre-norm ViT with timm parameter names.

    ``stem="patch"`` is timm's patchify (``patch_embed.proj``). ``stem="conv"`` puts
    ``len(stem_channels)`` stride-2 3x3 conv+BN+ReLU layers before a
    ``patch_size / 2**len(stem_channels)`` patchify, the known fix for slow from-scratch ViT
    training (Xiao et al. 2021); the trunk is unchanged.
    """

    img_size: tuple[int, int] | int = (224, 224)  # (height, width); an int means square
    patch_size: int = 16
    embed_dim: int = 192
    depth: int = 6
    num_heads: int = 3
    num_classes: int = 7
    mlp_ratio: float = 4.0
    in_chans: int = 3  # 1: a grey-input model (the app feeds it the luma of the image)
    qkv_bias: bool = True
    qk_norm: bool = False
    init_values: float | None = None  # layer scale (``ls1.gamma``, ``ls2.gamma``) when set
    class_token: bool = True
    reg_tokens: int = 0
    no_embed_class: bool = False  # pos_embed covers the patches only (DINOv2 with registers)
    pre_norm: bool = False  # ``norm_pre`` after the position embedding (CLIP)
    patch_bias: bool = True  # bias in ``patch_embed.proj`` (timm drops it when pre_norm)
    global_pool: GlobalPool = "token"
    fc_norm: bool = False  # timm's ``fc_norm`` after pooling; then ``norm`` is absent
    act: Activation = "gelu"
    ln_eps: float = 1e-6
    stem: Stem = "patch"
    stem_channels: tuple[int, ...] = field(default_factory=tuple)
    score_head: ScoreHead = "class"
    patch_head: bool = True  # a per-patch defect logit head (``patch_head``)

    def __post_init__(self) -> None:
        size = self.img_size
        if isinstance(size, int) and not isinstance(size, bool):
            size = (size, size)
        try:
            size = (int(size[0]), int(size[1]))  # type: ignore[index]
        except (TypeError, ValueError, IndexError):
            raise InspectorError("vit_config", f"ViT img_size must be an integer or [height, width], got {self.img_size!r}") from None
        object.__setattr__(self, "img_size", size)
        object.__setattr__(self, "stem_channels", tuple(int(c) for c in self.stem_channels))
        self._check()

    def _check(self) -> None:
        def bad(msg: str) -> InspectorError:
            return InspectorError("vit_config", f"ViT configuration: {msg}")

        h, w = self.img_size  # type: ignore[misc]
        for name, v, lo, hi in (("img_size", min(h, w), 1, MAX_SIDE), ("img_size", max(h, w), 1, MAX_SIDE),
                                ("patch_size", self.patch_size, 1, MAX_SIDE), ("embed_dim", self.embed_dim, 1, MAX_DIM),
                                ("depth", self.depth, 2, MAX_DEPTH), ("num_heads", self.num_heads, 1, MAX_DIM),
                                ("num_classes", self.num_classes, 2, MAX_CLASSES), ("in_chans", self.in_chans, 1, 3),
                                ("reg_tokens", self.reg_tokens, 0, 64)):
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise bad(f"{name} must be an integer in [{lo}, {hi}], got {v!r}")
        if self.in_chans == 2:
            raise bad("in_chans must be 1 (grey) or 3 (RGB)")
        if not (isinstance(self.mlp_ratio, (int, float)) and 0 < self.mlp_ratio <= MAX_MLP_RATIO):
            raise bad(f"mlp_ratio must be in (0, {MAX_MLP_RATIO:g}], got {self.mlp_ratio!r}")
        if not (isinstance(self.ln_eps, (int, float)) and 0 < self.ln_eps < 1):
            raise bad(f"ln_eps must be in (0, 1), got {self.ln_eps!r}")
        if self.init_values is not None and not (isinstance(self.init_values, (int, float)) and abs(self.init_values) < 1e3):
            raise bad(f"init_values must be a number or null, got {self.init_values!r}")
        for name in ("qkv_bias", "qk_norm", "class_token", "no_embed_class", "pre_norm", "patch_bias", "fc_norm", "patch_head"):
            if not isinstance(getattr(self, name), bool):
                raise bad(f"{name} must be true or false, got {getattr(self, name)!r}")
        if self.global_pool not in ("token", "avg"):
            raise bad(f"global_pool must be 'token' or 'avg', got {self.global_pool!r}")
        if self.act not in ("gelu", "gelu_tanh", "quick_gelu"):
            raise bad(f"act must be gelu, gelu_tanh or quick_gelu, got {self.act!r}")
        if self.stem not in ("patch", "conv"):
            raise bad(f"stem must be 'patch' or 'conv', got {self.stem!r}")
        if self.score_head not in ("class", "patch_max"):
            raise bad(f"score_head must be 'class' or 'patch_max', got {self.score_head!r}")
        if h % self.patch_size or w % self.patch_size:
            raise bad(f"image size {h}x{w} is not a multiple of patch size {self.patch_size}")
        if self.embed_dim % self.num_heads:
            raise bad(f"embed_dim {self.embed_dim} is not a multiple of num_heads {self.num_heads}")
        if self.global_pool == "token" and not self.class_token:
            raise bad("global_pool 'token' needs a class token (class_token true), or use global_pool 'avg'")
        if self.score_head == "patch_max" and not self.patch_head:
            raise bad("score_head 'patch_max' needs the patch head")
        if self.num_tokens > MAX_TOKENS:
            raise bad(f"{self.num_tokens} tokens is more than the {MAX_TOKENS} this app runs")
        if self.stem == "conv":
            stride = 2 ** len(self.stem_channels)
            if not self.stem_channels or self.patch_size % stride or any(not 0 < c <= MAX_DIM for c in self.stem_channels):
                raise bad("conv stem channels do not divide the patch size")
        elif self.stem_channels:
            raise bad("stem_channels is only for stem 'conv'")

    # --- geometry ---------------------------------------------------------------------
    @property
    def input_hw(self) -> tuple[int, int]:
        return self.img_size  # type: ignore[return-value]

    @property
    def grid_size(self) -> tuple[int, int]:
        h, w = self.input_hw
        return (h // self.patch_size, w // self.patch_size)

    @property
    def num_patches(self) -> int:
        h, w = self.grid_size
        return h * w

    @property
    def num_prefix_tokens(self) -> int:
        """CLS (when present) and register tokens, in that order, before the patches."""
        return int(self.class_token) + self.reg_tokens

    @property
    def num_tokens(self) -> int:
        return self.num_prefix_tokens + self.num_patches

    @property
    def pos_embed_len(self) -> int:
        return self.num_patches if self.no_embed_class else self.num_tokens

    @property
    def num_defect_types(self) -> int:
        return self.num_classes - 1

    def describe(self) -> str:
        """One line for the model card and the about dialog."""
        h, w = self.input_hw
        bits = [f"input {h}×{w}" + (" grey" if self.in_chans == 1 else ""), f"patch {self.patch_size}",
                f"width {self.embed_dim}", f"depth {self.depth}", f"{self.num_heads} heads", f"MLP ×{self.mlp_ratio:g}"]
        if self.reg_tokens:
            bits.append(f"{self.reg_tokens} register tokens")
        if self.init_values is not None:
            bits.append("layer scale")
        if self.qk_norm:
            bits.append("qk-norm")
        if self.pre_norm:
            bits.append("norm_pre")
        if not self.class_token:
            bits.append("no CLS token")
        bits.append(f"pool {self.global_pool}" + (" + fc_norm" if self.fc_norm else ""))
        if self.act != "gelu":
            bits.append(self.act)
        return ", ".join(bits)

    # --- JSON -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["img_size"] = list(self.input_hw)
        d["stem_channels"] = list(self.stem_channels)
        return d

    @classmethod
    def from_json(cls, d: Any, where: str = "vit") -> ViTConfig:
        """Strict: unknown keys and missing required fields are errors that name them."""
        if not isinstance(d, dict):
            raise InspectorError("vit_config", f"{where}: the ViT configuration must be a JSON object")
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(d) - known):
            raise InspectorError(
                "vit_config", f"{where}: unknown ViT configuration key(s) {unknown}; the known keys are listed in "
                "docs/MODEL_FORMAT.md", keys=unknown,
            )
        if missing := [k for k in REQUIRED if k not in d]:
            raise InspectorError("vit_config", f"{where}: the ViT configuration lacks required field(s) {missing}", keys=missing)
        kw = dict(d)
        if "stem_channels" in kw:
            if not isinstance(kw["stem_channels"], (list, tuple)):
                raise InspectorError("vit_config", f"{where}: stem_channels must be a list of integers")
            kw["stem_channels"] = tuple(kw["stem_channels"])
        if isinstance(kw.get("img_size"), list):
            kw["img_size"] = tuple(kw["img_size"])
        if isinstance(kw.get("mlp_ratio"), int) and not isinstance(kw["mlp_ratio"], bool):
            kw["mlp_ratio"] = float(kw["mlp_ratio"])
        try:
            return cls(**kw)
        except TypeError as exc:  # wrong value types in a hand-edited manifest
            raise InspectorError("vit_config", f"{where}: invalid ViT configuration: {exc}") from exc
