"""Building the feature dictionary from a recording: statistics, exemplars, crops, labels.

- Statistics (frequency, mean, p99, max, histogram) and exemplars come from the TRAIN
  images' tokens, streamed in chunks of images: codes are never held densely beyond one chunk.
- Exemplars are (value, image, patch) triples: a running top-k per latent by activation,
  plus a seeded uniform sample of positive activations (bottom-k of random keys). Full
  activation maps are never stored (saev ran out of memory doing that); each exemplar's map
  is recomputed from its image's tokens when its crop is drawn.
- Crops show the patch with half a cell of context on each side, square in the image's own
  pixels, with the latent's activation upsampled smoothly (``upsample_to_image``) and blended
  as a translucent heat overlay on one absolute scale per latent (its training maximum).
- Association: on TEST images (subsampled to ``max_test_tokens``, seeded), the AP of each
  latent as a detector of each region class's patches, and the patch AUROC ok-vs-defect.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import cv2
import numpy as np
import scipy.sparse as sp

from app.core.dictionary import ANY_DEFECT, WEAK_AP, FeatureDictionary, auto_label, encode_strip
from app.core.errors import InspectorError
from app.core.grid import upsample_to_image
from app.core.images import load_image
from app.core.preprocess import Preprocessing
from app.core.sae import SAEConfig, SAEWeights, encode
from app.pipeline.latent_stats import (
    LatentStatsAccumulator,
    ap_matrix,
    auroc_matrix,
    descending_order,
    first_per_latent,
    strongest_images_share,
)
from app.pipeline.record import LABEL_MIN_COVER, Recording

HIST_BINS = 20
JPEG_QUALITIES = (85, 75, 65, 50)
CHUNK_TOKENS = 8192  # tokens encoded at once (dense codes of one chunk: CHUNK_TOKENS x S floats)
_PAD_GRAY = 114


# A surface element on more than this share of the test patches is the part's background, not a region.
MAX_SURFACE_SHARE = 0.9


def _chunks(ids: Sequence[int], per_chunk: int) -> list[list[int]]:
    ids = list(ids)
    return [ids[i : i + per_chunk] for i in range(0, len(ids), per_chunk)]


def _codes_csc(recording: Recording, cfg: SAEConfig, w: SAEWeights, ids: Sequence[int]) -> sp.csc_matrix:
    z = encode(w, cfg, recording.tokens_for(ids))
    m = sp.csc_matrix(np.where(z > 0, z, 0).astype(np.float32))
    m.eliminate_zeros()
    return m


def _entries(csc: sp.csc_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(latent, row, value) of the nonzero entries, latent-major."""
    lat = np.repeat(np.arange(csc.shape[1], dtype=np.int64), np.diff(csc.indptr))
    return lat, csc.indices.astype(np.int64), csc.data


class _RunningTop:
    """Per latent, the ``k`` entries with the largest score seen so far (ties: earliest kept)."""

    def __init__(self, width: int, k: int) -> None:
        self.k = k
        self.score = np.full((width, k), -np.inf)
        self.value = np.zeros((width, k), np.float32)
        self.image = np.full((width, k), -1, np.int64)
        self.patch = np.full((width, k), -1, np.int64)

    def add(self, lat: np.ndarray, score: np.ndarray, value: np.ndarray, image: np.ndarray, patch: np.ndarray) -> None:
        if self.k == 0 or lat.size == 0:
            return
        order = descending_order(lat, score)
        lat, score, value, image, patch = lat[order], score[order], value[order], image[order], patch[order]
        keep, rank = first_per_latent(lat, self.k)
        lat, rank = lat[keep], rank[keep]
        s_, k = self.score.shape
        cand = [np.full((s_, k), -np.inf), np.zeros((s_, k), np.float32), np.full((s_, k), -1, np.int64),
                np.full((s_, k), -1, np.int64)]
        for arr, src in zip(cand, (score, value, image, patch), strict=True):
            arr[lat, rank] = src[keep]
        all_score = np.concatenate([self.score, cand[0]], axis=1)
        pick = np.argsort(-all_score, axis=1, kind="stable")[:, :k]
        self.score = np.take_along_axis(all_score, pick, axis=1)
        self.value = np.take_along_axis(np.concatenate([self.value, cand[1]], axis=1), pick, axis=1)
        self.image = np.take_along_axis(np.concatenate([self.image, cand[2]], axis=1), pick, axis=1)
        self.patch = np.take_along_axis(np.concatenate([self.patch, cand[3]], axis=1), pick, axis=1)
        # empty slots: keep them marked
        empty = ~np.isfinite(self.score)
        self.image[empty], self.patch[empty], self.value[empty] = -1, -1, 0.0


