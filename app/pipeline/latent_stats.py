"""Fast per-latent statistics over sparse SAE codes: AP, AUROC, frequency, quantiles, histograms.

SAE codes are sparse (a few % nonzero), so every latent's scores are "a few positive values,
then one big tie at zero". The ranking metrics below sort, per latent, only its nonzero
values and treat all of its zeros as *one* tied group of known size, with its per-class
counts obtained by subtraction. That is exactly what sklearn does with ties (one threshold
per distinct score), so ``ap_matrix`` equals ``sklearn.metrics.average_precision_score``
and ``auroc_matrix`` equals ``roc_auc_score`` column by column, up to float rounding.

Derivation (one latent, one class; distinct score groups g in descending order):
    tp_g, n_g   = positives / all rows with score >= the group's score (cumulative)
    AP          = sum_g (tp_g - tp_{g-1}) / P * tp_g / n_g          (sklearn's definition)
    AUROC       = sum_g pos_g * (neg_below_g + neg_g / 2) / (P * Neg)  (Mann-Whitney, ties = 1/2)
The zero group is just one more group (usually the last, with n_g = N and tp_g = P, so it adds
(P - tp_nonzero) / N * ... = its share times the base rate); nonzero values may be negative
(a JumpReLU with a negative threshold), so its place in the order is found by sorting, not assumed.

A class with no positive rows (or, for AUROC, no negative rows) gets NaN, where sklearn
warns and returns 0 (AP) or raises (AUROC).

``LatentStatsAccumulator`` streams chunks of codes (dense or sparse) and keeps only float64
counters, a running top-k and a bounded per-latent sample of positive values, so 1-2 M
tokens never need to be densified at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# Latents are processed in blocks of about this many nonzero entries (bounds the memory).
_BLOCK_ENTRIES = 4_000_000


# --- scalar reference-equivalent -------------------------------------------------------


def average_precision(scores_N: np.ndarray, positives_N: np.ndarray) -> float:
    """sklearn's ``average_precision_score`` for one score vector (NaN when there is no positive)."""
    s = np.asarray(scores_N, np.float64).reshape(-1)
    y = np.asarray(positives_N).reshape(-1).astype(bool)
    assert s.shape == y.shape, (s.shape, y.shape)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    ends = np.r_[np.nonzero(np.diff(s))[0], s.size - 1]  # last index of each distinct score
    tp = np.cumsum(y)[ends].astype(np.float64)
    n = (ends + 1).astype(np.float64)
    d_tp = np.diff(np.r_[0.0, tp])
    return float(np.sum(d_tp * (tp / n)) / n_pos)


# --- batched: all latents x all classes ------------------------------------------------


def _as_csc(codes_NS: np.ndarray | sp.spmatrix | sp.sparray) -> sp.csc_matrix:
    if sp.issparse(codes_NS):
        m = sp.csc_matrix(codes_NS, copy=True)
    else:
        a = np.asarray(codes_NS)
        assert a.ndim == 2, a.shape
        m = sp.csc_matrix(a)
    m.eliminate_zeros()
    m.sort_indices()
    return m


@dataclass(frozen=True)
class _ClassGroups:
    """Per (latent, class, distinct-score group) counts, for the groups holding a positive.

    Rows are sorted by latent, class, then score descending; ``tp``/``fp`` are cumulative
    (rows with a score >= the group's), ``pos``/``neg`` the group's own counts.
    """

    latent: np.ndarray  # [M] int64
    klass: np.ndarray  # [M] int64
    pos: np.ndarray  # [M] float64
    neg: np.ndarray  # [M] float64
    tp: np.ndarray  # [M] float64
    fp: np.ndarray  # [M] float64


