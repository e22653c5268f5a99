"""The inspector window, offscreen (pytest-qt): open, paint with the mouse, toggle, undo,
sessions, bad bundles, autosave. A fixture fails any test that leaks a QThread or QTimer."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PIL import Image  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, Qt, QThread, QTimer  # noqa: E402

WAIT_MS = 60000


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    d = tmp_path / "appdata"
    monkeypatch.setenv("SAE_INSPECTOR_DATA_DIR", str(d))
    return d


@pytest.fixture
def no_leaks(qapp):
    """Fail the test if a QThread is still running or a QTimer is still active afterwards."""
    yield
    from shiboken6 import isValid

    from app.ui.worker import LIVE_THREADS

    qapp.processEvents()
    running = [t.objectName() for t in list(LIVE_THREADS) if isValid(t) and t.isRunning()]
    gc.collect()
    timers, threads = [], []
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        objs = [o for o in gc.get_objects() if type(o) in (QTimer, QThread) or isinstance(o, (QTimer, QThread))]
    for o in objs:
        try:
            if isinstance(o, QTimer) and isValid(o) and o.isActive():
                timers.append(o.objectName() or repr(o))
            elif isinstance(o, QThread) and isValid(o) and o.isRunning() and o is not qapp.thread():
                threads.append(o.objectName() or repr(o))
        except (RuntimeError, ReferenceError):
            continue
    assert not running and not threads, f"leaked threads: {running or threads}"
    assert not timers, f"leaked active timers: {timers}"


@pytest.fixture
def samples(tmp_path) -> Path:
    """A samples folder like resources/samples: scratch_1.png (+ ground truth), ok_1.png."""
    d = tmp_path / "samples"
    d.mkdir()
    rng = np.random.default_rng(0)
    for name in ("scratch_1", "ok_1"):
        Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)).save(d / f"{name}.png")
    gt = np.zeros((96, 128), np.uint8)
    gt[30:60, 40:90] = 255
    Image.fromarray(gt).save(d / "scratch_1_mask.png")
    return d


def _make_window(qtbot, store: Path, samples: Path):  # noqa: ANN001, ANN202
    from app.ui.app import make_app

    make_app()
    from app.ui.main_window import MainWindow

    w = MainWindow(backend="onnx", store_dir=store, samples_dir=samples)
    w.unsaved.ask = lambda names: "discard"  # closing at a test's end never waits on the unsaved-work question
    w.resize(1200, 800)
    w.show()
    return w


@pytest.fixture
def window(qtbot, no_leaks, random_bundle_dir, samples, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    w.start(bundle=random_bundle_dir)
    qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
    yield w
    w.close()


def _view_point(w, x: float, y: float) -> QPoint:  # noqa: ANN001
    """Image pixel (x, y) -> a point in the canvas viewport."""
    scene = w.canvas.view.mapViewToScene(QPointF(x + 0.5, y + 0.5))
    return w.canvas.mapFromScene(scene)


def _paint(qtbot, w, pts: list[tuple[float, float]]) -> None:  # noqa: ANN001
    vp = w.canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=_view_point(w, *pts[0]))
    for p in pts[1:]:
        qtbot.mouseMove(vp, _view_point(w, *p))
        qtbot.wait(5)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=_view_point(w, *pts[-1]))


def test_open_paint_toggle_undo(qtbot, window) -> None:
    w = window
    assert Path(w.image.path).name == "scratch_1.png"  # the first sample opened by itself
    assert w.gt_mask is not None and w.menus.gt_action.isEnabled()  # ground truth found beside it
    assert "whole image" in w.region_info.text()
    assert w.mask.shape == (96, 128)
    assert "onnxruntime" in w.backend_label.text()

    w.canvas.set_brush_radius(4)
    _paint(qtbot, w, [(20, 20), (40, 30), (70, 40), (100, 50)])
    assert not w.mask.is_empty()
    assert w.mask.data[30, 40] and w.mask.history_length == 1  # one drag = one undo step
    qtbot.waitUntil(lambda: "painted" in w.latent_panel.title.text() and bool(w.latent_panel.cards), timeout=WAIT_MS)
    assert "painted" in w.region_info.text()

    base = w.baseline.score
    card = next(iter(w.latent_panel.cards.values()))
    latent = card.latent
    # the card says where the latent fires hardest on held-out parts (from the bundle's dictionary)
    d = w.session.bundle.dictionary
    assert not card.strongest_label.isHidden()
    assert f"of its {d.strongest_parts(latent)} strongest test parts" in card.strongest_label.text()
    assert card.strongest_label.text().split(": ", 1)[1].startswith(d.strongest_on(latent)[0][0])
    shown: list[int] = []
    w.resultShown.connect(shown.append)
    card.on_box.click()  # a toggle: dispatched at once
    assert w.controls.edits()[0].latent == latent and w.controls.edits()[0].op == "off"
    qtbot.waitUntil(lambda: bool(shown) and abs(w.after.score - base) > 1e-9, timeout=WAIT_MS)
    assert w.verdict.after_score.text() == f"{w.after.score:.3f}"
    assert len(w.history.scores.points) >= 2
    assert shown[-1] == w.client.latest_id  # only the latest request's result is shown

    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the stroke
    assert w.mask.is_empty()
    qtbot.waitUntil(lambda: "whole image" in w.latent_panel.title.text(), timeout=WAIT_MS)
    w.history.redo()
    assert not w.mask.is_empty()
    w.latent_panel.reset_all()
    assert w.controls.edits() == ()
    qtbot.waitUntil(lambda: abs(w.after.score - base) < 1e-6, timeout=WAIT_MS)


def test_slider_drags_coalesce_and_stale_results_drop(qtbot, window) -> None:
    w = window
    card = next(iter(w.latent_panel.cards.values()))
    shown: list[int] = []
    w.resultShown.connect(shown.append)
    first = w.client.latest_id
    for v in range(20, -1, -1):  # a fast drag: many moves, few model runs
        card.slider.setValue(v)
    qtbot.waitUntil(lambda: not w.client.busy and bool(shown) and shown[-1] == w.client.latest_id, timeout=WAIT_MS)
    assert w.client.latest_id - first < 21  # coalesced: fewer requests than moves
    assert shown == sorted(shown)
    assert w.controls.edits()[0].op == "scale" and w.controls.edits()[0].value == 0.0


def test_tools_fill_rect_polygon_brush_keys(qtbot, window) -> None:
    w = window
    w.region.set_tool("rect")
    _paint(qtbot, w, [(10, 10), (30, 20), (50, 40)])
    assert w.mask.data[20:40, 10:50].all()
    w.region.set_tool("polygon")
    vp = w.canvas.viewport()
    for p in [(80, 10), (120, 10), (120, 40)]:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=_view_point(w, *p))
    w.canvas.close_polygon()
    assert w.mask.data[15, 115]
    w.region.invert()
    assert not w.mask.data[30, 30]
    w.region.clear()
    assert w.mask.is_empty()
    w.region.set_tool("paint")
    r = w.mask.brush_radius
    qtbot.keyClick(w, Qt.Key.Key_BracketRight)
    assert w.mask.brush_radius > r and w.tools.brush.value() == w.mask.brush_radius
    w.region.use_ground_truth()
    assert w.mask.data[40, 60] and not w.mask.data[5, 5]
    w.region.from_defect_map(0.0)
    assert w.mask.data.all()
    rows = dict(w.menus.shortcut_table())
    assert any("Undo" in k for k in rows) and "Ctrl+Z" in rows.values()


def test_save_and_reload_session(qtbot, window, tmp_path) -> None:
    w = window
    w.canvas.set_brush_radius(6)
    _paint(qtbot, w, [(30, 30), (60, 60)])
    qtbot.waitUntil(lambda: "painted" in w.latent_panel.title.text() and bool(w.latent_panel.cards), timeout=WAIT_MS)
    ids = list(w.latent_panel.cards)
    w.latent_panel.cards[ids[0]].on_box.click()
    if len(ids) > 1:
        w.latent_panel.cards[ids[1]].slider.setValue(10)  # strength 0.5
    w.verdict.threshold.setValue(0.42)
    w.notes.setPlainText("rim scratch, check latent")
    edits, mask = w.controls.edits(), w.mask.data.copy()
    path = tmp_path / "s" / "finding.json"
    path.parent.mkdir()
    assert w.files.save(path)
    saved = json.loads(path.read_text())
    assert saved["mask_png_base64"] and saved["bundle"]["hash"] == w.session.bundle.hash

    # change everything, then reload
    w.region.clear()
    w.latent_panel.reset_all()
    w.verdict.threshold.setValue(0.9)
    w.notes.setPlainText("")
    loaded: list[str] = []
    w.imageShown.connect(loaded.append)
    w.files.load(path)
    qtbot.waitUntil(lambda: bool(loaded) and not w.client.busy, timeout=WAIT_MS)
    assert np.array_equal(w.mask.data, mask)
    assert w.controls.edits() == edits
    assert abs(w.results.threshold.value - 0.42) < 1e-9 and abs(w.verdict.threshold.value() - 0.42) < 1e-9
    assert w.notes.toPlainText() == "rim scratch, check latent"
    qtbot.waitUntil(lambda: w.latent_panel.cards.get(ids[0]) is not None, timeout=WAIT_MS)
    assert not w.latent_panel.cards[ids[0]].on_box.isChecked()


def test_bad_bundle_keeps_the_current_one(qtbot, window, tmp_path) -> None:
    w = window
    bad = tmp_path / "bad_bundle"
    bad.mkdir()
    (bad / "bundle.json").write_text('{"schema_version": 99}')
    current = w.session
    w.bundles.open_bundle(bad)
    qtbot.waitUntil(lambda: w.banner.isVisible() and w.banner.level == "error", timeout=WAIT_MS)
    assert "schema_version" in w.banner.text.text()  # the engine's own message
    assert "Still using" in w.banner.text.text()
    assert w.session is current
    qtbot.waitUntil(lambda: w.bundles.loader is None, timeout=WAIT_MS)
    # still works
    base = w.after.score
    next(iter(w.latent_panel.cards.values())).on_box.click()
    qtbot.waitUntil(lambda: abs(w.after.score - base) > 1e-9, timeout=WAIT_MS)


def test_cancel_bundle_load_keeps_current(qtbot, window, random_bundle_dir) -> None:
    w = window
    current = w.session
    w.bundles.open_bundle(random_bundle_dir)
    assert w.cancel_btn.isVisibleTo(w)
    w.bundles.cancel_load()
    qtbot.waitUntil(lambda: not w.bundles.loaders, timeout=WAIT_MS)
    assert w.session is current


def test_search_and_dictionary_browser(qtbot, window) -> None:
    w = window
    width = w.session.width
    target = width - 1
    w.latent_panel.search.setText(str(target))
    assert w.latent_panel.matches.count() >= 1
    w.latent_panel._add_top_match()
    assert target in w.latent_panel.cards and w.controls.control(target).pinned
    w.bundles.open_dictionary()
    dlg = w.bundles.dictionary_browser
    assert dlg.table.rowCount() == width
    dlg.table.sortItems(3, Qt.SortOrder.DescendingOrder)  # by frequency
    freqs = [dlg.table.item(r, 3).data(Qt.ItemDataRole.UserRole) for r in range(width)]
    assert freqs == sorted(freqs, reverse=True)
    # "fires hardest on": sorted by the largest share of one defect type (purity), text from the dictionary
    d = w.session.bundle.dictionary
    dlg.table.sortItems(6, Qt.SortOrder.DescendingOrder)
    pure = [dlg.table.item(r, 6).data(Qt.ItemDataRole.UserRole) for r in range(width)]
    assert pure == sorted(pure, reverse=True) and pure[0] > 0
    top = dlg._latent_of_row(0)
    assert pure[0] == pytest.approx(float(d.top_share[top, 1:].max()))
    assert dlg.table.item(0, 6).text().startswith(d.strongest_on(top)[0][0])
    dlg.filter.setText(d.defect_classes[0])  # filtering also searches that column
    assert any(not dlg.table.isRowHidden(r) and d.defect_classes[0] in dlg.table.item(r, 6).text() for r in range(width))
    dlg.filter.setText("")
    dlg.table.sortItems(3, Qt.SortOrder.DescendingOrder)
    dlg.table.selectRow(0)
    dlg.bulk_edit.setText("background")
    dlg._bulk_apply()
    lat = dlg._latent_of_row(0)
    assert w.user_labels.label(lat) == "background"
    assert w.user_labels.path.is_file()  # the user's file, never the bundle
    dlg.close()


def test_start_without_bundle_says_so(qtbot, no_leaks, samples, tmp_path) -> None:
    store = tmp_path / "empty_store"
    store.mkdir()
    w = _make_window(qtbot, store, tmp_path / "no_samples")
    w.start()
    assert w.banner.isVisible() and "No default model bundle" in w.banner.text.text()
    assert w.bundle_combo.itemData(w.bundle_combo.count() - 1) == "__browse__"
    w.documents.open_image(samples / "ok_1.png")  # remembered until a bundle is chosen
    assert w.documents.pending_image and w.session is None
    w.close()


@pytest.mark.skipif(os.name == "nt", reason="posix pid check")
def test_no_qt_in_core() -> None:
    import ast

    root = Path(__file__).resolve().parents[1] / "app" / "core"
    for f in root.rglob("*.py"):
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            assert not any(n.startswith(("PySide6", "PyQt", "pyqtgraph")) for n in names), f"{f} imports Qt"
