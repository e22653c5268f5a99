"""The comparison part of a findings report (issue #20): typed, built once, drawn from alone.

``ComparisonRequest`` is what the GUI's export and ``report --session`` add to a ``ReportRequest``:
session B, the settings (``app.core.compare.settings.CompareSettings``, which the session file
keeps), and the heavy results measured beforehand: the counterpart statistics on the shared
parts and the folder comparison. ``build_comparison`` measures the rest on the image session A
has analysed (B's verdict in the same region with A's edits carried across, the region's latents
and their counterparts, the latent switched off with its counterpart) and returns one frozen
``ComparisonFindings``. ``replay_request`` rebuilds the request from saved settings (the CLI).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.core.compare.compatibility import same_sae
from app.core.compare.counterparts import Counterpart, LatentCorrelation, RegionLatent
from app.core.compare.folder import FolderComparison, TypeAgreement
from app.core.compare.paired import PairedOutcome, SideOutcome
from app.core.compare.settings import CompareSettings
from app.core.compare.switch_off import SwitchOffEffect
from app.core.edits import LatentEdit
from app.core.errors import InspectorError

CHANGED_ROWS = 25  # parts that changed verdict listed in the report (all are in findings.json)
REASON_ROWS = 5


def _f(x: Any) -> float | None:
    return float(x) if x is not None and math.isfinite(float(x)) else None


def edit_text(edits: tuple[LatentEdit, ...] | list[LatentEdit]) -> str:
    return ", ".join(f"#{e.latent} {e.describe()}" for e in edits)


@dataclass(frozen=True)
class ComparisonRequest:
    session_b: Any  # InspectionSession of bundle B (used on the thread that builds the findings)
    settings: CompareSettings
    corr: LatentCorrelation | None = None  # counterpart statistics on settings.counterpart_images
    folder: FolderComparison | None = None  # measured on settings.folder
    user_labels_b: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SideFindings:
    """One model on the part: unedited and with its edits in the region, at its own threshold."""

    name: str
    version: str
    hash: str
    path: str
    threshold: float
    edits: str  # "#12 off, #3 scale=0.5" ("" without edits)
    score_before: float
    score_after: float
    probs_before: tuple[float, ...]
    probs_after: tuple[float, ...]
    map_before: np.ndarray | None  # [gh, gw] 0..1
    map_after: np.ndarray | None

    @property
    def rejects_before(self) -> bool:
        return self.score_before >= self.threshold

    @property
    def rejects_after(self) -> bool:
        return self.score_after >= self.threshold

    @classmethod
    def of(cls, s: SideOutcome, path: str) -> SideFindings:
        def m(x: np.ndarray | None) -> np.ndarray | None:
            return None if x is None else np.asarray(x, np.float64)

        return cls(s.bundle.name, s.bundle.version, s.bundle.hash, path, s.bundle.threshold, edit_text(s.edits),
                   float(s.baseline.score), float(s.edited.score), tuple(float(p) for p in s.baseline.class_probs),
                   tuple(float(p) for p in s.edited.class_probs), m(s.baseline.patch_map), m(s.edited.patch_map))

    def numbers(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "hash": self.hash, "threshold": self.threshold,
                "edits": self.edits, "before": {"score": self.score_before, "probs": list(self.probs_before),
                                                "defect": self.rejects_before},
                "after": {"score": self.score_after, "probs": list(self.probs_after), "defect": self.rejects_after}}


@dataclass(frozen=True)
class CounterpartRow:
    side: str  # the model the listed latent belongs to
    latent: int
    label: str
    activation: float  # Σ m z in the region, in its own model
    other: int  # -1: no counterpart
    other_label: str
    other_activation: float
    r: float | None
    mutual: bool
    matched: bool
    text: str  # "A's #984 thin-line ≈ B's #212 scratch (r = 0.81)"

    @classmethod
    def of(cls, x: RegionLatent) -> CounterpartRow:
        c: Counterpart = x.counterpart
        return cls(c.side, c.latent, x.summary.label, float(x.summary.activation), c.other if c.matched else -1,
                   c.other_label if c.matched else "", float(x.other_activation), _f(c.r), c.mutual, c.matched, c.text())


@dataclass(frozen=True)
class EffectRow:
    """A latent switched off in the region of one model, read against that model's own controls."""

    side: str
    latent: int
    label: str
    delta_score: float
    p_random_latents: float
    p_random_directions: float
    ratio_vs_controls: float | None
    control_abs_p95: float | None
    significant: bool
    verdict_flips: bool

    @classmethod
    def of(cls, e: SwitchOffEffect) -> EffectRow:
        band = e.result.control_band()
        return cls(e.side, e.latent, e.label, float(e.delta_score), float(e.p_vs_random_latents),
                   float(e.p_vs_random_directions), _f(e.ratio_vs_controls) if math.isfinite(e.ratio_vs_controls) else None,
                   _f(band.abs_p95), e.significant, e.verdict_flips)


