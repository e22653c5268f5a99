"""Effects: causal experiments in the painted region (``app.core.causal``), in their own tab.

- Rank (``effects_rank.RankView``): every top-N latent of the region switched off in the region
  alone, sorted by Δscore, against two control bands (random latents, random directions).
- Dose–response of the chosen latent: score and class probabilities vs strength, with the
  threshold and markers at 0 (off) and 1 (unchanged).
- Injection of the chosen latent: score vs baseline, worded by what happened to the verdict
  (``app.report.sections.injection_outcome``, the PDF's wording too), and its percentile among
  random latents injected the same way.

Controls wrap over two rows (ranking; the chosen latent), so the tab fits a 1366-pixel screen.
Every plot has its legend and a "how to read it" line beneath it, never over the data. The
panel only displays results and emits requests; the window runs them on the worker.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.report.sections import change_direction, injection_outcome
from app.ui.effects_rank import BAR_COLOR, RankView, fmt_delta, fmt_pct, plain_axes, swatch
from app.ui.wheel_guard import commit_on_enter, wheel_safe

CLASS_COLORS = ("#8a8f98", "#e05050", "#50b0e0", "#70c070", "#d0a040", "#b070d0", "#40c0b0", "#c07050")


class EffectsPanel(QWidget):
    rankRequested = Signal(int, int, int)  # top, controls, seed
    doseRequested = Signal(int, float, int)  # latent, range, points
    injectRequested = Signal(int, float)  # latent, r
    latentChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dose = None  # DoseResponse
        self.injection = None  # InjectionResult
        self.selected: int | None = None
        self.threshold = 0.5
        self.width_ = 0

        v = QVBoxLayout(self)
        v.setContentsMargins(4, 4, 4, 4)
        v.setSpacing(4)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        self.rank_btn = QPushButton(self.tr("Rank latents in region"))
        self.rank_btn.setToolTip(self.tr("Switch each of the region's most active latents off in the region alone, "
                                         "and compare the change in score with random controls"))
        self.rank_btn.clicked.connect(self._request_rank)
        self.top = QSpinBox()
        self.top.setRange(1, 512)
        self.top.setValue(64)
        self.top.setToolTip(self.tr("How many latents to test (the most active in the region)"))
        self.controls = QSpinBox()
        self.controls.setRange(0, 512)
        self.controls.setValue(64)
        self.controls.setToolTip(self.tr("Random controls of each kind (random latents, random directions)"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("The same seed draws the same controls"))
        row0 = [self.rank_btn, QLabel(self.tr("top")), self.top, QLabel(self.tr("controls of each kind")), self.controls,
                QLabel(self.tr("seed")), self.seed]
        self.latent = QSpinBox()
        self.latent.setRange(0, 0)
        self.latent.setPrefix("#")
        self.latent.setToolTip(self.tr("Latent for the dose–response and injection tests (click a bar to choose one)"))
        self.latent.valueChanged.connect(self._on_latent_spin)
        self.dose_btn = QPushButton(self.tr("Dose–response"))
        self.dose_btn.setToolTip(self.tr("Score and class probabilities as the latent is scaled from −range to +range in the region"))
        self.dose_btn.clicked.connect(self._request_dose)
        self.dose_range = QDoubleSpinBox()
        self.dose_range.setRange(0.5, 20.0)
        self.dose_range.setValue(4.0)
        self.dose_range.setSingleStep(0.5)
        self.dose_range.setPrefix("± ")
        self.dose_range.setToolTip(self.tr("Strengths from −range to +range"))
        self.dose_points = QSpinBox()
        self.dose_points.setRange(21, 201)
        self.dose_points.setValue(21)
        self.dose_points.setToolTip(self.tr("Points on the curve"))
        self.inject_btn = QPushButton(self.tr("Injection test"))
        self.inject_btn.setToolTip(self.tr("Set the latent to r × its reference activation in the region: "
                                           "what does that alone do to the verdict?"))
        self.inject_btn.clicked.connect(self._request_inject)
        self.inject_r = QDoubleSpinBox()
        self.inject_r.setRange(-10.0, 10.0)
        self.inject_r.setValue(1.0)
        self.inject_r.setSingleStep(0.25)
        self.inject_r.setPrefix("r = ")
        self.inject_r.setToolTip(self.tr("r: the value as a multiple of the latent's reference activation (p99)"))
        row1 = [QLabel(self.tr("chosen latent")), self.latent, self.dose_btn, self.dose_range, self.dose_points,
                self.inject_btn, self.inject_r]
        for r, widgets in enumerate((row0, row1)):
            for c, w in enumerate(widgets):
                grid.addWidget(w, r, c)
        grid.setColumnStretch(len(row0), 1)
        v.addLayout(grid)
        commit_on_enter(self.top, self.controls, self.seed, self.latent, self.dose_range, self.dose_points, self.inject_r)
        self.status = QLabel(self.tr("Paint a region (or use the whole image), then rank its latents by measured effect."))
        self.status.setObjectName("stats")
        self.status.setWordWrap(True)
        v.addWidget(self.status)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        rank_box = QGroupBox(self.tr("Effect of switching each latent off in the region"))
        rl = QVBoxLayout(rank_box)
        rl.setContentsMargins(4, 4, 4, 4)
        self.rank_view = RankView()
        self.rank_view.chosen.connect(self.choose_index)
        rl.addWidget(self.rank_view)
        split.addWidget(rank_box)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        dose_box = QGroupBox(self.tr("Dose–response"))
        dl = QVBoxLayout(dose_box)
        dl.setContentsMargins(4, 4, 4, 4)
        dl.setSpacing(2)
        self.dose_plot = pg.PlotWidget()
        self.dose_plot.setObjectName("dosePlot")
        self.dose_plot.setBackground(None)
        self.dose_plot.setMinimumHeight(140)
        self.dose_plot.hideButtons()
        dp = self.dose_plot.getPlotItem()
        dp.setLabel("bottom", self.tr("strength (× the latent's activation in the region)"))
        dp.setLabel("left", self.tr("score / probability"))
        plain_axes(dp)
        dp.setYRange(0, 1, padding=0.03)
        dp.showGrid(x=True, y=True, alpha=0.2)
        dl.addWidget(self.dose_plot, 1)
        self.dose_legend = QLabel("")
        self.dose_legend.setObjectName("plotLegend")
        self.dose_legend.setWordWrap(True)
        self.dose_legend.setTextFormat(Qt.TextFormat.RichText)
        dl.addWidget(self.dose_legend)
        self.dose_how = QLabel(self.tr("How to read it: 1 is the image as it is, 0 the latent switched off, negative "
                                       "reverses it. Where the score line crosses the red threshold line the verdict flips."))
        self.dose_how.setObjectName("howTo")
        self.dose_how.setWordWrap(True)
        dl.addWidget(self.dose_how)
        rv.addWidget(dose_box, 1)
        inj_box = QGroupBox(self.tr("Injection test"))
        il = QVBoxLayout(inj_box)
        il.setContentsMargins(4, 4, 4, 4)
        self.inject_text = QLabel(self.tr("Not run yet."))
        self.inject_text.setObjectName("injectResult")
        self.inject_text.setWordWrap(True)
        self.inject_text.setTextFormat(Qt.TextFormat.RichText)
        il.addWidget(self.inject_text)
        rv.addWidget(inj_box)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        v.addWidget(split, 1)
        self.set_enabled_for(False)
        wheel_safe(self)

    # --- the ranking's parts, for the window and tests -------------------------------------------
    @property
    def rank(self):  # noqa: ANN201 - RankResult | None
        return self.rank_view.rank

    @property
    def table(self):  # noqa: ANN201
        return self.rank_view.table

    # --- binding -----------------------------------------------------------------------------
    def set_enabled_for(self, has_image: bool) -> None:
        for w in (self.rank_btn, self.dose_btn, self.inject_btn):
            w.setEnabled(has_image)

    def bind(self, width: int, threshold: float) -> None:
        self.width_ = int(width)
        self.latent.blockSignals(True)
        self.latent.setRange(0, max(0, self.width_ - 1))
        self.latent.blockSignals(False)
        self.threshold = float(threshold)
        self.clear()

    def set_threshold(self, t: float) -> None:
        self.threshold = float(t)
        if self.dose is not None:
            self.show_dose(self.dose)
        if self.injection is not None:
            self.show_injection(self.injection)

    def clear(self) -> None:
        """A new image: earlier results no longer apply (chart, table, curves, texts and status)."""
        self.dose = self.injection = None
        self.rank_view.clear()
        self.dose_plot.getPlotItem().clear()
        self.dose_legend.setText("")
        self.inject_text.setText(self.tr("Not run yet."))
        self.status.setText(self.tr("Paint a region (or use the whole image), then rank its latents by measured effect."))

    def set_busy(self, busy: bool, what: str = "") -> None:
        if busy:
            self.status.setText(what)

    # --- requests ----------------------------------------------------------------------------
    def _request_rank(self) -> None:
        self.status.setText(self.tr("Ranking: {0} latents against {1} random latents and {1} random directions…").format(
            self.top.value(), self.controls.value()))
        self.rankRequested.emit(self.top.value(), self.controls.value(), self.seed.value())

    def _request_dose(self) -> None:
        self.status.setText(self.tr("Dose–response of latent #{0}…").format(self.latent.value()))
        self.doseRequested.emit(self.latent.value(), self.dose_range.value(), self.dose_points.value())

    def _request_inject(self) -> None:
        self.status.setText(self.tr("Injecting latent #{0} at r = {1:g}…").format(self.latent.value(), self.inject_r.value()))
        self.injectRequested.emit(self.latent.value(), self.inject_r.value())

    def show_error(self, text: str) -> None:
        self.status.setText(self.tr("Failed: {0}").format(text))

    # --- selection ---------------------------------------------------------------------------
    def _on_latent_spin(self, v: int) -> None:
        self.selected = int(v)
        self.rank_view.mark(self.selected)

    def select_latent(self, latent: int, emit: bool = False) -> None:
        self.selected = int(latent)
        self.latent.blockSignals(True)
        self.latent.setValue(int(latent))
        self.latent.blockSignals(False)
        self.rank_view.mark(self.selected)
        if emit:
            self.latentChosen.emit(int(latent))

    def choose_index(self, i: int) -> None:
        """The i-th bar (largest effect first) or table row was clicked."""
        if 0 <= i < len(self.rank_view.order):
            self.select_latent(self.rank_view.order[i], emit=True)

    # --- results -----------------------------------------------------------------------------
    def show_rank(self, res) -> None:  # noqa: ANN001 - RankResult
        self.rank_view.show_rank(res)
        lat = list(res.latents)
        beats = sum(r.beats_p95 for r in lat)
        unspecific = sum(r.specificity.unspecific for r in lat)
        region = self.tr("the whole image") if res.whole_image else self.tr("the painted region ({0} patches)").format(res.region_patches)
        n_lat, n_dir = len(res.random_latents), len(res.random_directions)
        text = self.tr("Ranked {0} latents in {1} in {2:.0f} ms against controls: {3} random latents switched down by the same "
                       "amount and {4} random directions of the same size (seed {5}). {6} beat the controls' 95th "
                       "percentile; {7} unspecific.").format(
            len(lat), region, res.timings_ms.get("total", 0.0), n_lat, n_dir, res.seed, beats, unspecific)
        if n_lat == 0:
            text += " " + self.tr("No random latent could be drawn (no other latent is active here), so only random "
                                  "directions are compared.")
        self.status.setText(text)
        self.rank_view.mark(self.selected)

    def show_dose(self, res) -> None:  # noqa: ANN001 - DoseResponse
        self.dose = res
        dp = self.dose_plot.getPlotItem()
        dp.clear()
        s = np.asarray(res.strengths_K, float)
        legend = [swatch(BAR_COLOR, self.tr("defect score"), "━")]
        for c, name in enumerate(res.class_names):
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            dp.plot(s, res.class_probs_KC[:, c], pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DotLine))
            legend.append(swatch(color, f"p({name})", "┅"))
        dp.plot(s, res.scores_K, pen=pg.mkPen(BAR_COLOR, width=3), symbol="o", symbolSize=4, symbolBrush=BAR_COLOR)
        legend.append(swatch("#d04040", self.tr("threshold {0:.3f}").format(self.threshold), "╍"))
        self.dose_legend.setText(" &nbsp; ".join(legend))
        dp.addItem(pg.InfiniteLine(pos=self.threshold, angle=0, pen=pg.mkPen("#d04040", width=1.5, style=Qt.PenStyle.DashLine)))
        for pos, text, at in ((0.0, self.tr("0 off"), 0.95), (1.0, self.tr("1 unchanged"), 0.85)):
            if s.min() <= pos <= s.max():
                dp.addItem(pg.InfiniteLine(pos=pos, angle=90, pen=pg.mkPen("#9aa0a8", width=1, style=Qt.PenStyle.DashLine),
                                           label=text, labelOpts={"position": at, "color": "#e0e0e0"}))
                k = res.index_of(pos)
                dp.plot([s[k]], [res.scores_K[k]], pen=None, symbol="s", symbolSize=9, symbolBrush="#ffffff")
        dp.setXRange(float(s.min()), float(s.max()), padding=0.02)
        dp.setYRange(0, 1, padding=0.03)
        self.dose_plot.setToolTip(self.tr("latent #{0} {1}").format(res.latent, res.label))
        k0, k1 = res.index_of(0.0), res.index_of(1.0)
        self.status.setText(
            self.tr("Dose–response of latent #{0} ({1}): score {2:.3f} when off, {3:.3f} unchanged, "
                    "from {4:.3f} to {5:.3f} over ±{6:g}.").format(
                res.latent, res.label, res.scores_K[k0], res.scores_K[k1], float(np.min(res.scores_K)),
                float(np.max(res.scores_K)), float(s.max()))
        )

    def outcome_text(self, baseline: float, score: float, threshold: float) -> str:
        """The verdict part of the injection's wording: what happened, never a contradiction."""
        outcome = injection_outcome(baseline, score, threshold)
        d = score - baseline
        by = fmt_delta(abs(d)).lstrip("+")
        change = {"raised": self.tr("raised it by {0}").format(by), "lowered": self.tr("lowered it by {0}").format(by),
                  "unchanged": self.tr("left it unchanged")}[change_direction(d)]
        if outcome == "creates":
            return self.tr("<b>it creates a defect verdict</b> (the score crosses the threshold {0:.3f})").format(threshold)
        if outcome == "removes":
            return self.tr("<b>it removes the defect verdict</b> (the score falls below the threshold {0:.3f})").format(threshold)
        if outcome == "stays_defect":
            return self.tr("the part was already above the threshold {0:.3f}; the injection {1}").format(threshold, change)
        if outcome == "stays_ok":
            return self.tr("the score stays below the threshold {0:.3f}; the injection {1}").format(threshold, change)
        return self.tr("no verdict: the score is not a number")

    def show_injection(self, res) -> None:  # noqa: ANN001 - InjectionResult
        self.injection = res
        band = res.control_band()
        spec = self.tr("unspecific: it changes the map outside the region too") if res.specificity.unspecific \
            else self.tr("specific to the region")
        self.inject_text.setText(
            self.tr("Latent #{0} ({1}) set to {2:g} × reference ({3:.3g}) in the region: score {4:.3f} → <b>{5:.3f}</b> "
                    "(Δ {6}); {7}.<br>Percentile vs {8} random latents injected the same way: {9} (|Δ|), {10} (signed); "
                    "controls' Δ p05–p95 {11} … {12}.<br>{13}.").format(
                res.latent, res.label, res.r, res.reference, res.baseline_score, res.score, fmt_delta(res.delta_score),
                self.outcome_text(res.baseline_score, res.score, self.threshold), len(res.control_deltas),
                fmt_pct(res.percentile_vs_control), fmt_pct(res.percentile_signed),
                fmt_delta(band.p05) if band.n else "–", fmt_delta(band.p95) if band.n else "–", spec)
        )
        self.status.setText(self.tr("Injection of latent #{0} done in {1:.0f} ms.").format(res.latent, res.timings_ms.get("total", 0.0)))
