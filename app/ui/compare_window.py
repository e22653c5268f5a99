"""The comparison window (Analysis → Compare with another bundle…): bundle A as the inspector holds
it, the choice of bundle B (only comparable bundles can be chosen; the others are greyed with the
reason), the progress of long work with a Cancel button, and three tabs: side by side, the
latents' counterparts, and the folder. ``CompareController`` fills it; it holds no numerics."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.compare_counterparts import CounterpartView
from app.ui.compare_folder_view import FolderView
from app.ui.compare_maps import PairedView

ROLE_PATH = Qt.ItemDataRole.UserRole
BROWSE = "__browse__"


class CompareWindow(QWidget):
    bundleChosen = Signal(str)  # folder of bundle B
    browseRequested = Signal()
    cancelRequested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setWindowTitle(self.tr("Compare two bundles — SAE Inspector"))
        v = QVBoxLayout(self)
        v.setContentsMargins(6, 6, 6, 6)
        v.setSpacing(4)
        head = QHBoxLayout()
        self.a_label = QLabel(self.tr("A: no bundle"))
        self.a_label.setObjectName("compareA")
        head.addWidget(self.a_label)
        head.addSpacing(12)
        head.addWidget(QLabel(self.tr("B:")))
        self.b_combo = QComboBox()
        self.b_combo.setMinimumWidth(260)
        self.b_combo.setModel(QStandardItemModel(self.b_combo))
        self.b_combo.activated.connect(self._on_combo)
        head.addWidget(self.b_combo, 1)
        self.b_label = QLabel("")
        self.b_label.setObjectName("compareB")
        head.addWidget(self.b_label)
        v.addLayout(head)
        status = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)
        status.addWidget(self.status, 1)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        status.addWidget(self.progress)
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        self.cancel_btn.setVisible(False)
        self.cancel_btn.clicked.connect(self.cancelRequested)
        status.addWidget(self.cancel_btn)
        v.addLayout(status)
        self.tabs = QTabWidget()
        self.paired = PairedView()
        self.counterparts = CounterpartView()
        self.folder = FolderView()
        self.tabs.addTab(self.paired, self.tr("Side by side"))
        self.tabs.addTab(self.counterparts, self.tr("Counterparts"))
        self.tabs.addTab(self.folder, self.tr("Folder"))
        v.addWidget(self.tabs, 1)
        self.resize(1200, 760)

    # --- bundle B's list -------------------------------------------------------------------------
    def set_candidates(self, candidates, current: str | None) -> None:  # noqa: ANN001 - list[CandidateBundle]
        """Comparable bundles can be chosen; the others are listed greyed, with why in their tooltip."""
        model: QStandardItemModel = self.b_combo.model()
        self.b_combo.blockSignals(True)
        model.clear()
        head = QStandardItem(self.tr("(choose bundle B)"))
        head.setEnabled(False)
        model.appendRow(head)
        select = 0
        for c in candidates:
            it = QStandardItem(c.text() if c.comparable else self.tr("{0} — cannot be compared").format(c.text()))
            it.setData(str(c.path), ROLE_PATH)
            it.setToolTip(str(c.path) if c.comparable else self.tr("Cannot be compared: {0}").format(c.why_not()))
            it.setEnabled(c.comparable)
            model.appendRow(it)
            if current is not None and str(c.path) == current:
                select = model.rowCount() - 1
        browse = QStandardItem(self.tr("Browse…"))
        browse.setData(BROWSE, ROLE_PATH)
        model.appendRow(browse)
        self.b_combo.setCurrentIndex(select)
        self.b_combo.blockSignals(False)

    def candidate_rows(self) -> list[tuple[str, bool, str]]:
        """(text, enabled, tooltip) of each listed bundle (for tests and the screenshot check)."""
        model: QStandardItemModel = self.b_combo.model()
        out = []
        for r in range(model.rowCount()):
            it = model.item(r)
            if it.data(ROLE_PATH) not in (None, BROWSE):
                out.append((it.text(), it.isEnabled(), it.toolTip()))
        return out

    def _on_combo(self, index: int) -> None:
        data = self.b_combo.itemData(index, ROLE_PATH)
        if data == BROWSE:
            self.browseRequested.emit()
        elif data:
            self.bundleChosen.emit(str(data))

    # --- progress ------------------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def show_progress(self, text: str, done: int, total: int) -> None:
        self.progress.setVisible(True)
        self.cancel_btn.setVisible(True)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(text)

    def hide_progress(self) -> None:
        self.progress.setVisible(False)
        self.cancel_btn.setVisible(False)

    def closeEvent(self, ev) -> None:  # noqa: ANN001, N802
        self.closed.emit()
        super().closeEvent(ev)
