"""The comparison's folder view: both models on every part of the open folder (``compare_folder``),
per part type where the verdicts agree and differ with bootstrap intervals, which latents carry
each model's verdict on each defect type, and the parts that changed verdict, each opened in the
inspector with one click. The text comes from the report's ``FolderFindings`` (one wording for the
GUI and the PDF)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

ROLE_PATH = Qt.ItemDataRole.UserRole


class FolderView(QWidget):
    runRequested = Signal(bool, int)  # evidence, controls per kind
    runSavedRequested = Signal()  # the folder comparison a restored session names
    openPart = Signal(str)  # path of a part to open in the inspector

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.run_btn = QPushButton(self.tr("Compare on the open folder"))
        self.run_btn.clicked.connect(lambda: self.runRequested.emit(self.evidence.isChecked(), self.controls.value()))
        row.addWidget(self.run_btn)
        self.run_saved_btn = QPushButton("")
        self.run_saved_btn.setVisible(False)
        self.run_saved_btn.clicked.connect(self.runSavedRequested)
        row.addWidget(self.run_saved_btn)
        self.evidence = QCheckBox(self.tr("reasons (rank latents in each ground-truth region)"))
        self.evidence.setChecked(True)
        row.addWidget(self.evidence)
        row.addWidget(QLabel(self.tr("controls")))
        self.controls = QSpinBox()
        self.controls.setRange(4, 512)
        self.controls.setValue(32)
        row.addWidget(self.controls)
        row.addStretch(1)
        v.addLayout(row)
        self.summary = QLabel(self.tr("No folder comparison yet."))
        self.summary.setWordWrap(True)
        v.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.types = QTableWidget(0, 9)
        self.types.setHorizontalHeaderLabels([self.tr("parts"), "n", self.tr("same verdict [95% CI]"), self.tr("both reject"),
                                              self.tr("both accept"), self.tr("only A rejects"), self.tr("only B rejects"),
                                              self.tr("A correct"), self.tr("B correct")])
        self.types.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.types.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.types.verticalHeader().setVisible(False)
        self.types.verticalHeader().setDefaultSectionSize(20)
        lv.addWidget(self.types, 1)
        self.reasons = QPlainTextEdit()
        self.reasons.setReadOnly(True)
        self.reasons.setPlaceholderText(self.tr("Which latents carry each model's verdict on each defect type appear here "
                                                "(parts with ground-truth masks)."))
        lv.addWidget(self.reasons, 1)
        split.addWidget(left)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.changed_title = QLabel(self.tr("Parts that changed verdict"))
        rv.addWidget(self.changed_title)
        self.changed = QListWidget()
        self.changed.setToolTip(self.tr("Click a part to open it in the inspector"))
        self.changed.itemClicked.connect(lambda it: self.openPart.emit(str(it.data(ROLE_PATH))))
        rv.addWidget(self.changed, 1)
        split.addWidget(right)
        split.setSizes([620, 380])
        v.addWidget(split, 1)

    def set_run_text(self, text: str, enabled: bool) -> None:
        self.run_btn.setText(text)
        self.run_btn.setEnabled(enabled)

    def set_saved(self, parts: int | None) -> None:
        """A restored session names a folder comparison of ``parts`` parts (None: it names none)."""
        self.run_saved_btn.setVisible(parts is not None)
        if parts is not None:
            self.run_saved_btn.setText(self.tr("Run the session's folder comparison ({0} parts)").format(parts))

    def show_result(self, fc, ff) -> None:  # noqa: ANN001 - FolderComparison, FolderFindings
        self.types.setRowCount(len(ff.types))
        for i, t in enumerate(ff.types):
            cells = (t.part_type, str(t.parts), t.agreement, str(t.both_reject), str(t.both_accept), str(t.only_a), str(t.only_b),
                     t.correct_a, t.correct_b)
            for j, text in enumerate(cells):
                self.types.setItem(i, j, QTableWidgetItem(text))
        share = (f"{ff.counterpart_share_a:.0%}" if ff.counterpart_share_a is not None else "n/a",
                 f"{ff.counterpart_share_b:.0%}" if ff.counterpart_share_b is not None else "n/a")
        text = self.tr("{0} parts; each verdict at its own bundle's threshold; 95% bootstrap intervals ({1} resamples, "
                       "seed {2}). Counterparts over the folder's patches: {3} of A's firing latents and {4} of B's have "
                       "one.").format(ff.parts, ff.n_boot, ff.seed, *share)
        if ff.skipped:
            text += " " + self.tr("{0} parts could not be read or ranked.").format(ff.skipped)
        self.summary.setText(text)
        lines = []
        for r in ff.reasons:
            sa = "n/a" if r.shared_a is None else f"{r.shared_a:.0%}"
            sb = "n/a" if r.shared_b is None else f"{r.shared_b:.0%}"
            lines.append(self.tr("{0} (parts with ground truth: {1}): {2} of A's leading latents have a counterpart among "
                                 "B's, {3} of B's among A's.").format(r.part_type, r.parts, sa, sb))
            lines += [f"  A: {x}" for x in r.rows_a] + [f"  B: {x}" for x in r.rows_b]
        self.reasons.setPlainText("\n".join(lines))
        changed = fc.changed
        self.changed_title.setText(self.tr("Parts that changed verdict: {0} (click one to open it)").format(len(changed)))
        self.changed.clear()
        for p in changed:
            word = {True: self.tr("DEFECT"), False: self.tr("OK")}
            it = QListWidgetItem(self.tr("{0} ({1}): A {2:.3f} {3} → B {4:.3f} {5}").format(
                Path(p.path).name, p.part_type, p.score_a, word[p.reject_a], p.score_b, word[p.reject_b]))
            it.setData(ROLE_PATH, p.path)
            it.setToolTip(p.path)
            self.changed.addItem(it)

    def clear(self, text: str = "") -> None:
        self.types.setRowCount(0)
        self.reasons.clear()
        self.changed.clear()
        self.summary.setText(text or self.tr("No folder comparison yet."))