@dataclass(frozen=True)
class SwitchOffFindings:
    text: str  # the counterpart sentence
    a: EffectRow | None
    b: EffectRow | None
    same_direction: bool | None
    controls: int
    seed: int


@dataclass(frozen=True)
class TypeRow:
    part_type: str
    parts: int
    agreement: str  # "95% [88%, 100%]"
    agreement_mean: float | None
    both_reject: int
    both_accept: int
    only_a: int
    only_b: int
    correct_a: str
    correct_b: str

    @classmethod
    def of(cls, t: TypeAgreement) -> TypeRow:
        return cls(t.part_type, t.parts, t.agreement.text(), _f(t.agreement.mean), t.both_reject, t.both_accept, t.only_a,
                   t.only_b, t.correct_a.text() if t.correct_a else "n/a", t.correct_b.text() if t.correct_b else "n/a")


@dataclass(frozen=True)
class ChangedPart:
    name: str
    path: str
    part_type: str
    score_a: float
    score_b: float
    reject_a: bool
    reject_b: bool


@dataclass(frozen=True)
class ReasonSummary:
    part_type: str
    parts: int
    shared_a: float | None  # share of A's leading latents whose counterpart leads in B
    shared_b: float | None
    rows_a: tuple[str, ...]  # "#12 scratch: −0.21 [−0.30, −0.12] ≈ B's #40 (r 0.83, B's 2nd)"
    rows_b: tuple[str, ...]


@dataclass(frozen=True)
class FolderFindings:
    parts: int
    types: tuple[TypeRow, ...]  # each type, then "all parts"
    changed: tuple[ChangedPart, ...]  # the first CHANGED_ROWS, largest score gap first
    changed_total: int
    reasons: tuple[ReasonSummary, ...]
    counterpart_share_a: float | None
    counterpart_share_b: float | None
    skipped: int
    seed: int
    n_boot: int
    evidence: bool

    @classmethod
    def of(cls, fc: FolderComparison) -> FolderFindings:
        changed = fc.changed
        share = fc.correlation.summary(fc.min_r)["share_with_counterpart"]
        return cls(
            len(fc.parts), tuple(TypeRow.of(t) for t in (*fc.types, fc.overall)),
            tuple(ChangedPart(Path(p.path).name, p.path, p.part_type, p.score_a, p.score_b, p.reject_a, p.reject_b)
                  for p in changed[:CHANGED_ROWS]),
            len(changed), tuple(_reason_summary(r) for r in fc.reasons), share["A"], share["B"], len(fc.skipped),
            fc.seed, fc.n_boot, fc.evidence,
        )


def _ordinal(k: int) -> str:
    n = k + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _reason_line(r: Any, them: str) -> str:  # noqa: ANN401 - folder.ReasonRow
    ev, cp = r.evidence, r.counterpart
    own = f"#{ev.id} {ev.label}: {_signed(ev.mean_delta)} [{_signed(ev.ci_low)}, {_signed(ev.ci_high)}]"
    if not cp.matched:
        return f"{own}; no counterpart in {them}"
    where = f"{them}'s {_ordinal(r.other_position)}" if r.other_position is not None else f"not ranked in {them}"
    return f"{own} ≈ {them}'s #{cp.other} {cp.other_label} (r {cp.r:.2f}, {where})"


def _signed(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:+.4f}" if x == 0 or abs(x) >= 1e-3 else f"{x:+.1e}"


def _reason_summary(r: Any) -> ReasonSummary:  # noqa: ANN401 - folder.TypeReasons
    return ReasonSummary(r.part_type, len(r.a.images), _f(r.shared_share("A")), _f(r.shared_share("B")),
                         tuple(_reason_line(x, "B") for x in r.rows_a[:REASON_ROWS]),
                         tuple(_reason_line(x, "A") for x in r.rows_b[:REASON_ROWS]))


@dataclass(frozen=True)
class ComparisonFindings:
    a: SideFindings
    b: SideFindings
    class_names: tuple[str, ...]
    same_sae: bool
    identical: bool  # bit-identical outputs (a bundle compared with itself, same edits)
    verdicts_agree: bool
    map_difference: np.ndarray | None  # [gh, gw] B − A after the edits, on −1..1
    left_out: str  # A's edits not carried to B ("" when all were)
    left_out_why: str
    counterparts_a: tuple[CounterpartRow, ...]
    counterparts_b: tuple[CounterpartRow, ...]
    counterpart_basis: dict[str, Any] | None  # patches, images, shares (LatentCorrelation.summary); None: not measured
    switch_off: SwitchOffFindings | None
    folder: FolderFindings | None
    settings: CompareSettings

    @property
    def delta_score(self) -> float:
        return self.b.score_after - self.a.score_after

    def numbers(self) -> dict[str, Any]:
        """Every number the section shows (JSON; in findings.json under "comparison")."""
        d = self.map_difference
        return {
            "a": self.a.numbers(), "b": self.b.numbers(), "classes": list(self.class_names), "same_sae": self.same_sae,
            "identical": self.identical, "verdicts_agree": self.verdicts_agree, "delta_score": self.delta_score,
            "max_abs_map_difference": None if d is None else float(np.max(np.abs(d))),
            "left_out": self.left_out, "left_out_why": self.left_out_why,
            "counterparts": {"a": [asdict(r) for r in self.counterparts_a], "b": [asdict(r) for r in self.counterparts_b],
                             "basis": self.counterpart_basis},
            "switch_off": None if self.switch_off is None else asdict(self.switch_off),
            "folder": None if self.folder is None else asdict(self.folder),
            "settings": self.settings.to_json(),
        }


