"""File → Export findings: the dialog, then the PDF written on the inference thread behind a
cancellable progress dialog.

The report is built from the result on screen: its request's region, edits and view are what
the PDF shows, and a causal result goes in only if it was measured on that image and region.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from app.report.findings import About, CausalResults, ReportRequest
from app.ui.compare_controller import comparison_request
from app.ui.error_text import error_message
from app.ui.worker import TaskResult


def free_name(path: Path) -> Path:
    """``name_2.pdf``, ``name_3.pdf``, ...: the first that does not exist beside ``path``."""
    for k in range(2, 10000):
        p = path.with_name(f"{path.stem}_{k}{path.suffix}")
        if not p.exists():
            return p
    return path


class ExportController(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.job = None  # ExportJob while one runs
        self.progress = None  # ExportProgress while one runs
        self.dialog = None
        self.last_export: Path | None = None

    def dialog_then_export(self) -> None:
        win = self.win
        if win.image is None or win.session is None:
            win.banner.show_message(self.tr("Open a part image before exporting findings."), "warning")
            return
        if self.job is not None:
            win.statusBar().showMessage(self.tr("An export is already running; wait for it or cancel it."), 5000)
            return
        from app.ui.export_dialog import ExportDialog

        dlg = ExportDialog(win.settings, win.image.path, win.notes.toPlainText(), win.ui_lang, parent=win)
        self.dialog = dlg
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            dlg.remember()
            opts = dlg.options()
        finally:
            self.dialog = None
            dlg.deleteLater()
        self.export(opts)

    def ask_overwrite(self, path: Path) -> str:
        """The file exists: "replace", "rename" (choose another name) or "cancel" (tests replace this method)."""
        box = QMessageBox(self.win)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Replace the file?"))
        box.setText(self.tr("{0} already exists.").format(path))
        replace = box.addButton(self.tr("Replace it"), QMessageBox.ButtonRole.DestructiveRole)
        rename = box.addButton(self.tr("Choose another name…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(rename)
        box.exec()
        clicked = box.clickedButton()
        return "replace" if clicked is replace else "rename" if clicked is rename else "cancel"

    def choose_other_path(self, path: Path) -> Path | None:
        """A new file name for the PDF (tests replace this method)."""
        got, _ = QFileDialog.getSaveFileName(self.win, self.tr("Export findings as PDF"), str(free_name(path)),
                                             self.tr("PDF (*.pdf)"))
        if not got:
            return None
        return Path(got if got.lower().endswith(".pdf") else got + ".pdf")

    def report_request(self, opts) -> ReportRequest:  # noqa: ANN001 - ExportOptions
        """What the PDF reports: the result on screen and the request that produced it."""
        win = self.win
        shown = win.results.shown
        if shown is not None and shown.image_token == win.image_token:
            origin, region = shown.request.origin, shown.request.mask
        else:  # nothing edited has come back yet: the unedited image as it is now
            origin, region = win.documents.origin(), win.documents.region_mask()
        kept = win.effects_ctl
        return ReportRequest(
            image_path=str(Path(win.image.path).resolve()), image_sha256=win.image.sha256, region_HW=region,
            edits=origin.edits, threshold=win.results.threshold.saved(), recon_only=origin.recon_only,
            truth_HW=None if win.gt_mask is None else win.gt_mask.copy(),
            about=About(opts.operator, opts.station, opts.part_id, opts.notes, opts.lang),
            causal=CausalResults(kept.result_for("rank", origin), kept.result_for("dose", origin),
                                 kept.result_for("inject", origin)),
            user_labels=win.bundles.labels_dict(), image_notes=tuple(getattr(win.image, "notes", ()) or ()),
            backend_choice=win.backend_choice, bundle_path=str(win.session.bundle.root),
            comparison=comparison_request(win, origin),
        )

    def export(self, opts, overwrite: bool = False) -> int | None:  # noqa: ANN001 - ExportOptions
        """Write the findings PDF on the inference thread; the task id, or None when nothing was started."""
        from app.report.export import export_findings
        from app.ui.export_dialog import ExportJob, ExportProgress

        win = self.win
        if win.image is None or win.session is None or self.job is not None:
            return None
        path = Path(opts.out_path).expanduser()
        if path.suffix.lower() != ".pdf" and not path.is_dir():
            path = path.with_name(path.name + ".pdf")
        while path.exists() and not path.is_dir() and not overwrite:
            answer = self.ask_overwrite(path)
            if answer == "replace":
                overwrite = True
            elif answer == "rename" and (other := self.choose_other_path(path)) is not None:
                path = other  # asked again if that one exists too (a save dialog may confirm it natively)
            else:
                win.statusBar().showMessage(self.tr("Export cancelled; {0} was kept.").format(path.name), 5000)
                return None
        request = self.report_request(opts)
        job = ExportJob(self)
        job.path = path

        def run(session):  # noqa: ANN001, ANN202 - on the inference thread
            return export_findings(session, request, path, overwrite=overwrite, progress=job.report, cancelled=job.is_cancelled)

        job.task_id = win.client.submit("export", run, win.image_token)
        self.job = job
        self.progress = ExportProgress(job, win)
        self.progress.show()
        win.menus.export_action.setEnabled(False)
        return job.task_id

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def on_done(self, res: TaskResult) -> None:
        win = self.win
        job, self.job = self.job, None
        win.menus.export_action.setEnabled(True)
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if job is not None:
            job.deleteLater()
        if res.ok:
            r = res.result
            self.last_export = r.path
            win.banner.show_message(
                self.tr("Findings written to {0} ({1} pages).").format(r.path, r.pages), "info",
                self.tr("Open PDF"), lambda p=r.path: self.open_pdf(p),
            )
            win.statusBar().showMessage(self.tr("Findings exported to {0}").format(r.path), 8000)
        elif getattr(res.error, "code", "") == "cancelled":
            win.statusBar().showMessage(self.tr("Export cancelled; nothing was written."), 8000)
        else:
            win.banner.show_message(self.tr("Export failed: {0}").format(error_message(res.error)), "error")
        win.exportFinished.emit(res)

    def open_pdf(self, path: str | Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
