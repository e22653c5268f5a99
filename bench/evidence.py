"""Rebuild docs/EVIDENCE.md: `rank-folder --cross-type` on the first N held-out test images of every defect type.

    python bench/evidence.py --bundle model_store/mixed --data runs/mixed/data --limit 40 --out docs/EVIDENCE.md

(the committed docs/EVIDENCE.md is of the mixed-surface bundle, then called `default`; without options it
reads the app's default bundle and its build's data, runs/<bundle folder>/data).

Each type's full tables stay in --work (summary.md, summary.csv, per_image.csv, evidence.json, chart.png,
cross_type.json); the rows of the cross-type matrix from every type are joined into one table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = (
    "# Evidence across many parts (default bundle)\n\n"
    "Produced by `python bench/evidence.py` (for each defect type, `python main.py rank-folder DATA --type TYPE "
    "--limit {limit} --controls {controls} --cross-type --backend onnx`) on {data}: the first {limit} held-out test "
    "images of the type (by name), each image's ground-truth mask as the region, up to 64 ranked latents (every latent "
    "active in the mask), seed 0, 2,000 bootstrap resamples. Bundle {bundle} {version} (sha256 {sha}…). Run {date}.\n\n"
    "**Controls.** For every ranked latent, whole replicates of two matched controls (`app/core/causal_controls.py`): "
    "a random latent drawn from the latents active anywhere in the image, switched down by the ranked latent's own "
    "activation mass inside the mask (or injected with its profile where it carries less), and a random direction "
    "with the ranked latent's per-patch token norms. {controls} controls of each kind per image are rounded up to "
    "whole replicates of one per ranked latent (R = ⌈{controls} / N⌉). Every comparison uses |Δscore|.\n\n"
    "**The best of N.** The top latent of an image is chosen after the fact, so it is compared with the best of as "
    "many controls: the share of images where it beats *every* control of both kinds is given beside the share "
    "expected if no latent were special (1/(R+1) per image), and its max-statistic p-value. The older comparison "
    "with single controls' 95th percentile is shown in brackets only to say how much it inflated the claim. Only "
    "the first rows of each latent table are shown (sorted by their share of images beating single controls' p95: "
    "a fixed latent, not a chosen one); the command writes the full tables.\n"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    from app.core.paths import default_bundle_dir

    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--data", default=None, help="MVTec-layout data (default: runs/<bundle folder>/data)")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--rows", type=int, default=4)
    ap.add_argument("--work", default="runs/evidence")
    ap.add_argument("--out", default="docs/EVIDENCE.md")
    ap.add_argument("--controls", type=int, default=64)
    ap.add_argument("--data-note", default="", help="how the data folder was made, for the header")
    args = ap.parse_args()
    args.data = args.data or str(Path("runs") / Path(args.bundle).name / "data")  # where build-bundle put it

    from app.core.type_specificity import matrix_markdown, merge_rows
    from app.pipeline.dataset import scan_dataset

    sections, rows, bundle = [], [], None
    for t in scan_dataset(args.data).defect_types:
        out = Path(args.work) / t
        cmd = [sys.executable, str(ROOT / "main.py"), "rank-folder", args.data, "--type", t, "--limit", str(args.limit),
               "--controls", str(args.controls), "--cross-type", "--bundle", args.bundle, "--backend", "onnx",
               "--out", str(out), "--quiet", "--json"]
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        bundle = res["bundle"]
        rows.append(res["cross_type"])
        md = (out / "summary.md").read_text(encoding="utf-8").splitlines()
        table_end = next(i for i, line in enumerate(md) if line.startswith("|---")) + 1 + args.rows
        sections.append("\n".join(md[:table_end]).replace("### ", "## ", 1) + "\n")
        print(f"{t}: {res['images']} images in {res['seconds']:.0f} s", file=sys.stderr)
    data = f"`{Path(args.data).name}`" + (f" ({args.data_note})" if args.data_note else "")
    head = HEADER.format(limit=args.limit, controls=args.controls, data=data, bundle=bundle.get("name", "?"),
                         version=bundle.get("version", "?"), sha=str(bundle.get("hash", ""))[:12],
                         date=datetime.date.today().isoformat())
    cross = ("## Type specificity: the cross-type matrix\n\n"
             "Rows: the parts of one type; columns: switching off the 5 latents most associated with each type (the "
             "dictionary's AP) inside the part's ground-truth mask. Cells: mean |Δscore| with a 95% bootstrap interval. "
             "*Own ÷ others* is the diagonal cell over the mean of the row's other cells (about 1: the sets are generic); "
             "*own ÷ matched random* is the diagonal over 3 random sets per part carrying the same activation mass.\n\n"
             + "\n".join(matrix_markdown(merge_rows(rows))) + "\n")
    Path(args.out).write_text(head + "\n" + "\n".join(sections) + "\n" + cross, encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
