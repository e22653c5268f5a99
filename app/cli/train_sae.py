"""`main.py train-sae`: train a grid of SAEs on recorded activations, with a Pareto plot.

Runs unchanged under `torchrun --nproc_per_node=N` (gradients averaged across ranks).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from app.core.errors import InspectorError
from app.pipeline.train_sae import SAETrainConfig


def add_arguments(p: argparse.ArgumentParser) -> None:
    d = SAETrainConfig()
    p.add_argument("--acts", required=True, help="recording folder (from `record`)")
    p.add_argument("--out", required=True, help="output folder for the SAEs")
    p.add_argument("--ks", type=int, nargs="+", default=list(d.ks))
    p.add_argument("--expansions", type=int, nargs="+", default=list(d.expansions), help="width = expansion x D")
    p.add_argument("--activation", choices=["topk", "relu"], default=d.activation)
    p.add_argument("--epochs", type=float, default=d.epochs)
    p.add_argument("--batch", type=int, default=d.batch_tokens, help="tokens per step")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--focus-share", type=float, default=d.focus_share,
                   help="share of every batch drawn from the training images' defect patches (0 = a plain sample)")
    p.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    from app.pipeline.distributed import finish, init_world
    from app.pipeline.record import defect_patch_tokens, open_recording
    from app.pipeline.train_sae import pareto_plot, train_sae_grid

    if not 0.0 <= args.focus_share < 1.0:
        raise InspectorError("bad_argument", f"--focus-share must be at least 0 and below 1, not {args.focus_share}")
    world = init_world()
    rec = open_recording(args.acts)
    train = rec.tokens_for(rec.split_ids("train"))
    val = rec.tokens_for(rec.split_ids("val") or rec.split_ids("test"))
    cfg = replace(SAETrainConfig(), ks=tuple(args.ks), expansions=tuple(args.expansions), activation=args.activation,
                  epochs=args.epochs, batch_tokens=args.batch, seed=args.seed, focus_share=args.focus_share)
    focus = defect_patch_tokens([(rec, rec.split_ids("train"))])[0] if args.focus_share > 0 else None
    res = train_sae_grid(train, val, cfg, Path(args.out), progress=not args.no_progress, world=world, focus_tokens_ND=focus)
    finish(world)
    if world.is_main:
        pareto_plot(res.variants, Path(args.out) / "pareto.png")
        for v in res.variants:
            m = v["val"]
            print(f"{v['name']:<24} FVU {m['fvu']:.4f}  L0 {m['l0']:.1f}  dead {m['dead_fraction']:.1%}  dense {m['dense_fraction']:.1%}")
    return 0
