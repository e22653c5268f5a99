"""The session file: what was tested on which part with which model, reproducibly.

A session JSON names the image (path and SHA-256), the bundle (name, version, hash), the
edits, the threshold, notes and report fields; the mask sits beside it as a PNG. The GUI
autosaves it, the CLI replays it (`main.py report --session S.json`), the PDF embeds it.
Writes are atomic (temporary file, then rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from app.core.edits import LatentEdit
from app.core.errors import InspectorError

SESSION_SCHEMA = "sae-inspector-session/1"


@dataclass(frozen=True)
class SessionDocument:
    image_path: str
    image_sha256: str
    bundle: dict[str, str]  # {"name", "version", "hash"}
    edits: tuple[LatentEdit, ...] = ()
    mask_png: str | None = None  # file name beside the JSON
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
        if not isinstance(d, dict) or d.get("schema") != SESSION_SCHEMA:
            raise InspectorError("bad_session", f"not a session file of this app (schema {d.get('schema') if isinstance(d, dict) else None!r})")
        try:
            edits = tuple(LatentEdit(int(e["latent"]), e["op"], float(e.get("value", 0.0))) for e in d.get("edits", []))
            known = {k: d[k] for k in cls.__dataclass_fields__ if k in d and k != "edits"}
            doc = cls(**known, edits=edits)
        except (KeyError, TypeError, ValueError) as exc:
            raise InspectorError("bad_session", f"the session file is invalid: {exc}") from exc
        for e in doc.edits:
            if e.op not in ("off", "scale", "set", "add"):
                raise InspectorError("bad_session", f"the session file has an unknown edit '{e.op}'")
        return doc


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


def save_session(path: str | Path, doc: SessionDocument, mask_HW: np.ndarray | None) -> Path:
    """Write ``S.json`` and, if there is a mask, ``S.mask.png`` beside it."""
    import cv2

    path = Path(path)
    if mask_HW is not None and np.any(mask_HW):
        mask_name = path.with_suffix("").name + ".mask.png"
        ok, buf = cv2.imencode(".png", (np.asarray(mask_HW) > 0).astype(np.uint8) * 255)
        assert ok
        atomic_write_bytes(path.parent / mask_name, buf.tobytes())
        doc = replace(doc, mask_png=mask_name)
    else:
        doc = replace(doc, mask_png=None)
    atomic_write_bytes(path, json.dumps(doc.to_json(), indent=2, ensure_ascii=False).encode("utf-8"))
    return path


def load_session(path: str | Path) -> tuple[SessionDocument, np.ndarray | None]:
    import cv2

    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InspectorError("session_missing", f"session file not found: {path}", path=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InspectorError("bad_session", f"cannot read session {path.name}: {exc}", path=str(path)) from exc
    doc = SessionDocument.from_json(raw)
    mask = None
    if doc.mask_png:
        mp = (path.parent / doc.mask_png).resolve()
        if path.parent.resolve() not in mp.parents:
            raise InspectorError("bad_session", f"the session's mask '{doc.mask_png}' lies outside its folder")
        m = cv2.imread(str(mp), cv2.IMREAD_GRAYSCALE)
        if m is None:
            raise InspectorError("bad_session", f"the session's mask {doc.mask_png} is missing or unreadable", path=str(mp))
        mask = m > 0
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
