"""Bounds on the numbers a user types, checked before anything is allocated.

``check_args`` runs in the CLI entry on every subcommand's parsed options, by name, so
``--controls 100000000`` or ``--points 1e9`` is one clear line, not a 400 GB request. Within
the bounds, ranking and dose-response build their edited token copies in chunks
(``app.core.causal.VARIANT_CHUNK``), so their memory does not grow with the counts.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from app.core.errors import InspectorError

#: option dest -> (lowest, highest): integers
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "top": (1, 4096),
    "controls": (0, 1024),
    "points": (1, 1001),
    "dose_points": (1, 1001),
    "bootstrap": (1, 100_000),
    "limit": (1, 10_000_000),
    "set_size": (1, 256),
    "control_draws": (1, 256),
    "seed": (0, 2**63 - 1),
    "latent": (0, 2**31 - 1),
    "dose": (0, 2**31 - 1),
    "batch": (1, 65536),  # images (evaluate) or tokens per step (train-sae)
    "workers": (0, 64),
    "train_images": (0, 10_000_000),
    "val_images": (0, 10_000_000),
    "test_images": (0, 10_000_000),
    "hooked_layer": (0, 64),
}
#: option dest -> (lowest, highest, lowest excluded): finite floats
FLOAT_BOUNDS: dict[str, tuple[float, float, bool]] = {
    "threshold": (0.0, 1.0, False),
    "val_fraction": (0.0, 1.0, False),
    "strength_range": (0.0, 1000.0, True),
    "dose_range": (0.0, 1000.0, True),
}
MAX_EDITS = 1024
_FLAGS = {"strength_range": "--range"}  # options whose name is not their dest


def _flag(dest: str) -> str:
    return _FLAGS.get(dest, "--" + dest.replace("_", "-"))


def check_args(args: argparse.Namespace) -> None:
    """Every bounded option the command has, by its name; ``None`` (not given) passes."""
    values = vars(args)
    for dest, (lo, hi) in INT_BOUNDS.items():
        v = values.get(dest)
        if v is not None and not (isinstance(v, int) and lo <= v <= hi):
            raise InspectorError("bad_argument", f"{_flag(dest)} must be an integer from {lo:,} to {hi:,}, got {_short(v)}",
                                 option=_flag(dest))
    for dest, (lo, hi, open_lo) in FLOAT_BOUNDS.items():
        v = values.get(dest)
        if v is None:
            continue
        ok = isinstance(v, (int, float)) and math.isfinite(v) and (lo < v if open_lo else lo <= v) and v <= hi
        if not ok:
            span = f"({lo:g}, {hi:g}]" if open_lo else f"[{lo:g}, {hi:g}]"
            raise InspectorError("bad_argument", f"{_flag(dest)} must be a number in {span}, got {_short(v)}", option=_flag(dest))
    edits = values.get("edit")
    if edits is not None and len(edits) > MAX_EDITS:
        raise InspectorError("bad_argument", f"at most {MAX_EDITS} --edit options, got {len(edits)}", option="--edit")


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 24 else text[:21] + "..."
