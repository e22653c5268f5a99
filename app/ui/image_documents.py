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
from app.core.file_listing import list_images, list_samples, samples_folder
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
        self._restoring = False  # while a document's own region is put back (not a change of it)
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
        if not self._restoring:
            self.current.mask_version += 1

    def _on_notes(self) -> None:
        self.current.notes = self.win.notes.toPlainText()
        self.win.unsaved.mark()
        self.win.autosave.schedule()

    def set_notes(self, text: str) -> None:
        self.win.notes.blockSignals(True)
        self.win.notes.setPlainText(text)
        self.win.notes.blockSignals(False)
        self.current.notes = text

    # --- opening ---------------------------------------------------------------------------
    def samples_dir(self, bundle_dir: Path | None = None) -> Path:
        """The samples of ``bundle_dir`` (default: the bundle open now): its own folder, else the flat one."""
        if bundle_dir is None and self.win.session is not None:
            bundle_dir = self.win.session.bundle.root
        return samples_folder(self.win.samples_dir, bundle_dir)

    def first_sample(self, bundle_dir: Path | None = None) -> Path | None:
        """The first sample with a ground truth (a defective part shows more), else the first sample."""
        samples = list_samples(self.samples_dir(bundle_dir))
        with_gt = [p for p in samples if find_ground_truth(p) is not None]
        return (with_gt or samples or [None])[0]

    def choose_first(self, image: str | Path | None, bundle_dir: Path | None = None) -> None:
        """At start-up: the given image, else the first sample of the bundle being opened."""
        if image is not None:
            self.pending_image = str(image)
        elif (first := self.first_sample(bundle_dir)) is not None:
            self.pending_image = str(first)

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
                self.win.banner.show_message(self.tr("Open a part image or a folder first (Ctrl+O, Ctrl+Shift+O)."), "warning")
                return
            self.folder_images = list_images(Path(self.image.path).parent)
            self.win.thumbs.set_paths(self.folder_images)
        cur = Path(self.image.path) if self.image is not None else None
        idx = self.folder_images.index(cur) if cur in self.folder_images else -1
        nxt = idx + step
        if 0 <= nxt < len(self.folder_images):
            self.open_image(self.folder_images[nxt])
        else:
            self.win.statusBar().showMessage(
                self.tr("This is the last image of the folder.") if step > 0 else self.tr("This is the first image of the folder."), 5000)

    def open_image(self, path: str | Path) -> None:
        path = str(path)
        if self.win.session is None:
            self.pending_image = path
            if self.win.bundles.loader is None:
                self.win.banner.show_message(self.tr("No model bundle is loaded: choose one in the bundle box first."), "warning")
            return
        self.win.statusBar().showMessage(self.tr("Analysing {0}…").format(Path(path).name))
        self.win.client.open_image(path)

    def on_bundle_installed(self, previous: Path | None = None) -> None:
        """Latent ids mean something else under another bundle: edits go, regions and notes stay.
        A shipped sample of the previous bundle gives way to this bundle's own first sample."""
        self.store.forget_edits()
        self.current.controls.clear()
        self.win.menus.refresh_samples()
        if self.image is not None and self.pending_image is None and previous is not None:
            own, old = self.samples_dir(), samples_folder(self.win.samples_dir, previous)
            if own != old and Path(self.image.path).parent.resolve() == old.resolve():
                first = self.first_sample()
                if first is not None:
                    self.win.statusBar().showMessage(self.tr("Opened a sample of this bundle: {0}").format(first.name), 6000)
                    self.pending_image = str(first)
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
        c = self.current
        c.overlay, c.overlay_visible, c.overlay_latent, c.latent_visible = self.win.layers.state()

    def on_analyzed(self, res) -> None:  # noqa: ANN001 - AnalyzeResult
        win = self.win
        loaded = res.loaded
        self._stash()
        restore = win.files.take_pending()
        known = self.store.get(loaded.path) is not None
        doc = self.store.open(loaded.path, loaded.sha256)
        self.image, self.image_token, self.current = loaded, res.request_id, doc
        hw = loaded.pixels_HWC.shape[:2]
        win.banner.dismiss()  # a message about the previous image (a corrupt file, ...) no longer applies
        if restore is None:
            win.autosave.offer_pending()  # but a crashed instance's work stays offered until restored or discarded
        win.heatmap.clear()
        win.effects.set_enabled_for(True)
        win.results.on_image(res.baseline)
        win.verdict.set_ood(win.results.ood_text(res.ood))
        win.canvas.set_image(loaded.pixels_HWC)
        self._restoring = True
        try:
            self.mask.reset(hw)
            if doc.mask_HW is not None:
                self.mask.load_state(doc.mask_HW if doc.mask_HW.shape == hw else resize_mask(doc.mask_HW, hw))
        finally:
            self._restoring = False
        if not known:
            win.canvas.set_brush_radius(max(2, round(max(hw) / 40)))
        self._load_ground_truth(loaded.path, hw)
        win.effects_ctl.on_image(loaded.path)
        win.latent_panel.set_controls(doc.controls)
        self.set_notes(doc.notes)
        win.layers.restore(doc.overlay, doc.overlay_visible, doc.overlay_latent, doc.latent_visible)
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
        win.canvas.set_truth_style(win.layers.visible("truth"), win.layers.opacity("truth"))
        win.layers.set_truth_available(self.gt_mask is not None)
        win.menus.gt_action.setEnabled(self.gt_mask is not None)
