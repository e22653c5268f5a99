"""The map layers on the canvas: the defect map (before/after/difference, or the measured
evidence map) and one latent's activation map, scaled by ``app.core.heatmap_view``; the part,
region and ground-truth layers' visibility and opacity.

A latent's map is read from the SAE codes the session already holds (``InspectionSession.latent_map``,
a small task on the inference thread); it never runs the model again. The evidence map
(``InspectionSession.evidence_map``: one suffix row per patch) is measured on the inference
thread too, latest wins: while one is measured, newer requests wait and only the last is run.
A model without a patch head shows it as its defect map, labelled "evidence map (measured)".
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.core.provenance import Provenance


class HeatmapRenderer(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.latent_grid = None  # [gh, gw] activation of one latent on the image shown
        self._latent_key: tuple[int, int] | None = None  # (image token, latent) of latent_grid
        self._asked: dict[int, tuple[int, int]] = {}  # task id -> (image token, latent) being computed
        self.evidence: dict[tuple, object] = {}  # (image token, region version, edits) -> [gh, gw] evidence map
        self._evidence_task: tuple[int, tuple] | None = None  # (task id, key) in flight
        win.layers.changed.connect(self.redraw)
        win.layers.styleChanged.connect(self.on_style)

    # --- what the model sees, and what is measured ---------------------------------------------
    def view_box(self):  # noqa: ANN201 - the part of the image the model sees
        s, img = self.win.session, self.win.image
        if s is None or img is None:
            return None
        return s.bundle.manifest.preprocess.view_box(img.pixels_HWC.shape[:2])

    @property
    def measured(self) -> bool:
        """The model has no patch head: its defect map is the measured evidence map."""
        base = self.win.results.baseline
        return base is not None and base.patch_map is None

    def available(self) -> bool:
        s = self.win.session
        return s is not None and s.has_evidence_map

    def clear(self) -> None:
        """A new image or bundle: earlier maps no longer apply."""
        self.evidence.clear()
        self.latent_grid, self._latent_key = None, None

    def _evidence_request(self, after: bool) -> tuple[tuple, object, tuple]:
        """(key, region mask, edits) of the evidence map before the edits, or after those on screen."""
        win = self.win
        shown = win.results.shown
        if not after or shown is None or shown.image_token != win.image_token or not shown.request.edits:
            return (win.image_token, "before"), None, ()
        o: Provenance = shown.request.origin
        return (win.image_token, o.mask_version, o.edits), shown.request.mask, o.edits

    def evidence_map(self, after: bool):  # noqa: ANN201 - [gh, gw] or None while it is measured
        key, mask, edits = self._evidence_request(after)
        grid = self.evidence.get(key)
        if grid is None and self.available():
            self._ask_evidence(key, mask, edits)
        return grid

    def _ask_evidence(self, key: tuple, mask, edits: tuple) -> None:  # noqa: ANN001
        if self._evidence_task is not None:
            return  # one at a time; the newest is asked for when this one returns
        win = self.win
        tid = win.client.submit("evidence", lambda s, m=mask, e=edits: s.evidence_map(m, e), win.image_token)
        self._evidence_task = (tid, key)
        win.busy_label.setText(self.tr("measuring the evidence map…"))

    def on_evidence(self, res) -> None:  # noqa: ANN001 - TaskResult
        task, self._evidence_task = self._evidence_task, None
        if task is None or task[0] != res.task_id:
            return
        self.win.busy_label.setText("")
        if not res.ok:
            self.win.banner.show_message(self.tr("The evidence map could not be measured: {0}").format(res.error), "error")
            return
        if res.image_token == self.win.image_token:
            self.evidence[task[1]] = res.result
            while len(self.evidence) > 16:
                self.evidence.pop(next(iter(self.evidence)))
        self.redraw()  # draws it, or asks for the newest one

    # --- drawing -----------------------------------------------------------------------------
    def on_style(self, key: str) -> None:
        win, lay = self.win, self.win.layers
        if key == "part":
            win.canvas.set_part_style(lay.visible("part"), lay.opacity("part"))
        elif key == "region":
            win.canvas.set_mask_style(lay.filled(), lay.opacity("region"), lay.visible("region"))
        elif key == "truth":
            win.canvas.set_truth_style(lay.visible("truth"), lay.opacity("truth"))
            win.menus.gt_visible.setChecked(lay.visible("truth"))
        else:
            self.redraw()

    def redraw(self) -> None:
        from app.core.heatmap_view import heatmap_view

        win, lay = self.win, self.win.layers
        base, after = win.results.baseline, win.results.after
        if win.image is None or base is None:
            win.canvas.set_heatmap(None, "inferno", 0.0)
            win.canvas.set_latent_map(None, "viridis", 0.0)
            return
        hw, box, cmap = win.image.pixels_HWC.shape[:2], self.view_box(), str(lay.cmap.currentData())
        mode = lay.mode_key()
        measured = self.measured
        before_map, after_map, evidence = base.patch_map, after.patch_map if after is not None else None, None
        if mode != "none" and measured:
            before_map = self.evidence_map(after=False)
            after_map = self.evidence_map(after=True) if mode != "before" else None
        elif mode == "evidence":
            evidence = self.evidence_map(after=True)
        hv = heatmap_view(mode, hw, before_map, after_map, stretch=lay.stretch(), box=box, limits=lay.limits(),
                          measured=measured, evidence_hw=evidence)
        contour = win.results.threshold.value if lay.contour.isChecked() else None
        win.canvas.set_heatmap(hv, cmap, lay.opacity("heat"), contour)
        self._draw_latent(hw, box)

    def _draw_latent(self, hw: tuple[int, int], box) -> None:  # noqa: ANN001
        from app.core.heatmap_view import heatmap_view

        win, lay = self.win, self.win.layers
        if not lay.visible("latent") or win.session is None:
            win.canvas.set_latent_map(None, "viridis", 0.0)
            return
        latent = lay.latent.value()
        key = (win.image_token, latent)
        grid = self.latent_grid if self._latent_key == key else None
        d = win.session.bundle.dictionary
        ref = float(d.reference()[latent]) if d is not None else 1.0
        win.canvas.set_latent_map(heatmap_view("latent", hw, None, None, grid, ref, box=box), "viridis", lay.opacity("latent"))
        if grid is None and key not in self._asked.values():
            tid = win.client.submit("latent_map", lambda s, i=latent: s.latent_map(i), win.image_token)
            self._asked[tid] = key

    def on_latent_map(self, res) -> None:  # noqa: ANN001 - TaskResult
        key = self._asked.pop(res.task_id, None)
        if not res.ok or key is None or key[0] != self.win.image_token:
            return
        self.latent_grid, self._latent_key = res.result, key
        self.redraw()
