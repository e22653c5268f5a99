"""What a comparison was asked for, as the session file keeps it, so that it can be replayed.

A session that compared two bundles carries ``analyses["compare"]``: bundle B (name, version,
hash, folder), the shared parts its counterparts were measured on, the latents listed per region,
the latent switched off with its counterpart (if any) and the folder comparison's parts and
settings (if one was run). ``python main.py report --session S.json`` reruns exactly this
(the counterpart statistics come from their cache when the same parts were measured before).
Read strictly: a field of the wrong type is one ``InspectorError("bad_session")``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.core.compare.counterparts import MIN_R, Side
from app.core.errors import InspectorError

SESSION_KEY = "compare"
LISTED = 20  # latents listed per model in the region
MAX_PATHS = 100_000


def _bad(what: str) -> InspectorError:
    return InspectorError("bad_session", f"the session's comparison is invalid: {what}")


def _int(d: dict[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise _bad(f"'{key}' must be a whole number in [{lo}, {hi}], not {str(v)[:20]!r}")
    return v


def _paths(d: dict[str, Any], key: str) -> tuple[str, ...]:
    v = d.get(key, [])
    if not isinstance(v, list) or len(v) > MAX_PATHS or not all(isinstance(x, str) and x for x in v):
        raise _bad(f"'{key}' must be a list of image paths")
    return tuple(v)


def _dict(d: Any, what: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise _bad(f"{what} is not a JSON object")
    return d


@dataclass(frozen=True)
class SwitchOffSettings:
    latent: int
    side: Side = "A"
    controls: int = 64
    seed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"latent": self.latent, "side": self.side, "controls": self.controls, "seed": self.seed}

    @classmethod
    def from_json(cls, raw: Any) -> SwitchOffSettings:
        d = _dict(raw, "switch_off")
        side = d.get("side", "A")
        if side not in ("A", "B"):
            raise _bad(f"switch_off side {str(side)[:10]!r} is not A or B")
        return cls(_int(d, "latent", -1, 0, 1 << 30), side, _int(d, "controls", 64, 1, 100_000), _int(d, "seed", 0, 0, 2**63 - 1))


@dataclass(frozen=True)
class FolderSettings:
    images: tuple[str, ...]  # the parts compared, in order
    evidence: bool = True
    top: int = 64
    controls: int = 64
    seed: int = 0
    n_boot: int = 2000

    def to_json(self) -> dict[str, Any]:
        return {"images": list(self.images), "evidence": self.evidence, "top": self.top, "controls": self.controls,
                "seed": self.seed, "bootstrap": self.n_boot}

    @classmethod
    def from_json(cls, raw: Any) -> FolderSettings:
        d = _dict(raw, "folder")
        ev = d.get("evidence", True)
        if not isinstance(ev, bool):
            raise _bad("folder 'evidence' must be true or false")
        images = _paths(d, "images")
        if not images:
            raise _bad("the folder comparison names no parts")
        return cls(images, ev, _int(d, "top", 64, 1, 1 << 20), _int(d, "controls", 64, 1, 100_000),
                   _int(d, "seed", 0, 0, 2**63 - 1), _int(d, "bootstrap", 2000, 1, 1_000_000))


@dataclass(frozen=True)
class CompareSettings:
    bundle_b: dict[str, str]  # {"name", "version", "hash", "path"}
    min_r: float = MIN_R
    counterpart_images: tuple[str, ...] = ()  # the shared parts; empty: counterparts were not measured
    listed: int = LISTED
    switch_off: SwitchOffSettings | None = None
    folder: FolderSettings | None = None

    def to_json(self) -> dict[str, Any]:
        return {"bundle_b": dict(self.bundle_b), "min_r": self.min_r, "counterpart_images": list(self.counterpart_images),
                "listed": self.listed, "switch_off": None if self.switch_off is None else self.switch_off.to_json(),
                "folder": None if self.folder is None else self.folder.to_json()}

    @classmethod
    def from_json(cls, raw: Any) -> CompareSettings:
        d = _dict(raw, "compare")
        b = _dict(d.get("bundle_b"), "bundle_b")
        if not all(isinstance(b.get(k), str) for k in ("name", "hash", "path")):
            raise _bad("bundle_b must name the second bundle's name, hash and folder")
        min_r = d.get("min_r", MIN_R)
        if isinstance(min_r, bool) or not isinstance(min_r, (int, float)) or not (math.isfinite(min_r) and -1 <= min_r <= 1):
            raise _bad(f"min_r {str(min_r)[:20]!r} is not a correlation in [-1, 1]")
        so, fo = d.get("switch_off"), d.get("folder")
        return cls({k: str(v) for k, v in b.items() if isinstance(v, str)}, float(min_r), _paths(d, "counterpart_images"),
                   _int(d, "listed", LISTED, 1, 10_000), None if so is None else SwitchOffSettings.from_json(so),
                   None if fo is None else FolderSettings.from_json(fo))


def compare_settings_of(analyses: Any) -> CompareSettings | None:
    """The comparison a session's ``analyses`` holds, or None (a session without one)."""
    if not isinstance(analyses, dict) or analyses.get(SESSION_KEY) is None:
        return None
    return CompareSettings.from_json(analyses[SESSION_KEY])
