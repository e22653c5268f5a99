"""One latent as a card: id and label in plain text at full contrast, the map button, activation
bar, 64-pixel exemplars (click for a larger view), where it fires hardest, whether its effect
is specific to its own defect type, and the controls.

Bound both ways to a ``LatentControl`` (app.core.latent_controls): the card writes the
control and emits ``changed(immediate)``; ``sync()`` reads it back (reset, session load).
Its slider and spin box ignore the mouse wheel unless focused (``wheel_guard``), so scrolling
the list never edits a latent.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QToolButton,
    QWidget,
)

from app.core.dictionary import format_shares
from app.core.latent_controls import LatentControl
from app.ui.wheel_guard import commit_on_enter, wheel_safe

STRENGTH_MIN, STRENGTH_MAX, STRENGTH_STEP = -2.0, 3.0, 0.05
CROP_PX = 64  # exemplars on a card: large enough to see the texture
CARD_CROPS = 5
VIEW_PX = 192  # the larger view of one exemplar


def rgb_to_pixmap(rgb: np.ndarray) -> QPixmap:
    a = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = a.shape[:2]
    img = QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(img.copy())


class ExemplarViewer(QDialog):
    """Every exemplar of a latent at a readable size (a click on a card's exemplar opens it)."""

    def __init__(self, title: str, crops: list[np.ndarray], n_top: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exemplarViewer")
        self.setWindowTitle(title)
        g = QGridLayout(self)
        cols = 4
        for k, c in enumerate(crops):
            lab = QLabel()
            lab.setPixmap(rgb_to_pixmap(c).scaled(QSize(VIEW_PX, VIEW_PX), Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.FastTransformation))
            lab.setObjectName("crop")
            cap = QLabel(self.tr("top {0}").format(k + 1) if k < n_top else self.tr("random positive"))
            cap.setObjectName("stats")
            g.addWidget(lab, 2 * (k // cols), k % cols)
            g.addWidget(cap, 2 * (k // cols) + 1, k % cols)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


class _Crop(QLabel):
    clicked = Signal()

    def mousePressEvent(self, ev) -> None:  # noqa: ANN001, N802
        self.clicked.emit()
        ev.accept()


class ExemplarStrip(QWidget):
    """A row of exemplar crops (real image patches that excite the latent most); a click opens them all."""

    opened = Signal()

    def __init__(self, crops: list[np.ndarray], n: int = CARD_CROPS, px: int = CROP_PX, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(3)
        self.thumbs: list[QLabel] = []
        for c in crops[:n]:
            lab = _Crop()
            lab.setPixmap(rgb_to_pixmap(c).scaled(QSize(px, px), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            lab.setFixedSize(px, px)
            lab.setObjectName("crop")
            lab.setCursor(Qt.CursorShape.PointingHandCursor)
            lab.clicked.connect(self.opened)
            lay.addWidget(lab)
            self.thumbs.append(lab)
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
        type_effect: object | None = None,  # app.core.type_specificity.LatentTypeEffect
        n_top: int = 0,
    ) -> None:
        super().__init__(parent)
        self.control = control
        self.latent = control.latent
        self.auto_label = auto_label
        self.crops = crops
        self.n_top = n_top
        self.setObjectName("latentCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        g = QGridLayout(self)
        g.setContentsMargins(6, 4, 6, 4)
        g.setHorizontalSpacing(6)
        g.setVerticalSpacing(3)

        self.id_label = QLabel(f"#{self.latent}")
        self.id_label.setObjectName("latentId")
        self.on_box = QCheckBox(self.tr("on"))
        self.on_box.setToolTip(self.tr("Switch the latent off inside the region"))
        self.on_box.toggled.connect(self._on_toggle)
        self.map_btn = QPushButton(self.tr("show map"))
        self.map_btn.setObjectName("mapButton")
        self.map_btn.setToolTip(self.tr("Show where this latent fires on the image (the latent map layer)"))
        self.map_btn.clicked.connect(lambda: self.showMap.emit(self.latent))
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.id_label)
        top.addStretch(1)
        top.addWidget(self.map_btn)
        top.addWidget(self.on_box)
        if control.pinned:
            rm = QToolButton()
            rm.setText("✕")
            rm.setToolTip(self.tr("Remove from the list (resets its edit)"))
            rm.clicked.connect(lambda: self.removeRequested.emit(self.latent))
            top.addWidget(rm)
        g.addLayout(top, 0, 0, 1, 3)

        # the label in plain text at full contrast; the pencil opens an editor for the user's own
        self.label_text = QLabel()
        self.label_text.setObjectName("latentLabel")
        self.label_text.setWordWrap(True)
        self.label_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_btn = QToolButton()
        self.edit_btn.setText("✎")
        self.edit_btn.setToolTip(self.tr("Give this latent your own label (saved for this bundle)"))
        self.edit_btn.clicked.connect(self._start_edit)
        self.label_edit = QLineEdit(user_label)
        self.label_edit.setPlaceholderText(self.tr("your label (empty: the automatic one)"))
        self.label_edit.setToolTip(self.tr("Your label for this latent (saved for this bundle; the automatic one is: {0})").format(auto_label))
        self.label_edit.editingFinished.connect(self._on_label)
        self.label_edit.hide()
        lab_row = QHBoxLayout()
        lab_row.setSpacing(4)
        lab_row.addWidget(self.label_text, 1)
        lab_row.addWidget(self.label_edit, 1)
        lab_row.addWidget(self.edit_btn, 0, Qt.AlignmentFlag.AlignTop)
        g.addLayout(lab_row, 1, 0, 1, 3)
        self._show_label(user_label)

        self.bar = QProgressBar()
        self.bar.setObjectName("activationBar")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.stats_label = QLabel()
        self.stats_label.setObjectName("stats")
        self.stats_label.setWordWrap(True)
        self.set_stats(stats, reference)
        g.addWidget(self.bar, 2, 0, 1, 3)
        g.addWidget(self.stats_label, 3, 0, 1, 3)
        self.strip = ExemplarStrip(crops)
        self.strip.opened.connect(self.open_exemplars)
        g.addWidget(self.strip, 4, 0, 1, 3)
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
        self.strip.setToolTip(self.tr("Top activations in the training set, then random ones; click for a larger view")
                              + (f"\n{text}" if text else ""))
        g.addWidget(self.strongest_label, 5, 0, 1, 3)
        self.type_label = QLabel(self.type_effect_text(type_effect))
        self.type_label.setObjectName("typeEffect")
        self.type_label.setWordWrap(True)
        self.type_label.setProperty("specific", bool(type_effect is not None and type_effect.specific))
        if type_effect is None:
            self.type_label.hide()
        else:
            self.type_label.setToolTip(self.tr(
                "Mean |Δ score| when this latent alone is switched off inside the defects of held-out parts of each "
                "type, measured at build time: {0}").format(", ".join(
                    f"{t} {v:.3g} ({type_effect.parts.get(t, 0)})" for t, v in type_effect.per_type.items())))
        g.addWidget(self.type_label, 6, 0, 1, 3)

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(round(STRENGTH_MIN / STRENGTH_STEP), round(STRENGTH_MAX / STRENGTH_STEP))
        self.slider.setToolTip(self.tr("Strength inside the region: 1 unchanged, 0 off, negative inverts, above 1 amplifies"))
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(lambda: self.changed.emit(self.latent, True))
        self.strength_label = QLabel()
        self.strength_label.setMinimumWidth(40)
        g.addWidget(QLabel(self.tr("strength")), 7, 0)
        g.addWidget(self.slider, 7, 1)
        g.addWidget(self.strength_label, 7, 2)

        self.inject_box = QCheckBox(self.tr("inject"))
        self.inject_box.setToolTip(self.tr("Set the latent to a fixed value in the region, also where it was silent"))
        self.inject_box.toggled.connect(self._on_inject)
        self.inject_spin = QDoubleSpinBox()
        self.inject_spin.setRange(-10.0, 10.0)
        self.inject_spin.setSingleStep(0.25)
        self.inject_spin.setDecimals(2)
        self.inject_spin.setSuffix(self.tr(" × ref"))
        self.inject_spin.setToolTip(self.tr("Value in units of the latent's reference activation (p99)"))
        commit_on_enter(self.inject_spin)
        self.inject_spin.valueChanged.connect(self._on_inject_value)
        inj = QHBoxLayout()
        inj.addWidget(self.inject_box)
        inj.addWidget(self.inject_spin)
        inj.addStretch(1)
        g.addLayout(inj, 8, 0, 1, 3)
        g.setColumnStretch(1, 1)
        self._syncing = False
        self.sync()
        wheel_safe(self)

    def type_effect_text(self, te) -> str:  # noqa: ANN001 - LatentTypeEffect | None
        """"specific to scratch: 0.012 on its parts vs 0.003 on other types (4.0×)"."""
        if te is None:
            return ""
        if te.specific:
            return self.tr("specific to {0}: Δ {1:.3g} on its parts vs {2:.3g} on other types ({3:.1f}×)").format(
                te.own_type, te.own, te.others_mean, te.ratio)
        if te.own > 0 and te.ratio == te.ratio and te.ratio != float("inf"):
            return self.tr("not specific to {0}: Δ {1:.3g} on its parts vs {2:.3g} on other types ({3:.1f}×)").format(
                te.own_type, te.own, te.others_mean, te.ratio)
        return self.tr("not specific to {0}: no measured effect on its parts").format(te.own_type)

    def _show_label(self, user: str) -> None:
        user = user.strip()
        self.label_text.setText(user or self.auto_label)
        self.label_text.setToolTip(self.tr("your label; the automatic one is: {0}").format(self.auto_label) if user
                                   else self.tr("the automatic label, from the training set's defect masks"))

    def _start_edit(self) -> None:
        self.label_text.hide()
        self.label_edit.show()
        self.label_edit.setFocus()
        self.label_edit.selectAll()

    def open_exemplars(self) -> ExemplarViewer | None:
        if not self.crops:
            return None
        dlg = ExemplarViewer(self.tr("Latent #{0}: {1}").format(self.latent, self.label_text.text()), self.crops,
                             self.n_top, self.window())
        dlg.show()
        return dlg

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
        text = self.label_edit.text()
        self.label_edit.hide()
        self.label_text.show()
        self._show_label(text)
        self.labelEdited.emit(self.latent, text)
