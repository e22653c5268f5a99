"""Seeded, deterministic synthetic industrial-inspection images in the MVTec AD layout.

    from app.pipeline.synth import SynthConfig, render_sample, render_pool, generate_dataset

Image ``index`` of a split is a pure function of ``(seed, split, index, cfg)``; the test
split always uses ``TEST_SEED``. See DIFFICULTY.md for how defect difficulty is measured.
"""

from .preview import write_preview
from .render import render_pool, render_sample
from .spec import (
    DEFAULT_TRAIN_SEED,
    DEFECT_TYPES,
    GENERATOR_VERSION,
    PRODUCTS,
    SURFACE_KINDS,
    SURFACE_LEGEND,
    TEST_SEED,
    Sample,
    SynthConfig,
    plan_sample,
)
from .writer import generate_dataset

__all__ = [
    "DEFAULT_TRAIN_SEED",
    "DEFECT_TYPES",
    "GENERATOR_VERSION",
    "PRODUCTS",
    "SURFACE_KINDS",
    "SURFACE_LEGEND",
    "TEST_SEED",
    "Sample",
    "SynthConfig",
    "generate_dataset",
    "plan_sample",
    "render_pool",
    "render_sample",
    "write_preview",
]
