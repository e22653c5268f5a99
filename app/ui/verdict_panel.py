"""Verdict: defect score before/after against an editable threshold, the "unlike the training
parts" notice, and in tabs the class probabilities before/after (bar chart), the score's
history over the session's edits and the notes. Compact, so the latent list below it keeps
room on a 768-pixel-high screen."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.score_history import ScorePoint
from app.ui.wheel_guard import commit_on_enter, wheel_safe

BEFORE_COLOR = "#8a8f98"
AFTER_COLOR = "#f0a030"


class VerdictPanel(QWidget):
    thresholdChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(4)
        g = QGridLayout()
        g.setHorizontalSpacing(10)
        self.before_score = QLabel("–")
        self.after_score = QLabel("–")
        self.before_verdict = QLabel("")
        self.after_verdict = QLabel("")
        for w in (self.before_score, self.after_score):
            w.setObjectName("score")
        for w in (self.before_verdict, self.after_verdict):
            w.setObjectName("verdict")
        g.addWidget(QLabel(self.tr("before")), 0, 0)
        g.addWidget(self.before_score, 0, 1)
        g.addWidget(self.before_verdict, 0, 2)
        g.addWidget(QLabel(self.tr("after")), 1, 0)
        g.addWidget(self.after_score, 1, 1)
        g.addWidget(self.after_verdict, 1, 2)
        self.delta = QLabel("")
        self.delta.setObjectName("stats")
        self.delta.setToolTip(self.tr("Change of the defect score caused by the edits"))
        g.addWidget(self.delta, 1, 3)
        g.setColumnStretch(4, 1)
        v.addLayout(g)

        th = QHBoxLayout()
        th.addWidget(QLabel(self.tr("threshold")))
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setDecimals(3)
        self.threshold.setSingleStep(0.01)
        self.threshold.setToolTip(self.tr("Score at or above which a part is called defective. Raw scores never change."))
        commit_on_enter(self.threshold)  # a half-typed "0.8" of "0.85" is never applied
        self.threshold.valueChanged.connect(self.thresholdChanged)
        th.addWidget(self.threshold)
        self.reset_threshold = QPushButton(self.tr("bundle default"))
        self.reset_threshold.setToolTip(self.tr("Back to the bundle's threshold"))
        th.addWidget(self.reset_threshold)
        th.addStretch(1)
        v.addLayout(th)
        self.ood = QLabel("")
        self.ood.setObjectName("oodNotice")
        self.ood.setWordWrap(True)
        self.ood.hide()
        v.addWidget(self.ood)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("verdictTabs")
        self.tabs.setDocumentMode(True)

        self.probs = pg.PlotWidget()
        self.probs.setObjectName("classProbs")
        self.probs.setBackground(None)
        self.probs.setMinimumHeight(90)
        self.probs.setMouseEnabled(False, False)
        self.probs.hideButtons()
        self.probs.setYRange(0, 1, padding=0.02)
        self.probs.setToolTip(self.tr("Class probabilities: grey before the edits, orange after"))
        self.before_bars = pg.BarGraphItem(x=[], height=[], width=0.38, brush=BEFORE_COLOR)
        self.after_bars = pg.BarGraphItem(x=[], height=[], width=0.38, brush=AFTER_COLOR)
        self.probs.addItem(self.before_bars)
        self.probs.addItem(self.after_bars)
        self.probs.getAxis("left").setTicks([[(0, "0"), (0.5, "0.5"), (1, "1")]])
        self.tabs.addTab(self.probs, self.tr("classes"))

        self.history = pg.PlotWidget()
        self.history.setObjectName("scoreHistory")
        self.history.setBackground(None)
        self.history.setMinimumHeight(70)
        self.history.setMouseEnabled(False, False)
        self.history.hideButtons()
        self.history.setYRange(0, 1, padding=0.05)
        self.history_curve = self.history.plot([], [], pen=pg.mkPen(AFTER_COLOR, width=2), symbol="o", symbolSize=5, symbolBrush=AFTER_COLOR)
        self.threshold_line = pg.InfiniteLine(angle=0, pen=pg.mkPen("#d04040", style=pg.QtCore.Qt.PenStyle.DashLine))
        self.history.addItem(self.threshold_line)
        self.history.getAxis("left").setTicks([[(0, "0"), (0.5, "0.5"), (1, "1")]])
        self.history.getAxis("bottom").setStyle(showValues=False)
        self.tabs.addTab(self.history, self.tr("score history"))
        v.addWidget(self.tabs, 1)
        wheel_safe(self)
        self._before: float | None = None
        self._after: float | None = None

    def add_notes(self, notes: QWidget) -> None:
        self.tabs.addTab(notes, self.tr("notes"))

    def set_ood(self, text: str) -> None:
        """The "unlike the training parts" notice; empty hides it."""
        self.ood.setText(text)
        self.ood.setVisible(bool(text))

    def set_classes(self, names: Sequence[str]) -> None:
        ax = self.probs.getAxis("bottom")
        ax.setTicks([[(i, n) for i, n in enumerate(names)]])
        self.probs.setXRange(-0.6, len(names) - 0.4, padding=0)
        self.before_bars.setOpts(x=[], height=[])
        self.after_bars.setOpts(x=[], height=[])

    def set_threshold(self, t: float) -> None:
        self.threshold.blockSignals(True)
        self.threshold.setValue(t)
        self.threshold.blockSignals(False)
        self.threshold_line.setValue(t)
        self._refresh_verdicts()

    def _verdict_text(self, score: float | None) -> tuple[str, str]:
        if score is None:
            return "", ""
        if score >= self.threshold.value():
            return self.tr("DEFECT"), "defect"
        return self.tr("OK"), "ok"

    def _refresh_verdicts(self) -> None:
        for label, score in ((self.before_verdict, self._before), (self.after_verdict, self._after)):
            text, kind = self._verdict_text(score)
            label.setText(text)
            label.setProperty("kind", kind)
            label.style().unpolish(label)
            label.style().polish(label)

    def set_scores(self, before: float | None, after: float | None) -> None:
        self._before, self._after = before, after
        self.before_score.setText("–" if before is None else f"{before:.3f}")
        self.after_score.setText("–" if after is None else f"{after:.3f}")
        self.delta.setText("" if before is None or after is None else f"Δ {after - before:+.4f}")
        self._refresh_verdicts()

    def set_probs(self, before: np.ndarray | None, after: np.ndarray | None) -> None:
        if before is not None:
            x = np.arange(len(before))
            self.before_bars.setOpts(x=x - 0.2, height=np.asarray(before, float))
        if after is not None:
            x = np.arange(len(after))
            self.after_bars.setOpts(x=x + 0.2, height=np.asarray(after, float))

    def set_history(self, points: Sequence[ScorePoint]) -> None:
        ys = [p.score for p in points]
        self.history_curve.setData(list(range(len(ys))), ys)
        self.history.setXRange(-0.5, max(len(ys), 5) - 0.5, padding=0)
        if points:
            def what(p: ScorePoint) -> str:  # edit notation (#12 off, #3 scale=0.5) stays as in the CLI
                return self.tr("no edit") if p.what == "no edit" else p.what

            self.history.setToolTip("\n".join(f"{k}: {p.score:.3f}  ({what(p)})" for k, p in enumerate(points[-12:])))
