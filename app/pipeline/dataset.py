"""Reading inspection data in the MVTec AD folder layout, and splitting it.

Layout: ``train/good/``, ``test/good/``, ``test/<defect>/``, and
``ground_truth/<defect>/<name>_mask.png``. Defect images in ``train/<defect>/`` are used
when present (the synthetic generator writes them, since the ViT is trained supervised).

Splits, all deterministic from ``seed``:
- ``train/*`` is training data, except a ``val_fraction`` share (by a hash of the name)
  kept for validation (threshold choice, SAE selection);
- ``test/*`` is the held-out test split;
- when ``train/`` holds only good images (plain MVTec AD), each test defect image goes to
  train with probability 0.5 and to validation with 0.1, by the same hash, so a supervised
  ViT can be trained; the rest stays test. Good test images stay test.

Any defect folder names work (a hidden folder, ``.ipynb_checkpoints`` say, is skipped; ``ok`` is
reserved for the good class). ``surface_masks/`` is optional. A defect image's mask is
``ground_truth/<defect>/<name>_mask.<ext>`` (MVTec AD), or ``<name>.<ext>`` there.
"""

from __future__ import annotations

import csv
import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.core.errors import InspectorError
from app.core.preprocess import Preprocessing

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}


@dataclass(frozen=True)
class ImageRecord:
    split: str  # "train" | "val" | "test"
    label: str  # "good" or a defect type
    name: str  # file stem
    path: Path
    mask_path: Path | None
    surface_path: Path | None = None
    difficulty: str = "unknown"  # "none" for good, "normal" | "subtle" where recorded


@dataclass(frozen=True)
class InspectionDataset:
    root: Path
    defect_types: tuple[str, ...]
    records: tuple[ImageRecord, ...]
    surface_legend: dict[int, str]

    @property
    def classes(self) -> tuple[str, ...]:
        return ("ok", *self.defect_types)

    def split(self, name: str) -> list[ImageRecord]:
        return [r for r in self.records if r.split == name]

    def class_index(self, label: str) -> int:
        return 0 if label == "good" else 1 + self.defect_types.index(label)


def _unit_hash(seed: int, name: str) -> float:
    h = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))


def scan_dataset(root: str | Path, val_fraction: float = 0.1, seed: int = 0) -> InspectionDataset:
    root = Path(root)
    if not root.is_dir():
        raise InspectorError("dataset_missing", f"dataset folder not found: {root}", path=str(root))
    for need in ("train", "test", "train/good"):
        if not (root / need).is_dir():
            raise InspectorError("dataset_layout", f"{root} is not in MVTec AD layout: missing folder '{need}/'", path=str(root / need))
    defects = sorted(
        {p.name for split in ("train", "test") for p in (root / split).iterdir()
         if p.is_dir() and p.name != "good" and not p.name.startswith(".")}
    )
    if not defects:
        raise InspectorError("dataset_layout", f"{root}/test has no defect folders (test/<defect>/)")
    if reserved := [d for d in defects if d.lower() == "ok"]:
        raise InspectorError("dataset_layout", f"{root}: a defect folder may not be named '{reserved[0]}' (the good "
                             "class is 'good' in the folder and 'ok' in the bundle); rename it", path=str(root))
    difficulty = _read_difficulty(root)
    legend = _read_legend(root)
    train_has_defects = any((root / "train" / d).is_dir() and _images(root / "train" / d) for d in defects)
    records: list[ImageRecord] = []
    for split in ("train", "test"):
        for label in ["good", *defects]:
            folder = root / split / label
            if not folder.is_dir():
                continue
            for img in _images(folder):
                mask = _find_mask(root, label, img) if label != "good" else None
                u = _unit_hash(seed, f"{split}/{label}/{img.name}")
                if split == "train":
                    s = "val" if u < val_fraction else "train"
                elif label != "good" and not train_has_defects:
                    s = "train" if u < 0.5 else "val" if u < 0.6 else "test"
                else:
                    s = "test"
                surf = root / "surface_masks" / split / label / f"{img.stem}.png"
                records.append(
                    ImageRecord(s, label, img.stem, img, mask, surf if surf.is_file() else None,
                                difficulty.get(img.stem, "none" if label == "good" else "unknown"))
                )
    if not any(r.split == "train" for r in records):
        raise InspectorError("dataset_layout", f"{root} has no training images")
    return InspectionDataset(root, tuple(defects), tuple(records), legend)


def _find_mask(root: Path, label: str, img: Path) -> Path:
    folder = root / "ground_truth" / label
    for stem in (f"{img.stem}_mask", img.stem):
        for suffix in (".png", *sorted(IMAGE_SUFFIXES - {".png"})):
            if (folder / f"{stem}{suffix}").is_file():
                return folder / f"{stem}{suffix}"
    want = Path("ground_truth") / label / f"{img.stem}_mask.png"
    raise InspectorError("dataset_mask", f"missing ground-truth mask {want} for {img.relative_to(root)} (every defect "
                         "image needs one: white where the defect is)", path=str(root / want))


