"""The layer list (as napari's): part, region, ground truth, defect map and latent map, each with
its own visibility and opacity; the defect map's view (before/after/difference/evidence),
colour map, contrast limits and threshold contour; the latent map's latent.

The panel only holds choices; ``HeatmapRenderer`` draws from them. The defect map's scale is
fixed (0–1, differences −1..1) by default; "per-image stretch" and "custom" limits are
choices, and the colour bar says which is in use.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.wheel_guard import commit_on_enter, wheel_safe

COLORMAPS = ("inferno", "viridis", "magma", "turbo", "cividis")
LAYERS = ("part", "region", "truth", "heat", "latent")
DEFAULT_OPACITY = {"part": 100, "region": 90, "truth": 100, "heat": 75, "latent": 75}


class _LayerRow(QFrame):
    """One layer: a visibility box with its name, and an opacity slider."""

    toggled = Signal(bool)
    opacityChanged = Signal(int)

    def __init__(self, key: str, name: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerRow")
        self.key = key
        g = QGridLayout(self)
        g.setContentsMargins(4, 3, 4, 3)
        g.setHorizontalSpacing(6)
        g.setVerticalSpacing(2)
        self.visible = QCheckBox(name)
        self.visible.setChecked(True)
        self.visible.setToolTip(tip)
        self.visible.toggled.connect(self.toggled)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(DEFAULT_OPACITY[key])
        self.opacity.setMinimumWidth(70)
        self.opacity.setToolTip(self.tr("Opacity of this layer"))
        self.opacity.valueChanged.connect(self.opacityChanged)
        g.addWidget(self.visible, 0, 0)
        g.addWidget(self.opacity, 0, 1)
        g.setColumnStretch(0, 1)
        g.setColumnStretch(1, 1)
        self.details = QGridLayout()
        self.details.setContentsMargins(18, 0, 0, 0)
        self.details.setHorizontalSpacing(6)
        g.addLayout(self.details, 1, 0, 1, 2)

    def add_detail(self, row: int, label: str, w: QWidget, span: int = 1) -> None:
        if label:
            self.details.addWidget(QLabel(label), row, 0)
        self.details.addWidget(w, row, 1, 1, span)


class LayerPanel(QWidget):
    changed = Signal()  # the defect map or latent map must be drawn again
    styleChanged = Signal(str)  # a layer's visibility or opacity changed (its key)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layerPanel")
        v = QVBoxLayout(self)
        v.setContentsMargins(2, 2, 2, 2)
        v.setSpacing(3)
        self.rows: dict[str, _LayerRow] = {}
        specs = {
            "latent": (self.tr("latent map"), self.tr("Where one latent fires on this image (from the codes already held)")),
            "heat": (self.tr("defect map"), self.tr("The model's defect map, before or after the edits, or their difference")),
            "region": (self.tr("painted region"), self.tr("The region the edits apply to")),
            "truth": (self.tr("ground truth"), self.tr("The ground-truth outline, when the image has one")),
            "part": (self.tr("part image"), self.tr("The part image itself")),
        }
        for key in ("latent", "heat", "region", "truth", "part"):  # top layer first, as napari lists them
            name, tip = specs[key]
            row = _LayerRow(key, name, tip)
            row.toggled.connect(lambda _on, k=key: self._on_style(k))
            row.opacityChanged.connect(lambda _v, k=key: self._on_style(k))
            self.rows[key] = row
            v.addWidget(row)

        heat = self.rows["heat"]
        self.mode = QComboBox()
        self._fill_modes(evidence=False, measured=False)
        self.mode.setCurrentIndex(self.mode.findData("after"))
        self.mode.setToolTip(self.tr("What the defect map layer shows (Ctrl+2..4)"))
        self.mode.currentIndexChanged.connect(self.changed)
        heat.add_detail(0, self.tr("show"), self.mode)
        self.cmap = QComboBox()
        for name in COLORMAPS:
            self.cmap.addItem(name, name)
        self.cmap.setToolTip(self.tr("Colour map (differences and evidence always use blue–white–red)"))
        self.cmap.currentIndexChanged.connect(self.changed)
        heat.add_detail(1, self.tr("colours"), self.cmap)
        self.scale = QComboBox()
        self.scale.addItem(self.tr("fixed 0–1 (differences −1..1)"), "fixed")
        self.scale.addItem(self.tr("per-image stretch"), "stretch")
        self.scale.addItem(self.tr("custom limits"), "custom")
        self.scale.setToolTip(self.tr("Fixed: a good part never looks hot. Stretch: this image's own range. "
                                      "Custom: the limits below. The colour bar names the scale in use."))
        self.scale.currentIndexChanged.connect(self._on_scale)
        heat.add_detail(2, self.tr("scale"), self.scale)
        lim = QWidget()
        lh = QHBoxLayout(lim)
        lh.setContentsMargins(0, 0, 0, 0)
        self.low = QDoubleSpinBox()
        self.high = QDoubleSpinBox()
        for s, val in ((self.low, 0.0), (self.high, 1.0)):
            s.setRange(-1.0, 1.0)
            s.setDecimals(3)
            s.setSingleStep(0.05)
            s.setValue(val)
            s.valueChanged.connect(self._on_limits)
        self.low.setToolTip(self.tr("Lower contrast limit"))
        self.high.setToolTip(self.tr("Upper contrast limit"))
        lh.addWidget(self.low)
        lh.addWidget(QLabel("–"))
        lh.addWidget(self.high)
        self.limits_row = lim
        heat.add_detail(3, self.tr("limits"), lim)
        self.contour = QCheckBox(self.tr("threshold contour"))
        self.contour.setToolTip(self.tr("Outline where the map reaches the verdict threshold"))
        self.contour.toggled.connect(self.changed)
        heat.add_detail(4, "", self.contour)

        lat = self.rows["latent"]
        self.latent = QSpinBox()
        self.latent.setPrefix("#")
        self.latent.setRange(0, 0)
        self.latent.setToolTip(self.tr("Latent whose activation map is shown (a card's map button chooses it)"))
        self.latent.valueChanged.connect(self.changed)
        lat.add_detail(0, self.tr("latent"), self.latent)
        lat.visible.setChecked(False)

        self.fill = QCheckBox(self.tr("filled"))
        self.fill.setToolTip(self.tr("Fill the region instead of drawing its outline (M)"))
        self.fill.toggled.connect(lambda _on: self._on_style("region"))
        self.rows["region"].add_detail(0, "", self.fill)
        v.addStretch(1)
        for key in ("heat", "latent"):
            self.rows[key].toggled.connect(lambda _on: self.changed.emit())
            self.rows[key].opacityChanged.connect(lambda _v: self.changed.emit())
        commit_on_enter(self.low, self.high, self.latent)
        self._on_scale()
        self.set_truth_available(False)
        wheel_safe(self)

    # --- choices ---------------------------------------------------------------------------
    def _fill_modes(self, evidence: bool, measured: bool) -> None:
        kind = self.tr("evidence map (measured)") if measured else self.tr("defect map")
        items = [("before", self.tr("{0} · before").format(kind)), ("after", self.tr("{0} · after").format(kind)),
                 ("difference", self.tr("difference (after − before)"))]
        if evidence and not measured:
            items.append(("evidence", self.tr("evidence map (measured)")))
        cur = self.mode.currentData() if self.mode.count() else "after"
        self.mode.blockSignals(True)
        self.mode.clear()
        for key, text in items:
            self.mode.addItem(text, key)
        i = self.mode.findData(cur)
        self.mode.setCurrentIndex(i if i >= 0 else self.mode.findData("after"))
        self.mode.blockSignals(False)

    def set_evidence(self, available: bool, measured: bool) -> None:
        """A bundle with a good reference offers the measured evidence map; one without a patch head
        (``measured``) shows it as its defect map."""
        self._fill_modes(available, measured)
        self.rows["heat"].visible.setText(self.tr("evidence map") if measured else self.tr("defect map"))
        self.changed.emit()

    def set_truth_available(self, on: bool) -> None:
        self.rows["truth"].setEnabled(on)

    def set_width(self, width: int) -> None:
        self.latent.setRange(0, max(0, width - 1))

    def mode_key(self) -> str:
        """The defect map's view, or "none" when the layer is hidden."""
        return str(self.mode.currentData()) if self.rows["heat"].visible.isChecked() else "none"

    def heat_mode(self) -> str:
        return str(self.mode.currentData())

    def visible(self, key: str) -> bool:
        return self.rows[key].visible.isChecked()

    def opacity(self, key: str) -> float:
        return self.rows[key].opacity.value() / 100.0

    def set_visible(self, key: str, on: bool) -> None:
        self.rows[key].visible.setChecked(bool(on))

    def filled(self) -> bool:
        return self.fill.isChecked()

    def toggle_fill(self) -> None:
        self.fill.toggle()

    def stretch(self) -> bool:
        return self.scale.currentData() == "stretch"

    def limits(self) -> tuple[float, float] | None:
        if self.scale.currentData() != "custom":
            return None
        return (self.low.value(), self.high.value())

    def set_limits(self, lo: float, hi: float) -> None:
        self.low.setValue(lo)
        self.high.setValue(hi)
        self.scale.setCurrentIndex(self.scale.findData("custom"))

    def set_scale(self, key: str) -> None:
        self.scale.setCurrentIndex(self.scale.findData(key))

    def toggle_stretch(self) -> None:
        self.set_scale("fixed" if self.stretch() else "stretch")

    def _on_scale(self) -> None:
        self.limits_row.setEnabled(self.scale.currentData() == "custom")
        self.changed.emit()

    def _on_limits(self) -> None:
        if self.scale.currentData() == "custom":
            self.changed.emit()

    def _on_style(self, key: str) -> None:
        self.styleChanged.emit(key)

    # --- what the menus and documents set -------------------------------------------------------
    def set_mode(self, key: str) -> None:
        """Ctrl+1..5: "none" hides the defect map; a view shows it; "latent" shows the latent map."""
        if key == "none":
            self.set_visible("heat", False)
            return
        if key == "latent":
            self.set_visible("latent", True)
            return
        i = self.mode.findData(key)
        if i >= 0:
            self.blockSignals(True)
            self.mode.setCurrentIndex(i)
            self.set_visible("heat", True)
            self.blockSignals(False)
            self.changed.emit()

    def show_latent(self, latent: int) -> None:
        self.blockSignals(True)
        self.latent.setValue(int(latent))
        self.set_visible("latent", True)
        self.blockSignals(False)
        self.changed.emit()

    def state(self) -> tuple[str, bool, int, bool]:
        """(defect map view, its visibility, latent, latent map visibility): what an image keeps."""
        return self.heat_mode(), self.visible("heat"), self.latent.value(), self.visible("latent")

    def restore(self, mode: str, heat_visible: bool, latent: int, latent_visible: bool) -> None:
        """Show an image's own overlay choice again (one ``changed``)."""
        self.blockSignals(True)
        i = self.mode.findData(mode)
        self.mode.setCurrentIndex(i if i >= 0 else self.mode.findData("after"))
        self.set_visible("heat", heat_visible)
        self.latent.setValue(int(latent))
        self.set_visible("latent", latent_visible)
        self.blockSignals(False)
        self.changed.emit()
