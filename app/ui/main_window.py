"""The main window: binds the canvas, panels and worker to one InspectionSession.

The window holds the UI-side state (mask model, inspector state, user labels) and turns
changes into lazy worker requests; it never runs the model. Results are displayed only if
they are the latest request for the current image.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.document import SessionDocument, load_session, resolve_image, save_session
from app.core.errors import InspectorError
from app.core.inspector_state import (
    DENSE_FREQUENCY,
    InspectorState,
    RunLock,
    defect_mask_from_map,
    heatmap_view,
    list_bundles,
    list_images,
    list_samples,
)
from app.core.mask_model import MaskModel, find_ground_truth
from app.core.user_labels import UserLabels, user_data_dir
from app.ui.banner import Banner
from app.ui.canvas import Canvas
from app.ui.effects_panel import EffectsPanel
from app.ui.error_text import error_message
from app.ui.heatmap_controls import HeatmapControls
from app.ui.i18n import LANGUAGE_KEY, ui_language
from app.ui.latent_panel import LatentPanel
from app.ui.paint_tools import PaintTools
from app.ui.settings import add_recent, app_settings, recent_files
from app.ui.verdict_panel import VerdictPanel
from app.ui.worker import AnalyzeResult, BundleLoader, InferenceClient, InterveneRequest, InterveneResult, TaskResult

ROOT = Path(__file__).resolve().parents[2]
MODEL_STORE = ROOT / "model_store"
SAMPLES = ROOT / "resources" / "samples"
AUTOSAVE_DELAY_MS = 400


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
        store_dir: Path = MODEL_STORE,
        samples_dir: Path = SAMPLES,
        offer_restore: bool = True,
    ) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("SAE Inspector"))
        self.setAcceptDrops(True)
        self.backend_choice = backend
        self.store_dir, self.samples_dir = Path(store_dir), Path(samples_dir)
        self.settings = app_settings()
        self.data_dir = user_data_dir()
        self.autosave_dir = self.data_dir / "autosave"
        self.autosave_path = self.autosave_dir / "autosave.json"

        self.session = None  # InspectionSession: used here for static facts only; the worker runs it
        self.state = InspectorState()
        self.mask = MaskModel((1, 1))
        self.user_labels: UserLabels | None = None
        self.image = None  # LoadedImage
        self.image_token = 0
        self.baseline = None  # Outputs
        self.after = None
        self.latent_grid: np.ndarray | None = None
        self.latent_grid_id: int | None = None
        self.mask_empty_shown = True
        self._rank_needed = True
        self._pending_restore: tuple[SessionDocument, np.ndarray | None, Path] | None = None
        self._pending_image: str | None = None
        self._keep_mask_for: str | None = None
        self.session_path: Path | None = None
        self.folder_images: list[Path] = []
        self.loader: BundleLoader | None = None
        self._loaders: list[BundleLoader] = []
        self._closing = False
        self.ui_lang = ui_language(self.settings)
        # causal results of the current image (kept for the export): (image_token, result)
        self.last_rank: tuple[int, object] | None = None
        self.last_dose: tuple[int, object] | None = None
        self.last_injection: tuple[int, object] | None = None
        self.export_job = None
        self.export_progress = None
        self.diagnostics_dialog = None
        self._effect_tasks: dict[int, str] = {}

        self.client = InferenceClient(self._build_request, self)
        self.client.analyzed.connect(self._on_analyzed)
        self.client.intervened.connect(self._on_intervened)
        self.client.failed.connect(self._on_failed)
        self.client.busyChanged.connect(self._on_busy)
        self.client.taskFinished.connect(self._on_task)
        self.notice.connect(self._on_notice)

        self._build_ui()
        self._build_actions()
        self.mask.add_listener(self._on_mask_model_changed)
        self.canvas.set_mask_model(self.mask)
        self.tools.set_brush(self.mask.brush_radius)

        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self.run_lock = RunLock(self.autosave_dir)
        crashed = self.run_lock.acquire()
        if crashed is not None and offer_restore and self.autosave_path.is_file():
            self.banner.show_message(
                self.tr("The last session did not close cleanly. Restore its autosaved work (mask, edits, notes)?"),
                "warning", self.tr("Restore"), lambda: self.load_session_file(self.autosave_path),
            )
        self._restore_layout()
        self._refresh_bundles()

    # ------------------------------------------------------------------------------------------
    # construction
    def _build_ui(self) -> None:
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(4, 4, 4, 0)
        v.setSpacing(3)
        self.banner = Banner()
        v.addWidget(self.banner)
        self.region_info = QLabel(self.tr("No image open. Open a part image (Ctrl+O), drop one here, or pick a sample."))
        self.region_info.setObjectName("regionInfo")
        v.addWidget(self.region_info)
        self.canvas = Canvas()
        v.addWidget(self.canvas, 1)
        from app.ui.thumbnail_strip import ThumbnailStrip

        self.thumbs = ThumbnailStrip()
        self.thumbs.setVisible(False)
        self.thumbs.imageChosen.connect(self.open_image)
        v.addWidget(self.thumbs)
        self.setCentralWidget(central)

        self.tools = PaintTools(self)
        self.addToolBar(self.tools)
        self.heat = HeatmapControls(self)
        self.addToolBar(self.heat)
        self.bundle_combo = QComboBox()
        self.bundle_combo.setMinimumWidth(140)
        self.bundle_combo.setToolTip(self.tr("Model bundles in model_store/; Browse… opens any bundle folder"))
        self.bundle_combo.activated.connect(self._on_bundle_combo)

        self.verdict = VerdictPanel()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("Notes on this part (saved with the session)"))
        self.notes.setMaximumHeight(70)
        self.notes.textChanged.connect(self._schedule_autosave)
        vw = QWidget()
        vl = QVBoxLayout(vw)
        vl.setContentsMargins(4, 4, 4, 4)
        vl.addWidget(self.verdict, 1)
        vl.addWidget(self.notes)
        self.verdict_dock = QDockWidget(self.tr("Verdict"), self)
        self.verdict_dock.setObjectName("verdictDock")
        self.verdict_dock.setWidget(vw)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.verdict_dock)
        self.latent_panel = LatentPanel()
        lw = QWidget()
        ll = QVBoxLayout(lw)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addWidget(self.latent_panel)
        self.latent_dock = QDockWidget(self.tr("Latents"), self)
        self.latent_dock.setObjectName("latentDock")
        self.latent_dock.setWidget(lw)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.latent_dock)
        self.effects = EffectsPanel()
        self.effects_dock = QDockWidget(self.tr("Effects"), self)
        self.effects_dock.setObjectName("effectsDock")
        self.effects_dock.setWidget(self.effects)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.effects_dock)
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
        self.cancel_btn.clicked.connect(self.cancel_bundle_load)
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

        # wiring
        self.tools.toolChosen.connect(self.set_tool)
        self.tools.brushChanged.connect(self.canvas.set_brush_radius)
        self.tools.maskStyleChanged.connect(lambda f, o: self.canvas.set_mask_style(f, o))
        self.canvas.brushChanged.connect(self.tools.set_brush)
        self.canvas.maskEdited.connect(self._on_mask_dragged)
        self.canvas.strokeFinished.connect(self._on_mask_committed)
        self.canvas.hoverText.connect(lambda t: self.busy_label.setText(t))
        self.heat.changed.connect(self._on_heat_controls)
        self.verdict.thresholdChanged.connect(self._on_threshold)
        self.verdict.reset_threshold.clicked.connect(lambda: self._on_threshold(None))
        self.latent_panel.editsChanged.connect(self._on_edits_changed)
        self.latent_panel.showLatentMap.connect(self.heat.show_latent)
        self.latent_panel.rankingOptionsChanged.connect(self._on_ranking_options)
        self.latent_panel.labelEdited.connect(self._on_label_edited)
        self.latent_panel.openBrowser.connect(self.open_dictionary)
        self.latent_panel.latentSelected.connect(lambda i: self.effects.select_latent(i))
        self.effects.rankRequested.connect(self.rank_latents)
        self.effects.doseRequested.connect(self.dose_response)
        self.effects.injectRequested.connect(self.inject_latent)
        self.effects.latentChosen.connect(self.latent_panel.select)

    def _act(self, menu, text: str, slot, shortcut: str | QKeySequence.StandardKey | None = None, tip: str = "") -> QAction:  # noqa: ANN001
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        menu.addAction(a)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu(self.tr("&File"))
        self._act(f, self.tr("Open image…"), self.open_image_dialog, QKeySequence.StandardKey.Open)
        self._act(f, self.tr("Open folder…"), self.open_folder_dialog, "Ctrl+Shift+O")
        self.samples_menu = f.addMenu(self.tr("Open sample"))
        self.recent_menu = f.addMenu(self.tr("Recent images"))
        self._act(f, self.tr("Next image"), lambda: self.step_image(1), "PgDown")
        self._act(f, self.tr("Previous image"), lambda: self.step_image(-1), "PgUp")
        f.addSeparator()
        self._act(f, self.tr("Open bundle…"), self.open_bundle_dialog, "Ctrl+B")
        f.addSeparator()
        self._act(f, self.tr("Save session"), self.save_session_action, QKeySequence.StandardKey.Save)
        self._act(f, self.tr("Save session as…"), self.save_session_as, "Ctrl+Shift+S")
        self._act(f, self.tr("Load session…"), self.load_session_dialog, "Ctrl+L")
        f.addSeparator()
        self.export_action = self._act(f, self.tr("Export findings…"), self.export_findings_dialog, "Ctrl+E",
                                       self.tr("Write a PDF report of this part, the region, the edits and the results"))
        f.addSeparator()
        self._act(f, self.tr("Quit"), self.close, QKeySequence.StandardKey.Quit)

        e = mb.addMenu(self.tr("&Edit"))
        self.undo_action = self._act(e, self.tr("Undo mask edit"), self.undo, "Ctrl+Z")
        self.redo_action = self._act(e, self.tr("Redo mask edit"), self.redo, "Ctrl+Shift+Z")
        e.addSeparator()
        self._act(e, self.tr("Clear mask"), self.clear_mask, "Ctrl+Shift+X")
        self._act(e, self.tr("Invert mask"), self.invert_mask, "Ctrl+I")
        self._act(e, self.tr("Load mask PNG…"), self.load_mask_dialog, "Ctrl+M")
        self.gt_action = self._act(e, self.tr("Use ground truth as mask"), self.use_ground_truth, "Ctrl+G")
        self._act(e, self.tr("Mask from defect map…"), self.mask_from_map_dialog, "Ctrl+T")
        e.addSeparator()
        self._act(e, self.tr("Smaller brush"), lambda: self._brush(-1), "[")
        self._act(e, self.tr("Larger brush"), lambda: self._brush(1), "]")
        e.addSeparator()
        self._act(e, self.tr("Reset all latents"), self.latent_panel.reset_all, "Ctrl+R")

        vm = mb.addMenu(self.tr("&View"))
        self._act(vm, self.tr("Fit to window"), self.canvas.fit, "Ctrl+0")
        for k, (key, text) in enumerate(
            (("none", self.tr("No heatmap")), ("before", self.tr("Defect map before")), ("after", self.tr("Defect map after")),
             ("difference", self.tr("Difference")), ("latent", self.tr("Latent activation")))
        ):
            self._act(vm, text, lambda key=key: self.heat.set_mode(key), f"Ctrl+{k + 1}")
        self._act(vm, self.tr("Toggle mask filled/outline"), self.tools.toggle_style, "M")
        self.gt_visible = self._act(vm, self.tr("Show ground truth outline"), self._toggle_gt, "Ctrl+Shift+G")
        self.gt_visible.setCheckable(True)
        self.gt_visible.setChecked(True)
        self._act(vm, self.tr("Per-image stretch"), self.heat.stretch.toggle, "Ctrl+Shift+T")

        an = mb.addMenu(self.tr("&Analysis"))
        self._act(an, self.tr("Dictionary browser…"), self.open_dictionary, "Ctrl+D")
        self.recon_action = self._act(an, self.tr("Reconstruction only (SAE faithfulness view)"), self._toggle_recon, "Ctrl+Shift+R")
        self.recon_action.setCheckable(True)
        self._act(an, self.tr("Clear score history"), self._clear_history)
        an.addSeparator()
        self._act(an, self.tr("Rank latents in region"), lambda: self.effects.rank_btn.click(), "Ctrl+K")
        self._act(an, self.tr("Dose–response of the chosen latent"), lambda: self.effects.dose_btn.click())
        self._act(an, self.tr("Injection test of the chosen latent"), lambda: self.effects.inject_btn.click())
        self.effects_toggle = self.effects_dock.toggleViewAction()
        self.effects_toggle.setText(self.tr("Effects panel"))
        an.addAction(self.effects_toggle)

        sm = mb.addMenu(self.tr("&Settings"))
        lang_menu = sm.addMenu(self.tr("Language (after restart)"))
        self.lang_group = QActionGroup(self)
        current = str(self.settings.value(LANGUAGE_KEY, "system") or "system")
        for key, text in (("system", self.tr("System language")), ("en", "English"), ("ja", "日本語")):
            a = QAction(text, self)
            a.setCheckable(True)
            a.setChecked(key == current)
            a.setData(key)
            a.triggered.connect(lambda _c=False, key=key: self.set_language(key))
            self.lang_group.addAction(a)
            lang_menu.addAction(a)
        self.lang_menu = lang_menu

        h = mb.addMenu(self.tr("&Help"))
        self._act(h, self.tr("Keyboard shortcuts"), self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._act(h, self.tr("About / Diagnostics…"), self.show_about)
        self._refresh_samples_menu()
        self._refresh_recent_menu()
        self._update_undo_actions()

    # ------------------------------------------------------------------------------------------
    # start-up
    def start(self, bundle: str | Path | None = None, image: str | Path | None = None) -> None:
        """Open the given (or default) bundle, then the given image or the first sample."""
        if image is not None:
            self._pending_image = str(image)
        elif (samples := list_samples(self.samples_dir)):
            with_gt = [p for p in samples if find_ground_truth(p) is not None]  # a defective part shows more
            self._pending_image = str((with_gt or samples)[0])
        target = Path(bundle) if bundle else self.store_dir / "default"
        if (target / "bundle.json").is_file() or bundle:
            self.open_bundle(target)
        else:
            self.banner.show_message(
                self.tr("No default model bundle was found in {0}. Choose a bundle in the bundle box (Browse…), "
                        "or build one with 'make bundle'.").format(self.store_dir),
                "warning", self.tr("Browse…"), self.open_bundle_dialog,
            )

    # ------------------------------------------------------------------------------------------
    # bundles
    def _refresh_bundles(self) -> None:
        self.bundle_combo.blockSignals(True)
        self.bundle_combo.clear()
        for p in list_bundles(self.store_dir):
            self.bundle_combo.addItem(p.name, str(p))
        if self.session is not None:
            root = str(self.session.bundle.root)
            if self.bundle_combo.findData(root) < 0:
                self.bundle_combo.addItem(Path(root).name, root)
            self.bundle_combo.setCurrentIndex(self.bundle_combo.findData(root))
        elif self.bundle_combo.count() == 0:
            self.bundle_combo.addItem(self.tr("(no bundle)"), None)
        self.bundle_combo.addItem(self.tr("Browse…"), "__browse__")
        self.bundle_combo.blockSignals(False)

    def _on_bundle_combo(self, index: int) -> None:
        data = self.bundle_combo.itemData(index)
        if data == "__browse__":
            self._refresh_bundles()
            self.open_bundle_dialog()
        elif data and (self.session is None or str(self.session.bundle.root) != data):
            self.open_bundle(Path(data))

    def open_bundle_dialog(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("Open a model bundle folder"), str(self.store_dir))
        if d:
            self.open_bundle(Path(d))

    def open_bundle(self, path: str | Path) -> None:
        if self.loader is not None:
            self.cancel_bundle_load()
        loader = BundleLoader(path, self.backend_choice, on_notice=self.notice.emit, parent=self)
        self.loader = loader
        self._loaders.append(loader)
        loader.stage.connect(lambda s: self.progress_label.setText(self.tr("Opening bundle {0}: {1}…").format(Path(path).name, s)))
        loader.loaded.connect(self._install_session)
        loader.refused.connect(lambda msg: self._bundle_refused(path, msg))
        loader.ended.connect(lambda: self._loader_ended(loader))
        self.progress_label.setText(self.tr("Opening bundle {0}…").format(Path(path).name))
        for w in (self.progress_label, self.progress, self.cancel_btn):
            w.setVisible(True)
        loader.start()

    def cancel_bundle_load(self) -> None:
        if self.loader is not None:
            self.loader.cancel()
            self.loader = None
        for w in (self.progress_label, self.progress, self.cancel_btn):
            w.setVisible(False)
        self.statusBar().showMessage(self.tr("Bundle opening cancelled; the current bundle stays."), 5000)
        self._refresh_bundles()

    def _loader_ended(self, loader: BundleLoader) -> None:
        if loader is self.loader:
            self.loader = None
            for w in (self.progress_label, self.progress, self.cancel_btn):
                w.setVisible(False)
        if loader in self._loaders:
            self._loaders.remove(loader)
        loader.deleteLater()

    def _bundle_refused(self, path: str | Path, message: str) -> None:
        cur = self.session.bundle.name if self.session is not None else None
        text = self.tr("Could not open bundle {0}: {1}").format(Path(path).name, message)
        if cur:
            text += " " + self.tr("Still using bundle '{0}'.").format(cur)
        self.banner.show_message(text, "error")
        self._refresh_bundles()

    def _install_session(self, session) -> None:  # noqa: ANN001
        self.session = session
        self.client.set_session(session)
        b = session.bundle
        self.state = InspectorState(b.manifest.threshold)
        self.user_labels = UserLabels(b.hash)
        if self.user_labels.load_error:
            self.banner.show_message(
                self.tr("Your label file could not be read ({0}); it was left untouched.").format(self.user_labels.load_error), "warning"
            )
        d = b.dictionary
        ref = d.reference() if d is not None else np.ones(session.width, np.float32)
        auto = d.labels if d is not None else tuple(f"latent {i}" for i in range(session.width))
        self.latent_panel.bind(self.state, d, self.user_labels, ref, auto)
        self.verdict.set_classes(session.class_names)
        self.verdict.set_threshold(self.state.threshold)
        self.verdict.set_scores(None, None)
        self.verdict.set_history([])
        self.heat.set_width(session.width)
        self.effects.bind(session.width, self.state.threshold)
        self.last_rank = self.last_dose = self.last_injection = None
        info = session.backend_info()
        self._backend_text = f"{info['backend']} · {info['device']} · {info['provider']}"
        self.backend_label.setText(self._backend_text)
        self.bundle_label.setText(self.tr("{0} {1} (sha {2}…)").format(b.name, b.manifest.version, b.hash[:8]))
        for n in getattr(session.backend, "notices", []):
            self._on_notice(n)
        self._refresh_bundles()
        self.baseline = self.after = None
        self.latent_grid, self.latent_grid_id = None, None
        self.bundleInstalled.emit(b.name)
        if self.image is not None and self._pending_image is None:
            self._keep_mask_for = self.image.path  # same part under another model: keep the region
            self.open_image(self.image.path)
        elif self._pending_image is not None:
            p, self._pending_image = self._pending_image, None
            self.open_image(p)

    def _on_notice(self, text: str) -> None:
        self.banner.show_message(self.tr("Backend notice: {0}").format(text), "warning")
        if self.session is not None:
            info = self.session.backend_info()
            self._backend_text = f"{info['backend']} · {info['device']} · {info['provider']}"
            self.backend_label.setText(self._backend_text)

    # ------------------------------------------------------------------------------------------
    # images
    def open_image_dialog(self) -> None:
        start = str(Path(self.image.path).parent) if self.image is not None else ""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a part image"), start, self.tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)")
        )
        if path:
            self.open_image(path)

    def open_folder_dialog(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of part images"))
        if d:
            self.open_folder(Path(d))

    def open_folder(self, folder: Path) -> None:
        self.folder_images = list_images(Path(folder))
        self.thumbs.set_paths(self.folder_images)
        if not self.folder_images:
            self.banner.show_message(self.tr("{0} holds no part images.").format(folder), "warning")
            return
        self.open_image(self.folder_images[0])

    def step_image(self, step: int) -> None:
        if not self.folder_images:
            if self.image is None:
                return
            self.folder_images = list_images(Path(self.image.path).parent)
            self.thumbs.set_paths(self.folder_images)
        cur = Path(self.image.path) if self.image is not None else None
        idx = self.folder_images.index(cur) if cur in self.folder_images else -1
        nxt = idx + step
        if 0 <= nxt < len(self.folder_images):
            self.open_image(self.folder_images[nxt])

    def open_image(self, path: str | Path) -> None:
        path = str(path)
        if self.session is None:
            self._pending_image = path
            if self.loader is None:
                self.banner.show_message(self.tr("No model bundle is loaded: choose one in the bundle box first."), "warning")
            return
        self.statusBar().showMessage(self.tr("Analysing {0}…").format(Path(path).name))
        self.client.open_image(path)

    def _on_analyzed(self, res: AnalyzeResult) -> None:
        loaded = res.loaded
        restore, self._pending_restore = self._pending_restore, None
        keep = self._keep_mask_for == loaded.path and self.mask.shape == loaded.pixels_HWC.shape[:2]
        self._keep_mask_for = None
        self.image, self.image_token = loaded, res.request_id
        self.last_rank = self.last_dose = self.last_injection = None
        self.effects.clear()
        self.effects.set_enabled_for(True)
        self.baseline, self.after = res.baseline, res.baseline
        self.latent_grid, self.latent_grid_id = None, None
        self.canvas.set_image(loaded.pixels_HWC)
        hw = loaded.pixels_HWC.shape[:2]
        if not keep:
            self.mask.reset(hw)
            self.state.controls.clear()
            self.canvas.set_brush_radius(max(2, round(max(hw) / 40)))
        self.state.clear_history()
        gt_path = find_ground_truth(loaded.path)
        self.gt_mask = None
        if gt_path is not None:
            try:
                from app.core.images import load_mask

                self.gt_mask = load_mask(gt_path, hw)
            except InspectorError as exc:
                self.banner.show_message(error_message(exc), "warning")
        self.canvas.set_ground_truth(self.gt_mask)
        self.canvas.show_ground_truth(self.gt_visible.isChecked())
        self.gt_action.setEnabled(self.gt_mask is not None)
        if restore is not None:
            self._apply_restore(*restore)
        self.latent_panel.rebuild()
        self.verdict.set_scores(res.baseline.score, res.baseline.score)
        self.verdict.set_probs(res.baseline.class_probs, res.baseline.class_probs)
        name = Path(loaded.path).name
        self.image_label.setText(name)
        self.setWindowTitle(self.tr("SAE Inspector — {0}").format(name))
        self.statusBar().showMessage(self.tr("Analysed {0} in {1:.0f} ms").format(name, res.ms), 4000)
        if loaded.notes:
            self.banner.show_message(self.tr("{0}: {1}").format(name, "; ".join(loaded.notes)), "info")
        self._refresh_recent_menu(add_recent(self.settings, loaded.path))
        self.thumbs.select_path(loaded.path)
        self._update_region_info()
        self._update_undo_actions()
        self._rank_needed = True
        self.client.request_update()
        self.imageShown.emit(loaded.path)

    def _on_failed(self, rid: int, message: str) -> None:
        self.statusBar().clearMessage()
        self.banner.show_message(message, "error")

    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("computing…") if busy else "")

    # ------------------------------------------------------------------------------------------
    # requests and results
    def _build_request(self, rid: int) -> InterveneRequest | None:
        if self.image is None or self.session is None:
            return None
        empty = self.mask.is_empty()
        rank, self._rank_needed = self._rank_needed, False
        latent = self.heat.latent.value() if self.heat.mode_key() == "latent" else None
        return InterveneRequest(
            request_id=rid,
            image_token=self.image_token,
            mask=None if empty else self.mask.mask,
            edits=self.state.edits(),
            recon_only=self.state.recon_only,
            rank=rank,
            top=20,
            max_frequency=DENSE_FREQUENCY if self.state.hide_dense else None,
            latent_map=latent,
        )

    def _on_intervened(self, res: InterveneResult) -> None:
        if res.image_token != self.image_token or self.baseline is None:
            return
        self.after = res.outputs
        self.state.record(res.request_id, res.outputs.score)
        self.verdict.set_scores(self.baseline.score, res.outputs.score)
        self.verdict.set_probs(self.baseline.class_probs, res.outputs.class_probs)
        self.verdict.set_history(self.state.history)
        if res.latents is not None:
            self.latent_panel.set_ranking(res.latents, res.mask_empty)
        if res.latent_map is not None:
            self.latent_grid, self.latent_grid_id = res.latent_map, res.latent_map_id
        self._redraw_heatmap()
        if self.session is not None:  # the backend may have changed under the worker (a fallback)
            info = self.session.backend_info()
            self._backend_text = f"{info['backend']} · {info['device']} · {info['provider']}"
        self.backend_label.setText(
            self.tr("{0} · {1:.0f} ms").format(getattr(self, "_backend_text", ""), self.client.last_latency_ms)
        )
        self.resultShown.emit(res.request_id)

    def _redraw_heatmap(self) -> None:
        if self.image is None or self.baseline is None:
            self.canvas.set_heatmap(None, "inferno", 0.5)
            return
        mode = self.heat.mode_key()
        latent = self.heat.latent.value()
        ref = 1.0
        if self.session is not None and self.session.bundle.dictionary is not None:
            ref = float(self.session.bundle.dictionary.reference()[latent])
        grid = self.latent_grid if self.latent_grid_id == latent else None
        hv = heatmap_view(
            mode, self.image.pixels_HWC.shape[:2], self.baseline.patch_map,
            self.after.patch_map if self.after is not None else None, grid, ref, self.heat.stretch.isChecked(),
        )
        self.canvas.set_heatmap(hv, str(self.heat.cmap.currentData()), self.heat.opacity.value() / 100.0)
        if mode == "latent" and grid is None:
            self.client.request_update()

    def _on_heat_controls(self) -> None:
        self._redraw_heatmap()

    # ------------------------------------------------------------------------------------------
    # mask
    def set_tool(self, tool: str) -> None:
        self.canvas.set_tool(tool)
        self.tools.set_tool(tool)

    def _brush(self, direction: int) -> None:
        r = self.mask.grow_brush() if direction > 0 else self.mask.shrink_brush()
        self.canvas.set_brush_radius(r)

    def _on_mask_model_changed(self, _rect) -> None:  # noqa: ANN001
        pass  # the canvas repaints; requests follow canvas signals (drag vs. commit)

    def _on_mask_dragged(self) -> None:
        self.region_info.setText(self.tr("Region: painting…"))
        self.client.request_update()  # coalesced: built only when the worker is free

    def _on_mask_committed(self) -> None:
        self._rank_needed = True
        self._update_region_info()
        self._update_undo_actions()
        self.client.request_update()
        self._schedule_autosave()

    def _update_region_info(self) -> None:
        if self.image is None:
            return
        if self.mask.is_empty():
            self.region_info.setText(self.tr("Region: the whole image (nothing painted). Paint to choose a region."))
        else:
            self.region_info.setText(self.tr("Region: painted, {0:.1%} of the image").format(self.mask.area_fraction()))

    def _update_undo_actions(self) -> None:
        self.undo_action.setEnabled(self.mask.can_undo())
        self.redo_action.setEnabled(self.mask.can_redo())

    def undo(self) -> None:
        if self.mask.undo():
            self._on_mask_committed()

    def redo(self) -> None:
        if self.mask.redo():
            self._on_mask_committed()

    def clear_mask(self) -> None:
        self.mask.clear()
        self._on_mask_committed()

    def invert_mask(self) -> None:
        self.mask.invert()
        self._on_mask_committed()

    def load_mask_dialog(self) -> None:
        if self.image is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load a mask PNG"), str(Path(self.image.path).parent), "PNG (*.png)")
        if path:
            self.load_mask_file(Path(path))

    def load_mask_file(self, path: Path) -> None:
        from app.core.images import load_mask

        try:
            m = load_mask(path, self.mask.shape)
        except InspectorError as exc:
            self.banner.show_message(error_message(exc), "error")
            return
        self.mask.set_mask(m, "load mask")
        self._on_mask_committed()

    def use_ground_truth(self) -> None:
        if getattr(self, "gt_mask", None) is not None:
            self.mask.set_mask(self.gt_mask, "ground truth")
            self._on_mask_committed()

    def mask_from_map_dialog(self) -> None:
        if self.baseline is None:
            return
        level, ok = QInputDialog.getDouble(
            self, self.tr("Mask from defect map"), self.tr("Region where the defect map (before) reaches:"), 0.5, 0.0, 1.0, 2
        )
        if ok:
            self.mask_from_defect_map(level)

    def mask_from_defect_map(self, level: float) -> None:
        if self.baseline is None or self.image is None:
            return
        self.mask.set_mask(defect_mask_from_map(self.baseline.patch_map, self.image.pixels_HWC.shape[:2], level), "from map")
        self._on_mask_committed()

    def _toggle_gt(self) -> None:
        self.canvas.show_ground_truth(self.gt_visible.isChecked())

    # ------------------------------------------------------------------------------------------
    # edits, threshold
    def _on_edits_changed(self, immediate: bool) -> None:
        self.client.request_update()
        self._schedule_autosave()

    def _on_ranking_options(self) -> None:
        self._rank_needed = True
        self.client.request_update()

    def _on_label_edited(self, latent: int, text: str) -> None:
        if self.user_labels is not None:
            try:
                self.user_labels.set_label(latent, text)
            except InspectorError as exc:
                self.banner.show_message(error_message(exc), "error")

    def _on_threshold(self, value: float | None) -> None:
        self.state.set_threshold(value)
        self.verdict.set_threshold(self.state.threshold)
        self.effects.set_threshold(self.state.threshold)
        self._schedule_autosave()

    def _toggle_recon(self) -> None:
        self.state.recon_only = self.recon_action.isChecked()
        self.client.request_update()
        self._schedule_autosave()

    def _clear_history(self) -> None:
        self.state.clear_history()
        self.verdict.set_history([])

    def open_dictionary(self) -> None:
        if self.session is None or self.session.bundle.dictionary is None:
            self.banner.show_message(self.tr("This bundle has no feature dictionary."), "warning")
            return
        from app.ui.dictionary_browser import DictionaryBrowser

        dlg = DictionaryBrowser(self.session.bundle.dictionary, self.user_labels, self)
        dlg.addToPanel.connect(self.latent_panel.pin)
        dlg.labelsChanged.connect(self.latent_panel.rebuild)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.dictionary_browser = dlg

    # ------------------------------------------------------------------------------------------
    # causal experiments (Effects panel): run on the inference thread, shown when they return
    def _current_mask(self) -> np.ndarray | None:
        return None if self.mask.is_empty() else self.mask.mask.copy()

    def _labels_dict(self) -> dict[int, str]:
        return dict(self.user_labels.labels) if self.user_labels is not None else {}

    def _submit_effect(self, kind: str, fn) -> int | None:  # noqa: ANN001
        if self.image is None or self.session is None:
            self.banner.show_message(self.tr("Open a part image first."), "warning")
            return None
        tid = self.client.submit(kind, fn, self.image_token)
        self._effect_tasks[tid] = kind
        return tid

    def rank_latents(self, top: int = 64, controls: int = 64, seed: int = 0) -> int | None:
        from app.core.causal import rank_latents

        mask, labels = self._current_mask(), self._labels_dict()
        return self._submit_effect("rank", lambda s: rank_latents(s, mask, top=top, controls=controls, seed=seed, user_labels=labels))

    def dose_response(self, latent: int, strength_range: float = 4.0, points: int = 21) -> int | None:
        from app.core.causal import dose_response

        mask, labels = self._current_mask(), self._labels_dict()
        return self._submit_effect(
            "dose", lambda s: dose_response(s, mask, int(latent), strength_range=strength_range, points=points, user_labels=labels)
        )

    def inject_latent(self, latent: int, r: float = 1.0) -> int | None:
        from app.core.causal import inject

        mask, labels = self._current_mask(), self._labels_dict()
        seed = self.effects.seed.value()
        controls = self.effects.controls.value()
        return self._submit_effect(
            "inject", lambda s: inject(s, mask, int(latent), r=r, controls=controls, seed=seed, user_labels=labels)
        )

    def _on_task(self, res: TaskResult) -> None:
        if res.kind == "export":
            self._export_done(res)
            return
        if res.kind == "diagnostics":
            if self.diagnostics_dialog is not None:
                self.diagnostics_dialog.set_diagnostics(res.result if res.ok else None, res.error)
            return
        kind = self._effect_tasks.pop(res.task_id, None)
        if kind is None:
            return
        if not res.ok:
            msg = error_message(res.error)
            self.effects.show_error(msg)
            if getattr(res.error, "code", "") != "stale":
                self.banner.show_message(msg, "error")
            return
        if res.image_token != self.image_token:
            return  # a result for an image no longer shown
        if kind == "rank":
            self.last_rank = (res.image_token, res.result)
            self.effects.show_rank(res.result)
        elif kind == "dose":
            self.last_dose = (res.image_token, res.result)
            self.effects.show_dose(res.result)
        elif kind == "inject":
            self.last_injection = (res.image_token, res.result)
            self.effects.show_injection(res.result)
        self.effectShown.emit(kind)

    def _current_result(self, kept: tuple[int, object] | None) -> object | None:
        return kept[1] if kept is not None and kept[0] == self.image_token else None

    # ------------------------------------------------------------------------------------------
    # export findings (PDF)
    def export_findings_dialog(self) -> None:
        if self.image is None or self.session is None:
            self.banner.show_message(self.tr("Open a part image before exporting findings."), "warning")
            return
        if self.export_job is not None:
            return
        from app.ui.export_dialog import ExportDialog

        dlg = ExportDialog(self.settings, self.image.path, self.notes.toPlainText(), self.ui_lang, parent=self)
        self.export_dialog = dlg
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return
            dlg.remember()
            opts = dlg.options()
        finally:
            self.export_dialog = None
            dlg.deleteLater()
        self.export_findings(opts)

    def confirm_overwrite(self, path: Path) -> bool:
        """Ask before replacing an existing file (tests replace this method)."""
        answer = QMessageBox.question(
            self, self.tr("Replace the file?"),
            self.tr("{0} already exists. Replace it with the new report?").format(path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def export_findings(self, opts, overwrite: bool = False) -> int | None:  # noqa: ANN001 - ExportOptions
        """Write the findings PDF on the inference thread with a cancellable progress dialog.
        Returns the task id, or None when nothing was started."""
        from app.report.export import export_findings
        from app.ui.export_dialog import ExportJob, ExportProgress

        if self.image is None or self.session is None or self.export_job is not None:
            return None
        path = Path(opts.out_path).expanduser()
        if path.suffix.lower() != ".pdf" and not path.is_dir():
            path = path.with_name(path.name + ".pdf")
        if path.exists() and not path.is_dir() and not overwrite:
            if not self.confirm_overwrite(path):
                self.statusBar().showMessage(self.tr("Export cancelled; {0} was kept.").format(path.name), 5000)
                return None
            overwrite = True
        t = None if abs(self.state.threshold - self.state.default_threshold) < 1e-12 else self.state.threshold
        kwargs = dict(
            image_path=str(Path(self.image.path).resolve()), image_sha256=self.image.sha256, mask_HW=self._current_mask(),
            edits=self.state.edits(), threshold=t, recon_only=self.state.recon_only, operator=opts.operator,
            station=opts.station, part_id=opts.part_id, notes=opts.notes,
            truth_HW=None if getattr(self, "gt_mask", None) is None else self.gt_mask.copy(),
            rank=self._current_result(self.last_rank), dose=self._current_result(self.last_dose),
            user_labels=self._labels_dict(), image_notes=tuple(getattr(self.image, "notes", ()) or ()),
            backend_choice=self.backend_choice, bundle_path=str(self.session.bundle.root), lang=opts.lang,
            overwrite=overwrite,
        )
        job = ExportJob(self)
        job.path = path

        def run(session):  # noqa: ANN001, ANN202 - on the inference thread
            return export_findings(session, path, progress=job.report, cancelled=job.is_cancelled, **kwargs)

        job.task_id = self.client.submit("export", run, self.image_token)
        self.export_job = job
        self.export_progress = ExportProgress(job, self)
        self.export_progress.show()
        self.export_action.setEnabled(False)
        return job.task_id

    def _export_done(self, res: TaskResult) -> None:
        job, self.export_job = self.export_job, None
        self.export_action.setEnabled(True)
        if self.export_progress is not None:
            self.export_progress.close()
            self.export_progress.deleteLater()
            self.export_progress = None
        if job is not None:
            job.deleteLater()
        if res.ok:
            r = res.result
            self.last_export = r.path
            self.banner.show_message(
                self.tr("Findings written to {0} ({1} pages).").format(r.path, r.pages), "info",
                self.tr("Open PDF"), lambda p=r.path: self.open_pdf(p),
            )
            self.statusBar().showMessage(self.tr("Findings exported to {0}").format(r.path), 8000)
        elif getattr(res.error, "code", "") == "cancelled":
            self.statusBar().showMessage(self.tr("Export cancelled; nothing was written."), 8000)
        else:
            self.banner.show_message(self.tr("Export failed: {0}").format(error_message(res.error)), "error")
        self.exportFinished.emit(res)

    def open_pdf(self, path: str | Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # ------------------------------------------------------------------------------------------
    # language
    def set_language(self, key: str) -> None:
        self.settings.setValue(LANGUAGE_KEY, key)
        self.settings.sync()
        self.banner.show_message(self.tr("The language changes when SAE Inspector is started again."), "info")

    # ------------------------------------------------------------------------------------------
    # sessions and autosave
    def document(self) -> SessionDocument | None:
        if self.image is None or self.session is None:
            return None
        t = None if abs(self.state.threshold - self.state.default_threshold) < 1e-12 else self.state.threshold
        return SessionDocument(
            image_path=str(Path(self.image.path).resolve()),
            image_sha256=self.image.sha256,
            bundle=self.session.bundle.summary(),
            edits=self.state.edits(),
            threshold=t,
            recon_only=self.state.recon_only,
            notes=self.notes.toPlainText(),
            backend=self.backend_choice,
        )

    def save_session_action(self) -> None:
        if self.session_path is None:
            self.save_session_as()
        else:
            self.save_session_file(self.session_path)

    def save_session_as(self) -> None:
        if self.image is None:
            return
        start = str(Path(self.image.path).with_suffix(".session.json"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save session"), start, self.tr("Session (*.json)"))
        if path:
            self.save_session_file(Path(path))

    def save_session_file(self, path: Path) -> bool:
        doc = self.document()
        if doc is None:
            return False
        try:
            save_session(path, doc, None if self.mask.is_empty() else self.mask.mask)
        except InspectorError as exc:
            self.banner.show_message(error_message(exc), "error")
            return False
        self.session_path = Path(path)
        self.statusBar().showMessage(self.tr("Session saved to {0}").format(path), 5000)
        return True

    def load_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load session"), "", self.tr("Session (*.json)"))
        if path:
            self.load_session_file(Path(path))

    def load_session_file(self, path: Path) -> None:
        try:
            doc, mask = load_session(path)
            img = resolve_image(doc, Path(path))
        except InspectorError as exc:
            self.banner.show_message(error_message(exc), "error")
            return
        if self.session is not None and doc.bundle.get("hash") not in (None, self.session.bundle.hash):
            self.banner.show_message(
                self.tr("This session was recorded with bundle '{0}' {1}; the current bundle is '{2}'. Latent ids may mean "
                        "something else.").format(doc.bundle.get("name"), doc.bundle.get("version"), self.session.bundle.name),
                "warning",
            )
        self._pending_restore = (doc, mask, Path(path))
        if Path(path).resolve() != self.autosave_path.resolve():
            self.session_path = Path(path)
        self.open_image(img)

    def _apply_restore(self, doc: SessionDocument, mask: np.ndarray | None, path: Path) -> None:
        if self.image is not None and doc.image_sha256 and doc.image_sha256 != self.image.sha256:
            self.banner.show_message(self.tr("The image file changed since the session was saved (SHA-256 differs)."), "warning")
        if mask is not None:
            m = mask
            if m.shape != self.mask.shape:
                from app.core.grid import resize_mask

                m = resize_mask(m, self.mask.shape)
            self.mask.load_state(m)
        try:
            from app.core.edits import validate_edits

            validate_edits(doc.edits, self.session.width)
            self.state.set_edits(doc.edits)
        except InspectorError as exc:
            self.banner.show_message(error_message(exc), "error")
        self.state.set_threshold(doc.threshold)
        self.verdict.set_threshold(self.state.threshold)
        self.state.recon_only = doc.recon_only
        self.recon_action.setChecked(doc.recon_only)
        self.notes.blockSignals(True)
        self.notes.setPlainText(doc.notes)
        self.notes.blockSignals(False)
        self.statusBar().showMessage(self.tr("Session restored from {0}").format(path.name), 5000)

    def _schedule_autosave(self) -> None:
        if self.image is not None and not self._closing:
            self._autosave_timer.start()

    def autosave_now(self) -> None:
        doc = self.document()
        if doc is None:
            return
        try:
            self.autosave_dir.mkdir(parents=True, exist_ok=True)
            save_session(self.autosave_path, doc, None if self.mask.is_empty() else self.mask.mask)
        except (InspectorError, OSError) as exc:
            self.statusBar().showMessage(self.tr("Autosave failed: {0}").format(error_message(exc) if isinstance(exc, InspectorError) else exc), 5000)

    # ------------------------------------------------------------------------------------------
    # menus, help, layout
    def _refresh_samples_menu(self) -> None:
        self.samples_menu.clear()
        samples = list_samples(self.samples_dir)
        if not samples:
            a = self.samples_menu.addAction(self.tr("(no samples installed)"))
            a.setEnabled(False)
        for p in samples:
            self.samples_menu.addAction(p.stem, lambda p=p: self.open_image(p))

    def _refresh_recent_menu(self, files: list[str] | None = None) -> None:
        self.recent_menu.clear()
        files = files if files is not None else recent_files(self.settings)
        if not files:
            a = self.recent_menu.addAction(self.tr("(none yet)"))
            a.setEnabled(False)
        for f in files:
            self.recent_menu.addAction(f, lambda f=f: self.open_image(f))

    def shortcut_table(self) -> list[tuple[str, str]]:
        rows = []
        for a in self.actions() + list(self.tools.actions_by_tool.values()):
            seq = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if seq:
                rows.append((a.text().replace("&", ""), seq))
        rows += [
            (self.tr("Zoom"), self.tr("mouse wheel")),
            (self.tr("Pan"), self.tr("middle button drag, or Space + drag")),
            (self.tr("Brush size"), self.tr("[ and ], or Alt + drag")),
            (self.tr("Close polygon"), self.tr("double-click or Enter; Esc cancels")),
            (self.tr("Erase with rectangle / fill"), self.tr("Shift + drag / Shift + click")),
        ]
        return rows

    def show_shortcuts(self) -> None:
        dlg = QDialog(self)
        dlg.setWindowTitle(self.tr("Keyboard shortcuts"))
        lay = QVBoxLayout(dlg)
        tb = QTextBrowser()
        rows = "".join(f"<tr><td>{t}</td><td><b>{k}</b></td></tr>" for t, k in self.shortcut_table())
        tb.setHtml(f"<table cellspacing=4>{rows}</table>")
        lay.addWidget(tb)
        dlg.resize(460, 560)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()

    def show_about(self) -> None:
        """Help → About / Diagnostics: versions, backend, providers, GPU, folders (gathered on the
        inference thread, so a slow torch import never freezes the window)."""
        from app.ui.about_dialog import AboutDialog, gather

        if self.diagnostics_dialog is not None:
            self.diagnostics_dialog.raise_()
            return
        dlg = AboutDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.destroyed.connect(lambda: setattr(self, "diagnostics_dialog", None))
        self.diagnostics_dialog = dlg
        dlg.show()
        self.client.submit("diagnostics", gather, None, needs_session=False)

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

    # ------------------------------------------------------------------------------------------
    # drag and drop
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
                self.open_bundle(p)
            else:
                self.open_folder(p)
        elif p.suffix.lower() == ".json":
            self.load_session_file(p)
        else:
            self.folder_images = []
            self.open_image(p)
        ev.acceptProposedAction()

    # ------------------------------------------------------------------------------------------
    def closeEvent(self, ev) -> None:  # noqa: ANN001, N802
        self.shutdown()
        super().closeEvent(ev)

    def shutdown(self) -> None:
        """Stop every timer and thread; flush the autosave; mark a clean exit."""
        if self._closing:
            return
        if self._autosave_timer.isActive():
            self._autosave_timer.stop()
            self.autosave_now()
        self._closing = True
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("heatmap/cmap", self.heat.cmap.currentData())
        self.settings.sync()
        self.thumbs.stop()
        if self.export_job is not None:
            self.export_job.cancel()
        self.client.close()
        t0 = time.perf_counter()
        for loader in list(self._loaders):
            loader.wait(max(1000, int(60000 - (time.perf_counter() - t0) * 1e3)))
        self.run_lock.release()