def portable_root(root: str, data_root: str | None) -> str:
    """The exemplars' folder as the data folder's name and the path inside it ("data/train"), never
    an absolute path of the build machine (a bundle is committed and shipped). Resolve it against
    the parent of the recording's ``data_root``."""
    if not root:
        return ""
    if data_root:
        rel = os.path.relpath(root, os.path.dirname(os.path.abspath(data_root)))
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return os.path.basename(os.path.normpath(root))


def _relative_names(paths: list[str]) -> tuple[list[str], str]:
    if not paths:
        return [], ""
    root = os.path.commonpath([os.path.dirname(p) for p in paths]) if len(paths) > 1 else os.path.dirname(paths[0])
    return [os.path.relpath(p, root).replace(os.sep, "/") for p in paths], root


def _crop_geometry(hw: tuple[int, int], grid_hw: tuple[int, int], crop_size: int) -> tuple[float, tuple[int, int]]:
    """Scale of the working copy (<= 1) so a crop (the cell + half a cell each side) is ~crop_size px."""
    h, w = hw
    side = 2.0 * max(h / grid_hw[0], w / grid_hw[1])
    scale = min(1.0, crop_size / side)
    return scale, (max(1, round(h * scale)), max(1, round(w * scale)))


_INFERNO_RGB: np.ndarray | None = None


def _heat_colors(h: np.ndarray) -> np.ndarray:
    """0..1 map [c, c] -> RGB float [c, c, 3] (inferno, from a cached lookup table)."""
    global _INFERNO_RGB
    if _INFERNO_RGB is None:
        lut = cv2.applyColorMap(np.arange(256, dtype=np.uint8)[:, None], cv2.COLORMAP_INFERNO)
        _INFERNO_RGB = lut[:, 0, ::-1].astype(np.float32)
    return _INFERNO_RGB[np.clip(h * 255.0 + 0.5, 0, 255).astype(np.uint8)]


