"""Interventions and their results: builds each request from the image's document when the
worker is free, and shows the result that comes back (verdict, probabilities, latent listing,
latency). The threshold and the reconstruction-only view are set here.

Every result carries its request; what is shown and recorded is read from it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.core.threshold import Threshold
from app.ui.latent_panel import DENSE_FREQUENCY
from app.ui.worker import InterveneRequest, InterveneResult

LISTED_LATENTS = 20


class Results(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.threshold = Threshold()
        self.recon_only = False
        self.baseline = None  # Outputs of the unedited image
        self.after = None  # Outputs of the result on screen
        self.shown: InterveneResult | None = None
        self._rank_needed = True
        win.verdict.thresholdChanged.connect(self.set_threshold)
        win.verdict.reset_threshold.clicked.connect(lambda: self.set_threshold(None))
        win.latent_panel.editsChanged.connect(self._on_edits_changed)
        win.latent_panel.rankingOptionsChanged.connect(lambda: self.request(rank=True))

    def bind_bundle(self, session) -> None:  # noqa: ANN001
        self.threshold = Threshold.of_bundle(session.bundle.manifest.threshold)
        v = self.win.verdict
        v.set_classes(session.class_names)
        v.set_threshold(self.threshold.value)
        v.set_scores(None, None)
        self.win.history.clear()
        self.baseline = self.after = self.shown = None

    def on_image(self, baseline) -> None:  # noqa: ANN001 - Outputs
        self.baseline = self.after = baseline
        self.shown = None
        self.win.history.clear()
        self.win.verdict.set_scores(baseline.score, baseline.score)
        self.win.verdict.set_probs(baseline.class_probs, baseline.class_probs)

    # --- requests --------------------------------------------------------------------------
    def request(self, rank: bool = False) -> None:
        """The state changed: run an intervention when the worker is free (latest wins)."""
        self._rank_needed = self._rank_needed or rank
        self.win.client.request_update()

    def build_request(self, rid: int) -> InterveneRequest | None:
        docs = self.win.documents
        if docs.image is None or self.win.session is None:
            return None
        rank, self._rank_needed = self._rank_needed, False
        return InterveneRequest(
            request_id=rid, image_token=docs.image_token, mask=docs.region_mask(), origin=docs.origin(), rank=rank,
            top=LISTED_LATENTS, max_frequency=DENSE_FREQUENCY if self.win.latent_panel.hide_dense.isChecked() else None,
        )

    def _on_edits_changed(self, _immediate: bool) -> None:
        self.request()
        self.win.unsaved.mark()
        self.win.autosave.schedule()

    # --- results ---------------------------------------------------------------------------
    def on_intervened(self, res: InterveneResult) -> None:
        win = self.win
        if res.image_token != win.documents.image_token or self.baseline is None:
            return
        self.after, self.shown = res.outputs, res
        win.history.record(res)
        win.verdict.set_scores(self.baseline.score, res.outputs.score)
        win.verdict.set_probs(self.baseline.class_probs, res.outputs.class_probs)
        if res.latents is not None:
            win.latent_panel.set_ranking(res.latents, res.mask_empty)
        win.heatmap.redraw()
        win.bundles.update_backend_label()
        win.backend_label.setText(self.tr("{0} · {1:.0f} ms").format(win.bundles.backend_text, win.client.last_latency_ms))
        win.resultShown.emit(res.request_id)

    def ood_text(self, reading) -> str:  # noqa: ANN001 - app.core.ood.OodReading | None
        """The "unlike the training parts" notice, or "" (a part like them, or a bundle without calibration)."""
        if reading is None or not reading.unusual:
            return ""
        c = reading.calibration
        return self.tr("Unlike the training parts: the model's SAE reconstructs this image {0:.1f}× worse than the "
                       "bundle allows (its p{1:g} on {2} held-out good parts). The verdict may mean nothing for this "
                       "image: check that it shows the right kind of part, lit and framed as in training.").format(
            reading.ratio, c.quantile, c.n_images)

    # --- verdict settings --------------------------------------------------------------------
    def set_threshold(self, value: float | None) -> None:
        self.threshold.set(value)
        self.win.verdict.set_threshold(self.threshold.value)
        self.win.effects.set_threshold(self.threshold.value)
        self.win.autosave.schedule()

    def set_recon_only(self, on: bool) -> None:
        self.recon_only = bool(on)
        self.win.menus.recon_action.setChecked(self.recon_only)
        self.request()
        self.win.autosave.schedule()
