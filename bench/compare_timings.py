"""Timings of the comparison mode's work (issue #20), through the same core calls the GUI's tasks make:
the counterparts on the samples folder, B's first analysis of a part, one paired update (both
suffixes, both maps, the region's counterpart table) and the folder comparison with evidence.

    python bench/compare_timings.py [--a model_store/metal] [--threshold 0.997] [--controls 32]

A defaults to the app's default bundle and the parts to A's own samples (``resources/samples/<A's folder>/``).
B is a copy of A with another threshold (a temporary folder), unless ``--b`` names a bundle. The
counterparts are measured without the cache, so the first-time cost is what is printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from app.core.compare.counterparts import correlate_on_images, region_counterparts
    from app.core.compare.folder import compare_folder
    from app.core.compare.paired import compare_on_image, ensure_same_image
    from app.core.compare.parts import parts_of_images
    from app.core.compare.view import paired_maps
    from app.core.edits import LatentEdit
    from app.core.file_listing import list_images, samples_folder
    from app.core.images import load_image, load_mask
    from app.core.paths import default_bundle_dir
    from app.core.session import InspectionSession

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", default=str(default_bundle_dir()))
    ap.add_argument("--b", default=None)
    ap.add_argument("--threshold", type=float, default=0.997)
    ap.add_argument("--samples", default=None, help="parts folder (default: A's own samples)")
    ap.add_argument("--image", default="dent_2.png")
    ap.add_argument("--controls", type=int, default=32)
    ap.add_argument("--backend", default="onnx", choices=["auto", "torch", "onnx"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sae-compare-bench-") as tmp:
        b = Path(args.b) if args.b else Path(tmp) / "b"
        if not args.b:
            shutil.copytree(args.a, b)
            raw = json.loads((b / "bundle.json").read_text(encoding="utf-8"))
            raw["threshold"] = args.threshold
            (b / "bundle.json").write_text(json.dumps(raw), encoding="utf-8")
        sa, sb = InspectionSession.open(args.a, args.backend), InspectionSession.open(b, args.backend)
        samples = Path(args.samples) if args.samples else samples_folder(ROOT / "resources" / "samples", Path(args.a))
        parts = list_images(samples)
        img = load_image(samples / args.image).pixels_HWC
        mask_path = samples / f"{Path(args.image).stem}_mask.png"
        mask = load_mask(mask_path, img.shape[:2]) if mask_path.is_file() else None
        sa.analyze(img)
        t = time.perf_counter()
        corr = correlate_on_images(sa, sb, parts)
        print(f"counterparts on {len(parts)} parts ({corr.patches:,} patches): {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        ensure_same_image(sa, sb)
        print(f"B's first analysis of the part: {1e3 * (time.perf_counter() - t):.0f} ms")
        top = int(np.argmax(sa.analysis.codes_PS.sum(axis=0)))
        times = []
        for _ in range(5):
            t = time.perf_counter()
            po = compare_on_image(sa, sb, mask, (LatentEdit(top, "off"),))
            paired_maps(po, img.shape[:2], mask, image_HWC=img)
            region_counterparts(sa, sb, corr, mask)
            times.append(time.perf_counter() - t)
        print(f"paired update (both suffixes, maps, region counterparts): median {1e3 * np.median(times):.0f} ms of 5")
        t = time.perf_counter()
        fc = compare_folder(sa, sb, parts_of_images(parts), evidence=True, top=64, controls=args.controls)
        print(f"folder with evidence, {len(parts)} parts, {args.controls} controls per kind: {time.perf_counter() - t:.0f} s; "
              f"{len(fc.changed)} changed verdict; agreement {fc.overall.agreement.text()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
