"""How well the "latents in mask" listing points at the region's defect type, against a raw-sum order.

    python bench/listing.py --bundle model_store/metal --data runs/metal/data [--split test]

For every defective image of the split, with its ground-truth mask as the region: the listing of
`InspectionSession.latents_in_mask` (excess activation over the rest of the image), and, as the
baseline, the raw coverage-weighted sum sum_p m_p z_p that bundle 1.2.0's listing used. Figure of
merit: the mean, over the top N listed latents, of each latent's test-split AP for the image's
defect type (the dictionary's association). Higher means the listing shows latents that detect
that type. Also counted: listed latents that fire more outside the region than inside it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    from app.core.paths import default_bundle_dir

    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--data", default=None, help="MVTec-layout data (default: runs/<bundle folder>/data)")
    ap.add_argument("--split", default="test", choices=("val", "test"))
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--backend", default="onnx")
    args = ap.parse_args()
    args.data = args.data or str(Path("runs") / Path(args.bundle).name / "data")  # where build-bundle put it

    from app.core.images import load_image
    from app.core.session import InspectionSession
    from app.pipeline.dataset import scan_dataset

    s = InspectionSession.open(args.bundle, backend=args.backend)
    d = s.bundle.dictionary
    if d is None:
        print("the bundle has no feature dictionary", file=sys.stderr)
        return 2
    types = list(d.defect_classes)
    recs = [r for r in scan_dataset(args.data).split(args.split) if r.label != "good" and r.mask_path is not None]
    per: dict[str, dict[str, list[float]]] = {t: {"excess": [], "raw": [], "outside_raw": [], "outside_excess": []} for t in types}
    for r in recs:
        t = types.index(r.label)
        a = s.analyze(load_image(str(r.path)).pixels_HWC)
        mask = load_image(str(r.mask_path)).pixels_HWC[..., 0] > 0
        listed = s.latents_in_mask(mask, top=args.top)
        m_P = s.patch_weights(mask)
        raw_S = m_P @ a.codes_PS
        out_S = ((1 - m_P) @ a.codes_PS) / max(float((1 - m_P).sum()), 1e-9)
        in_S = raw_S / max(float(m_P.sum()), 1e-9)
        raw = [int(i) for i in np.argsort(-raw_S, kind="stable")[: args.top] if raw_S[i] > 0]
        new = [x.id for x in listed]
        p = per[r.label]
        p["excess"].append(float(np.mean(d.assoc_ap[new, t])) if new else 0.0)
        p["raw"].append(float(np.mean(d.assoc_ap[raw, t])) if raw else 0.0)
        p["outside_raw"].append(float(np.sum(out_S[raw] >= in_S[raw])))
        p["outside_excess"].append(float(np.sum(out_S[new] >= in_S[new])))
    bundle = s.bundle.summary()
    print(f"bundle {bundle.get('name')} {bundle.get('version')}, {args.split} split, {len(recs)} defective images, top {args.top}")
    print("| type | images | mean type AP, raw sum | mean type AP, excess (listing) | listed latents firing more outside, raw / excess |")
    print("|---|---:|---:|---:|---:|")
    allr = {k: [] for k in ("raw", "excess", "outside_raw", "outside_excess")}
    for t in types:
        p = per[t]
        for k in allr:
            allr[k] += p[k]
        print(f"| {t} | {len(p['raw'])} | {np.mean(p['raw']):.4f} | {np.mean(p['excess']):.4f} | "
              f"{np.mean(p['outside_raw']):.2f} / {np.mean(p['outside_excess']):.2f} |")
    print(f"| **all** | {len(allr['raw'])} | {np.mean(allr['raw']):.4f} | {np.mean(allr['excess']):.4f} | "
          f"{np.mean(allr['outside_raw']):.2f} / {np.mean(allr['outside_excess']):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
