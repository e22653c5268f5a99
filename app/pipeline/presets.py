"""Bundle-building presets: everything a build does is fixed by counts and seeds, not time."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.pipeline.synth import SynthConfig
from app.pipeline.train_sae import SAETrainConfig
from app.pipeline.train_vit import TrainConfig


@dataclass(frozen=True)
class BuildPreset:
    name: str
    version: str
    synth: SynthConfig
    train: TrainConfig
    sae: SAETrainConfig
    record_train: int = 6000  # images whose tokens train the SAEs (>= 5,000: ~1.2M tokens)
    record_val: int = 1000
    record_test: int = 0  # 0 = every test image
    fidelity_images: int = 600  # test images for downstream fidelity
    causal_images_per_type: int = 0  # 0 = all held-out images of each type
    causal_latents: int = 5
    samples_per_type: int = 2
    max_fvu: float = 0.05
    max_dead: float = 0.10
    # the threshold: validation F1-max, raised where it would reject more than this share of good validation parts
    max_good_reject: float | None = None
    seed: int = 0
    notes: dict[str, str] = field(default_factory=dict)


def _product(name: str, notes: dict[str, str]) -> BuildPreset:
    """One product line of the synthetic generator, rebuilt from nothing within an hour on the 2-core CPU.

    The ViT's verdict is the defect map's peak (``score_head="patch_max"``), so a rejected part's map
    always reaches the threshold where the evidence is. Levers measured on the metal line (test split,
    8,000 training images; ``runs/exp`` scripts, see the model card's training section):
    one product per model (mixed-surface bundle 1.3.0: image AUROC 0.795 after 190k samples) -> 0.919
    after 130k samples, 100k of them 8×8-patch crops (a third of a full image's cost each);
    the native 256 px input and the hooked layer after block 4 instead of 3 -> see the card.
    """
    return BuildPreset(
        name=name,
        version="2.0.0",
        synth=SynthConfig(image_size=256, n_train=8_000, n_test=1_000, product=name),
        train=TrainConfig(img_size=224, score_head="patch_max", hooked_layer=4, total_samples=170_000, crop_patches=8,
                          crop_samples=130_000, warmup_samples=5_000, lr=8e-4, eval_every_samples=20_000, eval_images=400,
                          probe_min_cover=0.02, hooked_probe_weight=2.0, type_loss_weight=2.0),
        # one pass trains plain and Matryoshka TopK at k 16 and 32, 4×D latents (one product's six defect types need far
        # fewer than a mixed-surface model, and three bundles must fit model_store/'s 100 MB); a fifth of each batch from
        # defect patches
        sae=SAETrainConfig(ks=(16, 32), expansions=(4,), objectives=("plain", "matryoshka"), epochs=3.0, batch_tokens=1024,
                           dead_window_frac=0.04, dead_window_min=20_000, focus_share=0.2),
        record_train=3_000, record_val=500, record_test=0, fidelity_images=300, causal_images_per_type=25,
        samples_per_type=2, max_good_reject=0.05, notes=notes,
    )


#: The product lines that have a bundle in model_store/ (one model per product, as MVTec AD is organised).
PRODUCT_PRESETS = ("metal", "textile", "pcb")

PRESETS: dict[str, BuildPreset] = {
    "metal": _product("metal", {"product": "a brushed or turned metal part"}),
    "textile": _product("textile", {"product": "a woven textile web"}),
    "pcb": _product("pcb", {"product": "a printed circuit board"}),
    # under 2 h on the 2-core CPU in all; the ViT alone ~40 min on an idle machine (bf16 autocast, AVX512-BF16).
    # the mixed-surface model of every surface kind (built as preset `default` before the product bundles)
    "mixed": BuildPreset(
        name="mixed",
        version="1.3.0",
        synth=SynthConfig(image_size=256, n_train=24_000, n_test=2_000),
        # then 40k defect-heavy samples (75% defective, probe weight 2): the types, not "ok", were what the
        # 150k-sample ViT lacked (class accuracy 0.02-0.24 per type, with most errors "ok")
        train=TrainConfig(total_samples=150_000, eval_every_samples=25_000, lr=6e-4, warmup_samples=16_000,
                          refine_samples=40_000, refine_defect_fraction=0.75, refine_probe_weight=2.0),
        # 4 epochs and a dead window of ~4% of the tokens: at 2 epochs and 12.5%, every grid member but
        # one kept >10% dead latents (k16 w1536: 29%), mostly the rare ones defect types need.
        # a fifth of every batch from defect patches: at the same steps, defect-patch FVU on test fell 21-38% on
        # every grid member (all-token FVU about unchanged), and the best scratch latent's AP rose 0.100 -> 0.119
        sae=SAETrainConfig(epochs=4.0, batch_tokens=1024, dead_window_frac=0.04, dead_window_min=20_000, focus_share=0.2),
    ),
    # a user's own ViT (`import-timm`, then `--vit`) on its own folder: within about an hour on the 2-core CPU
    # for a ViT-S/16 at 224 px and a folder of 2,000 training and 500 test images (bench/standard_preset.py: 42 CPU
    # minutes, scaled from a 5% run; docs/FACTORY_GUIDE.md has the table): fewer recorded tokens (2,000 images,
    # ~390k tokens) and one SAE (TopK k 32, 8x width) instead of a grid. Without --vit it trains the app's own ViT (hours).
    "standard": BuildPreset(
        name="standard",
        version="1.0.0",
        synth=SynthConfig(image_size=256, n_train=2_000, n_test=500),
        train=TrainConfig(),
        sae=SAETrainConfig(ks=(32,), expansions=(8,), objectives=("plain",), epochs=3.0, batch_tokens=1024,
                           dead_window_frac=0.04, dead_window_min=20_000, focus_share=0.2),
        record_train=2_000, record_val=300, record_test=500, fidelity_images=150, causal_images_per_type=20,
    ),
    # seconds: the product path (patch_max ViT with crops, samples, product targets) for tests
    "tiny_product": BuildPreset(
        name="tiny_product",
        version="0.0.1",
        synth=SynthConfig(image_size=64, n_train=80, n_test=40, product="metal"),
        train=TrainConfig(img_size=32, patch_size=8, embed_dim=32, depth=3, num_heads=2, stem="patch", stem_channels=(),
                          hooked_layer=1, batch_size=16, total_samples=160, warmup_samples=32, eval_every_samples=80,
                          eval_images=16, bf16=False, score_head="patch_max", crop_patches=2, crop_samples=96,
                          probe_min_cover=0.02),
        sae=SAETrainConfig(ks=(4,), expansions=(2,), objectives=("plain", "matryoshka"), epochs=1.0, batch_tokens=256,
                           dead_window_min=500, focus_share=0.25),
        record_train=40, record_val=8, fidelity_images=20, causal_images_per_type=3, causal_latents=2,
        samples_per_type=1, max_fvu=1.0, max_dead=1.0, max_good_reject=0.05,
    ),
    # seconds: for tests of the whole path
    "tiny": BuildPreset(
        name="tiny",
        version="0.0.1",
        synth=SynthConfig(image_size=64, n_train=80, n_test=40),
        train=TrainConfig(img_size=32, patch_size=8, embed_dim=32, depth=3, num_heads=2, stem="patch", stem_channels=(),
                          hooked_layer=1, batch_size=16, total_samples=160, warmup_samples=32, eval_every_samples=80, refine_samples=32,
                          eval_images=16, bf16=False),
        sae=SAETrainConfig(ks=(4, 8), expansions=(2,), epochs=1.0, batch_tokens=256, dead_window_min=500, focus_share=0.25),
        record_train=40, record_val=8, fidelity_images=20, causal_images_per_type=3, causal_latents=2,
        samples_per_type=1, max_fvu=1.0, max_dead=1.0,
    ),
}
