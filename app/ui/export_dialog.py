"""File → Export findings: a dialog for who/where/what, then the PDF is written on the
inference thread (``app.report.export.export_findings``) behind a cancellable progress dialog.

The dialog only collects values (``ExportOptions``); ``ExportJob`` runs the export through
``InferenceClient.submit`` so the session is never used by two threads, reports progress
with a queued signal and polls a thread-safe cancel flag. Nothing here touches the user's
mask, edits or notes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

LANGS = (("en", "English"), ("ja", "日本語"))


@dataclass(frozen=True)
class ExportOptions:
    out_path: Path
    operator: str = ""
    station: str = ""
    part_id: str = ""
    notes: str = ""
    lang: str = "en"


def default_pdf_path(image_path: str | Path, folder: str | Path | None = None) -> Path:
    p = Path(image_path)
    return Path(folder or p.parent) / f"{p.stem}_findings.pdf"


class ExportDialog(QDialog):
    """Operator, station, part id, notes, language and the output file. Operator, station and the
    last folder are remembered in QSettings (``export/...``)."""

    def __init__(
        self, settings: QSettings, image_path: str | Path, notes: str = "", ui_lang: str = "en",
        part_id: str = "", parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Export findings"))
        self.setObjectName("exportDialog")
        v = QVBoxLayout(self)
        form = QFormLayout()
        self.operator = QLineEdit(str(settings.value("export/operator", "") or ""))
        self.operator.setPlaceholderText(self.tr("Your name or id"))
        self.station = QLineEdit(str(settings.value("export/station", "") or ""))
        self.station.setPlaceholderText(self.tr("Line or station"))
        self.part_id = QLineEdit(part_id)
        self.part_id.setPlaceholderText(self.tr("Serial or lot number of the part"))
        self.notes = QPlainTextEdit(notes)
        self.notes.setPlaceholderText(self.tr("Notes for the report (your language; the session notes are pre-filled)"))
        self.notes.setMinimumHeight(90)
        self.lang = QComboBox()
        for code, name in LANGS:
            self.lang.addItem(name, code)
        i = self.lang.findData(ui_lang)
        self.lang.setCurrentIndex(i if i >= 0 else 0)
        self.lang.setToolTip(self.tr("Language of the report's fixed texts; your notes are printed as written"))
        folder = settings.value("export/folder", "") or None
        if folder and not Path(str(folder)).is_dir():
            folder = None
        self.path = QLineEdit(str(default_pdf_path(image_path, folder)))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Operator"), self.operator)
        form.addRow(self.tr("Line / station"), self.station)
        form.addRow(self.tr("Part id"), self.part_id)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow(self.tr("Report language"), self.lang)
        form.addRow(self.tr("PDF file"), row)
        v.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        v.addWidget(self.buttons)
        self.resize(560, 380)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export findings as PDF"), self.path.text(), self.tr("PDF (*.pdf)"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked once, after the dialog
        )
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.path.setText(path)

    def options(self) -> ExportOptions:
        return ExportOptions(
            out_path=Path(self.path.text().strip()),
            operator=self.operator.text().strip(),
            station=self.station.text().strip(),
            part_id=self.part_id.text().strip(),
            notes=self.notes.toPlainText(),
            lang=str(self.lang.currentData()),
        )

    def remember(self) -> None:
        o = self.options()
        self.settings.setValue("export/operator", o.operator)
        self.settings.setValue("export/station", o.station)
        if o.out_path.parent.is_dir():
            self.settings.setValue("export/folder", str(o.out_path.parent))
        self.settings.sync()


class ExportJob(QObject):
    """One export: progress (queued from the inference thread), cancel flag, result."""

    progressed = Signal(float, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self.task_id: int | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, frac: float, text: str) -> None:  # called on the inference thread
        self.progressed.emit(float(frac), str(text))


# the report's stage texts (English, from app.report) -> translatable labels
STAGES = {
    "measuring": QT_TRANSLATE_NOOP("ExportStage", "measuring"),
    "measuring the edits": QT_TRANSLATE_NOOP("ExportStage", "measuring the edits"),
    "measuring the evidence maps": QT_TRANSLATE_NOOP("ExportStage", "measuring the evidence maps"),
    "collecting exemplars": QT_TRANSLATE_NOOP("ExportStage", "collecting exemplars"),
    "drawing figures": QT_TRANSLATE_NOOP("ExportStage", "drawing figures"),
    "drawing the defect maps": QT_TRANSLATE_NOOP("ExportStage", "drawing the defect maps"),
    "drawing the causal analyses": QT_TRANSLATE_NOOP("ExportStage", "drawing the causal analyses"),
    "laying out the pages": QT_TRANSLATE_NOOP("ExportStage", "laying out the pages"),
    "writing the file": QT_TRANSLATE_NOOP("ExportStage", "writing the file"),
    "done": QT_TRANSLATE_NOOP("ExportStage", "done"),
}


def stage_text(text: str) -> str:
    """A report stage in the UI language (unknown stages pass through)."""
    return QCoreApplication.translate("ExportStage", STAGES[text]) if text in STAGES else text


class ExportProgress(QProgressDialog):
    """Percent and stage of a running export; Cancel sets the job's flag (nothing is written)."""

    def __init__(self, job: ExportJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportProgress")
        self.setWindowTitle(self.tr("Exporting findings"))
        self.setLabelText(self.tr("Preparing the report…"))
        self.setCancelButtonText(self.tr("Cancel"))
        self.setRange(0, 100)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.canceled.connect(job.cancel)
        self.canceled.connect(lambda: self.setLabelText(self.tr("Cancelling…")))
        job.progressed.connect(self.on_progress)

    def on_progress(self, frac: float, text: str) -> None:
        if self.wasCanceled():
            return
        self.setValue(int(round(100 * max(0.0, min(1.0, frac)))))
        self.setLabelText(self.tr("Writing the findings report: {0}").format(stage_text(text)))
