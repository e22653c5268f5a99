"""The plain ``Findings`` value that the PDF is drawn from, and how it is built from a session.

``Findings`` holds only plain data: strings, numbers, tuples, dicts, numpy arrays. The
causal results (ranking, dose-response) arrive as the dicts their ``to_json()`` gives, so
the report never depends on the engine's classes. ``build_findings`` is the only function
here that talks to an ``InspectionSession``; it is passed in, never imported, so this
package needs neither Qt nor torch.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from app import __version__
from app.core.document import SessionDocument
from app.core.edits import LatentEdit
from app.core.errors import InspectorError

SESSION_FILE = "session.json"
MASK_FILE = "session.mask.png"
TRUTH_FILE = "session.truth.png"
NUMBERS_FILE = "findings.json"
MAX_EXEMPLARS = 12

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class EditRow:
    latent: int
    label: str
    op: str  # off | scale | set | add
    value: float
    score_alone: float  # defect score with only this edit, in the region
    delta_alone: float  # score_alone - score_before
    # where the latent fires hardest on held-out parts: ((class, share), ...) and how many parts
    strongest: tuple[tuple[str, float], ...] = ()
    strongest_parts: int = 0


@dataclass(frozen=True)
class Findings:
    # identification
    created: str  # ISO 8601 with the UTC offset
    timezone: str  # e.g. "JST", "UTC"
    image_name: str
    image_path: str
    image_sha256: str
    image_size: tuple[int, int]  # (width, height) of the analysed copy
    operator: str = ""
    station: str = ""
    part_id: str = ""
    notes: str = ""
    image_notes: tuple[str, ...] = ()
    app_version: str = __version__
    lang: str = "en"
    # verdict
    threshold: float = 0.5
    class_names: tuple[str, ...] = ()
    score_before: float = 0.0
    score_after: float = 0.0
    probs_before: tuple[float, ...] = ()
    probs_after: tuple[float, ...] = ()
    # model: name, version, hash, vit_sha256, sae_sha256, hooked_layer, sae_width, sae_activation, sae_k
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
    map_before: np.ndarray | None = None  # [gh, gw] 0..1
    map_after: np.ndarray | None = None  # [gh, gw] 0..1
    exemplars: dict[int, tuple[np.ndarray, ...]] = field(default_factory=dict)  # latent -> RGB crops
    has_dictionary: bool = False
    # causal analyses, as plain dicts (RankResult.to_json(), DoseResponse.to_json())
    rank: dict[str, Any] | None = None
    dose: dict[str, Any] | None = None
    # files attached to the PDF: name -> bytes (session.json, its mask, findings.json)
    attachments: dict[str, bytes] = field(default_factory=dict)

    # --- derived ----------------------------------------------------------------------
    def verdict(self, score: float) -> bool:
        """True when ``score`` is a defect at this threshold."""
        return score >= self.threshold

    @property
    def whole_image(self) -> bool:
        return self.region_HW is None or not np.any(self.region_HW)

    def numbers(self) -> dict[str, Any]:
        """Every number the report shows, as JSON (attached as findings.json; used by tests)."""
        return _jsonable({
            "app_version": self.app_version,
            "image": {"name": self.image_name, "sha256": self.image_sha256, "size": list(self.image_size)},
            "bundle": {k: self.model.get(k) for k in ("name", "version", "hash")},
            "threshold": self.threshold,
            "classes": list(self.class_names),
            "before": {"score": self.score_before, "probs": list(self.probs_before), "defect": self.verdict(self.score_before)},
            "after": {"score": self.score_after, "probs": list(self.probs_after), "defect": self.verdict(self.score_after)},
            "recon_only": self.recon_only,
            "region": {"pixels": self.mask_pixels, "patches": self.mask_patches, "of": self.num_patches},
            "edits": [e.__dict__ for e in self.edits],
            "rank": self.rank,
            "dose": self.dose,
        })


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


def plain(result: Any) -> dict[str, Any] | None:
    """A causal result (an object with ``to_json()``, or already a dict) -> a plain JSON dict."""
    if result is None:
        return None
    if hasattr(result, "to_json"):
        result = result.to_json()
    if not isinstance(result, Mapping):
        raise TypeError(f"expected a dict or an object with to_json(), got {type(result).__name__}")
    return _jsonable(result)


def rank_settings(rank: Mapping[str, Any]) -> dict[str, Any]:
    """The rank_latents arguments that reproduce ``rank`` (a RankResult.to_json())."""
    out = {"top": rank.get("top"), "controls": rank.get("controls_per_kind", rank.get("controls")), "seed": rank.get("seed")}
    return {k: v for k, v in out.items() if isinstance(v, int)}


def dose_settings(dose: Mapping[str, Any]) -> dict[str, Any]:
    """The dose_response arguments that reproduce ``dose`` (a DoseResponse.to_json()), as far as they can be told."""
    s = np.asarray(dose.get("strengths", []), np.float64)
    out: dict[str, Any] = {"latent": dose.get("latent")}
    if s.size:
        rng = float(np.max(np.abs(s)))
        out["strength_range"] = rng
        try:
            from app.core.causal import dose_strengths

            for p in (s.size, s.size - 1, s.size - 2):
                if p >= 2 and np.array_equal(dose_strengths(rng, p), s):
                    out["points"] = p
                    break
        except Exception:  # noqa: BLE001 (best effort: without it the default grid is used)
            pass
    return out


def png_bytes(mask_HW: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray((np.asarray(mask_HW) > 0).astype(np.uint8) * 255, "L").save(buf, format="PNG")
    return buf.getvalue()


def session_attachments(doc: SessionDocument, mask_HW: np.ndarray | None, truth_HW: np.ndarray | None) -> dict[str, bytes]:
    """The session as it is embedded: session.json (+ its mask PNG, + ground truth PNG)."""
    from dataclasses import replace

    files: dict[str, bytes] = {}
    analyses = dict(doc.analyses)
    if mask_HW is not None and np.any(mask_HW):
        files[MASK_FILE] = png_bytes(mask_HW)
        doc = replace(doc, mask_png=MASK_FILE)
    else:
        doc = replace(doc, mask_png=None)
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


def build_findings(
    session: Any,
    *,
    image_path: str | Path,
    image_sha256: str,
    mask_HW: np.ndarray | None = None,
    edits: Sequence[LatentEdit] = (),
    threshold: float | None = None,
    recon_only: bool = False,
    operator: str = "",
    station: str = "",
    part_id: str = "",
    notes: str = "",
    truth_HW: np.ndarray | None = None,
    rank: Any = None,
    dose: Any = None,
    analyses: Mapping[str, Any] | None = None,
    user_labels: Mapping[int, str] | None = None,
    image_notes: Sequence[str] = (),
    backend_choice: str = "auto",
    bundle_path: str | Path | None = None,
    lang: str = "en",
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Findings:
    """Gather everything the report shows from a session that has analysed the image.

    ``rank`` and ``dose`` are causal results (objects with ``to_json()`` or their dicts), or
    None where they were not computed. ``analyses`` are the settings that reproduce them
    (stored in the session file); when omitted they are taken from the results themselves.
    """
    def step(frac: float, text: str) -> None:
        if progress is not None:
            progress(frac, text)

    a = session.analysis
    if a is None or session.image_HWC is None:
        raise InspectorError("no_image", "no image has been analysed yet; open an image before exporting findings")
    image = session.image_HWC
    hw = image.shape[:2]
    edits = tuple(edits)
    region = None
    if mask_HW is not None and np.any(mask_HW):
        from app.core.grid import resize_mask

        region = resize_mask(np.asarray(mask_HW) > 0, hw).astype(bool)
    truth = None
    if truth_HW is not None and np.any(truth_HW):
        from app.core.grid import resize_mask

        truth = resize_mask(np.asarray(truth_HW) > 0, hw).astype(bool)

    step(0.05, "measuring the edits")
    before = a.baseline
    outs = session.batch_intervene(region, [edits, *[[e] for e in edits]], recon_only=recon_only)
    d = session.bundle.dictionary
    after, alone = outs[0], outs[1:]
    rows = tuple(
        EditRow(e.latent, session.label(e.latent, user_labels), e.op, float(e.value), float(o.score),
                float(o.score - before.score),
                strongest=tuple(d.strongest_on(e.latent)) if d is not None else (),
                strongest_parts=d.strongest_parts(e.latent) if d is not None else 0)
        for e, o in zip(edits, alone)
    )
    m_P = session.patch_weights(region)

    step(0.2, "collecting exemplars")
    exemplars: dict[int, tuple[np.ndarray, ...]] = {}
    if d is not None:
        n_top = int(d.top_value.shape[1]) if getattr(d, "top_value", None) is not None and d.top_value.ndim == 2 else MAX_EXEMPLARS
        for e in edits:
            exemplars[e.latent] = tuple(d.crops(e.latent)[: min(n_top, MAX_EXEMPLARS)])

    man = session.bundle.manifest
    model = {
        "name": man.name, "version": man.version, "hash": session.bundle.hash,
        "vit_sha256": man.files["vit"]["sha256"], "sae_sha256": man.files["sae"]["sha256"],
        "hooked_layer": int(man.hooked_layer), "sae_width": int(man.sae.width),
        "sae_activation": str(man.sae.activation), "sae_k": man.sae.k if man.sae.activation == "topk" else None,
        "depth": int(getattr(man.vit, "depth", 0) or 0),
    }
    thr = float(man.threshold if threshold is None else threshold)
    rank_d, dose_d = plain(rank), plain(dose)
    settings = dict(analyses or {})
    if rank_d is not None and "rank" not in settings:
        settings["rank"] = rank_settings(rank_d)
    if dose_d is not None and "dose" not in settings:
        settings["dose"] = dose_settings(dose_d)

    doc = SessionDocument(
        image_path=str(image_path), image_sha256=image_sha256,
        bundle={**session.bundle.summary(), **({"path": str(bundle_path)} if bundle_path else {})},
        edits=edits, threshold=threshold, recon_only=recon_only, notes=notes, operator=operator, station=station,
        part_id=part_id, backend=backend_choice, analyses=_jsonable(settings),
    )
    created, tz = _now(now)
    f = Findings(
        created=created, timezone=tz, image_name=Path(image_path).name, image_path=str(image_path),
        image_sha256=image_sha256, image_size=(int(hw[1]), int(hw[0])), operator=operator, station=station,
        part_id=part_id, notes=notes, image_notes=tuple(image_notes), lang=lang, threshold=thr,
        class_names=tuple(session.class_names), score_before=float(before.score), score_after=float(after.score),
        probs_before=tuple(float(p) for p in before.class_probs), probs_after=tuple(float(p) for p in after.class_probs),
        model=model, backend=dict(session.backend_info()), recon_only=recon_only, edits=rows,
        mask_pixels=int(np.count_nonzero(region)) if region is not None else 0,
        mask_patches=int(np.count_nonzero(m_P > 0)) if region is not None else 0,
        num_patches=int(m_P.shape[0]), image_HWC=image, region_HW=region, truth_HW=truth,
        map_before=np.asarray(before.patch_map, np.float64), map_after=np.asarray(after.patch_map, np.float64),
        exemplars=exemplars, has_dictionary=d is not None, rank=rank_d, dose=dose_d,
    )
    files = session_attachments(doc, region, truth)
    files[NUMBERS_FILE] = json.dumps(f.numbers(), indent=2, ensure_ascii=False).encode("utf-8")
    from dataclasses import replace

    return replace(f, attachments=files)
