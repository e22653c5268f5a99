"""One command from nothing to a validated bundle: data, ViT, evaluation, recording, the SAE
grid, the choice, the feature dictionary, fidelity and causal sanity, ONNX export, model card.

Every step writes its result into the work folder and is skipped when that result exists,
so an interrupted build resumes where it stopped.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from app.core.errors import InspectorError
from app.core.grid import PatchGrid
from app.core.ood import OOD_KEY
from app.core.preprocess import Preprocessing
from app.core.sae import encode
from app.core.vit import VisionTransformer, build_vit
from app.pipeline.presets import BuildPreset

Log = Callable[[str], None]


@dataclass
class BuildContext:
    preset: BuildPreset
    work: Path
    out: Path
    log: Log
    progress: bool
    timings: dict[str, float]

    def step(self, name: str, resumable: bool = True) -> _Step:
        """A timed step; ``resumable=False`` for steps that redo their work on every run, whose time is
        always this run's (a resumable step that finds its work done keeps the time of the run that did it)."""
        return _Step(self, name, resumable)

    def record(self, name: str, seconds: float) -> None:
        """Set a step's time from the work's own clock (e.g. a training run's, summed over its resumes)."""
        self.timings[name] = float(seconds)
        self.save_timings()

    def save_timings(self) -> None:
        try:
            (self.work / TIMINGS_FILE).write_text(json.dumps(self.timings, indent=1))
        except OSError:  # the timings are informative; a build never fails for them
            pass


class _Step:
    def __init__(self, ctx: BuildContext, name: str, resumable: bool = True) -> None:
        self.ctx, self.name, self.resumable = ctx, name, resumable

    def __enter__(self) -> _Step:
        self.t0 = time.time()
        self.ctx.log(f"== {self.name}")
        return self

    def __exit__(self, *exc: Any) -> None:
        dt = time.time() - self.t0
        if exc[0] is not None:
            return
        full = self.ctx.timings.get(self.name)
        # A resumed step that found its work done takes seconds; the card keeps the run that did the work.
        if self.resumable and full is not None and dt < 0.25 * full:
            self.ctx.log(f"   {self.name}: {dt / 60:.1f} min (resumed; the full step took {full / 60:.1f} min)")
            return
        self.ctx.timings[self.name] = dt
        self.ctx.log(f"   {self.name}: {dt / 60:.1f} min")
        self.ctx.save_timings()


TIMINGS_FILE = "step_seconds.json"


def _recorded_timings(work: Path) -> dict[str, float]:
    try:
        raw = json.loads((work / TIMINGS_FILE).read_text())
        return {str(k): float(v) for k, v in raw.items() if k != "total"}
    except (OSError, ValueError, AttributeError):
        return {}


