"""The comparison's counterpart view: the latents each model lists in the region, each beside its
best counterpart in the other SAE, and a latent switched off with its counterpart, each effect
drawn against its own model's controls. The rows come from ``RegionCounterparts``, the effects
from ``PairedSwitchOff``; this widget only shows them and says what the user chose."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROLE_LATENT = Qt.ItemDataRole.UserRole
ROLE_OTHER = Qt.ItemDataRole.UserRole + 1


class EffectPlot(pg.PlotWidget):
    """One model's switch-off: its controls' Δscore as grey dots, the latent's Δscore as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="#ffffff")
        self.setMinimumHeight(90)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().hideAxis("left")
        self.getPlotItem().setMenuEnabled(False)

    def show_effect(self, title: str, controls: np.ndarray, delta: float | None) -> None:
        self.clear()
        self.setTitle(title, size="8pt")
        c = np.asarray(controls, np.float64)
        if c.size:
            jitter = np.random.default_rng(0).uniform(-0.35, 0.35, c.size)  # fixed: the same picture every time
            self.plot(c, jitter, pen=None, symbol="o", symbolSize=4, symbolBrush=(150, 150, 150, 160), symbolPen=None)
        if delta is not None:
            self.addItem(pg.InfiniteLine(pos=delta, angle=90, pen=pg.mkPen("#c0392b", width=2)))
        self.addItem(pg.InfiniteLine(pos=0.0, angle=90, pen=pg.mkPen("#555555", width=1, style=Qt.PenStyle.DotLine)))
        span = max(float(np.max(np.abs(c))) if c.size else 0.0, abs(delta or 0.0), 1e-6) * 1.15
        self.setXRange(-span, span, padding=0)
        self.setYRange(-0.6, 0.6, padding=0)


