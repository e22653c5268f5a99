"""Find latents by id or label, best match first (rapidfuzz).

A number (``12`` or ``#12``) puts that latent first and latents whose id starts with it after;
text is matched against every label with rapidfuzz's weighted ratio (whole words, partial
matches and typos alike: "scrach" finds "scratch"), highest score first, ties by id.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

TEXT_CUTOFF = 60.0  # rapidfuzz score (0..100) below which a label is not listed


def search_latents(query: str, labels: Sequence[str], limit: int = 30) -> list[tuple[int, float]]:
    """(latent id, score 0..1), best first, at most ``limit``."""
    q = query.strip().lstrip("#").strip()
    if not q:
        return []
    scores: dict[int, float] = {}
    if q.isdigit():
        for j in range(len(labels)):
            s = str(j)
            if s == q:
                scores[j] = 1.0
            elif s.startswith(q):
                scores[j] = 0.99 - 0.001 * (len(s) - len(q))
    for _label, score, j in process.extract(q, labels, scorer=fuzz.WRatio, processor=utils.default_process,
                                             limit=None, score_cutoff=TEXT_CUTOFF):
        scores[j] = max(scores.get(j, 0.0), 0.98 * score / 100.0)  # an exact id match stays first
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
