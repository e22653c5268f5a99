"""One latent as a card: id, editable label, activation bar, exemplar strip, and controls.

Bound both ways to a ``LatentControl`` (app.core.latent_controls): the card writes the
control and emits ``changed(immediate)``; ``sync()`` reads it back (reset, session load).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSlider,
    QToolButton,
    QWidget,
)

from app.core.dictionary import format_shares
from app.core.latent_controls import LatentControl

STRENGTH_MIN, STRENGTH_MAX, STRENGTH_STEP = -2.0, 3.0, 0.05
CROP_PX = 40


def rgb_to_pixmap(rgb: np.ndarray) -> QPixmap:
    a = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = a.shape[:2]
    img = QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(img.copy())


class ExemplarStrip(QWidget):
    """A row of exemplar crops (real image patches that excite the latent most)."""

    def __init__(self, crops: list[np.ndarray], n: int = 6, px: int = CROP_PX, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        for c in crops[:n]:
            lab = QLabel()
            lab.setPixmap(rgb_to_pixmap(c).scaled(QSize(px, px), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            lab.setFixedSize(px, px)
            lab.setObjectName("crop")
            lay.addWidget(lab)
        if not crops:
            lay.addWidget(QLabel(self.tr("no exemplars in the dictionary")))
        lay.addStretch(1)


class LatentCard(QFrame):
    changed = Signal(int, bool)  # latent, immediate (False while a slider is dragged)
    labelEdited = Signal(int, str)
    showMap = Signal(int)
    removeRequested = Signal(int)
    clicked = Signal(int)  # the card was clicked: choose this latent

    def __init__(
        self,
        control: LatentControl,
        auto_label: str,
        user_label: str,
        crops: list[np.ndarray],
        stats: dict[str, float] | None,
        reference: float,
        parent: QWidget | None = None,
        strongest: list[tuple[str, float]] | None = None,
        strongest_parts: int = 0,
    ) -> None:
        super().__init__(parent)
        self.control = control
        self.latent = control.latent
        self.setObjectName("latentCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        g = QGridLayout(self)
        g.setContentsMargins(6, 4, 6, 4)
        g.setHorizontalSpacing(6)
        g.setVerticalSpacing(3)

        self.id_label = QLabel(f"#{self.latent}")
        self.id_label.setObjectName("latentId")
        self.label_edit = QLineEdit(user_label)
        self.label_edit.setPlaceholderText(auto_label)
        self.label_edit.setToolTip(self.tr("Your label for this latent (saved for this bundle; the automatic one is: {0})").format(auto_label))
        self.label_edit.editingFinished.connect(self._on_label)
        self.on_box = QCheckBox(self.tr("on"))
        self.on_box.setToolTip(self.tr("Switch the latent off inside the region"))
        self.on_box.toggled.connect(self._on_toggle)
        self.map_btn = QToolButton()
        self.map_btn.setText(self.tr("map"))
        self.map_btn.setToolTip(self.tr("Show this latent's activation map on the canvas"))
        self.map_btn.clicked.connect(lambda: self.showMap.emit(self.latent))
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.id_label)
        top.addWidget(self.label_edit, 1)
        top.addWidget(self.map_btn)
        top.addWidget(self.on_box)
        if control.pinned:
            rm = QToolButton()
            rm.setText("✕")
            rm.setToolTip(self.tr("Remove from the list (resets its edit)"))
            rm.clicked.connect(lambda: self.removeRequested.emit(self.latent))
            top.addWidget(rm)
        g.addLayout(top, 0, 0, 1, 3)

        self.bar = QProgressBar()
        self.bar.setObjectName("activationBar")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.stats_label = QLabel()
        self.stats_label.setObjectName("stats")
        self.set_stats(stats, reference)
        g.addWidget(self.bar, 1, 0, 1, 3)
        g.addWidget(self.stats_label, 2, 0, 1, 3)
        strip = ExemplarStrip(crops)
        g.addWidget(strip, 3, 0, 1, 3)
        # The automatic label is an AP over every threshold; the exemplars show only the top. Say
        # where the latent fires hardest on held-out parts, so the two do not seem to disagree.
        text = ""
        if strongest and strongest_parts > 0:
            text = self.tr("fires hardest on: {0} (of its {1} strongest test parts)").format(
                format_shares(strongest), strongest_parts)
        self.strongest_label = QLabel(text)
        self.strongest_label.setObjectName("strongest")
        self.strongest_label.setWordWrap(True)
        if not text:  # (never setVisible(True) here: a parentless label would open as a window)
            self.strongest_label.hide()
        strip.setToolTip(self.tr("Top activations in the training set, then random ones") + (f"\n{text}" if text else ""))

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(round(STRENGTH_MIN / STRENGTH_STEP), round(STRENGTH_MAX / STRENGTH_STEP))
        self.slider.setToolTip(self.tr("Strength inside the region: 1 unchanged, 0 off, negative inverts, above 1 amplifies"))
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(lambda: self.changed.emit(self.latent, True))
        self.strength_label = QLabel()
        self.strength_label.setMinimumWidth(40)
        g.addWidget(self.strongest_label, 4, 0, 1, 3)
        g.addWidget(QLabel(self.tr("strength")), 5, 0)
        g.addWidget(self.slider, 5, 1)
        g.addWidget(self.strength_label, 5, 2)

        self.inject_box = QCheckBox(self.tr("inject"))
        self.inject_box.setToolTip(self.tr("Set the latent to a fixed value in the region, also where it was silent"))
        self.inject_box.toggled.connect(self._on_inject)
        self.inject_spin = QDoubleSpinBox()
        self.inject_spin.setRange(-10.0, 10.0)
        self.inject_spin.setSingleStep(0.25)
        self.inject_spin.setDecimals(2)
        self.inject_spin.setSuffix(self.tr(" × ref"))
        self.inject_spin.setToolTip(self.tr("Value in units of the latent's reference activation (p99)"))
        self.inject_spin.valueChanged.connect(self._on_inject_value)
        inj = QHBoxLayout()
        inj.addWidget(self.inject_box)
        inj.addWidget(self.inject_spin)
        inj.addStretch(1)
        g.addLayout(inj, 6, 0, 1, 3)
        g.setColumnStretch(1, 1)
        self._syncing = False
        self.sync()

    def set_selected(self, on: bool) -> None:
        self.setProperty("selected", bool(on))
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, ev) -> None:  # noqa: ANN001, N802
        self.clicked.emit(self.latent)
        super().mousePressEvent(ev)

    def set_stats(self, stats: dict[str, float] | None, reference: float) -> None:
        if not stats:
            self.bar.setValue(0)
            self.stats_label.setText(self.tr("not active in this region"))
            return
        ref = max(reference, 1e-9)
        self.bar.setValue(int(min(1.0, stats["mean_in"] / ref) * 1000))
        self.stats_label.setText(
            self.tr("in {0:.2f} · out {1:.2f} · fires on {2:.0%} of patches").format(
                stats["mean_in"], stats["mean_out"], stats["frequency"]
            )
        )
        dense = stats["frequency"] > 0.10
        self.stats_label.setProperty("dense", dense)
        if dense:
            self.stats_label.setToolTip(self.tr("A dense latent: it fires on many patches (background)"))

    def sync(self) -> None:
        """Read the control back into the widgets (no signals)."""
        self._syncing = True
        c = self.control
        self.on_box.setChecked(c.enabled)
        self.slider.setValue(round(c.strength / STRENGTH_STEP))
        self.strength_label.setText(f"{c.strength:.2f}")
        self.inject_box.setChecked(c.inject)
        self.inject_spin.setValue(c.inject_value)
        self.inject_spin.setEnabled(c.inject)
        self.slider.setEnabled(c.enabled and not c.inject)
        self.setProperty("edited", not c.is_default())
        self.style().unpolish(self)
        self.style().polish(self)
        self._syncing = False

    def _on_toggle(self, on: bool) -> None:
        if self._syncing:
            return
        self.control.enabled = on
        self.sync()
        self.changed.emit(self.latent, True)

    def _on_slider(self, v: int) -> None:
        if self._syncing:
            return
        self.control.strength = round(v * STRENGTH_STEP, 4)
        self.strength_label.setText(f"{self.control.strength:.2f}")
        self.setProperty("edited", not self.control.is_default())
        self.changed.emit(self.latent, not self.slider.isSliderDown())

    def _on_inject(self, on: bool) -> None:
        if self._syncing:
            return
        self.control.inject = on
        self.sync()
        self.changed.emit(self.latent, True)

    def _on_inject_value(self, v: float) -> None:
        if self._syncing:
            return
        self.control.inject_value = float(v)
        if self.control.inject:
            self.changed.emit(self.latent, False)

    def _on_label(self) -> None:
        self.labelEdited.emit(self.latent, self.label_edit.text())
