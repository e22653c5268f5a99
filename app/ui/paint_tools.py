"""The painting tool bar: tool modes and brush size (how the region is drawn is in the layer list)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QSpinBox, QToolBar, QWidget

from app.ui.wheel_guard import commit_on_enter, guard_widget


class PaintTools(QToolBar):
    toolChosen = Signal(str)
    brushChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Paint"), parent)
        self.setObjectName("paintTools")
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions_by_tool: dict[str, QAction] = {}
        specs = [
            ("paint", self.tr("Paint"), "1", self.tr("Paint the region (1)")),
            ("erase", self.tr("Erase"), "2", self.tr("Erase from the region (2)")),
            ("fill", self.tr("Fill"), "3", self.tr("Flood-fill an enclosed area (3; Shift+click empties it)")),
            ("rect", self.tr("Rectangle"), "4", self.tr("Drag a rectangle (4; Shift erases)")),
            ("polygon", self.tr("Polygon"), "5", self.tr("Click corners, double-click or Enter closes (5)")),
            ("pan", self.tr("Pan"), "6", self.tr("Pan and zoom only (6); Space+drag pans in any tool")),
        ]
        for tool, text, key, tip in specs:
            a = QAction(text, self)
            a.setCheckable(True)
            a.setShortcut(QKeySequence(key))
            a.setToolTip(tip)
            a.triggered.connect(lambda _c=False, t=tool: self.toolChosen.emit(t))
            self.group.addAction(a)
            self.addAction(a)
            self.actions_by_tool[tool] = a
        self.actions_by_tool["paint"].setChecked(True)
        self.addSeparator()
        self.addWidget(QLabel(self.tr(" brush ")))
        self.brush = QSpinBox()
        self.brush.setRange(1, 2048)
        self.brush.setSuffix(" px")
        self.brush.setToolTip(self.tr("Brush radius: [ and ] change it, Alt+drag sets it"))
        self.brush.valueChanged.connect(self.brushChanged)
        self.addWidget(self.brush)
        commit_on_enter(self.brush)
        guard_widget(self.brush)

    def set_tool(self, tool: str) -> None:
        self.actions_by_tool[tool].setChecked(True)

    def set_brush(self, r: int) -> None:
        self.brush.blockSignals(True)
        self.brush.setValue(r)
        self.brush.blockSignals(False)
