"""Latent counterparts across two SAEs, by activation correlation over shared parts.

Both models read the same parts on the same patch grid, so each patch gives one code vector
per SAE. Latent i of A and latent j of B are compared by Pearson's r of their activations over
all those patches (silent patches included, as zeros):

    r_ij = (G_ij − s_i t_j / n) / sqrt((q_i − s_i² / n)(u_j − t_j² / n))

with G = Σ_p z^A_p z^B_p^T (co-activation), s, t the activation sums and q, u the sums of
squares. Codes are sparse (TopK: k of S per patch), so G is accumulated as a sparse product in
blocks of patches and only pairs that ever fire together are stored: 1,536 × 1,536 latents over
tens of thousands of patches cost a few seconds and a few MB. A pair that never fires together
has r ≤ 0 (−s_i t_j / n over positive norms), so a counterpart is always among the stored pairs.

A latent's counterpart is the latent of the other SAE with the largest r; below ``MIN_R`` it
has "no counterpart". A latent that never fires on the shared parts has none either (its r is
undefined). ``mutual`` says the match is best both ways.

Statistics are cached per (bundle A hash, bundle B hash, image set): ``CorrelationCache``.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.outputs import LatentSummary

MIN_R = 0.5  # below this correlation a latent has "no counterpart"
BLOCK_PATCHES = 8192  # patches per sparse product: bounds the memory of the pending codes
CACHE_SCHEMA = "sae-inspector-counterparts/1"
Side = Literal["A", "B"]
Progress = Callable[[int, int], "bool | None"]  # (done, total) -> False cancels


def _other(side: Side) -> Side:
    return "B" if side == "A" else "A"


class CoactivationAccumulator:
    """Streams both models' codes of the same patches into the sums the correlation needs."""

    def __init__(self, width_a: int, width_b: int) -> None:
        self.width_a, self.width_b = int(width_a), int(width_b)
        self.patches = 0
        self.images = 0
        self._sum_a, self._sq_a = np.zeros(width_a), np.zeros(width_a)
        self._sum_b, self._sq_b = np.zeros(width_b), np.zeros(width_b)
        self._cooc = sp.csr_matrix((width_a, width_b), dtype=np.float64)
        self._pending: list[tuple[sp.csr_matrix, sp.csr_matrix]] = []
        self._pending_rows = 0

    def add(self, codes_a_PS: np.ndarray, codes_b_PS: np.ndarray) -> None:
        """One image's codes [P, S_A] and [P, S_B] (row p of both is the same patch)."""
        a, b = np.asarray(codes_a_PS), np.asarray(codes_b_PS)
        if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[0] or a.shape[1] != self.width_a or b.shape[1] != self.width_b:
            raise InspectorError("bad_codes", f"codes of shapes {a.shape} and {b.shape} do not fit SAEs of "
                                              f"{self.width_a} and {self.width_b} latents on the same patches")
        za, zb = sp.csr_matrix(a), sp.csr_matrix(b)
        for z, total, squares in ((za, self._sum_a, self._sq_a), (zb, self._sum_b, self._sq_b)):
            v = z.data.astype(np.float64)  # float64 sums: tens of thousands of patches
            total += np.bincount(z.indices, v, minlength=total.size)
            squares += np.bincount(z.indices, v * v, minlength=squares.size)
        self.patches += a.shape[0]
        self.images += 1
        self._pending.append((za, zb))
        self._pending_rows += za.shape[0]
        if self._pending_rows >= BLOCK_PATCHES:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        za = sp.vstack([a for a, _ in self._pending], format="csr", dtype=np.float64)
        zb = sp.vstack([b for _, b in self._pending], format="csr", dtype=np.float64)
        self._cooc = (self._cooc + (za.T @ zb)).tocsr()
        self._pending, self._pending_rows = [], 0

    def result(self, hash_a: str = "", hash_b: str = "", images_key: str = "") -> LatentCorrelation:
        self._flush()
        return LatentCorrelation(self.patches, self.images, self._sum_a.copy(), self._sq_a.copy(), self._sum_b.copy(),
                                 self._sq_b.copy(), self._cooc.copy(), hash_a, hash_b, images_key)


