"""The overlay on the canvas: the defect map before/after, their difference, or one latent's
activation, scaled by ``app.core.heatmap_view``. A latent's map is read from the SAE codes
the session already holds (``InspectionSession.latent_map``, a small task on the inference
thread); it never runs the model again."""

from __future__ import annotations

from PySide6.QtCore import QObject


class HeatmapRenderer(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.latent_grid = None  # [gh, gw] activation of one latent on the image shown
        self._latent_key: tuple[int, int] | None = None  # (image token, latent) of latent_grid
        self._asked: dict[int, tuple[int, int]] = {}  # task id -> (image token, latent) being computed
        win.heat.changed.connect(self.redraw)

    def view_box(self):  # noqa: ANN201 - the part of the image the model sees
        s, img = self.win.session, self.win.image
        if s is None or img is None:
            return None
        return s.bundle.manifest.preprocess.view_box(img.pixels_HWC.shape[:2])

    def redraw(self) -> None:
        from app.core.heatmap_view import heatmap_view

        win = self.win
        base, after = win.results.baseline, win.results.after
        if win.image is None or base is None:
            win.canvas.set_heatmap(None, "inferno", 0.5)
            return
        mode, latent = win.heat.mode_key(), win.heat.latent.value()
        key = (win.image_token, latent)
        grid = self.latent_grid if self._latent_key == key else None
        ref = 1.0
        d = win.session.bundle.dictionary if win.session is not None else None
        if d is not None:
            ref = float(d.reference()[latent])
        hv = heatmap_view(mode, win.image.pixels_HWC.shape[:2], base.patch_map,
                          after.patch_map if after is not None else None, grid, ref, win.heat.stretch.isChecked(),
                          self.view_box())
        win.canvas.set_heatmap(hv, str(win.heat.cmap.currentData()), win.heat.opacity.value() / 100.0)
        if mode == "latent" and grid is None and key not in self._asked.values() and win.session is not None:
            tid = win.client.submit("latent_map", lambda s, i=latent: s.latent_map(i), win.image_token)
            self._asked[tid] = key

    def on_latent_map(self, res) -> None:  # noqa: ANN001 - TaskResult
        key = self._asked.pop(res.task_id, None)
        if not res.ok or key is None or key[0] != self.win.image_token:
            return
        self.latent_grid, self._latent_key = res.result, key
        self.redraw()
