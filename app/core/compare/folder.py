"""A folder of parts through two models: where their verdicts agree, and whether they reject for the same reasons.

Per part: both scores and verdicts, each at its bundle's own threshold. Per part type (good, each
defect type, or "unlabelled" for a folder without ground truth): how often both reject, both
accept, or only one does; each model's reject share and, with ground truth, its share of correct
verdicts; the paired change in reject share B − A. Every share and mean comes with a seeded 95 %
percentile-bootstrap interval over the parts (``app.core.causal_evidence.bootstrap_mean_ci``).

Reasons, for each defect type whose parts have ground-truth masks: both models' evidence across
the parts exactly as ``rank-folder`` measures it (each part's latents switched off in its
ground-truth region, against matched controls; ``app.core.causal_evidence``), and for each model's
leading latents their counterpart in the other SAE (``counterparts``, measured on the codes of the
same parts) and where that counterpart stands in the other model's evidence.

Each part is analysed once per bundle, on sibling sessions: the sessions passed in keep their
own open image.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.causal import rank_latents
from app.core.causal_evidence import (
    FolderEvidence,
    ImageEvidence,
    LatentEvidence,
    aggregate,
    bootstrap_mean_ci,
    image_evidence,
)
from app.core.compare.compatibility import check_comparable
from app.core.compare.counterparts import (
    MIN_R,
    CoactivationAccumulator,
    CorrelationCache,
    Counterpart,
    LatentCorrelation,
    Progress,
    Side,
    images_key,
    label_functions,
)
from app.core.compare.paired import BundleRef
from app.core.errors import InspectorError

GOOD = "good"
UNLABELLED = "unlabelled"  # a folder of ordinary images: no ground truth, verdict agreement only
REASON_ROWS = 10


@dataclass(frozen=True)
class PartInput:
    path: Path
    part_type: str  # GOOD, a defect type, or UNLABELLED
    mask_path: Path | None = None  # ground-truth region of a defect part

    @property
    def truth(self) -> bool | None:
        """Whether the part is defective (None: unknown)."""
        return None if self.part_type == UNLABELLED else self.part_type != GOOD


@dataclass(frozen=True)
class PartComparison:
    path: str
    sha256: str
    part_type: str
    truth: bool | None
    score_a: float
    score_b: float
    reject_a: bool  # at A's threshold
    reject_b: bool
    class_a: str  # the most probable class
    class_b: str

    @property
    def changed(self) -> bool:
        return self.reject_a != self.reject_b

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "type": self.part_type, "truth": self.truth,
                "score_a": self.score_a, "score_b": self.score_b, "reject_a": self.reject_a, "reject_b": self.reject_b,
                "class_a": self.class_a, "class_b": self.class_b, "changed": self.changed}


def _none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class Interval:
    """A mean over parts (a share when the values are 0/1) with its 95 % bootstrap interval."""

    mean: float
    ci_low: float
    ci_high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float], rng: np.random.Generator, n_boot: int) -> Interval:
        v = np.asarray(values, np.float64)
        lo, hi = bootstrap_mean_ci(v, rng, n_boot)
        return cls(float(v.mean()) if v.size else float("nan"), lo, hi, int(v.size))

    def to_json(self) -> dict[str, Any]:
        return {"mean": _none(self.mean), "ci95": [_none(self.ci_low), _none(self.ci_high)], "n": self.n}

    def text(self, pct: bool = True) -> str:
        if not math.isfinite(self.mean):
            return "n/a"
        if pct:
            return f"{self.mean:.0%} [{self.ci_low:.0%}, {self.ci_high:.0%}]"
        return f"{self.mean:+.3f} [{self.ci_low:+.3f}, {self.ci_high:+.3f}]"


@dataclass(frozen=True)
class TypeAgreement:
    part_type: str
    parts: int
    both_reject: int
    both_accept: int
    only_a: int  # A rejects, B accepts
    only_b: int
    agreement: Interval  # share of parts with the same verdict
    reject_a: Interval
    reject_b: Interval
    reject_change: Interval  # paired: mean of (B rejects) − (A rejects)
    delta_score: Interval  # mean of score B − score A
    correct_a: Interval | None  # share of right verdicts (defect rejected, good accepted); None without ground truth
    correct_b: Interval | None

    def to_json(self) -> dict[str, Any]:
        return {"type": self.part_type, "parts": self.parts, "both_reject": self.both_reject, "both_accept": self.both_accept,
                "only_a_rejects": self.only_a, "only_b_rejects": self.only_b, "changed": self.only_a + self.only_b,
                "agreement": self.agreement.to_json(), "reject_a": self.reject_a.to_json(), "reject_b": self.reject_b.to_json(),
                "reject_change": self.reject_change.to_json(), "delta_score": self.delta_score.to_json(),
                "correct_a": None if self.correct_a is None else self.correct_a.to_json(),
                "correct_b": None if self.correct_b is None else self.correct_b.to_json()}


def type_agreement(part_type: str, parts: Sequence[PartComparison], seed: int = 0, n_boot: int = 2000) -> TypeAgreement:
    """Verdict agreement over ``parts`` (all of one type, or any mix for an overall row)."""
    if not parts:
        raise InspectorError("no_images", f"no parts of type '{part_type}' to compare")
    ra = np.array([p.reject_a for p in parts], np.float64)
    rb = np.array([p.reject_b for p in parts], np.float64)

    def iv(values: np.ndarray, what: int) -> Interval:
        # one stream per type and statistic: adding a type or a statistic leaves the others' intervals
        return Interval.of(values, np.random.default_rng([int(seed), zlib.crc32(part_type.encode()), what]), n_boot)

    truth = [p.truth for p in parts]
    labelled = all(t is not None for t in truth)
    t = np.array([bool(x) for x in truth], np.float64)
    return TypeAgreement(
        part_type=part_type, parts=len(parts), both_reject=int(np.sum((ra == 1) & (rb == 1))),
        both_accept=int(np.sum((ra == 0) & (rb == 0))), only_a=int(np.sum((ra == 1) & (rb == 0))),
        only_b=int(np.sum((ra == 0) & (rb == 1))), agreement=iv((ra == rb).astype(np.float64), 0),
        reject_a=iv(ra, 1), reject_b=iv(rb, 2), reject_change=iv(rb - ra, 3),
        delta_score=iv(np.array([p.score_b - p.score_a for p in parts]), 4),
        correct_a=iv((ra == t).astype(np.float64), 5) if labelled else None,
        correct_b=iv((rb == t).astype(np.float64), 6) if labelled else None,
    )


@dataclass(frozen=True)
class ReasonRow:
    """One of a model's leading latents on a defect type, and its counterpart's standing in the other model."""

    side: Side
    evidence: LatentEvidence  # this model's evidence for it on the type's parts
    counterpart: Counterpart
    other_evidence: LatentEvidence | None  # the counterpart's evidence in the other model (None: no counterpart, or never ranked)
    other_position: int | None  # its place in the other model's list, 0 first

    def shared(self, rows: int = REASON_ROWS) -> bool:
        """The counterpart is among the other model's leading ``rows`` latents on the same parts."""
        return self.counterpart.matched and self.other_position is not None and self.other_position < rows

    def to_json(self, rows: int = REASON_ROWS) -> dict[str, Any]:
        return {"side": self.side, "evidence": self.evidence.to_json(), "counterpart": self.counterpart.to_json(),
                "counterpart_evidence": None if self.other_evidence is None else self.other_evidence.to_json(),
                "counterpart_position": self.other_position, "shared": self.shared(rows)}


