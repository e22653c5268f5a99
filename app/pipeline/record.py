"""Recording the hooked layer's patch tokens over a dataset, for SAE training and the dictionary.

Output folder:
- ``header.json``: ViT SHA-256, layer, preprocessing, token layout, counts, element names;
- ``acts_rank{r}.f16``: float16 [n_images_r * P, D], memory-mapped, sequential reads;
- ``images.json``: per image (in recorded order): path, split, label, difficulty, rank, row;
- ``defect_cover.npy`` float16 [N, P] (area fraction of the defect mask per patch),
  ``defect_label.npy`` uint8 [N, P] (defect class index, 0 = ok, where cover >= 2%),
  ``surface_cover.npy`` float16 [N, P, E] (area fraction of each surface element).

A patch gets a region class when at least 2% of its pixels belong to it, so thin scratches
are kept; covers are measured inside the part of the image the model sees (``view_box``: the
centre crop of timm's preprocessing). Truncated or mismatched shards are detected at open and named.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.errors import InspectorError
from app.core.grid import PatchGrid, mask_to_patch_weights
from app.core.preprocess import Preprocessing, preprocess_batch
from app.pipeline.dataset import ImageRecord, InspectionDataset

LABEL_MIN_COVER = 0.02
FORMAT = "sae-inspector-activations/1"


def pick_records(ds: InspectionDataset, n_train: int, n_val: int, n_test: int, seed: int) -> list[ImageRecord]:
    """A seeded subset of each split (``n`` of 0, or more than the split holds, takes it all), in split order."""
    rng = np.random.default_rng(seed)
    out: list[ImageRecord] = []
    for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
        recs = ds.split(split)
        if n and n < len(recs):
            recs = [recs[i] for i in sorted(rng.choice(len(recs), n, replace=False))]
        out += recs
    return out


def _surface_cover(rec: ImageRecord, elements: list[int], grid: PatchGrid, hw: tuple[int, int],
                   box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    import cv2

    out = np.zeros((grid.num_patches, len(elements)), np.float16)
    if rec.surface_path is None:
        return out
    lab = cv2.imread(str(rec.surface_path), cv2.IMREAD_UNCHANGED)
    if lab is None:
        return out
    if lab.ndim == 3:
        lab = lab[..., 0]
    if lab.shape[:2] != hw:
        lab = cv2.resize(lab, (hw[1], hw[0]), interpolation=cv2.INTER_NEAREST)
    for j, e in enumerate(elements):
        out[:, j] = mask_to_patch_weights(lab == e, grid, box=box)
    return out


def record_activations(
    runner: Any,  # numpy ``prefix(pixels_BCHW) -> tokens_BTD`` (a Backend or TorchModelRunner)
    dataset: InspectionDataset,
    records: Sequence[ImageRecord],
    prep: Preprocessing,
    grid: PatchGrid,
    out_dir: Path,
    *,
    vit_sha256: str,
    layer: int,
    batch: int = 32,
    progress: bool = True,
    world: Any = None,
) -> Path:
    from tqdm import tqdm

    from app.core.images import load_image, load_mask

    rank, size = (world.rank, world.size) if world is not None else (0, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    mine = [i for i in range(len(records)) if i % size == rank]
    elements = sorted(dataset.surface_legend)
    n_p = grid.num_patches
    shard = out_dir / f"acts_rank{rank}.f16"
    d_model = None
    acts = None
    cover = np.zeros((len(mine), n_p), np.float16)
    surf = np.zeros((len(mine), n_p, len(elements)), np.float16)
    bar = tqdm(total=len(mine), unit="img", desc=f"record layer {layer}", disable=not progress or rank != 0)
    for start in range(0, len(mine), batch):
        idx = mine[start : start + batch]
        imgs, hws = [], []
        for j, i in enumerate(idx):
            rec = records[i]
            im = load_image(rec.path).pixels_HWC
            imgs.append(im)
            hws.append(im.shape[:2])
            box = prep.view_box(im.shape[:2])
            if rec.mask_path is not None:
                cover[start + j] = mask_to_patch_weights(load_mask(rec.mask_path, im.shape[:2]), grid, box=box)
            surf[start + j] = _surface_cover(rec, elements, grid, im.shape[:2], box)
        pixels = np.concatenate([preprocess_batch(im[None], prep) for im in imgs])
        tokens = runner.prefix(pixels)[:, grid.num_prefix_tokens :]  # patch tokens only
        if acts is None:
            d_model = tokens.shape[-1]
            acts = np.memmap(shard, np.float16, "w+", shape=(len(mine) * n_p, d_model))
        acts[start * n_p : (start + len(idx)) * n_p] = tokens.reshape(-1, d_model).astype(np.float16)
        bar.update(len(idx))
    bar.close()
    if acts is not None:
        acts.flush()
    np.save(out_dir / f"defect_cover_rank{rank}.npy", cover)
    np.save(out_dir / f"surface_cover_rank{rank}.npy", surf)
    meta = {
        "rank": rank, "images": len(mine), "d_model": d_model,
        "rows": [{"path": str(records[i].path), "name": records[i].name, "split": records[i].split,
                  "label": records[i].label, "difficulty": records[i].difficulty} for i in mine],
    }
    (out_dir / f"images_rank{rank}.json").write_text(json.dumps(meta))
    if world is not None:
        from app.pipeline.distributed import barrier

        barrier(world)
    if rank == 0:
        header = {
            "format": FORMAT, "vit_sha256": vit_sha256, "layer": layer, "preprocess": prep.to_json(),
            "token_layout": "patch tokens only (CLS dropped), row-major over the grid, P per image",
            "grid": [grid.grid_h, grid.grid_w], "num_patches": n_p, "d_model": d_model, "dtype": "float16",
            "world_size": size, "classes": list(dataset.classes), "defect_types": list(dataset.defect_types),
            "surface_elements": [dataset.surface_legend[e] for e in elements], "label_min_cover": LABEL_MIN_COVER,
            "images": len(records), "data_root": str(dataset.root),
        }
        (out_dir / "header.json").write_text(json.dumps(header, indent=1))
    return out_dir


@dataclass(frozen=True)
class Recording:
    """All ranks' shards of one recording, opened and checked."""

    header: dict[str, Any]
    acts: list[np.memmap]  # per rank: float16 [n_r * P, D]
    rows: list[dict[str, Any]]  # per image, ranks concatenated in order
    defect_cover_NP: np.ndarray  # float16 [N, P]
    surface_cover_NPE: np.ndarray  # float16 [N, P, E]
    image_offsets: list[tuple[int, int]]  # per image: (rank, first token row in that rank's shard)

    @property
    def num_images(self) -> int:
        return len(self.rows)

    @property
    def num_patches(self) -> int:
        return int(self.header["num_patches"])

    @property
    def d_model(self) -> int:
        return int(self.header["d_model"])

    def defect_label_NP(self) -> np.ndarray:
        """uint8 [N, P]: defect class index per patch (0 = ok) where cover >= 2%."""
        types = self.header["defect_types"]
        lab = np.zeros(self.defect_cover_NP.shape, np.uint8)
        for i, row in enumerate(self.rows):
            if row["label"] != "good":
                lab[i, self.defect_cover_NP[i] >= LABEL_MIN_COVER] = 1 + types.index(row["label"])
        return lab

    def image_tokens(self, i: int) -> np.ndarray:
        r, start = self.image_offsets[i]
        return np.asarray(self.acts[r][start : start + self.num_patches], np.float32)

    def tokens_for(self, image_ids: Sequence[int]) -> np.ndarray:
        """float32 [len(ids) * P, D], in the given image order."""
        return np.concatenate([self.image_tokens(i) for i in image_ids]) if len(image_ids) else np.zeros((0, self.d_model), np.float32)

    def split_ids(self, split: str) -> list[int]:
        return [i for i, r in enumerate(self.rows) if r["split"] == split]


