"""The user's own labels and notes per latent, kept beside (never inside) the bundle.

One JSON file per bundle, keyed by the bundle's hash, in the user data folder
(``platformdirs``) unless a path is given (tests). Import and export as JSON or CSV, so
labels can be shared between stations.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path

from app.core.document import atomic_write_bytes
from app.core.errors import InspectorError

LABELS_SCHEMA = "sae-inspector-labels/1"
APP_NAME = "sae-inspector"
DATA_DIR_ENV = "SAE_INSPECTOR_DATA_DIR"


def user_data_dir() -> Path:
    """The app's data folder; ``$SAE_INSPECTOR_DATA_DIR`` overrides it (tests, portable installs)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        p = Path(env)
    else:
        import platformdirs

        p = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    p.mkdir(parents=True, exist_ok=True)
    return p


def labels_path(bundle_hash: str) -> Path:
    return user_data_dir() / "labels" / f"{bundle_hash[:32]}.json"


class UserLabels:
    """Labels and notes by latent id for one bundle; saved atomically on every change."""

    def __init__(self, bundle_hash: str, path: str | Path | None = None, autosave: bool = True) -> None:
        self.bundle_hash = bundle_hash
        self.path = Path(path) if path is not None else labels_path(bundle_hash)
        self.autosave = autosave
        self.labels: dict[int, str] = {}
        self.notes: dict[int, str] = {}
        self.load_error: str | None = None
        if self.path.is_file():
            try:
                self._merge(json.loads(self.path.read_text(encoding="utf-8")), check_bundle=True)
            except (OSError, ValueError, InspectorError) as exc:
                # keep the unreadable file untouched; start empty and say why
                self.load_error = getattr(exc, "message", str(exc))
                self.path = self.path.with_name(self.path.stem + ".recovered.json")

    # --- access -------------------------------------------------------------------------
    def label(self, latent: int) -> str:
        return self.labels.get(int(latent), "")

    def note(self, latent: int) -> str:
        return self.notes.get(int(latent), "")

    def set_label(self, latent: int, text: str) -> None:
        self._set(self.labels, latent, text)

    def set_note(self, latent: int, text: str) -> None:
        self._set(self.notes, latent, text)

    def set_many(self, labels: Mapping[int, str]) -> None:
        for k, v in labels.items():
            self._set(self.labels, k, v, save=False)
        self._save_if()

    def _set(self, table: dict[int, str], latent: int, text: str, save: bool = True) -> None:
        text = str(text).strip()
        if text:
            table[int(latent)] = text
        else:
            table.pop(int(latent), None)
        if save:
            self._save_if()

    def _save_if(self) -> None:
        if self.autosave:
            self.save()

    # --- files --------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "schema": LABELS_SCHEMA,
            "bundle_hash": self.bundle_hash,
            "labels": {str(k): v for k, v in sorted(self.labels.items())},
            "notes": {str(k): v for k, v in sorted(self.notes.items())},
        }

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, json.dumps(self.to_json(), indent=1, ensure_ascii=False).encode("utf-8"))

    def _merge(self, raw: object, check_bundle: bool = False) -> int:
        if not isinstance(raw, dict) or raw.get("schema") != LABELS_SCHEMA:
            raise InspectorError("bad_labels", "not a label file of this app")
        if check_bundle and raw.get("bundle_hash") not in (None, self.bundle_hash):
            raise InspectorError("bad_labels", "the label file belongs to another bundle")
        n = 0
        try:
            for table, key in ((self.labels, "labels"), (self.notes, "notes")):
                for k, v in dict(raw.get(key, {})).items():
                    if str(v).strip():
                        table[int(k)] = str(v).strip()
                        n += 1
        except (TypeError, ValueError) as exc:
            raise InspectorError("bad_labels", f"the label file is invalid: {exc}") from exc
        return n

    def export_json(self, path: str | Path) -> None:
        atomic_write_bytes(Path(path), json.dumps(self.to_json(), indent=1, ensure_ascii=False).encode("utf-8"))

    def import_json(self, path: str | Path) -> int:
        """Merge labels and notes from a JSON export (any bundle: ids are taken as they are)."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InspectorError("bad_labels", f"cannot read {Path(path).name}: {exc}") from exc
        n = self._merge(raw)
        self._save_if()
        return n

    def export_csv(self, path: str | Path, auto_labels: Mapping[int, str] | None = None) -> None:
        """Columns latent,label,note[,auto_label]; one row per latent that has something."""
        ids = sorted(set(self.labels) | set(self.notes) | (set(auto_labels) if auto_labels else set()))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["latent", "label", "note", "auto_label"])
        for i in ids:
            w.writerow([i, self.label(i), self.note(i), (auto_labels or {}).get(i, "")])
        atomic_write_bytes(Path(path), buf.getvalue().encode("utf-8"))

    def import_csv(self, path: str | Path) -> int:
        """Merge a CSV with columns latent,label[,note]; blank cells leave existing values."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InspectorError("bad_labels", f"cannot read {Path(path).name}: {exc}") from exc
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and "latent" not in rows[0]:
            raise InspectorError("bad_labels", f"{Path(path).name} needs a 'latent' column")
        n = 0
        for row_no, row in enumerate(rows, start=2):
            try:
                i = int(str(row["latent"]).strip())
            except (TypeError, ValueError):
                raise InspectorError("bad_labels", f"{Path(path).name}, line {row_no}: '{row.get('latent')}' is not a latent id") from None
            for table, key in ((self.labels, "label"), (self.notes, "note")):
                v = (row.get(key) or "").strip()
                if v:
                    table[i] = v
                    n += 1
        self._save_if()
        return n
