"""One image, one region, edits in both models: both verdicts side by side and their difference.

Both sessions must have analysed the same image (``analyze_pair`` does it). Each model's edits
are its own latent ids: a latent id means the same in both only when both bundles hold the same
SAE on the same ViT (``same_sae``). For two different SAEs, ``translate_edits`` carries A's edits
to their counterparts in B (``app.core.compare.counterparts``) and says which have none.

Defect maps are per patch on the models' common grid, on the fixed 0..1 scale; the difference
B − A is on −1..1. A model without a patch head has no map (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.compare.compatibility import check_comparable, same_sae
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.outputs import Outputs

MAP_LEVELS = (0.0, 1.0)  # a defect map's fixed scale
DIFFERENCE_LEVELS = (-1.0, 1.0)  # B − A


@dataclass(frozen=True)
class BundleRef:
    """Which bundle a side is: what the report and the JSON name."""

    name: str
    version: str
    hash: str
    threshold: float

    @classmethod
    def of(cls, session) -> BundleRef:  # noqa: ANN001 - InspectionSession
        b = session.bundle
        return cls(b.name, b.manifest.version, b.hash, float(b.manifest.threshold))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "hash": self.hash, "threshold": self.threshold}


@dataclass(frozen=True)
class SideOutcome:
    """One model's view of the image: unedited, and with its edits in the region."""

    bundle: BundleRef
    edits: tuple[LatentEdit, ...]
    baseline: Outputs
    edited: Outputs

    @property
    def rejects(self) -> bool:
        """The edited verdict at the bundle's own threshold (score ≥ threshold: defect)."""
        return self.edited.score >= self.bundle.threshold

    @property
    def rejects_unedited(self) -> bool:
        return self.baseline.score >= self.bundle.threshold

    def to_json(self, class_names: Sequence[str]) -> dict[str, Any]:
        def out(o: Outputs) -> dict[str, Any]:
            return {"score": o.score, "classes": {n: float(p) for n, p in zip(class_names, o.class_probs)},
                    "patch_map": None if o.patch_map is None else o.patch_map}

        return {"bundle": self.bundle.to_json(), "edits": [{"latent": e.latent, "op": e.op, "value": e.value} for e in self.edits],
                "baseline": out(self.baseline), "edited": out(self.edited),
                "rejects": self.rejects, "rejects_unedited": self.rejects_unedited}


