"""The findings of one part, typed, and how they are built from a session.

``ReportRequest`` is what the GUI's export and the CLI's ``report`` ask for (the image, the
region, the edits, who and where, the causal results computed for this region). ``build_findings``
turns it, with the session that analysed the image, into one ``Findings`` value of frozen
dataclasses (``Verdict``, ``EditRow``, ``RankSection``, ``DoseSection``, ``InjectionSection``);
the PDF is drawn from that value alone. The session is passed in, never imported, so this
package needs neither Qt nor torch.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from app import __version__
from app.core.document import SessionDocument
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.jsonsafe import to_jsonable
from app.report.sections import DoseSection, EditRow, InjectionSection, RankSection, Verdict

SESSION_FILE = "session.json"
MASK_FILE = "session.mask.png"
TRUTH_FILE = "session.truth.png"
NUMBERS_FILE = "findings.json"
MAX_EXEMPLARS = 12

Progress = Callable[[float, str], None]

__all__ = ["About", "CausalResults", "EditRow", "Findings", "ReportRequest", "Verdict", "build_findings"]


@dataclass(frozen=True)
class About:
    """Who wrote the report, where, on which part, in which language."""

    operator: str = ""
    station: str = ""
    part_id: str = ""
    notes: str = ""
    lang: str = "en"


@dataclass(frozen=True)
class CausalResults:
    """The causal experiments run on this image and region: engine results or their ``to_json()`` dicts."""

    rank: Any = None
    dose: Any = None
    injection: Any = None


@dataclass(frozen=True)
class ReportRequest:
    image_path: str
    image_sha256: str
    region_HW: np.ndarray | None = None  # bool; None or empty: the whole image
    edits: tuple[LatentEdit, ...] = ()
    threshold: float | None = None  # None: the bundle's
    recon_only: bool = False
    truth_HW: np.ndarray | None = None
    about: About = About()
    causal: CausalResults = CausalResults()
    analyses: Mapping[str, Any] | None = None  # the settings that reproduce the causal results (None: read from them)
    user_labels: Mapping[int, str] = field(default_factory=dict)
    image_notes: tuple[str, ...] = ()
    backend_choice: str = "auto"
    bundle_path: str | None = None
    comparison: Any = None  # app.report.comparison_findings.ComparisonRequest: a second bundle beside this one


@dataclass(frozen=True)
class Findings:
    # identification
    created: str  # ISO 8601 with the UTC offset
    timezone: str  # e.g. "JST", "UTC"
    image_name: str
    image_path: str
    image_sha256: str
    image_size: tuple[int, int]  # (width, height) of the analysed copy
    verdict: Verdict
    about: About = About()
    image_notes: tuple[str, ...] = ()
    app_version: str = __version__
    # model: name, version, hash, vit_sha256, sae_sha256, hooked_layer, sae_width, sae_activation, sae_k, depth
    model: dict[str, Any] = field(default_factory=dict)
    backend: dict[str, str] = field(default_factory=dict)  # backend, device, provider
    # region and edits
    recon_only: bool = False
    edits: tuple[EditRow, ...] = ()
    mask_pixels: int = 0
    mask_patches: int = 0
    num_patches: int = 0
    # pictures
    image_HWC: np.ndarray | None = None  # RGB uint8
    region_HW: np.ndarray | None = None  # bool, the painted region
    truth_HW: np.ndarray | None = None  # bool, ground truth if known
    map_before: np.ndarray | None = None  # [gh, gw] 0..1 (a defect map) or -1..1 (an evidence map)
    map_after: np.ndarray | None = None  # [gh, gw]
    map_kind: str = "defect"  # "defect": the patch head's map; "evidence": measured (a model without a patch head)
    ood: dict[str, Any] | None = None  # app.core.ood.OodReading.to_json(): how unlike the training parts the image is
    exemplars: dict[int, tuple[np.ndarray, ...]] = field(default_factory=dict)  # latent -> RGB crops
    has_dictionary: bool = False
    # causal analyses
    rank: RankSection | None = None
    dose: DoseSection | None = None
    injection: InjectionSection | None = None
    # files attached to the PDF: name -> bytes (session.json, its mask, findings.json)
    attachments: dict[str, bytes] = field(default_factory=dict)
    comparison: Any = None  # app.report.comparison_findings.ComparisonFindings (None: no second bundle)

    @property
    def lang(self) -> str:
        return self.about.lang

    @property
    def whole_image(self) -> bool:
        return self.region_HW is None or not np.any(self.region_HW)

    def numbers(self) -> dict[str, Any]:
        """Every number the report shows, as JSON (attached as findings.json; used by tests)."""
        v = self.verdict
        return jsonable({
            "app_version": self.app_version,
            "image": {"name": self.image_name, "sha256": self.image_sha256, "size": list(self.image_size)},
            "bundle": {k: self.model.get(k) for k in ("name", "version", "hash")},
            "threshold": v.threshold,
            "classes": list(v.class_names),
            "before": {"score": v.score_before, "probs": list(v.probs_before), "defect": v.is_defect(v.score_before)},
            "after": {"score": v.score_after, "probs": list(v.probs_after), "defect": v.is_defect(v.score_after)},
            "recon_only": self.recon_only,
            "region": {"pixels": self.mask_pixels, "patches": self.mask_patches, "of": self.num_patches},
            "edits": [asdict(e) for e in self.edits],
            "rank": None if self.rank is None else asdict(self.rank),
            "dose": None if self.dose is None else asdict(self.dose),
            "injection": None if self.injection is None else {
                **asdict(self.injection), "outcome": self.injection.outcome(v.threshold)},
            "maps": self.map_kind if self.map_before is not None else None,
            "ood": self.ood,
            "comparison": None if self.comparison is None else self.comparison.numbers(),
        })


def jsonable(obj: Any) -> Any:
    """Plain JSON values; NaN and infinities become None (strict JSON)."""
    return to_jsonable(obj, "null")


def png_bytes(mask_HW: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray((np.asarray(mask_HW) > 0).astype(np.uint8) * 255, "L").save(buf, format="PNG")
    return buf.getvalue()


def session_attachments(doc: SessionDocument, mask_HW: np.ndarray | None, truth_HW: np.ndarray | None) -> dict[str, bytes]:
    """The session as it is embedded: session.json (+ its mask PNG, + ground truth PNG)."""
    files: dict[str, bytes] = {}
    analyses = dict(doc.analyses)
    if mask_HW is not None and np.any(mask_HW):
        files[MASK_FILE] = png_bytes(mask_HW)
        doc = replace(doc, mask_png=MASK_FILE, mask_png_base64=None)
    else:
        doc = replace(doc, mask_png=None, mask_png_base64=None)
    if truth_HW is not None and np.any(truth_HW):
        files[TRUTH_FILE] = png_bytes(truth_HW)
        analyses["ground_truth_png"] = TRUTH_FILE
    else:
        analyses.pop("ground_truth_png", None)
    doc = replace(doc, analyses=analyses)
    files[SESSION_FILE] = json.dumps(doc.to_json(), indent=2, ensure_ascii=False).encode("utf-8")
    return files


def _now(now: datetime | None) -> tuple[str, str]:
    t = (now or datetime.now()).astimezone()
    return t.isoformat(timespec="seconds"), t.tzname() or ""


def _resized(mask_HW: np.ndarray | None, hw: tuple[int, int]) -> np.ndarray | None:
    if mask_HW is None or not np.any(mask_HW):
        return None
    from app.core.grid import resize_mask

    return resize_mask(np.asarray(mask_HW) > 0, hw).astype(bool)


def check_threshold(threshold: float | None) -> None:
    if threshold is not None and not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise InspectorError("bad_argument", f"the threshold must be a number in [0, 1], got {threshold}")


def _model_facts(session: Any) -> dict[str, Any]:
    man = session.bundle.manifest
    return {
        "name": man.name, "version": man.version, "hash": session.bundle.hash,
        "vit_sha256": man.files["vit"]["sha256"], "sae_sha256": man.files["sae"]["sha256"],
        "hooked_layer": int(man.hooked_layer), "sae_width": int(man.sae.width),
        "sae_activation": str(man.sae.activation), "sae_k": man.sae.k if man.sae.activation == "topk" else None,
        "depth": int(getattr(man.vit, "depth", 0) or 0),
    }


def build_findings(session: Any, req: ReportRequest, *, now: datetime | None = None,
                   progress: Progress | None = None) -> Findings:
    """Measure and gather everything the report shows, from a session that has analysed the image."""
    def step(frac: float, text: str) -> None:
        if progress is not None:
            progress(frac, text)

    check_threshold(req.threshold)
    a = session.analysis
    if a is None or session.image_HWC is None:
        raise InspectorError("no_image", "no image has been analysed yet; open an image before exporting findings")
    image = session.image_HWC
    hw = image.shape[:2]
    edits = tuple(req.edits)
    region, truth = _resized(req.region_HW, hw), _resized(req.truth_HW, hw)

    step(0.05, "measuring the edits")
    before = a.baseline
    outs = session.batch_intervene(region, [edits, *[[e] for e in edits]], recon_only=req.recon_only)
    d = session.bundle.dictionary
    after, alone = outs[0], outs[1:]
    rows = tuple(
        EditRow(e.latent, session.label(e.latent, req.user_labels), e.op, float(e.value), float(o.score),
                float(o.score - before.score),
                strongest=tuple(d.strongest_on(e.latent)) if d is not None else (),
                strongest_parts=d.strongest_parts(e.latent) if d is not None else 0)
        for e, o in zip(edits, alone)
    )
    m_P = session.patch_weights(region)

    map_kind, map_before, map_after = "defect", before.patch_map, after.patch_map
    if before.patch_map is None and getattr(session, "has_evidence_map", False):
        step(0.12, "measuring the evidence maps")  # a model without a patch head: its map is measured
        map_kind = "evidence"
        map_before = session.evidence_map(None, ())
        map_after = session.evidence_map(region, edits) if edits else map_before
    from app.core.ood import session_reading

    ood = session_reading(session).to_json()

    step(0.2, "collecting exemplars")
    exemplars: dict[int, tuple[np.ndarray, ...]] = {}
    if d is not None:
        n_top = int(d.top_value.shape[1]) if getattr(d, "top_value", None) is not None and d.top_value.ndim == 2 else MAX_EXEMPLARS
        for e in edits:
            exemplars[e.latent] = tuple(d.crops(e.latent)[: min(n_top, MAX_EXEMPLARS)])

    man = session.bundle.manifest
    c = req.causal
    rank = None if c.rank is None else RankSection.read(c.rank)
    dose = None if c.dose is None else DoseSection.read(c.dose, tuple(session.class_names))
    injection = None if c.injection is None else InjectionSection.read(c.injection)
    settings = dict(req.analyses or {})
    if rank is not None and "rank" not in settings:
        settings["rank"] = rank.settings()
    if dose is not None and "dose" not in settings:
        settings["dose"] = dose.settings()
    comparison = None
    if req.comparison is not None:
        from app.report.comparison_findings import build_comparison

        step(0.25, "measuring the second bundle")
        comparison = build_comparison(session, req.comparison, region, edits, req.recon_only, req.user_labels)
        settings["compare"] = req.comparison.settings.to_json()

    about = req.about
    doc = SessionDocument(
        image_path=str(req.image_path), image_sha256=req.image_sha256,
        bundle={**session.bundle.summary(), **({"path": str(req.bundle_path)} if req.bundle_path else {})},
        edits=edits, threshold=req.threshold, recon_only=req.recon_only, notes=about.notes, operator=about.operator,
        station=about.station, part_id=about.part_id, backend=req.backend_choice, analyses=jsonable(settings),
    )
    created, tz = _now(now)
    verdict = Verdict(
        threshold=float(man.threshold if req.threshold is None else req.threshold), class_names=tuple(session.class_names),
        score_before=float(before.score), score_after=float(after.score),
        probs_before=tuple(float(p) for p in before.class_probs), probs_after=tuple(float(p) for p in after.class_probs),
    )
    f = Findings(
        created=created, timezone=tz, image_name=Path(req.image_path).name, image_path=str(req.image_path),
        image_sha256=req.image_sha256, image_size=(int(hw[1]), int(hw[0])), verdict=verdict, about=about,
        image_notes=tuple(req.image_notes), model=_model_facts(session), backend=dict(session.backend_info()),
        recon_only=req.recon_only, edits=rows,
        mask_pixels=int(np.count_nonzero(region)) if region is not None else 0,
        mask_patches=int(np.count_nonzero(m_P > 0)) if region is not None else 0,
        num_patches=int(m_P.shape[0]), image_HWC=image, region_HW=region, truth_HW=truth,
        map_before=None if map_before is None else np.asarray(map_before, np.float64),
        map_after=None if map_after is None else np.asarray(map_after, np.float64), map_kind=map_kind, ood=ood,
        exemplars=exemplars, has_dictionary=d is not None, rank=rank, dose=dose, injection=injection,
        comparison=comparison,
    )
    files = session_attachments(doc, region, truth)
    files[NUMBERS_FILE] = json.dumps(f.numbers(), indent=2, ensure_ascii=False).encode("utf-8")
    return replace(f, attachments=files)
