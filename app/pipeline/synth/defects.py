"""Defect renderers. Each draws ONE defect into a region of interest (ROI) of the image.

A defect is expressed as a change of the pre-photometry reflectance ``clean`` inside its ROI:

    defect = clean * (1 + M) + A        =>   E = clean * M + A

so that it can be scaled by an amplitude ``a`` (``clean + a * E``) to hit a target contrast.
Height-like defects (scratch, crack, dent) shade from the gradient of a small height map
with the scene's light direction, so they have a lit side and a shadow side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Defect:
    box: tuple[int, int, int, int]  # y0, x0, y1, x1 (ROI in image coords)
    M: np.ndarray  # (h, w, 1|3) multiplicative change
    A: np.ndarray | None  # (h, w, 3) additive change, or None
    shape: np.ndarray  # (h, w) bool: the shape drawn (used to seed the contrast solve)

    def effect(self, clean_roi: np.ndarray) -> np.ndarray:
        E = clean_roi * self.M
        if self.A is not None:
            E = E + self.A
        return E.astype(np.float32)


MARGIN = 18  # px around the drawn shape: room for blur, the contrast ring and the mask


def _box(xs, ys, S, pad):
    x0 = int(max(0, math.floor(min(xs) - pad)))
    y0 = int(max(0, math.floor(min(ys) - pad)))
    x1 = int(min(S, math.ceil(max(xs) + pad) + 1))
    y1 = int(min(S, math.ceil(max(ys) + pad) + 1))
    return y0, x0, y1, x1


def _shade(h: np.ndarray, light) -> np.ndarray:
    gx = cv2.Sobel(h, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE) * 0.125
    gy = cv2.Sobel(h, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REPLICATE) * 0.125
    sh = -(gx * light[0] + gy * light[1])
    m = float(np.abs(sh).max())
    return sh / m if m > 0 else sh


def _blur(a, s):
    return cv2.GaussianBlur(a, (0, 0), sigmaX=max(float(s), 0.3), borderType=cv2.BORDER_CONSTANT)


def _nmax(a):
    m = float(a.max())
    return a / m if m > 0 else a


def _mix(m: np.ndarray, color) -> tuple[np.ndarray, np.ndarray]:
    """E = m * (color - clean): blend towards a colour."""
    return -m[..., None], m[..., None] * np.asarray(color, np.float32)


def _draw_path(pts, box, amps, width=1):
    y0, x0, y1, x1 = box
    c = np.zeros((y1 - y0, x1 - x0), np.float32)
    sh = 4  # sub-pixel bits
    q = np.round((np.asarray(pts) - [x0, y0]) * (1 << sh)).astype(np.int32)
    for k in range(len(q) - 1):
        cv2.line(c, tuple(int(v) for v in q[k]), tuple(int(v) for v in q[k + 1]), float(amps[k]), width,
                 cv2.LINE_AA, sh)
    return c


def _center(rng, S, lo=0.18, hi=0.82):
    return rng.uniform(lo, hi, 2) * S


def _blob(rng, box, cx, cy, rx, ry, ang, rough, soft):
    """Irregular soft blob: 1 inside, 0 outside, smooth transition of width ~soft (fraction of radius)."""
    y0, x0, y1, x1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    c, s = math.cos(ang), math.sin(ang)
    u = ((xx - cx) * c + (yy - cy) * s) / rx
    v = (-(xx - cx) * s + (yy - cy) * c) / ry
    d = np.sqrt(u * u + v * v)
    g = rng.standard_normal((7, 7)).astype(np.float32)
    n = cv2.resize(g, (x1 - x0, y1 - y0), interpolation=cv2.INTER_CUBIC)
    field = 1.0 - d + rough * n
    return np.clip(field / max(soft, 1e-3) + 0.5, 0, 1).astype(np.float32), d


# ----------------------------------------------------------------------------- types


def scratch(rng, S, s, light, info) -> Defect:
    L = rng.uniform(0.12, 0.55) * S
    ang = rng.uniform(0, math.pi)
    cx, cy = _center(rng, S)
    d = np.array([math.cos(ang), math.sin(ang)])
    nrm = np.array([-d[1], d[0]])
    p0, p2 = np.array([cx, cy]) - d * L / 2, np.array([cx, cy]) + d * L / 2
    p1 = np.array([cx, cy]) + nrm * rng.uniform(-0.12, 0.12) * L
    n = max(8, int(L / 4))
    t = np.linspace(0, 1, n)[:, None]
    pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2
    w = rng.uniform(0.5, 1.5) * s
    box = _box(pts[:, 0], pts[:, 1], S, 4 * w + MARGIN)
    tt = t[:, 0]
    wig = 1.0 + 0.3 * np.interp(tt, np.linspace(0, 1, 6), rng.uniform(-1, 1, 6))
    amps = np.clip(np.sin(np.pi * tt) ** 0.4 * wig, 0.05, None)
    if rng.random() < 0.3:  # interrupted scratch
        a, b = sorted(rng.uniform(0.2, 0.8, 2))
        amps[(tt > a) & (tt < a + 0.25 * (b - a))] = 0.05
    core = _nmax(_blur(_draw_path(pts, box, amps), w))
    sh = _shade(-core, light)
    if info.get("kind") == "pcb" and rng.random() < 0.6:  # cut through the mask: copper shows
        M, A = _mix(core * 0.8, (0.80, 0.50, 0.30))
        M = M + 0.25 * sh[..., None]
    else:
        sign = info.get("scratch_sign", 1.0)
        M = (sign * 0.3 * core + 0.35 * sh)[..., None]
        A = None
    return Defect(box, M.astype(np.float32), A, core > 0.25)


def crack(rng, S, s, light, info) -> Defect:
    L = rng.uniform(0.15, 0.5) * S
    cx, cy = _center(rng, S)
    ang = rng.uniform(0, 2 * math.pi)
    step = 2.5 * s

    def walk(x, y, a, length):
        pts = [(x, y)]
        for _ in range(max(3, int(length / step))):
            a += rng.normal(0, 0.45)
            x, y = x + step * math.cos(a), y + step * math.sin(a)
            pts.append((x, y))
        return np.array(pts)

    # grow from the middle both ways
    ang0 = ang
    main = np.concatenate([walk(cx, cy, ang0 + math.pi, L / 2)[::-1], walk(cx, cy, ang0, L / 2)[1:]])
    paths = [main]
    for _ in range(int(rng.integers(0, 3))):
        k = int(rng.integers(len(main) // 4, 3 * len(main) // 4))
        seg = main[min(k + 1, len(main) - 1)] - main[k]
        a = math.atan2(seg[1], seg[0]) + rng.choice([-1, 1]) * rng.uniform(0.4, 1.1)
        paths.append(walk(main[k][0], main[k][1], a, L * rng.uniform(0.15, 0.4)))
    allp = np.concatenate(paths)
    box = _box(allp[:, 0], allp[:, 1], S, MARGIN + 3)
    y0, x0, y1, x1 = box
    canvas = np.zeros((y1 - y0, x1 - x0), np.float32)
    for k, p in enumerate(paths):
        tt = np.linspace(0, 1, len(p))
        amp = (np.sin(np.pi * tt) ** 0.5 if k == 0 else (1 - tt) ** 0.7 * 0.7) + 0.05
        canvas = np.maximum(canvas, _draw_path(p, box, amp))
    w = rng.uniform(0.35, 0.7) * s
    core = _nmax(_blur(canvas, w))
    sh = _shade(-core, light)
    M = (-0.6 * core + 0.25 * sh)[..., None]
    return Defect(box, M.astype(np.float32), None, core > 0.2)


def dent(rng, S, s, light, info) -> Defect:
    pit = rng.random() < 0.35
    r1 = (rng.uniform(1.5, 4.0) if pit else rng.uniform(4.0, 15.0)) * s
    r2 = r1 * (rng.uniform(0.8, 1.0) if pit else rng.uniform(0.55, 1.0))
    ang = rng.uniform(0, math.pi)
    cx, cy = _center(rng, S)
    box = _box([cx - 2 * r1, cx + 2 * r1], [cy - 2 * r1, cy + 2 * r1], S, MARGIN)
    y0, x0, y1, x1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    c, sn = math.cos(ang), math.sin(ang)
    u = ((xx - cx) * c + (yy - cy) * sn) / r1
    v = (-(xx - cx) * sn + (yy - cy) * c) / r2
    q = np.exp(-(u * u + v * v) * 1.6).astype(np.float32)
    rr = np.sqrt(u * u + v * v)
    h = -q + 0.18 * np.exp(-((rr - 1.15) ** 2) / 0.06)  # bowl + raised lip
    sh = _shade(h.astype(np.float32), light)
    kd = 0.45 if pit else 0.12
    M = (0.45 * sh - kd * q)[..., None]
    return Defect(box, M.astype(np.float32), None, q > 0.2)


def stain(rng, S, s, light, info) -> Defect:
    rx = rng.uniform(10, 36) * s
    ry = rx * rng.uniform(0.5, 1.0)
    cx, cy = _center(rng, S)
    R = max(rx, ry) * 1.6
    box = _box([cx - R, cx + R], [cy - R, cy + R], S, MARGIN)
    m, _ = _blob(rng, box, cx, cy, rx, ry, rng.uniform(0, math.pi), rng.uniform(0.15, 0.35), rng.uniform(0.25, 0.7))
    kind = rng.choice(["oil", "rust", "water", "dirt"])
    tint = {"oil": (0.72, 0.70, 0.62), "rust": (0.88, 0.70, 0.56), "water": (0.92, 0.92, 0.94),
            "dirt": (0.62, 0.58, 0.50)}[kind]
    M = m[..., None] * (np.asarray(tint, np.float32) - 1.0)
    if kind == "water":  # tide mark at the rim
        ring = np.clip(4 * m * (1 - m), 0, 1)
        M = M - 0.25 * ring[..., None]
    # mottled, not flat
    y0, x0, y1, x1 = box
    g = cv2.resize(rng.standard_normal((12, 12)).astype(np.float32), (x1 - x0, y1 - y0), interpolation=cv2.INTER_CUBIC)
    M = M * (1.0 + 0.25 * g[..., None])
    return Defect(box, M.astype(np.float32), None, m > 0.3)


def hole(rng, S, s, light, info) -> Defect:
    rx = rng.uniform(3, 16) * s
    ry = rx * rng.uniform(0.5, 1.0)
    cx, cy = _center(rng, S)
    R = max(rx, ry) * 1.6
    box = _box([cx - R, cx + R], [cy - R, cy + R], S, MARGIN)
    m, _ = _blob(rng, box, cx, cy, rx, ry, rng.uniform(0, math.pi), rng.uniform(0.1, 0.3), rng.uniform(0.06, 0.15))
    dark = rng.uniform(0.02, 0.09)
    M, A = _mix(m, (dark, dark, dark * 1.05))
    # the cut wall: lit on the far side, shadowed on the near side; a thin burr outside
    edge = _blur(m, 0.8 * s + 0.3)
    sh = _shade(-edge, light)
    M = M + (0.5 * sh * np.clip(edge * 2, 0, 1))[..., None]
    return Defect(box, M.astype(np.float32), A.astype(np.float32), m > 0.5)


def particle(rng, S, s, light, info) -> Defect:
    cx, cy = _center(rng, S)
    fibre = rng.random() < 0.4
    if fibre:
        L = rng.uniform(8, 30) * s
        a = rng.uniform(0, 2 * math.pi)
        t = np.linspace(0, 1, 12)[:, None]
        d = np.array([math.cos(a), math.sin(a)])
        nrm = np.array([-d[1], d[0]])
        p0 = np.array([cx, cy]) - d * L / 2
        pts = p0 + d * L * t + nrm * (rng.uniform(-0.3, 0.3) * L) * np.sin(np.pi * t * rng.uniform(0.5, 2))
        box = _box(pts[:, 0], pts[:, 1], S, MARGIN)
        m = _nmax(_blur(_draw_path(pts, box, np.ones(len(pts))), rng.uniform(0.4, 0.8) * s))
        m = np.clip(m * 1.6, 0, 1)
    else:
        r = rng.uniform(1.3, 4.5) * s
        box = _box([cx - 2 * r, cx + 2 * r], [cy - 2 * r, cy + 2 * r], S, MARGIN)
        m, _ = _blob(rng, box, cx, cy, r, r * rng.uniform(0.6, 1.0), rng.uniform(0, math.pi), 0.25, 0.3)
    dark = rng.random() < 0.65
    col = np.asarray((rng.uniform(0.06, 0.25),) * 3 if dark else (rng.uniform(0.75, 0.95),) * 3, np.float32)
    col = col * np.asarray([1.0, rng.uniform(0.9, 1.0), rng.uniform(0.8, 1.0)], np.float32)
    # cast shadow away from the light
    off = 1.2 * s + 0.5
    Mt = np.float32([[1, 0, -light[0] * off], [0, 1, -light[1] * off]])
    shadow = cv2.warpAffine(m, Mt, (m.shape[1], m.shape[0]), borderMode=cv2.BORDER_CONSTANT)
    shadow = _blur(shadow, 1.0 * s)
    hl = np.clip(_shade(-m, light), 0, None)
    M, A = _mix(m, col)
    A = A * (1.0 + 0.5 * hl[..., None])
    M = M - (0.4 * shadow * (1 - m))[..., None]
    return Defect(box, M.astype(np.float32), A.astype(np.float32), m > 0.3)


RENDERERS = {"scratch": scratch, "crack": crack, "dent": dent, "stain": stain, "hole": hole, "particle": particle}


def draw_defect(label: str, rng, S: int, light, info) -> Defect:
    return RENDERERS[label](rng, S, S / 256.0, light, info)
