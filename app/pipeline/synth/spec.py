"""Constants, configuration and the per-index sampling plan of the synthetic generator.

Everything an image is (class, surface kind, difficulty) is a pure function of
``(seed, split, index)``: no state is carried from one index to the next, so images can be
rendered in any order, in parallel, and resumed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

GENERATOR_VERSION = "synth-1.0"

DEFECT_TYPES: tuple[str, ...] = ("scratch", "crack", "dent", "stain", "hole", "particle")
SURFACE_KINDS: tuple[str, ...] = ("metal", "textile", "pcb", "cast")

#: Product lines: one model per product, as factories (and MVTec AD) organise inspection.
#: Each renders one surface kind with every defect type.
PRODUCTS: dict[str, tuple[str, ...]] = {
    "metal": ("metal",),  # a brushed / turned metal part
    "pcb": ("pcb",),  # a printed circuit board
    "textile": ("textile",),  # woven fabric
    "cast": ("cast",),  # a cast, rough surface
}

#: The held-out test split is always rendered with this seed, whatever the train seed.
TEST_SEED: int = 20261128
#: Default seed of the train split (distinct from TEST_SEED).
DEFAULT_TRAIN_SEED: int = 1234

SPLIT_IDS: dict[str, int] = {"train": 0, "test": 1, "val": 2}
SPLIT_PREFIX: dict[str, str] = {"train": "tr", "test": "te", "val": "va"}

#: Surface-element label values written to ``surface_masks`` (0 = none).
SURFACE_LEGEND: dict[int, str] = {
    0: "none",
    1: "solder_mask",
    2: "trace",
    3: "pad",
    4: "via",
    5: "silkscreen",
    6: "weave_warp",
    7: "weave_weft",
    8: "grain",
    9: "streak",
    10: "texture",
}
SURFACE_LABEL: dict[str, int] = {v: k for k, v in SURFACE_LEGEND.items()}

#: Contrast (in units of local noise sigma) drawn for each difficulty.
SUBTLE_CONTRAST = (1.15, 1.85)
NORMAL_CONTRAST = (2.5, 7.0)  # log-uniform


@dataclass(frozen=True)
class SynthConfig:
    """What to generate. ``seed`` is the train seed; the test split always uses ``TEST_SEED``."""

    image_size: int = 256
    n_train: int = 1000
    n_test: int = 200
    seed: int = DEFAULT_TRAIN_SEED
    good_fraction: float = 0.5
    subtle_fraction: float = 0.2
    surface_kinds: tuple = SURFACE_KINDS
    defect_types: tuple = DEFECT_TYPES
    product: str | None = None  # a product line (PRODUCTS); None: the surfaces listed above, mixed

    def __post_init__(self) -> None:
        if self.product is not None:
            if self.product not in PRODUCTS:
                from app.core.errors import InspectorError

                raise InspectorError("synth_bad_argument", f"unknown product {self.product!r}; choose one of {', '.join(PRODUCTS)}",
                                     name="product")
            object.__setattr__(self, "surface_kinds", PRODUCTS[self.product])

    def seed_for(self, split: str) -> int:
        return TEST_SEED if split == "test" else self.seed

    def count_for(self, split: str) -> int:
        return {"train": self.n_train, "test": self.n_test}.get(split, 0)

    def fingerprint(self) -> dict:
        return {
            "generator": GENERATOR_VERSION,
            "image_size": int(self.image_size),
            "seed": int(self.seed),
            "test_seed": TEST_SEED,
            "good_fraction": float(self.good_fraction),
            "subtle_fraction": float(self.subtle_fraction),
            "surface_kinds": list(self.surface_kinds),
            "defect_types": list(self.defect_types),
        } | ({"product": self.product} if self.product is not None else {})


@dataclass(frozen=True)
class Sample:
    """One rendered image with its ground truth."""

    image_HWC: np.ndarray  # uint8 RGB
    label: str  # "good" or a defect type
    mask_HW: np.ndarray  # bool, the pixels the defect altered
    surface_HW: np.ndarray  # uint8 surface-element label map (SURFACE_LEGEND)
    surface_kind: str
    difficulty: str  # "normal" | "subtle" | "none"
    contrast_sigma: float
    area_px: int
    extras: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Plan:
    label: str
    surface_kind: str
    difficulty: str


# Rationally independent irrationals -> jointly equidistributed Weyl sequences, so class,
# kind and difficulty shares are near-exact for any contiguous index range.
_ALPHAS = (math.sqrt(2.0) % 1.0, math.sqrt(3.0) % 1.0, math.sqrt(5.0) % 1.0, math.sqrt(7.0) % 1.0)


def split_id(split: str) -> int:
    try:
        return SPLIT_IDS[split]
    except KeyError:
        from app.core.errors import InspectorError

        raise InspectorError(
            "synth_bad_split", f"Unknown split {split!r}; use one of {sorted(SPLIT_IDS)}.", split=split
        ) from None


def _offsets(seed: int, split: str) -> np.ndarray:
    return np.random.default_rng([int(seed), split_id(split), 0x5EED]).random(4)


def plan_sample(seed: int, split: str, index: int, cfg: SynthConfig) -> Plan:
    """Cheap: which class / surface kind / difficulty image ``index`` will have."""
    off = _offsets(seed, split)
    u = [(index * a + o) % 1.0 for a, o in zip(_ALPHAS, off)]
    kinds = tuple(cfg.surface_kinds)
    kind = kinds[min(int(u[2] * len(kinds)), len(kinds) - 1)]
    if not cfg.defect_types or u[0] < cfg.good_fraction:
        return Plan("good", kind, "none")
    dts = tuple(cfg.defect_types)
    label = dts[min(int(u[1] * len(dts)), len(dts) - 1)]
    difficulty = "subtle" if u[3] < cfg.subtle_fraction else "normal"
    return Plan(label, kind, difficulty)


def streams(seed: int, split: str, index: int) -> list[np.random.Generator]:
    """Independent generators for scene / surface / defect / noise of one image."""
    ss = np.random.SeedSequence([int(seed), split_id(split), int(index)])
    return [np.random.default_rng(s) for s in ss.spawn(4)]
