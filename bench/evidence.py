"""Rebuild docs/EVIDENCE.md: `rank-folder` on the first N held-out test images of every defect type.

    python bench/evidence.py --bundle model_store/default --data runs/default/data --limit 40 --out docs/EVIDENCE.md

Each type's full tables stay in --work (summary.md, summary.csv, per_image.csv, evidence.json, chart.png).
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
    "--limit {limit} --backend onnx`): the first {limit} held-out test images of the type (by name), each image's "
    "ground-truth mask as the region, 64 ranked latents and 64 + 64 controls per image, seed 0, 2,000 bootstrap "
    "resamples. Only the first rows of each table (latents sorted by their share of images beating the 95th control "
    "percentile) are shown; the command writes the full tables. \"Top-ranked latent beats p95 on 100%\" is inflated "
    "by choosing the top latent per image after the fact; the share of a fixed latent (the table) is the figure to "
    "quote. Bundle {bundle} {version} (sha256 {sha}…). Run {date}.\n"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", default="model_store/default")
    ap.add_argument("--data", default="runs/default/data")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--rows", type=int, default=4)
    ap.add_argument("--work", default="runs/evidence")
    ap.add_argument("--out", default="docs/EVIDENCE.md")
    args = ap.parse_args()

    from app.pipeline.dataset import scan_dataset

    sections, bundle = [], None
    for t in scan_dataset(args.data).defect_types:
        out = Path(args.work) / t
        cmd = [sys.executable, str(ROOT / "main.py"), "rank-folder", args.data, "--type", t, "--limit", str(args.limit),
               "--bundle", args.bundle, "--backend", "onnx", "--out", str(out), "--quiet", "--json"]
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        bundle = res["bundle"]
        md = (out / "summary.md").read_text(encoding="utf-8").splitlines()
        table_end = next(i for i, line in enumerate(md) if line.startswith("|---")) + 1 + args.rows
        sections.append("\n".join(md[:table_end]).replace("### ", "## ", 1) + "\n")
        print(f"{t}: {res['images']} images in {res['seconds']:.0f} s", file=sys.stderr)
    head = HEADER.format(limit=args.limit, bundle=bundle.get("name", "?"), version=bundle.get("version", "?"),
                         sha=str(bundle.get("hash", ""))[:12], date=datetime.date.today().isoformat())
    Path(args.out).write_text(head + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
