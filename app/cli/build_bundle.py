"""`main.py build-bundle`: data → ViT → recording → SAE grid → choice → dictionary → bundle.

    python main.py build-bundle --preset metal                   # rebuilds model_store/metal (the app's default)
    python main.py build-bundle --preset mixed                   # rebuilds model_store/mixed (the mixed-surface model)
    python main.py build-bundle --data MY_MVTEC_FOLDER --out model_store/mine
    python main.py build-bundle --data D --vit W.safetensors --vit-config C.json --out B

Every step is resumable: run the same command again after an interruption.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from app.core.paths import DEFAULT_BUNDLE_NAME, app_root

ROOT = app_root()


def add_arguments(p: argparse.ArgumentParser) -> None:
    from app.pipeline.presets import PRESETS

    # the preset that builds the app's default bundle
    p.add_argument("--preset", choices=sorted(PRESETS), default=DEFAULT_BUNDLE_NAME,
                   help=f"build preset (default: {DEFAULT_BUNDLE_NAME}, the app's default bundle)")
    p.add_argument("--data", help="your dataset in MVTec AD layout (default: the preset's synthetic data)")
    p.add_argument("--vit", help="use an existing ViT (timm-named safetensors) instead of training one")
    p.add_argument("--vit-config", help="JSON with vit, hooked_layer, classes (and optionally preprocess)")
    p.add_argument("--out", help="bundle folder (default: model_store/<preset>)")
    p.add_argument("--work", help="work folder for resumable steps (default: runs/<preset>)")
    p.add_argument("--name", help="bundle name (default: the preset's)")
    p.add_argument("--samples", help="also write sample images + masks into this folder (a product preset on its own "
                                     "synthetic data: resources/samples/<preset> unless given)")
    p.add_argument("--no-progress", action="store_true")


def run(args: argparse.Namespace) -> int:
    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.presets import PRESETS

    preset = PRESETS[args.preset]
    if args.name:
        preset = replace(preset, name=args.name)
    out = Path(args.out) if args.out else ROOT / "model_store" / preset.name
    work = Path(args.work) if args.work else ROOT / "runs" / preset.name

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    from app.pipeline.presets import PRODUCT_PRESETS

    samples = args.samples
    if samples is None and args.preset in PRODUCT_PRESETS and args.data is None and not args.out:
        samples = str(ROOT / "resources" / "samples" / preset.name)  # the shipped samples of a shipped bundle
    build_bundle(out, preset, work, data=args.data, vit_weights=args.vit, vit_config=args.vit_config,
                 samples_dir=samples, progress=not args.no_progress, log=log)
    print(f"bundle ready: {out}")
    return 0