def _expand(rows: np.ndarray, csr: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each entry's row of ``csr``: (entry index, column, value) of its nonzeros, in entry order."""
    st = csr.indptr[rows].astype(np.int64)
    nc = csr.indptr[rows + 1].astype(np.int64) - st
    e = np.repeat(np.arange(rows.size, dtype=np.int64), nc)
    first = np.repeat(np.cumsum(nc) - nc, nc)
    at = np.repeat(st, nc) + (np.arange(e.size, dtype=np.int64) - first)
    return e, csr.indices[at].astype(np.int64), csr.data[at]


def _segment_cumsum(x: np.ndarray, new_segment: np.ndarray) -> np.ndarray:
    """Cumulative sum of 1-D ``x``, restarting where ``new_segment`` is True."""
    c = np.cumsum(x)
    starts = np.nonzero(new_segment)[0]
    if starts.size == 0:
        return c
    offs = np.where(starts == 0, 0, c[starts - 1])
    return c - np.repeat(offs, np.diff(np.r_[starts, x.size]))


def descending_order(lat: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """Order of entries by latent, then value descending (ties in any order)."""
    v32 = vals.astype(np.float32)
    if np.array_equal(v32.astype(vals.dtype), vals):  # exact as float32: one int64 sort
        u = v32.view(np.uint32).astype(np.int64)
        asc = np.where(u >= 0x80000000, 0xFFFFFFFF - u, u + 0x80000000)  # order-preserving
        return np.argsort((lat.astype(np.int64) << 32) | (0xFFFFFFFF - asc))
    order = np.argsort(-vals.astype(np.float64), kind="stable")
    return order[np.argsort(lat[order], kind="stable")]


def _class_groups(
    codes_NS: np.ndarray | sp.spmatrix | sp.sparray, pos_NK: np.ndarray, valid_NK: np.ndarray | None
) -> tuple[Iterator[_ClassGroups], np.ndarray, np.ndarray]:
    """Iterator over blocks of latents, and the totals of positives and negatives per class [K].

    Each latent's nonzero entries are sorted by value; its zeros are one pseudo-entry (row
    ``N + latent`` of the class-count matrix) carrying the zero group's class counts.
    """
    csc = _as_csc(codes_NS)
    n, s = csc.shape
    pos_NK = np.asarray(pos_NK, bool)
    assert pos_NK.ndim == 2 and pos_NK.shape[0] == n, (pos_NK.shape, csc.shape)
    n_k = pos_NK.shape[1]
    assert n_k < 2**15, n_k
    with_neg = valid_NK is not None
    if with_neg:
        valid_NK = np.asarray(valid_NK, bool)
        assert valid_NK.shape == pos_NK.shape, (valid_NK.shape, pos_NK.shape)
        pos_NK = pos_NK & valid_NK
        cls_NC = np.concatenate([pos_NK, valid_NK & ~pos_NK], axis=1)  # [N, 2K]: positives, negatives
    else:
        cls_NC = pos_NK
    cls_csr = sp.csr_matrix(cls_NC.astype(np.float64))
    tot_C = cls_NC.sum(axis=0, dtype=np.int64)
    tot_pos = tot_C[:n_k]
    tot_neg = tot_C[n_k:] if with_neg else n - tot_pos
    # class counts among each latent's nonzero rows ([S, N] @ [N, C]); the zero group has the rest
    nz = sp.csr_matrix((np.ones(csc.nnz, np.float64), csc.indices, csc.indptr), shape=(s, n))
    zero_SC = tot_C[None, :] - np.rint((nz @ cls_csr).toarray()).astype(np.int64)
    counts = sp.vstack([cls_csr, sp.csr_matrix(zero_SC.astype(np.float64))], format="csr")
    indptr = csc.indptr.astype(np.int64)
    nnz_S = np.diff(indptr)
    zero_cnt = n - nnz_S

    def blocks() -> Iterator[_ClassGroups]:
        s0 = 0
        while s0 < s:
            s1 = int(np.searchsorted(indptr, indptr[s0] + _BLOCK_ENTRIES, side="right")) - 1
            s1 = min(s, max(s0 + 1, s1))
            a, b = int(indptr[s0]), int(indptr[s1])
            zl = np.arange(s0, s1)[zero_cnt[s0:s1] > 0]  # latents with a zero group
            vals = np.concatenate([csc.data[a:b], np.zeros(zl.size, csc.data.dtype)])
            lat = np.concatenate([np.repeat(np.arange(s0, s1, dtype=np.int64), nnz_S[s0:s1]), zl])
            rows = np.concatenate([csc.indices[a:b].astype(np.int64), n + zl])
            cnt = np.concatenate([np.ones(b - a, np.int64), zero_cnt[zl]])
            s0 = s1
            if vals.size == 0:
                continue
            order = descending_order(lat, vals)
            v, lt, rows, cnt = vals[order], lat[order], rows[order], cnt[order]
            new = np.ones(v.size, bool)
            new[1:] = (lt[1:] != lt[:-1]) | (v[1:] != v[:-1])
            gid = np.cumsum(new) - 1  # distinct-score group of each sorted entry
            gstart = np.nonzero(new)[0]
            glat = lt[gstart]
            cnt_g = np.add.reduceat(cnt, gstart)
            lat_new = np.ones(glat.size, bool)
            lat_new[1:] = glat[1:] != glat[:-1]
            n_end = _segment_cumsum(cnt_g, lat_new)  # rows scoring >= the group, per latent
            # (group, class, weight) pairs in score order; a stable sort by class keeps it
            e, c, w = _expand(rows, counts)
            if e.size == 0:
                continue
            pg = gid[e]
            k = (c % n_k).astype(np.int16)
            o = np.argsort(k, kind="stable")  # radix sort
            pg, k, c, w = pg[o], k[o].astype(np.int64), c[o], w[o]
            knew = np.ones(pg.size, bool)
            knew[1:] = (pg[1:] != pg[:-1]) | (k[1:] != k[:-1])
            ks = np.nonzero(knew)[0]
            ug, uk = pg[ks], k[ks]
            ul = glat[ug]
            is_pos = c < n_k
            pos_u = np.add.reduceat(np.where(is_pos, w, 0.0), ks)
            seg = np.ones(ug.size, bool)
            seg[1:] = (uk[1:] != uk[:-1]) | (ul[1:] != ul[:-1])
            tp = _segment_cumsum(pos_u, seg)
            if with_neg:
                neg_u = np.add.reduceat(np.where(is_pos, 0.0, w), ks)
                fp = _segment_cumsum(neg_u, seg)
            else:
                neg_u = cnt_g[ug] - pos_u
                fp = n_end[ug] - tp
            keep = pos_u > 0
            yield _ClassGroups(ul[keep], uk[keep], pos_u[keep], neg_u[keep], tp[keep], fp[keep])

    return blocks(), tot_pos, tot_neg


def ap_matrix(
    codes_NS: np.ndarray | sp.spmatrix | sp.sparray, onehot_NK: np.ndarray, valid_NK: np.ndarray | None = None
) -> np.ndarray:
    """[S, K] average precision of each latent's activation as a detector of each class's rows.

    ``onehot_NK`` (bool) marks each class's positive rows (classes may overlap); every other
    row is negative, or only the rows of ``valid_NK`` take part when given. NaN where a class
    has no positive row. Equals sklearn's ``average_precision_score(onehot[:, k], codes[:, s])``.
    """
    s = codes_NS.shape[1]
    n_k = np.asarray(onehot_NK).shape[1]
    num = np.zeros(s * n_k, np.float64)
    it, tot_pos, _ = _class_groups(codes_NS, onehot_NK, valid_NK)
    for g in it:
        num += np.bincount(g.latent * n_k + g.klass, weights=g.pos * (g.tp / (g.tp + g.fp)), minlength=s * n_k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot_pos > 0, num.reshape(s, n_k) / np.maximum(tot_pos, 1), np.nan)


def auroc_matrix(
    codes_NS: np.ndarray | sp.spmatrix | sp.sparray, onehot_NK: np.ndarray, valid_NK: np.ndarray | None = None
) -> np.ndarray:
    """[S, K] ROC AUC (Mann-Whitney, ties count 1/2) of each latent for each class's rows.

    Negatives are the other rows (or the other rows of ``valid_NK``). NaN where a class has no
    positive or no negative row. Equals sklearn's ``roc_auc_score(onehot[:, k], codes[:, s])``.
    """
    s = codes_NS.shape[1]
    n_k = np.asarray(onehot_NK).shape[1]
    u = np.zeros(s * n_k, np.float64)
    it, tot_pos, tot_neg = _class_groups(codes_NS, onehot_NK, valid_NK)
    for g in it:
        below = tot_neg[g.klass] - g.fp  # negatives strictly below the group
        u += np.bincount(g.latent * n_k + g.klass, weights=g.pos * (below + 0.5 * g.neg), minlength=s * n_k)
    denom = (tot_pos * tot_neg).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, u.reshape(s, n_k) / np.maximum(denom, 1.0), np.nan)


def first_per_latent(lat_sorted: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mask of the first ``k`` entries of each latent run, and each entry's rank in its run."""
    if lat_sorted.size == 0:
        return np.zeros(0, bool), np.zeros(0, np.int64)
    new = np.ones(lat_sorted.size, bool)
    new[1:] = lat_sorted[1:] != lat_sorted[:-1]
    starts = np.nonzero(new)[0]
    run_start = np.repeat(starts, np.diff(np.r_[starts, lat_sorted.size]))
    rank = np.arange(lat_sorted.size) - run_start
    return rank < k, rank


def strongest_images_share(
    codes_RS: np.ndarray | sp.spmatrix | sp.sparray, patches_per_image: int, patch_class_R: np.ndarray,
    n_classes: int, n_images: int = 50,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each latent fires hardest: ([S, C] shares, [S] image counts).

    Rows are image-major patch tokens (``patches_per_image`` per image). Per latent, each image
    is represented by its strongest patch; of the ``n_images`` images with the largest such
    maximum, the share whose strongest patch has each class of ``patch_class_R`` (ints in
    [0, C)). This is the "purity" of the latent's top exemplars, measured on held-out images: an
    AP label integrates over every threshold and is dominated by weak background firing, while
    an engineer reads a latent from its strongest patches. One image counts once, so a long
    scratch filling many top patches of one part cannot dominate. Ties between images: any order.
    """
    csc = _as_csc(codes_RS)
    s = csc.shape[1]
    lat = np.repeat(np.arange(s, dtype=np.int64), np.diff(csc.indptr))
    rows = csc.indices.astype(np.int64)
    keep = csc.data > 0
    lat, rows, vals = lat[keep], rows[keep], csc.data[keep]
    order = descending_order(lat, vals)
    lat, rows = lat[order], rows[order]
    img = rows // patches_per_image
    n_img = int(img.max()) + 1 if img.size else 1
    _, first = np.unique(lat * n_img + img, return_index=True)  # first = strongest patch of each (latent, image)
    first = np.sort(first)  # back to latent-major, strongest first
    lat, rows = lat[first], rows[first]
    top, _ = first_per_latent(lat, n_images)
    lat, rows = lat[top], rows[top]
    cls = np.asarray(patch_class_R, np.int64)[rows]
    counts = np.bincount(lat * n_classes + cls, minlength=s * n_classes).reshape(s, n_classes).astype(np.float64)
    n_S = counts.sum(axis=1)
    share = np.divide(counts, n_S[:, None], out=np.zeros_like(counts), where=n_S[:, None] > 0)
    return share, n_S.astype(np.int64)


# --- streaming descriptive statistics ----------------------------------------------------


@dataclass(frozen=True)
class LatentStats:
    n_tokens: int
    count: np.ndarray  # [S] int64 positive activations seen
    frequency: np.ndarray  # [S] count / n_tokens
    mean_act: np.ndarray  # [S] mean of positive activations (0 where none)
    p99: np.ndarray  # [S] 99th percentile of positive activations (0 where none)
    max_act: np.ndarray  # [S]
    hist: np.ndarray  # [S, B] int64 counts over [0, max_act] in B equal bins
    p99_exact: np.ndarray  # [S] bool: p99 and hist from every value, not from a sample


class LatentStatsAccumulator:
    """Streams chunks of codes [n, S]; keeps float64 counters and a bounded sample per latent.

    "Positive" means > 0 (an SAE's code of a latent that fires). p99 and the histogram are
    exact while a latent has at most ``sample_cap`` positive values; beyond that they come
    from a uniform random sample of ``sample_cap`` values (bottom-k of random keys, seeded),
    and the histogram is scaled to the true count.
    """

    def __init__(self, width: int, bins: int = 20, sample_cap: int = 20_000, seed: int = 0) -> None:
        self.width, self.bins, self.cap = width, bins, sample_cap
        self.n_tokens = 0
        self.count = np.zeros(width, np.int64)
        self.sum = np.zeros(width, np.float64)
        self.max = np.zeros(width, np.float64)
        self._vals: list[list[np.ndarray]] = [[] for _ in range(width)]
        self._keys: list[list[np.ndarray]] = [[] for _ in range(width)]
        self._held = np.zeros(width, np.int64)
        self._sampled = np.zeros(width, bool)
        self._rng = np.random.default_rng(seed)

    def update(self, codes_nS: np.ndarray | sp.spmatrix | sp.sparray) -> None:
        if sp.issparse(codes_nS):
            csc = sp.csc_matrix(codes_nS)
        else:
            a = np.asarray(codes_nS)
            csc = sp.csc_matrix(np.where(a > 0, a, 0).astype(np.float32))
        assert csc.shape[1] == self.width, (csc.shape, self.width)
        csc.data = np.where(csc.data > 0, csc.data, 0).astype(np.float32)
        csc.eliminate_zeros()
        self.n_tokens += csc.shape[0]
        cnt = np.diff(csc.indptr)
        if csc.nnz == 0:
            return
        self.count += cnt
        lat = np.repeat(np.arange(self.width), cnt)
        self.sum += np.bincount(lat, weights=csc.data.astype(np.float64), minlength=self.width)
        mx = np.zeros(self.width, np.float64)
        np.maximum.at(mx, lat, csc.data.astype(np.float64))
        self.max = np.maximum(self.max, mx)
        keys = self._rng.random(csc.nnz, dtype=np.float32)
        for s in np.nonzero(cnt)[0]:
            a, b = csc.indptr[s], csc.indptr[s + 1]
            self._vals[s].append(csc.data[a:b].copy())
            self._keys[s].append(keys[a:b])
            self._held[s] += b - a
            if self._held[s] > 2 * self.cap:
                self._compact(s)

    def _compact(self, s: int) -> None:
        v, k = np.concatenate(self._vals[s]), np.concatenate(self._keys[s])
        if v.size > self.cap:
            keep = np.argpartition(k, self.cap - 1)[: self.cap]
            v, k = v[keep], k[keep]
            self._sampled[s] = True
        self._vals[s], self._keys[s] = [v], [k]
        self._held[s] = v.size

    def finish(self) -> LatentStats:
        s_, b_ = self.width, self.bins
        p99 = np.zeros(s_, np.float64)
        hist = np.zeros((s_, b_), np.int64)
        for s in range(s_):
            if self._held[s] > self.cap:
                self._compact(s)
            if not self._vals[s]:
                continue
            v = np.concatenate(self._vals[s]).astype(np.float64)
            p99[s] = np.percentile(v, 99)
            h = histogram_counts(v, float(self.max[s]), b_)
            if self._sampled[s]:
                h = np.rint(h * (self.count[s] / v.size)).astype(np.int64)
            hist[s] = h
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(self.count > 0, self.sum / np.maximum(self.count, 1), 0.0)
        freq = self.count / max(self.n_tokens, 1)
        return LatentStats(self.n_tokens, self.count.copy(), freq, mean, p99, self.max.copy(), hist, ~self._sampled)


def histogram_counts(values: np.ndarray, vmax: float, bins: int) -> np.ndarray:
    """Counts of ``values`` in ``bins`` equal bins over [0, vmax] (the last bin closed)."""
    if values.size == 0 or vmax <= 0:
        return np.zeros(bins, np.int64)
    idx = np.clip((values / vmax * bins).astype(np.int64), 0, bins - 1)
    return np.bincount(idx, minlength=bins).astype(np.int64)