def _read_difficulty(root: Path) -> dict[str, str]:
    p = root / "images.csv"
    if not p.is_file():
        return {}
    with open(p, newline="", encoding="utf-8") as f:
        # keyed by file stem: the generator writes names with their extension
        return {Path(row["name"]).stem: row.get("difficulty", "unknown") for row in csv.DictReader(f)}


def _read_legend(root: Path) -> dict[int, str]:
    p = root / "surface_masks" / "legend.json"
    if not p.is_file():
        return {}
    raw = json.loads(p.read_text(encoding="utf-8"))
    return {int(k): str(v) for k, v in raw.items() if int(k) != 0}


# --- decoded pools --------------------------------------------------------------------


def class_index_of(label: str, classes: tuple[str, ...]) -> int:
    """A folder label's index among a model's classes (``classes[0]`` is the good class).

    A defect type the model has a class of that name for gets it; with a binary OK/NG model every
    defect type is its one defect class; otherwise -1 (a defect the model has no class for: it is
    still scored as a defect, just not counted in the class confusion)."""
    if label in ("good", classes[0]):
        return 0
    if label in classes:
        return classes.index(label)
    return 1 if len(classes) == 2 else -1


@dataclass(frozen=True)
class Pool:
    """Decoded images as the model sees them (at its input size) with per-patch targets."""

    images_NHWC: np.ndarray  # uint8 [N, h, w, 3]
    labels_N: np.ndarray  # int64 [N] class index (0 = ok, -1 = a defect type the model has no class for)
    cover_NP: np.ndarray  # float16 [N, P] defect-mask area fraction per patch
    records: tuple[ImageRecord, ...]


def _load_one(args: tuple[ImageRecord, tuple[int, int], tuple[int, int], dict | None]) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    from app.core.grid import PatchGrid, mask_to_patch_weights
    from app.core.images import load_image, load_mask
    from app.core.preprocess import Preprocessing, fit_to_input

    rec, (h, w), (gh, gw), prep_json = args
    img = load_image(rec.path).pixels_HWC
    if prep_json is None:  # the app's own training: the whole image, area-resized
        small, box = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA), None
    else:
        prep = Preprocessing.from_json(prep_json)
        small, box = fit_to_input(img, prep), prep.view_box(img.shape[:2])
    if rec.mask_path is None:
        cover = np.zeros(gh * gw, np.float16)
    else:
        mask = load_mask(rec.mask_path, img.shape[:2])
        cover = mask_to_patch_weights(mask, PatchGrid(gh, gw), box=box).astype(np.float16)
    return small, cover


def load_pool(
    records: list[ImageRecord], classes: tuple[str, ...], size: int | tuple[int, int], grid: int | tuple[int, int],
    workers: int = 2, cache: Path | None = None, progress: bool = True, *, prep: Preprocessing | None = None,
) -> Pool:
    """Decode, resize and cache a list of records (a .npz-free raw cache: uint8 + float16 .npy).

    With ``prep`` the images are what the model sees (``fit_to_input``: a centre crop for timm's
    policy) and the defect cover is measured inside its view box; without it, the whole image is
    area-resized to ``size`` (the app's own training path)."""
    hw = (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))
    ghw = (grid, grid) if isinstance(grid, int) else (int(grid[0]), int(grid[1]))
    prep_json = prep.to_json() if prep is not None else None
    if prep is not None:
        hw = tuple(prep.input_size)
    key_parts = [size, grid] if prep is None else [list(hw), list(ghw), prep_json]  # the first: the key pools always had
    key = hashlib.sha256(json.dumps([str(r.path) for r in records] + key_parts).encode()).hexdigest()[:16]
    labels = np.array([class_index_of(r.label, tuple("good" if c == "ok" else c for c in classes)) for r in records], np.int64)
    if cache is not None:
        ip, cp = cache / f"pool_{key}_images.npy", cache / f"pool_{key}_cover.npy"
        if ip.is_file() and cp.is_file():
            return Pool(np.load(ip, mmap_mode="r"), labels, np.load(cp), tuple(records))
    images = np.empty((len(records), *hw, 3), np.uint8)
    cover = np.empty((len(records), ghw[0] * ghw[1]), np.float16)
    jobs = [(r, hw, ghw, prep_json) for r in records]
    from tqdm import tqdm

    bar = tqdm(total=len(jobs), desc="decoding images", unit="img", disable=not progress)
    if workers > 1 and len(jobs) > 1024:  # spawning workers costs ~1 s each: only worth it for large pools
        import multiprocessing as mp

        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
            for i, (im, cv) in enumerate(ex.map(_load_one, jobs, chunksize=64)):
                images[i], cover[i] = im, cv
                bar.update()
    else:
        for i, job in enumerate(jobs):
            images[i], cover[i] = _load_one(job)
            bar.update()
    bar.close()
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        np.save(cache / f"pool_{key}_images.npy", images)
        np.save(cache / f"pool_{key}_cover.npy", cover)
    return Pool(images, labels, cover, tuple(records))
