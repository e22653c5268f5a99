"""`main.py train-vit`: train the defect ViT on an MVTec-layout folder (resumable)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from app.pipeline.train_vit import TrainConfig


def add_arguments(p: argparse.ArgumentParser) -> None:
    d = TrainConfig()
    p.add_argument("--data", required=True, help="dataset folder in MVTec AD layout")
    p.add_argument("--out", required=True, help="run folder (checkpoints, curves, vit.safetensors)")
    p.add_argument("--samples", type=int, default=d.total_samples, help=f"training samples to see (default {d.total_samples})")
    p.add_argument("--batch", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--img-size", type=int, default=d.img_size)
    p.add_argument("--patch", type=int, default=d.patch_size)
    p.add_argument("--dim", type=int, default=d.embed_dim)
    p.add_argument("--depth", type=int, default=d.depth)
    p.add_argument("--heads", type=int, default=d.num_heads)
    p.add_argument("--layer", type=int, default=d.hooked_layer, help="hooked layer L for the SAE")
    p.add_argument("--stem", choices=["conv", "patch"], default=d.stem)
    p.add_argument("--fp32", action="store_true", help="train in float32 instead of bf16 autocast")
    p.add_argument("--eval-every", type=int, default=d.eval_every_samples)
    p.add_argument("--no-progress", action="store_true")


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    return replace(
        TrainConfig(), total_samples=args.samples, batch_size=args.batch, lr=args.lr, seed=args.seed,
        img_size=args.img_size, patch_size=args.patch, embed_dim=args.dim, depth=args.depth, num_heads=args.heads,
        hooked_layer=args.layer, stem=args.stem, bf16=not args.fp32, eval_every_samples=args.eval_every,
        warmup_samples=min(TrainConfig().warmup_samples, max(args.batch, args.samples // 10)),
    )


def run(args: argparse.Namespace) -> int:
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.train_vit import train_vit

    cfg = config_from_args(args)
    ds = scan_dataset(args.data, seed=cfg.seed)
    run_dir = Path(args.out)
    train_vit(ds, cfg, run_dir, progress=not args.no_progress, pool_cache=run_dir / "cache")
    done = (run_dir / "vit.safetensors").is_file()
    print(f"{'finished' if done else 'stopped (resume with the same command)'}: {run_dir}")
    return 0 if done else 1