def build_comparison(session_a: Any, req: ComparisonRequest, region_HW: np.ndarray | None, edits_a: tuple[LatentEdit, ...],
                     recon_only: bool = False, labels_a: Mapping[int, str] | None = None) -> ComparisonFindings:
    """Measure B beside A on the image A has analysed, in the same region, and gather the findings."""
    from app.core.compare.counterparts import region_counterparts
    from app.core.compare.paired import compare_on_image, edits_for_b, ensure_same_image
    from app.core.compare.switch_off import switch_off_with_counterpart

    sb, st = req.session_b, req.settings
    ensure_same_image(session_a, sb)
    edits_b, left, why = edits_for_b(session_a, sb, tuple(edits_a), req.corr, st.min_r)
    po: PairedOutcome = compare_on_image(session_a, sb, region_HW, edits_a, edits_b, recon_only)
    rows_a: tuple[CounterpartRow, ...] = ()
    rows_b: tuple[CounterpartRow, ...] = ()
    so = None
    if req.corr is not None:
        rc = region_counterparts(session_a, sb, req.corr, region_HW, top=st.listed, min_r=st.min_r,
                                 user_labels_a=labels_a, user_labels_b=req.user_labels_b)
        rows_a, rows_b = tuple(CounterpartRow.of(x) for x in rc.a), tuple(CounterpartRow.of(x) for x in rc.b)
        if st.switch_off is not None:
            s = st.switch_off
            pair = switch_off_with_counterpart(session_a, sb, req.corr, region_HW, s.latent, s.side, s.controls, s.seed,
                                               st.min_r, labels_a, req.user_labels_b)
            so = SwitchOffFindings(pair.counterpart.text(), None if pair.a is None else EffectRow.of(pair.a),
                                   None if pair.b is None else EffectRow.of(pair.b), pair.same_direction, s.controls, s.seed)
    path_a = str(session_a.bundle.root)
    return ComparisonFindings(
        SideFindings.of(po.a, path_a), SideFindings.of(po.b, st.bundle_b.get("path", str(sb.bundle.root))), po.class_names,
        same_sae(session_a.bundle, sb.bundle), po.identical, po.verdicts_agree,
        None if po.map_difference_hw is None else np.asarray(po.map_difference_hw, np.float64),
        edit_text(left), why, rows_a, rows_b, None if req.corr is None else req.corr.summary(st.min_r), so,
        None if req.folder is None else FolderFindings.of(req.folder), st,
    )


Progress = Callable[[int, int], "bool | None"]


def replay_request(session_a: Any, settings: CompareSettings, bundle_b: str | None = None, backend: str = "auto",
                   device: str = "auto", progress: Progress | None = None,
                   on_notice: Callable[[str], None] | None = None) -> ComparisonRequest:
    """Open B as the settings name it (or ``bundle_b``), check its hash, and measure the heavy parts again
    (counterparts on the same parts, from the cache when they were measured before; the folder comparison)."""
    from app.core.compare.counterparts import correlate_on_images, default_cache
    from app.core.compare.folder import compare_folder
    from app.core.compare.parts import parts_of_images
    from app.core.session import InspectionSession

    where = bundle_b or settings.bundle_b.get("path", "")
    if not where:
        raise InspectorError("bad_session", "the session's comparison does not say where bundle B is; give it with --compare-bundle")
    sb = InspectionSession.open(where, backend=backend, device=device, on_notice=on_notice)  # type: ignore[arg-type]
    want = settings.bundle_b.get("hash")
    if want and sb.bundle.hash != want:
        raise InspectorError("bundle_changed", f"the bundle at {where} is not the session's bundle B: hash {sb.bundle.hash[:12]}… "
                                               f"but the session says {want[:12]}…; pass the right one with --compare-bundle")
    cache = default_cache()
    corr = None
    if settings.counterpart_images:
        corr = correlate_on_images(session_a, sb, settings.counterpart_images, cache=cache, progress=progress)
    folder = None
    if settings.folder is not None:
        fs = settings.folder
        folder = compare_folder(session_a, sb, parts_of_images(fs.images), evidence=fs.evidence, top=fs.top,
                                controls=fs.controls, seed=fs.seed, n_boot=fs.n_boot, min_r=settings.min_r, cache=cache,
                                progress=progress)
    return ComparisonRequest(sb, settings, corr, folder)
