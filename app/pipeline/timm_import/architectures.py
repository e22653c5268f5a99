"""timm's ViT family as a table, and timm's ``VisionTransformer`` arguments.

``ARCHITECTURES`` holds, for every timm ViT this app converts, the arguments its model function
passes to ``VisionTransformer`` (copied from timm 1.0's ``models/vision_transformer.py`` and
``models/deit.py``; ``norm_eps=1e-5`` stands for CLIP's ``norm_layer=partial(LayerNorm, eps=1e-5)``).
Left out, because they compute something this app's ViT does not: attention pooling
(``global_pool='map'``, SigLIP), SwiGLU MLPs (DINOv2 giant, AIMv2), RMSNorm, parallel or
res-post blocks, differential attention, DeiT's distillation token, no final norm (InternViT).

A checkpoint's own ``config.json`` may override any argument with ``model_args``; the input size
and channel count come from its ``pretrained_cfg`` as timm's builder takes them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from app.core.errors import InspectorError
from app.core.vit_config import ViTConfig

ARCHITECTURES: dict[str, dict[str, Any]] = {
    "vit_tiny_patch16_224": dict(patch_size=16, embed_dim=192, depth=12, num_heads=3),
    "vit_tiny_patch16_384": dict(patch_size=16, embed_dim=192, depth=12, num_heads=3),
    "vit_small_patch32_224": dict(patch_size=32, embed_dim=384, depth=12, num_heads=6),
    "vit_small_patch32_384": dict(patch_size=32, embed_dim=384, depth=12, num_heads=6),
    "vit_small_patch16_224": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6),
    "vit_small_patch16_384": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6),
    "vit_small_patch8_224": dict(patch_size=8, embed_dim=384, depth=12, num_heads=6),
    "vit_base_patch32_224": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12),
    "vit_base_patch32_384": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12),
    "vit_base_patch16_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12),
    "vit_base_patch16_384": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12),
    "vit_base_patch8_224": dict(patch_size=8, embed_dim=768, depth=12, num_heads=12),
    "vit_large_patch32_224": dict(patch_size=32, embed_dim=1024, depth=24, num_heads=16),
    "vit_large_patch32_384": dict(patch_size=32, embed_dim=1024, depth=24, num_heads=16),
    "vit_large_patch16_224": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16),
    "vit_large_patch16_384": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16),
    "vit_large_patch14_224": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16),
    "vit_huge_patch14_224": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16),
    "vit_giant_patch14_224": dict(patch_size=14, embed_dim=1408, mlp_ratio=48/11, depth=40, num_heads=16),
    "vit_gigantic_patch14_224": dict(patch_size=14, embed_dim=1664, mlp_ratio=64/13, depth=48, num_heads=16),
    "vit_base_patch16_224_miil": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, qkv_bias=False),
    "vit_medium_patch16_gap_240": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, class_token=False, global_pool='avg', qkv_bias=False, init_values=1e-6, fc_norm=False),
    "vit_medium_patch16_gap_256": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, class_token=False, global_pool='avg', qkv_bias=False, init_values=1e-6, fc_norm=False),
    "vit_medium_patch16_gap_384": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, class_token=False, global_pool='avg', qkv_bias=False, init_values=1e-6, fc_norm=False),
    "vit_betwixt_patch16_gap_256": dict(patch_size=16, embed_dim=640, depth=12, num_heads=10, class_token=False, global_pool='avg', qkv_bias=False, init_values=1e-6, fc_norm=False),
    "vit_base_patch16_gap_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=16, class_token=False, global_pool='avg', fc_norm=False),
    "vit_huge_patch14_gap_224": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, class_token=False, global_pool='avg', fc_norm=False),
    "vit_huge_patch16_gap_448": dict(patch_size=16, embed_dim=1280, depth=32, num_heads=16, class_token=False, global_pool='avg', fc_norm=False),
    "vit_giant_patch16_gap_224": dict(patch_size=16, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=48/11, class_token=False, global_pool='avg', fc_norm=False),
    "vit_xsmall_patch16_clip_224": dict(patch_size=16, embed_dim=256, depth=10, num_heads=4, pre_norm=True, norm_eps=1e-5),
    "vit_medium_patch32_clip_224": dict(patch_size=32, embed_dim=512, depth=12, num_heads=8, pre_norm=True, norm_eps=1e-5),
    "vit_medium_patch16_clip_224": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, pre_norm=True, norm_eps=1e-5),
    "vit_betwixt_patch32_clip_224": dict(patch_size=32, embed_dim=640, depth=12, num_heads=10, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch32_clip_224": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch32_clip_256": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch32_clip_384": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch32_clip_448": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch16_clip_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch16_clip_384": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch16_plus_clip_240": dict(patch_size=16, embed_dim=896, depth=12, num_heads=14, pre_norm=True, norm_eps=1e-5),
    "vit_large_patch14_clip_224": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_large_patch14_clip_336": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_huge_patch14_clip_224": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_huge_patch14_clip_336": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_huge_patch14_clip_378": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_giant_patch14_clip_224": dict(patch_size=14, embed_dim=1408, mlp_ratio=48/11, depth=40, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_gigantic_patch14_clip_224": dict(patch_size=14, embed_dim=1664, mlp_ratio=64/13, depth=48, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_gigantic_patch14_clip_378": dict(patch_size=14, embed_dim=1664, mlp_ratio=64/13, depth=48, num_heads=16, pre_norm=True, norm_eps=1e-5),
    "vit_base_patch32_clip_quickgelu_224": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_base_patch16_clip_quickgelu_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_large_patch14_clip_quickgelu_224": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_large_patch14_clip_quickgelu_336": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_huge_patch14_clip_quickgelu_224": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_huge_patch14_clip_quickgelu_378": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_gigantic_patch14_clip_quickgelu_224": dict(patch_size=14, embed_dim=1664, mlp_ratio=64/13, depth=48, num_heads=16, pre_norm=True, act_layer='quick_gelu', norm_eps=1e-5),
    "vit_base_patch32_plus_256": dict(patch_size=32, embed_dim=896, depth=12, num_heads=14, init_values=1e-5),
    "vit_base_patch16_plus_240": dict(patch_size=16, embed_dim=896, depth=12, num_heads=14, init_values=1e-5),
    "vit_small_patch16_36x1_224": dict(patch_size=16, embed_dim=384, depth=36, num_heads=6, init_values=1e-5),
    "eva_large_patch14_196": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, global_pool='avg'),
    "eva_large_patch14_336": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, global_pool='avg'),
    "flexivit_small": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6, no_embed_class=True),
    "flexivit_base": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, no_embed_class=True),
    "flexivit_large": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, no_embed_class=True),
    "vit_small_patch14_dinov2": dict(patch_size=14, embed_dim=384, depth=12, num_heads=6, init_values=1e-5),
    "vit_base_patch14_dinov2": dict(patch_size=14, embed_dim=768, depth=12, num_heads=12, init_values=1e-5),
    "vit_large_patch14_dinov2": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=1e-5),
    "vit_small_patch14_reg4_dinov2": dict(patch_size=14, embed_dim=384, depth=12, num_heads=6, init_values=1e-5, reg_tokens=4, no_embed_class=True),
    "vit_base_patch14_reg4_dinov2": dict(patch_size=14, embed_dim=768, depth=12, num_heads=12, init_values=1e-5, reg_tokens=4, no_embed_class=True),
    "vit_large_patch14_reg4_dinov2": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=1e-5, reg_tokens=4, no_embed_class=True),
    "vit_base_patch14_reg1_tipsv2": dict(patch_size=14, embed_dim=768, depth=12, num_heads=12, init_values=1.0, reg_tokens=1, no_embed_class=True),
    "vit_large_patch14_reg1_tipsv2": dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=1.0, reg_tokens=1, no_embed_class=True),
    "vit_so400m_patch14_reg1_tipsv2": dict(patch_size=14, embed_dim=1152, depth=27, num_heads=16, init_values=1.0, mlp_ratio=4304 / 1152, reg_tokens=1, no_embed_class=True),
    "vit_base_patch32_siglip_gap_256": dict(patch_size=32, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_base_patch16_siglip_gap_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg', fc_norm=False),
    "vit_base_patch16_siglip_gap_256": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg', fc_norm=False),
    "vit_base_patch16_siglip_gap_384": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg', fc_norm=False),
    "vit_base_patch16_siglip_gap_512": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg', fc_norm=False),
    "vit_large_patch16_siglip_gap_256": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False, global_pool='avg', fc_norm=False),
    "vit_large_patch16_siglip_gap_384": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False, global_pool='avg', fc_norm=False),
    "vit_large_patch16_siglip_gap_512": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_so400m_patch14_siglip_gap_224": dict(patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False),
    "vit_so400m_patch14_siglip_gap_378": dict(patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False),
    "vit_so400m_patch14_siglip_gap_384": dict(patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False),
    "vit_so400m_patch14_siglip_gap_448": dict(patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False),
    "vit_so400m_patch14_siglip_gap_896": dict(patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False),
    "vit_so400m_patch16_siglip_gap_256": dict(patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_so400m_patch16_siglip_gap_384": dict(patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_so400m_patch16_siglip_gap_512": dict(patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_giantopt_patch16_siglip_gap_256": dict(patch_size=16, embed_dim=1536, depth=40, num_heads=16, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_giantopt_patch16_siglip_gap_384": dict(patch_size=16, embed_dim=1536, depth=40, num_heads=16, class_token=False, global_pool='avg', fc_norm=False, act_layer='gelu_tanh'),
    "vit_wee_patch16_reg1_gap_256": dict(patch_size=16, embed_dim=256, depth=14, num_heads=4, init_values=1e-5, mlp_ratio=5, class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg'),
    "vit_little_patch16_reg1_gap_256": dict(patch_size=16, embed_dim=320, depth=14, num_heads=5, init_values=1e-5, mlp_ratio=5.6, class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg'),
    "vit_little_patch16_reg4_gap_256": dict(patch_size=16, embed_dim=320, depth=14, num_heads=5, init_values=1e-5, mlp_ratio=5.6, class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg'),
    "vit_medium_patch16_reg1_gap_256": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg'),
    "vit_medium_patch16_reg4_gap_256": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg'),
    "vit_mediumd_patch16_reg4_gap_256": dict(patch_size=16, embed_dim=512, depth=20, num_heads=8, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg'),
    "vit_mediumd_patch16_reg4_gap_384": dict(patch_size=16, embed_dim=512, depth=20, num_heads=8, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg'),
    "vit_betwixt_patch16_reg1_gap_256": dict(patch_size=16, embed_dim=640, depth=12, num_heads=10, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg'),
    "vit_betwixt_patch16_reg4_gap_256": dict(patch_size=16, embed_dim=640, depth=12, num_heads=10, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg'),
    "vit_betwixt_patch16_reg4_gap_384": dict(patch_size=16, embed_dim=640, depth=12, num_heads=10, init_values=1e-5, class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg'),
    "vit_base_patch16_reg4_gap_256": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, no_embed_class=True, global_pool='avg', reg_tokens=4),
    "vit_so150m_patch16_reg4_gap_256": dict(patch_size=16, embed_dim=896, depth=18, num_heads=14, mlp_ratio=2.572, class_token=False, reg_tokens=4, global_pool='avg', fc_norm=False),
    "vit_so150m_patch16_reg4_gap_384": dict(patch_size=16, embed_dim=896, depth=18, num_heads=14, mlp_ratio=2.572, class_token=False, reg_tokens=4, global_pool='avg', fc_norm=False),
    "vit_so150m2_patch16_reg1_gap_256": dict(patch_size=16, embed_dim=832, depth=21, num_heads=13, mlp_ratio=34/13, init_values=1e-5, qkv_bias=False, class_token=False, reg_tokens=1, global_pool='avg'),
    "vit_so150m2_patch16_reg1_gap_384": dict(patch_size=16, embed_dim=832, depth=21, num_heads=13, mlp_ratio=34/13, init_values=1e-5, qkv_bias=False, class_token=False, reg_tokens=1, global_pool='avg'),
    "vit_so150m2_patch16_reg1_gap_448": dict(patch_size=16, embed_dim=832, depth=21, num_heads=13, mlp_ratio=34/13, init_values=1e-5, qkv_bias=False, class_token=False, reg_tokens=1, global_pool='avg'),
    "deit_tiny_patch16_224": dict(patch_size=16, embed_dim=192, depth=12, num_heads=3),
    "deit_small_patch16_224": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6),
    "deit_base_patch16_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12),
    "deit_base_patch16_384": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12),
    "deit3_small_patch16_224": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6, no_embed_class=True, init_values=1e-6),
    "deit3_small_patch16_384": dict(patch_size=16, embed_dim=384, depth=12, num_heads=6, no_embed_class=True, init_values=1e-6),
    "deit3_medium_patch16_224": dict(patch_size=16, embed_dim=512, depth=12, num_heads=8, no_embed_class=True, init_values=1e-6),
    "deit3_base_patch16_224": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, no_embed_class=True, init_values=1e-6),
    "deit3_base_patch16_384": dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, no_embed_class=True, init_values=1e-6),
    "deit3_large_patch16_224": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, no_embed_class=True, init_values=1e-6),
    "deit3_large_patch16_384": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, no_embed_class=True, init_values=1e-6),
    "deit3_huge_patch14_224": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, no_embed_class=True, init_values=1e-6),
}

#: model_args that only matter while training (dropout, init): accepted and ignored.
TRAINING_ONLY = frozenset({
    "drop_rate", "pos_drop_rate", "patch_drop_rate", "proj_drop_rate", "attn_drop_rate", "drop_path_rate",
    "weight_init", "fix_init", "dynamic_img_size",  # at the fixed input size a dynamic model computes the same
})

#: model_args values this app cannot compute exactly, each with the feature it names.
_REFUSED: dict[str, tuple[Any, str]] = {  # key: (the only value accepted, the feature a different value means)
    "final_norm": (True, "no final norm (final_norm=False)"),
    "proj_bias": (True, "no bias in the attention/MLP projections (proj_bias=False)"),
    "scale_attn_norm": (False, "a norm inside attention (scale_attn_norm)"),
    "scale_mlp_norm": (False, "a norm inside the MLP (scale_mlp_norm)"),
    "pool_include_prefix": (False, "pooling over the prefix tokens too (pool_include_prefix)"),
    "dynamic_img_pad": (False, "padded dynamic input (dynamic_img_pad)"),
    "pos_embed": ("learn", "a position embedding other than a learned one"),
    "embed_norm_layer": (None, "a norm inside the patch embedding (embed_norm_layer)"),
    "block_fn": (None, "a non-standard transformer block (block_fn)"),
    "mlp_layer": (None, "a non-standard MLP such as SwiGLU (mlp_layer)"),
    "attn_layer": (None, "a non-standard attention layer (attn_layer)"),
}
_POOLS = {"token": "CLS token", "avg": "average of the patch tokens"}
_ACTS = ("gelu", "gelu_tanh", "quick_gelu")


def refuse(feature: str) -> InspectorError:
    """The one line a conversion that cannot be exact ends with."""
    return InspectorError("timm_unsupported", f"cannot convert this checkpoint exactly: {feature} is not supported "
                          "(docs/MODEL_FORMAT.md lists what is)", feature=feature)


@dataclass(frozen=True)
class TimmArgs:
    """timm ``VisionTransformer`` arguments that change what a trained model computes, by timm's names."""

    img_size: tuple[int, int]
    in_chans: int
    num_classes: int
    patch_size: int = 16
    global_pool: str = "token"
    embed_dim: int = 768
    depth: int = 12
    num_heads: int = 12
    mlp_ratio: float = 4.0
    qkv_bias: bool = True
    qk_norm: bool = False
    init_values: float | None = None
    class_token: bool = True
    no_embed_class: bool = False
    reg_tokens: int = 0
    pre_norm: bool = False
    fc_norm: bool | None = None
    act_layer: str = "gelu"
    norm_eps: float = 1e-6

    @property
    def use_fc_norm(self) -> bool:
        """timm: ``global_pool in ('avg', 'avgmax', 'max') if fc_norm is None else fc_norm``."""
        return self.global_pool == "avg" if self.fc_norm is None else bool(self.fc_norm)

    @property
    def layer_scale(self) -> bool:
        return bool(self.init_values)  # timm: ``LayerScale(...) if init_values else nn.Identity()``

    @property
    def num_prefix_tokens(self) -> int:
        return int(self.class_token) + self.reg_tokens

    @property
    def grid_size(self) -> tuple[int, int]:
        return (self.img_size[0] // self.patch_size, self.img_size[1] // self.patch_size)

    @property
    def mlp_hidden(self) -> int:
        return int(self.embed_dim * self.mlp_ratio)

    def to_json(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["img_size"] = list(self.img_size)
        return d


def base_architecture(name: str) -> str:
    """``vit_small_patch16_224.augreg_in21k`` -> ``vit_small_patch16_224`` (the part before timm's pretrained tag)."""
    return name.split(".", 1)[0].strip()


def timm_args(architecture: str, model_args: dict[str, Any], *, img_size: tuple[int, int], in_chans: int,
              num_classes: int, global_pool: str | None) -> TimmArgs:
    """The arguments timm builds ``architecture`` with: the table's, then ``model_args`` (strictly
    checked), then the input size, channels and classes from the checkpoint's config."""
    arch = base_architecture(architecture)
    if arch not in ARCHITECTURES:
        raise InspectorError(
            "timm_architecture", f"architecture '{architecture}' is not a timm ViT this app converts; the table in "
            "docs/MODEL_FORMAT.md lists them (a ViT built from a listed one with model_args is fine)", architecture=arch,
        )
    kw: dict[str, Any] = dict(ARCHITECTURES[arch])
    known = {f.name for f in fields(TimmArgs)}
    for key, value in model_args.items():
        if key in TRAINING_ONLY:
            continue
        if key in _REFUSED:
            ok, feature = _REFUSED[key]
            if value != ok and not (ok is None and value in ("", "layernorm")):
                raise refuse(feature)
            continue
        if key == "norm_layer":
            if value not in (None, "layernorm", "layer_norm"):
                raise refuse(f"norm_layer '{value}'")
            kw["norm_eps"] = 1e-6  # timm's LayerNorm default
            continue
        if key not in known or key == "norm_eps":
            raise InspectorError("timm_config", f"config.json model_args has '{key}', which is not a timm "
                                 "VisionTransformer argument this app knows", key=key)
        kw[key] = value
    if isinstance(kw.get("img_size"), int):
        kw["img_size"] = (kw["img_size"], kw["img_size"])
    kw.setdefault("img_size", img_size)
    kw["img_size"] = tuple(int(v) for v in kw["img_size"])
    kw.setdefault("in_chans", in_chans)
    kw["num_classes"] = num_classes
    if global_pool is not None and "global_pool" not in model_args:
        kw["global_pool"] = global_pool  # the pooling the saved model object had (save_config_for_hf writes it)
    args = TimmArgs(**kw)
    if args.global_pool not in _POOLS:
        raise refuse(f"global_pool '{args.global_pool}'")
    if args.act_layer not in _ACTS:
        raise refuse(f"activation '{args.act_layer}'")
    if not args.class_token and args.global_pool == "token":
        raise InspectorError("timm_config", "the configuration pools the CLS token but the model has none (class_token false)")
    return args


def with_observed(args: TimmArgs, **observed: Any) -> TimmArgs:
    return replace(args, **observed)


def to_vit_config(a: TimmArgs) -> ViTConfig:
    """The app's ViT configuration that computes what timm computes with these arguments."""
    return ViTConfig(
        img_size=a.img_size, patch_size=a.patch_size, embed_dim=a.embed_dim, depth=a.depth, num_heads=a.num_heads,
        num_classes=a.num_classes, mlp_ratio=_exact_ratio(a), in_chans=a.in_chans, qkv_bias=a.qkv_bias,
        qk_norm=a.qk_norm, init_values=float(a.init_values) if a.layer_scale else None, class_token=a.class_token,
        reg_tokens=a.reg_tokens, no_embed_class=a.no_embed_class, pre_norm=a.pre_norm,
        patch_bias=not a.pre_norm, global_pool=a.global_pool, fc_norm=a.use_fc_norm, act=a.act_layer,
        ln_eps=float(a.norm_eps), score_head="class", patch_head=False,
    )


def _exact_ratio(a: TimmArgs) -> float:
    """An mlp_ratio whose ``int(embed_dim * ratio)`` is timm's hidden width (48/11 and friends round)."""
    ratio = float(a.mlp_ratio)
    if int(a.embed_dim * ratio) == a.mlp_hidden:
        return ratio
    return (a.mlp_hidden + 0.5) / a.embed_dim
