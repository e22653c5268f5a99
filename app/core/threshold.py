"""The defect threshold the user judges by: the bundle's default until changed, always in [0, 1].
It never changes a raw score, only the verdict drawn from it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Threshold:
    default: float = 0.5
    value: float = 0.5

    @classmethod
    def of_bundle(cls, default: float) -> Threshold:
        return cls(float(default), float(default))

    def set(self, t: float | None) -> float:
        """A new value (clipped to [0, 1]); None goes back to the default."""
        self.value = self.default if t is None or not np.isfinite(t) else float(np.clip(t, 0.0, 1.0))
        return self.value

    def saved(self) -> float | None:
        """What a session stores: None while it is the bundle's default."""
        return None if abs(self.value - self.default) < 1e-12 else self.value

    def is_defect(self, score: float) -> bool:
        return float(score) >= self.value
