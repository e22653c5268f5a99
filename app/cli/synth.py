"""``synth``: generate a synthetic inspection dataset (MVTec AD layout) and/or a preview sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.pipeline.synth.spec import DEFAULT_TRAIN_SEED, TEST_SEED

    parser.add_argument("out_dir", type=Path, help="dataset root to write (created if missing)")
    parser.add_argument("--n-train", type=int, default=1000, help="train images (default 1000)")
    parser.add_argument("--n-test", type=int, default=200, help="test images (default 200)")
    parser.add_argument("--seed", type=int, default=DEFAULT_TRAIN_SEED,
                        help=f"train seed (default {DEFAULT_TRAIN_SEED}); the test split always uses {TEST_SEED}")
    parser.add_argument("--size", type=int, default=256, help="image side in pixels (default 256)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--good-fraction", type=float, default=0.5, help="share of good images (default 0.5)")
    parser.add_argument("--subtle-fraction", type=float, default=0.2,
                        help="share of defects drawn at 1-2 sigma contrast (default 0.2)")
    parser.add_argument("--product", default=None,
                        help="one product line: metal, pcb, textile or cast (default: all four surfaces mixed); "
                             "recorded in the dataset's meta.json")
    parser.add_argument("--preview", action="store_true", help="also write OUT_DIR/preview.png")
    parser.add_argument("--preview-only", action="store_true", help="write only OUT_DIR/preview.png, no dataset")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from app.core.errors import InspectorError
    from app.pipeline.synth import SynthConfig, generate_dataset, write_preview

    for name in ("n_train", "n_test", "workers"):
        if getattr(args, name) < (1 if name == "workers" else 0):
            raise InspectorError("synth_bad_argument", f"--{name.replace('_', '-')} must be positive.", name=name)
    if not 0.0 <= args.good_fraction <= 1.0 or not 0.0 <= args.subtle_fraction <= 1.0:
        raise InspectorError("synth_bad_argument", "Fractions must be between 0 and 1.", name="fraction")
    cfg = SynthConfig(image_size=args.size, n_train=args.n_train, n_test=args.n_test, seed=args.seed,
                      good_fraction=args.good_fraction, subtle_fraction=args.subtle_fraction, product=args.product)
    out = Path(args.out_dir)
    if args.preview_only:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InspectorError("synth_output_not_writable", f"Output folder {out} is not writable ({e.strerror}).",
                                 path=str(out)) from None
        p = write_preview(cfg, out / "preview.png")
        print(f"wrote {p}", file=sys.stderr)
        return 0
    meta = generate_dataset(out, cfg, workers=args.workers, progress=not getattr(args, "no_progress", False))
    print(f"wrote {sum(sum(c.values()) for c in meta['counts'].values())} images to {out}", file=sys.stderr)
    if args.preview:
        p = write_preview(out, out / "preview.png")
        print(f"wrote {p}", file=sys.stderr)
    return 0