def open_recording(folder: str | Path, vit_sha256: str | None = None, layer: int | None = None) -> Recording:
    folder = Path(folder)
    hp = folder / "header.json"
    if not hp.is_file():
        raise InspectorError("recording_missing", f"{folder} holds no recording (header.json missing)")
    h = json.loads(hp.read_text())
    if h.get("format") != FORMAT:
        raise InspectorError("recording_format", f"{hp}: unknown recording format {h.get('format')!r}")
    if vit_sha256 is not None and h["vit_sha256"] != vit_sha256:
        raise InspectorError("recording_mismatch", f"recording was made with ViT {h['vit_sha256'][:12]}…, not {vit_sha256[:12]}…")
    if layer is not None and h["layer"] != layer:
        raise InspectorError("recording_mismatch", f"recording is of layer {h['layer']}, not {layer}")
    p, d = h["num_patches"], h["d_model"]
    acts, rows, covers, surfs, offsets = [], [], [], [], []
    for r in range(h["world_size"]):
        meta_p, shard = folder / f"images_rank{r}.json", folder / f"acts_rank{r}.f16"
        if not meta_p.is_file() or not shard.is_file():
            raise InspectorError("recording_truncated", f"recording shard of rank {r} is missing ({shard.name})")
        meta = json.loads(meta_p.read_text())
        expect = meta["images"] * p * d * 2
        if shard.stat().st_size != expect:
            raise InspectorError(
                "recording_truncated", f"{shard.name} is truncated or mismatched: {shard.stat().st_size} bytes, expected {expect}"
            )
        acts.append(np.memmap(shard, np.float16, "r", shape=(meta["images"] * p, d)))
        rows += meta["rows"]
        offsets += [(r, j * p) for j in range(meta["images"])]
        covers.append(np.load(folder / f"defect_cover_rank{r}.npy"))
        surfs.append(np.load(folder / f"surface_cover_rank{r}.npy"))
    return Recording(h, acts, rows, np.concatenate(covers), np.concatenate(surfs), offsets)


def defect_patch_tokens(sources: Sequence[tuple[Recording, Sequence[int]]]) -> tuple[np.ndarray, dict[str, int]]:
    """float32 [F, D]: the tokens of every defect patch (cover >= ``LABEL_MIN_COVER``, the
    labels' rule) of the given images of each recording (the SAE grid's focus pool), and
    {"images", "tokens"}: how many defective images and tokens it holds."""
    parts, n_images = [], 0
    for rec, ids in sources:
        for i in ids:
            if rec.rows[i]["label"] == "good":
                continue
            hit_P = np.asarray(rec.defect_cover_NP[i], np.float32) >= LABEL_MIN_COVER
            if hit_P.any():
                parts.append(rec.image_tokens(i)[hit_P])
                n_images += 1
    d = sources[0][0].d_model if sources else 0
    tokens_FD = np.concatenate(parts) if parts else np.zeros((0, d), np.float32)
    return tokens_FD, {"images": n_images, "tokens": int(len(tokens_FD))}