def _load_external_vit(weights: Path, config: Path | None) -> tuple[VisionTransformer, Preprocessing, tuple[str, ...]]:
    """A user's ViT: timm-named safetensors + the strict ViT configuration JSON (docs/MODEL_FORMAT.md),
    as ``import-timm`` writes them. ``weights`` may be the folder import-timm wrote; the
    configuration then defaults to the ``vit_config.json`` in it."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from app.pipeline.timm_import import WEIGHTS_FILE
    from app.pipeline.timm_import.vit_json import FILENAME, read_vit_json

    if weights.is_dir():
        weights, config = weights / WEIGHTS_FILE, config if config is not None else weights / FILENAME
    if config is None:
        raise InspectorError("vit_config", "--vit needs --vit-config (the vit_config.json import-timm writes; "
                             "docs/MODEL_FORMAT.md describes it)")
    ext = read_vit_json(config)
    try:
        state = load_file(str(weights))
    except (OSError, SafetensorError) as exc:
        raise InspectorError("vit_weights", f"cannot read ViT weights {weights}: {exc}") from exc
    return build_vit(ext.vit, ext.hooked_layer, state), ext.preprocess, ext.classes


def build_bundle(
    out_dir: str | Path,
    preset: BuildPreset,
    work_dir: str | Path,
    *,
    data: str | Path | None = None,
    vit_weights: str | Path | None = None,
    vit_config: str | Path | None = None,
    samples_dir: str | Path | None = None,
    progress: bool = True,
    log: Log = print,
) -> Path:
    import torch
    from safetensors.torch import save_file

    from app.core.bundle import sha256_file
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.evaluate import evaluate
    from app.pipeline.predict import TorchModelRunner
    from app.pipeline.record import defect_patch_tokens, open_recording, record_activations
    from app.pipeline.train_sae import train_sae_grid
    from app.pipeline.train_vit import is_trained, load_trained, train_vit

    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    ctx = BuildContext(preset, work, Path(out_dir), log, progress, _recorded_timings(work))
    seed = preset.seed

    # 1. data
    if data is None:
        from app.pipeline.synth.writer import generate_dataset

        data = work / "data"
        with ctx.step("data: synthetic parts (MVTec AD layout)"):
            meta = generate_dataset(Path(data), preset.synth, workers=2, progress=progress)
        if meta.get("generation_seconds"):  # a resumed step only checks the files; the card shows the making
            ctx.record("data: synthetic parts (MVTec AD layout)", meta["generation_seconds"])
    ds = scan_dataset(data, seed=seed)
    log(f"   dataset {data}: {len(ds.split('train'))} train, {len(ds.split('val'))} val, {len(ds.split('test'))} test; "
        f"classes {', '.join(ds.classes)}")

    # 2. the ViT
    vit_dir = work / "vit"
    if vit_weights is not None:
        vit, prep, classes = _load_external_vit(Path(vit_weights), Path(vit_config) if vit_config is not None else None)
        # the model's own classes score; the folder's defect types label latents (a binary OK/NG model included)
        from app.pipeline.evaluate import class_of_type

        log("   defect types -> model classes: " + ", ".join(f"{t} -> {c or '(no class: scored as a defect)'}"
                                                          for t, c in class_of_type(ds.defect_types, classes).items()))
        vit_dir.mkdir(exist_ok=True)
        save_file({k: v.contiguous() for k, v in vit.state_dict().items()}, str(vit_dir / "vit.safetensors"))
        train_info: dict[str, Any] = {"source": f"existing ViT {Path(vit_weights).name}"}
    else:
        if is_trained(vit_dir, preset.train):
            vit, _ = load_trained(vit_dir)
        else:
            with ctx.step("ViT training"):
                vit = train_vit(ds, preset.train, vit_dir, progress=progress, pool_cache=work / "cache")
        if not (vit_dir / "vit.safetensors").is_file():
            raise InspectorError("build_stopped", "ViT training stopped before the end; run the same command again to resume")
        prep, classes = preset.train.preprocessing(), ds.classes
        train_info = json.loads((vit_dir / "state.json").read_text())
        # a resumed run (or a refine phase added to a finished one) takes a fraction of the training's time
        ctx.record("ViT training", train_info["state"]["elapsed_s"])
    vit = vit.float().eval()
    cfg = vit.cfg
    grid = PatchGrid.of(cfg)
    runner = TorchModelRunner(vit)
    vit_sha = sha256_file(vit_dir / "vit.safetensors")

    # 3. evaluation of the ViT (threshold on validation, metrics on test)
    eval_dir = work / "eval_vit"
    if not (eval_dir / "metrics.json").is_file():
        with ctx.step("ViT evaluation"):
            evaluate(runner, ds, prep, grid, eval_dir, class_names=classes, cache=work / "cache", progress=progress,
                     max_good_reject=preset.max_good_reject)
    vit_metrics = json.loads((eval_dir / "metrics.json").read_text())
    threshold = float(vit_metrics["threshold"]["value"])

    # 4. recording
    acts_dir = work / "acts"
    if not (acts_dir / "header.json").is_file():
        from app.pipeline.record import pick_records

        with ctx.step("recording layer activations"):
            torch.set_num_threads(2)
            recs = pick_records(ds, preset.record_train, preset.record_val, preset.record_test, seed)
            record_activations(runner, ds, recs, prep, grid, acts_dir, vit_sha256=vit_sha, layer=vit.hooked_layer, progress=progress)
    rec = open_recording(acts_dir, vit_sha256=vit_sha, layer=vit.hooked_layer)
    train_ids, val_ids, test_ids = rec.split_ids("train"), rec.split_ids("val"), rec.split_ids("test")
    defect_label_NP = rec.defect_label_NP()

    # 4b. the defect focus: the other defective training images, whose defect patches the SAEs see more often
    # (with MVTec AD's own layout these are the half of test/<defect> the scanner lends to training)
    focus_tokens, focus_info = None, {}
    if preset.sae.focus_share > 0:
        extra_dir = work / "acts_defects"
        picked = {_same_file(r["path"]) for r in rec.rows}
        others = [r for r in ds.split("train") if r.label != "good" and _same_file(r.path) not in picked]
        if (extra_dir / "header.json").is_file() and (
            not others or {_same_file(r["path"]) for r in open_recording(extra_dir).rows} != {_same_file(r.path) for r in others}
        ):
            shutil.rmtree(extra_dir)  # made for another recording or data path: its pool would differ from this run's
        if others and not (extra_dir / "header.json").is_file():
            with ctx.step("recording the other defective training images"):
                torch.set_num_threads(2)
                record_activations(runner, ds, others, prep, grid, extra_dir, vit_sha256=vit_sha, layer=vit.hooked_layer,
                                   progress=progress)
        sources = [(rec, train_ids)]
        if others:
            extra = open_recording(extra_dir, vit_sha256=vit_sha, layer=vit.hooked_layer)
            sources.append((extra, extra.split_ids("train")))
        focus_tokens, focus_info = defect_patch_tokens(sources)
        focus_info["main_defect_share"] = float((defect_label_NP[train_ids] > 0).mean()) if train_ids else 0.0
        if not len(focus_tokens):
            focus_tokens = None

    # 5. the SAE grid, one pass
    sae_dir = work / "sae"
    with ctx.step("SAE grid training"):
        val_tokens = rec.tokens_for(val_ids)
        grid_res = train_sae_grid(rec.tokens_for(train_ids), val_tokens, preset.sae, sae_dir, progress=progress,
                                  focus_tokens_ND=focus_tokens)

    # 6. choose for interpretability, on validation
    with ctx.step("SAE selection"):
        selection = choose_sae(rec, grid_res.variants, sae_dir, val_ids, preset)
    (work / "selection.json").write_text(json.dumps(selection, indent=1))
    chosen = next(v for v in grid_res.variants if v["name"] == selection["chosen"])
    from app.pipeline.train_sae import evaluate_sae, load_variant, pareto_plot

    sae_cfg, sae_w = load_variant(sae_dir, chosen, cfg.embed_dim)
    pareto_plot(grid_res.variants, work / "pareto.png", chosen=chosen["name"])
    test_tokens = rec.tokens_for(test_ids)
    test_sae_metrics = evaluate_sae(sae_cfg, sae_w, test_tokens)
    on_defect = defect_label_NP[test_ids].reshape(-1) > 0
    if on_defect.any():
        m = evaluate_sae(sae_cfg, sae_w, test_tokens[on_defect])
        test_sae_metrics.update(defect_patch_fvu=m["fvu"], defect_patch_cosine=m["mean_cosine"], defect_patch_tokens=int(on_defect.sum()))

    # 7. the feature dictionary
    from app.core.dictionary import FeatureDictionary
    from app.pipeline.dictionary_builder import build_dictionary

    dict_dir = work / "dictionary" / chosen["name"]
    if not (dict_dir / "dictionary.safetensors").is_file():
        with ctx.step("feature dictionary"):
            dict_dir.mkdir(parents=True, exist_ok=True)
            dictionary = build_dictionary(rec, sae_cfg, sae_w, train_ids=train_ids, test_ids=test_ids, seed=seed, progress=progress)
            dictionary.to_files(dict_dir)
    dictionary = FeatureDictionary.from_files(dict_dir / "dictionary.safetensors", dict_dir / "dictionary.json", sae_cfg.width)

    # 7b. the good reference: the evidence map's replacement token at each patch position
    from app.pipeline.good_reference import FILENAME as GOOD_REFERENCE_FILE
    from app.pipeline.good_reference import ROLE as GOOD_REFERENCE_ROLE
    from app.pipeline.good_reference import build_good_reference

    good_reference = build_good_reference(rec, sae_cfg, sae_w, work / GOOD_REFERENCE_FILE)

    # 8. a staging bundle, then fidelity and causal sanity through the real engine
    from app.pipeline.bundle_writer import write_bundle

    common = dict(name=preset.name, version=preset.version, classes=tuple(classes), threshold=threshold, vit=vit, preprocess=prep,
                  sae_cfg=sae_cfg, sae_weights=sae_w, dictionary=dictionary)
    stage = work / "bundle_stage"
    with ctx.step("staging bundle (ONNX export)", resumable=False):
        write_bundle(stage, **common, extra_files={GOOD_REFERENCE_ROLE: good_reference})
    from app.pipeline.bundle_checks import causal_sanity, downstream_fidelity

    with ctx.step("downstream fidelity and causal sanity", resumable=False):
        fidelity = downstream_fidelity(stage, ds, preset, rec, train_ids, probe=_hooked_probe(vit_dir))
        from app.pipeline.sae_baselines import build_baselines

        baselines, baseline_report = build_baselines(rec, train_ids, val_ids, test_ids, sae_cfg, sae_w, seed)
        causal = causal_sanity(stage, ds, preset, selection["val_ap"][chosen["name"]], baselines=baselines)
        causal["dictionaries"] = baseline_report  # the trained SAE, the random SAE and PCA, on the test tokens
        common["dictionary"] = dictionary = replace(dictionary, meta={**dictionary.meta, "type_effect": causal["type_effect"]})
    (work / "fidelity.json").write_text(json.dumps(fidelity, indent=1))
    from app.pipeline.evidence_localisation import evidence_localisation

    with ctx.step("evidence map localisation", resumable=False):
        evidence = evidence_localisation(stage, ds, preset.fidelity_images, preset.seed)
    (work / "evidence.json").write_text(json.dumps(evidence, indent=1))
    (work / "causal.json").write_text(json.dumps(causal, indent=1))

    # 8b. the shipped samples (the first held-out parts of each type by name) through the real engine
    sample_check = None
    if samples_dir is not None:
        from app.pipeline.product_targets import sample_latent_check

        write_samples(ds, Path(samples_dir), preset.samples_per_type, seed)
        sample_check = sample_latent_check(stage, Path(samples_dir))
        (work / "samples.json").write_text(json.dumps(sample_check, indent=1))

    # 8c. the "unlike the training parts" notice, calibrated on held-out good parts the ViT never trained on
    with ctx.step("calibrating the out-of-distribution notice", resumable=False):
        ood_block = _ood_calibration(stage, ds, seed)

    # 9. the model card and the final bundle
    from app.pipeline.model_card import render_model_card

    ctx.timings["total"] = sum(v for k, v in ctx.timings.items() if k != "total")
    card = render_model_card(
        preset=preset, dataset=ds, vit=vit, prep=prep, train_info=train_info, vit_metrics=vit_metrics,
        grid_variants=grid_res.variants, selection=selection, chosen=chosen, sae_cfg=sae_cfg,
        test_sae_metrics=test_sae_metrics, dictionary=dictionary, fidelity=fidelity, causal=causal,
        timings=ctx.timings, focus=focus_info, evidence=evidence, sample_check=sample_check,
    )
    extra = {"pareto_png": work / "pareto.png", "confusion_png": eval_dir / "confusion.png",
             GOOD_REFERENCE_ROLE: good_reference}
    if (vit_dir / "loss_curve.png").is_file():
        extra["loss_curve_png"] = vit_dir / "loss_curve.png"
    with ctx.step("final bundle", resumable=False):
        write_bundle(ctx.out, **common, model_card=card, extra_files=extra,
                     extra={"model_card_summary": _summary(vit_metrics, test_sae_metrics, fidelity, causal),
                            **({OOD_KEY: ood_block} if ood_block is not None else {})})
    shutil.rmtree(stage, ignore_errors=True)
    log(f"bundle written: {ctx.out} ({sum(f.stat().st_size for f in ctx.out.iterdir()) / 1e6:.1f} MB)")
    return ctx.out


def _same_file(path: str | Path) -> str:
    """One spelling per file, so a data folder given another way still matches its recording."""
    return str(Path(path).resolve())


PURITY_PARTS = 50  # a latent's strongest validation parts counted for its purity


OOD_CALIBRATION_IMAGES = 200  # enough to place a 99th percentile; about a minute on the CPU


def _ood_calibration(stage: Path, ds, seed: int) -> dict[str, Any] | None:  # noqa: ANN001 - Dataset
    """The OOD notice's calibration block (``app.core.ood``) from the validation split's good parts, or
    None when there are too few of them (a user's small folder): the app then says no check was made."""
    from app.pipeline.ood_calibration import MIN_IMAGES, calibrate_ood

    good = [r.path for r in ds.split("val") if r.label == "good"]
    if len(good) < OOD_CALIBRATION_IMAGES:  # a small validation split: the test split's good parts are held out too
        good += [r.path for r in ds.split("test") if r.label == "good"]
    if len(good) < MIN_IMAGES:
        return None
    rng = np.random.default_rng(seed)
    if len(good) > OOD_CALIBRATION_IMAGES:
        good = [good[i] for i in sorted(rng.choice(len(good), OOD_CALIBRATION_IMAGES, replace=False))]
    return calibrate_ood(stage, good).to_json()


def choose_sae(rec, variants: list[dict[str, Any]], sae_dir: Path, val_ids: list[int], preset: BuildPreset) -> dict[str, Any]:  # noqa: ANN001
    """Among SAEs with val FVU <= max_fvu and dead <= max_dead, the highest mean best-latent AP
    over the defect types, measured on validation tokens (every other patch a negative)."""
    import scipy.sparse as sp

    from app.pipeline.concept_metrics import concept_metrics
    from app.pipeline.latent_stats import ap_matrix, strongest_images_share
    from app.pipeline.train_sae import load_variant

    types = rec.header["defect_types"]
    test_ids = rec.split_ids("test")
    test_labels = rec.defect_label_NP()[test_ids].reshape(-1)
    test_tokens = rec.tokens_for(test_ids)
    labels = rec.defect_label_NP()[val_ids].reshape(-1)
    onehot = np.stack([labels == 1 + i for i in range(len(types))], axis=1)
    tokens = rec.tokens_for(val_ids)
    val_ap: dict[str, list[list[float]]] = {}
    n_need = min(PURITY_PARTS, len(val_ids))  # a small validation split counts all its parts
    rows = []
    for v in variants:
        cfg, w = load_variant(sae_dir, v, rec.d_model)
        z = sp.vstack([sp.csr_matrix(encode(w, cfg, tokens[i : i + 8192])) for i in range(0, len(tokens), 8192)])
        ap = ap_matrix(z, onehot)  # [S, T]
        val_ap[v["name"]] = np.nan_to_num(ap, nan=0.0).tolist()
        has_pos = onehot.any(axis=0)
        best = np.where(has_pos, np.nanmax(np.nan_to_num(ap, nan=0.0), axis=0), np.nan)
        eligible = v["val"]["fvu"] <= preset.max_fvu and v["val"]["dead_fraction"] <= preset.max_dead
        # reported beside the rule, not used by it: how type-pure the best latents' strongest parts are
        share, n_parts = strongest_images_share(z, rec.num_patches, labels, len(types) + 1, n_images=n_need)
        purity = np.where(n_parts[:, None] >= n_need, share[:, 1:], 0.0).max(axis=0)  # [T]
        # saev's concept metrics, also beside the rule: best latent per type chosen here, measured on the held-out test split
        z_test = sp.vstack([sp.csr_matrix(encode(w, cfg, test_tokens[i : i + 8192])) for i in range(0, len(test_tokens), 8192)])
        concepts = concept_metrics(z, labels, z_test, test_labels, types) if len(test_ids) else None
        rows.append({"name": v["name"], "objective": v.get("objective", "plain"), "concepts": concepts,
                     "eligible": bool(eligible), "mean_best_ap": float(np.nanmean(best)) if has_pos.any() else 0.0,
                     "best_ap_per_type": {t: (None if np.isnan(b) else float(b)) for t, b in zip(types, best)},
                     "mean_best_purity": float(purity.mean()), "best_purity_per_type": dict(zip(types, purity.tolist()))})
    pool = [r for r in rows if r["eligible"]] or rows
    chosen = max(pool, key=lambda r: r["mean_best_ap"])
    return {"chosen": chosen["name"], "rule": f"val FVU <= {preset.max_fvu}, dead <= {preset.max_dead:.0%}, max mean best-latent AP",
            "any_eligible": any(r["eligible"] for r in rows), "candidates": rows, "val_ap": val_ap, "types": types}


def _summary(vit_metrics, sae_metrics, fidelity, causal) -> dict[str, Any]:  # noqa: ANN001
    return {
        "image_auroc": vit_metrics["image"]["overall"]["auroc"],
        "pixel_auroc": vit_metrics["pixel"]["auroc"],
        "aupro": vit_metrics["pixel"]["aupro"],
        "sae_test_fvu": sae_metrics["fvu"],
        "sae_test_dead_fraction": sae_metrics["dead_fraction"],
        "recon_only_image_auroc": fidelity["recon_only"]["image_auroc"],
        "causal_ratio_per_type": {t: c["ratio"] for t, c in causal["per_type"].items()},
    }


def _hooked_probe(vit_dir: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The training-only type probe (W [C, D], b [C]) from the ViT run's checkpoint, if it had one."""
    ck = vit_dir / "checkpoint.safetensors"
    if not ck.is_file():
        return None
    from safetensors import safe_open

    with safe_open(str(ck), "numpy") as f:
        if "model.probe.weight" not in f.keys():
            return None
        return f.get_tensor("model.probe.weight").astype(np.float32), f.get_tensor("model.probe.bias").astype(np.float32)


def write_samples(ds, out: Path, per_type: int, seed: int) -> list[Path]:  # noqa: ANN001, ARG001 - seed kept for the CLI
    """Held-out parts (good and every defect type) with their masks, named by type: the first
    ``per_type`` test images of each type by file name, whatever the model makes of them."""
    import cv2

    from app.core.images import load_image

    out.mkdir(parents=True, exist_ok=True)
    written = []
    test = sorted(ds.split("test"), key=lambda r: r.name)
    for label in ["good", *ds.defect_types]:
        recs = [r for r in test if r.label == label][:per_type]
        for j, r in enumerate(recs):
            stem = f"{'ok' if label == 'good' else label}_{j + 1}"
            img = load_image(r.path).pixels_HWC
            cv2.imwrite(str(out / f"{stem}.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
            written.append(out / f"{stem}.png")
            if r.mask_path is not None:
                shutil.copy(r.mask_path, out / f"{stem}_mask.png")
    return written
