"""Calibrate the "unlike the training parts" notice (``app.core.ood``) on held-out good parts.

The build calls, once the bundle's SAE is final and with good images the model never trained on::

    from app.pipeline.ood_calibration import calibrate_ood
    extra["ood"] = calibrate_ood(bundle_dir_or_session, good_image_paths).to_json()

and writes the block into ``bundle.json`` (``write_bundle(..., extra=...)``). An existing bundle
gets one with ``python -m app.pipeline.ood_calibration BUNDLE GOOD_FOLDER``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from app.core.errors import InspectorError
from app.core.ood import DEFAULT_QUANTILE, OOD_KEY, PERCENTILES, OodCalibration, reconstruction_error

MIN_IMAGES = 20  # fewer held-out good parts than this cannot place a 99th percentile


def measure(session, images: Sequence[str | Path | np.ndarray],  # noqa: ANN001 - InspectionSession
            progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """[N] the statistic of each image (paths are read with the app's own loader)."""
    from app.core.images import load_image

    out = np.empty(len(images), np.float64)
    for i, img in enumerate(images):
        pixels = img if isinstance(img, np.ndarray) else load_image(img).pixels_HWC
        a = session.analyze(pixels)
        out[i] = reconstruction_error(a, session.grid.num_prefix_tokens)
        if progress is not None:
            progress(i + 1, len(images))
    return out


def calibration_from_values(values: Sequence[float], quantile: float = DEFAULT_QUANTILE) -> OodCalibration:
    v = np.asarray(values, np.float64)
    if v.size < MIN_IMAGES or not np.all(np.isfinite(v)):
        raise InspectorError("ood_calibration", f"the notice needs at least {MIN_IMAGES} held-out good parts with a "
                             f"finite statistic; got {int(np.isfinite(v).sum())}")
    pct = {f"{q:g}": float(np.percentile(v, q)) for q in PERCENTILES}
    return OodCalibration(flag_above=float(np.percentile(v, quantile)), percentiles=pct, n_images=int(v.size),
                          quantile=float(quantile))


def calibrate_ood(session_or_bundle, good_images: Sequence[str | Path | np.ndarray],  # noqa: ANN001
                  quantile: float = DEFAULT_QUANTILE, backend: str = "onnx") -> OodCalibration:
    """The calibration to store under ``"ood"``: the statistic on ``good_images`` (held-out good parts),
    flagged above its ``quantile``-th percentile. Takes an opened ``InspectionSession`` or a bundle folder."""
    session = session_or_bundle
    if not hasattr(session, "analyze"):
        from app.core.session import InspectionSession

        session = InspectionSession.open(session_or_bundle, backend=backend)
    return calibration_from_values(measure(session, list(good_images)), quantile)


def write_calibration(bundle_dir: Path, calibration: OodCalibration) -> str:
    """Put the block into an existing bundle's manifest (every file is hashed again); the new bundle hash."""
    import json

    from app.core.bundle import MANIFEST, load_bundle, write_manifest

    b = load_bundle(bundle_dir)
    raw = json.loads((Path(bundle_dir) / MANIFEST).read_text(encoding="utf-8"))
    files = {role: f["path"] for role, f in raw.pop("files").items()}
    raw.pop("schema_version", None)
    raw[OOD_KEY] = calibration.to_json()
    h = write_manifest(b.root, raw, files)
    load_bundle(bundle_dir)  # it must still validate
    return h


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Calibrate a bundle's 'unlike the training parts' notice on held-out good parts")
    ap.add_argument("bundle", type=Path)
    ap.add_argument("good", type=Path, help="a folder of held-out good part images")
    ap.add_argument("--quantile", type=float, default=DEFAULT_QUANTILE)
    args = ap.parse_args(argv)
    from app.core.file_listing import list_images

    cal = calibrate_ood(args.bundle, list_images(args.good), args.quantile)
    h = write_calibration(args.bundle, cal)
    print(f"flag above {cal.flag_above:.4g} (p{cal.quantile:g} of {cal.n_images} good parts); bundle hash {h[:12]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