@dataclass(frozen=True)
class TypeReasons:
    part_type: str
    a: FolderEvidence
    b: FolderEvidence
    rows_a: tuple[ReasonRow, ...]  # A's leading latents (rank-folder's order), each with B's counterpart
    rows_b: tuple[ReasonRow, ...]
    rows: int = REASON_ROWS

    def shared_share(self, side: Side) -> float:
        """Share of that model's leading latents whose counterpart also leads in the other model."""
        rows = self.rows_a if side == "A" else self.rows_b
        return float(np.mean([r.shared(self.rows) for r in rows])) if rows else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"type": self.part_type, "rows": self.rows,
                "shared_share": {"A": _none(self.shared_share("A")), "B": _none(self.shared_share("B"))},
                "a": [r.to_json(self.rows) for r in self.rows_a], "b": [r.to_json(self.rows) for r in self.rows_b],
                "evidence_a": self.a.to_json(), "evidence_b": self.b.to_json()}


def _reason_rows(side: Side, own: FolderEvidence, other: FolderEvidence, corr: LatentCorrelation, min_r: float,
                 labels: tuple[Callable[[int], str], Callable[[int], str]], rows: int) -> tuple[ReasonRow, ...]:
    place = {e.id: (k, e) for k, e in enumerate(other.latents)}
    out = []
    for ev in own.latents[:rows]:
        cp = corr.counterpart(ev.id, side, min_r, labels)
        k, oe = place.get(cp.other, (None, None)) if cp.matched else (None, None)
        out.append(ReasonRow(side, ev, cp, oe, k))
    return tuple(out)


