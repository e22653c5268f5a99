"""`main.py dose`: the score and class probabilities of one latent's `scale` edit in a region, −s..+s."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_bundle_args, open_and_analyze, print_json, result_header


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", help="part image")
    add_bundle_args(p)
    p.add_argument("--mask", help="region mask PNG (nonzero = inside), scaled to the image; default: the whole image")
    p.add_argument("--latent", type=int, required=True, help="latent id")
    p.add_argument("--range", type=float, default=4.0, dest="strength_range", help="strengths from −R to +R (default 4)")
    p.add_argument("--points", type=int, default=21, help="grid points, at least 21 (0 and 1 are always added)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from app.core.causal_dose import dose_response, dose_strengths

    dose_strengths(args.strength_range, args.points)  # bad arguments fail before any model loads
    img, session, mask, t_an = open_and_analyze(args)
    res = dose_response(session, mask, args.latent, strength_range=args.strength_range, points=args.points)
    out = {**result_header(session, img), **res.to_json()}
    out["timings_ms"] = {"analyze": t_an, **res.timings_ms}
    if args.json:
        print_json(out)
        return 0
    print(f"{Path(img.path).name}: latent #{res.latent} ({res.label}), activation in region {res.activation:.3f}; "
          f"baseline score {res.baseline_score:.4f}")
    print(f"{'strength':>9} {'score':>8}")
    for s, sc in zip(res.strengths_K, res.scores_K):
        print(f"{s:9.3f} {sc:8.4f}")
    return 0
