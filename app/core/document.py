"""The session file: what was tested on which part with which model, reproducibly.

A session JSON names the image (path and SHA-256), the bundle (name, version, hash), the
edits, the threshold, notes and report fields, and holds the painted mask itself (a PNG,
base64): one file, written atomically (temporary file, then rename), so a session is saved
as one unit, both or neither, and a crash or a full disk never leaves the JSON of one save
beside the mask of another. Sessions of schema 1 (the mask as a PNG beside the JSON, as
the PDF still attaches it) are read as before. The GUI autosaves it, the CLI replays it
(`main.py report --session S.json`), the PDF embeds it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from app.core.edits import LatentEdit
from app.core.errors import InspectorError

SESSION_SCHEMA = "sae-inspector-session/2"
READABLE_SCHEMAS = ("sae-inspector-session/1", SESSION_SCHEMA)
EDIT_OPS = ("off", "scale", "set", "add")
MAX_MASK_PIXELS = 200_000_000  # a session's mask is refused by its declared size before decoding
MAX_SESSION_BYTES = 256 * 1024**2  # a session (JSON + its mask) is far smaller; a larger file is not read

# field -> the JSON types it may hold (schema 2); anything else is a clear error, not half a restore
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "image_path": (str,), "image_sha256": (str,), "bundle": (dict,), "mask_png": (str, type(None)),
    "mask_png_base64": (str, type(None)), "threshold": (int, float, type(None)), "recon_only": (bool,),
    "notes": (str,), "operator": (str,), "station": (str,), "part_id": (str,), "backend": (str,),
    "analyses": (dict,), "schema": (str,),
}


@dataclass(frozen=True)
class SessionDocument:
    image_path: str
    image_sha256: str
    bundle: dict[str, str]  # {"name", "version", "hash"}
    edits: tuple[LatentEdit, ...] = ()
    mask_png: str | None = None  # schema 1 and PDF attachments: a PNG file beside the JSON
    mask_png_base64: str | None = None  # schema 2: the mask PNG inside the JSON
    threshold: float | None = None  # None: the bundle's default
    recon_only: bool = False
    notes: str = ""
    operator: str = ""
    station: str = ""
    part_id: str = ""
    backend: str = "auto"
    analyses: dict[str, Any] = field(default_factory=dict)  # e.g. {"rank": {...params}, "dose": {...}}
    schema: str = SESSION_SCHEMA

    def with_edits(self, edits: list[LatentEdit] | tuple[LatentEdit, ...]) -> SessionDocument:
        return replace(self, edits=tuple(edits))

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["edits"] = [{"latent": e.latent, "op": e.op, "value": e.value} for e in self.edits]
        return d

    @classmethod
    def from_json(cls, d: Any) -> SessionDocument:
        if not isinstance(d, dict) or d.get("schema") not in READABLE_SCHEMAS:
            raise InspectorError("bad_session", f"not a session file of this app (schema {d.get('schema') if isinstance(d, dict) else None!r})")
        for k, types in _FIELD_TYPES.items():
            if k in d and not isinstance(d[k], types):
                raise InspectorError("bad_session", f"the session file is invalid: '{k}' is a {type(d[k]).__name__}")
        if isinstance(d.get("threshold"), bool) or (d.get("threshold") is not None and not 0.0 <= float(d["threshold"]) <= 1.0):
            raise InspectorError("bad_session", f"the session file is invalid: threshold {d.get('threshold')!r} is not in [0, 1]")
        raw_edits = d.get("edits", [])
        if not isinstance(raw_edits, list):
            raise InspectorError("bad_session", "the session file is invalid: 'edits' is not a list")
        edits = tuple(_edit_from_json(e) for e in raw_edits)
        try:
            known = {k: d[k] for k in cls.__dataclass_fields__ if k in d and k != "edits"}
            return cls(**known, edits=edits)
        except (KeyError, TypeError, ValueError) as exc:
            raise InspectorError("bad_session", f"the session file is invalid: {exc}") from exc


def _edit_from_json(e: Any) -> LatentEdit:
    if not isinstance(e, dict):
        raise InspectorError("bad_session", f"the session file has an invalid edit {str(e)[:40]!r}")
    op, latent, value = e.get("op"), e.get("latent"), e.get("value", 0.0)
    if op not in EDIT_OPS:
        raise InspectorError("bad_session", f"the session file has an unknown edit '{str(op)[:20]}'")
    if isinstance(latent, bool) or not isinstance(latent, int) or latent < 0:
        raise InspectorError("bad_session", f"the session file has an edit of latent {str(latent)[:20]!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise InspectorError("bad_session", f"the session file has an edit of latent {latent} with value {str(value)[:20]!r}")
    return LatentEdit(latent, op, float(value))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write {path}: {exc.strerror}", path=str(path)) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600 files; a saved file should read like any other
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InspectorError("write_failed", f"cannot write {path}: {exc.strerror}", path=str(path)) from exc


def mask_png_bytes(mask_HW: np.ndarray) -> bytes:
    """bool [H, W] -> an 8-bit PNG (255 inside)."""
    import cv2

    ok, buf = cv2.imencode(".png", (np.asarray(mask_HW) > 0).astype(np.uint8) * 255)
    if not ok:
        raise InspectorError("write_failed", "cannot encode the mask as PNG")
    return buf.tobytes()


def session_bytes(doc: SessionDocument, mask_HW: np.ndarray | None) -> bytes:
    """The session file's content: the document with the mask inside it."""
    inline = base64.b64encode(mask_png_bytes(mask_HW)).decode("ascii") if mask_HW is not None and np.any(mask_HW) else None
    doc = replace(doc, mask_png=None, mask_png_base64=inline, schema=SESSION_SCHEMA)
    return json.dumps(doc.to_json(), indent=2, ensure_ascii=False).encode("utf-8")