@dataclass(frozen=True)
class FolderComparison:
    a: BundleRef
    b: BundleRef
    parts: tuple[PartComparison, ...]
    types: tuple[TypeAgreement, ...]  # good first, then defect types by name, then unlabelled
    overall: TypeAgreement
    reasons: tuple[TypeReasons, ...]  # defect types with ground-truth regions (none without evidence)
    correlation: LatentCorrelation  # counterpart statistics over the same parts' patches
    skipped: tuple[tuple[str, str], ...]  # (path, why) of parts that could not be read or ranked
    seed: int
    n_boot: int
    min_r: float
    top: int
    controls: int
    evidence: bool

    @property
    def changed(self) -> tuple[PartComparison, ...]:
        """Parts whose verdict differs between the models, most different scores first."""
        return tuple(sorted((p for p in self.parts if p.changed), key=lambda p: -abs(p.score_b - p.score_a)))

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(), "b": self.b.to_json(), "parts": len(self.parts),
            "overall": self.overall.to_json(), "types": [t.to_json() for t in self.types],
            "changed": [p.to_json() for p in self.changed], "per_part": [p.to_json() for p in self.parts],
            "reasons": [r.to_json() for r in self.reasons], "counterparts": self.correlation.summary(self.min_r),
            "skipped": [{"path": p, "why": w} for p, w in self.skipped],
            "seed": self.seed, "bootstrap": self.n_boot, "evidence": self.evidence,
            "top": self.top, "controls_per_kind": self.controls,
        }

    def to_markdown(self, changed_rows: int = 50) -> str:
        a, b = self.a, self.b
        lines = [
            f"# {a.name} {a.version} (A) vs {b.name} {b.version} (B)",
            "",
            f"A {a.hash[:12]}, threshold {a.threshold:.4f}; B {b.hash[:12]}, threshold {b.threshold:.4f}. "
            f"{len(self.parts)} parts; each verdict at its own bundle's threshold; 95% bootstrap intervals "
            f"({self.n_boot} resamples, seed {self.seed}).",
            "",
            "| parts | n | same verdict | both reject | both accept | only A rejects | only B rejects | A rejects | B rejects "
            "| B − A rejects | A correct | B correct |",
            "|---|---:|---|---:|---:|---:|---:|---|---|---|---|---|",
        ]
        for t in (*self.types, self.overall):
            lines.append(
                f"| {t.part_type} | {t.parts} | {t.agreement.text()} | {t.both_reject} | {t.both_accept} | {t.only_a} | "
                f"{t.only_b} | {t.reject_a.text()} | {t.reject_b.text()} | {t.reject_change.text(pct=False)} | "
                f"{t.correct_a.text() if t.correct_a else 'n/a'} | {t.correct_b.text() if t.correct_b else 'n/a'} |")
        changed = self.changed
        lines += ["", f"## Parts that changed verdict: {len(changed)}", ""]
        if changed:
            lines += ["| part | type | A score | B score | A | B |", "|---|---|---:|---:|---|---|"]
            for p in changed[:changed_rows]:
                lines.append(f"| {p.path} | {p.part_type} | {p.score_a:.4f} | {p.score_b:.4f} | "
                             f"{_verdict(p.reject_a)} | {_verdict(p.reject_b)} |")
            if len(changed) > changed_rows:
                lines.append(f"| … {len(changed) - changed_rows} more in the JSON | | | | | |")
        s = self.correlation.summary(self.min_r)["share_with_counterpart"]
        lines += ["", "## Counterparts", "",
                  f"Measured on {self.correlation.patches:,} patches of {self.correlation.images} parts: "
                  f"{_pct(s['A'])} of A's firing latents and {_pct(s['B'])} of B's have a counterpart at r ≥ {self.min_r:.2f}."]
        for r in self.reasons:
            lines += ["", f"## What carries the verdict on {r.part_type} parts: {len(r.a.images)} with ground truth", "",
                      f"Leading latents by rank-folder's evidence (switched off in the ground-truth region). "
                      f"{_pct(_none(r.shared_share('A')))} of A's leading {r.rows} have a counterpart among B's leading "
                      f"{r.rows}; {_pct(_none(r.shared_share('B')))} of B's among A's.", ""]
            lines += _reason_table(r.rows_a, "A", "B") + [""] + _reason_table(r.rows_b, "B", "A")
        return "\n".join(lines) + "\n"