class _ImageCrops:
    """One source image, prepared once (working copy, padding) for all its exemplar crops."""

    def __init__(self, image_HWC: np.ndarray, grid_hw: tuple[int, int], crop_size: int) -> None:
        self.grid_hw, self.crop_size = grid_hw, crop_size
        scale, self.hw = _crop_geometry(image_HWC.shape[:2], grid_hw, crop_size)
        img = image_HWC if scale >= 1.0 else cv2.resize(image_HWC, (self.hw[1], self.hw[0]), interpolation=cv2.INTER_AREA)
        self.cell = (self.hw[0] / grid_hw[0], self.hw[1] / grid_hw[1])
        self.side = max(1, int(round(2.0 * max(self.cell))))
        self.pad = p = self.side + 1
        self.img = cv2.copyMakeBorder(img, p, p, p, p, cv2.BORDER_CONSTANT, value=(_PAD_GRAY,) * 3)

    def draw(self, act_P: np.ndarray, patch: int, ref: float) -> np.ndarray:
        gh, gw = self.grid_hw
        c_out, side, p = self.crop_size, self.side, self.pad
        heat = upsample_to_image(act_P.reshape(gh, gw), self.hw)
        r, c = divmod(int(patch), gw)
        y0 = int(round((r + 0.5) * self.cell[0] - side / 2.0))
        x0 = int(round((c + 0.5) * self.cell[1] - side / 2.0))
        crop = self.img[y0 + p : y0 + p + side, x0 + p : x0 + p + side]
        hcrop = np.zeros((side, side), np.float32)  # outside the image: no activation
        ya, yb = max(0, y0), min(self.hw[0], y0 + side)
        xa, xb = max(0, x0), min(self.hw[1], x0 + side)
        if yb > ya and xb > xa:
            hcrop[ya - y0 : yb - y0, xa - x0 : xb - x0] = heat[ya:yb, xa:xb] / max(ref, 1e-12)
        interp = cv2.INTER_AREA if side > c_out else cv2.INTER_LINEAR
        crop = cv2.resize(crop, (c_out, c_out), interpolation=interp).astype(np.float32)
        hcrop = np.clip(cv2.resize(hcrop, (c_out, c_out), interpolation=cv2.INTER_LINEAR), 0.0, 1.0)
        alpha = (0.65 * hcrop)[..., None]
        out = crop * (1.0 - alpha) + _heat_colors(hcrop) * alpha
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _viewed(image_HWC: np.ndarray, prep: Preprocessing | None) -> np.ndarray:
    """The part of the image the model sees (its centre crop, for timm's preprocessing): the grid spans it."""
    if prep is None:
        return image_HWC
    top, left, bottom, right = (int(round(v)) for v in prep.view_box(image_HWC.shape[:2]))
    return image_HWC[max(0, top) : bottom, max(0, left) : right]


def draw_exemplar_crop(
    image_HWC: np.ndarray, act_P: np.ndarray, grid_hw: tuple[int, int], patch: int, ref: float, crop_size: int
) -> np.ndarray:
    """The exemplar patch with half a cell of context each side, square in the image's own
    pixels, with the latent's map upsampled smoothly (``upsample_to_image``) and blended as a
    translucent heat overlay whose opacity grows with activation / ``ref`` (one absolute scale
    per latent, so a silent neighbourhood stays the plain image). RGB uint8 [crop, crop, 3]."""
    return _ImageCrops(image_HWC, grid_hw, crop_size).draw(act_P, patch, ref)


def _label(ap_K: np.ndarray, region_classes: tuple[str, ...], fires: bool, prevalence_K: np.ndarray) -> str:
    if not fires:
        return "dead: never fires on training images"
    if ap_K.size == 0 or not np.isfinite(ap_K).any():
        return "unlabelled"
    return auto_label(ap_K, region_classes, prevalence_K)


def best_latents_per_class(
    d: FeatureDictionary, top: int | None = 10, min_ap: float = 0.0
) -> dict[str, list[tuple[int, float]]]:
    """Per region class, the latents detecting its patches best: [(latent, AP)], AP descending."""
    out: dict[str, list[tuple[int, float]]] = {}
    for k, name in enumerate(d.region_classes):
        ap = np.asarray(d.assoc_ap[:, k], np.float64)
        ok = np.nonzero(np.isfinite(ap) & (ap >= min_ap))[0]
        order = ok[np.argsort(-ap[ok], kind="stable")]
        if top is not None:
            order = order[:top]
        out[name] = [(int(i), float(ap[i])) for i in order]
    return out


def build_dictionary(
    recording: Recording,
    sae_cfg: SAEConfig,
    sae_w: SAEWeights,
    *,
    train_ids: Sequence[int],
    test_ids: Sequence[int],
    n_top: int = 16,
    n_random: int = 4,
    crop_size: int = 32,
    seed: int = 0,
    progress: bool = True,
    max_test_tokens: int = 400_000,
    max_crop_bytes: int = 20_000_000,
    strongest_images: int = 50,
    should_stop: Callable[[], bool] | None = None,
) -> FeatureDictionary:
    """The feature dictionary of one SAE over a recording (see the module docstring).

    ``train_ids`` feed statistics and exemplars, ``test_ids`` (at most ``max_test_tokens``
    tokens of them, a seeded sample of whole images) the association with region classes.
    Crop strips are JPEG at quality 85, lowered step by step if they exceed ``max_crop_bytes``.
    ``strongest_images``: how many of each latent's strongest test images give its "strongest on"
    shares (``strongest_images_share``). Exemplar slots a latent cannot fill (it fired less
    often) hold image and patch -1.
    ``should_stop`` is polled between chunks; when it returns True, InspectorError("cancelled").
    """
    from tqdm import tqdm

    def check_stop() -> None:
        if should_stop is not None and should_stop():
            raise InspectorError("cancelled", "building the feature dictionary was cancelled")

    t_start = time.perf_counter()
    s_width = sae_cfg.width
    n_p = recording.num_patches
    grid_hw = (int(recording.header["grid"][0]), int(recording.header["grid"][1]))
    assert grid_hw[0] * grid_hw[1] == n_p, (grid_hw, n_p)
    train_ids = [int(i) for i in train_ids]
    test_ids = [int(i) for i in test_ids]
    if not train_ids:
        raise InspectorError("dictionary_no_train", "the feature dictionary needs at least one training image")
    rng = np.random.default_rng(seed)
    per_chunk = max(1, CHUNK_TOKENS // n_p)
    prep = Preprocessing.from_json(recording.header["preprocess"]) if "preprocess" in recording.header else None

    # --- 1. training images: statistics and exemplars, streamed --------------------------
    acc = LatentStatsAccumulator(s_width, bins=HIST_BINS, seed=seed)
    top = _RunningTop(s_width, n_top)
    rand = _RunningTop(s_width, n_random)  # score = -key: the smallest random keys win
    bar = tqdm(total=len(train_ids), unit="img", desc="dictionary: train stats", disable=not progress)
    for ids in _chunks(train_ids, per_chunk):
        check_stop()
        csc = _codes_csc(recording, sae_cfg, sae_w, ids)
        acc.update(csc)
        lat, row, val = _entries(csc)
        img = np.asarray(ids, np.int64)[row // n_p]
        patch = row % n_p
        top.add(lat, val.astype(np.float64), val, img, patch)
        keys = rng.random(val.size)
        rand.add(lat, -keys, val, img, patch)
        bar.update(len(ids))
    bar.close()
    stats = acc.finish()
    t_train = time.perf_counter()

    # --- 2. test images: association with region classes ---------------------------------
    defect_types = tuple(recording.header["defect_types"])
    surfaces = tuple(recording.header.get("surface_elements", ()))
    n_def = len(defect_types)
    pooled = n_def > 1  # with one type, "any defect" is that type
    region_classes = defect_types + surfaces + ((ANY_DEFECT,) if pooled else ())
    max_imgs = max(1, max_test_tokens // n_p)
    used_test = sorted(test_ids)
    if len(used_test) > max_imgs:
        used_test = sorted(rng.choice(used_test, size=max_imgs, replace=False).tolist())
    k_all = len(region_classes)
    if used_test:
        parts = []
        bar = tqdm(total=len(used_test), unit="img", desc="dictionary: test association", disable=not progress)
        for ids in _chunks(used_test, per_chunk):
            check_stop()
            parts.append(_codes_csc(recording, sae_cfg, sae_w, ids).tocsr())
            bar.update(len(ids))
        bar.close()
        codes = sp.vstack(parts, format="csc")
        lab_NP = recording.defect_label_NP()[used_test].reshape(-1)
        # explicit row count: a folder without surface_masks/ has zero surface columns (reshape(-1, 0) is undefined)
        surf = np.asarray(recording.surface_cover_NPE[used_test], np.float32).reshape(len(used_test) * n_p, len(surfaces))
        surf_on = surf >= LABEL_MIN_COVER
        # A surface element absent from this product's test parts (the generator lists every
        # product's elements) has no AP, and one that covers nearly every patch has a chance level
        # near 1 that makes any latent look skilled at it: neither can name a latent.
        share = surf_on.mean(axis=0) if surf_on.shape[0] else np.zeros(len(surfaces))
        keep = (share > 0) & (share < MAX_SURFACE_SHARE)
        surfaces = tuple(name for name, k in zip(surfaces, keep, strict=True) if k)
        surf_on = surf_on[:, keep]
        region_classes = defect_types + surfaces + ((ANY_DEFECT,) if pooled else ())
        k_all = len(region_classes)
        parts_K = [lab_NP[:, None] == np.arange(1, n_def + 1)[None, :], surf_on]
        if pooled:
            parts_K.append((lab_NP > 0)[:, None])
        onehot = np.concatenate(parts_K, axis=1)
        assoc_ap = ap_matrix(codes, onehot)
        good_rows = np.repeat(np.array([recording.rows[i]["label"] == "good" for i in used_test]), n_p)
        pos_def = onehot[:, :n_def]
        assoc_auroc = auroc_matrix(codes, pos_def, good_rows[:, None] | pos_def)
        class_patches = onehot.sum(axis=0)
        n_test_tokens = codes.shape[0]
        strongest_images = min(strongest_images, len(used_test))  # a small test split counts all its parts
        top_share, top_share_images = strongest_images_share(codes, n_p, lab_NP, n_def + 1, n_images=strongest_images)
    else:
        top_share, top_share_images = np.zeros((s_width, n_def + 1)), np.zeros(s_width, np.int64)
        assoc_ap = np.full((s_width, k_all), np.nan)
        assoc_auroc = np.full((s_width, n_def), np.nan)
        class_patches = np.zeros(k_all, np.int64)
        n_test_tokens = 0
    t_assoc = time.perf_counter()

    # --- 3. crops: recompute each exemplar image's codes, draw, encode strips -------------
    n_slots = n_top + n_random
    ex_img = np.concatenate([top.image, rand.image], axis=1)  # [S, slots]
    ex_patch = np.concatenate([top.patch, rand.patch], axis=1)
    used_imgs = np.unique(ex_img[ex_img >= 0])
    crops = np.zeros((s_width, n_slots, crop_size, crop_size, 3), np.uint8)
    ref = np.where(stats.max_act > 0, stats.max_act, 1.0)
    bar = tqdm(total=len(used_imgs), unit="img", desc="dictionary: exemplar crops", disable=not progress)
    flat = np.nonzero(ex_img.reshape(-1) >= 0)[0]
    flat = flat[np.argsort(ex_img.reshape(-1)[flat], kind="stable")]
    per_image = np.split(flat, np.cumsum(np.unique(ex_img.reshape(-1)[flat], return_counts=True)[1])[:-1])
    for i, where in zip(used_imgs, per_image, strict=True):
        check_stop()
        where_s, where_j = np.divmod(where, n_slots)
        prepared = _ImageCrops(_viewed(load_image(recording.rows[int(i)]["path"]).pixels_HWC, prep), grid_hw, crop_size)
        z_PS = encode(sae_w, sae_cfg, recording.image_tokens(int(i)))
        for s, j in zip(where_s.tolist(), where_j.tolist(), strict=True):
            crops[s, j] = prepared.draw(z_PS[:, s], int(ex_patch[s, j]), float(ref[s]))
        bar.update()
    bar.close()
    for quality in JPEG_QUALITIES:  # lower the quality until the strips fit the budget
        strips: list[np.ndarray] = []
        offsets = np.zeros(s_width + 1, np.int64)
        for s in range(s_width):
            valid = np.nonzero(ex_img[s] >= 0)[0]
            buf = encode_strip([crops[s, j] for j in valid], quality) if valid.size else np.zeros(0, np.uint8)
            strips.append(buf)
            offsets[s + 1] = offsets[s] + buf.size
        if offsets[-1] <= max_crop_bytes:
            break
    crops_jpeg = np.concatenate(strips).astype(np.uint8) if strips else np.zeros(0, np.uint8)
    t_crops = time.perf_counter()

    # --- 4. assemble -----------------------------------------------------------------------
    names, root = _relative_names([recording.rows[int(i)]["path"] for i in used_imgs])
    remap = np.full(recording.num_images + 1, -1, np.int64)
    remap[used_imgs] = np.arange(used_imgs.size)

    def to_local(a: np.ndarray) -> np.ndarray:
        return np.where(a >= 0, remap[np.maximum(a, 0)], -1).astype(np.int32)

    fires = stats.count > 0
    prevalence_K = class_patches / max(n_test_tokens, 1)
    labels = tuple(_label(assoc_ap[s], region_classes, bool(fires[s]), prevalence_K) for s in range(s_width))
    ap_f = np.where(np.isfinite(assoc_ap), assoc_ap, -1.0)
    n_strong = int(((ap_f.max(axis=1) if k_all else np.full(s_width, -1.0)) >= WEAK_AP).sum())
    meta: dict[str, Any] = {
        "builder": "app.pipeline.dictionary_builder/1",
        "seed": seed,
        "splits": {"statistics": "train", "exemplars": "train", "association": "test"},
        "train_images": len(train_ids),
        "train_tokens": int(stats.n_tokens),
        "test_images_available": len(test_ids),
        "test_images_used": len(used_test),
        "test_tokens": int(n_test_tokens),
        "max_test_tokens": int(max_test_tokens),
        "patches_per_class_test": {c: int(n) for c, n in zip(region_classes, class_patches, strict=True)},
        "label_min_cover": LABEL_MIN_COVER,
        "label_rule": "class with the highest (AP - prevalence) / (1 - prevalence), none when no class is above chance; weak below AP 0.3",
        "strongest_images": strongest_images,
        "strongest_on": f"per latent, its {strongest_images} test images with the largest max activation: share whose "
                        "strongest patch is ok or each defect type (>= 2% covered)",
        "hist_bins": HIST_BINS,
        "p99_exact_latents": int(stats.p99_exact.sum()),
        "p99_sample_cap": acc.cap,
        "dead_latents_train": int((~fires).sum()),
        "labelled_latents": n_strong,
        "weak_ap": WEAK_AP,
        "exemplar_images": int(used_imgs.size),
        "images_root": portable_root(root, recording.header.get("data_root")),
        "crop_size": crop_size,
        "crop_bytes": int(crops_jpeg.size),
        "crop_jpeg_quality": quality,
        "crop_overlay": "activation upsampled bilinearly, inferno, opacity 0.65 x act / latent's train max",
        "vit_sha256": recording.header.get("vit_sha256"),
        "layer": recording.header.get("layer"),
        "seconds": {"train": round(t_train - t_start, 2), "association": round(t_assoc - t_train, 2),
                    "crops": round(t_crops - t_assoc, 2)},
    }
    return FeatureDictionary(
        frequency=stats.frequency.astype(np.float32),
        mean_act=stats.mean_act.astype(np.float32),
        p99=stats.p99.astype(np.float32),
        max_act=stats.max_act.astype(np.float32),
        hist=stats.hist.astype(np.int32),
        top_value=top.value.astype(np.float32),
        top_image=to_local(top.image),
        top_patch=top.patch.astype(np.int32),
        rand_value=rand.value.astype(np.float32),
        rand_image=to_local(rand.image),
        rand_patch=rand.patch.astype(np.int32),
        crops_jpeg=crops_jpeg,
        crops_offsets=offsets,
        assoc_ap=assoc_ap.astype(np.float32),
        assoc_auroc=assoc_auroc.astype(np.float32),
        region_classes=region_classes,
        defect_classes=defect_types,
        images=tuple(names),
        labels=labels,
        crop_size=crop_size,
        meta=meta,
        top_share=top_share.astype(np.float32),
        top_share_images=top_share_images.astype(np.int64),
    )
