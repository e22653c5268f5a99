"""The dictionary browser's rows: per-latent frequency, best association, purity, histogram."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.dictionary import format_shares


@dataclass(frozen=True)
class DictionaryRow:
    latent: int
    auto_label: str
    frequency: float
    best_ap: float
    best_class: str
    strongest: str = ""  # "scratch 48%, crack 38%": where it fires hardest on held-out parts
    top_defect_share: float = 0.0  # the largest share of those parts in one defect type (purity)


def dictionary_rows(dictionary) -> list[DictionaryRow]:  # noqa: ANN001 - FeatureDictionary
    """One row per latent: frequency, best association AP and its region class."""
    ap = np.nan_to_num(np.asarray(dictionary.assoc_ap, np.float64), nan=0.0)
    if ap.ndim == 2 and ap.shape[1] > 0:
        best = ap.argmax(axis=1)
        best_ap = ap[np.arange(ap.shape[0]), best]
    else:
        best, best_ap = np.zeros(dictionary.width, int), np.zeros(dictionary.width)
    rc = dictionary.region_classes
    share = getattr(dictionary, "top_share", None)
    parts = getattr(dictionary, "top_share_images", None)
    if share is not None and parts is not None and share.ndim == 2 and share.shape[1] > 1:
        full = int(parts.max(initial=0))
        # a latent seen on only a few parts would top a purity sort by chance: only full counts sort
        purity = np.where(parts >= full, share[:, 1:].max(axis=1), 0.0)
    else:
        purity = np.zeros(dictionary.width)

    def strongest(i: int) -> str:  # "scratch 48%, crack 38% (50 parts)"
        listed = dictionary.strongest_on(i) if share is not None else []
        if not listed:
            return ""
        return format_shares(listed) + f" ({dictionary.strongest_parts(i)} parts)"

    return [
        DictionaryRow(i, dictionary.labels[i], float(dictionary.frequency[i]), float(best_ap[i]), rc[best[i]] if rc else "",
                      strongest=strongest(i), top_defect_share=float(purity[i]))
        for i in range(dictionary.width)
    ]


def histogram_bins(dictionary, latent: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """(bin centres, counts) of the latent's positive activations."""
    counts = np.asarray(dictionary.hist[latent], np.float64)
    edges = np.linspace(0.0, float(dictionary.max_act[latent]) or 1.0, counts.shape[0] + 1)
    return (edges[:-1] + edges[1:]) / 2, counts
