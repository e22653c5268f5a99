"""Latent edits and the exact token update they imply.

x' = x + m * (z' - z) @ W_dec, summed over the edited latents only. The decoder is linear,
so this equals decode(z') + (x - decode(z)): the SAE's error term is kept, and with no edit
x' is x bit for bit. Cost O(P*k*D) for k edited latents, not O(P*S*D).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from app.core.errors import InspectorError

EditOp = Literal["off", "scale", "set", "add"]


@dataclass(frozen=True)
class LatentEdit:
    latent: int
    op: EditOp
    # scale: the factor a. set/add: in units of the latent's reference activation.
    value: float = 0.0

    def describe(self) -> str:
        return "off" if self.op == "off" else f"{self.op}={self.value:g}"


_EDIT_RE = re.compile(r"^\s*(\d+)\s*:\s*(off|scale|set|add)\s*(?:=\s*([-+0-9.eE]+))?\s*$")


def parse_edit(text: str) -> LatentEdit:
    """'812:off', '812:scale=0.5', '812:set=2', '812:add=-1' -> LatentEdit."""
    m = _EDIT_RE.match(text)
    if not m:
        raise InspectorError("bad_edit", f"malformed edit '{text}': use ID:off, ID:scale=A, ID:set=V or ID:add=V", edit=text)
    latent, op, val = int(m.group(1)), m.group(2), m.group(3)
    if op == "off":
        if val is not None:
            raise InspectorError("bad_edit", f"malformed edit '{text}': 'off' takes no value", edit=text)
        return LatentEdit(latent, "off")
    if val is None:
        raise InspectorError("bad_edit", f"malformed edit '{text}': '{op}' needs a value, e.g. {latent}:{op}=0.5", edit=text)
    try:
        v = float(val)
    except ValueError:
        raise InspectorError("bad_edit", f"malformed edit '{text}': '{val}' is not a number", edit=text) from None
    if not np.isfinite(v):
        raise InspectorError("bad_edit", f"malformed edit '{text}': the value must be finite", edit=text)
    return LatentEdit(latent, op, v)  # type: ignore[arg-type]


def validate_edits(edits: Sequence[LatentEdit], width: int) -> None:
    seen: set[int] = set()
    for e in edits:
        if not 0 <= e.latent < width:
            raise InspectorError("latent_range", f"latent {e.latent} does not exist: this SAE has latents 0..{width - 1}", latent=e.latent, width=width)
        if e.latent in seen:
            raise InspectorError("duplicate_edit", f"latent {e.latent} is edited twice; give one edit per latent", latent=e.latent)
        if e.op not in ("off", "scale", "set", "add") or not np.isfinite(e.value):
            raise InspectorError("bad_edit", f"invalid edit {e}")
        seen.add(e.latent)


def edited_codes(z_PK: np.ndarray, edits: Sequence[LatentEdit], ref_K: np.ndarray) -> np.ndarray:
    """Codes of the edited latents [P, K] -> their new values z' [P, K]."""
    out = np.empty_like(z_PK)
    for j, e in enumerate(edits):
        z = z_PK[:, j]
        if e.op == "off":
            out[:, j] = 0.0
        elif e.op == "scale":
            out[:, j] = e.value * z
        elif e.op == "set":
            out[:, j] = e.value * ref_K[j]  # also where the latent was silent: injection
        else:
            out[:, j] = z + e.value * ref_K[j]
    return out


def token_delta(
    codes_PS: np.ndarray, W_dec_SD: np.ndarray, m_P: np.ndarray, edits: Sequence[LatentEdit], ref_S: np.ndarray
) -> np.ndarray:
    """The change to patch tokens [P, D] that the edits make, weighted per patch by m."""
    if not edits:
        return np.zeros((codes_PS.shape[0], W_dec_SD.shape[1]), np.float32)
    ids = np.array([e.latent for e in edits])
    z_PK = codes_PS[:, ids]
    dz_PK = (edited_codes(z_PK, edits, ref_S[ids]) - z_PK) * m_P[:, None]
    return (dz_PK @ W_dec_SD[ids]).astype(np.float32)
