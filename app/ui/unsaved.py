"""Unsaved work: which images hold a region, edits or notes changed since their session was last
saved, and Quit asking before that is lost (Save / Discard / Cancel).

Save writes the shown image's session where File → Save would; with several images unsaved it
asks for a folder and writes ``<image name>.session.json`` for each, so every image's work
survives. A cancelled file dialog cancels the quit: nothing is ever dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.image_document import ImageDocument


class UnsavedWork(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win

    def mark(self) -> None:
        """The shown image's region, edits or notes changed."""
        if self.win.image is not None:
            self.win.documents.current.unsaved = True

    def documents(self) -> list[ImageDocument]:
        return self.win.documents.store.unsaved()

    # --- the questions (tests replace these) ------------------------------------------------------
    def ask(self, names: list[str]) -> str:
        """"save" | "discard" | "cancel"."""
        box = QMessageBox(self.win)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Unsaved work"))
        shown = ", ".join(names[:5]) + (self.tr(" and {0} more").format(len(names) - 5) if len(names) > 5 else "")
        box.setText(self.tr("%n image(s) hold a region, latent edits or notes that are not saved: {0}.", "", len(names))
                    .format(shown))
        box.setInformativeText(self.tr("Save them as sessions before quitting?"))
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel")

    def choose_folder(self) -> Path | None:
        d = QFileDialog.getExistingDirectory(self.win, self.tr("Folder for the sessions of the unsaved images"))
        return Path(d) if d else None

    # --- quitting -----------------------------------------------------------------------------
    def confirm_quit(self) -> bool:
        """True when the window may close: nothing unsaved, saved now, or the user discards it."""
        docs = self.documents()
        if not docs:
            return True
        answer = self.ask([Path(d.path).name for d in docs])
        if answer == "discard":
            return True
        if answer != "save":
            return False
        return self.save(docs)

    def save(self, docs: list[ImageDocument]) -> bool:
        files = self.win.files
        if len(docs) == 1 and docs[0] is self.win.documents.current:
            files.save_action()
            return not self.win.documents.current.unsaved
        folder = self.choose_folder()
        if folder is None:
            return False
        ok = True
        for d in docs:
            ok = files.save_document(d, folder / f"{Path(d.path).stem}.session.json") and ok
        return ok
