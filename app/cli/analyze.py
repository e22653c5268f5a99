"""`main.py analyze`: one image, an optional mask and latent edits, verdicts and heatmaps."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from app.cli.common import (
    add_bundle_args,
    ensure_out_dir,
    open_and_analyze,
    parse_edits,
    refuse_overwrite,
    write_all_or_nothing,
)
from app.core.jsonsafe import dumps
from app.core.ood import session_reading

RESULT_FILES = ("analysis.json", "defect_map_before.png", "defect_map_after.png", "defect_map_diff.png")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", help="part image (PNG, JPEG, TIFF, ...)")
    add_bundle_args(p)
    p.add_argument("--mask", help="region mask PNG (nonzero = inside); scaled to the image if sizes differ")
    p.add_argument("--edit", action="append", metavar="ID:OP", help="ID:off | ID:scale=A | ID:set=V | ID:add=V (repeat)")
    p.add_argument("--recon-only", action="store_true", help="replace the region's tokens by the SAE reconstruction")
    p.add_argument("--top", type=int, default=20, help="latents in the mask to list")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--out", help="folder for the JSON and heatmap PNGs (written whole or not at all)")
    p.add_argument("--force", action="store_true", help="replace the results of an earlier run in --out")


def classes_dict(names: tuple[str, ...], probs: np.ndarray) -> dict[str, float]:
    return {n: float(p) for n, p in zip(names, probs)}


def run(args: argparse.Namespace) -> int:
    edits = parse_edits(args.edit)  # malformed edits fail before any model loads
    if args.out:
        refuse_overwrite(args.out, RESULT_FILES, args.force)
    img, session, mask, t_an = open_and_analyze(args)
    analysis = session.analysis
    t0 = time.perf_counter()
    edited = session.intervene(mask, edits, recon_only=args.recon_only)
    t_iv = (time.perf_counter() - t0) * 1e3
    m_P = session.patch_weights(mask)
    names = session.class_names
    result = {
        **session.backend_info(),
        "bundle": session.bundle.summary(),
        "image": {
            "path": img.path, "sha256": img.sha256, "width": img.size[0], "height": img.size[1],
            "original_width": img.original_size[0], "original_height": img.original_size[1], "notes": list(img.notes),
        },
        "threshold": session.bundle.manifest.threshold,
        "baseline": {"score": analysis.baseline.score, "classes": classes_dict(names, analysis.baseline.class_probs)},
        "edited": {"score": edited.score, "classes": classes_dict(names, edited.class_probs)},
        "edits": [{"latent": e.latent, "op": e.op, "value": e.value} for e in edits],
        "recon_only": bool(args.recon_only),
        "mask": {"pixels": int(np.count_nonzero(mask)) if mask is not None else 0,
                 "patches": int(np.count_nonzero(m_P > 0)) if mask is not None else 0, "whole_image": mask is None},
        "latents_in_mask": [
            {"id": s.id, "label": s.label, "excess": s.excess, "activation": s.activation, "mean_in": s.mean_in,
             "mean_out": s.mean_out, "frequency": s.frequency, "strongest_on": _strongest(session, s.id)}
            for s in session.latents_in_mask(mask, top=args.top)
        ],
        "timings_ms": {"analyze": t_an, "intervene": t_iv},
        "notices": list(session.backend.notices),
        "ood": session_reading(session).to_json(),  # "unlike the training parts" (app.core.ood)
    }
    text = dumps(result)  # a NaN verdict is an error naming its field, before anything is written
    if args.out:
        out = ensure_out_dir(args.out)
        refuse_overwrite(out, RESULT_FILES, args.force)  # again: another run may have finished meanwhile
        writers = {"analysis.json": lambda p: p.write_text(text, encoding="utf-8")}
        writers |= _figure_writers(img.pixels_HWC, analysis.baseline.patch_map, edited.patch_map, mask)
        write_all_or_nothing(out, writers)
    if args.json:
        print(text)
    else:
        verdict = lambda s: "DEFECT" if s >= result["threshold"] else "OK"  # noqa: E731
        b, e = analysis.baseline.score, edited.score
        print(f"{Path(img.path).name}: score {b:.4f} ({verdict(b)})" + (f" -> {e:.4f} ({verdict(e)}) after edits" if edits or args.recon_only else ""))
        print(f"backend {result['backend']} · {result['device']} · {result['provider']}")
        if result["ood"]["unusual"]:
            print(f"  notice: unlike the training parts (SAE reconstruction error {result['ood']['value']:.3g} > "
                  f"{result['ood']['flag_above']:.3g}); the verdict may mean nothing for this image")
        if result["latents_in_mask"]:
            print("  latent  excess (in-mask activation beyond the rest of the image)  label")
        else:
            print("  no latent is more active in the region than in the rest of the image")
        for s in result["latents_in_mask"][:10]:
            print(f"  #{s['id']:<5} {s['excess']:9.3f}  {s['label']}")
            if s["strongest_on"]:
                print(f"  {'':15}fires hardest on {s['strongest_on']['text']}")
    return 0


def _strongest(session, latent: int) -> dict | None:  # noqa: ANN001
    """Where the latent fires hardest on held-out parts, from the dictionary (None in older bundles)."""
    d = session.bundle.dictionary
    if d is None or d.strongest_parts(latent) == 0:
        return None
    return {"parts": d.strongest_parts(latent), "shares": dict(d.strongest_on(latent, min_share=0.0)),
            "text": d.strongest_on_text(latent)}


def _figure_writers(image, before_hw, after_hw, mask) -> dict:  # noqa: ANN001
    """name -> a function writing that heatmap figure to a given path."""
    from app.report.figures import heatmap_png

    if before_hw is None or after_hw is None:  # a model without a patch head: the JSON alone
        return {}
    return {
        "defect_map_before.png": lambda p: heatmap_png(p, image, before_hw, title="defect map, before (0–1)", region_HW=mask),
        "defect_map_after.png": lambda p: heatmap_png(p, image, after_hw, title="defect map, after edits (0–1)", region_HW=mask),
        "defect_map_diff.png": lambda p: heatmap_png(p, image, after_hw - before_hw, title="after − before (−1..1)",
                                                     diverging=True, region_HW=mask),
    }
