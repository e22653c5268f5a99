"""Checks run on a built bundle through the real engine: downstream fidelity of the SAE and
causal sanity of its defect latents. Their figures go into the model card."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.core.images import load_image, load_mask
from app.core.outputs import softmax
from app.core.session import InspectionSession
from app.pipeline.dataset import ImageRecord, InspectionDataset
from app.pipeline.detection_metrics import PixelMetrics, image_auroc
from app.pipeline.presets import BuildPreset
from app.pipeline.sae_baselines import LinearDictionary


def _spread(records: list[ImageRecord], n: int, seed: int) -> list[ImageRecord]:
    if n <= 0 or n >= len(records):
        return records
    idx = np.sort(np.random.default_rng(seed).choice(len(records), n, replace=False))
    return [records[i] for i in idx]


def downstream_fidelity(  # noqa: ANN001
    bundle_dir, ds: InspectionDataset, preset: BuildPreset, rec, train_ids: list[int],
    probe: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Replace every patch token by its SAE reconstruction (no error term) and compare the
    detector's image AUROC, pixel AUROC and scores with the model's own, beside a
    mean-ablation baseline (every patch token set to the mean training patch token).

    ``probe`` (W [C, D], b [C]) is the training-only type probe at the hooked layer, where the
    run had one: its per-type AP on the same patches is the linear-decodability ceiling there."""
    s = InspectionSession.open(bundle_dir, backend="torch")
    mean_tok = rec.tokens_for(train_ids[: min(len(train_ids), 500)]).mean(0).astype(np.float32)
    records = _spread(ds.split("test"), preset.fidelity_images, preset.seed)
    scores = {"model": [], "recon_only": [], "mean_ablation": []}
    pix = {k: PixelMetrics() for k in scores}
    exact_err = 0.0
    labels = []
    codes, head, patch_type, probe_probs = [], [], [], []
    from app.core.grid import mask_to_patch_weights
    from app.pipeline.record import LABEL_MIN_COVER

    for r in records:
        img = load_image(r.path).pixels_HWC
        a = s.analyze(img)
        same = s.intervene(None, [])
        exact_err = max(exact_err, abs(same.score - a.baseline.score))
        recon = s.edited_tokens(np.ones(s.grid.num_patches, np.float32), [], recon_only=True)
        ablated = a.tokens_TD.copy()
        ablated[s.grid.num_prefix_tokens :] = mean_tok
        o_recon, o_mean = s.run_token_batch([recon, ablated])
        mask = load_mask(r.mask_path, img.shape[:2]) if r.mask_path is not None else np.zeros(img.shape[:2], bool)
        box = s.bundle.manifest.preprocess.view_box(img.shape[:2])  # what a centre-crop model sees
        for key, o in (("model", a.baseline), ("recon_only", o_recon), ("mean_ablation", o_mean)):
            scores[key].append(o.score)
            if o.patch_map is not None:  # a model without a patch head has no map here (its evidence map is measured apart)
                pix[key].add(o.patch_map, mask, box=box)
        labels.append(r.label != "good")
        import scipy.sparse as sp

        codes.append(sp.csr_matrix(a.codes_PS))
        if a.baseline.patch_map is not None:
            head.append(a.baseline.patch_map.reshape(-1))
        if probe is not None:
            logits_PC = s.grid.patch_tokens(a.tokens_TD).astype(np.float64) @ probe[0].T.astype(np.float64) + probe[1]
            probe_probs.append(softmax(logits_PC))
        cover = mask_to_patch_weights(mask, s.grid, box=box)
        patch_type.append(np.where(cover >= LABEL_MIN_COVER, r.label, "ok") if r.label != "good" else np.full(cover.shape, "ok"))
    y = np.array(labels)
    base = np.array(scores["model"])
    out: dict[str, Any] = {"images": len(records), "max_abs_score_error_no_edit": exact_err}
    for key in scores:
        sc = np.array(scores[key])
        out[key] = {
            "image_auroc": image_auroc(sc, y),
            "pixel_auroc": pix[key].pixel_auroc(),
            "mean_abs_delta_score": float(np.abs(sc - base).mean()),
            "mean_score": float(sc.mean()),
        }
    out["localisation"] = _latent_vs_head_ap(codes, head, patch_type, ds.defect_types, probe_probs or None)
    return out


def _latent_vs_head_ap(codes, head, patch_type, types, probe_probs=None) -> dict[str, Any]:  # noqa: ANN001
    """Per defect type, on the same patches: the best latent's AP and the patch head's AP
    (every other patch a negative). The head is the ceiling: a latent cannot localise what
    the backbone never learned."""
    import scipy.sparse as sp

    from app.pipeline.latent_stats import ap_matrix, average_precision

    z = sp.vstack(codes).tocsr()
    h = np.concatenate(head) if head else None  # None: the model has no patch head
    lab = np.concatenate(patch_type)
    onehot = np.stack([lab == t for t in types], axis=1)
    ap = ap_matrix(z, onehot)
    pp_PC = np.concatenate(probe_probs) if probe_probs else None
    out = {}
    for j, t in enumerate(types):
        if not onehot[:, j].any():
            continue
        best = int(np.nanargmax(np.nan_to_num(ap[:, j], nan=-1)))
        out[t] = {"best_latent": best, "best_latent_ap": float(ap[best, j]),
                  "patch_head_ap": None if h is None else float(average_precision(h, onehot[:, j])),
                  "positive_patches": int(onehot[:, j].sum())}
        if pp_PC is not None:  # class 0 is ok; defect types follow in the dataset's order
            out[t]["probe_ap"] = float(average_precision(pp_PC[:, j + 1], onehot[:, j]))
    return out


