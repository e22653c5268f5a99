"""`main.py rank-folder`: evidence across an MVTec-layout folder for one defect type.

Each image of the type is ranked with its ground-truth mask as the region (held-out test
images by default); per latent: mean Δscore with a seeded 95 % bootstrap interval and the
share of images where it beats that image's 95th control percentile; per image, the best of its
ranked latents against the best of as many matched controls (max statistic). Writes summary.md,
summary.csv, per_image.csv, evidence.json and chart.png to --out.

With --cross-type, the same parts also get this type's row of the cross-type matrix
(``app.core.type_specificity``): the mean |Δscore| of switching off each defect type's associated
latents (the dictionary's top --set-size by AP) inside the ground-truth mask, the own-type ÷
other-types ratio, and own set ÷ matched random sets; written to cross_type.md and cross_type.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from app.cli.common import add_bundle_args, ensure_out_dir, open_session, print_json, to_jsonable
from app.core.errors import InspectorError
from app.core.images import load_image, load_mask


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="dataset folder in MVTec AD layout (train/, test/, ground_truth/)")
    add_bundle_args(p)
    p.add_argument("--type", required=True, dest="defect_type", help="defect type, e.g. scratch")
    p.add_argument("--split", default="test", choices=["test", "val", "train", "all"],
                   help="which images of the type (default: the held-out test split)")
    p.add_argument("--limit", type=int, help="at most N images (the first N by name)")
    p.add_argument("--top", type=int, default=64, help="latents ranked per image (default 64)")
    p.add_argument("--controls", type=int, default=64,
                   help="controls of each kind per image, run as whole replicates of one per ranked latent (default 64)")
    p.add_argument("--seed", type=int, default=0, help="seed of controls and bootstrap (default 0)")
    p.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples (default 2000)")
    p.add_argument("--out", help="output folder (default: ./rank-folder-TYPE)")
    p.add_argument("--json", action="store_true", help="print the evidence as one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--cross-type", action="store_true",
                   help="also measure every defect type's associated latents on these parts (this type's row of the cross-type matrix)")
    p.add_argument("--set-size", type=int, default=5, help="latents per type's associated set for --cross-type (default 5)")
    p.add_argument("--control-draws", type=int, default=3, help="matched random sets per part for --cross-type (default 3)")


def run(args: argparse.Namespace) -> int:
    from app.core.causal import rank_latents
    from app.core.causal_evidence import aggregate, image_evidence
    from app.pipeline.dataset import scan_dataset

    if args.limit is not None and args.limit < 1:
        raise InspectorError("bad_argument", f"--limit must be at least 1, got {args.limit}")
    if args.top < 1 or args.controls < 1:
        raise InspectorError("bad_argument", "--top and --controls must be at least 1")
    if args.cross_type and (args.set_size < 1 or args.control_draws < 1):
        raise InspectorError("bad_argument", "--set-size and --control-draws must be at least 1")
    ds = scan_dataset(args.folder)
    if args.defect_type not in ds.defect_types:
        raise InspectorError("unknown_type", f"no defect type '{args.defect_type}' in {args.folder}; it has: {', '.join(ds.defect_types)}")
    records = sorted((r for r in ds.records if r.label == args.defect_type and (args.split == "all" or r.split == args.split)),
                     key=lambda r: (r.split, r.name))
    if args.limit:
        records = records[: args.limit]
    if not records:
        raise InspectorError("no_images", f"no {args.split} images of type '{args.defect_type}' in {args.folder}")
    session = open_session(args)
    sets = _type_sets(session, args.set_size) if args.cross_type else None
    out_dir = ensure_out_dir(args.out or f"rank-folder-{args.defect_type}")
    per_image, parts = [], []
    t0 = time.perf_counter()
    for k, rec in enumerate(records):
        img = load_image(rec.path).pixels_HWC
        mask = load_mask(rec.mask_path, img.shape[:2])
        if not mask.any():
            if not args.quiet:
                print(f"skip {rec.name}: empty ground-truth mask", file=sys.stderr)
            continue
        a = session.analyze(img)
        res = rank_latents(session, mask, top=args.top, controls=args.controls, seed=args.seed)
        per_image.append(image_evidence(rec.name, res, a.codes_PS))
        if sets is not None:
            from app.core.type_specificity import part_effects

            parts.append(part_effects(session, mask, args.defect_type, rec.name, sets, control_draws=args.control_draws, seed=args.seed))
        if not args.quiet:
            print(f"[{k + 1}/{len(records)}] {rec.name}: top #{per_image[-1].top_latent} "
                  f"Δ {per_image[-1].deltas.get(per_image[-1].top_latent, 0.0):+.4f} "
                  f"({res.timings_ms['total']:.0f} ms)", file=sys.stderr)
    if not per_image:
        raise InspectorError("no_images", f"every '{args.defect_type}' image had an empty ground-truth mask")
    labels = {i: session.label(i) for i in {j for e in per_image for j in e.deltas}}
    ev = aggregate(args.defect_type, per_image, labels, seed=args.seed, n_boot=args.bootstrap, top=args.top, controls=args.controls)
    result = {**ev.to_json(), **session.backend_info(), "bundle": session.bundle.summary(),
              "folder": str(args.folder), "split": args.split, "seconds": time.perf_counter() - t0}
    cross = None
    if sets is not None:
        from app.core.type_specificity import cross_type_matrix

        cross = cross_type_matrix(parts, sets, n_boot=args.bootstrap, seed=args.seed).to_json()
        cross["parts"] = [p.to_json() for p in parts]
        result["cross_type"] = cross
    try:
        (out_dir / "summary.md").write_text(ev.to_markdown(), encoding="utf-8")
        (out_dir / "summary.csv").write_text(ev.to_csv(), encoding="utf-8")
        with open(out_dir / "per_image.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            cols = ["name", "baseline_score", "region_patches", "top_latent", "top_delta", "control_p50_abs",
                    "control_p95_abs", "top_beats_p95", "top_beats_median", "top_p_adjusted", "top_beats_all_controls",
                    "replicates", "control_max_abs"]
            w.writerow(cols)
            for e in ev.images:
                j = e.to_json()
                w.writerow([j[c] for c in cols])
        (out_dir / "evidence.json").write_text(json.dumps(to_jsonable(result), indent=2, ensure_ascii=False), encoding="utf-8")
        chart_png(out_dir / "chart.png", ev)
        if cross is not None:
            from app.core.type_specificity import matrix_markdown

            (out_dir / "cross_type.json").write_text(json.dumps(to_jsonable(cross), indent=2, ensure_ascii=False), encoding="utf-8")
            (out_dir / "cross_type.md").write_text("\n".join(matrix_markdown(cross)) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write to {out_dir}: {exc.strerror}") from exc
    if args.json:
        print_json(result)
    else:
        print(ev.to_markdown(rows=15))
        if cross is not None:
            from app.core.type_specificity import matrix_markdown

            print("\n".join(matrix_markdown(cross)))
        print(f"written to {out_dir}/ (summary.md, summary.csv, per_image.csv, evidence.json, chart.png"
              + (", cross_type.md, cross_type.json)" if cross is not None else ")"))
    return 0


def _type_sets(session, n: int) -> dict[str, list[int]]:  # noqa: ANN001
    """Each defect type's ``n`` latents of highest AP in the bundle's dictionary."""
    from app.core.type_specificity import associated_sets

    d = session.bundle.dictionary
    if d is None or not d.defect_classes:
        raise InspectorError("no_dictionary", "--cross-type needs the bundle's feature dictionary (latent AP per defect type)")
    cols = [d.region_classes.index(t) for t in d.defect_classes]
    return associated_sets(d.assoc_ap[:, cols], d.defect_classes, n)


def chart_png(path: Path, ev, rows: int = 20) -> None:  # noqa: ANN001
    """Horizontal bars: mean Δscore with its 95 % interval for the most convincing latents."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    lat = [e for e in ev.latents[:rows] if np.isfinite(e.mean_delta)]
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(lat), 4) + 1.5), dpi=110)
    y = np.arange(len(lat))[::-1]
    means = np.array([e.mean_delta for e in lat])
    lo = means - np.array([e.ci_low for e in lat])
    hi = np.array([e.ci_high for e in lat]) - means
    ax.barh(y, means, xerr=np.vstack([lo, hi]) if lat else None, color=["#c0392b" if m < 0 else "#2471a3" for m in means],
            ecolor="#333", capsize=2)
    ax.set_yticks(y, [f"#{e.id} {e.label[:28]}" for e in lat], fontsize=8)
    for yi, e in zip(y, lat):
        ax.annotate(f"beats p95 on {e.share_beats_p95:.0%}", (0, yi), xytext=(4, 0), textcoords="offset points",
                    fontsize=7, va="center", ha="left" if e.mean_delta <= 0 else "right")
    ax.axvline(0, color="#555", lw=0.8)
    ax.set_xlabel("mean Δ defect score when switched off in the defect region (95% bootstrap CI)")
    ax.set_title(f"{ev.defect_type}: {len(ev.images)} images · best latent beats every control on {ev.top_beats_all_share:.0%} "
                 f"(chance {ev.chance_beats_all:.0%})")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
