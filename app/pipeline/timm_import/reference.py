"""timm's ViT forward as plain functions over the checkpoint's own tensors (float64).

This is the yardstick of an import: it reads the tensors by timm's names, with timm's
arguments (``TimmArgs``), and follows timm 1.0's ``VisionTransformer.forward`` step by step
(patch embedding, ``_pos_embed``, ``norm_pre``, blocks with layer scale and qk-norm, ``norm``,
``pool``, ``fc_norm``, ``head``). It shares no code with ``app.core.vit``, so the converted model
agreeing with it on probe images checks the conversion (names, class order, arguments), not the
engine against itself.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from app.pipeline.timm_import.architectures import TimmArgs

State = dict[str, torch.Tensor]


def _w(s: State, name: str) -> torch.Tensor:
    return s[name].to(torch.float64)


def _b(s: State, name: str) -> torch.Tensor | None:
    return s[name].to(torch.float64) if name in s else None


def _norm(x: torch.Tensor, s: State, name: str, eps: float) -> torch.Tensor:
    return F.layer_norm(x, (x.shape[-1],), _w(s, f"{name}.weight"), _b(s, f"{name}.bias"), eps)


def _dense(x: torch.Tensor, s: State, name: str) -> torch.Tensor:
    return F.linear(x, _w(s, f"{name}.weight"), _b(s, f"{name}.bias"))


def _act(x: torch.Tensor, name: str) -> torch.Tensor:
    if name == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    return F.gelu(x, approximate="tanh" if name == "gelu_tanh" else "none")


def _attention(x: torch.Tensor, s: State, p: str, a: TimmArgs) -> torch.Tensor:
    b, n, c = x.shape
    hd = c // a.num_heads
    q, k, v = _dense(x, s, f"{p}.qkv").reshape(b, n, 3, a.num_heads, hd).permute(2, 0, 3, 1, 4).unbind(0)
    if a.qk_norm:
        q, k = _norm(q, s, f"{p}.q_norm", a.norm_eps), _norm(k, s, f"{p}.k_norm", a.norm_eps)
    weights = torch.softmax((q * hd**-0.5) @ k.transpose(-2, -1), dim=-1)
    return _dense((weights @ v).transpose(1, 2).reshape(b, n, c), s, f"{p}.proj")


def _block(x: torch.Tensor, s: State, i: int, a: TimmArgs) -> torch.Tensor:
    p = f"blocks.{i}"
    y = _attention(_norm(x, s, f"{p}.norm1", a.norm_eps), s, f"{p}.attn", a)
    x = x + (y * _w(s, f"{p}.ls1.gamma") if a.layer_scale else y)
    y = _dense(_act(_dense(_norm(x, s, f"{p}.norm2", a.norm_eps), s, f"{p}.mlp.fc1"), a.act_layer), s, f"{p}.mlp.fc2")
    return x + (y * _w(s, f"{p}.ls2.gamma") if a.layer_scale else y)


def embed(s: State, a: TimmArgs, pixels_BCHW: torch.Tensor) -> torch.Tensor:
    """patch_embed, _pos_embed and norm_pre -> tokens [B, T, D] before blocks[0]."""
    x = F.conv2d(pixels_BCHW.to(torch.float64), _w(s, "patch_embed.proj.weight"), _b(s, "patch_embed.proj.bias"),
                 stride=a.patch_size)
    x = x.flatten(2).transpose(1, 2)
    b = x.shape[0]
    prefix = []
    if a.class_token:
        prefix.append(_w(s, "cls_token").expand(b, -1, -1))
    if a.reg_tokens:
        prefix.append(_w(s, "reg_token").expand(b, -1, -1))
    pos = _w(s, "pos_embed")
    x = torch.cat([*prefix, x + pos], dim=1) if a.no_embed_class else torch.cat([*prefix, x], dim=1) + pos
    return _norm(x, s, "norm_pre", a.norm_eps) if a.pre_norm else x


@torch.no_grad()
def tokens_after(s: State, a: TimmArgs, pixels_BCHW: torch.Tensor, layer: int) -> torch.Tensor:
    """The residual stream after blocks[layer], [B, T, D] float64."""
    x = embed(s, a, pixels_BCHW)
    for i in range(layer + 1):
        x = _block(x, s, i, a)
    return x


@torch.no_grad()
def logits(s: State, a: TimmArgs, pixels_BCHW: torch.Tensor) -> torch.Tensor:
    """The classifier's logits [B, C] in the checkpoint's own class order, float64."""
    x = tokens_after(s, a, pixels_BCHW, a.depth - 1)
    if not a.use_fc_norm:
        x = _norm(x, s, "norm", a.norm_eps)
    pooled = x[:, 0] if a.global_pool == "token" else x[:, a.num_prefix_tokens :].mean(dim=1)
    if a.use_fc_norm:
        pooled = _norm(pooled, s, "fc_norm", a.norm_eps)
    return _dense(pooled, s, "head")
