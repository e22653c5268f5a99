"""Small random bundles for tests: real ONNX graphs and a real dictionary, untrained weights."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from app.core.bundle import Bundle
from app.core.dictionary import FeatureDictionary, auto_label, encode_strip
from app.core.preprocess import Preprocessing
from app.core.sae import SAEConfig, SAEWeights, encode
from app.core.vit import build_vit
from app.core.vit_config import ViTConfig
from app.pipeline.bundle_writer import write_bundle
from app.pipeline.latent_stats import strongest_images_share

TEST_CLASSES = ("ok", "scratch", "stain")


def random_vit_config(stem: str = "patch") -> ViTConfig:
    return ViTConfig(
        img_size=32, patch_size=8, embed_dim=32, depth=3, num_heads=2, num_classes=len(TEST_CLASSES),
        stem=stem, stem_channels=(8,) if stem == "conv" else (),  # type: ignore[arg-type]
    )


def random_sae(d: int, s: int, rng: np.random.Generator) -> SAEWeights:
    W_dec = rng.standard_normal((s, d)).astype(np.float32)
    W_dec /= np.linalg.norm(W_dec, axis=1, keepdims=True)
    return SAEWeights(
        W_enc=np.ascontiguousarray(W_dec.T * 1.5), b_enc=(rng.standard_normal(s) * 0.1).astype(np.float32),
        W_dec=W_dec, b_dec=(rng.standard_normal(d) * 0.1).astype(np.float32),
    )


def random_dictionary(vit, sae_cfg: SAEConfig, sae_w: SAEWeights, rng: np.random.Generator) -> FeatureDictionary:
    """Statistics measured on random images, so p99 and frequency are real for this bundle."""
    cfg = vit.cfg
    with torch.no_grad():
        tokens = vit.prefix(torch.randn(16, cfg.in_chans, *cfg.input_hw)).numpy()
    z = encode(sae_w, sae_cfg, tokens[:, 1:].reshape(-1, cfg.embed_dim))  # [N*P, S]
    s, n_top, n_rand, c = sae_cfg.width, 4, 2, 8
    pos = np.where(z > 0, z, np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p99 = np.nan_to_num(np.nanpercentile(pos, 99, axis=0), nan=1.0)
        mean = np.nan_to_num(np.nanmean(pos, axis=0), nan=0.0)
    mx = z.max(axis=0)
    order = np.argsort(-z, axis=0)[:n_top].T  # [S, n_top] token indices
    crops, offsets = [], [0]
    for i in range(s):
        buf = encode_strip([rng.integers(0, 255, (c, c, 3), dtype=np.uint8) for _ in range(n_top + n_rand)])
        crops.append(buf)
        offsets.append(offsets[-1] + buf.size)
    region = ("scratch", "stain", "trace")
    ap = rng.uniform(0, 1, (s, len(region))).astype(np.float32)
    p = cfg.num_patches
    share, n_parts = strongest_images_share(z, p, rng.integers(0, 3, z.shape[0]), 3, n_images=8)
    return FeatureDictionary(
        frequency=(z > 0).mean(axis=0).astype(np.float32), mean_act=mean.astype(np.float32),
        p99=np.where(p99 > 0, p99, 1.0).astype(np.float32), max_act=mx.astype(np.float32),
        hist=rng.integers(0, 50, (s, 8)).astype(np.int32),
        top_value=np.take_along_axis(z.T, order, axis=1).astype(np.float32),
        top_image=(order // p).astype(np.int32), top_patch=(order % p).astype(np.int32),
        rand_value=np.ones((s, n_rand), np.float32), rand_image=np.zeros((s, n_rand), np.int32),
        rand_patch=np.zeros((s, n_rand), np.int32),
        crops_jpeg=np.concatenate(crops).astype(np.uint8), crops_offsets=np.array(offsets, np.int64),
        assoc_ap=ap, assoc_auroc=rng.uniform(0, 1, (s, 2)).astype(np.float32),
        region_classes=region, defect_classes=("scratch", "stain"),
        images=tuple(f"img_{i:03d}.png" for i in range(16)),
        labels=tuple(auto_label(ap[i], region) for i in range(s)), crop_size=c,
        top_share=share.astype(np.float32), top_share_images=n_parts,
    )


def make_random_bundle(
    out_dir: Path, seed: int = 0, stem: str = "patch", activation: str = "topk", width: int = 64,
    with_dictionary: bool = True, vit_config: ViTConfig | None = None, hooked_layer: int = 1, k: int = 8,
) -> Bundle:
    """A bundle of random weights; ``vit_config`` gives it a realistic size for benchmarks."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    cfg = vit_config or random_vit_config(stem)
    vit = build_vit(cfg, hooked_layer=hooked_layer)
    if stem == "conv":  # give BatchNorm non-trivial statistics so export/eval bugs show
        for m in vit.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
    sae_cfg = SAEConfig(cfg.embed_dim, width, activation, k if activation == "topk" else None)  # type: ignore[arg-type]
    sae_w = random_sae(cfg.embed_dim, width, rng)
    if activation == "jumprelu":
        sae_w = SAEWeights(sae_w.W_enc, sae_w.b_enc, sae_w.W_dec, sae_w.b_dec, threshold=np.full(width, 0.2, np.float32))
    dictionary = random_dictionary(vit, sae_cfg, sae_w, rng) if with_dictionary else None
    return write_bundle(
        Path(out_dir), name="random-test", version=f"0.0.{seed}",
        classes=TEST_CLASSES if cfg.num_classes == len(TEST_CLASSES) else ("ok", *(f"defect{i}" for i in range(1, cfg.num_classes))), threshold=0.5, vit=vit,
        preprocess=Preprocessing(input_size=cfg.input_hw), sae_cfg=sae_cfg, sae_weights=sae_w,
        dictionary=dictionary, model_card="# Random test bundle\n\nUntrained; for tests only.\n",
    )
