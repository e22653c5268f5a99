"""A reference of timm's ViT, written from timm's own definitions, for parity tests.

timm cannot be installed here (it needs torchvision builds), so this module re-states, in
plain torch, what timm 1.0's code does, with timm's class layout, parameter names and shapes:

- ``VisionTransformer``: ``timm/models/vision_transformer.py`` (``VisionTransformer.__init__``,
  ``_pos_embed``, ``forward_features``, ``pool`` / ``global_pool_nlc``, ``forward_head``; the
  ``use_fc_norm = global_pool in ('avg', 'avgmax', 'max') if fc_norm is None else fc_norm`` rule;
  ``patch_embed`` bias off when ``pre_norm``; ``LayerScale`` only ``if init_values``);
- ``Attention``: ``timm/layers/attention.py``, the non-fused path (``q * scale @ k^T``, softmax,
  ``@ v``; ``q_norm``/``k_norm`` are the model's norm layer over the head dim);
- ``PatchEmbed``: ``timm/layers/patch_embed.py`` (conv, flatten, NCHW -> NLC);
- ``timm_eval_transform``: ``timm/data/transforms_factory.py::transforms_imagenet_eval`` with
  torchvision's ``Resize(int)`` (shorter side, the other truncated), timm's ``ResizeKeepRatio``
  for a non-square target (bilinear: timm passes no interpolation there), ``CenterCrop``
  (``int(round((h - ch) / 2))``), ``ToTensor`` and ``Normalize``; grey models read the image in
  mode ``L`` first, as timm's dataset does for ``input_size[0] == 1``.

It is deliberately written differently from ``app/core/vit.py`` (manual attention, float64 on
request), so that agreement means something. ``write_timm_export`` writes what timm's
``save_for_hf(model, dir, model_config={'label_names': ...}, safe_serialization=True)`` writes:
``model.safetensors`` and a hub ``config.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

# --- timm's layers ---------------------------------------------------------------------


class LayerNorm(nn.LayerNorm):
    """timm.layers.LayerNorm: eps 1e-6 unless the model's norm_layer says otherwise."""

    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__(dim, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


def act_layer(name: str) -> nn.Module:
    """timm's get_act_layer for the names a ViT config uses."""
    return {"gelu": lambda: nn.GELU(), "gelu_tanh": lambda: nn.GELU(approximate="tanh"), "quick_gelu": QuickGELU}[name]()


class LayerScale(nn.Module):
    def __init__(self, dim: int, init_values: float) -> None:
        super().__init__()
        self.gamma = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma


class Attention(nn.Module):
    def __init__(self, dim: int, num_heads: int, qkv_bias: bool, qk_norm: bool, eps: float) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim**-0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.q_norm = LayerNorm(self.head_dim, eps) if qk_norm else nn.Identity()
        self.k_norm = LayerNorm(self.head_dim, eps) if qk_norm else nn.Identity()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        q, k = self.q_norm(q), self.k_norm(k)
        q = q * self.scale
        attn = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        x = attn @ v
        return self.proj(x.transpose(1, 2).reshape(B, N, C))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int, act: str) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = act_layer(act)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, qkv_bias: bool, qk_norm: bool,
                 init_values: float | None, act: str, eps: float) -> None:
        super().__init__()
        self.norm1 = LayerNorm(dim, eps)
        self.attn = Attention(dim, num_heads, qkv_bias, qk_norm, eps)
        self.ls1 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.norm2 = LayerNorm(dim, eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), act)
        self.ls2 = LayerScale(dim, init_values) if init_values else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class PatchEmbed(nn.Module):
    def __init__(self, img_size: tuple[int, int], patch_size: int, in_chans: int, embed_dim: int, bias: bool) -> None:
        super().__init__()
        self.img_size = img_size
        self.grid_size = (img_size[0] // patch_size, img_size[1] // patch_size)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert tuple(x.shape[2:]) == self.img_size, "timm's strict_img_size"
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    """timm's ``VisionTransformer`` for the arguments a factory's classifier uses."""

    def __init__(
        self, img_size: int | tuple[int, int] = 224, patch_size: int = 16, in_chans: int = 3, num_classes: int = 1000,
        global_pool: str = "token", embed_dim: int = 768, depth: int = 12, num_heads: int = 12, mlp_ratio: float = 4.0,
        qkv_bias: bool = True, qk_norm: bool = False, init_values: float | None = None, class_token: bool = True,
        no_embed_class: bool = False, reg_tokens: int = 0, pre_norm: bool = False, final_norm: bool = True,
        fc_norm: bool | None = None, act_layer: str = "gelu", norm_eps: float = 1e-6,
    ) -> None:
        super().__init__()
        assert global_pool in ("token", "avg")
        assert class_token or global_pool != "token"
        img_size = (img_size, img_size) if isinstance(img_size, int) else tuple(img_size)
        use_fc_norm = global_pool in ("avg", "avgmax", "max") if fc_norm is None else fc_norm
        self.global_pool = global_pool
        self.num_prefix_tokens = (1 if class_token else 0) + reg_tokens
        self.no_embed_class = no_embed_class
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim, bias=not pre_norm)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim)) if class_token else None
        self.reg_token = nn.Parameter(torch.zeros(1, reg_tokens, embed_dim)) if reg_tokens else None
        embed_len = num_patches if no_embed_class else num_patches + self.num_prefix_tokens
        self.pos_embed = nn.Parameter(torch.randn(1, embed_len, embed_dim) * 0.02)
        self.norm_pre = LayerNorm(embed_dim, norm_eps) if pre_norm else nn.Identity()
        self.blocks = nn.Sequential(*[
            Block(embed_dim, num_heads, mlp_ratio, qkv_bias, qk_norm, init_values, act_layer, norm_eps) for _ in range(depth)
        ])
        self.norm = LayerNorm(embed_dim, norm_eps) if final_norm and not use_fc_norm else nn.Identity()
        self.fc_norm = LayerNorm(embed_dim, norm_eps) if final_norm and use_fc_norm else nn.Identity()
        self.head = nn.Linear(embed_dim, num_classes)

    def _pos_embed(self, x: torch.Tensor) -> torch.Tensor:
        to_cat = []
        if self.cls_token is not None:
            to_cat.append(self.cls_token.expand(x.shape[0], -1, -1))
        if self.reg_token is not None:
            to_cat.append(self.reg_token.expand(x.shape[0], -1, -1))
        if self.no_embed_class:
            x = x + self.pos_embed
            if to_cat:
                x = torch.cat(to_cat + [x], dim=1)
        else:
            if to_cat:
                x = torch.cat(to_cat + [x], dim=1)
            x = x + self.pos_embed
        return x

    def tokens_after(self, x: torch.Tensor, layer: int) -> torch.Tensor:
        """The residual stream after ``blocks[layer]`` (what a forward hook on that block sees)."""
        x = self.norm_pre(self._pos_embed(self.patch_embed(x)))
        for blk in self.blocks[: layer + 1]:
            x = blk(x)
        return x

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm_pre(self._pos_embed(self.patch_embed(x)))
        return self.norm(self.blocks(x))

    def forward_head(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, 0] if self.global_pool == "token" else x[:, self.num_prefix_tokens :].mean(dim=1)
        return self.head(self.fc_norm(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


# --- checkpoints as a fine-tuned timm model leaves them ---------------------------------


def fine_tuned(model: VisionTransformer, seed: int) -> VisionTransformer:
    """Random weights (seeded) that look trained: norms and layer scales far from their init
    values, biases everywhere, logits spread over a few units."""
    g = torch.Generator().manual_seed(seed)

    def rnd(shape: torch.Size, scale: float) -> torch.Tensor:
        return torch.randn(shape, generator=g) * scale

    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                p.copy_(0.05 + 0.4 * torch.rand(p.shape, generator=g))
            elif p.ndim == 1 and "norm" in name and name.endswith("weight"):
                p.copy_(1.0 + rnd(p.shape, 0.2))
            elif p.ndim == 1:
                p.copy_(rnd(p.shape, 0.1))
            elif name.startswith(("cls_token", "reg_token", "pos_embed")):
                p.copy_(rnd(p.shape, 0.5))
            else:
                fan_in = p[0].numel()
                p.copy_(rnd(p.shape, (2.0 if name.startswith("head") else 1.0) / math.sqrt(fan_in)))
    return model.eval()


def make_model(kwargs: dict[str, Any], seed: int = 0) -> VisionTransformer:
    return fine_tuned(VisionTransformer(**kwargs), seed)


def write_timm_export(
    folder: Path, model: VisionTransformer, architecture: str, model_args: dict[str, Any], pretrained_cfg: dict[str, Any],
    label_names: list[str] | None, num_classes: int, global_pool: str | None = None, prefix: str = "",
    dtype: torch.dtype = torch.float32,
) -> Path:
    """``model.safetensors`` + ``config.json`` as timm's ``save_for_hf`` writes them (``prefix``:
    a wrapper's key prefix such as ``module.``, as some training scripts leave it)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    state = {prefix + k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"))
    cfg: dict[str, Any] = {"architecture": architecture, "num_classes": num_classes, "num_features": model.head.in_features}
    if global_pool:
        cfg["global_pool"] = global_pool
    if label_names is not None:
        cfg["label_names"] = label_names
    if model_args:
        cfg["model_args"] = model_args
    cfg["pretrained_cfg"] = pretrained_cfg
    (folder / "config.json").write_text(json.dumps(cfg, indent=2))
    return folder


# --- timm's evaluation transform ---------------------------------------------------------

_PIL_INTERP = {"bilinear": 2, "bicubic": 3, "nearest": 0}  # PIL.Image.Resampling values


def timm_eval_transform(image_HWC: np.ndarray, input_size: tuple[int, int, int], crop_pct: float, interpolation: str,
                        mean: tuple[float, ...], std: tuple[float, ...]) -> np.ndarray:
    """float64 [C, H, W]: timm's ``transforms_imagenet_eval`` (crop_mode 'center') on an RGB uint8 image."""
    from PIL import Image

    c, h, w = input_size
    im = Image.fromarray(image_HWC)
    if c == 1:
        im = im.convert("L")
    scale = (math.floor(h / crop_pct), math.floor(w / crop_pct))
    iw, ih = im.size
    if scale[0] == scale[1]:  # torchvision Resize(int): the shorter side to `scale`, the other truncated
        s = scale[0]
        if iw <= ih:
            new_w, new_h = s, int(s * ih / iw)
        else:
            new_h, new_w = s, int(s * iw / ih)
        im = im.resize((new_w, new_h), _PIL_INTERP[interpolation])
    else:  # timm ResizeKeepRatio(scale_size), longest=0, its default bilinear
        ratio = min(ih / scale[0], iw / scale[1])
        new_h, new_w = round(ih / ratio), round(iw / ratio)
        im = im.resize((new_w, new_h), _PIL_INTERP["bilinear"])
    top, left = int(round((new_h - h) / 2.0)), int(round((new_w - w) / 2.0))
    im = im.crop((left, top, left + w, top + h))
    x = np.asarray(im, np.float64) / 255.0
    if x.ndim == 2:
        x = x[:, :, None]
    x = (x - np.asarray(mean, np.float64)) / np.asarray(std, np.float64)
    return x.transpose(2, 0, 1)


# --- the model families the tests convert: tiny widths and depths, the real structural features ---------


@dataclass(frozen=True)
class Family:
    """A fine-tuned timm ViT as a factory would export it. ``model_args`` is what its config.json
    carries; ``timm_kwargs`` is what timm builds from the architecture's model function plus those
    arguments, written out by hand from timm's source (so the app's table is checked, not trusted)."""

    architecture: str
    model_args: dict[str, Any]
    timm_kwargs: dict[str, Any]
    input_size: tuple[int, int, int] = (3, 64, 64)
    label_names: tuple[str, ...] = ("crack", "good", "scratch")
    class_map: dict[str, str] | None = None
    crop_pct: float = 0.9
    interpolation: str = "bicubic"
    mean: tuple[float, ...] = (0.485, 0.456, 0.406)
    std: tuple[float, ...] = (0.229, 0.224, 0.225)

    @property
    def kwargs(self) -> dict[str, Any]:
        c, h, w = self.input_size
        return dict(self.timm_kwargs, img_size=(h, w), in_chans=c, num_classes=len(self.label_names))

    def pretrained_cfg(self) -> dict[str, Any]:
        return {"input_size": list(self.input_size), "interpolation": self.interpolation, "crop_pct": self.crop_pct,
                "crop_mode": "center", "mean": list(self.mean), "std": list(self.std), "num_classes": len(self.label_names),
                "first_conv": "patch_embed.proj", "classifier": "head", "fixed_input_size": True}

    def export(self, folder: Path, seed: int = 0, **kw: Any) -> VisionTransformer:
        model = make_model(self.kwargs, seed)
        write_timm_export(folder, model, self.architecture, self.model_args, self.pretrained_cfg(), list(self.label_names),
                          len(self.label_names), global_pool=self.kwargs.get("global_pool", "token"), **kw)
        return model


_S = dict(embed_dim=96, depth=3)  # a "small" at test size: timm's 6 heads of width 16
FAMILIES: dict[str, Family] = {
    "vit_tiny": Family("vit_tiny_patch16_224", dict(embed_dim=48, depth=3),
                       dict(patch_size=16, embed_dim=48, depth=3, num_heads=3)),
    "vit_small": Family("vit_small_patch16_224", _S, dict(patch_size=16, embed_dim=96, depth=3, num_heads=6)),
    "vit_base_384": Family("vit_base_patch16_384", _S, dict(patch_size=16, embed_dim=96, depth=3, num_heads=12),
                           input_size=(3, 96, 96), crop_pct=1.0),
    "vit_small_patch32": Family("vit_small_patch32_224", _S, dict(patch_size=32, embed_dim=96, depth=3, num_heads=6),
                                input_size=(3, 96, 96), interpolation="bilinear"),
    "deit": Family("deit_small_patch16_224", _S, dict(patch_size=16, embed_dim=96, depth=3, num_heads=6)),
    "deit3": Family("deit3_small_patch16_224", _S,
                    dict(patch_size=16, embed_dim=96, depth=3, num_heads=6, no_embed_class=True, init_values=1e-6),
                    crop_pct=1.0),
    "dinov2": Family("vit_small_patch14_dinov2", dict(embed_dim=48, depth=3, num_heads=3),
                     dict(patch_size=14, embed_dim=48, depth=3, num_heads=3, init_values=1e-5), input_size=(3, 56, 56)),
    "dinov2_reg4": Family("vit_small_patch14_reg4_dinov2", dict(embed_dim=48, depth=3, num_heads=3),
                          dict(patch_size=14, embed_dim=48, depth=3, num_heads=3, init_values=1e-5, reg_tokens=4,
                               no_embed_class=True), input_size=(3, 56, 56)),
    "avg_gap": Family("vit_medium_patch16_gap_256", dict(embed_dim=64, depth=3, num_heads=4),
                      dict(patch_size=16, embed_dim=64, depth=3, num_heads=4, class_token=False, global_pool="avg",
                           qkv_bias=False, init_values=1e-6, fc_norm=False)),
    "avg_fc_norm": Family("vit_small_patch16_224", dict(_S, global_pool="avg"),
                          dict(patch_size=16, embed_dim=96, depth=3, num_heads=6, global_pool="avg")),
    "avg_reg_fc_norm": Family("vit_medium_patch16_reg4_gap_256", dict(embed_dim=64, depth=3, num_heads=4),
                              dict(patch_size=16, embed_dim=64, depth=3, num_heads=4, init_values=1e-5, class_token=False,
                                   no_embed_class=True, reg_tokens=4, global_pool="avg")),
    "qk_norm": Family("vit_small_patch16_224", dict(_S, qk_norm=True),
                      dict(patch_size=16, embed_dim=96, depth=3, num_heads=6, qk_norm=True)),
    "clip": Family("vit_base_patch16_clip_quickgelu_224", _S,
                   dict(patch_size=16, embed_dim=96, depth=3, num_heads=12, pre_norm=True, norm_eps=1e-5,
                        act_layer="quick_gelu"),
                   mean=(0.48145466, 0.4578275, 0.40821073), std=(0.26862954, 0.26130258, 0.27577711)),
    "siglip_gap": Family("vit_base_patch32_siglip_gap_256", _S,
                         dict(patch_size=32, embed_dim=96, depth=3, num_heads=12, class_token=False, global_pool="avg",
                              fc_norm=False, act_layer="gelu_tanh"), mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)),
    "grey_wide": Family("vit_small_patch16_224", _S, dict(patch_size=16, embed_dim=96, depth=3, num_heads=6),
                        input_size=(1, 48, 80), mean=(0.5,), std=(0.25,)),
    "binary_ok_ng": Family("vit_small_patch16_224", dict(_S, class_token=False, global_pool="avg"),
                           dict(patch_size=16, embed_dim=96, depth=3, num_heads=6, class_token=False, global_pool="avg"),
                           label_names=("NG", "OK"), class_map={"OK": "ok", "NG": "defect"}),
}
