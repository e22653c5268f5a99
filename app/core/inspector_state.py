"""The inspector's state without Qt: latent controls -> edits, threshold, score history,
request ids, heatmap views, and the crash-detecting autosave lock.

Widgets bind to this model and display what it computes; nothing here imports Qt.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.core.dictionary import format_shares
from app.core.edits import LatentEdit
from app.core.grid import upsample_to_image

HEAT_MODES = ("none", "before", "after", "difference", "latent")
DENSE_FREQUENCY = 0.10  # "hide latents firing on more than 10% of patches"
HISTORY_CAP = 200


# --- latent controls --------------------------------------------------------------------
@dataclass
class LatentControl:
    """One card's controls. ``strength`` is the scale edit; ``inject`` makes it a set edit
    of ``inject_value`` in units of the latent's reference activation."""

    latent: int
    enabled: bool = True
    strength: float = 1.0
    inject: bool = False
    inject_value: float = 1.0
    pinned: bool = False  # added by search: stays listed whatever the region

    def edit(self) -> LatentEdit | None:
        if self.inject:
            return LatentEdit(self.latent, "set", float(self.inject_value))
        if not self.enabled:
            return LatentEdit(self.latent, "off")
        if self.strength != 1.0:
            return LatentEdit(self.latent, "scale", float(self.strength))
        return None

    def is_default(self) -> bool:
        return self.edit() is None


@dataclass(frozen=True)
class ScorePoint:
    request_id: int
    score: float
    what: str  # short description of the edits that produced it


class InspectorState:
    """Edits, threshold and history for one image under one bundle."""

    def __init__(self, default_threshold: float = 0.5) -> None:
        self.controls: dict[int, LatentControl] = {}
        self.default_threshold = float(default_threshold)
        self.threshold = float(default_threshold)
        self.recon_only = False
        self.hide_dense = False
        self.history: list[ScorePoint] = []
        self._next_id = 0
        self.latest_id = 0

    # requests: rising ids, stale results dropped
    def next_request(self) -> int:
        self._next_id += 1
        self.latest_id = self._next_id
        return self._next_id

    def is_current(self, request_id: int) -> bool:
        return request_id == self.latest_id

    # controls
    def control(self, latent: int) -> LatentControl:
        c = self.controls.get(int(latent))
        if c is None:
            c = self.controls[int(latent)] = LatentControl(int(latent))
        return c

    def edits(self) -> tuple[LatentEdit, ...]:
        return tuple(e for c in sorted(self.controls.values(), key=lambda c: c.latent) if (e := c.edit()) is not None)

    def set_edits(self, edits: tuple[LatentEdit, ...] | list[LatentEdit]) -> None:
        """Restore controls from saved edits (session load)."""
        self.controls = {}
        for e in edits:
            c = self.control(e.latent)
            c.pinned = True
            if e.op == "off":
                c.enabled = False
            elif e.op == "scale":
                c.strength = float(e.value)
            elif e.op == "set":
                c.inject, c.inject_value = True, float(e.value)
            else:  # "add" has no card control; keep it as an injection of the same size
                c.inject, c.inject_value = True, float(e.value)

    def reset_all(self) -> None:
        for c in self.controls.values():
            c.enabled, c.strength, c.inject = True, 1.0, False

    def describe_edits(self) -> str:
        e = self.edits()
        return ", ".join(f"#{x.latent} {x.describe()}" for x in e) if e else "no edit"

    # verdict
    def set_threshold(self, t: float | None) -> None:
        self.threshold = self.default_threshold if t is None else float(np.clip(t, 0.0, 1.0))

    def is_defect(self, score: float) -> bool:
        return float(score) >= self.threshold

    def record(self, request_id: int, score: float) -> None:
        what = self.describe_edits()
        if self.history and self.history[-1].what == what and abs(self.history[-1].score - score) < 1e-9:
            return
        self.history.append(ScorePoint(request_id, float(score), what))
        del self.history[:-HISTORY_CAP]

    def clear_history(self) -> None:
        self.history.clear()


# --- heatmaps ---------------------------------------------------------------------------
@dataclass(frozen=True)
class HeatmapView:
    map_HW: np.ndarray  # float32 at the image's resolution
    levels: tuple[float, float]
    diverging: bool
    title: str
    stretched: bool = False


def heatmap_view(
    mode: str,
    image_hw: tuple[int, int],
    before_hw: np.ndarray | None,
    after_hw: np.ndarray | None,
    latent_hw: np.ndarray | None = None,
    latent_ref: float = 1.0,
    stretch: bool = False,
) -> HeatmapView | None:
    """The map to draw for a mode, upsampled to the image, on a fixed scale unless stretched.

    before/after: defect probability 0..1. difference: after - before on -1..1 (diverging).
    latent: activation in units of its reference (p99), on 0..1.
    """
    if mode == "before" and before_hw is not None:
        grid, levels, div, title = before_hw, (0.0, 1.0), False, "defect map, before"
    elif mode == "after" and after_hw is not None:
        grid, levels, div, title = after_hw, (0.0, 1.0), False, "defect map, after"
    elif mode == "difference" and before_hw is not None and after_hw is not None:
        grid, levels, div, title = after_hw - before_hw, (-1.0, 1.0), True, "after − before"
    elif mode == "latent" and latent_hw is not None:
        grid, levels, div = latent_hw / max(float(latent_ref), 1e-9), (0.0, 1.0), False
        title = "latent activation / reference"
    else:
        return None
    m = upsample_to_image(np.asarray(grid, np.float32), image_hw)
    if stretch:
        if div:
            a = float(np.max(np.abs(m))) or 1e-6
            levels = (-a, a)
        else:
            lo, hi = float(m.min()), float(m.max())
            levels = (lo, hi if hi > lo else lo + 1e-6)
    return HeatmapView(m, levels, div, title, stretch)


