"""The levers tried while designing the product presets, with what each measured.

These runs were made once, by hand, on the metal line's data (8,000 training and 1,000 held-out
test images, `synth --product metal`) with `bench/vit_levers.py`; the model card of every product
bundle quotes them in its training section so that a reader sees why the recipe is what it is.
They are a record of measurements, not figures this build computes: the build's own figures are
in the rest of the card.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lever:
    change: str  # what differed from the row above it
    result: str  # what it measured on the held-out test split
    kept: bool  # whether the shipped preset uses it


LEVERS: tuple[Lever, ...] = (
    Lever("one model for four surfaces (metal, textile, PCB, cast), 256 px, hooked layer 3, 190k samples, "
          "class head (mixed bundle 1.3.0)",
          "image AUROC 0.795 on its 2,000-image mixed test split; one generic latent for every type", False),
    Lever("one product line per model (metal); 224 px; the verdict read from the patch evidence "
          "(`score_head = patch_max`); 130k samples of which 100k are 8×8-patch crops with position-embedding sub-grids "
          "(a crop costs about a third of a full image); 19 min on an idle 2-core CPU (`--name m1`)",
          "image AUROC 0.920, patch AUROC 0.925; per type crack 0.95, dent 0.94, hole 0.87, particle 0.90, scratch 0.91, "
          "stain 0.93; class accuracy hole 0.35, particle 0.26; 98% of rejected parts' maps peak in the defect", True),
    Lever("native 256 px input instead of 224, hooked layer 4 (`--name m2 --set img_size=256 --set hooked_layer=4`)",
          "image AUROC 0.918 (no gain for 30% more compute per sample)", False),
    Lever("choice of the hooked layer: a linear type probe on each block's patch tokens of the m1 model",
          "mean probe AP by block 0–5: 0.18, 0.26, 0.32, 0.36, 0.38, 0.39 (hole and particle ≤ 0.1 at every block); "
          "block 4 keeps one block for the suffix to act on", True),
    Lever("deep supervision: the type probe trained with the ViT at the hooked layer, and the type and probe losses "
          "weighted ×2; 170k samples, 130k of them crops (the shipped recipe)",
          "image AUROC 0.911 (metal bundle 2.0.0); class accuracy hole 0.32, particle 0.29: the extra weight did not "
          "separate the two small round types", True),
    Lever("the same recipe on the PCB line",
          "validation image AUROC 0.51, 0.53, 0.56, 0.56, 0.54 at 20k–100k samples, training loss 4.1 → 3.9: tiny "
          "defects on a busy circuit pattern are not learned from scratch within the hour; the build was stopped and "
          "the textile line ships instead", False),
)


def levers_markdown() -> str:
    """The levers as a table for the model card's training section."""
    rows = ["| change | measured (held-out test split) | in the shipped recipe |", "|---|---|---|"]
    rows += [f"| {lv.change} | {lv.result} | {'yes' if lv.kept else 'no'} |" for lv in LEVERS]
    return "\n".join(rows)
