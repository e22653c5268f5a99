"""Help → About / Diagnostics: versions, the backend in use, ONNX Runtime providers available and
loaded, GPU name and memory, and the data and log folders, with "Copy to clipboard".

The facts come from ``app.core.diagnostics.collect_diagnostics`` (no Qt), gathered on the
inference thread by ``gather`` (torch, when installed, is imported there, never at start-up).
The clipboard gets the plain English text (``Diagnostics.to_text()``), the form support
reads; the dialog shows the same rows with translated names.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.error_text import error_message

ROW_NAMES = {
    "Python": QT_TRANSLATE_NOOP("Diagnostics", "Python"),
    "Platform": QT_TRANSLATE_NOOP("Diagnostics", "Platform"),
    "Backend": QT_TRANSLATE_NOOP("Diagnostics", "Backend · device · provider in use"),
    "Providers in use": QT_TRANSLATE_NOOP("Diagnostics", "ONNX Runtime providers loaded"),
    "ONNX Runtime providers available": QT_TRANSLATE_NOOP("Diagnostics", "ONNX Runtime providers available"),
    "torch CUDA": QT_TRANSLATE_NOOP("Diagnostics", "torch CUDA"),
    "CUDA libraries": QT_TRANSLATE_NOOP("Diagnostics", "CUDA libraries"),
    "GPU": QT_TRANSLATE_NOOP("Diagnostics", "GPU"),
    "Bundle": QT_TRANSLATE_NOOP("Diagnostics", "Model bundle"),
    "Notice": QT_TRANSLATE_NOOP("Diagnostics", "Backend notice"),
    "Data folder": QT_TRANSLATE_NOOP("Diagnostics", "Data folder"),
    "Log folder": QT_TRANSLATE_NOOP("Diagnostics", "Log folder"),
    "Log file": QT_TRANSLATE_NOOP("Diagnostics", "Log file"),
    "Executable": QT_TRANSLATE_NOOP("Diagnostics", "Executable"),
}
VALUE_PHRASES = {
    " (packaged)": QT_TRANSLATE_NOOP("Diagnostics", " (packaged)"),
    " (from source)": QT_TRANSLATE_NOOP("Diagnostics", " (from source)"),
    "not in this build": QT_TRANSLATE_NOOP("Diagnostics", "not in this build"),
    "none found": QT_TRANSLATE_NOOP("Diagnostics", "none found"),
    "not checked": QT_TRANSLATE_NOOP("Diagnostics", "not checked"),
    "installed": QT_TRANSLATE_NOOP("Diagnostics", "installed"),
    "torch not in this build": QT_TRANSLATE_NOOP("Diagnostics", "torch not in this build"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("Diagnostics", text)


def row_name(key: str) -> str:
    return _t(ROW_NAMES[key]) if key in ROW_NAMES else key


def row_value(value: str) -> str:
    if value in VALUE_PHRASES:
        return _t(VALUE_PHRASES[value])
    for src in (" (packaged)", " (from source)"):
        if value.endswith(src):
            return value[: -len(src)] + _t(VALUE_PHRASES[src])
    if value.startswith("not available (torch built for CUDA"):
        return _t(QT_TRANSLATE_NOOP("Diagnostics", "not available")) + value[len("not available"):]
    if value == "none":
        return _t(QT_TRANSLATE_NOOP("Diagnostics", "none"))
    return value


def gather(session):  # noqa: ANN001, ANN201 - runs on the inference thread
    from app.core.diagnostics import collect_diagnostics

    return collect_diagnostics(session, import_torch=True)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app import __version__

        self.diagnostics = None
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About SAE Inspector"))
        v = QVBoxLayout(self)
        head = QLabel(
            self.tr("<b>SAE Inspector {0}</b><br>Test which sparse-autoencoder features of a defect-detection "
                    "model drive its verdict, by intervention inside a painted region.").format(__version__)
        )
        head.setWordWrap(True)
        v.addWidget(head)
        self.status = QLabel(self.tr("Gathering diagnostics…"))
        self.status.setObjectName("stats")
        v.addWidget(self.status)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("diagnosticsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Value")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        v.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.copy_btn = QPushButton(self.tr("Copy to clipboard"))
        self.copy_btn.setToolTip(self.tr("Copy these facts as plain text, for a support request"))
        self.copy_btn.setEnabled(False)
        self.copy_btn.clicked.connect(self.copy_to_clipboard)
        self.logs_btn = QPushButton(self.tr("Open log folder"))
        self.logs_btn.setEnabled(False)
        self.logs_btn.clicked.connect(self.open_log_folder)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        row.addWidget(self.copy_btn)
        row.addWidget(self.logs_btn)
        row.addStretch(1)
        row.addWidget(close)
        v.addLayout(row)
        self.resize(720, 560)

    def set_diagnostics(self, d, error: BaseException | None = None) -> None:  # noqa: ANN001 - Diagnostics
        if d is None:
            self.status.setText(self.tr("Diagnostics could not be gathered: {0}").format(error_message(error) if error else ""))
            return
        self.diagnostics = d
        rows = d.rows()
        self.table.setRowCount(len(rows))
        for i, (k, val) in enumerate(rows):
            a = QTableWidgetItem(row_name(k))
            a.setData(Qt.ItemDataRole.UserRole, k)
            b = QTableWidgetItem(row_value(str(val)))
            b.setToolTip(str(val))
            self.table.setItem(i, 0, a)
            self.table.setItem(i, 1, b)
        self.table.resizeRowsToContents()
        self.status.setText(self.tr("Copy these facts into a support request; the log folder holds the detailed log."))
        self.copy_btn.setEnabled(True)
        self.logs_btn.setEnabled(bool(d.log_folder))

    def add_row(self, key: str, name: str, value: str) -> None:
        """A row the app adds itself (not from the diagnostics), e.g. the bundle's OOD calibration."""
        i = self.table.rowCount()
        self.table.setRowCount(i + 1)
        a = QTableWidgetItem(name)
        a.setData(Qt.ItemDataRole.UserRole, key)
        b = QTableWidgetItem(value)
        b.setToolTip(value)
        self.table.setItem(i, 0, a)
        self.table.setItem(i, 1, b)
        self.table.resizeRowsToContents()

    def value(self, key: str) -> str | None:
        """The shown value of a row, by its English key (tests)."""
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == key:
                return self.table.item(i, 1).text()
        return None

    def text(self) -> str:
        return self.diagnostics.to_text() if self.diagnostics is not None else ""

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.status.setText(self.tr("Copied to the clipboard."))

    def open_log_folder(self) -> None:
        if self.diagnostics is not None and self.diagnostics.log_folder:
            p = Path(self.diagnostics.log_folder)
            p.mkdir(parents=True, exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(p)))
