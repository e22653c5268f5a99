"""Session files: save, save as, open and replay a session (the image, its region, the latent
edits, threshold, view and notes) — written as one file, so a save is whole or not at all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from app.core.document import SessionDocument, load_session, resolve_image, save_session
from app.core.edits import validate_edits
from app.core.errors import InspectorError
from app.core.grid import resize_mask
from app.ui.compare_controller import restore_comparison, session_analyses
from app.ui.error_text import error_message


class SessionFiles(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.path: Path | None = None  # where Save writes (None: ask)
        self._pending: tuple[SessionDocument, np.ndarray | None, Path] | None = None

    def document(self) -> SessionDocument | None:
        """The image shown and its document, as a session (None without an image)."""
        win = self.win
        if win.image is None or win.session is None:
            return None
        return SessionDocument(
            image_path=str(Path(win.image.path).resolve()), image_sha256=win.image.sha256,
            bundle=win.session.bundle.summary(), edits=win.controls.edits(), threshold=win.results.threshold.saved(),
            recon_only=win.results.recon_only, notes=win.notes.toPlainText(), backend=win.backend_choice,
            analyses=session_analyses(win),
        )

    def document_for(self, doc) -> SessionDocument | None:  # noqa: ANN001 - ImageDocument
        """Any image's document as a session (the shown one's live values, another's snapshot)."""
        win = self.win
        if doc is win.documents.current:
            return self.document()
        if win.session is None:
            return None
        return SessionDocument(
            image_path=str(Path(doc.path).resolve()), image_sha256=doc.sha256, bundle=win.session.bundle.summary(),
            edits=doc.controls.edits(), threshold=win.results.threshold.saved(), recon_only=win.results.recon_only,
            notes=doc.notes, backend=win.backend_choice,
        )

    def save_document(self, doc, path: Path) -> bool:  # noqa: ANN001 - ImageDocument
        """Save one image's session (used when quitting with several images unsaved)."""
        if doc is self.win.documents.current:
            return self.save(path)
        sd = self.document_for(doc)
        if sd is None:
            return False
        try:
            save_session(path, sd, doc.mask_HW)
        except InspectorError as exc:
            self.win.banner.show_message(error_message(exc), "error")
            return False
        doc.unsaved = False
        return True

    # --- saving ----------------------------------------------------------------------------
    def save_action(self) -> None:
        if self.path is None:
            self.save_as()
        else:
            self.save(self.path)

    def save_as(self) -> None:
        if self.win.image is None:
            self.win.banner.show_message(self.tr("Nothing to save yet: open a part image first."), "warning")
            return
        start = str(Path(self.win.image.path).with_suffix(".session.json"))
        path, _ = QFileDialog.getSaveFileName(self.win, self.tr("Save session"), start, self.tr("Session (*.json)"))
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> bool:
        doc = self.document()
        if doc is None:
            return False
        try:
            save_session(path, doc, self.win.documents.region_mask())
        except InspectorError as exc:
            self.win.banner.show_message(error_message(exc), "error")
            return False
        self.path = Path(path)
        self.win.documents.current.unsaved = False
        self.win.statusBar().showMessage(self.tr("Session saved to {0}").format(path), 5000)
        return True

    # --- opening ---------------------------------------------------------------------------
    def load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.win, self.tr("Load session"), "", self.tr("Session (*.json)"))
        if path:
            self.load(Path(path))

    def load(self, path: Path, remember_path: bool = True) -> bool:
        """Open the session's image and restore its document once analysed; False if refused."""
        win = self.win
        try:
            doc, mask = load_session(path)
            if win.session is not None:  # refused whole, before anything is shown: never half a restore
                validate_edits(doc.edits, win.session.width)
            img = resolve_image(doc, Path(path))
        except InspectorError as exc:
            win.banner.show_message(error_message(exc), "error")
            return False
        if win.session is not None and doc.bundle.get("hash") not in (None, win.session.bundle.hash):
            win.banner.show_message(
                self.tr("This session was recorded with bundle '{0}' {1}; the current bundle is '{2}'. Latent ids may mean "
                        "something else.").format(doc.bundle.get("name"), doc.bundle.get("version"), win.session.bundle.name),
                "warning",
            )
        self._pending = (doc, mask, Path(path))
        if remember_path:
            self.path = Path(path)
        win.documents.open_image(img)
        return True

    def take_pending(self) -> tuple[SessionDocument, np.ndarray | None, Path] | None:
        p, self._pending = self._pending, None
        return p

    def apply(self, doc: SessionDocument, mask: np.ndarray | None, path: Path) -> None:
        """Restore a loaded session onto the image just analysed."""
        win = self.win
        docs = win.documents
        if win.image is not None and doc.image_sha256 and doc.image_sha256 != win.image.sha256:
            win.banner.show_message(self.tr("The image file changed since the session was saved (SHA-256 differs)."), "warning")
        try:  # the bundle may have changed since load(): checked again before anything is restored
            validate_edits(doc.edits, win.session.width)
        except InspectorError as exc:
            win.banner.show_message(error_message(exc), "error")
            return
        if mask is not None:
            docs.mask.load_state(mask if mask.shape == docs.mask.shape else resize_mask(mask, docs.mask.shape))
        docs.current.controls.set_edits(doc.edits)
        win.results.threshold.set(doc.threshold)
        win.verdict.set_threshold(win.results.threshold.value)
        win.results.recon_only = doc.recon_only
        win.menus.recon_action.setChecked(doc.recon_only)
        docs.set_notes(doc.notes)
        docs.current.unsaved = False  # what is shown is what the file holds
        win.statusBar().showMessage(self.tr("Session restored from {0}").format(path.name), 5000)
        win.autosave.on_restored(path)
        restore_comparison(win, doc.analyses)
