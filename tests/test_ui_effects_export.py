# ruff: noqa: F811  (pytest fixtures imported from test_ui_main are parameters here)
"""Effects panel (rank / dose–response / injection), File → Export findings, backend fallback
in the UI, and Help → About / Diagnostics, offscreen (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples, window  # noqa: E402, F401


def _paint_rect(w, y0=20, x0=30, y1=70, x1=100) -> None:  # noqa: ANN001
    w.mask.rectangle(x0, y0, x1, y1)
    w.region.on_committed()


def _run_rank(qtbot, w, top=12, controls=16):  # noqa: ANN001, ANN202
    shown: list[str] = []
    w.effectShown.connect(shown.append)
    w.effects.top.setValue(top)
    w.effects.controls.setValue(controls)
    w.effects.rank_btn.click()
    qtbot.waitUntil(lambda: "rank" in shown, timeout=WAIT_MS)
    return w.effects.rank


# --- 2. Effects panel -------------------------------------------------------------------------
def test_rank_chart_bands_and_click_selects(qtbot, window) -> None:
    w = window
    _paint_rect(w)
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    res = _run_rank(qtbot, w)
    assert res is not None and w.effects_ctl.kept["rank"][1] is res
    n = len(res.latents)
    assert n >= 2
    # the chart: one bar per latent, sorted by |Δscore|
    opts = w.effects.rank_view.bars.opts
    assert list(opts["height"]) == pytest.approx([r.delta_score for r in res.latents])
    assert [abs(r.delta_score) for r in res.latents] == sorted((abs(r.delta_score) for r in res.latents), reverse=True)
    # activation as the second series
    xs, ys = w.effects.rank_view.act_points.getData()
    assert list(ys) == pytest.approx([r.activation for r in res.latents])
    # both control bands: p05–p95 shaded, p50 line
    bands = res.control_bands()
    for kind in ("random_latents", "random_directions"):
        region, line = w.effects.rank_view.band_items[kind]
        lo, hi = region.getRegion()
        assert (lo, hi) == pytest.approx((bands[kind].p05, bands[kind].p95))
        assert line.value() == pytest.approx(bands[kind].p50)
    assert w.effects.table.rowCount() == n
    # unspecific edits flagged (count matches)
    fx, _fy = w.effects.rank_view.flag_points.getData()
    assert len(fx) == sum(r.specificity.unspecific for r in res.latents)

    # click a bar with the mouse: that latent is chosen and shown in the latent panel
    i = n - 1
    target = res.latents[i].id
    w.tabs.setCurrentIndex(1)  # the Effects tab
    qtbot.wait(50)
    pos = w.effects.rank_view.chart.mapFromScene(w.effects.rank_view.bar_scene_pos(i))
    qtbot.mouseClick(w.effects.rank_view.chart.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(pos.x()), int(pos.y())))
    qtbot.waitUntil(lambda: w.latent_panel.selected == target, timeout=5000)
    assert target in w.latent_panel.cards
    assert w.latent_panel.cards[target].property("selected") is True
    assert w.effects.latent.value() == target
    # a latent that is not listed is added when chosen
    absent = next(k for k in range(w.session.width) if k not in w.latent_panel.cards)
    w.effects.select_latent(absent, emit=True)  # e.g. typed into the latent box, then chosen
    assert absent in w.latent_panel.cards and w.controls.control(absent).pinned
    assert w.latent_panel.selected == absent


def test_dose_response_and_injection(qtbot, window) -> None:
    w = window
    _paint_rect(w)
    res = _run_rank(qtbot, w, top=6, controls=8)
    latent = res.latents[0].id
    w.effects.choose_index(0)
    shown: list[str] = []
    w.effectShown.connect(shown.append)
    w.effects.dose_btn.click()
    qtbot.waitUntil(lambda: "dose" in shown, timeout=WAIT_MS)
    d = w.effects.dose
    assert d.latent == latent and len(d.strengths_K) >= 21 and 0.0 in d.strengths_K and 1.0 in d.strengths_K
    items = w.effects.dose_plot.getPlotItem().listDataItems()
    assert len(items) >= 1 + len(d.class_names)  # score + one curve per class (+ markers)
    # markers at 0 (off) and 1 (unchanged) and the threshold line
    from pyqtgraph import InfiniteLine

    lines = [it for it in w.effects.dose_plot.getPlotItem().items if isinstance(it, InfiniteLine)]
    vals = sorted(round(float(x.value()), 6) for x in lines)
    assert 0.0 in vals and 1.0 in vals and round(w.results.threshold.value, 6) in vals
    # unchanged (strength 1) equals the baseline score
    assert d.scores_K[d.index_of(1.0)] == pytest.approx(w.baseline.score, abs=1e-5)
    assert w.effects_ctl.kept["dose"][1] is d

    w.effects.inject_r.setValue(2.0)
    w.effects.inject_btn.click()
    qtbot.waitUntil(lambda: "inject" in shown, timeout=WAIT_MS)
    inj = w.effects.injection
    assert inj.latent == latent and inj.r == 2.0
    text = w.effects.inject_text.text()
    assert f"{inj.score:.3f}" in text and f"{inj.baseline_score:.3f}" in text
    assert ("creates a defect verdict" in text) == inj.creates_defect or "does not create" in text


def test_new_image_clears_effects(qtbot, window, samples) -> None:  # noqa: F811
    w = window
    _run_rank(qtbot, w, top=4, controls=4)
    shown: list[str] = []
    w.imageShown.connect(shown.append)
    w.documents.open_image(samples / "ok_1.png")
    qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
    assert w.effects.rank is None and "rank" not in w.effects_ctl.kept and w.effects.table.rowCount() == 0


# --- 1. Export findings ---------------------------------------------------------------------
def _export(qtbot, w, opts, **kw):  # noqa: ANN001, ANN202
    done: list = []
    w.exportFinished.connect(done.append)
    tid = w.exporter.export(opts, **kw)
    if tid is None:
        return None
    assert w.exporter.progress is not None and w.exporter.progress.isVisible()
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    return done[-1]


def test_export_findings_pdf_with_rank_and_dose(qtbot, window, tmp_path) -> None:
    from app.ui.export_dialog import ExportOptions

    w = window
    _paint_rect(w)
    res = _run_rank(qtbot, w, top=5, controls=6)
    w.effects.choose_index(0)
    shown: list[str] = []
    w.effectShown.connect(shown.append)
    w.effects.dose_btn.click()
    qtbot.waitUntil(lambda: "dose" in shown, timeout=WAIT_MS)
    w.latent_panel.cards[res.latents[0].id].on_box.click()
    w.notes.setPlainText("傷あり、要確認 (scratch near rim)")
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    mask_before, edits_before = w.mask.data.copy(), w.controls.edits()
    progress: list[float] = []
    out = tmp_path / "out" / "part_findings.pdf"
    out.parent.mkdir()
    opts = ExportOptions(out, operator="Sato", station="L3-2", part_id="P-0042", notes=w.notes.toPlainText(), lang="ja")

    done: list = []
    w.exportFinished.connect(done.append)
    assert w.exporter.export(opts) is not None
    w.exporter.job.progressed.connect(lambda f, _t: progress.append(f))
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    r = done[-1]
    assert r.ok, r.error
    assert out.is_file() and out.stat().st_size > 10_000
    assert r.result.findings.rank is not None and r.result.findings.dose is not None
    assert r.result.findings.about.operator == "Sato" and r.result.findings.lang == "ja"
    assert tuple((e.latent, e.op, e.value) for e in r.result.findings.edits) == tuple(
        (e.latent, e.op, e.value) for e in w.results.shown.request.edits)  # what the screen showed
    assert w.exporter.progress is None and w.exporter.job is None
    assert w.banner.isVisible() and out.name in w.banner.text.text()
    assert w.banner.action.isVisible()  # "Open PDF"
    # nothing lost
    assert np.array_equal(w.mask.data, mask_before) and w.controls.edits() == edits_before
    assert w.notes.toPlainText().startswith("傷あり")
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages)
    assert w.image.sha256 in text.replace("\n", "").replace(" ", "")

    # an existing file: asked first; "no" keeps it, "yes" overwrites
    asked: list[Path] = []
    w.exporter.ask_overwrite = lambda p: asked.append(p) or "cancel"
    mtime = out.stat().st_mtime_ns
    assert w.exporter.export(opts) is None and asked == [out] and out.stat().st_mtime_ns == mtime
    w.exporter.ask_overwrite = lambda p: asked.append(p) or "replace"
    r2 = _export(qtbot, w, opts)
    assert r2.ok and len(asked) == 2 and out.stat().st_mtime_ns != mtime


def test_export_cancel_and_failure_keep_work(qtbot, window, tmp_path) -> None:
    from app.ui.export_dialog import ExportOptions

    w = window
    _paint_rect(w)
    w.notes.setPlainText("keep me")
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    mask_before = w.mask.data.copy()
    out = tmp_path / "c.pdf"
    done: list = []
    w.exportFinished.connect(done.append)
    w.exporter.export(ExportOptions(out))
    from PySide6.QtWidgets import QPushButton

    btn = w.exporter.progress.findChild(QPushButton)
    qtbot.mouseClick(btn, Qt.MouseButton.LeftButton)  # the progress dialog's Cancel button
    assert w.exporter.job.is_cancelled()
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert not done[-1].ok and done[-1].error.code == "cancelled"
    assert not out.exists() and not list(tmp_path.glob("*.tmp*"))
    assert "cancelled" in w.statusBar().currentMessage().lower()

    # a failed write (missing folder): a clear message in the banner, work kept
    r = _export(qtbot, w, ExportOptions(tmp_path / "no_such_folder" / "f.pdf"))
    assert not r.ok and r.error.code == "write_failed"
    assert w.banner.level == "error" and "no_such_folder" in w.banner.text.text()
    assert np.array_equal(w.mask.data, mask_before) and w.notes.toPlainText() == "keep me"


def test_export_dialog_remembers_operator_and_station(qtbot, window) -> None:
    from app.ui.export_dialog import ExportDialog

    w = window
    w.notes.setPlainText("session note")
    dlg = ExportDialog(w.settings, w.image.path, w.notes.toPlainText(), "ja", parent=w)
    assert dlg.notes.toPlainText() == "session note"
    assert dlg.lang.currentData() == "ja"
    assert dlg.path.text().endswith("scratch_1_findings.pdf")
    dlg.operator.setText("Tanaka")
    dlg.station.setText("Line 7")
    dlg.part_id.setText("X1")
    dlg.remember()
    o = dlg.options()
    assert (o.operator, o.station, o.part_id, o.lang) == ("Tanaka", "Line 7", "X1", "ja")
    dlg.deleteLater()
    dlg2 = ExportDialog(w.settings, w.image.path, "", "en", parent=w)
    assert dlg2.operator.text() == "Tanaka" and dlg2.station.text() == "Line 7" and dlg2.part_id.text() == ""
    assert dlg2.lang.currentData() == "en"
    dlg2.deleteLater()
    # Ctrl+E opens it (closed again at once here)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list[str] = []

    def close_it() -> None:
        m = QApplication.activeModalWidget()
        seen.append(m.objectName() if m else "")
        if m:
            m.reject()

    QTimer.singleShot(200, close_it)
    qtbot.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["exportDialog"]
    assert w.menus.export_action.shortcut().toString() == "Ctrl+E"


# --- 3. backend fallback in the UI ------------------------------------------------------------
class _FailOnce:
    """Wraps a backend so its next suffix call raises (an injected CUDA out-of-memory)."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.info = inner.info
        self.failed = False

    def prefix(self, x):  # noqa: ANN001, ANN201
        return self.inner.prefix(x)

    def suffix(self, x):  # noqa: ANN001, ANN201
        if not self.failed:
            self.failed = True
            raise RuntimeError("CUDA error: out of memory (injected)")
        return self.inner.suffix(x)


