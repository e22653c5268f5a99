"""`main.py record`: record layer-L patch tokens of a dataset into float16 shards.

Runs unchanged under `torchrun --nproc_per_node=N main.py record ...` (images split by rank).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.pipeline.record import pick_records


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="dataset folder in MVTec AD layout")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--bundle", help="record with a bundle's ViT")
    src.add_argument("--vit-run", help="record with the ViT of a train-vit run folder")
    p.add_argument("--out", required=True, help="output folder for the shards")
    p.add_argument("--train-images", type=int, default=6000, help="training images to record (seeded subset)")
    p.add_argument("--val-images", type=int, default=1000)
    p.add_argument("--test-images", type=int, default=0, help="0 = all test images")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    from app.core.grid import PatchGrid
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.distributed import finish, init_world
    from app.pipeline.record import record_activations

    world = init_world()
    ds = scan_dataset(args.data, seed=args.seed)
    if args.bundle:
        from app.core.backends.select import open_backend
        from app.core.bundle import load_bundle

        b = load_bundle(args.bundle)
        runner, prep, cfg, layer, sha = open_backend(b, "torch"), b.manifest.preprocess, b.manifest.vit, b.manifest.hooked_layer, b.file_sha256("vit")
    else:
        from app.core.bundle import sha256_file
        from app.pipeline.predict import TorchModelRunner
        from app.pipeline.train_vit import TrainConfig, load_trained

        vit, info = load_trained(Path(args.vit_run))
        runner, cfg, layer = TorchModelRunner(vit), vit.cfg, vit.hooked_layer
        tc = info["train"]
        prep = TrainConfig(img_size=tc["img_size"], mean=tuple(tc["mean"]), std=tuple(tc["std"])).preprocessing()
        sha = sha256_file(Path(args.vit_run) / "vit.safetensors")
    recs = pick_records(ds, args.train_images, args.val_images, args.test_images, args.seed)
    record_activations(runner, ds, recs, prep, PatchGrid.of(cfg), Path(args.out), vit_sha256=sha, layer=layer,
                       progress=not args.no_progress, world=world)
    finish(world)
    if world.is_main:
        print(f"recorded {len(recs)} images ({len(recs) * cfg.num_patches} patch tokens) into {args.out}")
    return 0
