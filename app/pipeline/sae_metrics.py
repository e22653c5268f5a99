"""SAE quality metrics. One module; float64 accumulators; each formula in its docstring.

Definitions (LESSONS.md lists how others got them wrong):
- FVU = sum ||x - x_hat||^2 / sum ||x - mean_d(x)||^2, with the mean taken per dimension
  over the evaluated tokens. Explained variance = 1 - FVU.
- L0 = mean over tokens of the number of nonzero codes.
- dead fraction = share of latents that never fire on the held-out tokens.
- dense fraction = share of latents firing on more than 10% of held-out tokens.
- mean cosine = mean over tokens of cos(x, x_hat), along the feature axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DENSE_FREQ = 0.10


@dataclass
class SAEMetricAccumulator:
    """Streams chunks of (x, x_hat, z); all sums in float64."""

    d: int
    s: int
    n: int = 0
    sse: float = 0.0
    sum_x: np.ndarray | None = None
    sum_x2: np.ndarray | None = None
    l0_sum: float = 0.0
    cos_sum: float = 0.0
    fire_count: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.sum_x = np.zeros(self.d, np.float64)
        self.sum_x2 = np.zeros(self.d, np.float64)
        self.fire_count = np.zeros(self.s, np.int64)

    def add(self, x_ND: np.ndarray, xhat_ND: np.ndarray, z_NS: np.ndarray) -> None:
        x, xh = x_ND.astype(np.float64), xhat_ND.astype(np.float64)
        self.n += x.shape[0]
        self.sse += float(((x - xh) ** 2).sum())
        self.sum_x += x.sum(0)
        self.sum_x2 += (x**2).sum(0)
        nz = z_NS > 0
        self.l0_sum += float(nz.sum())
        self.fire_count += nz.sum(0)
        num = (x * xh).sum(1)
        den = np.linalg.norm(x, axis=1) * np.linalg.norm(xh, axis=1)
        self.cos_sum += float(np.where(den > 0, num / np.maximum(den, 1e-30), 0.0).sum())

    def result(self) -> dict[str, float]:
        assert self.n > 0
        # SSE of predicting the per-dimension mean: sum_d (sum x^2 - n * mean^2)
        sst = float((self.sum_x2 - self.sum_x**2 / self.n).sum())
        fvu = self.sse / sst if sst > 0 else float("nan")
        freq = self.fire_count / self.n
        return {
            "fvu": fvu,
            "explained_variance": 1.0 - fvu,
            "l0": self.l0_sum / self.n,
            "dead_fraction": float((self.fire_count == 0).mean()),
            "dense_fraction": float((freq > DENSE_FREQ).mean()),
            "mean_cosine": self.cos_sum / self.n,
            "tokens": float(self.n),
        }


def fvu(x_ND: np.ndarray, xhat_ND: np.ndarray) -> float:
    """FVU of one array pair (see module docstring)."""
    acc = SAEMetricAccumulator(x_ND.shape[1], 1)
    acc.add(x_ND, xhat_ND, np.zeros((x_ND.shape[0], 1)))
    return acc.result()["fvu"]