class CounterpartView(QWidget):
    measureRequested = Signal()
    switchOffRequested = Signal(int, str, int)  # latent, side ("A" | "B"), controls per kind

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.basis = QLabel(self.tr("Counterparts not measured yet."))
        self.basis.setWordWrap(True)
        top.addWidget(self.basis, 1)
        self.measure_btn = QPushButton(self.tr("Measure on the open folder"))
        self.measure_btn.setToolTip(self.tr("Correlate both SAEs' activations over every patch of the folder's parts "
                                            "(cached per bundle pair and set of parts)"))
        self.measure_btn.clicked.connect(self.measureRequested)
        top.addWidget(self.measure_btn)
        v.addLayout(top)
        tables = QHBoxLayout()
        self.tables = {"A": self._table("A", "B"), "B": self._table("B", "A")}
        for side, t in self.tables.items():
            col = QVBoxLayout()
            col.addWidget(QLabel(self.tr("{0}'s latents in the region").format(side)))
            col.addWidget(t)
            tables.addLayout(col, 1)
        v.addLayout(tables, 3)
        row = QHBoxLayout()
        self.switch_btn = QPushButton(self.tr("Switch off with its counterpart"))
        self.switch_btn.setEnabled(False)
        self.switch_btn.clicked.connect(self._ask_switch_off)
        row.addWidget(self.switch_btn)
        row.addWidget(QLabel(self.tr("controls of each kind")))
        self.controls = QSpinBox()
        self.controls.setRange(8, 512)
        self.controls.setValue(64)
        row.addWidget(self.controls)
        row.addStretch(1)
        v.addLayout(row)
        self.switch_text = QLabel("")
        self.switch_text.setWordWrap(True)
        v.addWidget(self.switch_text)
        plots = QHBoxLayout()
        self.plot_a, self.plot_b = EffectPlot(), EffectPlot()
        plots.addWidget(self.plot_a)
        plots.addWidget(self.plot_b)
        v.addLayout(plots, 2)
        self._chosen: tuple[int, str] | None = None

    def _table(self, side: str, other: str) -> QTableWidget:
        t = QTableWidget(0, 5)
        t.setHorizontalHeaderLabels([self.tr("latent"), self.tr("Σ region"), self.tr("counterpart in {0}").format(other),
                                     "r", self.tr("mutual")])
        h = t.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(20)
        t.itemSelectionChanged.connect(lambda s=side: self._on_selected(s))
        t.cellDoubleClicked.connect(lambda _r, _c: self._ask_switch_off())
        return t

    # --- what the controller shows ---------------------------------------------------------------
    def set_measure_text(self, text: str, enabled: bool) -> None:
        self.measure_btn.setText(text)
        self.measure_btn.setEnabled(enabled)

    def set_basis(self, text: str) -> None:
        self.basis.setText(text)

    def show_region(self, rc) -> None:  # noqa: ANN001 - RegionCounterparts | None
        for side, t in self.tables.items():
            t.blockSignals(True)
            rows = () if rc is None else (rc.a if side == "A" else rc.b)
            t.setRowCount(len(rows))
            for i, x in enumerate(rows):
                cp, s = x.counterpart, x.summary
                other = f"#{cp.other} {cp.other_label}" if cp.matched else (
                    self.tr("none") if cp.fires else self.tr("never fires on the shared parts"))
                cells = [f"#{s.id} {s.label}", f"{s.activation:.3g}", other,
                         "—" if not np.isfinite(cp.r) else f"{cp.r:.2f}", self.tr("yes") if cp.mutual and cp.matched else ""]
                for j, text in enumerate(cells):
                    it = QTableWidgetItem(text)
                    it.setData(ROLE_LATENT, int(s.id))
                    it.setData(ROLE_OTHER, int(cp.other) if cp.matched else -1)
                    it.setToolTip(cp.text())
                    t.setItem(i, j, it)
            t.blockSignals(False)
        self._chosen = None
        self.switch_btn.setEnabled(False)

    def _on_selected(self, side: str) -> None:
        t = self.tables[side]
        items = t.selectedItems()
        if not items:
            return
        latent, other = int(items[0].data(ROLE_LATENT)), int(items[0].data(ROLE_OTHER))
        self._chosen = (latent, side)
        self.switch_btn.setEnabled(True)
        o = self.tables["B" if side == "A" else "A"]
        o.blockSignals(True)
        o.clearSelection()
        for r in range(o.rowCount()):
            if other >= 0 and int(o.item(r, 0).data(ROLE_LATENT)) == other:
                o.selectRow(r)  # the counterpart, where the other model lists it too
                o.scrollToItem(o.item(r, 0))
        o.blockSignals(False)

    def select(self, latent: int, side: str) -> bool:
        t = self.tables[side]
        for r in range(t.rowCount()):
            if int(t.item(r, 0).data(ROLE_LATENT)) == latent:
                t.selectRow(r)
                return True
        return False

    def _ask_switch_off(self) -> None:
        if self._chosen is not None:
            self.switchOffRequested.emit(self._chosen[0], self._chosen[1], self.controls.value())

    def show_switch_off(self, pair) -> None:  # noqa: ANN001 - PairedSwitchOff
        lines = [pair.counterpart.text()]
        for side, e, plot in (("A", pair.a, self.plot_a), ("B", pair.b, self.plot_b)):
            if e is None:
                plot.show_effect(self.tr("{0}: no counterpart to switch off").format(side), np.zeros(0), None)
                continue
            r = e.result
            ratio = e.ratio_vs_controls
            lines.append(self.tr("{0}'s #{1} off: Δscore {2:+.4f}, p = {3:.3f} vs random latents, p = {4:.3f} vs random "
                                 "directions, {5} the controls' mean |Δ|{6}").format(
                side, e.latent, e.delta_score, e.p_vs_random_latents, e.p_vs_random_directions,
                f"{ratio:.1f}×" if np.isfinite(ratio) else "—", self.tr("; the verdict flips") if e.verdict_flips else ""))
            plot.show_effect(self.tr("{0}'s #{1} off against {0}'s controls").format(side, e.latent),
                             np.concatenate([r.control_deltas, r.direction_deltas]), e.delta_score)
        if pair.same_direction is not None:
            lines.append(self.tr("Both beat their own controls and move the score the same way.") if pair.same_direction
                         else self.tr("They do not both beat their controls in the same direction."))
        self.switch_text.setText("\n".join(lines))

    def clear_switch_off(self, text: str = "") -> None:
        self.switch_text.setText(text)
        self.plot_a.clear()
        self.plot_b.clear()