def defect_mask_from_map(patch_map_hw: np.ndarray, image_hw: tuple[int, int], level: float) -> np.ndarray:
    """bool [H, W]: where the smoothly upsampled defect map reaches ``level``."""
    return upsample_to_image(np.asarray(patch_map_hw, np.float32), image_hw) >= float(level)


# --- files ------------------------------------------------------------------------------
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
_SAMPLE_RE = re.compile(r"^(?P<kind>[A-Za-z]+)_(?P<n>\d+)$")


def list_samples(folder: Path) -> list[Path]:
    """``<type>_<n>.png`` sample parts (not their ``_mask`` files), sorted; [] if absent."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.png") if _SAMPLE_RE.match(p.stem))


def list_images(folder: Path) -> list[Path]:
    """The part images in a folder (ground-truth ``*_mask`` files left out), sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.stem.endswith("_mask") and p.is_file()
    )


def list_bundles(store: Path) -> list[Path]:
    """Folders of ``store`` that hold a ``bundle.json``; 'default' first."""
    if not store.is_dir():
        return []
    found = [p for p in store.iterdir() if (p / "bundle.json").is_file()]
    return sorted(found, key=lambda p: (p.name != "default", p.name))


# --- autosave lock: detect a previous run that did not exit cleanly -----------------------
@dataclass
class RunLock:
    """A ``running.json`` in the data folder while the app runs; removed on a clean exit.

    ``acquire`` returns the previous run's info when it was left by a process that is gone,
    which means that run crashed and its autosave may hold unsaved work.
    """

    folder: Path
    stale: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / "running.json"

    def acquire(self) -> dict | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        previous = None
        if self.path.is_file():
            try:
                info = json.loads(self.path.read_text(encoding="utf-8"))
                pid = int(info.get("pid", -1))
            except (OSError, ValueError, TypeError):
                info, pid = {}, -1
            if pid != os.getpid() and not _pid_alive(pid):
                previous = info
        self.path.write_text(json.dumps({"pid": os.getpid()}), encoding="utf-8")
        return previous

    def release(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        k = ctypes.windll.kernel32  # type: ignore[attr-defined]
        h = k.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not h:
            return False
        code = ctypes.c_ulong()
        k.GetExitCodeProcess(h, ctypes.byref(code))
        k.CloseHandle(h)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# --- dictionary browser rows ---------------------------------------------------------------
@dataclass(frozen=True)
class DictionaryRow:
    latent: int
    auto_label: str
    frequency: float
    best_ap: float
    best_class: str
    strongest: str = ""  # "scratch 48%, crack 38%": where it fires hardest on held-out parts
    top_defect_share: float = 0.0  # the largest share of those parts in one defect type (purity)


def dictionary_rows(dictionary) -> list[DictionaryRow]:  # noqa: ANN001 - FeatureDictionary
    """One row per latent: frequency, best association AP and its region class."""
    ap = np.nan_to_num(np.asarray(dictionary.assoc_ap, np.float64), nan=0.0)
    if ap.ndim == 2 and ap.shape[1] > 0:
        best = ap.argmax(axis=1)
        best_ap = ap[np.arange(ap.shape[0]), best]
    else:
        best, best_ap = np.zeros(dictionary.width, int), np.zeros(dictionary.width)
    rc = dictionary.region_classes
    share = getattr(dictionary, "top_share", None)
    parts = getattr(dictionary, "top_share_images", None)
    if share is not None and parts is not None and share.ndim == 2 and share.shape[1] > 1:
        full = int(parts.max(initial=0))
        # a latent seen on only a few parts would top a purity sort by chance: only full counts sort
        purity = np.where(parts >= full, share[:, 1:].max(axis=1), 0.0)
    else:
        purity = np.zeros(dictionary.width)

    def strongest(i: int) -> str:  # "scratch 48%, crack 38% (50 parts)"
        listed = dictionary.strongest_on(i) if share is not None else []
        if not listed:
            return ""
        return format_shares(listed) + f" ({dictionary.strongest_parts(i)} parts)"

    return [
        DictionaryRow(i, dictionary.labels[i], float(dictionary.frequency[i]), float(best_ap[i]), rc[best[i]] if rc else "",
                      strongest=strongest(i), top_defect_share=float(purity[i]))
        for i in range(dictionary.width)
    ]


def histogram_bins(dictionary, latent: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """(bin centres, counts) of the latent's positive activations."""
    counts = np.asarray(dictionary.hist[latent], np.float64)
    edges = np.linspace(0.0, float(dictionary.max_act[latent]) or 1.0, counts.shape[0] + 1)
    return (edges[:-1] + edges[1:]) / 2, counts
