"""Checks run on a built bundle through the real engine: downstream fidelity of the SAE and
causal sanity of its defect latents. Their figures go into the model card."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.core.edits import LatentEdit
from app.core.images import load_image, load_mask
from app.core.outputs import softmax
from app.core.session import InspectionSession
from app.pipeline.dataset import ImageRecord, InspectionDataset
from app.pipeline.detection_metrics import PixelMetrics, image_auroc
from app.pipeline.presets import BuildPreset


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


def matched_controls(act_S: np.ndarray, chosen: list[int], rng: np.random.Generator, exclude: set[int]) -> list[int]:
    """For each chosen latent, a random other latent of similar activation mass in the region:
    one of the 5 nearest in log-mass among the latents active there (silent if it is silent)."""
    taken = set(exclude)
    active = np.nonzero(act_S > 0)[0]
    silent = np.nonzero(act_S <= 0)[0]
    out = []
    for c in chosen:
        if act_S[c] <= 0:
            pool = [i for i in silent if i not in taken]
        else:
            cand = np.array([i for i in active if i not in taken])
            if cand.size == 0:
                pool = [i for i in silent if i not in taken]
            else:
                dist = np.abs(np.log(act_S[cand]) - np.log(act_S[c]))
                pool = list(cand[np.argsort(dist)[:5]])
        pick = int(pool[int(rng.integers(0, len(pool)))])
        taken.add(pick)
        out.append(pick)
    return out


def causal_sanity(bundle_dir, ds: InspectionDataset, preset: BuildPreset, val_ap_ST: list[list[float]], draws: int = 3) -> dict[str, Any]:  # noqa: ANN001
    """Per defect type, on held-out test images of that type: switch off the n latents most
    associated with the type (validation AP) inside the ground-truth mask, against the same
    number of random latents with matched activation mass there (``draws`` draws per image)."""
    s = InspectionSession.open(bundle_dir, backend="torch")
    ap = np.asarray(val_ap_ST)
    rng = np.random.default_rng(preset.seed)
    per_type: dict[str, Any] = {}
    n_lat = preset.causal_latents
    for t_i, t in enumerate(ds.defect_types):
        records = _spread([r for r in ds.split("test") if r.label == t], preset.causal_images_per_type, preset.seed)
        assoc = [int(i) for i in np.argsort(-ap[:, t_i])[:n_lat]]
        d_assoc, d_ctrl, mass_a, mass_c, wins = [], [], [], [], 0
        for r in records:
            img = load_image(r.path).pixels_HWC
            a = s.analyze(img)
            mask = load_mask(r.mask_path, img.shape[:2])
            act = s.patch_weights(mask) @ a.codes_PS
            ctrl_sets = [matched_controls(act, assoc, rng, set(assoc)) for _ in range(draws)]
            sets = [[LatentEdit(i, "off") for i in assoc]] + [[LatentEdit(i, "off") for i in c] for c in ctrl_sets]
            outs = s.batch_intervene(mask, sets)
            da = outs[0].score - a.baseline.score
            dc = float(np.mean([o.score - a.baseline.score for o in outs[1:]]))
            d_assoc.append(da)
            d_ctrl.append(dc)
            mass_a.append(float(act[assoc].sum()))
            mass_c.append(float(np.mean([act[c].sum() for c in ctrl_sets])))
            wins += abs(da) > abs(dc)
        ma, mc = float(np.mean(d_assoc)) if d_assoc else 0.0, float(np.mean(d_ctrl)) if d_ctrl else 0.0
        per_type[t] = {
            "images": len(records), "latents": assoc,
            "mean_delta_assoc": ma, "mean_delta_control": mc,
            "ratio": abs(ma) / max(abs(mc), 1e-6),
            "share_assoc_beats_control": wins / max(1, len(records)),
            "mean_mass_assoc": float(np.mean(mass_a)) if mass_a else 0.0,
            "mean_mass_control": float(np.mean(mass_c)) if mass_c else 0.0,
        }
    return {"latents_per_type": n_lat, "control_draws": draws, "target_ratio": 3.0, "per_type": per_type}
