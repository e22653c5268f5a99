"""Defect-free product surfaces: brushed metal, woven textile, PCB, cast/rough (real photos).

Each kind has a few large base tiles built once per process from FIXED seeds (so the cache
never changes what an image looks like), then every image is a random affine crop
(offset, small rotation, scale) of one tile, re-coloured per image.

Output of ``render_surface``: linear reflectance ``pre`` (H, W, 3) float32 in ~[0, 1], an
element label map (uint8, ``spec.SURFACE_LEGEND``) and a small ``info`` dict.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from .spec import SURFACE_LABEL as L

N_VARIANTS = {"metal": 6, "textile": 6, "pcb": 6, "cast": 3}


def tile_size(image_size: int) -> int:
    return max(512, 2 * int(image_size))


def _norm(a: np.ndarray) -> np.ndarray:
    a = a - a.mean()
    s = a.std()
    return (a / s if s > 0 else a).astype(np.float32)


def _blur(a: np.ndarray, sx: float, sy: float | None = None) -> np.ndarray:
    return cv2.GaussianBlur(a, (0, 0), sigmaX=sx, sigmaY=sx if sy is None else sy, borderType=cv2.BORDER_REFLECT)


def _noise(rng: np.random.Generator, shape, sx: float, sy: float | None = None) -> np.ndarray:
    return _norm(_blur(rng.standard_normal(shape).astype(np.float32), sx, sy))


# ----------------------------------------------------------------------------- tiles


@functools.lru_cache(maxsize=64)
def _metal_tile(v: int, T: int):
    rng = np.random.default_rng([7001, v, T])
    u = T / 512.0
    if v < 4:  # linear brushing along x
        long_ = _noise(rng, (T, T), (30 + 15 * v) * u, 0.5)
        fine = _noise(rng, (T, T), 4 * u, 0.45)
        rows = _norm(_blur(rng.standard_normal((T, 1)).astype(np.float32), 0.1, 0.6))
        mod = np.clip(1.0 + 0.5 * _norm(_blur(rng.standard_normal((1, T)).astype(np.float32), 60 * u, 0.1)), 0, None)
        rows = np.repeat(rows, T, axis=1) * mod
        S = _norm(0.75 * long_ + 0.35 * rows + 0.35 * fine)
        G = _noise(rng, (T, T), 50 * u)
        return np.dstack([S, G]), None
    # circular (turned / spot-faced) brushing around a centre that may lie off the tile
    cx, cy = rng.uniform(-0.4, 1.4, 2) * T
    yy, xx = np.mgrid[0:T, 0:T].astype(np.float32)
    dx, dy = xx - cx, yy - cy
    r = np.sqrt(dx * dx + dy * dy)
    prof = _norm(_blur(rng.standard_normal((1, int(r.max()) + 8)).astype(np.float32), 0.8 * u, 0.1))[0]
    prof2 = _norm(_blur(rng.standard_normal((1, int(r.max()) + 8)).astype(np.float32), 6 * u, 0.1))[0]
    S = _norm(np.interp(r, np.arange(prof.size), prof) + 0.6 * np.interp(r, np.arange(prof2.size), prof2)
              + 0.25 * _noise(rng, (T, T), 1.0))
    phi2 = 2.0 * np.arctan2(dy, dx)
    G = _noise(rng, (T, T), 50 * u)
    return np.dstack([S, G, np.cos(phi2), np.sin(phi2)]).astype(np.float32), None


_WEAVES = ("plain", "twill21", "plain", "twill22", "basket", "plain")
_PITCH = (7, 9, 11, 8, 10, 13)


@functools.lru_cache(maxsize=64)
def _textile_tile(v: int, T: int):
    rng = np.random.default_rng([7002, v, T])
    p = _PITCH[v] * T / 512.0
    yy, xx = np.mgrid[0:T, 0:T].astype(np.float32)
    wob = 0.18 * p
    xs = (xx + wob * _noise(rng, (T, T), 25)) / p
    ys = (yy + wob * _noise(rng, (T, T), 25)) / p
    i, j = np.floor(xs).astype(np.int32), np.floor(ys).astype(np.int32)
    fx, fy = xs - i, ys - j
    w = _WEAVES[v]
    if w == "plain":
        top = (i + j) % 2 == 0
    elif w == "twill21":
        top = (i - j) % 3 < 2
    elif w == "twill22":
        top = (i - j) % 4 < 2
    else:
        top = ((i // 2) + (j // 2)) % 2 == 0
    pw = np.sin(np.pi * fx) ** 0.6  # across a vertical (warp) thread
    pf = np.sin(np.pi * fy) ** 0.6
    bw = np.sin(np.pi * fy) ** 0.5  # along: dives under at the cell edge
    bf = np.sin(np.pi * fx) ** 0.5
    # thread-to-thread thickness/brightness variation (slubs)
    tw = 1.0 + 0.08 * rng.standard_normal(int(i.max()) + 3).astype(np.float32)
    tf = 1.0 + 0.08 * rng.standard_normal(int(j.max()) + 3).astype(np.float32)
    Iw = pw * (0.55 + 0.45 * bw) * tw[np.clip(i, 0, tw.size - 1)]
    If = pf * (0.55 + 0.45 * bf) * tf[np.clip(j, 0, tf.size - 1)]
    nv = _noise(rng, (T, T), 0.5, 3.5 * T / 512)
    nh = _noise(rng, (T, T), 3.5 * T / 512, 0.5)
    I = np.where(top, Iw * (1 + 0.14 * nv), If * (1 + 0.14 * nh))
    I = I + 0.03 * _noise(rng, (T, T), 0.6)
    lab = np.where(top, L["weave_warp"], L["weave_weft"]).astype(np.uint8)
    lab[I < 0.12] = 0
    return np.clip(I, 0, 1.3).astype(np.float32)[..., None], lab


def _rounded(mask: np.ndarray, r: int) -> np.ndarray:
    if r < 1:
        return mask
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, k)


_DESIG = "RCULQDJ"


@functools.lru_cache(maxsize=64)
def _pcb_tile(v: int, T: int):
    rng = np.random.default_rng([7003, v, T])
    u = T / 512.0
    trace = np.zeros((T, T), np.uint8)
    pads = np.zeros((T, T), np.uint8)
    vias = np.zeros((T, T), np.uint8)
    hole = np.zeros((T, T), np.uint8)
    silk = np.zeros((T, T), np.uint8)
    tw = int(rng.choice([3, 4, 5, 6]) * u)  # trace width
    dirs = [(1, 0), (0, 1), (-1, 0), (0, -1)]

    def route(p, d, n_seg):
        pts = [p]
        x, y = p
        dx, dy = d
        for _ in range(n_seg):
            ln = rng.uniform(20, 120) * u
            x, y = x + dx * ln, y + dy * ln
            pts.append((x, y))
            if rng.random() < 0.6:  # 45-degree jog
                s = rng.choice([-1, 1])
                jx, jy = (dx - s * dy, dy + s * dx)
                ln2 = rng.uniform(8, 40) * u
                x, y = x + jx * ln2, y + jy * ln2
                pts.append((x, y))
        return np.array(pts, np.float32)

    comps = []
    n_comp = int(rng.integers(4, 8))
    for c in range(n_comp):
        cx, cy = rng.uniform(0.08, 0.92, 2) * T
        typ = rng.choice(["soic", "chip", "chip", "tht", "qfp"])
        pitch = rng.choice([10, 12, 16]) * u
        horiz = rng.random() < 0.5
        pad_list = []  # (x0, y0, x1, y1, outward dir)
        if typ == "soic" or typ == "qfp":
            n = int(rng.integers(4, 9))
            pw, ph = 0.55 * pitch, 1.5 * pitch
            span = (n - 1) * pitch
            gap = rng.uniform(3, 5) * pitch
            sides = [(0, -1), (0, 1)] if typ == "soic" else dirs
            for sdx, sdy in sides:
                for k in range(n):
                    o = -span / 2 + k * pitch
                    if sdx == 0:
                        x, y = cx + o, cy + sdy * gap / 2
                        pad_list.append((x - pw / 2, y - ph / 2, x + pw / 2, y + ph / 2, (sdx, sdy)))
                    else:
                        x, y = cx + sdx * gap / 2, cy + o
                        pad_list.append((x - ph / 2, y - pw / 2, x + ph / 2, y + pw / 2, (sdx, sdy)))
            bw, bh = span / 2 + pitch, gap / 2 + 0.2 * pitch
            if typ == "qfp":
                bw = bh = max(bw, bh)
        elif typ == "chip":
            s = rng.uniform(7, 14) * u
            d = 1.6 * s
            for sgn in (-1, 1):
                x, y = (cx + sgn * d / 2, cy) if horiz else (cx, cy + sgn * d / 2)
                od = (sgn, 0) if horiz else (0, sgn)
                pad_list.append((x - s / 2, y - s / 2, x + s / 2, y + s / 2, od))
            bw, bh = (d / 2 + s, s) if horiz else (s, d / 2 + s)
        else:  # through-hole header
            n = int(rng.integers(2, 6))
            r = rng.uniform(6, 9) * u
            p2 = 2.6 * r
            for k in range(n):
                o = (k - (n - 1) / 2) * p2
                x, y = (cx + o, cy) if horiz else (cx, cy + o)
                cv2.circle(pads, (int(x), int(y)), int(r), 1, -1, cv2.LINE_AA)
                cv2.circle(hole, (int(x), int(y)), max(1, int(0.45 * r)), 1, -1, cv2.LINE_AA)
                pad_list.append((x - 1, y - 1, x + 1, y + 1, (0, 1) if horiz else (1, 0)))
            bw, bh = ((n * p2) / 2, 1.6 * r) if horiz else (1.6 * r, (n * p2) / 2)
            if rng.random() < 0.5:
                cv2.rectangle(pads, (int(cx - bw + 0.3 * p2 - r), int(cy - r if horiz else cy - bh + 0.3 * p2 - r)),
                              (int(cx - bw + 0.3 * p2 + r), int(cy + r if horiz else cy - bh + 0.3 * p2 + r)), 1, -1)
        for x0, y0, x1, y1, _ in pad_list:
            if typ != "tht":
                cv2.rectangle(pads, (int(x0), int(y0)), (int(x1), int(y1)), 1, -1)
        for x0, y0, x1, y1, od in pad_list:
            if rng.random() < 0.8:
                start = ((x0 + x1) / 2, (y0 + y1) / 2)
                pts = route(start, od, int(rng.integers(1, 4)))
                cv2.polylines(trace, [np.round(pts).astype(np.int32)], False, 1, tw, cv2.LINE_AA)
                if rng.random() < 0.35:
                    ex, ey = pts[-1]
                    rv = int(rng.uniform(4, 6) * u)
                    cv2.circle(vias, (int(ex), int(ey)), rv, 1, -1, cv2.LINE_AA)
                    cv2.circle(hole, (int(ex), int(ey)), max(1, int(0.45 * rv)), 1, -1, cv2.LINE_AA)
        comps.append((cx, cy, bw, bh, typ))
    # buses of parallel traces crossing the tile
    for _ in range(int(rng.integers(2, 5))):
        d = dirs[int(rng.integers(0, 4))]
        n = int(rng.integers(2, 7))
        sp = tw + rng.uniform(4, 8) * u
        x0, y0 = rng.uniform(0, 1, 2) * T
        n_seg = int(rng.integers(2, 5))
        lens = rng.uniform(30, 160, n_seg) * u
        jogs = rng.choice([-1, 1], n_seg)
        for k in range(n):
            pts = [(x0 - d[1] * k * sp, y0 + d[0] * k * sp)]
            x, y = pts[0]
            dx, dy = d
            for s in range(n_seg):
                x, y = x + dx * lens[s], y + dy * lens[s]
                pts.append((x, y))
                jx, jy = dx - jogs[s] * dy, dy + jogs[s] * dx
                x, y = x + jx * 25 * u, y + jy * 25 * u
                pts.append((x, y))
            cv2.polylines(trace, [np.round(np.array(pts)).astype(np.int32)], False, 1, tw, cv2.LINE_AA)
    # free vias
    for _ in range(int(rng.integers(6, 20))):
        x, y = rng.uniform(0, T, 2)
        rv = int(rng.uniform(4, 6) * u)
        cv2.circle(vias, (int(x), int(y)), rv, 1, -1, cv2.LINE_AA)
        cv2.circle(hole, (int(x), int(y)), max(1, int(0.45 * rv)), 1, -1, cv2.LINE_AA)
    # copper pour with clearance
    if rng.random() < 0.6:
        x0, y0 = rng.uniform(0, 0.6, 2) * T
        w, h = rng.uniform(0.2, 0.5, 2) * T
        pour = np.zeros((T, T), np.uint8)
        cv2.rectangle(pour, (int(x0), int(y0)), (int(x0 + w), int(y0 + h)), 1, -1)
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(12 * u) | 1, int(12 * u) | 1))
        pour &= 1 - cv2.dilate(trace | pads | vias, k)
        trace |= _rounded(pour, int(3 * u))
    pads = _rounded(pads, int(2 * u))
    # silkscreen: outlines, designators, pin-1 dots
    for n_, (cx, cy, bw, bh, typ) in enumerate(comps):
        m = 5 * u
        cv2.rectangle(silk, (int(cx - bw - m), int(cy - bh - m)), (int(cx + bw + m), int(cy + bh + m)), 1,
                      max(1, int(1.5 * u)), cv2.LINE_AA)
        txt = f"{_DESIG[int(rng.integers(0, len(_DESIG)))]}{int(rng.integers(1, 60))}"
        cv2.putText(silk, txt, (int(cx - bw), int(cy - bh - m - 4 * u)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.45 * u, 1, max(1, int(1.3 * u)), cv2.LINE_AA)
        if typ in ("soic", "qfp"):
            cv2.circle(silk, (int(cx - bw - m - 5 * u), int(cy + bh)), int(2 * u), 1, -1, cv2.LINE_AA)
    for _ in range(int(rng.integers(1, 3))):
        x, y = rng.uniform(0.05, 0.8, 2) * T
        cv2.putText(silk, rng.choice(["REV B", "GND", "+3V3", "TP4", "v1.2", "5V"]), (int(x), int(y)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5 * u, 1, max(1, int(1.3 * u)), cv2.LINE_AA)
    copper = trace | pads | vias
    silk &= 1 - cv2.dilate(pads | vias, np.ones((3, 3), np.uint8))
    lab = np.full((T, T), L["solder_mask"], np.uint8)
    lab[trace > 0] = L["trace"]
    lab[silk > 0] = L["silkscreen"]
    lab[pads > 0] = L["pad"]
    lab[vias > 0] = L["via"]
    lab[hole > 0] = L["via"]
    h = _blur(copper.astype(np.float32), 1.2 * u)
    tented = 1.0 if rng.random() < 0.7 else 0.0  # vias covered by mask?
    noise = _noise(rng, (T, T), 1.2 * u)
    return np.dstack([h, hole.astype(np.float32), noise]).astype(np.float32), lab, tented


@functools.lru_cache(maxsize=16)
def _cast_tile(v: int, T: int):
    from skimage import data  # only brick, gravel, grass ship offline

    img = [data.brick, data.gravel, data.grass][v]().astype(np.float32)
    if img.shape[0] != T:
        img = cv2.resize(img, (T, T), interpolation=cv2.INTER_CUBIC)
    lo, hi = np.percentile(img, [1, 99])
    img = np.clip((img - lo) / max(hi - lo, 1e-3), 0, 1)
    return img[..., None].astype(np.float32), None


# ----------------------------------------------------------------------------- per image


def _affine(rng: np.random.Generator, S: int, T: int, rot_deg: float, zoom: float):
    """Matrix mapping output pixel coords -> tile coords."""
    th = math.radians(rot_deg)
    zoom = max(zoom, S * 0.5 * (abs(math.cos(th)) + abs(math.sin(th))) / (T / 2 - 3))  # never show the border
    c, s = math.cos(th) / zoom, math.sin(th) / zoom
    ext = (S / zoom) * 0.5 * (abs(math.cos(th)) + abs(math.sin(th)))
    room = max(T / 2 - ext - 2, 0)
    ox, oy = rng.uniform(-room, room, 2)
    co = (S - 1) / 2.0
    M = np.array([[c, -s, 0.0], [s, c, 0.0]], np.float64)
    M[:, 2] = np.array([T / 2 + ox, T / 2 + oy]) - M[:, :2] @ np.array([co, co])
    return M


def _warp(tile: np.ndarray, M: np.ndarray, S: int, nearest: bool = False) -> np.ndarray:
    flags = (cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR) | cv2.WARP_INVERSE_MAP
    return cv2.warpAffine(tile, M, (S, S), flags=flags, borderMode=cv2.BORDER_REFLECT)


def _jit(rng, c, amt=0.04):
    return np.clip(np.asarray(c, np.float32) * (1 + rng.uniform(-amt, amt, 3)).astype(np.float32), 0, 1)


_METALS = [(0.62, 0.64, 0.67), (0.74, 0.75, 0.76), (0.72, 0.60, 0.37), (0.44, 0.45, 0.47), (0.56, 0.55, 0.53)]
_FABRICS = [
    ((0.16, 0.22, 0.42), (0.74, 0.74, 0.70)),  # denim
    ((0.76, 0.68, 0.52), (0.72, 0.64, 0.49)),  # canvas
    ((0.45, 0.46, 0.48), (0.42, 0.43, 0.45)),  # grey technical
    ((0.14, 0.14, 0.15), (0.12, 0.12, 0.13)),  # black
    ((0.58, 0.13, 0.12), (0.50, 0.11, 0.10)),  # red
    ((0.40, 0.42, 0.26), (0.36, 0.38, 0.23)),  # olive
    ((0.84, 0.84, 0.81), (0.80, 0.80, 0.78)),  # white
    ((0.14, 0.19, 0.33), (0.13, 0.17, 0.30)),  # navy
]
_MASKS = [((0.10, 0.36, 0.16), 4), ((0.05, 0.22, 0.10), 2), ((0.05, 0.17, 0.42), 2), ((0.05, 0.05, 0.06), 2),
          ((0.45, 0.07, 0.06), 1)]
_FINISH = [(0.86, 0.70, 0.38), (0.78, 0.78, 0.76), (0.82, 0.52, 0.32)]
_CASTS = [(0.55, 0.35, 0.22), (0.58, 0.57, 0.55), (0.66, 0.58, 0.45), (0.36, 0.36, 0.37), (0.74, 0.71, 0.66)]


def render_surface(kind: str, rng: np.random.Generator, S: int, light: tuple[float, float]):
    T = tile_size(S)
    v = int(rng.integers(0, N_VARIANTS[kind]))
    zoom = float(rng.uniform(0.85, 1.2))
    lx, ly = light
    info: dict = {"variant": v}
    if kind == "metal":
        tile, _ = _metal_tile(v, T)
        base = 90.0 * int(rng.integers(0, 2)) if v < 4 else rng.uniform(0, 360)
        M = _affine(rng, S, T, base + rng.uniform(-6, 6), zoom)
        W = _warp(tile, M, S)
        Sx, G = W[..., 0], W[..., 1]
        tone = _jit(rng, _METALS[int(rng.integers(0, len(_METALS)))])
        a_s = rng.uniform(0.035, 0.08)
        shade = 1.0 + 0.03 * G + a_s * Sx
        if v < 4:
            yy, xx = _grid(S)
            xt = M[0, 0] * xx + M[0, 1] * yy + M[0, 2]
            x0 = T / 2 + rng.uniform(-0.45, 0.45) * S / zoom
            w = rng.uniform(0.06, 0.25) * S / zoom
            band = np.exp(-0.5 * ((xt - x0) / w) ** 2)
        else:
            p0 = rng.uniform(0, 2 * math.pi)
            c2 = W[..., 2] * math.cos(p0) + W[..., 3] * math.sin(p0)
            band = np.exp(rng.uniform(2.0, 8.0) * (c2 - 1.0))
        strength = rng.uniform(0.08, 0.4)
        spec = (strength * band * np.clip(1.0 + 0.9 * Sx, 0, None)).astype(np.float32)
        spec_c = (0.6 + 0.4 * tone / tone.max()).astype(np.float32)
        pre = shade[..., None] * tone + spec[..., None] * spec_c
        lab = np.where(np.abs(Sx) > 1.7, L["streak"], L["grain"]).astype(np.uint8)
        info.update(gloss=0.0, scratch_sign=1.0 if rng.random() < 0.7 else -1.0, tone=tone)
    elif kind == "textile":
        tile, labt = _textile_tile(v, T)
        M = _affine(rng, S, T, rng.uniform(-5, 5) + 90.0 * int(rng.integers(0, 2)), zoom)
        I = _warp(tile, M, S)
        lab = _warp(labt, M, S, nearest=True)
        cw, cf = _FABRICS[int(rng.integers(0, len(_FABRICS)))]
        lut = np.zeros((16, 3), np.float32)
        lut[0] = _jit(rng, cf) * 0.5
        lut[L["weave_warp"]] = _jit(rng, cw)
        lut[L["weave_weft"]] = _jit(rng, cf)
        pre = lut[lab] * (0.3 + 0.8 * I)[..., None]
        info.update(gloss=0.0, scratch_sign=1.0, tone=lut[L["weave_warp"]])
    elif kind == "pcb":
        tile, labt, tented = _pcb_tile(v, T)
        M = _affine(rng, S, T, rng.uniform(-4, 4) + 90.0 * int(rng.integers(0, 4)), zoom)
        W = _warp(tile, M, S)
        lab = _warp(labt, M, S, nearest=True)
        cols, wts = zip(*_MASKS)
        mc = _jit(rng, cols[int(rng.choice(len(cols), p=np.array(wts) / sum(wts)))], 0.08)
        fin = _jit(rng, _FINISH[int(rng.integers(0, len(_FINISH)))], 0.03)
        lut = np.zeros((16, 3), np.float32)
        lut[L["solder_mask"]] = mc
        lut[L["trace"]] = np.clip(mc * 1.22 + np.array([0.04, 0.035, 0.0]), 0, 1)
        lut[L["pad"]] = fin
        lut[L["via"]] = lut[L["trace"]] if tented else fin
        silk = (0.9, 0.9, 0.86) if mc.sum() < 1.2 or rng.random() < 0.85 else (0.1, 0.1, 0.1)
        lut[L["silkscreen"]] = _jit(rng, silk, 0.03)
        base = lut[lab]
        holem = W[..., 1:2]
        base = base * (1 - holem) + holem * np.float32(0.035)
        h = W[..., 0]
        gx = cv2.Sobel(h, cv2.CV_32F, 1, 0, ksize=3) * 0.125
        gy = cv2.Sobel(h, cv2.CV_32F, 0, 1, ksize=3) * 0.125
        sh = -(gx * lx + gy * ly) * 2.2 * zoom
        pre = base * (1.0 + sh + 0.035 * W[..., 2])[..., None]
        info.update(gloss=rng.uniform(0.03, 0.12), scratch_sign=1.0, tone=fin)
    elif kind == "cast":
        tile, _ = _cast_tile(v % 3, T)
        flip = -1.0 if rng.random() < 0.5 else 1.0
        M = _affine(rng, S, T, rng.uniform(0, 360), zoom * rng.uniform(0.8, 1.2))
        if flip < 0:  # mirror about the image centre (keeps the crop inside the tile)
            M[:, 2] += 2.0 * M[:, 0] * (S - 1) / 2.0
            M[:, 0] *= -1.0
        I = _warp(tile, M, S)
        tone = _jit(rng, _CASTS[int(rng.integers(0, len(_CASTS)))], 0.06)
        c = rng.uniform(0.5, 1.0) if v % 3 != 2 else rng.uniform(0.3, 0.6)
        if v % 3 == 2:  # grass photo: soften into a fibrous rough finish
            I = cv2.GaussianBlur(I, (0, 0), 1.2)
        shade = np.clip(1.0 + c * 1.3 * (I - 0.5), 0.05, None)
        pre = shade[..., None] * tone
        lab = np.full((S, S), L["texture"], np.uint8)
        info.update(gloss=rng.uniform(0.0, 0.03), scratch_sign=1.0 if rng.random() < 0.5 else -1.0, tone=tone)
    else:
        raise ValueError(f"unknown surface kind {kind!r}")
    return np.ascontiguousarray(pre, dtype=np.float32), np.ascontiguousarray(lab, dtype=np.uint8), info


@functools.lru_cache(maxsize=8)
def _grid(S: int):
    yy, xx = np.mgrid[0:S, 0:S].astype(np.float32)
    return yy, xx
