"""The painted region: tools and brush, whole-mask actions (clear, invert, load a PNG, ground
truth, from the defect map), and what a change of the region sets off (a new request, the
latent listing, the autosave)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog

from app.core.errors import InspectorError
from app.core.heatmap_view import defect_mask_from_map
from app.ui.error_text import error_message


class RegionTools(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        win.tools.toolChosen.connect(self.set_tool)
        win.tools.brushChanged.connect(win.canvas.set_brush_radius)
        win.canvas.brushChanged.connect(win.tools.set_brush)
        win.canvas.maskEdited.connect(self.on_dragged)
        win.canvas.strokeFinished.connect(self.on_committed)

    @property
    def mask(self):  # noqa: ANN201 - MaskModel
        return self.win.documents.mask

    def set_tool(self, tool: str) -> None:
        self.win.canvas.set_tool(tool)
        self.win.tools.set_tool(tool)

    def brush(self, direction: int) -> None:
        r = self.mask.grow_brush() if direction > 0 else self.mask.shrink_brush()
        self.win.canvas.set_brush_radius(r)

    def on_dragged(self) -> None:
        self.win.region_info.setText(self.tr("Region: painting…"))
        self.win.results.request()  # coalesced: built only when the worker is free

    def on_committed(self) -> None:
        """A complete change of the region (stroke, undo, clear, ...): list again, run, autosave."""
        self.update_info()
        self.win.history.update_actions()
        self.win.results.request(rank=True)
        self.win.unsaved.mark()
        self.win.autosave.schedule()

    def update_info(self) -> None:
        if self.win.image is None:
            return
        if self.mask.is_empty():
            self.win.region_info.setText(self.tr("Region: the whole image (nothing painted). Paint to choose a region."))
        else:
            self.win.region_info.setText(self.tr("Region: painted, {0:.1%} of the image").format(self.mask.area_fraction()))

    def clear(self) -> None:
        self.mask.clear()
        self.on_committed()

    def invert(self) -> None:
        self.mask.invert()
        self.on_committed()

    def _need_image(self) -> bool:
        """False, and says so, when no image is open (a region belongs to an image)."""
        if self.win.image is None:
            self.win.banner.show_message(self.tr("Open a part image first: a region is painted on an image."), "warning")
            return False
        return True

    def load_mask_dialog(self) -> None:
        if not self._need_image():
            return
        start = str(Path(self.win.image.path).parent)
        path, _ = QFileDialog.getOpenFileName(self.win, self.tr("Load a mask PNG"), start, "PNG (*.png)")
        if path:
            self.load_mask_file(Path(path))

    def load_mask_file(self, path: Path) -> None:
        from app.core.images import load_mask

        try:
            m = load_mask(path, self.mask.shape)
        except InspectorError as exc:
            self.win.banner.show_message(error_message(exc), "error")
            return
        self.mask.set_mask(m, "load mask")
        self.on_committed()

    def use_ground_truth(self) -> None:
        if not self._need_image():
            return
        if self.win.gt_mask is None:
            self.win.banner.show_message(self.tr("This image has no ground truth (no <name>_mask.png beside it)."), "warning")
            return
        self.mask.set_mask(self.win.gt_mask, "ground truth")
        self.on_committed()

    def map_for_region(self):  # noqa: ANN201 - [gh, gw] or None
        """The map "Mask from defect map" reads: the patch head's map before the edits, or for a model
        without one the measured evidence map (once it has been measured)."""
        win = self.win
        if win.baseline is None:
            return None
        if win.baseline.patch_map is not None:
            return win.baseline.patch_map
        return win.heatmap.evidence_map(after=False)

    def from_map_dialog(self) -> None:
        if not self._need_image():
            return
        grid = self.map_for_region()
        if grid is None:
            self.win.banner.show_message(self.tr("The evidence map is still being measured; try again in a moment."), "info")
            return
        top = float(grid.max())
        level, ok = QInputDialog.getDouble(
            self.win, self.tr("Mask from defect map"),
            self.tr("Region where the map (before the edits) reaches\n(its highest value on this image is {0:.3f}):").format(top),
            min(0.5, round(top * 0.5, 2)) if top > 0 else 0.5, -1.0, 1.0, 3,
        )
        if ok:
            self.from_defect_map(level)

    def from_defect_map(self, level: float) -> bool:
        """Set the region to where the map reaches ``level``; False, and says why, when nothing does."""
        win = self.win
        grid = self.map_for_region()
        if win.image is None or grid is None:
            return False
        hw = win.image.pixels_HWC.shape[:2]
        m = defect_mask_from_map(grid, hw, level, win.heatmap.view_box())
        if not m.any():
            win.banner.show_message(self.tr("No part of the map reaches {0:.3f} (its highest value here is {1:.3f}); the "
                                            "region was left as it was. Choose a lower level.").format(level, float(grid.max())),
                                    "warning")
            return False
        self.mask.set_mask(m, "from map")
        self.on_committed()
        return True

    def toggle_ground_truth(self) -> None:
        self.win.layers.set_visible("truth", self.win.menus.gt_visible.isChecked())
