"""Every latent of the bundle: sortable table, gallery and histogram, bulk labels, import/export.

The search box ranks the latents by relevance (``app.core.latent_search``, rapidfuzz: best match
first, typos forgiven) and hides the rest. A Matryoshka dictionary can be ordered coarse to fine
(its nested prefixes, ``app.core.sae.coarse_to_fine``), with each latent's level in its own column.
Columns are sized to their contents (the table scrolls sideways rather than cut a value)."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.dictionary_rows import dictionary_rows, histogram_bins
from app.core.errors import InspectorError
from app.core.latent_search import search_latents
from app.ui.error_text import error_message
from app.ui.latent_card import rgb_to_pixmap

COLS = (
    QT_TRANSLATE_NOOP("DictionaryBrowser", "id"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "label"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "automatic label"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "frequency"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "best AP"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "best class"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "fires hardest on"),
    QT_TRANSLATE_NOOP("DictionaryBrowser", "level"),
)
COL_LEVEL = 7
COL_RELEVANCE = 8  # hidden: the search's score, to sort by
COL_ORDER = 9  # hidden: the coarse-to-fine position


class _NumItem(QTableWidgetItem):
    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole, float(value))
        self.setFlags(self.flags() & ~Qt.ItemFlag.ItemIsEditable)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return float(self.data(Qt.ItemDataRole.UserRole)) < float(other.data(Qt.ItemDataRole.UserRole))


class DictionaryBrowser(QDialog):
    addToPanel = Signal(int)
    labelsChanged = Signal()

    def __init__(self, dictionary, user_labels, parent: QWidget | None = None, sae_cfg=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("Feature dictionary"))
        self.resize(1180, 660)
        self.dictionary, self.user_labels = dictionary, user_labels
        from app.core.sae import coarse_to_fine, prefix_level

        self.matryoshka = sae_cfg is not None and getattr(sae_cfg, "objective", "plain") == "matryoshka"
        self.level = prefix_level(sae_cfg) if self.matryoshka else None
        self.coarse_order = coarse_to_fine(sae_cfg, dictionary.frequency) if sae_cfg is not None else None
        self._filling = False
        v = QVBoxLayout(self)
        top = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Search by id or label, best match first…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        top.addWidget(self.filter, 1)
        self.order = QComboBox()
        self.order.addItem(self.tr("order: by id"), "id")
        if self.coarse_order is not None:
            self.order.addItem(self.tr("order: coarse to fine (Matryoshka levels)") if self.matryoshka
                               else self.tr("order: most general first (by frequency)"), "coarse")
        self.order.setToolTip(self.tr("A Matryoshka dictionary's first latents are its coarsest; later levels refine them"))
        self.order.currentIndexChanged.connect(lambda _i: self._apply_filter(self.filter.text()))
        top.addWidget(self.order)
        for text, slot in (
            (self.tr("Import JSON…"), lambda: self._import("json")),
            (self.tr("Import CSV…"), lambda: self._import("csv")),
            (self.tr("Export JSON…"), lambda: self._export("json")),
            (self.tr("Export CSV…"), lambda: self._export("csv")),
        ):
            b = QPushButton(text)
            b.clicked.connect(slot)
            top.addWidget(b)
        v.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        v.addWidget(split, 1)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, COL_ORDER + 1)
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("DictionaryBrowser", c) for c in COLS] + ["", ""])
        self.table.setColumnHidden(COL_RELEVANCE, True)
        self.table.setColumnHidden(COL_ORDER, True)
        self.table.setColumnHidden(COL_LEVEL, not self.matryoshka)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeaderItem(6).setToolTip(self.tr(
            "Where the latent fires hardest: the share of its strongest held-out parts whose strongest patch lies in "
            "each defect type (ok: in good texture). Sorting orders by the largest share in one defect type."))
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.itemSelectionChanged.connect(self._on_select)
        lv.addWidget(self.table, 1)
        bulk = QHBoxLayout()
        self.bulk_edit = QLineEdit()
        self.bulk_edit.setPlaceholderText(self.tr("Label for all selected latents (empty clears)"))
        bulk_btn = QPushButton(self.tr("Apply to selected"))
        bulk_btn.clicked.connect(self._bulk_apply)
        bulk.addWidget(self.bulk_edit, 1)
        bulk.addWidget(bulk_btn)
        lv.addLayout(bulk)
        split.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        self.detail_title = QLabel(self.tr("Click a latent to see its examples."))
        self.detail_title.setObjectName("panelTitle")
        self.detail_title.setWordWrap(True)
        rv.addWidget(self.detail_title)
        self.gallery_host = QWidget()
        self.gallery = QGridLayout(self.gallery_host)
        self.gallery.setSpacing(3)
        rv.addWidget(self.gallery_host)
        self.hist = pg.PlotWidget()
        self.hist.setBackground(None)
        self.hist.setMinimumHeight(140)
        self.hist.getPlotItem().setTitle(self.tr("activation histogram (positive activations)"), size="8pt")
        self.hist_bars = pg.BarGraphItem(x=[], height=[], width=1.0, brush="#f0a030")
        self.hist.addItem(self.hist_bars)
        rv.addWidget(self.hist)
        self.add_btn = QPushButton(self.tr("Add to the latent panel"))
        self.add_btn.setEnabled(False)
        self.add_btn.clicked.connect(lambda: self.addToPanel.emit(self._current))
        rv.addWidget(self.add_btn)
        rv.addStretch(1)
        split.addWidget(right)
        split.setSizes([800, 380])
        self._current = -1
        self.rows = dictionary_rows(dictionary)
        self._positions = None
        if self.coarse_order is not None:
            import numpy as np

            self._positions = np.empty(len(self.coarse_order), np.int64)
            self._positions[self.coarse_order] = np.arange(len(self.coarse_order))
        self._fill()

    def _fill(self) -> None:
        self._filling = True
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            self.table.setItem(r, 0, _NumItem(row.latent, str(row.latent)))
            lab = QTableWidgetItem(self.user_labels.label(row.latent) if self.user_labels else "")
            lab.setData(Qt.ItemDataRole.UserRole, row.latent)
            self.table.setItem(r, 1, lab)
            auto = QTableWidgetItem(row.auto_label)
            auto.setFlags(auto.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 2, auto)
            self.table.setItem(r, 3, _NumItem(row.frequency, f"{row.frequency:.2%}"))
            self.table.setItem(r, 4, _NumItem(row.best_ap, f"{row.best_ap:.2f}"))
            best = QTableWidgetItem(row.best_class)
            best.setFlags(best.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 5, best)
            # sorts by the largest share in one defect type: the most type-pure latents first
            self.table.setItem(r, 6, _NumItem(row.top_defect_share, row.strongest))
            lvl = int(self.level[row.latent]) if self.level is not None else 0
            self.table.setItem(r, COL_LEVEL, _NumItem(lvl, str(lvl)))
            self.table.setItem(r, COL_RELEVANCE, _NumItem(0.0, ""))
            pos = int(self._positions[row.latent]) if self.coarse_order is not None else row.latent
            self.table.setItem(r, COL_ORDER, _NumItem(pos, ""))
        self.table.resizeColumnsToContents()  # every value whole; the table scrolls sideways if it must
        self.table.setSortingEnabled(True)
        self._filling = False
        self._apply_filter(self.filter.text())

    def _latent_of_row(self, r: int) -> int:
        return int(self.table.item(r, 0).data(Qt.ItemDataRole.UserRole))

    def _search_text(self, r: int) -> str:
        return " ".join(self.table.item(r, c).text() for c in (1, 2, 5, 6) if self.table.item(r, c).text())

    def _apply_filter(self, text: str) -> None:
        """Rank the rows by relevance to ``text`` (best match first) and hide the others; no text: the chosen order."""
        t = text.strip()
        rows = self.table.rowCount()
        if not t:
            for r in range(rows):
                self.table.setRowHidden(r, False)
            by = COL_ORDER if self.order.currentData() == "coarse" else 0
            self.table.sortItems(by, Qt.SortOrder.AscendingOrder)
            return
        latents = [self._latent_of_row(r) for r in range(rows)]
        labels = [""] * (max(latents) + 1 if latents else 0)
        for r, i in enumerate(latents):
            labels[i] = self._search_text(r)
        score = dict(search_latents(t, labels, limit=len(labels)))
        self._filling = True
        for r, i in enumerate(latents):
            self.table.item(r, COL_RELEVANCE).setData(Qt.ItemDataRole.UserRole, float(score.get(i, 0.0)))
        self._filling = False
        self.table.sortItems(COL_RELEVANCE, Qt.SortOrder.DescendingOrder)
        for r in range(rows):  # after sorting: rows have moved
            self.table.setRowHidden(r, float(self.table.item(r, COL_RELEVANCE).data(Qt.ItemDataRole.UserRole)) <= 0.0)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 1 or self.user_labels is None:
            return
        self.user_labels.set_label(int(item.data(Qt.ItemDataRole.UserRole)), item.text())
        self.labelsChanged.emit()

    def _bulk_apply(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows or self.user_labels is None:
            return
        text = self.bulk_edit.text()
        self.user_labels.set_many({self._latent_of_row(r): text for r in rows})
        self._filling = True
        for r in rows:
            self.table.item(r, 1).setText(text.strip())
        self._filling = False
        self.labelsChanged.emit()

    def _on_select(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return
        self.show_latent(self._latent_of_row(rows.pop()))

    def show_latent(self, latent: int) -> None:
        self._current = latent
        self.add_btn.setEnabled(True)
        d = self.dictionary
        label = (self.user_labels.label(latent) if self.user_labels else "") or d.labels[latent]
        self.detail_title.setText(
            self.tr("#{0}  {1}\nfires on {2:.2%} of patches · reference (p99) {3:.3g}").format(
                latent, label, float(d.frequency[latent]), float(d.p99[latent])
            )
        )
        while self.gallery.count():
            w = self.gallery.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        n_top = int(d.top_value.shape[1]) if d.top_value.ndim == 2 else 0
        for k, crop in enumerate(d.crops(latent)):
            lab = QLabel()
            lab.setPixmap(rgb_to_pixmap(crop).scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            lab.setToolTip(self.tr("top example") if k < n_top else self.tr("random positive example"))
            lab.setObjectName("crop")
            self.gallery.addWidget(lab, k // 6, k % 6)
        x, counts = histogram_bins(d, latent)
        w = float(x[1] - x[0]) if len(x) > 1 else 1.0
        self.hist_bars.setOpts(x=x, height=counts, width=w * 0.9)

    def _import(self, kind: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import labels"), "", f"{kind.upper()} (*.{kind})")
        if path:
            self.import_labels(Path(path))

    def import_labels(self, path: Path) -> int:
        try:
            n = self.user_labels.import_csv(path) if path.suffix.lower() == ".csv" else self.user_labels.import_json(path)
        except InspectorError as exc:
            self.detail_title.setText(error_message(exc))
            return 0
        self._fill()
        self.labelsChanged.emit()
        self.detail_title.setText(self.tr("Imported {0} labels and notes.").format(n))
        return n

    def _export(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export labels"), f"labels.{kind}", f"{kind.upper()} (*.{kind})")
        if not path:
            return
        try:
            if kind == "csv":
                self.user_labels.export_csv(path, {i: lab for i, lab in enumerate(self.dictionary.labels)})
            else:
                self.user_labels.export_json(path)
            self.detail_title.setText(self.tr("Exported to {0}").format(path))
        except InspectorError as exc:
            self.detail_title.setText(error_message(exc))