def _verdict(reject: bool) -> str:
    return "defect" if reject else "ok"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _num(x: float) -> str:
    """A signed Δscore: tiny models' effects of 1e-5 stay visible instead of reading +0.0000."""
    return f"{x:+.4f}" if x == 0 or abs(x) >= 1e-3 else f"{x:+.1e}"


def _ev_text(e: LatentEvidence | None) -> str:
    if e is None or not math.isfinite(e.mean_delta):
        return "not ranked"
    return f"{_num(e.mean_delta)} [{_num(e.ci_low)}, {_num(e.ci_high)}]"


def _reason_table(rows: Sequence[ReasonRow], me: str, them: str) -> list[str]:
    out = [f"| {me}'s latent | mean Δscore off [95% CI] | beats p95 | counterpart in {them} | r | {them}'s place | "
           f"{them}'s mean Δscore [95% CI] |", "|---|---|---:|---|---:|---:|---|"]
    for r in rows:
        cp = r.counterpart
        other = f"#{cp.other} {cp.other_label}" if cp.matched else "none"
        out.append(f"| #{r.evidence.id} {r.evidence.label} | {_ev_text(r.evidence)} | {r.evidence.share_beats_p95:.0%} | "
                   f"{other} | {cp.r:.2f} | {'' if r.other_position is None else r.other_position + 1} | "
                   f"{_ev_text(r.other_evidence) if cp.matched else ''} |".replace("| nan |", "| n/a |"))
    return out


def _type_order(types: Sequence[str]) -> list[str]:
    return sorted(set(types), key=lambda t: (t != GOOD, t == UNLABELLED, t))