@dataclass(frozen=True, eq=False)
class LatentCorrelation:
    """The sums behind every r between A's and B's latents over a set of patches, and the best matches."""

    patches: int
    images: int
    sum_a_S: np.ndarray  # [S_A] Σ_p z^A
    sumsq_a_S: np.ndarray  # [S_A] Σ_p (z^A)²
    sum_b_S: np.ndarray  # [S_B]
    sumsq_b_S: np.ndarray  # [S_B]
    cooc_AB: sp.csr_matrix  # [S_A, S_B] Σ_p z^A z^B, only pairs that fire together
    hash_a: str = ""  # bundle hashes and the image set key the sums were measured on (the cache's key)
    hash_b: str = ""
    images_key: str = ""

    @property
    def width_a(self) -> int:
        return int(self.sum_a_S.shape[0])

    @property
    def width_b(self) -> int:
        return int(self.sum_b_S.shape[0])

    def _var(self, side: Side) -> np.ndarray:
        s, q = (self.sum_a_S, self.sumsq_a_S) if side == "A" else (self.sum_b_S, self.sumsq_b_S)
        return np.maximum(q - s * s / max(self.patches, 1), 0.0)

    def fires(self, side: Side) -> np.ndarray:
        """[S] whether each latent of that side varies over the patches (fires on some, not all)."""
        v = self._var(side)
        return v > 1e-12 * np.maximum(1.0, (self.sumsq_a_S if side == "A" else self.sumsq_b_S))

    @cached_property
    def _r_csr(self) -> sp.csr_matrix:
        """r on the stored pairs (undefined pairs, with a silent latent, dropped)."""
        g = self.cooc_AB.tocoo()
        va, vb = self._var("A"), self._var("B")
        ok = self.fires("A")[g.row] & self.fires("B")[g.col]
        rows, cols, vals = g.row[ok], g.col[ok], g.data[ok]
        r = (vals - self.sum_a_S[rows] * self.sum_b_S[cols] / self.patches) / np.sqrt(va[rows] * vb[cols])
        return sp.csr_matrix((np.clip(r, -1.0, 1.0), (rows, cols)), shape=self.cooc_AB.shape)

    def r(self, latent_a: int, latent_b: int) -> float:
        """Pearson's r of A's latent and B's over the patches (NaN when either never fires)."""
        fa, fb = self.fires("A"), self.fires("B")
        if not (fa[latent_a] and fb[latent_b]):
            return float("nan")
        stored = self._r_csr[latent_a, latent_b]
        if stored != 0 or self.cooc_AB[latent_a, latent_b] != 0:
            return float(stored)
        va, vb = self._var("A")[latent_a], self._var("B")[latent_b]
        return float(-self.sum_a_S[latent_a] * self.sum_b_S[latent_b] / self.patches / math.sqrt(va * vb))

    @staticmethod
    def _best(r: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Per row of r: the column of its largest stored value and that value (-1 and NaN for an empty row)."""
        n = r.shape[0]
        best_id, best_r = np.full(n, -1, np.int64), np.full(n, np.nan)
        counts = np.diff(r.indptr)
        filled = counts > 0
        if filled.any():
            best_r[filled] = np.maximum.reduceat(r.data, r.indptr[:-1][filled])  # O(nnz), no sort
            rows = np.repeat(np.arange(n), counts)
            at_max = np.flatnonzero(r.data == best_r[rows])
            first_rows, first = np.unique(rows[at_max], return_index=True)  # the lowest column among ties
            best_id[first_rows] = r.indices[at_max[first]]
        return best_id, best_r

    @cached_property
    def best_for_a(self) -> tuple[np.ndarray, np.ndarray]:
        """([S_A] B's best latent for each of A's or -1, [S_A] its r or NaN)."""
        return self._best(self._r_csr)

    @cached_property
    def best_for_b(self) -> tuple[np.ndarray, np.ndarray]:
        return self._best(self._r_csr.T.tocsr())

    def best(self, side: Side) -> tuple[np.ndarray, np.ndarray]:
        return self.best_for_a if side == "A" else self.best_for_b

    def share_matched(self, side: Side, min_r: float = MIN_R) -> float:
        """Share of that side's firing latents whose best counterpart reaches ``min_r``."""
        fires = self.fires(side)
        _, r = self.best(side)
        return float(np.mean(np.nan_to_num(r[fires], nan=-1.0) >= min_r)) if fires.any() else float("nan")

    def counterpart(
        self, latent: int, side: Side = "A", min_r: float = MIN_R,
        labels: tuple[Callable[[int], str], Callable[[int], str]] | None = None,
    ) -> Counterpart:
        """``latent`` of ``side`` and its best counterpart in the other SAE; ``labels`` = (A's, B's) label functions."""
        width = self.width_a if side == "A" else self.width_b
        if not 0 <= int(latent) < width:
            raise InspectorError("latent_range", f"latent {latent} does not exist: {side}'s SAE has latents 0..{width - 1}")
        ids, rs = self.best(side)
        other_side = _other(side)
        other, r = int(ids[latent]), float(rs[latent])
        back_ids, _ = self.best(other_side)
        label_of = {"A": labels[0], "B": labels[1]} if labels else {"A": _plain, "B": _plain}
        return Counterpart(
            side=side, latent=int(latent), label=label_of[side](int(latent)), other=other,
            other_label=label_of[other_side](other) if other >= 0 else "", r=r, min_r=float(min_r),
            mutual=bool(other >= 0 and back_ids[other] == latent), fires=bool(self.fires(side)[latent]),
        )

    def transposed(self) -> LatentCorrelation:
        """The same sums with B as A (the cache holds one order of a pair)."""
        return LatentCorrelation(self.patches, self.images, self.sum_b_S, self.sumsq_b_S, self.sum_a_S, self.sumsq_a_S,
                                 self.cooc_AB.T.tocsr(), self.hash_b, self.hash_a, self.images_key)

    def summary(self, min_r: float = MIN_R) -> dict[str, Any]:
        return {"patches": self.patches, "images": self.images, "min_r": float(min_r),
                "firing": {"A": int(self.fires("A").sum()), "B": int(self.fires("B").sum())},
                "share_with_counterpart": {"A": _nan_none(self.share_matched("A", min_r)),
                                           "B": _nan_none(self.share_matched("B", min_r))},
                "pairs_firing_together": int(self.cooc_AB.nnz)}

    # --- storage ---------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        g = self.cooc_AB
        buf = io.BytesIO()
        np.savez(buf, schema=np.array(CACHE_SCHEMA), counts=np.array([self.patches, self.images], np.int64),
                 sum_a=self.sum_a_S, sumsq_a=self.sumsq_a_S, sum_b=self.sum_b_S, sumsq_b=self.sumsq_b_S,
                 data=g.data, indices=g.indices, indptr=g.indptr, shape=np.array(g.shape, np.int64),
                 keys=np.array([self.hash_a, self.hash_b, self.images_key]))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LatentCorrelation:
        """Read what ``to_bytes`` wrote; anything else is an ``InspectorError("bad_cache")``."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as f:
                if str(f["schema"]) != CACHE_SCHEMA:
                    raise ValueError(f"schema {f['schema']}")
                shape = tuple(int(v) for v in f["shape"])
                g = sp.csr_matrix((f["data"].astype(np.float64), f["indices"], f["indptr"]), shape=shape)
                g.check_format(full_check=True)
                patches, images = (int(v) for v in f["counts"])
                out = cls(patches, images, f["sum_a"].astype(np.float64), f["sumsq_a"].astype(np.float64),
                          f["sum_b"].astype(np.float64), f["sumsq_b"].astype(np.float64), g, *(str(k) for k in f["keys"]))
        except InspectorError:
            raise
        except Exception as exc:  # noqa: BLE001 - a truncated or foreign file: np.load and scipy raise many types
            raise InspectorError("bad_cache", f"not a counterpart cache file ({type(exc).__name__}: {exc})") from exc
        ok = (out.sum_a_S.shape == out.sumsq_a_S.shape == (shape[0],) and out.sum_b_S.shape == out.sumsq_b_S.shape == (shape[1],)
              and np.isfinite(g.data).all() and patches >= 0)
        if not ok:
            raise InspectorError("bad_cache", "a counterpart cache file whose arrays do not fit together")
        return out


def _plain(latent: int) -> str:
    return f"latent {latent}"


def _nan_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Counterpart:
    side: Side  # the model ``latent`` belongs to
    latent: int
    label: str
    other: int  # the best latent of the other model, -1 if none fires with it
    other_label: str
    r: float  # NaN when ``latent`` never fires on the shared parts, or nothing fires with it
    min_r: float
    mutual: bool  # ``latent`` is also ``other``'s best match
    fires: bool

    @property
    def matched(self) -> bool:
        return self.other >= 0 and math.isfinite(self.r) and self.r >= self.min_r

    def text(self) -> str:
        """"A's #984 thin-line ≈ B's #212 scratch (r = 0.81)", or why there is no counterpart."""
        me, them = f"{self.side}'s #{self.latent} {self.label}", _other(self.side)
        if self.matched:
            return f"{me} ≈ {them}'s #{self.other} {self.other_label} (r = {self.r:.2f})"
        if not self.fires:
            return f"{me}: never fires on the shared parts, so no counterpart in {them} can be measured"
        if not math.isfinite(self.r):
            return f"{me}: no counterpart in {them} (no latent of {them} fires with it)"
        return f"{me}: no counterpart in {them} (best r = {self.r:.2f} < {self.min_r:.2f})"

    def to_json(self) -> dict[str, Any]:
        return {"side": self.side, "latent": self.latent, "label": self.label,
                "other": self.other if self.other >= 0 else None, "other_label": self.other_label or None,
                "r": _nan_none(self.r), "min_r": self.min_r, "matched": self.matched, "mutual": self.mutual,
                "fires": self.fires, "text": self.text()}


def label_functions(session_a, session_b, user_labels_a: Mapping[int, str] | None = None,  # noqa: ANN001
                    user_labels_b: Mapping[int, str] | None = None) -> tuple[Callable[[int], str], Callable[[int], str]]:
    """(A's, B's) latent label functions from the sessions' dictionaries and the user's labels."""
    return (lambda i: session_a.label(i, user_labels_a)), (lambda i: session_b.label(i, user_labels_b))


# --- the region's latents and their counterparts ---------------------------------------


@dataclass(frozen=True)
class RegionLatent:
    """A latent listed in the region of one model, and its counterpart's activation in the same region."""

    summary: LatentSummary  # as ``InspectionSession.latents_in_mask`` lists it
    counterpart: Counterpart
    other_activation: float  # Σ_p m_p z_p of the counterpart in the other model's codes (0 without one)

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {"id": s.id, "label": s.label, "activation": s.activation, "excess": s.excess,
                "counterpart": self.counterpart.to_json(), "counterpart_activation": self.other_activation}


@dataclass(frozen=True)
class RegionCounterparts:
    a: tuple[RegionLatent, ...]  # A's listed latents, A's order
    b: tuple[RegionLatent, ...]
    min_r: float
    patches: int  # the shared patches the correlations were measured on
    images: int

    def to_json(self) -> dict[str, Any]:
        return {"a": [x.to_json() for x in self.a], "b": [x.to_json() for x in self.b], "min_r": self.min_r,
                "patches": self.patches, "images": self.images}


def region_counterparts(
    session_a, session_b, corr: LatentCorrelation, mask_HW: np.ndarray | None, top: int = 20,  # noqa: ANN001
    min_r: float = MIN_R, user_labels_a: Mapping[int, str] | None = None, user_labels_b: Mapping[int, str] | None = None,
) -> RegionCounterparts:
    """The latents each model lists in the region (``latents_in_mask``), each with its counterpart."""
    check_correlation_fits(session_a, session_b, corr)
    labels = label_functions(session_a, session_b, user_labels_a, user_labels_b)
    m_a, m_b = session_a.patch_weights(mask_HW), session_b.patch_weights(mask_HW)
    z = {"A": session_a.analysis.codes_PS, "B": session_b.analysis.codes_PS}
    m = {"A": m_a, "B": m_b}
    out: dict[Side, tuple[RegionLatent, ...]] = {}
    for side, s, users in (("A", session_a, user_labels_a), ("B", session_b, user_labels_b)):
        rows = []
        for summ in s.latents_in_mask(mask_HW, top=top, labels=users):
            cp = corr.counterpart(summ.id, side, min_r, labels)  # type: ignore[arg-type]
            other = _other(side)  # type: ignore[arg-type]
            act = float(m[other] @ z[other][:, cp.other]) if cp.other >= 0 else 0.0
            rows.append(RegionLatent(summ, cp, act))
        out[side] = tuple(rows)  # type: ignore[index]
    return RegionCounterparts(out["A"], out["B"], float(min_r), corr.patches, corr.images)


def check_correlation_fits(session_a, session_b, corr: LatentCorrelation) -> None:  # noqa: ANN001
    if (corr.width_a, corr.width_b) != (session_a.width, session_b.width):
        raise InspectorError("bad_codes", f"the correlations are for SAEs of {corr.width_a} and {corr.width_b} latents, "
                                          f"not these ({session_a.width} and {session_b.width})")
    if corr.hash_a and (corr.hash_a, corr.hash_b) != (session_a.bundle.hash, session_b.bundle.hash):
        raise InspectorError("bad_codes", "the correlations were measured on another pair of bundles")


def translate_edits(
    edits_a: Sequence[LatentEdit], corr: LatentCorrelation, min_r: float = MIN_R
) -> tuple[tuple[LatentEdit, ...], tuple[LatentEdit, ...]]:
    """A's edits carried to their counterparts in B (same op and value: off, a scale, or a value in units
    of the latent's own reference activation), and A's edits that have no counterpart (left out).
    Two of A's latents with the same counterpart: the first edit wins, the second is left out."""
    ids, rs = corr.best_for_a
    moved: list[LatentEdit] = []
    left: list[LatentEdit] = []
    taken: set[int] = set()
    for e in edits_a:
        j = int(ids[e.latent]) if 0 <= e.latent < corr.width_a else -1
        if j < 0 or not rs[e.latent] >= min_r or j in taken:
            left.append(e)
            continue
        taken.add(j)
        moved.append(LatentEdit(j, e.op, e.value))
    return tuple(moved), tuple(left)


# --- measuring on a set of parts, and the cache ----------------------------------------


def images_key(image_hashes: Iterable[str]) -> str:
    """One key for a set of parts (their files' SHA-256, in any order)."""
    h = hashlib.sha256(CACHE_SCHEMA.encode())
    for x in sorted(image_hashes):
        h.update(x.encode())
    return h.hexdigest()


class CorrelationCache:
    """Counterpart statistics on disk, one file per (bundle A, bundle B, image set); either order of a pair is found."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, hash_a: str, hash_b: str, key: str) -> Path:
        name = hashlib.sha256(f"{hash_a}|{hash_b}|{key}".encode()).hexdigest()[:40]
        return self.folder / f"{name}.npz"

    def load(self, hash_a: str, hash_b: str, key: str) -> LatentCorrelation | None:
        """The cached statistics of this pair and image set, or None (absent, unreadable or for something else)."""
        for ha, hb, flip in ((hash_a, hash_b, False), (hash_b, hash_a, True)):
            p = self._path(ha, hb, key)
            try:
                corr = LatentCorrelation.from_bytes(p.read_bytes())
            except (OSError, InspectorError):
                continue
            if (corr.hash_a, corr.hash_b, corr.images_key) == (ha, hb, key):
                return corr.transposed() if flip else corr
        return None

    def save(self, corr: LatentCorrelation) -> None:
        """Written atomically; a cache that cannot be written is no error (it is only a cache)."""
        from app.core.document import atomic_write_bytes

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self._path(corr.hash_a, corr.hash_b, corr.images_key), corr.to_bytes())
        except (OSError, InspectorError):
            pass


def correlate_on_images(
    session_a, session_b, images: Sequence[str | Path], cache: CorrelationCache | None = None,  # noqa: ANN001
    progress: Progress | None = None,
) -> LatentCorrelation:
    """Counterpart statistics of two bundles over the patches of ``images`` (each analysed once per bundle).

    The sessions' own analyses are left untouched (the open image stays analysed): the work runs
    on sibling sessions sharing their bundles and backends. Unreadable images are an error naming
    the file. ``progress(done, total)`` returning False cancels (``InspectorError("cancelled")``)."""
    from app.core.checksum import sha256_file
    from app.core.compare.compatibility import check_comparable
    from app.core.images import load_image
    from app.core.session import InspectionSession

    check_comparable(session_a.bundle, session_b.bundle)
    if not images:
        raise InspectorError("no_images", "counterparts need at least one shared part image")
    paths = [Path(p) for p in images]
    key = images_key(_file_hash(p, sha256_file) for p in paths)
    ha, hb = session_a.bundle.hash, session_b.bundle.hash
    if cache is not None and (hit := cache.load(ha, hb, key)) is not None:
        return hit
    sib_a = InspectionSession(session_a.bundle, session_a.backend)
    sib_b = InspectionSession(session_b.bundle, session_b.backend)
    acc = CoactivationAccumulator(session_a.width, session_b.width)
    for k, p in enumerate(paths):
        if progress is not None and progress(k, len(paths)) is False:
            raise InspectorError("cancelled", "the counterpart measurement was cancelled")
        img = load_image(p).pixels_HWC
        acc.add(sib_a.analyze(img).codes_PS, sib_b.analyze(img).codes_PS)
    corr = acc.result(ha, hb, key)
    if cache is not None:
        cache.save(corr)
    return corr


def _file_hash(p: Path, sha256_file: Callable[[Path], str]) -> str:
    try:
        return sha256_file(p)
    except OSError as exc:
        raise InspectorError("image_unreadable", f"cannot read {p.name}: {exc.strerror}", path=str(p)) from exc


def default_cache() -> CorrelationCache:
    """The counterpart cache in the app's data folder (``$SAE_INSPECTOR_DATA_DIR`` overrides it)."""
    from app.core.user_labels import user_data_dir

    return CorrelationCache(user_data_dir() / "counterparts")
