"""`main.py import-timm`: a factory's timm ViT classifier becomes the app's ViT.

    python main.py import-timm export/ --out vit_dir                      # save_for_hf's folder
    python main.py import-timm model.safetensors --config config.json --class-map '{"good": "ok"}' --out vit_dir
    python main.py build-bundle --data PARTS --vit vit_dir/vit.safetensors --vit-config vit_dir/vit_config.json \\
        --preset standard --out model_store/parts

Writes ``vit.safetensors`` and ``vit_config.json`` (docs/MODEL_FORMAT.md) after checking that the
converted model computes what timm computes on the checkpoint (parity on probe images).
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("checkpoint", help="model.safetensors, or the folder timm's save_for_hf wrote (with config.json)")
    p.add_argument("--config", help="timm's config.json (default: the one beside the checkpoint)")
    p.add_argument("--class-map", help='JSON (file or inline) mapping checkpoint classes to bundle classes, e.g. \'{"good": "ok"}\'')
    p.add_argument("--hooked-layer", type=int, help="block whose output the SAE reads (default: the second-to-last)")
    p.add_argument("--out", required=True, help="folder for vit.safetensors and vit_config.json")


def run(args: argparse.Namespace) -> int:
    from app.pipeline.timm_import import import_timm
    from app.pipeline.timm_import.classes import read_class_map

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    from app.cli.entry import EXIT_USER_ERROR
    from app.core.errors import InspectorError

    class_map = read_class_map(args.class_map) if args.class_map else None
    try:
        res = import_timm(args.checkpoint, args.out, config=args.config, class_map=class_map,
                          hooked_layer=args.hooked_layer, log=log)
    except InspectorError as exc:
        if not exc.params.get("remedy"):
            raise
        print(f"error: {exc.message}", file=sys.stderr)  # the one line, then the lines that fix it
        for line in exc.params["remedy"]:
            print(f"    {line}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(f"wrote {res.weights} and {res.config}")
    print(f"next: python main.py build-bundle --data YOUR_PARTS --vit {res.weights} --vit-config {res.config} "
          "--preset standard --out model_store/YOUR_BUNDLE")
    return 0
