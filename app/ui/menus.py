"""The menu bar and its shortcuts, Help (shortcut list, About / Diagnostics) and the language
setting. Each action calls the controller that owns what it changes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QTextBrowser, QVBoxLayout

from app.core.file_listing import list_samples
from app.ui.compare_controller import open_compare
from app.ui.i18n import LANGUAGE_KEY
from app.ui.settings import recent_files


class Menus(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.diagnostics_dialog = None
        self._build()

    def _act(self, menu: QMenu, text: str, slot, shortcut: str | QKeySequence.StandardKey | None = None,  # noqa: ANN001
             tip: str = "") -> QAction:
        a = QAction(text, self.win)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        menu.addAction(a)
        self.win.addAction(a)
        return a

    def _build(self) -> None:
        w = self.win
        docs, files, region = w.documents, w.files, w.region
        mb = w.menuBar()
        f = mb.addMenu(self.tr("&File"))
        self._act(f, self.tr("Open image…"), docs.open_image_dialog, QKeySequence.StandardKey.Open)
        self._act(f, self.tr("Open folder…"), docs.open_folder_dialog, "Ctrl+Shift+O")
        self.samples_menu = f.addMenu(self.tr("Open sample"))
        self.recent_menu = f.addMenu(self.tr("Recent images"))
        self._act(f, self.tr("Next image"), lambda: docs.step_image(1), "PgDown")
        self._act(f, self.tr("Previous image"), lambda: docs.step_image(-1), "PgUp")
        f.addSeparator()
        self._act(f, self.tr("Open bundle…"), w.bundles.open_dialog, "Ctrl+B")
        f.addSeparator()
        self._act(f, self.tr("Save session"), files.save_action, QKeySequence.StandardKey.Save)
        self._act(f, self.tr("Save session as…"), files.save_as, "Ctrl+Shift+S")
        self._act(f, self.tr("Load session…"), files.load_dialog, "Ctrl+L")
        f.addSeparator()
        self.export_action = self._act(f, self.tr("Export findings…"), w.exporter.dialog_then_export, "Ctrl+E",
                                       self.tr("Write a PDF report of this part, the region, the edits and the results"))
        f.addSeparator()
        self._act(f, self.tr("Quit"), w.close, QKeySequence.StandardKey.Quit)

        e = mb.addMenu(self.tr("&Edit"))
        self.undo_action = self._act(e, self.tr("Undo mask edit"), w.history.undo, "Ctrl+Z")
        self.redo_action = self._act(e, self.tr("Redo mask edit"), w.history.redo, "Ctrl+Shift+Z")
        e.addSeparator()
        self._act(e, self.tr("Clear mask"), region.clear, "Ctrl+Shift+X")
        self._act(e, self.tr("Invert mask"), region.invert, "Ctrl+I")
        self._act(e, self.tr("Load mask PNG…"), region.load_mask_dialog, "Ctrl+M")
        self.gt_action = self._act(e, self.tr("Use ground truth as mask"), region.use_ground_truth, "Ctrl+G")
        self._act(e, self.tr("Mask from defect map…"), region.from_map_dialog, "Ctrl+T")
        e.addSeparator()
        self._act(e, self.tr("Smaller brush"), lambda: region.brush(-1), "[")
        self._act(e, self.tr("Larger brush"), lambda: region.brush(1), "]")
        e.addSeparator()
        self._act(e, self.tr("Reset all latents"), w.latent_panel.reset_all, "Ctrl+R")

        vm = mb.addMenu(self.tr("&View"))
        self._act(vm, self.tr("Fit to window"), w.canvas.fit, "Ctrl+0")
        for k, (key, text) in enumerate(
            (("none", self.tr("Hide the defect map")), ("before", self.tr("Defect map before")),
             ("after", self.tr("Defect map after")), ("difference", self.tr("Difference")))
        ):
            self._act(vm, text, lambda key=key: self.show_view(key), f"Ctrl+{k + 1}")
        self._act(vm, self.tr("Latent map of the chosen latent"), self.show_latent_map, "Ctrl+5")
        self.evidence_action = self._act(vm, self.tr("Evidence map (measured)"), lambda: self.show_view("evidence"), "Ctrl+6")
        self._act(vm, self.tr("Toggle region filled/outline"), w.layers.toggle_fill, "M")
        self.gt_visible = self._act(vm, self.tr("Show ground truth outline"), region.toggle_ground_truth, "Ctrl+Shift+G")
        self.gt_visible.setCheckable(True)
        self.gt_visible.setChecked(True)
        self._act(vm, self.tr("Per-image stretch"), w.layers.toggle_stretch, "Ctrl+Shift+T")
        vm.addSeparator()
        self._act(vm, self.tr("Part image tab"), lambda: w.tabs.setCurrentIndex(0), "Ctrl+Shift+1")
        self._act(vm, self.tr("Effects tab"), lambda: w.tabs.setCurrentIndex(1), "Ctrl+Shift+2")
        for dock, text in ((w.verdict_dock, self.tr("Verdict panel")), (w.latent_dock, self.tr("Latent panel")),
                           (w.layers_dock, self.tr("Layer list"))):
            a = dock.toggleViewAction()
            a.setText(text)
            vm.addAction(a)

        an = mb.addMenu(self.tr("&Analysis"))
        self._act(an, self.tr("Dictionary browser…"), w.bundles.open_dictionary, "Ctrl+D")
        self.recon_action = self._act(an, self.tr("Reconstruction only (SAE faithfulness view)"),
                                      lambda: w.results.set_recon_only(self.recon_action.isChecked()), "Ctrl+Shift+R")
        self.recon_action.setCheckable(True)
        self._act(an, self.tr("Clear score history"), w.history.clear)
        an.addSeparator()
        self._act(an, self.tr("Rank latents in region"), lambda: self._effect(w.effects.rank_btn), "Ctrl+K")
        self._act(an, self.tr("Dose–response of the chosen latent"), lambda: self._effect(w.effects.dose_btn))
        self._act(an, self.tr("Injection test of the chosen latent"), lambda: self._effect(w.effects.inject_btn))
        self._act(an, self.tr("Compare with another bundle…"), lambda: open_compare(w), "Ctrl+Shift+B",
                  self.tr("A second bundle beside this one: the same part, region and edits, both verdicts and maps"))

        sm = mb.addMenu(self.tr("&Settings"))
        self.lang_menu = sm.addMenu(self.tr("Language (after restart)"))
        self.lang_group = QActionGroup(w)
        current = str(w.settings.value(LANGUAGE_KEY, "system") or "system")
        for key, text in (("system", self.tr("System language")), ("en", "English"), ("ja", "日本語")):
            a = QAction(text, w)
            a.setCheckable(True)
            a.setChecked(key == current)
            a.setData(key)
            a.triggered.connect(lambda _c=False, key=key: self.set_language(key))
            self.lang_group.addAction(a)
            self.lang_menu.addAction(a)

        h = mb.addMenu(self.tr("&Help"))
        self._act(h, self.tr("Keyboard shortcuts"), self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._act(h, self.tr("About / Diagnostics…"), self.show_about)
        self.refresh_samples()
        self.refresh_recent()
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

    # --- views and experiments -----------------------------------------------------------------
    def show_view(self, key: str) -> None:
        w = self.win
        if key == "evidence" and not w.heatmap.available():
            w.banner.show_message(self.tr("This bundle carries no good reference, so it has no evidence map."), "warning")
            return
        if key != "none" and w.image is None:
            w.statusBar().showMessage(self.tr("Open a part image first: there is no map to show."), 5000)
        w.tabs.setCurrentIndex(0)
        w.layers.set_mode(key)

    def show_latent_map(self) -> None:
        """Ctrl+5: the latent map of the chosen latent (a clicked card or bar), else of the top listed one."""
        w = self.win
        latent = w.latent_panel.current_latent()
        if latent is None:
            w.banner.show_message(self.tr("No latent is listed yet: open an image (and paint a region), then choose a "
                                          "latent's card or press its \"show map\" button."), "warning")
            return
        w.show_latent_map(latent)

    def _effect(self, button) -> None:  # noqa: ANN001 - a button of the Effects tab
        w = self.win
        if not button.isEnabled():
            w.banner.show_message(self.tr("Open a part image first: the experiments run on the image shown."), "warning")
            return
        w.tabs.setCurrentIndex(1)
        button.click()

    # --- file lists --------------------------------------------------------------------------
    def refresh_samples(self) -> None:
        self.samples_menu.clear()
        samples = list_samples(self.win.documents.samples_dir())
        if not samples:
            self.samples_menu.addAction(self.tr("(no samples installed)")).setEnabled(False)
        for p in samples:
            self.samples_menu.addAction(p.stem, lambda p=p: self.win.documents.open_image(p))

    def refresh_recent(self, files: list[str] | None = None) -> None:
        self.recent_menu.clear()
        files = files if files is not None else recent_files(self.win.settings)
        if not files:
            self.recent_menu.addAction(self.tr("(none yet)")).setEnabled(False)
        for f in files:
            self.recent_menu.addAction(f, lambda f=f: self.win.documents.open_image(f))

    # --- language and help ---------------------------------------------------------------------
    def set_language(self, key: str) -> None:
        self.win.settings.setValue(LANGUAGE_KEY, key)
        self.win.settings.sync()
        self.win.banner.show_message(self.tr("The language changes when SAE Inspector is started again."), "info")

    def shortcut_table(self) -> list[tuple[str, str]]:
        rows = []
        for a in self.win.actions() + list(self.win.tools.actions_by_tool.values()):
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
        dlg = QDialog(self.win)
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
        dlg = AboutDialog(self.win)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.destroyed.connect(lambda: setattr(self, "diagnostics_dialog", None))
        self.diagnostics_dialog = dlg
        dlg.show()
        self.win.client.submit("diagnostics", gather, None, needs_session=False)

    def on_diagnostics(self, res) -> None:  # noqa: ANN001 - TaskResult
        if self.diagnostics_dialog is not None:
            self.diagnostics_dialog.set_diagnostics(res.result if res.ok else None, res.error)
            if res.ok:
                self.diagnostics_dialog.add_row("OOD", self.tr("Unlike-the-training-parts check"), self.ood_text())

    def ood_text(self) -> str:
        """What the bundle carries for the "unlike the training parts" notice."""
        s = self.win.session
        if s is None:
            return self.tr("no bundle open")
        from app.core.errors import InspectorError
        from app.core.ood import calibration_of

        try:
            c = calibration_of(s.bundle.manifest.raw)
        except InspectorError as exc:
            return str(exc)
        if c is None:
            return self.tr("not calibrated: this bundle carries no calibration, so no notice is ever shown")
        return self.tr("calibrated on {0} held-out good parts: an image is flagged when the SAE's reconstruction error "
                       "exceeds {1:.4g} (their p{2:g})").format(c.n_images, c.flag_above, c.quantile)
