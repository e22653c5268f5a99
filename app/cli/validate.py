"""`main.py validate BUNDLE`: check a bundle whole and print its identity."""

from __future__ import annotations

import argparse

from app.core.bundle import load_bundle


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", help="bundle folder")


def run(args: argparse.Namespace) -> int:
    b = load_bundle(args.bundle)
    m = b.manifest
    print(f"valid: {m.name} {m.version} (sha {b.hash[:12]}), ViT depth {m.vit.depth} dim {m.vit.embed_dim}, "
          f"layer {m.hooked_layer}, SAE {m.sae.width} latents ({m.sae.activation}"
          + (f", k={m.sae.k}" if m.sae.activation == "topk" else "") + f"), classes {', '.join(m.classes)}")
    return 0
