"""The main window: the widgets, and the small controllers that own the app's state.

Who owns what (see docs/ARCHITECTURE.md, "The GUI"):

- ``BundleChooser`` (bundle_chooser.py): the bundle box, loading, the ``InspectionSession``.
- ``ImageDocuments`` (image_documents.py): the open image and one document per image (region,
  latent edits, overlay choice, notes), kept when the user moves to another image.
- ``RegionTools`` (region_tools.py): painting tools, brush, clear/invert/load/ground truth.
- ``EditHistory`` (history.py): the score history and the region's undo/redo.
- ``Results`` (results.py): intervention requests and the results on screen; threshold.
- ``HeatmapRenderer`` (heatmap_renderer.py): the map layers drawn on the canvas (choices in ``LayerPanel``).
- ``EffectsController`` (effects_controller.py): ranking, dose–response, injection.
- ``ExportController`` (export_controller.py): the findings PDF.
- ``SessionFiles`` (session_files.py): save, open and replay sessions.
- ``Autosave`` (autosave.py): this instance's autosave, its lock, crash recovery.
- ``Menus`` (menus.py): the menu bar and the shortcut list.

The window never runs the model: the ``InferenceClient`` (worker.py) does, on its thread.

Layout (fits 1366×768 and 1280×1024; the window never resizes itself): the part image and the
Effects tools are tabs of the central area, so the image takes all the room left; on the right
a compact verdict dock, and the latent list tabbed with the layer list. Docks can be moved,
tabbed, floated or closed (View menu); every label that changes its text wraps or elides, so
no text can push the window wider.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
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
from app.ui.heatmap_renderer import HeatmapRenderer
from app.ui.history import EditHistory
from app.ui.i18n import ui_language
from app.ui.image_documents import ImageDocuments
from app.ui.latent_panel import LatentPanel
from app.ui.layer_panel import LayerPanel
from app.ui.menus import Menus
from app.ui.paint_tools import PaintTools
from app.ui.region_tools import RegionTools
from app.ui.results import Results
from app.ui.session_files import SessionFiles
from app.ui.settings import app_settings
from app.ui.thumbnail_strip import ThumbnailStrip
from app.ui.unsaved import UnsavedWork
from app.ui.verdict_panel import VerdictPanel
from app.ui.worker import InferenceClient

DEFAULT_SIZE = (1500, 940)  # on a larger screen; a smaller one gets its available area
RIGHT_DOCK_WIDTH = 390


def elide_label(label: QLabel) -> QLabel:
    """A label whose text may change: it never asks for more width than it has (the window never grows)."""
    label.setSizePolicy(QSizePolicy.Policy.Ignored, label.sizePolicy().verticalPolicy())
    label.setMinimumWidth(0)
    return label


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
        self.unsaved = UnsavedWork(self)
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
        self.tabs = QTabWidget()
        self.tabs.setObjectName("centralTabs")
        self.tabs.setDocumentMode(True)
        part = QWidget()
        pv = QVBoxLayout(part)
        pv.setContentsMargins(0, 2, 0, 0)
        pv.setSpacing(2)
        self.region_info = QLabel(self.tr("No image open. Open a part image (Ctrl+O), drop one here, or pick a sample."))
        self.region_info.setObjectName("regionInfo")
        self.region_info.setWordWrap(True)
        pv.addWidget(self.region_info)
        self.canvas = Canvas()
        self.canvas.setMinimumSize(200, 150)
        pv.addWidget(self.canvas, 1)
        self.thumbs = ThumbnailStrip()
        self.thumbs.setVisible(False)
        pv.addWidget(self.thumbs)
        self.tabs.addTab(part, self.tr("Part"))
        self.effects = EffectsPanel()
        effects_scroll = QScrollArea()
        effects_scroll.setWidgetResizable(True)
        effects_scroll.setWidget(self.effects)
        effects_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(effects_scroll, self.tr("Effects"))
        v.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.tools = PaintTools(self)
        self.addToolBar(self.tools)
        self.bundle_combo = QComboBox()
        self.bundle_combo.setMinimumWidth(120)
        self.bundle_combo.setMaximumWidth(320)
        self.bundle_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.bundle_combo.setMinimumContentsLength(14)
        self.bundle_combo.setToolTip(self.tr("Model bundles in model_store/; Browse… opens any bundle folder"))

        self.verdict = VerdictPanel()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes on this part (saved with the session)"))
        self.verdict.add_notes(self.notes)
        vw = QWidget()
        vl = QVBoxLayout(vw)
        vl.setContentsMargins(4, 2, 4, 2)
        vl.addWidget(self.verdict, 1)
        self.verdict_dock = self._dock(self.tr("Verdict"), "verdictDock", vw, Qt.DockWidgetArea.RightDockWidgetArea)
        self.latent_panel = LatentPanel()
        lw = QWidget()
        ll = QVBoxLayout(lw)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(self.latent_panel)
        self.latent_dock = self._dock(self.tr("Latents"), "latentDock", lw, Qt.DockWidgetArea.RightDockWidgetArea)
        self.layers = LayerPanel()
        layers_scroll = QScrollArea()
        layers_scroll.setWidgetResizable(True)
        layers_scroll.setWidget(self.layers)
        self.layers_dock = self._dock(self.tr("Layers"), "layersDock", layers_scroll, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.latent_dock, self.layers_dock)
        self.latent_dock.raise_()
        self.resizeDocks([self.verdict_dock, self.latent_dock], [RIGHT_DOCK_WIDTH, RIGHT_DOCK_WIDTH], Qt.Orientation.Horizontal)
        self.resizeDocks([self.verdict_dock, self.latent_dock], [250, 600], Qt.Orientation.Vertical)

        sb = self.statusBar()
        self.backend_label = elide_label(QLabel(self.tr("no backend")))
        self.backend_label.setObjectName("backendInfo")
        self.backend_label.setToolTip(self.tr("Inference backend · device · provider in use, and the last update's latency"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress_label = elide_label(QLabel())
        self.cancel_btn = QPushButton(self.tr("Cancel"))
        for w in (self.progress_label, self.progress, self.cancel_btn):
            w.setVisible(False)
            sb.addWidget(w)
        self.busy_label = elide_label(QLabel(""))
        sb.addWidget(self.busy_label, 1)
        self.bundle_label = elide_label(QLabel(""))
        self.image_label = elide_label(QLabel(""))
        for w, stretch in ((self.backend_label, 2), (self.bundle_combo, 0), (self.bundle_label, 2), (self.image_label, 1)):
            sb.addPermanentWidget(w, stretch)

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
        self.latent_panel.showLatentMap.connect(self.show_latent_map)
        self.latent_panel.openBrowser.connect(self.bundles.open_dictionary)
        self.latent_panel.latentSelected.connect(lambda i: self.effects.select_latent(i))
        self.effects.latentChosen.connect(self.latent_panel.select)
        self.effects.rankRequested.connect(lambda *_a: self.tabs.setCurrentIndex(1))

    def show_latent_map(self, latent: int) -> None:
        """A card's "show map": the latent map layer on the part tab, for that latent."""
        self.tabs.setCurrentIndex(0)
        self.layers.show_latent(latent)

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
        elif res.kind == "evidence":
            self.heatmap.on_evidence(res)
        else:
            self.effects_ctl.on_task(res)

    # ------------------------------------------------------------------------------------------
    def start(self, bundle: str | Path | None = None, image: str | Path | None = None) -> None:
        """Open the given (or default) bundle, then the given image or the first sample."""
        self.documents.choose_first(image, Path(bundle) if bundle else self.bundles.default_bundle())
        self.bundles.open_initial(bundle)

    def _restore_layout(self) -> None:
        geo = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        else:
            self.resize(*self.default_size())
        if isinstance(state, QByteArray):
            self.restoreState(state)
        cmap = self.settings.value("heatmap/cmap")
        if cmap:
            i = self.layers.cmap.findData(cmap)
            if i >= 0:
                self.layers.cmap.setCurrentIndex(i)

    def default_size(self) -> tuple[int, int]:
        """The default size, within the screen's available area (a line PC's 1366×768 panel included)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        w, h = DEFAULT_SIZE
        if screen is None:
            return w, h
        avail = screen.availableGeometry()
        frame_w, frame_h = 16, 40  # the window manager's frame and title bar
        return min(w, avail.width() - frame_w), min(h, avail.height() - frame_h)

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
        if not self._closing and not self.unsaved.confirm_quit():
            ev.ignore()  # the user chose to stay (or a save was cancelled): nothing is lost
            return
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
        self.settings.setValue("heatmap/cmap", self.layers.cmap.currentData())
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
