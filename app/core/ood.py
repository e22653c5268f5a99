""""Unlike the training parts": how far an image lies from the parts the model was built on.

The statistic is the SAE's reconstruction error of the image's patch tokens at the hooked
layer, the mean over patches of ||x_p − x̂_p||² (token units). The SAE was trained on tokens of
the bundle's own parts, so it reconstructs them well and anything else (a photograph, another
product, a camera fault) worse. It costs nothing: the session's ``Analysis`` already holds the
tokens and their reconstruction.

A bundle carries its calibration in ``bundle.json`` under ``"ood"``: the statistic measured on
held-out good parts at build time (``app.pipeline.ood_calibration``), a few percentiles and
the level above which an image is flagged (by default the 99th percentile). A bundle without
the block shows no notice. Measured on bundle 1.3.0 (``default``): held-out good parts p99
4.3, max 4.5; defective test parts median 1.8; scikit-image's camera 11.6, astronaut 28.9.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.errors import InspectorError
from app.core.outputs import Analysis

OOD_KEY = "ood"  # the manifest block
STATISTIC = "sae_recon_error"
STATISTIC_TEXT = "mean over patch tokens of the squared SAE reconstruction error ||x - x_hat||^2 at the hooked layer"
PERCENTILES = (50.0, 90.0, 95.0, 99.0, 100.0)
DEFAULT_QUANTILE = 99.0
MAX_VALUE = 1e12  # bounds on what a manifest may hold
MAX_IMAGES = 10_000_000


@dataclass(frozen=True)
class OodCalibration:
    """The statistic on held-out good parts: percentiles, and the level above which an image is flagged."""

    flag_above: float
    percentiles: dict[str, float]  # "50", "90", "95", "99", "100" -> value
    n_images: int
    quantile: float = DEFAULT_QUANTILE  # the percentile ``flag_above`` was set at
    statistic: str = STATISTIC

    def to_json(self) -> dict[str, Any]:
        return {"statistic": self.statistic, "definition": STATISTIC_TEXT, "flag_above": self.flag_above,
                "quantile": self.quantile, "n_images": self.n_images, "percentiles": dict(self.percentiles)}

    @classmethod
    def from_json(cls, raw: Any) -> OodCalibration:
        """Strict: a malformed block is refused with one message (never half-read)."""
        def bad(text: str) -> InspectorError:
            return InspectorError("bad_manifest", f"bundle.json: 'ood' {text}")

        if not isinstance(raw, Mapping):
            raise bad("must be a JSON object")
        if raw.get("statistic") != STATISTIC:
            raise bad(f"names the statistic {str(raw.get('statistic'))[:40]!r}; this app computes {STATISTIC!r}")

        def number(v: Any, what: str) -> float:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)) \
                    or not 0.0 <= float(v) <= MAX_VALUE:
                raise bad(f"{what} must be a number in [0, {MAX_VALUE:g}], got {str(v)[:40]}")
            return float(v)

        n = raw.get("n_images")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_IMAGES:
            raise bad(f"n_images must be an integer in [1, {MAX_IMAGES}], got {str(n)[:40]}")
        pct = raw.get("percentiles")
        if not isinstance(pct, Mapping) or not pct or len(pct) > 16:
            raise bad("percentiles must be a JSON object of 1 to 16 entries")
        values: dict[str, float] = {}
        for k, v in pct.items():
            try:
                q = float(k)
            except ValueError:
                raise bad(f"percentile key {str(k)[:20]!r} is not a number") from None
            if not 0.0 <= q <= 100.0:
                raise bad(f"percentile key {k!r} is outside 0..100")
            values[str(k)] = number(v, f"percentile {k}")
        ordered = [values[k] for k in sorted(values, key=float)]
        if any(b < a for a, b in zip(ordered, ordered[1:])):
            raise bad("percentiles must not decrease")
        quantile = number(raw.get("quantile", DEFAULT_QUANTILE), "quantile")
        if quantile > 100.0:
            raise bad(f"quantile must be at most 100, got {quantile:g}")
        return cls(number(raw.get("flag_above"), "flag_above"), values, int(n), quantile)

    def share_below(self, value: float) -> float | None:
        """About what share of the held-out good parts scored below ``value`` (read off the stored
        percentiles; None below the lowest one stored)."""
        pts = sorted((float(k), v) for k, v in self.percentiles.items())
        below = [q for q, v in pts if v < value]
        return max(below) / 100.0 if below else None


@dataclass(frozen=True)
class OodReading:
    """One image's statistic against its bundle's calibration."""

    value: float
    calibration: OodCalibration | None

    @property
    def calibrated(self) -> bool:
        return self.calibration is not None

    @property
    def unusual(self) -> bool:
        """True when the image lies beyond the flag level (never without a calibration)."""
        return self.calibration is not None and self.value > self.calibration.flag_above

    @property
    def ratio(self) -> float | None:
        """value / flag level: how far past the level (None without a calibration)."""
        if self.calibration is None or self.calibration.flag_above <= 0:
            return None
        return self.value / self.calibration.flag_above

    def to_json(self) -> dict[str, Any]:
        c = self.calibration
        return {"statistic": STATISTIC, "value": self.value, "calibrated": c is not None, "unusual": self.unusual,
                "flag_above": None if c is None else c.flag_above, "quantile": None if c is None else c.quantile,
                "calibration_images": None if c is None else c.n_images}


def calibration_of(manifest_raw: Mapping[str, Any]) -> OodCalibration | None:
    """The bundle's calibration, or None when its manifest has no ``"ood"`` block."""
    block = manifest_raw.get(OOD_KEY) if isinstance(manifest_raw, Mapping) else None
    return None if block is None else OodCalibration.from_json(block)


def reconstruction_error(analysis: Analysis, num_prefix_tokens: int) -> float:
    """Mean over the patch tokens of ||x_p − x̂_p||² (float64 accumulation)."""
    x_PD = np.asarray(analysis.tokens_TD[num_prefix_tokens:], np.float64)
    r_PD = np.asarray(analysis.recon_PD, np.float64)
    if x_PD.shape != r_PD.shape or x_PD.size == 0:
        raise InspectorError("bad_input", f"tokens {x_PD.shape} and reconstruction {r_PD.shape} differ")
    return float(np.mean(np.sum((x_PD - r_PD) ** 2, axis=1)))


def ood_reading(analysis: Analysis, num_prefix_tokens: int, calibration: OodCalibration | None) -> OodReading:
    return OodReading(reconstruction_error(analysis, num_prefix_tokens), calibration)


def session_reading(session) -> OodReading:  # noqa: ANN001 - InspectionSession that has analysed an image
    """The reading of the image the session holds, against its bundle's calibration."""
    if session.analysis is None:
        raise InspectorError("no_image", "no image has been analysed yet")
    return ood_reading(session.analysis, session.grid.num_prefix_tokens, calibration_of(session.bundle.manifest.raw))
