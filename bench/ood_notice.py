"""How often the "unlike the training parts" notice fires: on held-out good parts (it should
not), on defective parts, and on photographs that are no part at all (it should).

    python bench/ood_notice.py [--bundle model_store/metal] --data DATASET [--limit 300]

DATASET is an MVTec-layout folder of the bundle's own kind of parts (``test/good``,
``test/<defect>``). The held-out good parts are split in two by their sorted order: the even
ones calibrate (as the build does), the odd ones measure the false-flag rate. The photographs
are scikit-image's own (``skimage.data``). Prints figures; never pass/fail.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.cli.entry import limit_blas_threads  # noqa: E402

limit_blas_threads()

PHOTOS = ("camera", "astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry")


def photo(name: str) -> np.ndarray:
    from skimage import data

    im = getattr(data, name)()
    if im.ndim == 2:
        im = np.stack([im] * 3, -1)
    return np.ascontiguousarray(im[..., :3]).astype(np.uint8)


def main() -> int:
    from app.core.file_listing import list_images
    from app.core.paths import default_bundle_dir
    from app.core.session import InspectionSession
    from app.pipeline.ood_calibration import calibration_from_values, measure

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--limit", type=int, default=300, help="at most this many images per folder")
    ap.add_argument("--backend", default="onnx")
    args = ap.parse_args()
    s = InspectionSession.open(args.bundle, backend=args.backend)
    goods = list_images(args.data / "test" / "good")[: args.limit]
    cal_set, held = goods[0::2], goods[1::2]
    cal = calibration_from_values(measure(s, cal_set))
    print(f"bundle {s.bundle.name} {s.bundle.manifest.version}: calibrated on {cal.n_images} held-out good parts; "
          f"flag above {cal.flag_above:.3f} (p{cal.quantile:g}); percentiles " +
          ", ".join(f"p{k} {v:.3f}" for k, v in cal.percentiles.items()))
    v = measure(s, held)
    print(f"other held-out good parts: {int((v > cal.flag_above).sum())} of {v.size} flagged "
          f"({(v > cal.flag_above).mean():.1%}); median {np.median(v):.3f}, max {v.max():.3f}")
    defects = [p for d in sorted((args.data / "test").iterdir()) if d.is_dir() and d.name != "good"
               for p in list_images(d)[: max(1, args.limit // 6)]]
    if defects:
        v = measure(s, defects)
        print(f"defective test parts: {int((v > cal.flag_above).sum())} of {v.size} flagged ({(v > cal.flag_above).mean():.1%}); "
              f"median {np.median(v):.3f}, max {v.max():.3f}")
    flagged = 0
    for name in PHOTOS:
        try:
            img = photo(name)
        except Exception as exc:  # noqa: BLE001 - a photograph skimage cannot fetch offline is left out
            print(f"photo {name}: not available ({type(exc).__name__})")
            continue
        val = float(measure(s, [img])[0])
        flagged += val > cal.flag_above
        score = s.analysis.baseline.score
        print(f"photo {name:22s} statistic {val:8.3f} ({val / cal.flag_above:5.1f}x the flag level), defect score {score:.3f}: "
              f"{'FLAGGED' if val > cal.flag_above else 'not flagged'}")
    print(f"photographs flagged: {flagged} of {len(PHOTOS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
