"""Heatmap controls: what to show (before/after/difference/one latent), colormap,
opacity, and the per-image stretch, which is off by default and labelled as such."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSlider, QSpinBox, QToolBar, QWidget

COLORMAPS = ("inferno", "viridis", "magma", "turbo", "cividis")


class HeatmapControls(QToolBar):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Heatmap"), parent)
        self.setObjectName("heatmapControls")
        self.addWidget(QLabel(self.tr(" overlay ")))
        self.mode = QComboBox()
        for key, text in (
            ("none", self.tr("none")),
            ("before", self.tr("defect map · before")),
            ("after", self.tr("defect map · after")),
            ("difference", self.tr("difference (after − before)")),
            ("latent", self.tr("latent activation")),
        ):
            self.mode.addItem(text, key)
        self.mode.setCurrentIndex(2)
        self.mode.setToolTip(self.tr("Heatmap on the canvas (Ctrl+1..5)"))
        self.mode.currentIndexChanged.connect(self._on_mode)
        self.addWidget(self.mode)
        self.latent = QSpinBox()
        self.latent.setPrefix("#")
        self.latent.setRange(0, 0)
        self.latent.setToolTip(self.tr("Latent whose activation map is shown"))
        self.latent.setEnabled(False)
        self.latent.valueChanged.connect(self.changed)
        self.addWidget(self.latent)
        self.cmap = QComboBox()
        for name in COLORMAPS:
            self.cmap.addItem(name, name)
        self.cmap.setToolTip(self.tr("Colormap (the difference view always uses blue–white–red)"))
        self.cmap.currentIndexChanged.connect(self.changed)
        self.addWidget(self.cmap)
        self.addWidget(QLabel(self.tr(" opacity ")))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        self.opacity.setFixedWidth(90)
        self.opacity.valueChanged.connect(self.changed)
        self.addWidget(self.opacity)
        self.stretch = QCheckBox(self.tr("per-image stretch"))
        self.stretch.setToolTip(
            self.tr("Stretch the colours to this image's own range. Off: a fixed 0–1 scale, so a good part never looks hot.")
        )
        self.stretch.toggled.connect(self.changed)
        self.addWidget(self.stretch)

    def _on_mode(self) -> None:
        self.latent.setEnabled(self.mode_key() == "latent")
        self.changed.emit()

    def mode_key(self) -> str:
        return str(self.mode.currentData())

    def set_mode(self, key: str) -> None:
        i = self.mode.findData(key)
        if i >= 0:
            self.mode.setCurrentIndex(i)

    def restore(self, mode: str, latent: int) -> None:
        """Show an image's own overlay choice again (one ``changed``)."""
        self.blockSignals(True)
        self.latent.setValue(latent)
        self.set_mode(mode)
        self.blockSignals(False)
        self.changed.emit()

    def set_width(self, width: int) -> None:
        self.latent.setRange(0, max(0, width - 1))

    def show_latent(self, latent: int) -> None:
        self.latent.blockSignals(True)
        self.latent.setValue(latent)
        self.latent.blockSignals(False)
        self.set_mode("latent")
        self.changed.emit()
