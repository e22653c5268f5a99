"""`main.py evaluate`: a bundle's ViT on an MVTec-layout dataset, the model card's numbers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import ensure_out_dir
from app.core.errors import InspectorError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bundle", required=True, help="model bundle folder")
    p.add_argument("--data", required=True, help="dataset folder in MVTec AD layout")
    p.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx"])
    p.add_argument("--device", default="auto", help="auto, cpu or cuda:0")
    p.add_argument("--out", help="folder for metrics.json, metrics.md, confusion.png, scores.csv "
                   "(default: ./evaluation/<bundle name>)")
    p.add_argument("--seed", type=int, default=0, help="seed of the train/val split (as in training)")
    p.add_argument("--val-fraction", type=float, default=0.1, help="share of train/ held out for validation")
    p.add_argument("--threshold", type=float, help="use this threshold instead of the validation F1-max one")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--workers", type=int, default=2, help="image-decoding processes")
    p.add_argument("--no-baseline", action="store_true", help="skip the intensity/contrast baseline")
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object")


def run(args: argparse.Namespace) -> int:
    from app.core.backends.select import open_backend
    from app.core.bundle import load_bundle
    from app.core.grid import PatchGrid
    from app.core.jsonsafe import dumps
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.evaluate import evaluate, metrics_markdown

    dataset = scan_dataset(args.data, val_fraction=args.val_fraction, seed=args.seed)  # malformed data fails first
    bundle = load_bundle(args.bundle)
    out = ensure_out_dir(args.out or Path("evaluation") / bundle.name)
    backend = open_backend(bundle, args.backend, args.device,
                           on_notice=lambda text: print(f"notice: {text}", file=sys.stderr))
    m = bundle.manifest
    metrics = evaluate(
        backend, dataset, m.preprocess, PatchGrid.of(m.vit), out, threshold=args.threshold,
        class_names=m.classes, batch=args.batch, workers=args.workers, progress=not args.json,
        baseline=not args.no_baseline,
    )
    metrics["bundle"] = bundle.summary()
    metrics["backend"] = backend.info.describe()
    try:
        (out / "metrics.json").write_text(dumps(metrics, nonfinite="null"), encoding="utf-8")
        (out / "metrics.md").write_text(metrics_markdown(metrics), encoding="utf-8")
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write to {out}: {exc.strerror}", path=str(out)) from exc
    if args.json:
        print(dumps(metrics, nonfinite="null"))  # an undefined metric (one class only) is null
        return 0
    img, px = metrics["image"], metrics["pixel"]
    f = lambda v: "–" if v is None else f"{v:.4f}"  # noqa: E731
    print(f"bundle {bundle.name} ({bundle.hash[:12]}) · {metrics['backend']} · {metrics['split_sizes']['test']} test images")
    print(f"threshold {metrics['threshold']['value']:.4f} ({metrics['threshold']['source']})")
    print(f"  image AUROC  {f(img['overall']['auroc'])}    F1 {f(metrics['at_threshold']['f1'])}")
    print(f"  pixel AUROC  {f(px['auroc'])}    AUPRO@{px['fpr_limit']:g} {f(px['aupro'])}")
    if metrics["baseline"] is not None:
        print(f"  baseline image AUROC {f(metrics['baseline']['image']['overall']['auroc'])}")
    for t, leaf in img["per_type"].items():
        per_d = "  ".join(f"{d} {f(v['auroc'])}" for d, v in img["per_type_difficulty"].get(t, {}).items())
        print(f"  {t:<16} {f(leaf['auroc'])}  {per_d}")
    missed = [k for k, v in metrics["targets"].items() if v["met"] is False]
    print("targets: all met" if not missed else f"targets not met: {', '.join(missed)}")
    print(f"wrote {out / 'metrics.json'}, {out / 'metrics.md'}, {out / 'confusion.png'}")
    return 0
