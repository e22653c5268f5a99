"""The open image and its document: one ``ImageDocument`` per image file (region, latent edits,
overlay choice, notes), kept while the user visits other images and given back on return.

Owns the live ``MaskModel`` bound to the canvas (a document keeps a snapshot while its image
is not shown), the analysed image, its ground truth, and the folder being stepped through.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from app.core.errors import InspectorError
from app.core.file_listing import list_images, list_samples
from app.core.grid import resize_mask
from app.core.image_document import DocumentStore, ImageDocument
from app.core.mask_model import MaskModel, find_ground_truth
from app.core.provenance import Provenance
from app.ui.error_text import error_message
from app.ui.settings import add_recent


class ImageDocuments(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.store = DocumentStore()
        self.current = ImageDocument(path="")  # no image yet: a document nothing is kept in
        self.mask = MaskModel((1, 1))
        self.image = None  # LoadedImage
        self.image_token = 0
        self.gt_mask = None
        self.folder_images: list[Path] = []
        self.pending_image: str | None = None
        self.mask.add_listener(self._on_mask_changed)
        win.canvas.set_mask_model(self.mask)
        win.tools.set_brush(self.mask.brush_radius)
        win.notes.textChanged.connect(self._on_notes)

    # --- what the results are computed from --------------------------------------------------
    def origin(self) -> Provenance:
        """The image, region version and edits as they are now (a request's provenance)."""
        return Provenance(self.image.sha256 if self.image is not None else "", self.current.mask_version,
                          self.current.controls.edits(), self.win.results.recon_only)

    def region_mask(self):  # noqa: ANN201 - bool [H, W] copy, or None for the whole image
        return None if self.mask.is_empty() else self.mask.mask

    def _on_mask_changed(self, _rect) -> None:  # noqa: ANN001
        self.current.mask_version += 1

    def _on_notes(self) -> None:
        self.current.notes = self.win.notes.toPlainText()
        self.win.autosave.schedule()

    def set_notes(self, text: str) -> None:
        self.win.notes.blockSignals(True)
        self.win.notes.setPlainText(text)
        self.win.notes.blockSignals(False)
        self.current.notes = text

    # --- opening ---------------------------------------------------------------------------
    def choose_first(self, image: str | Path | None) -> None:
        """At start-up: the given image, else the first sample with a ground truth (a defective part shows more)."""
        if image is not None:
            self.pending_image = str(image)
        elif samples := list_samples(self.win.samples_dir):
            with_gt = [p for p in samples if find_ground_truth(p) is not None]
            self.pending_image = str((with_gt or samples)[0])

    def open_image_dialog(self) -> None:
        start = str(Path(self.image.path).parent) if self.image is not None else ""
        path, _ = QFileDialog.getOpenFileName(
            self.win, self.tr("Open a part image"), start, self.tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)")
        )
        if path:
            self.open_image(path)

    def open_folder_dialog(self) -> None:
        d = QFileDialog.getExistingDirectory(self.win, self.tr("Open a folder of part images"))
        if d:
            self.open_folder(Path(d))

    def open_folder(self, folder: Path) -> None:
        self.folder_images = list_images(Path(folder))
        self.win.thumbs.set_paths(self.folder_images)
        if not self.folder_images:
            self.win.banner.show_message(self.tr("{0} holds no part images.").format(folder), "warning")
            return
        self.open_image(self.folder_images[0])

    def step_image(self, step: int) -> None:
        if not self.folder_images:
            if self.image is None:
                return
            self.folder_images = list_images(Path(self.image.path).parent)
            self.win.thumbs.set_paths(self.folder_images)
        cur = Path(self.image.path) if self.image is not None else None
        idx = self.folder_images.index(cur) if cur in self.folder_images else -1
        nxt = idx + step
        if 0 <= nxt < len(self.folder_images):
            self.open_image(self.folder_images[nxt])

    def open_image(self, path: str | Path) -> None:
        path = str(path)
        if self.win.session is None:
            self.pending_image = path
            if self.win.bundles.loader is None:
                self.win.banner.show_message(self.tr("No model bundle is loaded: choose one in the bundle box first."), "warning")
            return
        self.win.statusBar().showMessage(self.tr("Analysing {0}…").format(Path(path).name))
        self.win.client.open_image(path)

    def on_bundle_installed(self) -> None:
        """Latent ids mean something else under another bundle: edits go, regions and notes stay."""
        self.store.forget_edits()
        self.current.controls.clear()
        if self.image is not None and self.pending_image is None:
            self.open_image(self.image.path)  # the same part under the new model
        elif self.pending_image is not None:
            p, self.pending_image = self.pending_image, None
            self.open_image(p)

    # --- switching documents -------------------------------------------------------------------
    def _stash(self) -> None:
        """Keep what the user did to the image being left."""
        if self.image is None:
            return
        self.current.keep_mask(self.mask.mask)
        self.current.overlay = self.win.heat.mode_key()
        self.current.overlay_latent = self.win.heat.latent.value()

    def on_analyzed(self, res) -> None:  # noqa: ANN001 - AnalyzeResult
        win = self.win
        loaded = res.loaded
        self._stash()
        restore = win.files.take_pending()
        known = self.store.get(loaded.path) is not None
        doc = self.store.open(loaded.path, loaded.sha256)
        self.image, self.image_token, self.current = loaded, res.request_id, doc
        hw = loaded.pixels_HWC.shape[:2]
        win.effects_ctl.clear()
        win.effects.set_enabled_for(True)
        win.results.on_image(res.baseline)
        win.canvas.set_image(loaded.pixels_HWC)
        self.mask.reset(hw)
        if doc.mask_HW is not None:
            self.mask.load_state(doc.mask_HW if doc.mask_HW.shape == hw else resize_mask(doc.mask_HW, hw))
        if not known:
            win.canvas.set_brush_radius(max(2, round(max(hw) / 40)))
        self._load_ground_truth(loaded.path, hw)
        win.latent_panel.set_controls(doc.controls)
        self.set_notes(doc.notes)
        win.heat.restore(doc.overlay, doc.overlay_latent)
        if restore is not None:
            win.files.apply(*restore)
        win.latent_panel.rebuild()
        name = Path(loaded.path).name
        win.image_label.setText(name)
        win.setWindowTitle(self.tr("SAE Inspector — {0}").format(name))
        win.statusBar().showMessage(self.tr("Analysed {0} in {1:.0f} ms").format(name, res.ms), 4000)
        if loaded.notes:
            win.banner.show_message(self.tr("{0}: {1}").format(name, "; ".join(loaded.notes)), "info")
        win.menus.refresh_recent(add_recent(win.settings, loaded.path))
        win.thumbs.select_path(loaded.path)
        win.region.update_info()
        win.history.update_actions()
        win.results.request(rank=True)
        win.imageShown.emit(loaded.path)

    def _load_ground_truth(self, path: str, hw: tuple[int, int]) -> None:
        win = self.win
        gt_path = find_ground_truth(path)
        self.gt_mask = None
        if gt_path is not None:
            try:
                from app.core.images import load_mask

                self.gt_mask = load_mask(gt_path, hw)
            except InspectorError as exc:
                win.banner.show_message(error_message(exc), "warning")
        win.canvas.set_ground_truth(self.gt_mask)
        win.canvas.show_ground_truth(win.menus.gt_visible.isChecked())
        win.menus.gt_action.setEnabled(self.gt_mask is not None)
