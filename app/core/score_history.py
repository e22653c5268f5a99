"""The score history of one image: one point per result shown, labelled with the edits of the
request that produced it (not with whatever the edits are when the result arrives)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.provenance import Provenance

HISTORY_CAP = 200


@dataclass(frozen=True)
class ScorePoint:
    request_id: int
    score: float
    what: str  # the edits that produced it, in the CLI's notation
    origin: Provenance | None = None


class ScoreHistory:
    def __init__(self, cap: int = HISTORY_CAP) -> None:
        self.cap = cap
        self.points: list[ScorePoint] = []

    def record(self, request_id: int, score: float, origin: Provenance) -> None:
        what = origin.describe()
        if self.points and self.points[-1].what == what and abs(self.points[-1].score - score) < 1e-9:
            return  # the same experiment again (e.g. a repaint): one point
        self.points.append(ScorePoint(request_id, float(score), what, origin))
        del self.points[: -self.cap]

    def clear(self) -> None:
        self.points.clear()
