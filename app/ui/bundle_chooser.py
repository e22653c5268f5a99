"""Bundle choice: the bundle box (every bundle under ``model_store/`` with its name, version and
one-line description), opening a bundle on its own thread, and installing the
``InspectionSession`` it gives. Owns the session and the user's labels for its bundle. The
default bundle is ``app.core.paths.default_bundle_dir()``, the one answer for the app and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog

from app.core.errors import InspectorError
from app.core.file_listing import bundle_entries
from app.core.paths import default_bundle_dir, resource_path
from app.core.user_labels import UserLabels
from app.ui.error_text import error_message
from app.ui.worker import BundleLoader

BROWSE = "__browse__"


class BundleChooser(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.session = None  # InspectionSession: static facts only here; the worker runs it
        self.user_labels: UserLabels | None = None
        self.loader: BundleLoader | None = None
        self.loaders: list[BundleLoader] = []
        self.backend_text = ""
        self.dictionary_browser = None
        win.bundle_combo.activated.connect(self._on_combo)
        win.cancel_btn.clicked.connect(self.cancel_load)
        win.latent_panel.labelEdited.connect(self._on_label_edited)

    # --- the box --------------------------------------------------------------------------
    def refresh(self) -> None:
        combo = self.win.bundle_combo
        combo.blockSignals(True)
        combo.clear()
        for e in bundle_entries(self.win.store_dir, first=self.default_bundle().name):
            combo.addItem(e.text() if e.readable else self.tr("{0} (unreadable manifest)").format(e.name), str(e.path))
            combo.setItemData(combo.count() - 1, f"{e.text()}\n{e.path}", Qt.ItemDataRole.ToolTipRole)
        if self.session is not None:
            root = str(self.session.bundle.root)
            if combo.findData(root) < 0:
                combo.addItem(Path(root).name, root)
            combo.setCurrentIndex(combo.findData(root))
        elif combo.count() == 0:
            combo.addItem(self.tr("(no bundle)"), None)
        combo.addItem(self.tr("Browse…"), BROWSE)
        combo.blockSignals(False)

    def _on_combo(self, index: int) -> None:
        data = self.win.bundle_combo.itemData(index)
        if data == BROWSE:
            self.refresh()
            self.open_dialog()
        elif data and (self.session is None or str(self.session.bundle.root) != data):
            self.open_bundle(Path(data))

    def open_dialog(self) -> None:
        d = QFileDialog.getExistingDirectory(self.win, self.tr("Open a model bundle folder"), str(self.win.store_dir))
        if d:
            self.open_bundle(Path(d))

    def default_bundle(self) -> Path:
        """The bundle opened when none is named: the app's default, in the store shown."""
        d = default_bundle_dir()
        if self.win.store_dir.resolve() == resource_path("model_store").resolve():
            return d
        return self.win.store_dir / d.name

    def open_initial(self, bundle: str | Path | None) -> None:
        target = Path(bundle) if bundle else self.default_bundle()
        if (target / "bundle.json").is_file() or bundle:
            self.open_bundle(target)
        else:
            self.win.banner.show_message(
                self.tr("No default model bundle was found in {0}. Choose a bundle in the bundle box (Browse…), "
                        "or build one with 'make bundle'.").format(self.win.store_dir),
                "warning", self.tr("Browse…"), self.open_dialog,
            )

    # --- loading --------------------------------------------------------------------------
    def _show_progress(self, on: bool) -> None:
        for w in (self.win.progress_label, self.win.progress, self.win.cancel_btn):
            w.setVisible(on)

    def open_bundle(self, path: str | Path) -> None:
        if self.loader is not None:
            self.cancel_load()
        loader = BundleLoader(path, self.win.backend_choice, on_notice=self.win.notice.emit, parent=self)
        self.loader = loader
        self.loaders.append(loader)
        name = Path(path).name
        loader.stage.connect(lambda s: self.win.progress_label.setText(self.tr("Opening bundle {0}: {1}…").format(name, s)))
        loader.loaded.connect(self._install)
        loader.refused.connect(lambda msg: self._refused(path, msg))
        loader.ended.connect(lambda: self._ended(loader))
        self.win.progress_label.setText(self.tr("Opening bundle {0}…").format(name))
        self._show_progress(True)
        loader.start()

    def cancel_load(self) -> None:
        if self.loader is not None:
            self.loader.cancel()
            self.loader = None
        self._show_progress(False)
        self.win.statusBar().showMessage(self.tr("Bundle opening cancelled; the current bundle stays."), 5000)
        self.refresh()

    def _ended(self, loader: BundleLoader) -> None:
        if loader is self.loader:
            self.loader = None
            self._show_progress(False)
        if loader in self.loaders:
            self.loaders.remove(loader)
        loader.deleteLater()

    def wait_for_loaders(self, budget_ms: Callable[[], int]) -> None:
        """At shutdown: let every loader thread end."""
        for loader in list(self.loaders):
            loader.wait(budget_ms())

    def _refused(self, path: str | Path, message: str) -> None:
        cur = self.session.bundle.name if self.session is not None else None
        text = self.tr("Could not open bundle {0}: {1}").format(Path(path).name, message)
        if cur:
            text += " " + self.tr("Still using bundle '{0}'.").format(cur)
        self.win.banner.show_message(text, "error")
        self.refresh()

    def _install(self, session) -> None:  # noqa: ANN001
        win = self.win
        previous = self.session.bundle.root if self.session is not None else None
        self.session = session
        win.client.set_session(session)
        b = session.bundle
        self.user_labels = UserLabels(b.hash)
        if self.user_labels.load_error:
            win.banner.show_message(
                self.tr("Your label file could not be read ({0}); it was left untouched.").format(self.user_labels.load_error),
                "warning",
            )
        d = b.dictionary
        ref = d.reference() if d is not None else np.ones(session.width, np.float32)
        auto = d.labels if d is not None else tuple(f"latent {i}" for i in range(session.width))
        win.latent_panel.bind(d, self.user_labels, ref, auto)
        win.results.bind_bundle(session)
        win.layers.set_width(session.width)
        win.layers.set_evidence(session.has_evidence_map, not self._has_patch_head(session))
        win.effects.bind(session.width, win.results.threshold.value)
        win.effects_ctl.clear()
        self.update_backend_label()
        win.bundle_label.setText(self.tr("{0} {1} (sha {2}…)").format(b.name, b.manifest.version, b.hash[:8]))
        for n in getattr(session.backend, "notices", []):
            self.on_notice(n)
        self.refresh()
        win.bundleInstalled.emit(b.name)
        win.documents.on_bundle_installed(previous)

    @staticmethod
    def _has_patch_head(session) -> bool:  # noqa: ANN001
        return bool(getattr(session.bundle.manifest.vit, "patch_head", True))

    def update_backend_label(self) -> None:
        if self.session is not None:  # the backend may have changed under the worker (a fallback)
            info = self.session.backend_info()
            self.backend_text = f"{info['backend']} · {info['device']} · {info['provider']}"
        self.win.backend_label.setText(self.backend_text)

    def on_notice(self, text: str) -> None:
        self.win.banner.show_message(self.tr("Backend notice: {0}").format(text), "warning")
        self.update_backend_label()

    # --- the bundle's dictionary and the user's labels ------------------------------------------
    def labels_dict(self) -> dict[int, str]:
        return dict(self.user_labels.labels) if self.user_labels is not None else {}

    def _on_label_edited(self, latent: int, text: str) -> None:
        if self.user_labels is not None:
            try:
                self.user_labels.set_label(latent, text)
            except InspectorError as exc:
                self.win.banner.show_message(error_message(exc), "error")

    def open_dictionary(self) -> None:
        if self.session is None or self.session.bundle.dictionary is None:
            self.win.banner.show_message(self.tr("This bundle has no feature dictionary."), "warning")
            return
        from app.ui.dictionary_browser import DictionaryBrowser

        dlg = DictionaryBrowser(self.session.bundle.dictionary, self.user_labels, self.win, sae_cfg=self.session.bundle.manifest.sae)
        dlg.addToPanel.connect(self.win.latent_panel.pin)
        dlg.labelsChanged.connect(self.win.latent_panel.rebuild)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.dictionary_browser = dlg
