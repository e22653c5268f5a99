"""Headless subcommands. Each lives in its own module exposing ``add_arguments`` and ``run``.

Modules are imported only when their subcommand is used, so ``main.py --help`` stays fast
and a build without torch can still run the commands that do not need it.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, one-line help)
    "analyze": ("app.cli.analyze", "analyse an image, optionally with masked latent edits"),
    "rank": ("app.cli.rank", "rank latents in a region by measured effect, with controls"),
    "dose": ("app.cli.dose", "dose-response of one latent in a region"),
    "rank-folder": ("app.cli.rank_folder", "evidence across an MVTec-layout folder"),
    "compare-folder": ("app.cli.compare_folder", "two bundles on the same folder of parts: verdicts, reasons, counterparts"),
    "report": ("app.cli.report", "write a PDF findings report"),
    "synth": ("app.cli.synth", "generate a synthetic inspection dataset (MVTec AD layout)"),
    "train-vit": ("app.cli.train_vit", "train the defect ViT"),
    "evaluate": ("app.cli.evaluate", "evaluate a bundle's ViT on a dataset"),
    "record": ("app.cli.record", "record layer-L patch activations to shards"),
    "train-sae": ("app.cli.train_sae", "train a grid of SAEs on recorded activations"),
    "build-bundle": ("app.cli.build_bundle", "build a model bundle end to end"),
    "import-timm": ("app.cli.import_timm", "convert a timm ViT checkpoint for build-bundle --vit"),
    "validate": ("app.cli.validate", "validate a model bundle"),
}
