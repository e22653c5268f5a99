"""Small random bundles carrying what the newer engine features add (support for the UI and report
tests): a good reference (the evidence map), a model without a patch head, each latent's
per-type effect in the dictionary meta, a Matryoshka SAE, an "unlike the training parts"
calibration and a manifest description. Each is a real, validating bundle."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.core.bundle import load_bundle, sha256_file
from tests.bundle_edits import edit_manifest, rehash


def add_good_reference(folder: Path, seed: int = 0) -> None:
    """A ``good_reference.safetensors`` (recon_PD [P, D]) listed in the manifest."""
    from safetensors.numpy import save_file

    b = load_bundle(folder)
    p, d = b.manifest.vit.num_patches, b.manifest.vit.embed_dim
    ref = (np.random.default_rng(seed).standard_normal((p, d)) * 0.1).astype(np.float32)
    save_file({"recon_PD": ref}, str(folder / "good_reference.safetensors"), metadata={"images": "4"})

    def add(m: dict) -> None:
        m["files"]["good_reference"] = {"path": "good_reference.safetensors",
                                        "sha256": sha256_file(folder / "good_reference.safetensors")}

    edit_manifest(folder, add)


def make_headless_bundle(out: Path, seed: int = 5) -> Path:
    """A model without a patch head (its defect map is the measured evidence map), with a good reference."""
    from app.pipeline.random_bundle import make_random_bundle, random_vit_config

    make_random_bundle(out, seed=seed, vit_config=replace(random_vit_config(), patch_head=False))
    add_good_reference(out, seed)
    load_bundle(out)
    return out


def type_effect_block(dictionary, specific: int) -> dict:  # noqa: ANN001 - FeatureDictionary
    """Per-latent per-type mean |Δscore|: ``specific`` moves only its best-AP type's parts, every other latent none."""
    types = list(dictionary.defect_classes)
    table = np.zeros((dictionary.width, len(types)))
    cols = [dictionary.region_classes.index(t) for t in types]
    own = int(np.nanargmax(np.nan_to_num(dictionary.assoc_ap[specific, cols], nan=-1.0)))
    table[specific, :] = 0.001
    table[specific, own] = 0.02
    return {"types": types, "parts": [5] * len(types), "mean_abs_delta": table.round(6).tolist(),
            "definition": "test table"}


def make_rich_bundle(src: Path, out: Path, specific: int, flag_above: float | None = None) -> Path:
    """A copy of ``src`` with a good reference, a per-type effect for latent ``specific``, a Matryoshka
    SAE of two levels, a description, and (``flag_above``) an OOD calibration."""
    shutil.copytree(src, out)
    b = load_bundle(out)
    js = out / b.manifest.files["dictionary_json"]["path"]
    info = json.loads(js.read_text(encoding="utf-8"))
    info.setdefault("meta", {})["type_effect"] = type_effect_block(b.dictionary, specific)
    js.write_text(json.dumps(info), encoding="utf-8")
    rehash(out, "dictionary_json")
    add_good_reference(out)
    width = b.manifest.sae.width

    def extra(m: dict) -> None:
        m["sae"]["training"] = {"objective": "matryoshka", "prefixes": [width // 4, width]}
        m["description"] = "random test parts, two Matryoshka levels"
        if flag_above is not None:
            m["ood"] = {"statistic": "sae_recon_error", "flag_above": flag_above, "quantile": 99.0, "n_images": 40,
                        "percentiles": {"50": flag_above / 2, "99": flag_above, "100": flag_above * 1.1}}

    edit_manifest(out, extra)
    load_bundle(out)
    return out