def save_session(path: str | Path, doc: SessionDocument, mask_HW: np.ndarray | None) -> Path:
    """Write the session (with its mask inside) as one file, atomically: the old file stays
    whole until the new one is complete."""
    path = Path(path)
    atomic_write_bytes(path, session_bytes(doc, mask_HW))
    return path


def _png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR, without decoding it."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def decode_mask_png(data: bytes, where: str) -> np.ndarray:
    """A mask PNG -> bool [H, W] (nonzero inside), refused by its declared size before decoding."""
    import cv2

    size = _png_size(data)
    if size is None:
        raise InspectorError("bad_session", f"the session's mask ({where}) is not a PNG")
    if size[0] * size[1] > MAX_MASK_PIXELS:
        raise InspectorError("bad_session", f"the session's mask ({where}) declares {size[0]}×{size[1]} pixels, "
                                            f"more than the {MAX_MASK_PIXELS:,} allowed")
    m = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if m is None:
        raise InspectorError("bad_session", f"the session's mask ({where}) cannot be decoded")
    return (m.max(axis=2) if m.ndim == 3 else m) > 0


def load_session(path: str | Path) -> tuple[SessionDocument, np.ndarray | None]:
    path = Path(path)
    from app.core.jsonsafe import loads

    try:
        size = path.stat().st_size
        if size > MAX_SESSION_BYTES:
            raise InspectorError("bad_session", f"{path.name} is {size / 1024**2:.0f} MB: too large for a session file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InspectorError("session_missing", f"session file not found: {path}", path=str(path)) from None
    except OSError as exc:
        raise InspectorError("bad_session", f"cannot read session {path.name}: {exc.strerror}", path=str(path)) from exc
    raw = loads(data, f"the session {path.name}", "bad_session")
    doc = SessionDocument.from_json(raw)
    mask = None
    if doc.mask_png_base64:
        try:
            data = base64.b64decode(doc.mask_png_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InspectorError("bad_session", f"the session's mask in {path.name} is not valid base64") from exc
        mask = decode_mask_png(data, path.name)
    elif doc.mask_png:
        mp = (path.parent / doc.mask_png).resolve()
        if path.parent.resolve() not in mp.parents:
            raise InspectorError("bad_session", f"the session's mask '{doc.mask_png}' lies outside its folder")
        try:
            data = mp.read_bytes()
        except OSError:
            raise InspectorError("bad_session", f"the session's mask {doc.mask_png} is missing or unreadable", path=str(mp)) from None
        mask = decode_mask_png(data, doc.mask_png)
    return doc, mask


def resolve_image(doc: SessionDocument, session_path: Path) -> Path:
    """The image path as stored, or relative to the session file if it was moved with it."""
    p = Path(doc.image_path)
    if p.is_file():
        return p
    alt = Path(session_path).parent / p.name
    if alt.is_file():
        return alt
    raise InspectorError("image_missing", f"the session's image {p} was not found", path=str(p))
