"""Try a lever of the product ViT recipe: train one variant on a product's data and print its test figures.

    python main.py synth runs/levers/metal --product metal --n-train 8000 --n-test 1000
    python bench/vit_levers.py --data runs/levers/metal --name m1                     # the m1 recipe
    python bench/vit_levers.py --data runs/levers/metal --name m2 --set img_size=256 --set hooked_layer=4

Each run trains from the product preset's ``TrainConfig`` with the given overrides (``--base``
picks the starting point: ``m1`` is the first patch_max recipe, ``preset`` the shipped one) in
``runs/levers/<name>`` (resumable), then prints image AUROC overall / per type / per difficulty,
patch AUROC, class and type accuracy, the share of rejected parts whose map peaks in the region,
and the hooked-layer type probe's AP per type. Figures, not pass/fail: the model card's training
section quotes the runs made while designing the presets.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _value(text: str):  # noqa: ANN202
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main() -> int:
    from sklearn.metrics import average_precision_score, roc_auc_score

    from app.core.grid import PatchGrid
    from app.pipeline.dataset import load_pool, scan_dataset
    from app.pipeline.predict import TorchModelRunner, predict_batches
    from app.pipeline.presets import PRESETS
    from app.pipeline.train_vit import TrainConfig, train_vit

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--name", required=True)
    ap.add_argument("--base", choices=("m1", "preset"), default="m1")
    ap.add_argument("--set", action="append", default=[], help="KEY=VALUE override of TrainConfig (JSON values)")
    args = ap.parse_args()
    if args.base == "m1":
        cfg = TrainConfig(score_head="patch_max", total_samples=130_000, crop_patches=8, crop_samples=100_000,
                          warmup_samples=5_000, eval_every_samples=20_000, eval_images=400, probe_min_cover=0.02, lr=8e-4)
    else:
        cfg = PRESETS["metal"].train
    over = {}
    for kv in args.set:
        k, _, v = kv.partition("=")
        val = _value(v)
        over[k] = tuple(val) if isinstance(val, list) else val
    cfg = replace(cfg, **over)
    ds = scan_dataset(args.data)
    run = Path("runs/levers") / args.name
    cache = args.data.parent / (args.data.name + "_cache")
    vit = train_vit(ds, cfg, run, progress=False, pool_cache=cache)
    vcfg = vit.cfg
    test = ds.split("test")
    pool = load_pool(test, ds.classes, cfg.img_size, vcfg.grid_size[0], 2, cache, False)
    pred = predict_batches(TorchModelRunner(vit), pool, cfg.preprocessing(), grid=PatchGrid.of(vcfg))
    y, good = pool.labels_N, pool.labels_N == 0
    diff = np.array([r.difficulty for r in test])
    cover = pool.cover_NP.astype(np.float32)
    thr = float(np.quantile(pred.scores[good], 0.95))
    out: dict = {"train_minutes": json.loads((run / "state.json").read_text())["state"]["elapsed_s"] / 60,
                 "image_auroc": roc_auc_score(y > 0, pred.scores),
                 "patch_auroc": roc_auc_score((cover >= 0.02).ravel(), pred.patch_maps.reshape(len(y), -1).ravel()),
                 "per_type": {}}
    for ci, c in enumerate(ds.classes[1:], start=1):
        sel = y == ci
        row = {}
        for dname, dsel in (("all", sel), ("normal", sel & (diff == "normal")), ("subtle", sel & (diff == "subtle"))):
            if dsel.any():
                row[f"auroc_{dname}"] = roc_auc_score(np.r_[np.zeros(good.sum()), np.ones(dsel.sum())],
                                                      np.r_[pred.scores[good], pred.scores[dsel]])
        row["class_accuracy"] = float((pred.predicted_class[sel] == ci).mean())
        row["type_accuracy"] = float((pred.probs[sel][:, 1:].argmax(1) + 1 == ci).mean())
        out["per_type"][c] = row
    g = vcfg.grid_size[0]
    hits = []
    for i in np.nonzero((y > 0) & (pred.scores > thr))[0]:
        cov = cover[i].reshape(g, g) > 0
        r, c = np.unravel_index(np.argmax(pred.patch_maps[i]), (g, g))
        hits.append(bool(cov[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2].any()))
    out["peak_in_region_of_rejected_at_5pct_fpr"] = float(np.mean(hits)) if hits else None
    from safetensors import safe_open

    with safe_open(str(run / "checkpoint.safetensors"), "numpy") as f:
        w, b = f.get_tensor("model.probe.weight"), f.get_tensor("model.probe.bias")
    import torch

    from app.core.preprocess import preprocess_batch

    toks = []
    with torch.inference_mode():
        for i in range(0, len(y), 64):
            x = torch.from_numpy(preprocess_batch(np.asarray(pool.images_NHWC[i : i + 64]), cfg.preprocessing()))
            toks.append(vit.prefix(x)[:, vcfg.num_prefix_tokens :].numpy())
    logits = np.concatenate(toks).reshape(-1, w.shape[1]) @ w.T + b
    lab = np.repeat(y, g * g) * (cover.ravel() >= 0.1)
    out["probe_ap"] = {c: average_precision_score(lab == ci, logits[:, ci] - logits.max(1))
                       for ci, c in enumerate(ds.classes[1:], start=1)}
    text = json.dumps(out, indent=1, default=float)
    (run / "levers.json").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