def test_backend_failure_falls_back_visibly(qtbot, window) -> None:
    w = window
    _paint_rect(w)
    card = next(iter(w.latent_panel.cards.values()))
    card.on_box.click()
    w.notes.setPlainText("do not lose")
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    before_label = w.backend_label.text()
    assert "onnxruntime" in before_label
    mask, edits = w.mask.data.copy(), w.controls.edits()
    fb = w.session.backend
    fb.active = _FailOnce(fb.active)
    shown: list[int] = []
    w.resultShown.connect(shown.append)
    w.verdict.threshold.setValue(0.33)  # any change ...
    w.client.request_update()  # ... and an update
    qtbot.waitUntil(lambda: bool(shown) and w.banner.isVisible(), timeout=WAIT_MS)
    text = w.banner.text.text()
    assert "out of memory (injected)" in text and "switched to" in text
    assert w.banner.level == "warning"
    new = w.session.backend_info()
    assert new["backend"] != "onnxruntime" or new["device"] != "cpu" or "torch" in text
    assert new["backend"] in w.backend_label.text() and w.backend_label.text() != before_label
    assert w.after is not None and np.isfinite(w.after.score)  # the score still arrives
    assert np.array_equal(w.mask.data, mask) and w.controls.edits() == edits and w.notes.toPlainText() == "do not lose"
    assert fb.notices and "switched to" in fb.notices[-1]