def causal_sanity(  # noqa: ANN001
    bundle_dir, ds: InspectionDataset, preset: BuildPreset, val_ap_ST: list[list[float]], draws: int = 3,
    baselines: Sequence[tuple[LinearDictionary, np.ndarray]] = (), n_boot: int = 2000,
) -> dict[str, Any]:
    """Per defect type, on held-out test images of that type, inside each ground-truth mask:

    - switch off the n latents most associated with each type (validation AP): the cross-type matrix
      (``type_specificity``), whose diagonal against ``draws`` matched random sets per image (each a
      random latent per member, edited by that member's own activation mass) gives the "associated vs
      random" ratio, on mean |Δscore|;
    - switch off every latent active in the mask alone: each latent's mean |Δscore| on each type's
      parts, for its card's "is its effect specific?" (stored in the dictionary by the build);
    - the same set edits for each baseline dictionary of ``baselines`` ((dictionary, its validation
      AP [S, T])), with its own codes and decoder, so its specificity is measured the same way.
    """
    from app.core.type_specificity import (
        associated_sets,
        cross_type_matrix,
        part_effects,
        single_latent_deltas,
        type_effect_meta,
        type_effect_table,
    )

    s = InspectionSession.open(bundle_dir, backend="torch")
    types = list(ds.defect_types)
    n_lat = preset.causal_latents
    sets = associated_sets(np.asarray(val_ap_ST), types, n_lat)
    base_sets = [associated_sets(np.asarray(ap), types, n_lat) for _, ap in baselines]
    parts, singles, base_parts = [], [], [[] for _ in baselines]
    for t in types:
        for r in _spread([r for r in ds.split("test") if r.label == t], preset.causal_images_per_type, preset.seed):
            img = load_image(r.path).pixels_HWC
            a = s.analyze(img)
            mask = load_mask(r.mask_path, img.shape[:2])
            parts.append(part_effects(s, mask, t, r.name, sets, control_draws=draws, seed=preset.seed))
            singles.append((t, single_latent_deltas(s, mask)))
            patches = s.grid.patch_tokens(a.tokens_TD)
            for b, ((dic, _), bsets) in enumerate(zip(baselines, base_sets)):
                base_parts[b].append(part_effects(s, mask, t, r.name, bsets, codes_PS=dic.encode(patches), W_dec_SD=dic.W_dec_SD,
                                                  control_draws=draws, seed=preset.seed))
    matrix = cross_type_matrix(parts, sets, n_boot=n_boot, seed=preset.seed)
    per_type: dict[str, Any] = {}
    for t in types:
        mine = [p for p in parts if p.part_type == t]
        da = np.array([p.delta_by_set[t] for p in mine], np.float64)
        dc = np.array([np.mean(p.control_deltas) for p in mine], np.float64)
        dca = np.array([np.mean(np.abs(p.control_deltas)) for p in mine], np.float64)
        row = next(r for r in matrix.rows if r.part_type == t) if mine else None
        per_type[t] = {
            "images": len(mine), "latents": sets[t],
            "mean_delta_assoc": float(da.mean()) if da.size else 0.0, "mean_delta_control": float(dc.mean()) if dc.size else 0.0,
            "mean_abs_delta_assoc": float(np.abs(da).mean()) if da.size else 0.0,
            "mean_abs_delta_control": float(dca.mean()) if dca.size else 0.0,
            # the row's own estimate (the one its interval belongs to); clamped only where both sides are 0
            "ratio": _finite_ratio(row.assoc_vs_random if row is not None else float("nan"), np.abs(da), dca),
            "ratio_ci95": list(row.assoc_vs_random_ci) if row is not None else [None, None],
            "share_assoc_beats_control": float(np.mean(np.abs(da) > dca)) if da.size else 0.0,
            "mean_mass_assoc": float(np.mean([p.mass_by_set[t] for p in mine])) if mine else 0.0,
            "mean_mass_control": float(np.mean([p.control_mass for p in mine])) if mine else 0.0,
            "diagonal_ratio": row.diagonal_ratio if row is not None else None,
        }
    effect_ST, parts_T = type_effect_table(singles, types, s.width)
    return {
        "latents_per_type": n_lat, "control_draws": draws, "target_ratio": 3.0, "effect": "mean |Δscore|",
        "per_type": per_type, "cross_type": matrix.to_json(), "type_effect": type_effect_meta(effect_ST, parts_T, types),
        "baselines": {dic.name: {"cross_type": cross_type_matrix(bp, bs, n_boot=n_boot, seed=preset.seed).to_json()}
                      for (dic, _), bp, bs in zip(baselines, base_parts, base_sets)},
    }


def _finite_ratio(ratio: float, assoc_abs: np.ndarray, control_abs: np.ndarray) -> float:
    """mean |Δ assoc| / mean |Δ control| as a finite number for the card's table and targets."""
    if np.isfinite(ratio):
        return float(ratio)
    if not assoc_abs.size:
        return 0.0
    return float(assoc_abs.mean() / max(float(control_abs.mean()), 1e-6))
