"""Contact sheet: each cell shows the image and, beside it, a copy with the mask outlined."""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np

from .spec import SynthConfig, plan_sample


def _pick_plans(cfg: SynthConfig, split: str, n: int, scan: int = 4000) -> list[int]:
    seed = cfg.seed_for(split)
    plans = [(i, plan_sample(seed, split, i, cfg)) for i in range(scan)]
    chosen: list[int] = []
    seen = set()

    def take(pred, key):
        for i, p in plans:
            if len(chosen) >= n:
                return
            if i in chosen or not pred(p):
                continue
            k = key(p)
            if k in seen:
                continue
            seen.add(k)
            chosen.append(i)

    # every kind x (good + each defect) at normal difficulty, then subtle ones, then anything
    take(lambda p: p.difficulty != "subtle", lambda p: (p.surface_kind, p.label))
    take(lambda p: p.difficulty == "subtle", lambda p: ("subtle", p.label, p.surface_kind))
    take(lambda p: True, lambda p: ("any", p.label, p.surface_kind, len(chosen)))
    return chosen[:n]


def _cell(img: np.ndarray, mask: np.ndarray | None, text: str, thumb: int) -> np.ndarray:
    a = cv2.resize(img, (thumb, thumb), interpolation=cv2.INTER_AREA)
    b = a.copy()
    if mask is not None and mask.any():
        m = cv2.resize(mask.astype(np.uint8), (thumb, thumb), interpolation=cv2.INTER_NEAREST)
        cs, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        cv2.drawContours(b, cs, -1, (255, 40, 40), 1)
    strip = np.full((16, 2 * thumb + 2, 3), 255, np.uint8)
    cv2.putText(strip, text, (3, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (0, 0, 0), 1, cv2.LINE_AA)
    row = np.concatenate([a, np.full((thumb, 2, 3), 255, np.uint8), b], axis=1)
    return np.concatenate([row, strip], axis=0)


def _sheet(cells: list[np.ndarray], cols: int) -> np.ndarray:
    h, w = cells[0].shape[:2]
    rows = (len(cells) + cols - 1) // cols
    out = np.full((rows * (h + 4) + 4, cols * (w + 6) + 6, 3), 200, np.uint8)
    for k, c in enumerate(cells):
        r, q = divmod(k, cols)
        y, x = 4 + r * (h + 4), 6 + q * (w + 6)
        out[y:y + h, x:x + w] = c
    return out


def write_preview(source, out_png: Path, n: int = 48, split: str = "train", thumb: int = 160, cols: int = 6) -> Path:
    """``source`` is a dataset root written by ``generate_dataset`` or a ``SynthConfig`` (rendered
    on the fly). Writes a PNG contact sheet covering every surface kind and defect type."""
    from .render import render_sample

    out_png = Path(out_png)
    cells = []
    if isinstance(source, SynthConfig):
        cfg = source
        for i in _pick_plans(cfg, split, n):
            s = render_sample(cfg.seed_for(split), split, i, cfg)
            txt = f"{s.label} | {s.surface_kind}" + (f" | {s.difficulty} {s.contrast_sigma:.1f}s" if s.label != "good" else "")
            cells.append(_cell(s.image_HWC, s.mask_HW, txt, thumb))
    else:
        root = Path(source)
        with open(root / "images.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        seen, picked = set(), []
        for key in (lambda r: (r["surface_kind"], r["class"]), lambda r: (r["difficulty"], r["class"], r["surface_kind"]),
                    lambda r: r["name"]):
            for r in rows:
                if len(picked) >= n:
                    break
                k = key(r)
                if k not in seen and r not in picked:
                    seen.add(k)
                    picked.append(r)
        for r in picked:
            img = cv2.cvtColor(cv2.imread(str(root / r["relpath"]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            mask = None
            if r["class"] != "good":
                stem = Path(r["name"]).stem
                mp = root / "ground_truth" / r["class"] / f"{stem}_mask.png"
                mm = cv2.imread(str(mp), cv2.IMREAD_GRAYSCALE)
                mask = None if mm is None else mm > 127
            txt = f"{r['class']} | {r['surface_kind']}" + (
                f" | {r['difficulty']} {float(r['contrast_sigma']):.1f}s" if r["class"] != "good" else "")
            cells.append(_cell(img, mask, txt, thumb))
    if not cells:
        raise ValueError("nothing to preview")
    sheet = _sheet(cells, cols)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(out_png), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR)):
        from app.core.errors import InspectorError

        raise InspectorError("synth_write_failed", f"Could not write preview to {out_png}.", path=str(out_png))
    return out_png
