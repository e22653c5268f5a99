"""Export the ViT split at the hooked layer as two ONNX graphs with a dynamic batch."""

from __future__ import annotations

import warnings
from pathlib import Path

import torch

from app.core.vit import PrefixModule, SuffixModule, VisionTransformer

OPSET = 18


def export_split(vit: VisionTransformer, out_dir: Path) -> tuple[Path, Path]:
    """Write ``prefix.onnx`` (pixels -> tokens) and ``suffix.onnx`` (tokens -> logits).

    The example batch is 2: an exporter fixes the batch to 1 if it sees batch 1. Weights stay
    inside each file. The wrappers are put in eval mode first: the exporter restores the
    wrapper's own training flag afterwards, which would flip BatchNorm into training.
    """
    vit = vit.float().eval()
    cfg = vit.cfg
    pixels = torch.randn(2, cfg.in_chans, *cfg.input_hw)
    with torch.no_grad():
        tokens = vit.prefix(pixels)
    prefix_path, suffix_path = out_dir / "prefix.onnx", out_dir / "suffix.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            PrefixModule(vit).eval(), (pixels,), str(prefix_path), input_names=["pixels"], output_names=["tokens"],
            dynamic_axes={"pixels": {0: "batch"}, "tokens": {0: "batch"}}, opset_version=OPSET, dynamo=False,
        )
        # a model without a patch head has one output (the backends read patch_logits as absent)
        outputs = ["class_logits", "patch_logits"] if vit.patch_head is not None else ["class_logits"]
        torch.onnx.export(
            SuffixModule(vit).eval(), (tokens,), str(suffix_path), input_names=["tokens"], output_names=outputs,
            dynamic_axes={"tokens": {0: "batch"}, **{name: {0: "batch"} for name in outputs}},
            opset_version=OPSET, dynamo=False,
        )
    vit.eval()
    return prefix_path, suffix_path
