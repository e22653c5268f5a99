"""The folder's images as a strip of thumbnails, loaded a few at a time (never blocking)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

THUMB = 64


class ThumbnailStrip(QListWidget):
    imageChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thumbnails")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setFixedHeight(THUMB + 34)
        self.setMovement(QListView.Movement.Static)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.paths: list[Path] = []
        self._todo: list[int] = []
        self._timer = QTimer(self)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._load_some)
        self.itemActivated.connect(self._chosen)
        self.itemClicked.connect(self._chosen)

    def set_paths(self, paths: list[Path]) -> None:
        self.clear()
        self.paths = list(paths)
        for p in self.paths:
            it = QListWidgetItem(p.name)
            it.setToolTip(str(p))
            it.setData(Qt.ItemDataRole.UserRole, str(p))
            it.setSizeHint(QSize(THUMB + 16, THUMB + 28))
            self.addItem(it)
        self._todo = list(range(len(self.paths)))
        if self._todo:
            self._timer.start()
        else:
            self._timer.stop()
        self.setVisible(bool(self.paths))

    def _load_some(self) -> None:
        for _ in range(4):
            if not self._todo:
                self._timer.stop()
                return
            i = self._todo.pop(0)
            r = QImageReader(str(self.paths[i]))
            r.setAutoTransform(True)
            size = r.size()
            if size.isValid() and max(size.width(), size.height()) > THUMB:
                r.setScaledSize(size.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio))
            img = r.read()
            if not img.isNull() and i < self.count():
                self.item(i).setIcon(QIcon(QPixmap.fromImage(img)))

    def select_path(self, path: str | Path) -> None:
        p = str(Path(path))
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == p:
                self.blockSignals(True)
                self.setCurrentRow(i)
                self.blockSignals(False)
                self.scrollToItem(self.item(i))
                return

    def _chosen(self, item: QListWidgetItem) -> None:
        self.imageChosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def stop(self) -> None:
        self._timer.stop()
