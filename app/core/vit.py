"""The defect ViT in plain torch, with timm's parameter names so a timm ViT's weights load.

Split at the hooked layer L: ``prefix`` runs the stem and ``blocks[0..L]``; ``suffix`` runs
``blocks[L+1..]``, the final norm and both heads. ``forward`` is exactly suffix(prefix(x)).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from app.core.vit_config import ViTConfig


class Attention(nn.Module):
    def __init__(self, dim: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x_BTD: torch.Tensor) -> torch.Tensor:
        b, t, d = x_BTD.shape
        qkv = self.qkv(x_BTD).reshape(b, t, 3, self.num_heads, d // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        y = F.scaled_dot_product_attention(q, k, v)
        return self.proj(y.transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, eps: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ConvStemLayer(nn.Module):
    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)))


class PatchEmbed(nn.Module):
    def __init__(self, cfg: ViTConfig) -> None:
        super().__init__()
        c_in, kernel = 3, cfg.patch_size
        if cfg.stem == "conv":
            layers = []
            for c in cfg.stem_channels:
                layers.append(ConvStemLayer(c_in, c))
                c_in = c
            self.stem = nn.Sequential(*layers)
            kernel = cfg.patch_size // 2 ** len(cfg.stem_channels)
        else:
            self.stem = None
        self.proj = nn.Conv2d(c_in, cfg.embed_dim, kernel, stride=kernel)

    def forward(self, x_BCHW: torch.Tensor) -> torch.Tensor:
        if self.stem is not None:
            x_BCHW = self.stem(x_BCHW)
        # row-major patch order: the one grid convention everywhere (app.core.grid)
        return self.proj(x_BCHW).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self, cfg: ViTConfig, hooked_layer: int) -> None:
        super().__init__()
        if not 0 <= hooked_layer < cfg.depth - 1:
            raise ValueError(f"hooked layer {hooked_layer} must leave at least one block after it")
        self.cfg = cfg
        self.hooked_layer = hooked_layer
        self.patch_embed = PatchEmbed(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.embed_dim))
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + cfg.num_patches, cfg.embed_dim) * 0.02)
        self.blocks = nn.ModuleList(
            Block(cfg.embed_dim, cfg.num_heads, cfg.mlp_ratio, cfg.ln_eps) for _ in range(cfg.depth)
        )
        self.norm = nn.LayerNorm(cfg.embed_dim, eps=cfg.ln_eps)
        self.head = nn.Linear(cfg.embed_dim, cfg.num_classes)
        self.patch_head = nn.Linear(cfg.embed_dim, 1)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.apply(_init_weights)

    def prefix(self, pixels_BCHW: torch.Tensor) -> torch.Tensor:
        """Stem and blocks[0..L] -> tokens [B, 1+P, D] (CLS first)."""
        x = self.patch_embed(pixels_BCHW)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for blk in self.blocks[: self.hooked_layer + 1]:
            x = blk(x)
        return x

    def suffix(self, tokens_BTD: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """blocks[L+1..], final norm, heads -> (class_logits [B, C], patch_logits [B, P])."""
        x = tokens_BTD
        for blk in self.blocks[self.hooked_layer + 1 :]:
            x = blk(x)
        x = self.norm(x)
        return self.head(x[:, 0]), self.patch_head(x[:, 1:]).squeeze(-1)

    def forward(self, pixels_BCHW: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.suffix(self.prefix(pixels_BCHW))


class PrefixModule(nn.Module):
    """Wrapper so the prefix exports as its own ONNX graph."""

    def __init__(self, vit: VisionTransformer) -> None:
        super().__init__()
        self.vit = vit

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.vit.prefix(pixels)


class SuffixModule(nn.Module):
    def __init__(self, vit: VisionTransformer) -> None:
        super().__init__()
        self.vit = vit

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.vit.suffix(tokens)


def _init_weights(m: nn.Module) -> None:
    if isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


def build_vit(cfg: ViTConfig, hooked_layer: int, state_dict: dict[str, torch.Tensor] | None = None) -> VisionTransformer:
    """Build the ViT in eval mode; with ``state_dict``, load it strictly (timm names)."""
    model = VisionTransformer(cfg, hooked_layer)
    if state_dict is not None:
        missing, unexpected = model.load_state_dict(state_dict, strict=False)
        if missing or unexpected:
            from app.core.errors import InspectorError

            raise InspectorError(
                "vit_weights",
                f"ViT weights do not match the configuration: missing {sorted(missing)[:5]}, "
                f"unexpected {sorted(unexpected)[:5]}",
            )
    return model.eval()
