""""Unlike the training parts" (app.core.ood, app.pipeline.ood_calibration): the statistic is the
SAE's reconstruction error of the patch tokens, the bundle carries its calibration strictly, a
bundle without one never flags, and on the default bundle photographs are flagged while its
own sample parts (flipped, as held-out stand-ins) are not. ``analyze --json`` reports it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.core.errors import InspectorError
from app.core.ood import OodCalibration, calibration_of, ood_reading, reconstruction_error, session_reading
from app.core.outputs import Analysis, Outputs
from app.pipeline.ood_calibration import MIN_IMAGES, calibrate_ood, calibration_from_values, measure, write_calibration

ROOT = Path(__file__).resolve().parents[1]


def _analysis(tokens_TD: np.ndarray, recon_PD: np.ndarray) -> Analysis:
    out = Outputs(0.5, np.array([0.5, 0.5]), None, np.zeros(2), None)
    return Analysis((8, 8), tokens_TD, np.zeros((recon_PD.shape[0], 4), np.float32), recon_PD, out)


def test_statistic_is_the_mean_squared_reconstruction_error_of_the_patch_tokens() -> None:
    rng = np.random.default_rng(0)
    tokens = rng.standard_normal((1 + 6, 5)).astype(np.float32)  # CLS, then 6 patches
    recon = tokens[1:] + rng.standard_normal((6, 5)).astype(np.float32) * 0.1
    want = float(np.mean(np.sum((tokens[1:].astype(np.float64) - recon) ** 2, axis=1)))
    assert reconstruction_error(_analysis(tokens, recon), 1) == pytest.approx(want, rel=1e-12)
    assert reconstruction_error(_analysis(tokens, tokens[1:].copy()), 1) == 0.0  # a perfect SAE: 0
    tokens[0] += 1e6  # the CLS token never counts
    assert reconstruction_error(_analysis(tokens, recon), 1) == pytest.approx(want, rel=1e-12)


def test_calibration_percentiles_flag_level_and_reading() -> None:
    values = np.arange(1, 101, dtype=float)
    cal = calibration_from_values(values)
    assert cal.flag_above == pytest.approx(np.percentile(values, 99)) and cal.n_images == 100
    assert cal.percentiles["50"] == pytest.approx(50.5) and cal.percentiles["100"] == 100.0
    same = OodCalibration.from_json(json.loads(json.dumps(cal.to_json())))
    assert same == cal
    tokens = np.zeros((5, 2), np.float32)
    far = ood_reading(_analysis(tokens, np.full((4, 2), 10.0, np.float32)), 1, cal)  # error 200 > 99.01
    near = ood_reading(_analysis(tokens, np.full((4, 2), 1.0, np.float32)), 1, cal)  # error 2
    assert far.unusual and far.ratio == pytest.approx(200 / cal.flag_above) and not near.unusual
    assert not ood_reading(_analysis(tokens, np.full((4, 2), 10.0, np.float32)), 1, None).unusual  # no calibration: never
    assert cal.share_below(60.0) == pytest.approx(0.5) and cal.share_below(0.5) is None
    with pytest.raises(InspectorError, match=f"at least {MIN_IMAGES}"):
        calibration_from_values(values[: MIN_IMAGES - 1])


@pytest.mark.parametrize("block, words", [
    ("not an object", "must be a JSON object"),
    ({"statistic": "mahalanobis", "flag_above": 1, "n_images": 30, "percentiles": {"99": 1}}, "statistic"),
    ({"statistic": "sae_recon_error", "flag_above": float("nan"), "n_images": 30, "percentiles": {"99": 1}}, "flag_above"),
    ({"statistic": "sae_recon_error", "flag_above": -1, "n_images": 30, "percentiles": {"99": 1}}, "flag_above"),
    ({"statistic": "sae_recon_error", "flag_above": 1, "n_images": True, "percentiles": {"99": 1}}, "n_images"),
    ({"statistic": "sae_recon_error", "flag_above": 1, "n_images": 30, "percentiles": {"50": 3, "99": 1}}, "decrease"),
    ({"statistic": "sae_recon_error", "flag_above": 1, "n_images": 30, "percentiles": {"p99": 1}}, "not a number"),
    ({"statistic": "sae_recon_error", "flag_above": 1, "n_images": 30, "percentiles": {}}, "1 to 16"),
])
def test_a_malformed_block_is_refused_with_one_message(block, words) -> None:
    with pytest.raises(InspectorError, match=words) as exc:
        calibration_of({"ood": block})
    assert exc.value.code == "bad_manifest"
    assert calibration_of({"name": "x"}) is None  # no block: no calibration, no notice


def test_bundle_with_a_block_loads_and_a_bad_block_refuses_the_bundle(bundle_copy: Path, tmp_path: Path) -> None:
    from app.core.bundle import load_bundle
    from app.core.session import InspectionSession

    rng = np.random.default_rng(3)
    goods = [rng.integers(90, 140, (32, 32, 3), dtype=np.uint8) for _ in range(MIN_IMAGES)]
    s = InspectionSession.open(bundle_copy, backend="onnx")
    s.analyze(goods[0])
    assert session_reading(s).calibration is None  # before: none
    cal = calibrate_ood(s, goods)
    assert cal.n_images == MIN_IMAGES and cal.flag_above == pytest.approx(np.percentile(measure(s, goods), 99))
    write_calibration(bundle_copy, cal)
    b = load_bundle(bundle_copy)
    assert calibration_of(b.manifest.raw) == cal
    s2 = InspectionSession.open(b, backend="onnx")
    s2.analyze(goods[1])
    r = session_reading(s2)
    assert r.calibrated and r.value <= cal.percentiles["100"] + 1e-9 and r.unusual == (r.value > cal.flag_above)

    raw = json.loads((bundle_copy / "bundle.json").read_text())
    raw["ood"]["percentiles"]["50"] = 1e9  # now they decrease
    (bundle_copy / "bundle.json").write_text(json.dumps(raw))
    with pytest.raises(InspectorError, match="'ood' percentiles must not decrease"):
        load_bundle(bundle_copy)


def _photos() -> list[tuple[str, np.ndarray]]:
    from skimage import data

    out = []
    for name in ("camera", "astronaut", "coffee"):
        im = getattr(data, name)()
        im = np.stack([im] * 3, -1) if im.ndim == 2 else im[..., :3]
        out.append((name, np.ascontiguousarray(im, np.uint8)))
    return out


@pytest.mark.slow
def test_default_bundle_flags_photographs_and_not_its_own_parts() -> None:
    """Calibrated on the committed sample parts of the default bundle and their mirror images (the
    held-out good parts the build uses are not in the repository), scikit-image's photographs of a
    cameraman, an astronaut and a cup of coffee are all flagged; the sample parts are not."""
    from app.core.file_listing import list_samples, samples_folder
    from app.core.images import load_image
    from app.core.paths import default_bundle_dir, resource_path
    from app.core.session import InspectionSession

    bundle = default_bundle_dir()
    samples = list_samples(samples_folder(resource_path("resources", "samples"), bundle))
    assert len(samples) >= 8, "the default bundle's samples are missing"
    s = InspectionSession.open(bundle, backend="onnx")
    parts = [load_image(p).pixels_HWC for p in samples]
    variants = parts + [p[:, ::-1].copy() for p in parts] + [p[::-1].copy() for p in parts]
    cal = calibrate_ood(s, variants)
    flagged_parts = (measure(s, parts) > cal.flag_above).sum()
    assert flagged_parts <= 1, "the bundle's own parts look unlike its training parts"
    for name, img in _photos():
        v = float(measure(s, [img])[0])
        assert v > cal.flag_above, f"{name}: {v:.3f} is not above the flag level {cal.flag_above:.3f}"


def test_analyze_json_reports_the_reading(bundle_copy: Path, tmp_path: Path) -> None:
    import cv2

    img = tmp_path / "part.png"
    cv2.imwrite(str(img), np.random.default_rng(1).integers(0, 256, (40, 40, 3), dtype=np.uint8))

    def analyze() -> dict:
        r = subprocess.run([sys.executable, str(ROOT / "main.py"), "analyze", str(img), "--bundle", str(bundle_copy),
                            "--backend", "onnx", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)["ood"]

    out = analyze()
    assert out["calibrated"] is False and out["unusual"] is False and out["value"] > 0
    # a calibration whose level lies below this image's statistic: flagged
    low = OodCalibration(flag_above=out["value"] / 2, percentiles={"50": out["value"] / 4, "99": out["value"] / 2}, n_images=30)
    write_calibration(bundle_copy, low)
    out2 = analyze()
    assert out2["calibrated"] and out2["unusual"] and out2["flag_above"] == pytest.approx(out["value"] / 2)
    assert out2["value"] == pytest.approx(out["value"], rel=1e-6)
