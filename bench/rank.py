"""Ranking latency: 64 latents switched off in a region with 64 random-latent + 64 random-direction
controls, one batched suffix run. Prints p50/p95 of the whole ranking and its split (token
building vs suffix vs collecting results), per backend. Never pass/fail (goal: ≤ 0.5 s on
a 2-core CPU for the default bundle).

    python bench/rank.py [--bundle model_store/metal] [--runs 10] [--backend auto|torch|onnx|all]

Without the bundle it builds a random one shaped like the mixed-surface bundle (224 px, patch 16, D 192,
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.cli.entry import limit_blas_threads  # noqa: E402
from app.core.causal import build_rank1_tokens, rank_latents  # noqa: E402
from app.core.paths import default_bundle_dir  # noqa: E402
from app.core.session import InspectionSession  # noqa: E402

limit_blas_threads()  # as the app does (see app/cli/entry.py)

def default_shaped_bundle(out: Path) -> Path:
    from app.core.vit_config import ViTConfig
    from app.pipeline.random_bundle import make_random_bundle

    cfg = ViTConfig(img_size=224, patch_size=16, embed_dim=192, depth=6, num_heads=3, num_classes=7, stem="conv",
                    stem_channels=(32, 64, 128))
    make_random_bundle(out, vit_config=cfg, hooked_layer=3, width=1536, k=32)
    return out


def pct(ts: list[float]) -> str:
    return f"{np.percentile(ts, 50):8.1f} {np.percentile(ts, 95):8.1f}"


def bench_backend(bundle: Path, backend: str, runs: int, top: int, controls: int) -> None:
    s = InspectionSession.open(bundle, backend=backend)  # type: ignore[arg-type]
    info = s.backend_info()
    size = s.bundle.manifest.preprocess.input_size
    img = np.random.default_rng(0).integers(0, 256, (size[0], size[1], 3), dtype=np.uint8)
    s.analyze(img)
    h, w = size
    mask = np.zeros((h, w), bool)
    mask[h // 4 : h // 2, w // 4 : 3 * w // 4] = True  # ~12% of the image
    rank_latents(s, mask, top=top, controls=controls, seed=0)  # warm-up
    rows: dict[str, list[float]] = {"total": [], "build": [], "suffix": [], "collect": []}
    variants = 0
    for i in range(runs):
        t0 = time.perf_counter()
        r = rank_latents(s, mask, top=top, controls=controls, seed=i)
        rows["total"].append((time.perf_counter() - t0) * 1e3)
        for k in ("build", "suffix", "collect"):
            rows[k].append(r.timings_ms[k])
        variants = int(r.timings_ms["variants"])
    # batch-1 suffix for reference, and the per-edit Python token build it replaces
    a = s.analysis
    t1 = []
    for _ in range(max(5, runs)):
        t0 = time.perf_counter()
        s.run_token_batch([a.tokens_TD])
        t1.append((time.perf_counter() - t0) * 1e3)
    from app.core.edits import LatentEdit

    m_P = s.patch_weights(mask)
    ids = [lat.id for lat in r.latents]
    t0 = time.perf_counter()
    slow = [s.edited_tokens(m_P, [LatentEdit(i, "off")]) for i in ids]
    t_slow = (time.perf_counter() - t0) * 1e3
    z = a.codes_PS
    t0 = time.perf_counter()
    build_rank1_tokens(a.tokens_TD, -(m_P[None] * z[:, ids].T), s.bundle.sae_weights.W_dec[ids])
    t_fast = (time.perf_counter() - t0) * 1e3
    del slow
    print(f"\n### backend {info['backend']} · {info['device']} · {info['provider']}")
    print(f"{len(r.latents)} ranked latents, {len(r.random_latents)} + {len(r.random_directions)} controls "
          f"-> {variants} suffix variants (random-latent picks deduplicated); {runs} runs\n")
    print("| step | p50 ms | p95 ms |\n|---|---:|---:|")
    for k, v in rows.items():
        print(f"| {k} | {np.percentile(v, 50):.1f} | {np.percentile(v, 95):.1f} |")
    print(f"| suffix, batch 1 (reference) | {np.percentile(t1, 50):.2f} | {np.percentile(t1, 95):.2f} |")
    per = np.percentile(rows["suffix"], 50) / max(variants, 1)
    print(f"\nsuffix per variant in the batch: {per:.2f} ms; token build for {len(ids)} latents: "
          f"vectorised {t_fast:.1f} ms vs per-edit edited_tokens {t_slow:.1f} ms")
    try:
        from bench.latency import matmul_gflops, suffix_flops

        gf = matmul_gflops()
        floor = variants * suffix_flops(s.bundle.manifest.vit, s.bundle.manifest.hooked_layer) / (gf * 1e9) * 1e3
        print(f"suffix FLOP floor for {variants} variants at this run's matmul rate ({gf:.0f} GFLOP/s): {floor:.0f} ms")
    except Exception as exc:  # noqa: BLE001 — a missing helper must not stop the figures
        print(f"(no FLOP floor: {exc})")
    print(f"goal ≤ 500 ms: p50 {np.percentile(rows['total'], 50):.0f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--backend", default="all", choices=["auto", "torch", "onnx", "all"])
    ap.add_argument("--top", type=int, default=64)
    ap.add_argument("--controls", type=int, default=64)
    args = ap.parse_args()
    import torch

    print(f"# bench/rank.py · {platform.processor() or platform.machine()} · torch threads {torch.get_num_threads()}")
    bundle = Path(args.bundle)
    tmp = None
    if not (bundle / "bundle.json").is_file():
        tmp = tempfile.TemporaryDirectory()
        print(f"(no bundle at {bundle}: building a random default-shaped one)")
        bundle = default_shaped_bundle(Path(tmp.name) / "b")
    backends = ["torch", "onnx"] if args.backend == "all" else [args.backend]
    for b in backends:
        bench_backend(bundle, b, args.runs, args.top, args.controls)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