# --- 4. About / Diagnostics -------------------------------------------------------------------
def test_about_diagnostics_dialog(qtbot, window) -> None:
    from PySide6.QtGui import QGuiApplication

    w = window
    w.menus.show_about()
    dlg = w.menus.diagnostics_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.waitUntil(lambda: dlg.diagnostics is not None, timeout=WAIT_MS)
    import numpy
    import onnxruntime
    import PySide6

    assert dlg.value("numpy") == numpy.__version__
    assert dlg.value("onnxruntime") == onnxruntime.__version__
    assert dlg.value("PySide6") == PySide6.__version__
    assert "onnxruntime" in dlg.value("Backend")
    assert "CPUExecutionProvider" in dlg.value("ONNX Runtime providers available")
    assert "CPUExecutionProvider" in (dlg.value("Providers in use") or "")
    assert dlg.value("Log folder") and dlg.value("Data folder")
    assert dlg.value("GPU") is not None
    # a bundle without an "unlike the training parts" calibration says so: no notice is ever shown
    assert "not calibrated" in dlg.value("OOD") and not w.verdict.ood.isVisibleTo(w)
    dlg.copy_btn.click()
    clip = QGuiApplication.clipboard().text()
    assert "onnxruntime" in clip and "Log folder" in clip and numpy.__version__ in clip
    dlg.close()
    qtbot.waitUntil(lambda: w.menus.diagnostics_dialog is None, timeout=5000)
