"""The main window: the widgets, and the small controllers that own the app's state.

Who owns what (see docs/ARCHITECTURE.md, "The GUI"):

- ``BundleChooser`` (bundle_chooser.py): the bundle box, loading, the ``InspectionSession``.
- ``ImageDocuments`` (image_documents.py): the open image and one document per image (region,
  latent edits, overlay choice, notes), kept when the user moves to another image.
- ``RegionTools`` (region_tools.py): painting tools, brush, clear/invert/load/ground truth.
- ``EditHistory`` (history.py): the score history and the region's undo/redo.
- ``Results`` (results.py): intervention requests and the results on screen; threshold.
- ``HeatmapRenderer`` (heatmap_renderer.py): the overlay drawn on the canvas.
- ``EffectsController`` (effects_controller.py): ranking, dose–response, injection.
- ``ExportController`` (export_controller.py): the findings PDF.
- ``SessionFiles`` (session_files.py): save, open and replay sessions.
- ``Autosave`` (autosave.py): this instance's autosave, its lock, crash recovery.
- ``Menus`` (menus.py): the menu bar and the shortcut list.

The window never runs the model: the ``InferenceClient`` (worker.py) does, on its thread.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.paths import resource_path
from app.ui.autosave import Autosave
from app.ui.banner import Banner
from app.ui.bundle_chooser import BundleChooser
from app.ui.canvas import Canvas
from app.ui.effects_controller import EffectsController
from app.ui.effects_panel import EffectsPanel
from app.ui.export_controller import ExportController
from app.ui.heatmap_controls import HeatmapControls
from app.ui.heatmap_renderer import HeatmapRenderer
from app.ui.history import EditHistory
from app.ui.i18n import ui_language
from app.ui.image_documents import ImageDocuments
from app.ui.latent_panel import LatentPanel
from app.ui.menus import Menus
from app.ui.paint_tools import PaintTools
from app.ui.region_tools import RegionTools
from app.ui.results import Results
from app.ui.session_files import SessionFiles
from app.ui.settings import app_settings
from app.ui.thumbnail_strip import ThumbnailStrip
from app.ui.verdict_panel import VerdictPanel
from app.ui.worker import InferenceClient


class MainWindow(QMainWindow):
    notice = Signal(str)  # backend notices, emitted from any thread
    resultShown = Signal(int)  # request id of an intervention result now on screen
    imageShown = Signal(str)
    bundleInstalled = Signal(str)
    exportFinished = Signal(object)  # TaskResult of an export (ok or not)
    effectShown = Signal(str)  # "rank" | "dose" | "inject": a causal result is on screen

    def __init__(
        self,
        backend: str = "auto",
        store_dir: Path | None = None,
        samples_dir: Path | None = None,
        offer_restore: bool = True,
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("SAE Inspector"))
        self.setAcceptDrops(True)
        self.backend_choice = backend
        self.store_dir = Path(store_dir) if store_dir is not None else resource_path("model_store")
        self.samples_dir = Path(samples_dir) if samples_dir is not None else resource_path("resources", "samples")
        self.settings = app_settings()
        self.ui_lang = ui_language(self.settings)
        self._closing = False

        self._build_ui()
        self.client = InferenceClient(lambda rid: self.results.build_request(rid), self)
        self.bundles = BundleChooser(self)
        self.documents = ImageDocuments(self)
        self.region = RegionTools(self)
        self.history = EditHistory(self)
        self.results = Results(self)
        self.heatmap = HeatmapRenderer(self)
        self.effects_ctl = EffectsController(self)
        self.exporter = ExportController(self)
        self.files = SessionFiles(self)
        self.autosave = Autosave(self, offer_restore=offer_restore)
        self.menus = Menus(self)
        self._wire()
        self._restore_layout()
        self.bundles.refresh()

    # ------------------------------------------------------------------------------------------
    # the state, as the controllers own it (read-only views for the others and for tests)
    @property
    def session(self):  # noqa: ANN201 - InspectionSession | None
        return self.bundles.session

    @property
    def image(self):  # noqa: ANN201 - LoadedImage | None
        return self.documents.image

    @property
    def image_token(self) -> int:
        return self.documents.image_token

    @property
    def mask(self):  # noqa: ANN201 - MaskModel
        return self.documents.mask

    @property
    def controls(self):  # noqa: ANN201 - LatentControls of the image shown
        return self.documents.current.controls

    @property
    def gt_mask(self):  # noqa: ANN201
        return self.documents.gt_mask

    @property
    def baseline(self):  # noqa: ANN201 - Outputs | None
        return self.results.baseline

    @property
    def after(self):  # noqa: ANN201 - Outputs | None
        return self.results.after

    @property
    def user_labels(self):  # noqa: ANN201
        return self.bundles.user_labels

    # ------------------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(4, 4, 4, 0)
        v.setSpacing(3)
        self.banner = Banner()
        v.addWidget(self.banner)
        self.autosave_banner = Banner()  # persistent while autosave fails; not shared with other messages
        self.autosave_banner.setObjectName("autosaveBanner")
        v.addWidget(self.autosave_banner)
        self.region_info = QLabel(self.tr("No image open. Open a part image (Ctrl+O), drop one here, or pick a sample."))
        self.region_info.setObjectName("regionInfo")
        v.addWidget(self.region_info)
        self.canvas = Canvas()
        v.addWidget(self.canvas, 1)
        self.thumbs = ThumbnailStrip()
        self.thumbs.setVisible(False)
        v.addWidget(self.thumbs)
        self.setCentralWidget(central)

        self.tools = PaintTools(self)
        self.addToolBar(self.tools)
        self.heat = HeatmapControls(self)
        self.addToolBar(self.heat)
        self.bundle_combo = QComboBox()
        self.bundle_combo.setMinimumWidth(140)
        self.bundle_combo.setToolTip(self.tr("Model bundles in model_store/; Browse… opens any bundle folder"))

        self.verdict = VerdictPanel()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes on this part (saved with the session)"))
        self.notes.setMaximumHeight(70)
        vw = QWidget()
        vl = QVBoxLayout(vw)
        vl.setContentsMargins(4, 4, 4, 4)
        vl.addWidget(self.verdict, 1)
        vl.addWidget(self.notes)
        self.verdict_dock = self._dock(self.tr("Verdict"), "verdictDock", vw, Qt.DockWidgetArea.RightDockWidgetArea)
        self.latent_panel = LatentPanel()
        lw = QWidget()
        ll = QVBoxLayout(lw)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(self.latent_panel)
        self.latent_dock = self._dock(self.tr("Latents"), "latentDock", lw, Qt.DockWidgetArea.RightDockWidgetArea)
        self.effects = EffectsPanel()
        self.effects_dock = self._dock(self.tr("Effects"), "effectsDock", self.effects, Qt.DockWidgetArea.BottomDockWidgetArea)
        # the right column (verdict, latent cards) runs the full height; Effects sits under the image only
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.effects_dock], [330], Qt.Orientation.Vertical)
        self.resizeDocks([self.verdict_dock, self.latent_dock], [430, 430], Qt.Orientation.Horizontal)
        self.resizeDocks([self.verdict_dock, self.latent_dock], [330, 520], Qt.Orientation.Vertical)

        sb = self.statusBar()
        self.backend_label = QLabel(self.tr("no backend"))
        self.backend_label.setObjectName("backendInfo")
        self.backend_label.setToolTip(self.tr("Inference backend · device · provider in use, and the last update's latency"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress_label = QLabel()
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        for w in (self.progress_label, self.progress, self.cancel_btn):
            w.setVisible(False)
            sb.addWidget(w)
        self.busy_label = QLabel("")
        sb.addWidget(self.busy_label)
        self.bundle_label = QLabel("")
        self.image_label = QLabel("")
        sb.addPermanentWidget(self.backend_label)
        sb.addPermanentWidget(QLabel(self.tr("bundle")))
        sb.addPermanentWidget(self.bundle_combo)
        sb.addPermanentWidget(self.bundle_label)
        sb.addPermanentWidget(self.image_label)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        d = QDockWidget(title, self)
        d.setObjectName(name)
        d.setWidget(widget)
        self.addDockWidget(area, d)
        return d

    def _wire(self) -> None:
        """Signals between widgets and controllers that no single controller owns."""
        self.notice.connect(self.bundles.on_notice)
        self.client.analyzed.connect(self.documents.on_analyzed)
        self.client.intervened.connect(self.results.on_intervened)
        self.client.failed.connect(self._on_failed)
        self.client.busyChanged.connect(lambda busy: self.busy_label.setText(self.tr("computing…") if busy else ""))
        self.client.taskFinished.connect(self._on_task)
        self.canvas.hoverText.connect(self.busy_label.setText)
        self.thumbs.imageChosen.connect(self.documents.open_image)
        self.latent_panel.showLatentMap.connect(self.heat.show_latent)
        self.latent_panel.openBrowser.connect(self.bundles.open_dictionary)
        self.latent_panel.latentSelected.connect(lambda i: self.effects.select_latent(i))
        self.effects.latentChosen.connect(self.latent_panel.select)

    def _on_failed(self, _rid: int, message: str) -> None:
        self.statusBar().clearMessage()
        self.banner.show_message(message, "error")

    def _on_task(self, res) -> None:  # noqa: ANN001 - TaskResult
        if res.kind == "export":
            self.exporter.on_done(res)
        elif res.kind == "diagnostics":
            self.menus.on_diagnostics(res)
        elif res.kind == "latent_map":
            self.heatmap.on_latent_map(res)
        else:
            self.effects_ctl.on_task(res)

    # ------------------------------------------------------------------------------------------
    def start(self, bundle: str | Path | None = None, image: str | Path | None = None) -> None:
        """Open the given (or default) bundle, then the given image or the first sample."""
        self.documents.choose_first(image)
        self.bundles.open_initial(bundle)

    def _restore_layout(self) -> None:
        geo = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        else:
            self.resize(1400, 880)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        cmap = self.settings.value("heatmap/cmap")
        if cmap:
            i = self.heat.cmap.findData(cmap)
            if i >= 0:
                self.heat.cmap.setCurrentIndex(i)

    # drag and drop --------------------------------------------------------------------------
    def dragEnterEvent(self, ev) -> None:  # noqa: ANN001, N802
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:  # noqa: ANN001, N802
        urls = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if not urls:
            return
        p = Path(urls[0])
        if p.is_dir():
            if (p / "bundle.json").is_file():
                self.bundles.open_bundle(p)
            else:
                self.documents.open_folder(p)
        elif p.suffix.lower() == ".json":
            self.files.load(p)
        else:
            self.documents.folder_images = []
            self.documents.open_image(p)
        ev.acceptProposedAction()

    # ------------------------------------------------------------------------------------------
    def closeEvent(self, ev) -> None:  # noqa: ANN001, N802
        self.shutdown()
        super().closeEvent(ev)

    def shutdown(self) -> None:
        """Stop every timer and thread; flush the autosave; release this instance's lock."""
        if self._closing:
            return
        self.autosave.flush()
        self._closing = True
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("heatmap/cmap", self.heat.cmap.currentData())
        self.settings.sync()
        self.thumbs.stop()
        self.exporter.cancel()
        self.client.close()
        t0 = time.perf_counter()
        self.bundles.wait_for_loaders(lambda: max(1000, int(60000 - (time.perf_counter() - t0) * 1e3)))
        self.autosave.close()

    @property
    def closing(self) -> bool:
        return self._closing
