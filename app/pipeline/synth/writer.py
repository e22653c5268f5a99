"""Write a dataset in the (extended) MVTec AD layout, in parallel and resumably.

Work is cut into chunks of consecutive indices. A chunk is done when its record
``.parts/<split>_<start>_<count>.json`` exists, was written for the same config, and every
file it lists is present and complete; a rerun skips such chunks and redoes the rest.
PNGs are written to a temporary name and renamed, so a killed run leaves no half files.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import cv2
import numpy as np

from .render import MASK_THRESHOLD, RING, render_sample
from .spec import (
    GENERATOR_VERSION,
    NORMAL_CONTRAST,
    SPLIT_PREFIX,
    SUBTLE_CONTRAST,
    SURFACE_LEGEND,
    TEST_SEED,
    SynthConfig,
)

CHUNK = 64
SPLITS = ("train", "test")
CSV_FIELDS = ["split", "class", "name", "relpath", "surface_kind", "difficulty", "contrast_sigma", "area_px",
              "index", "mask_relpath", "surface_relpath"]


def _err(code: str, msg: str, **params):
    from app.core.errors import InspectorError

    return InspectorError(code, msg, **params)


def _png_ok(p: Path) -> bool:
    try:
        n = p.stat().st_size
        if n < 60:
            return False
        with open(p, "rb") as f:
            head = f.read(8)
            f.seek(-12, os.SEEK_END)
            tail = f.read(12)
        return head == b"\x89PNG\r\n\x1a\n" and b"IEND" in tail
    except OSError:
        return False


def _write_png(p: Path, arr: np.ndarray) -> None:
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".png", arr, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise _err("synth_write_failed", f"Could not encode {p.name}.", path=str(p))
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(buf.tobytes())
    os.replace(tmp, p)


def _part_path(root: Path, split: str, start: int, count: int) -> Path:
    return root / ".parts" / f"{split}_{start:07d}_{count}.json"


def _chunk_done(root: Path, cfg: SynthConfig, split: str, start: int, count: int) -> list[dict] | None:
    p = _part_path(root, split, start, count)
    try:
        rec = json.loads(p.read_text())
    except (OSError, ValueError):
        return None
    if rec.get("fingerprint") != cfg.fingerprint() or len(rec.get("rows", [])) != count:
        return None
    for r in rec["rows"]:
        for k in ("relpath", "mask_relpath", "surface_relpath"):
            if r.get(k) and not _png_ok(root / r[k]):
                return None
    return rec["rows"]


def _do_chunk(args) -> tuple[int, list[dict]]:
    root, cfg, split, start, count = args
    root = Path(root)
    rows = []
    seed = cfg.seed_for(split)
    for i in range(start, start + count):
        s = render_sample(seed, split, i, cfg)
        name = f"{SPLIT_PREFIX[split]}_{i:06d}.png"
        rel = f"{split}/{s.label}/{name}"
        _write_png(root / rel, s.image_HWC)
        srel = f"surface_masks/{split}/{s.label}/{name}"
        _write_png(root / srel, s.surface_HW)
        mrel = ""
        if s.label != "good":
            mrel = f"ground_truth/{s.label}/{name[:-4]}_mask.png"
            _write_png(root / mrel, s.mask_HW.astype(np.uint8) * 255)
        rows.append({
            "split": split, "class": s.label, "name": name, "relpath": rel, "surface_kind": s.surface_kind,
            "difficulty": s.difficulty, "contrast_sigma": round(float(s.contrast_sigma), 4),
            "area_px": int(s.area_px), "index": i, "mask_relpath": mrel, "surface_relpath": srel,
        })
    part = _part_path(root, split, start, count)
    part.parent.mkdir(parents=True, exist_ok=True)
    tmp = part.with_name(part.name + ".tmp")
    tmp.write_text(json.dumps({"fingerprint": cfg.fingerprint(), "rows": rows}))
    os.replace(tmp, part)
    return count, rows


def _init_worker():
    cv2.setNumThreads(1)


def _check_writable(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".write_probe"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as e:
        raise _err("synth_output_not_writable", f"Output folder {root} is not writable ({e.strerror or e}).",
                   path=str(root)) from None


def difficulty_summary(rows: list[dict]) -> dict:
    d = [r for r in rows if r["class"] != "good"]
    out: dict = {
        "contrast_definition": f"|mean grey inside mask - mean grey of ring {RING[0]}..{RING[1]} px around it| "
                               "/ sigma; sigma = 1.4826*MAD(g - GaussianBlur(g, 1px)) / 0.874 on the defect-free "
                               "image around the defect (grey levels, BT.601 luma)",
        "mask_definition": f"pixels whose value the defect changed by >= {MASK_THRESHOLD} grey level (max over RGB)",
        "subtle_target_sigma": list(SUBTLE_CONTRAST),
        "normal_target_sigma_loguniform": list(NORMAL_CONTRAST),
        "n_defective": len(d),
    }
    if d:
        sub = [r for r in d if r["difficulty"] == "subtle"]
        out["subtle_share"] = round(len(sub) / len(d), 4)
        per = {}
        for t in sorted({r["class"] for r in d}):
            rr = [r for r in d if r["class"] == t]
            per[t] = {
                "n": len(rr),
                "median_contrast_sigma": round(statistics.median(float(r["contrast_sigma"]) for r in rr), 3),
                "median_area_px": int(statistics.median(int(r["area_px"]) for r in rr)),
                "subtle": sum(r["difficulty"] == "subtle" for r in rr),
            }
        out["per_type"] = per
        if sub:
            cs = [float(r["contrast_sigma"]) for r in sub]
            out["subtle_contrast_range_measured"] = [round(min(cs), 3), round(max(cs), 3)]
            out["subtle_within_1_2_sigma"] = round(sum(1.0 <= c <= 2.0 for c in cs) / len(cs), 4)
    return out


def generate_dataset(root: Path, cfg: SynthConfig, workers: int = 2, progress: bool = True) -> dict:
    """Write the dataset under ``root``; resumable; returns the meta dict (also in meta.json)."""
    root = Path(root)
    if int(cfg.seed) == TEST_SEED:
        raise _err("synth_seed_collision", f"The train seed must differ from the held-out test seed {TEST_SEED}.",
                   seed=int(cfg.seed))
    if cfg.image_size < 32:
        raise _err("synth_bad_size", f"Image size {cfg.image_size} is too small (minimum 32).", size=cfg.image_size)
    _check_writable(root)
    tasks = []
    rows_by_chunk: dict[tuple, list[dict]] = {}
    for split in SPLITS:
        n = cfg.count_for(split)
        for start in range(0, n, CHUNK):
            cnt = min(CHUNK, n - start)
            done = _chunk_done(root, cfg, split, start, cnt)
            if done is None:
                tasks.append((str(root), cfg, split, start, cnt))
            else:
                rows_by_chunk[(split, start)] = done
    total = cfg.n_train + cfg.n_test
    # generation time summed over resumed calls, so a build's card can show what the data cost to make
    try:
        spent_before = float(json.loads((root / "meta.json").read_text()).get("generation_seconds", 0.0))
    except (OSError, ValueError, AttributeError):
        spent_before = 0.0
    t_start = time.perf_counter()
    from tqdm import tqdm

    bar = tqdm(total=total, initial=total - sum(t[4] for t in tasks), disable=not progress, file=sys.stderr,
               unit="img", desc="synth")
    try:
        if workers > 1 and len(tasks) > 4:  # spawn start-up (~1 s) only pays for larger datasets
            import multiprocessing as mp

            ctx = mp.get_context("spawn")  # fork after OpenCV threads have run can deadlock
            with ctx.Pool(min(workers, len(tasks)), initializer=_init_worker) as pool:
                for cnt, rows in pool.imap_unordered(_do_chunk, tasks):
                    rows_by_chunk[(rows[0]["split"], rows[0]["index"])] = rows
                    bar.update(cnt)
        else:
            for t in tasks:
                cnt, rows = _do_chunk(t)
                rows_by_chunk[(t[2], t[3])] = rows
                bar.update(cnt)
    except OSError as e:
        raise _err("synth_output_not_writable", f"Could not write under {root} ({e.strerror or e}).",
                   path=str(root)) from None
    finally:
        bar.close()
    spent = spent_before + (time.perf_counter() - t_start if tasks else 0.0)
    rows = [r for k in sorted(rows_by_chunk, key=lambda k: (SPLITS.index(k[0]), k[1])) for r in rows_by_chunk[k]]
    with open(root / "images.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows)
    (root / "surface_masks").mkdir(exist_ok=True)
    (root / "surface_masks" / "legend.json").write_text(json.dumps({str(k): v for k, v in SURFACE_LEGEND.items()},
                                                                   indent=1))
    counts: dict = defaultdict(Counter)
    for r in rows:
        counts[r["split"]][r["class"]] += 1
    kinds: dict = defaultdict(Counter)
    for r in rows:
        kinds[r["split"]][r["surface_kind"]] += 1
    meta = {
        "generator": "app.pipeline.synth",
        "generator_version": GENERATOR_VERSION,
        "config": cfg.fingerprint() | {"n_train": cfg.n_train, "n_test": cfg.n_test},
        "seeds": {"train": int(cfg.seed), "test": TEST_SEED},
        "image_size": [int(cfg.image_size), int(cfg.image_size), 3],
        "surface_kinds": list(cfg.surface_kinds),
        "defect_types": list(cfg.defect_types),
        "counts": {s: dict(sorted(c.items())) for s, c in counts.items()},
        "surface_kind_counts": {s: dict(sorted(c.items())) for s, c in kinds.items()},
        "surface_legend": {str(k): v for k, v in SURFACE_LEGEND.items()},
        "difficulty": {s: difficulty_summary([r for r in rows if r["split"] == s]) for s in SPLITS},
        "generation_seconds": round(spent, 3),
        "layout": {
            "images": "<split>/<class>/<name>.png",
            "defect_masks": "ground_truth/<defect>/<stem>_mask.png (0/255)",
            "surface_masks": "surface_masks/<split>/<class>/<name>.png (uint8 labels, see legend.json)",
        },
    }
    (root / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta
