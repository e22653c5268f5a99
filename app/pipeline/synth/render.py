"""Render one sample: surface -> camera -> (optional) one defect scaled to a target contrast."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .defects import draw_defect
from .photometry import apply_linear, camera, draw_photo, gray, noise_sigma, quantize
from .spec import NORMAL_CONTRAST, SUBTLE_CONTRAST, Sample, SynthConfig, plan_sample, streams
from .surfaces import render_surface

MASK_THRESHOLD = 1.0  # grey levels: a pixel belongs to the mask if the defect moves it >= 1 level
SUPPORT_PX = 2  # the defect's change is kept only within this distance of the mask
RING = (2, 8)  # contrast ring: pixels between these distances (px) from the mask
A_RANGE = (0.03, 1.8)  # allowed amplitude scaling of a defect's design strength
MAX_ATTEMPTS = 4

_K = {r: cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)) for r in (RING[0], RING[1], SUPPORT_PX)}


def _dil(m: np.ndarray, r: int) -> np.ndarray:
    return cv2.dilate(m.view(np.uint8), _K[r]).astype(bool)


def _ring(mask: np.ndarray) -> np.ndarray:
    return _dil(mask, RING[1]) & ~_dil(mask, RING[0])


def _solve_a(cg, peg, mask, ring, target):
    if mask.sum() < 3 or ring.sum() < 3:
        return None
    d0 = float(cg[mask].mean() - cg[ring].mean())
    de = float(peg[mask].mean() - peg[ring].mean())
    if abs(de) < 1e-6:
        return None
    sg = 1.0 if de > 0 else -1.0
    a = (target * sg - d0) / de
    if a <= 0:
        a = (-target * sg - d0) / de
    if a <= 0:
        a = A_RANGE[0]
    return float(np.clip(a, *A_RANGE))


def _measure(clean_f_roi, pe, pemax, cg, a, sigma):
    mask = (a * pemax) >= MASK_THRESHOLD
    if mask.sum() < 3:
        return None
    sup = _dil(mask, SUPPORT_PX)
    roi = quantize(clean_f_roi + (a * pe) * sup[..., None])
    g = gray(roi)
    ring = _ring(mask)
    if ring.sum() < 3:
        return None
    c = abs(float(g[mask].mean() - g[ring].mean())) / sigma
    return mask, roi, c, ring


def render_sample(seed: int, split: str, index: int, cfg: SynthConfig, with_defect: bool = True) -> Sample:
    """Pure and deterministic: the same arguments give the same bytes, in any order/process.

    ``with_defect=False`` returns the very same render without its defect (same surface,
    lighting and noise), with the label/mask/contrast metadata of the defective version.
    """
    plan = plan_sample(seed, split, index, cfg)
    r_scene, r_surf, r_def, r_noise = streams(seed, split, index)
    S = int(cfg.image_size)
    phi = r_scene.uniform(0, 2 * math.pi)
    light = (math.cos(phi), math.sin(phi))
    pre, lab, info = render_surface(plan.surface_kind, r_surf, S, light)
    info["kind"] = plan.surface_kind
    ph = draw_photo(r_scene, S, light, info.get("gloss", 0.0))
    clean_f = camera(pre, ph, r_noise)
    clean = quantize(clean_f)
    if plan.label == "good":
        return Sample(clean, "good", np.zeros((S, S), bool), lab, plan.surface_kind, "none", 0.0, 0,
                      extras={"clean": clean})

    if plan.difficulty == "subtle":
        target = float(r_def.uniform(*SUBTLE_CONTRAST))
        tol = 0.15
    else:
        lo, hi = NORMAL_CONTRAST
        target = float(math.exp(r_def.uniform(math.log(lo), math.log(hi))))
        tol = 0.25 * target
    best = None
    for _attempt in range(MAX_ATTEMPTS):
        d = draw_defect(plan.label, r_def, S, light, info)
        y0, x0, y1, x1 = d.box
        E = d.effect(pre[y0:y1, x0:x1])
        pe = apply_linear(E, ph, d.box)
        pemax = np.abs(pe).max(axis=2) * 255.0
        peg = gray(pe) * 255.0
        cg = gray(clean[y0:y1, x0:x1])
        sigma = noise_sigma(cg)
        tgt = target * sigma
        clean_f_roi = clean_f[y0:y1, x0:x1]
        mask = d.shape
        a = _solve_a(cg, peg, mask, _ring(mask), tgt)
        res = None
        for _it in range(3):
            if a is None:
                break
            m = _measure(clean_f_roi, pe, pemax, cg, a, sigma)
            if m is None:
                a = min(a * 2.0, A_RANGE[1]) if a < A_RANGE[1] else None
                continue
            res = (a, *m)
            if abs(m[2] - target) <= tol * 0.5:
                break
            a2 = _solve_a(cg, peg, m[0], m[3], tgt)
            if a2 is None or abs(a2 - a) < 1e-4:
                break
            a = a2
        if res is None:
            continue
        err = abs(res[3] - target)
        if best is None or err < best[0]:
            best = (err, d.box, res, sigma)
        if err <= tol:
            break
    img = clean.copy()
    mask_full = np.zeros((S, S), bool)
    if best is None:  # pathological: could not place a measurable defect; fall back to full strength
        raise RuntimeError(f"could not render {plan.label} for index {index}")
    _err, (y0, x0, y1, x1), (a, mask, roi, c, _ring_), sigma = best
    img[y0:y1, x0:x1] = roi
    mask_full[y0:y1, x0:x1] = mask
    extras = {"clean": clean, "amplitude": a, "target_contrast": target, "sigma": sigma, "light": light}
    return Sample(img if with_defect else clean, plan.label, mask_full, lab, plan.surface_kind, plan.difficulty,
                  float(round(c, 4)), int(mask_full.sum()), extras=extras)


def render_pool(cfg: SynthConfig, split: str, start: int, count: int):
    """Fast in-memory path: ``(images_NHWC uint8, labels list[str], masks_NHW bool)``."""
    S = int(cfg.image_size)
    seed = cfg.seed_for(split)
    imgs = np.empty((count, S, S, 3), np.uint8)
    masks = np.empty((count, S, S), bool)
    labels: list[str] = []
    for k in range(count):
        s = render_sample(seed, split, start + k, cfg)
        imgs[k] = s.image_HWC
        masks[k] = s.mask_HW
        labels.append(s.label)
    return imgs, labels, masks