def compare_folder(
    session_a, session_b, parts: Sequence[PartInput], *, evidence: bool = True, top: int = 64,  # noqa: ANN001
    controls: int = 64, seed: int = 0, n_boot: int = 2000, min_r: float = MIN_R, reason_rows: int = REASON_ROWS,
    cache: CorrelationCache | None = None, progress: Progress | None = None, on_skip: Callable[[str, str], None] | None = None,
) -> FolderComparison:
    """Both models on every part (see the module text). ``evidence`` False skips the ranking (verdicts and
    counterparts only). An unreadable part or an empty ground-truth mask is skipped and listed, not an error;
    no readable part at all is. ``progress(done, total)`` returning False cancels."""
    from app.core.images import load_image, load_mask
    from app.core.session import InspectionSession

    check_comparable(session_a.bundle, session_b.bundle)
    if not parts:
        raise InspectorError("no_images", "there are no parts to compare")
    sib = {"A": InspectionSession(session_a.bundle, session_a.backend), "B": InspectionSession(session_b.bundle, session_b.backend)}
    acc = CoactivationAccumulator(session_a.width, session_b.width)
    classes = session_a.class_names
    results: list[PartComparison] = []
    hashes: list[str] = []
    ranked: dict[str, dict[Side, list[ImageEvidence]]] = {}
    skipped: list[tuple[str, str]] = []

    def skip(path: str, why: str) -> None:
        skipped.append((path, why))
        if on_skip is not None:
            on_skip(path, why)

    for k, part in enumerate(parts):
        if progress is not None and progress(k, len(parts)) is False:
            raise InspectorError("cancelled", "the folder comparison was cancelled")
        try:
            img = load_image(part.path)
        except InspectorError as exc:
            skip(str(part.path), exc.message)
            continue
        px = img.pixels_HWC
        out = {s: sib[s].analyze(px) for s in ("A", "B")}
        acc.add(out["A"].codes_PS, out["B"].codes_PS)
        hashes.append(img.sha256)
        ba, bb = out["A"].baseline, out["B"].baseline
        results.append(PartComparison(
            str(part.path), img.sha256, part.part_type, part.truth, ba.score, bb.score,
            ba.score >= session_a.bundle.manifest.threshold, bb.score >= session_b.bundle.manifest.threshold,
            classes[int(np.argmax(ba.class_probs))], classes[int(np.argmax(bb.class_probs))],
        ))
        if not (evidence and part.truth and part.mask_path is not None):
            continue
        try:
            mask = load_mask(part.mask_path, px.shape[:2])
            if not mask.any():
                raise InspectorError("mask_empty", "its ground-truth mask is empty")
            ranks = {s: rank_latents(sib[s], mask, top=top, controls=controls, seed=seed) for s in ("A", "B")}
        except InspectorError as exc:
            skip(str(part.path), f"no evidence: {exc.message}")
            continue
        per = ranked.setdefault(part.part_type, {"A": [], "B": []})
        for s in ("A", "B"):
            per[s].append(image_evidence(Path(part.path).name, ranks[s], out[s].codes_PS))  # type: ignore[index]
    if not results:
        raise InspectorError("no_images", f"none of the {len(parts)} parts could be read")
    corr = acc.result(session_a.bundle.hash, session_b.bundle.hash, images_key(hashes))
    if cache is not None:
        cache.save(corr)
    labels = label_functions(session_a, session_b)
    reasons = []
    for t in _type_order(list(ranked)):
        fe = {s: aggregate(t, ranked[t][s], _labels_of(labels[i], ranked[t][s]), seed=seed, n_boot=n_boot, top=top,  # type: ignore[index]
                           controls=controls) for i, s in enumerate(("A", "B"))}
        reasons.append(TypeReasons(t, fe["A"], fe["B"], _reason_rows("A", fe["A"], fe["B"], corr, min_r, labels, reason_rows),
                                   _reason_rows("B", fe["B"], fe["A"], corr, min_r, labels, reason_rows), reason_rows))
    types = tuple(type_agreement(t, [p for p in results if p.part_type == t], seed, n_boot)
                  for t in _type_order([p.part_type for p in results]))
    return FolderComparison(
        BundleRef.of(session_a), BundleRef.of(session_b), tuple(results), types,
        type_agreement("all parts", results, seed, n_boot), tuple(reasons), corr, tuple(skipped),
        int(seed), int(n_boot), float(min_r), int(top), int(controls), bool(evidence),
    )


def _labels_of(label: Callable[[int], str], images: Sequence[ImageEvidence]) -> dict[int, str]:
    return {i: label(i) for i in {j for e in images for j in e.deltas}}
