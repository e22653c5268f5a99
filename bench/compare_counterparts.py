"""What counterpart statistics cost at the mixed-surface bundle's size: two SAEs of 1,536 latents (TopK, k 16)
over tens of thousands of patches, streamed image by image (``app.core.compare.counterparts``).

    python bench/compare_counterparts.py [--images 256] [--width 1536] [--k 16] [--patches 196]

B's codes are A's with the latents permuted, rescaled and one in four of each patch's latents
swapped for a random one, so most latents have a true counterpart. Prints the time to stream the
codes, to find every latent's best counterpart both ways, the stored pairs and the share of A's
latents whose counterpart is the planted one. Figures, never a pass/fail.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.compare.counterparts import CoactivationAccumulator  # noqa: E402


def topk_codes(rng: np.random.Generator, p: int, s: int, k: int) -> np.ndarray:
    z = np.zeros((p, s), np.float32)
    idx = np.argsort(rng.random((p, s)), axis=1)[:, :k]
    np.put_along_axis(z, idx, rng.gamma(2.0, 1.0, (p, k)).astype(np.float32), axis=1)
    return z


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=256)
    ap.add_argument("--width", type=int, default=1536)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--patches", type=int, default=196, help="patches per image (14×14 for the default bundle)")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    perm = rng.permutation(args.width)
    gain = rng.uniform(0.5, 2.0, args.width).astype(np.float32)
    images = []
    for _ in range(args.images):
        za = topk_codes(rng, args.patches, args.width, args.k)
        zb = np.zeros_like(za)
        zb[:, perm] = za * gain
        noise = topk_codes(rng, args.patches, args.width, args.k)
        drop = rng.random(za.shape) < 0.25
        zb = np.where(drop & (zb > 0), 0, zb) + np.where(rng.random(za.shape) < 0.25, noise, 0)
        images.append((za, zb.astype(np.float32)))
    acc = CoactivationAccumulator(args.width, args.width)
    t0 = time.perf_counter()
    for za, zb in images:
        acc.add(za, zb)
    corr = acc.result()
    t1 = time.perf_counter()
    ids_a, _ = corr.best_for_a
    ids_b, _ = corr.best_for_b
    t2 = time.perf_counter()
    planted = float(np.mean(ids_a == perm))
    print(f"{args.images} images × {args.patches} patches = {corr.patches:,} patches, {args.width} × {args.width} latents, k {args.k}")
    print(f"stream codes + sparse co-activation: {t1 - t0:.2f} s ({(t1 - t0) / args.images * 1e3:.1f} ms per image)")
    print(f"best counterpart of every latent, both ways: {t2 - t1:.2f} s")
    print(f"pairs firing together (stored): {corr.cooc_AB.nnz:,} of {args.width ** 2:,} "
          f"({corr.cooc_AB.nnz * 12 / 1e6:.0f} MB as CSR); cache file {len(corr.to_bytes()) / 1e6:.0f} MB")
    print(f"A's latents matched to their planted counterpart: {planted:.1%}; share with r ≥ 0.5: {corr.share_matched('A'):.1%}")


if __name__ == "__main__":
    main()