def _map_diff(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None or b is None:
        return None
    return (np.asarray(b, np.float64) - np.asarray(a, np.float64)).astype(np.float32)


@dataclass(frozen=True)
class PairedOutcome:
    a: SideOutcome
    b: SideOutcome
    class_names: tuple[str, ...]
    grid_hw: tuple[int, int]
    view_box: tuple[float, float, float, float]  # (top, left, bottom, right) in image pixels: the part both models see

    @property
    def delta_score(self) -> float:
        """B's edited score − A's."""
        return float(self.b.edited.score - self.a.edited.score)

    @property
    def delta_class_probs_C(self) -> np.ndarray:
        return np.asarray(self.b.edited.class_probs, np.float64) - np.asarray(self.a.edited.class_probs, np.float64)

    @property
    def map_difference_hw(self) -> np.ndarray | None:
        """B's edited defect map − A's, [grid_h, grid_w] on −1..1 (None without a patch head in either)."""
        return _map_diff(self.a.edited.patch_map, self.b.edited.patch_map)

    @property
    def baseline_map_difference_hw(self) -> np.ndarray | None:
        return _map_diff(self.a.baseline.patch_map, self.b.baseline.patch_map)

    @property
    def verdicts_agree(self) -> bool:
        return self.a.rejects == self.b.rejects

    @property
    def identical(self) -> bool:
        """Both models gave bit-identical outputs (a bundle compared with itself, same edits)."""
        pa, pb = self.a.edited, self.b.edited
        same_map = (pa.patch_map is None and pb.patch_map is None) or (
            pa.patch_map is not None and pb.patch_map is not None and np.array_equal(pa.patch_map, pb.patch_map))
        return bool(np.array_equal(pa.class_logits, pb.class_logits) and same_map)

    def to_json(self) -> dict[str, Any]:
        diff = self.map_difference_hw
        return {
            "a": self.a.to_json(self.class_names), "b": self.b.to_json(self.class_names),
            "delta_score": self.delta_score,
            "delta_classes": {n: float(v) for n, v in zip(self.class_names, self.delta_class_probs_C)},
            "map_difference": diff, "map_levels": list(MAP_LEVELS), "difference_levels": list(DIFFERENCE_LEVELS),
            "max_abs_map_difference": None if diff is None else float(np.max(np.abs(diff))),
            "verdicts_agree": self.verdicts_agree, "identical": self.identical,
            "grid": list(self.grid_hw), "view_box": list(self.view_box),
        }


def analyze_pair(session_a, session_b, image_HWC: np.ndarray) -> None:  # noqa: ANN001 - InspectionSessions
    """Check that the bundles can be compared, then run each model's prefix once on the image."""
    check_comparable(session_a.bundle, session_b.bundle)
    session_a.analyze(image_HWC)
    session_b.analyze(image_HWC)


def check_same_image(sa, sb) -> None:  # noqa: ANN001
    ia, ib = sa.image_HWC, sb.image_HWC
    if ia is None or ib is None:
        raise InspectorError("no_image", "both models must have analysed the image first")
    if ia is not ib and (ia.shape != ib.shape or not np.array_equal(ia, ib)):
        raise InspectorError("not_same_image", "the two models have analysed different images; analyse the same part in both")


def ensure_same_image(session_a, session_b) -> None:  # noqa: ANN001 - InspectionSessions
    """Let B analyse the image A has analysed, unless it already holds that very image (A's analysis is kept)."""
    img = session_a.image_HWC
    if img is None:
        raise InspectorError("no_image", "no image has been analysed yet")
    ib = session_b.image_HWC
    if ib is None or (ib is not img and (ib.shape != img.shape or not np.array_equal(ib, img))):
        check_comparable(session_a.bundle, session_b.bundle)
        session_b.analyze(img)


def edits_for_b(session_a, session_b, edits_a: Sequence[LatentEdit], corr, min_r: float,  # noqa: ANN001
                ) -> tuple[tuple[LatentEdit, ...], tuple[LatentEdit, ...], str]:
    """(B's edits, A's edits left out, why): the same ids when both hold the same SAE, else A's edits carried
    to their counterparts (``corr``: a ``LatentCorrelation``; None: not measured, so none can be carried)."""
    from app.core.compare.counterparts import translate_edits

    if same_sae(session_a.bundle, session_b.bundle):
        return tuple(edits_a), (), ""
    if corr is None:
        return (), tuple(edits_a), "the counterparts have not been measured yet" if edits_a else ""
    moved, left = translate_edits(edits_a, corr, min_r)
    why = f"no counterpart with r of at least {min_r:.2f}, or one already taken by an earlier edit" if left else ""
    return moved, left, why


def compare_on_image(
    session_a, session_b, mask_HW: np.ndarray | None,  # noqa: ANN001 - InspectionSessions
    edits_a: Sequence[LatentEdit] = (), edits_b: Sequence[LatentEdit] | None = None, recon_only: bool = False,
) -> PairedOutcome:
    """Both models on the image both have analysed, the same region, each with its edits.

    ``edits_b`` None means A's edits, which is allowed only when both bundles hold the same SAE
    (otherwise latent ids name different features: translate them with ``translate_edits``)."""
    check_comparable(session_a.bundle, session_b.bundle)
    check_same_image(session_a, session_b)
    if edits_b is None:
        if edits_a and not same_sae(session_a.bundle, session_b.bundle):
            raise InspectorError(
                "edits_not_shared", "the two bundles hold different SAEs, so A's latent ids mean nothing in B: give B's "
                "edits, e.g. A's edits carried to their counterparts")
        edits_b = edits_a
    sides = []
    for s, edits in ((session_a, tuple(edits_a)), (session_b, tuple(edits_b))):
        edited = s.intervene(mask_HW, edits, recon_only)
        sides.append(SideOutcome(BundleRef.of(s), edits, s.analysis.baseline, edited))
    return PairedOutcome(
        sides[0], sides[1], tuple(session_a.class_names), session_a.grid_hw,
        session_a.bundle.manifest.preprocess.view_box(session_a.analysis.image_hw),
    )
