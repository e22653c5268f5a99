"""Write a complete, validated model bundle from a ViT, an SAE and (optionally) a dictionary."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from app.core.bundle import Bundle, load_bundle, write_manifest
from app.core.dictionary import FeatureDictionary
from app.core.preprocess import Preprocessing
from app.core.sae import SAEConfig, SAEWeights
from app.core.vit import VisionTransformer


def write_bundle(
    out_dir: Path,
    *,
    name: str,
    version: str,
    classes: tuple[str, ...],
    threshold: float,
    vit: VisionTransformer,
    preprocess: Preprocessing,
    sae_cfg: SAEConfig,
    sae_weights: SAEWeights,
    dictionary: FeatureDictionary | None = None,
    model_card: str | None = None,
    extra_files: dict[str, Path] | None = None,
    extra: dict[str, Any] | None = None,
) -> Bundle:
    """Write into a temporary sibling folder, validate, then move into place."""
    from safetensors.torch import save_file

    from app.pipeline.export_onnx import export_split

    out_dir = Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    vit = vit.float().eval()
    state = {k: v.detach().contiguous().cpu() for k, v in vit.state_dict().items()}
    save_file(state, str(tmp / "vit.safetensors"))
    from safetensors.numpy import save_file as save_np

    save_np(sae_weights.to_arrays(), str(tmp / "sae.safetensors"))
    export_split(vit, tmp)
    files = {"vit": "vit.safetensors", "sae": "sae.safetensors", "prefix_onnx": "prefix.onnx", "suffix_onnx": "suffix.onnx"}
    if dictionary is not None:
        dictionary.to_files(tmp)
        files["dictionary"] = "dictionary.safetensors"
        files["dictionary_json"] = "dictionary.json"
    if model_card is not None:
        (tmp / "MODEL_CARD.md").write_text(model_card, encoding="utf-8")
        files["model_card"] = "MODEL_CARD.md"
    for role, src in (extra_files or {}).items():
        shutil.copy2(src, tmp / src.name)
        files[role] = src.name
    content: dict[str, Any] = {
        "name": name,
        "version": version,
        "classes": list(classes),
        "threshold": float(threshold),
        "outputs": {
            "score": "1 - softmax(class_logits)[0]",
            "patch_map": "sigmoid(patch_logits) on the row-major patch grid",
        },
        "vit": vit.cfg.to_json(),
        "hooked_layer": vit.hooked_layer,
        "hook": "residual stream after blocks[hooked_layer]; SAE edits touch patch tokens only, never CLS",
        "token_layout": {"prefix_tokens": ["cls"], "grid": list(vit.cfg.grid_size), "order": "row-major"},
        "preprocess": preprocess.to_json(),
        "sae": {**sae_cfg.to_json(), "layer": vit.hooked_layer, "input_scale": "folded into the weights"},
        **(extra or {}),
    }
    write_manifest(tmp, content, files)
    load_bundle(tmp)  # refuse to publish anything that does not validate
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return load_bundle(out_dir)
