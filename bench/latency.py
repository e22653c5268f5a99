"""Engine latency: analyze, intervene (1/8/64 latents x 10%/100% masks), full and suffix-only
forwards, for torch CPU and ONNX Runtime CPU; plus the suffix's FLOP floor at a matmul rate
measured in the same run. Prints a markdown table (p50/p95 over --runs runs). Never pass/fail.

    python bench/latency.py [--bundle model_store/metal] [--runs 50]

Without a bundle it builds a random one shaped like the mixed-surface bundle (224 px, patch 16, D 192,
depth 6, hooked after block 3, 1,536 latents, k 32).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.cli.entry import limit_blas_threads  # noqa: E402
from app.core.edits import LatentEdit  # noqa: E402
from app.core.preprocess import preprocess  # noqa: E402
from app.core.session import InspectionSession  # noqa: E402

limit_blas_threads()  # as the app does (see app/cli/entry.py)

def timed(fn, runs: int) -> tuple[float, float]:  # noqa: ANN001
    fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return float(np.percentile(ts, 50)), float(np.percentile(ts, 95))


def suffix_flops(cfg, hooked: int) -> float:  # noqa: ANN001
    """Multiply-adds x 2 of blocks[L+1..], final norm ignored, heads included."""
    t, d = 1 + cfg.num_patches, cfg.embed_dim
    h = int(d * cfg.mlp_ratio)
    per_block = 2 * t * (3 * d * d + d * d + 2 * d * h) + 2 * 2 * t * t * d
    blocks = cfg.depth - hooked - 1
    return blocks * per_block + 2 * d * cfg.num_classes + 2 * (t - 1) * d


def matmul_gflops(n: int = 512, runs: int = 20) -> float:
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    p50, _ = timed(lambda: a @ b, runs)
    return 2 * n**3 / (p50 / 1e3) / 1e9


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bundle")
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    if args.bundle:
        bundle_dir = Path(args.bundle)
    else:
        from app.core.vit_config import ViTConfig
        from app.pipeline.random_bundle import make_random_bundle

        bundle_dir = Path(tempfile.mkdtemp()) / "b"
        cfg = ViTConfig(img_size=224, patch_size=16, embed_dim=192, depth=6, num_heads=3, num_classes=7,
                        stem="conv", stem_channels=(32, 64, 128))
        make_random_bundle(bundle_dir, vit_config=cfg, hooked_layer=3, width=1536, k=32)
    img = np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)
    mask10 = np.zeros((256, 256), bool)
    mask10[:81, :81] = True  # ~10% of the area
    rows = []
    gflops = matmul_gflops()
    for backend in ("torch", "onnx"):
        s = InspectionSession.open(bundle_dir, backend=backend)
        s.analyze(img)
        cfg = s.bundle.manifest.vit
        tokens = s.analysis.tokens_TD[None]
        pixels = preprocess(img, s.bundle.manifest.preprocess)
        name = f"{s.backend.info.name} {s.backend.info.device}"
        top = [x.id for x in s.latents_in_mask(None, top=64)]
        top += [i for i in range(s.width) if i not in top][: 64 - len(top)]
        rows.append((name, "analyze (prefix + SAE + suffix)", *timed(lambda: s.analyze(img), args.runs)))
        rows.append((name, "full forward (prefix + suffix)", *timed(lambda: s.backend.suffix(s.backend.prefix(pixels)), args.runs)))
        rows.append((name, "suffix-only forward", *timed(lambda: s.backend.suffix(tokens), args.runs)))
        for n in (1, 8, 64):
            edits = [LatentEdit(i, "off") for i in top[:n]]
            for label, mask in (("10%", mask10), ("100%", None)):
                rows.append((name, f"intervene {n} latents, {label} mask", *timed(lambda e=edits, m=mask: s.intervene(m, e), args.runs)))
    floor_ms = suffix_flops(cfg, s.bundle.manifest.hooked_layer) / (gflops * 1e9) * 1e3
    print(f"Machine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    print(f"Bundle: {s.bundle.name} {s.bundle.manifest.version} (input {cfg.input_hw[0]}×{cfg.input_hw[1]}, D {cfg.embed_dim}, depth {cfg.depth}, "
          f"layer {s.bundle.manifest.hooked_layer}, {s.width} latents)")
    print(f"Matmul rate (torch fp32 512x512, same run): {gflops:.1f} GFLOP/s; suffix = {suffix_flops(cfg, s.bundle.manifest.hooked_layer) / 1e6:.1f} MFLOP "
          f"-> floor {floor_ms:.2f} ms\n")
    print("| backend | operation | p50 ms | p95 ms |")
    print("|---|---|---:|---:|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.2f} |")
    for backend in ("torch cpu", "onnxruntime cpu"):
        sfx = [r[2] for r in rows if r[0] == backend and r[1] == "suffix-only forward"]
        iv = [r[2] for r in rows if r[0] == backend and r[1].startswith("intervene")]
        if sfx and iv:
            print(f"\n{backend}: worst intervene p50 / suffix-only p50 = {max(iv) / sfx[0]:.2f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
