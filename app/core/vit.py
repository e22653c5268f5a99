"""The defect ViT in plain torch, with timm's parameter names so a timm ViT's weights load.

Split at the hooked layer L: ``prefix`` runs the stem, the position embedding and
``blocks[0..L]``; ``suffix`` runs ``blocks[L+1..]``, the final norm and the heads.
``forward`` is exactly suffix(prefix(x)). The modules follow timm's ``VisionTransformer``
(layer scale, register tokens, ``norm_pre``, ``fc_norm``, qk-norm, average pooling), so a
timm checkpoint computes here what it computes in timm (tested against reference forwards
written from timm's definitions).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from app.core.vit_config import ViTConfig


def _activation(name: str) -> nn.Module:
    if name == "quick_gelu":
        return QuickGELU()
    return nn.GELU(approximate="tanh" if name == "gelu_tanh" else "none")


class QuickGELU(nn.Module):
    """OpenAI CLIP's activation, x * sigmoid(1.702 x)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


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
        head_dim = dim // num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.q_norm = nn.LayerNorm(head_dim, eps=eps) if qk_norm else nn.Identity()
        self.k_norm = nn.LayerNorm(head_dim, eps=eps) if qk_norm else nn.Identity()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x_BTD: torch.Tensor) -> torch.Tensor:
        b, t, d = x_BTD.shape
        qkv = self.qkv(x_BTD).reshape(b, t, 3, self.num_heads, d // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        y = F.scaled_dot_product_attention(self.q_norm(q), self.k_norm(k), v)
        return self.proj(y.transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int, act: str) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = _activation(act)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, cfg: ViTConfig) -> None:
        super().__init__()
        d, eps = cfg.embed_dim, cfg.ln_eps
        self.norm1 = nn.LayerNorm(d, eps=eps)
        self.attn = Attention(d, cfg.num_heads, cfg.qkv_bias, cfg.qk_norm, eps)
        self.ls1 = LayerScale(d, cfg.init_values) if cfg.init_values is not None else nn.Identity()
        self.norm2 = nn.LayerNorm(d, eps=eps)
        self.mlp = Mlp(d, int(d * cfg.mlp_ratio), cfg.act)
        self.ls2 = LayerScale(d, cfg.init_values) if cfg.init_values is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


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
        c_in, kernel = cfg.in_chans, cfg.patch_size
        if cfg.stem == "conv":
            layers = []
            for c in cfg.stem_channels:
                layers.append(ConvStemLayer(c_in, c))
                c_in = c
            self.stem = nn.Sequential(*layers)
            kernel = cfg.patch_size // 2 ** len(cfg.stem_channels)
        else:
            self.stem = None
        self.proj = nn.Conv2d(c_in, cfg.embed_dim, kernel, stride=kernel, bias=cfg.patch_bias)

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
        d = cfg.embed_dim
        self.patch_embed = PatchEmbed(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d)) if cfg.class_token else None
        self.reg_token = nn.Parameter(torch.zeros(1, cfg.reg_tokens, d)) if cfg.reg_tokens else None
        self.pos_embed = nn.Parameter(torch.randn(1, cfg.pos_embed_len, d) * 0.02)
        self.norm_pre = nn.LayerNorm(d, eps=cfg.ln_eps) if cfg.pre_norm else nn.Identity()
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.depth))
        # timm: with fc_norm the final norm moves after pooling and ``norm`` is absent
        self.norm = nn.LayerNorm(d, eps=cfg.ln_eps) if not cfg.fc_norm else nn.Identity()
        self.fc_norm = nn.LayerNorm(d, eps=cfg.ln_eps) if cfg.fc_norm else nn.Identity()
        if cfg.score_head == "class":
            self.head = nn.Linear(d, cfg.num_classes)
        else:
            self.patch_type_head = nn.Linear(d, cfg.num_defect_types)
        self.patch_head = nn.Linear(d, 1) if cfg.patch_head else None
        if self.cls_token is not None:
            nn.init.trunc_normal_(self.cls_token, std=0.02)
        if self.reg_token is not None:
            nn.init.trunc_normal_(self.reg_token, std=0.02)
        self.apply(_init_weights)

    @property
    def num_prefix_tokens(self) -> int:
        return self.cfg.num_prefix_tokens

    # --- the split ----------------------------------------------------------------------
    def embed(self, pixels_BCHW: torch.Tensor, grid_offset_B2: torch.Tensor | None = None) -> torch.Tensor:
        """Stem, prefix tokens and position embedding -> tokens [B, T, D] before blocks[0].

        ``grid_offset_B2`` (training only): each image is a crop whose top-left patch sits at
        this (row, col) of the full grid, and that sub-grid of the position embedding is used.
        """
        x = self.patch_embed(pixels_BCHW)
        b = x.shape[0]
        n_pre = 0 if self.cfg.no_embed_class else self.num_prefix_tokens
        pos = self.pos_embed
        if grid_offset_B2 is not None:
            gw = self.cfg.grid_size[1]
            ch, cw = pixels_BCHW.shape[2] // self.cfg.patch_size, pixels_BCHW.shape[3] // self.cfg.patch_size
            rows = grid_offset_B2[:, 0:1, None] + torch.arange(ch)[None, :, None]
            cols = grid_offset_B2[:, 1:2, None] + torch.arange(cw)[None, None, :]
            idx_BK = (rows * gw + cols).reshape(b, ch * cw) + n_pre
            grid = pos[0][idx_BK]  # [B, ch*cw, D]
            pos = torch.cat([pos[:, :n_pre].expand(b, -1, -1), grid], dim=1)
        prefix = []
        if self.cls_token is not None:
            prefix.append(self.cls_token.expand(b, -1, -1))
        if self.reg_token is not None:
            prefix.append(self.reg_token.expand(b, -1, -1))
        if self.cfg.no_embed_class:
            x = torch.cat([*prefix, x + pos], dim=1)
        else:
            x = torch.cat([*prefix, x], dim=1) + pos
        return self.norm_pre(x)

    def prefix(self, pixels_BCHW: torch.Tensor, grid_offset_B2: torch.Tensor | None = None) -> torch.Tensor:
        """Stem and blocks[0..L] -> tokens [B, T, D] (CLS and registers first, then patches)."""
        x = self.embed(pixels_BCHW, grid_offset_B2)
        for blk in self.blocks[: self.hooked_layer + 1]:
            x = blk(x)
        return x

    def trunk_suffix(self, tokens_BTD: torch.Tensor) -> torch.Tensor:
        """blocks[L+1..] and the final token norm -> tokens [B, T, D]."""
        x = tokens_BTD
        for blk in self.blocks[self.hooked_layer + 1 :]:
            x = blk(x)
        return self.norm(x)

    def patch_outputs(self, x_BTD: torch.Tensor) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """(patch defect logits [B, P], patch type logits [B, P, T]) from normed tokens; None where absent."""
        patches = x_BTD[:, self.num_prefix_tokens :]
        if self.cfg.fc_norm:
            patches = self.fc_norm(patches)
        logits = self.patch_head(patches).squeeze(-1) if self.patch_head is not None else None
        types = self.patch_type_head(patches) if self.cfg.score_head == "patch_max" else None
        return logits, types

    def class_logits(self, x_BTD: torch.Tensor, patch_logits_BP: torch.Tensor | None,
                     type_logits_BPT: torch.Tensor | None) -> torch.Tensor:
        """[B, C] class logits. For ``patch_max`` they are log-probabilities, so that softmax gives
        p(ok) = 1 - max_p sigmoid(patch logit) exactly, and the types share the rest."""
        if self.cfg.score_head == "class":
            if self.cfg.global_pool == "avg":
                pooled = x_BTD[:, self.num_prefix_tokens :].mean(dim=1)
            else:
                pooled = x_BTD[:, 0]
            return self.head(self.fc_norm(pooled))
        assert patch_logits_BP is not None and type_logits_BPT is not None
        peak_B = patch_logits_BP.max(dim=1).values
        weight_BP = torch.softmax(patch_logits_BP, dim=1)
        types_BT = (weight_BP.unsqueeze(-1) * type_logits_BPT).sum(dim=1)
        log_ok = -F.softplus(peak_B)
        log_defect = -F.softplus(-peak_B)
        return torch.cat([log_ok[:, None], log_defect[:, None] + torch.log_softmax(types_BT, dim=-1)], dim=1)

    def suffix(self, tokens_BTD: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """blocks[L+1..], final norm, heads -> (class_logits [B, C], patch_logits [B, P] or None)."""
        x = self.trunk_suffix(tokens_BTD)
        patch_logits, types = self.patch_outputs(x)
        return self.class_logits(x, patch_logits, types), patch_logits

    def forward(self, pixels_BCHW: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        return self.suffix(self.prefix(pixels_BCHW))


class PrefixModule(nn.Module):
    """Wrapper so the prefix exports as its own ONNX graph."""

    def __init__(self, vit: VisionTransformer) -> None:
        super().__init__()
        self.vit = vit

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.vit.prefix(pixels)


class SuffixModule(nn.Module):
    """The suffix graph: two outputs, or only the class logits for a model without a patch head."""

    def __init__(self, vit: VisionTransformer) -> None:
        super().__init__()
        self.vit = vit

    def forward(self, tokens: torch.Tensor):  # noqa: ANN201 - one or two tensors by the model's heads
        cls, patch = self.vit.suffix(tokens)
        return cls if patch is None else (cls, patch)


def _init_weights(m: nn.Module) -> None:
    if isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


def build_vit(cfg: ViTConfig, hooked_layer: int, state_dict: dict[str, torch.Tensor] | None = None) -> VisionTransformer:
    """Build the ViT in eval mode; with ``state_dict``, load it strictly (timm names, exact shapes)."""
    model = VisionTransformer(cfg, hooked_layer)
    if state_dict is not None:
        from app.core.errors import InspectorError

        own = model.state_dict()
        missing = sorted(set(own) - set(state_dict))
        unexpected = sorted(set(state_dict) - set(own))
        if missing or unexpected:
            raise InspectorError(
                "vit_weights",
                f"ViT weights do not match the configuration: missing {missing[:5]}, unexpected {unexpected[:5]}",
            )
        wrong = [(k, tuple(state_dict[k].shape), tuple(v.shape)) for k, v in own.items() if tuple(state_dict[k].shape) != tuple(v.shape)]
        if wrong:
            k, got, want = wrong[0]
            raise InspectorError(
                "vit_weights", f"ViT weights do not match the configuration: '{k}' has shape {list(got)}, the configuration "
                f"needs {list(want)} ({len(wrong)} tensor(s) differ)",
            )
        bad_dtype = [k for k, v in state_dict.items() if not v.is_floating_point() and not k.endswith("num_batches_tracked")]
        if bad_dtype:
            raise InspectorError("vit_weights", f"ViT weight '{bad_dtype[0]}' is not a floating-point tensor")
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state_dict.items()}, strict=True)
    return model.eval()
