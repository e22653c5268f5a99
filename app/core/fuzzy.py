"""Fuzzy search over latents by id and label (no Qt)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence


def _subsequence_re(q: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(c) for c in q))


def fuzzy_search(query: str, labels: Sequence[str], limit: int = 30) -> list[tuple[int, float]]:
    """Latent ids matching ``query`` with a score in 0..1, best first.

    A number matches the id exactly (1.0) or as a prefix; text matches the label as a word
    prefix (0.95), a substring (0.85), a subsequence (0.6), or a close spelling (difflib).
    """
    q = query.strip().lower().lstrip("#")
    if not q:
        return []
    n = len(labels)
    scores: dict[int, float] = {}
    if q.isdigit():
        i = int(q)
        if 0 <= i < n:
            scores[i] = 1.0
        for j in range(n):
            s = str(j)
            if j != i and s.startswith(q):
                scores[j] = max(scores.get(j, 0.0), 0.7 - 0.01 * (len(s) - len(q)))
    sub = _subsequence_re(q)
    words_q = q.split()
    vocab: dict[str, list[int]] = {}
    for j, lab in enumerate(labels):
        low = lab.lower()
        s = 0.0
        pos = low.find(q)
        if pos == 0 or (pos > 0 and not low[pos - 1].isalnum()):
            s = 0.95
        elif pos > 0:
            s = 0.85
        elif len(q) >= 2 and sub.search(low):
            s = 0.6
        if s:
            scores[j] = max(scores.get(j, 0.0), s)
        for w in re.findall(r"[a-z_\-]+", low):
            vocab.setdefault(w, []).append(j)
    # close spellings ("scrach" -> "scratch") over the label vocabulary
    for wq in words_q:
        if len(wq) < 3:
            continue
        for w in difflib.get_close_matches(wq, list(vocab), n=8, cutoff=0.7):
            r = difflib.SequenceMatcher(None, wq, w).ratio() * 0.55
            for j in vocab[w]:
                scores[j] = max(scores.get(j, 0.0), r)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[:limit]
