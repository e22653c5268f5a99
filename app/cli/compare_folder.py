"""`main.py compare-folder`: two bundles on the same folder of parts (issue #20).

    python main.py compare-folder DATA --bundle OLD --bundle NEW [--type T] [--limit N] [--json] [--out DIR]

DATA is a folder in MVTec AD layout (``train/``, ``test/``, ``ground_truth/``: the held-out test
split by default, verdicts checked against the ground truth, and each defect type's reasons
measured in its ground-truth regions) or a plain folder of part images (verdict agreement only).
Per part type: where the verdicts agree and differ, each at its bundle's own threshold, with
bootstrap intervals; the parts that changed verdict, each with the command that opens it in the
inspector; which latents carry each model's verdict on each defect type (rank-folder's evidence
for both) beside their counterparts in the other SAE (``app.core.compare``).

--out writes compare.json, summary.md, parts.csv and changed.csv, whole or not at all, and never
over an earlier run's files without --force.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from app.cli.common import ensure_out_dir, refuse_overwrite, write_all_or_nothing
from app.core.errors import InspectorError
from app.core.jsonsafe import dumps

RESULT_FILES = ("compare.json", "summary.md", "parts.csv", "changed.csv")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="parts: a folder in MVTec AD layout, or a plain folder of images")
    p.add_argument("--bundle", action="append", required=True, metavar="DIR",
                   help="a model bundle folder; give it twice: A (e.g. the model in production), then B (the candidate)")
    p.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx"])
    p.add_argument("--device", default="auto", help="auto, cpu or cuda:0")
    p.add_argument("--type", dest="defect_type", help="only parts of this type (a defect type, or 'good')")
    p.add_argument("--split", default="test", choices=["test", "val", "train", "all"],
                   help="MVTec layout: which parts (default: the held-out test split)")
    p.add_argument("--limit", type=int, help="at most N parts of each type (the first N by name)")
    p.add_argument("--top", type=int, default=64, help="latents ranked per part and model for the evidence (default 64)")
    p.add_argument("--controls", type=int, default=64, help="controls of each kind per part and model (default 64)")
    p.add_argument("--no-evidence", action="store_true", help="verdicts and counterparts only: no ranking in the defect regions")
    p.add_argument("--min-r", type=float, default=None,
                   help="correlation below which a latent has no counterpart (default 0.5)")
    p.add_argument("--seed", type=int, default=0, help="seed of controls and bootstrap (default 0)")
    p.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples (default 2000)")
    p.add_argument("--json", action="store_true", help="print the comparison as one JSON object")
    p.add_argument("--out", help="folder for compare.json, summary.md, parts.csv, changed.csv")
    p.add_argument("--force", action="store_true", help="replace the results of an earlier run in --out")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def list_parts(folder: str | Path, split: str = "test", part_type: str | None = None, limit: int | None = None) -> tuple[list, str]:
    """(the parts to compare, "mvtec" or "plain"). A folder with ``train/`` and ``test/`` is read in MVTec AD
    layout (``app.pipeline.dataset``); any other folder is a flat list of images without ground truth."""
    from app.core.compare.folder import GOOD, UNLABELLED, PartInput
    from app.core.file_listing import list_images

    root = Path(folder)
    if not root.is_dir():
        raise InspectorError("dataset_missing", f"folder not found: {root}", path=str(root))
    if (root / "train").is_dir() and (root / "test").is_dir():
        from app.pipeline.dataset import scan_dataset

        ds = scan_dataset(root)
        types = (GOOD, *ds.defect_types)
        if part_type is not None and part_type not in types:
            raise InspectorError("unknown_type", f"no part type '{part_type}' in {root}; it has: {', '.join(types)}")
        recs = sorted((r for r in ds.records if (split == "all" or r.split == split) and (part_type is None or r.label == part_type)),
                      key=lambda r: (r.label, r.split, r.name))
        parts = [PartInput(r.path, r.label, r.mask_path) for r in recs]
        layout = "mvtec"
    else:
        if part_type is not None and part_type != UNLABELLED:
            raise InspectorError("unknown_type", f"{root} is a plain folder of images without ground truth: it has no part "
                                                 f"types, so --type {part_type} selects nothing")
        parts = [PartInput(p, UNLABELLED) for p in list_images(root)]
        layout = "plain"
    if limit is not None:
        kept: dict[str, list] = {}
        for p in parts:
            kept.setdefault(p.part_type, [])
            if len(kept[p.part_type]) < limit:
                kept[p.part_type].append(p)
        parts = [p for group in kept.values() for p in group]
    if not parts:
        where = f"the {split} split of " if layout == "mvtec" else ""
        what = f"parts of type '{part_type}'" if part_type else "part images"
        raise InspectorError("no_images", f"no {what} in {where}{root}")
    return parts, layout


def open_command(path: str, bundle: str) -> str:
    """The command that opens a part in the inspector with a bundle."""
    return f"python main.py {shlex.quote(path)} --bundle {shlex.quote(bundle)}"


def run(args: argparse.Namespace) -> int:
    from app.core.bundle import load_bundle
    from app.core.compare.compatibility import check_comparable
    from app.core.compare.counterparts import MIN_R, default_cache
    from app.core.compare.folder import compare_folder
    from app.core.session import InspectionSession

    if len(args.bundle) != 2:
        raise InspectorError("bad_argument", f"give exactly two bundles (--bundle A --bundle B), got {len(args.bundle)}")
    if args.controls < 1:
        raise InspectorError("bad_argument", f"--controls must be at least 1, got {args.controls}")
    min_r = MIN_R if args.min_r is None else args.min_r
    if not (isinstance(min_r, float) and math.isfinite(min_r) and -1.0 <= min_r <= 1.0):
        raise InspectorError("bad_argument", f"--min-r must be a correlation in [-1, 1], got {args.min_r}")
    if args.out:
        refuse_overwrite(args.out, RESULT_FILES, args.force)
    parts, layout = list_parts(args.folder, args.split, args.defect_type, args.limit)  # a bad folder fails before any model loads
    bundles = [load_bundle(b) for b in args.bundle]
    check_comparable(*bundles)

    def notice(text: str) -> None:
        print(f"notice: {text}", file=sys.stderr)

    sa, sb = (InspectionSession.open(b, backend=args.backend, device=args.device, on_notice=notice) for b in bundles)
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if not args.quiet and done and (done % 10 == 0):
            print(f"[{done}/{total}] {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    def on_skip(path: str, why: str) -> None:
        if not args.quiet:
            print(f"skip {path}: {why}", file=sys.stderr)

    res = compare_folder(sa, sb, parts, evidence=not args.no_evidence, top=args.top, controls=args.controls, seed=args.seed,
                         n_boot=args.bootstrap, min_r=min_r, cache=default_cache(), progress=progress, on_skip=on_skip)
    result = res.to_json()
    for key, b in zip("ab", args.bundle):
        result[key]["path"] = b
    for p in result["changed"]:
        p["open"] = {"a": open_command(p["path"], args.bundle[0]), "b": open_command(p["path"], args.bundle[1])}
    result |= {"folder": str(args.folder), "layout": layout, "split": args.split if layout == "mvtec" else None,
               "type": args.defect_type, "limit": args.limit, "backends": {"a": sa.backend_info(), "b": sb.backend_info()},
               "seconds": time.perf_counter() - t0}
    text = dumps(result)  # a NaN is an error naming its field, before anything is written
    if args.out:
        out = ensure_out_dir(args.out)
        refuse_overwrite(out, RESULT_FILES, args.force)
        summary = res.to_markdown() + _open_markdown(result["changed"])
        write_all_or_nothing(out, {
            "compare.json": lambda p: p.write_text(text, encoding="utf-8"),
            "summary.md": lambda p: p.write_text(summary, encoding="utf-8"),
            "parts.csv": lambda p: p.write_text(_csv(result["per_part"]), encoding="utf-8"),
            "changed.csv": lambda p: p.write_text(_csv(result["changed"], with_open=True), encoding="utf-8"),
        })
    if args.json:
        print(text)
        return 0
    print(res.to_markdown(changed_rows=20) + _open_markdown(result["changed"], rows=5))
    if args.out:
        print(f"written to {args.out}/ ({', '.join(RESULT_FILES)})")
    return 0


_COLUMNS = ("path", "type", "truth", "score_a", "score_b", "reject_a", "reject_b", "class_a", "class_b", "changed", "sha256")


def _csv(rows: list[dict[str, Any]], with_open: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([*_COLUMNS, *(("open_a", "open_b") if with_open else ())])
    for r in rows:
        w.writerow([*(r[c] for c in _COLUMNS), *((r["open"]["a"], r["open"]["b"]) if with_open else ())])
    return buf.getvalue()


def _open_markdown(changed: list[dict[str, Any]], rows: int | None = None) -> str:
    if not changed:
        return ""
    shown = changed if rows is None else changed[:rows]
    lines = ["", "To open a part that changed verdict in the inspector, with either model:", "", "```"]
    for p in shown:
        lines += [p["open"]["a"], p["open"]["b"]]
    lines.append("```")
    if len(shown) < len(changed):
        lines.append(f"({len(changed) - len(shown)} more in changed.csv / the JSON)")
    return "\n".join(lines) + "\n"
