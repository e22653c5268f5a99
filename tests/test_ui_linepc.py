# ruff: noqa: F811  (pytest fixtures imported from test_ui_main are parameters here)
"""The inspector on a line PC (issue #17), offscreen: it fits 1366×768 and 1280×1024 and never
resizes itself; the wheel never edits; numbers commit on Enter; overlays keep the part visible;
layers; readable latent cards; legible Effects; injection wording; per-image state; Quit asks;
every action that does nothing says why. (The same loop on a real X server with a window
manager is tests/test_ui_linepc_xvfb.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget  # noqa: E402
from test_ui_effects_export import _run_rank  # noqa: E402
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples, window  # noqa: E402, F401


def wheel(widget: QWidget, steps: int = -3) -> None:
    """A real wheel event at the widget's centre, through QApplication (so it propagates as the mouse's would)."""
    c = widget.rect().center()
    ev = QWheelEvent(QPointF(c), QPointF(widget.mapToGlobal(c)), QPoint(0, 0), QPoint(0, 120 * steps),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)


def clipped(root: QWidget) -> list[str]:
    """Visible one-line labels and buttons whose text does not fit their width."""
    out = []
    for wid in root.findChildren(QWidget):
        if not wid.isVisibleTo(root) or wid.width() <= 1:
            continue
        if isinstance(wid, QLabel) and not wid.wordWrap() and wid.textFormat() != Qt.TextFormat.RichText:
            text = wid.text().replace("&", "")
            if not text or "<" in text:
                continue
            need, have = wid.fontMetrics().horizontalAdvance(text), wid.contentsRect().width()
        elif isinstance(wid, QAbstractButton) and type(wid).__name__ in ("QPushButton", "QCheckBox") and wid.text():
            text = wid.text()
            need, have = wid.sizeHint().width(), wid.width()  # Qt's own room for the text, icon and margins
        else:
            continue
        if need > have + 1:
            out.append(f"{type(wid).__name__} {text!r}: {need} px > {have} px")
    return out


def _paint_rect(w, y0=20, x0=30, y1=70, x1=100) -> None:  # noqa: ANN001
    w.mask.rectangle(x0, y0, x1, y1)
    w.region.on_committed()


def _cards(qtbot, w, n: int = 2):  # noqa: ANN001, ANN202
    _paint_rect(w)
    qtbot.waitUntil(lambda: len(w.latent_panel.cards) >= n and not w.client.busy, timeout=WAIT_MS)
    return list(w.latent_panel.cards.values())


# --- 1. the window fits a line PC's screen and never resizes itself -----------------------------
@pytest.mark.parametrize("screen", [(1366, 768), (1280, 1024)])
def test_fits_the_screen_and_never_resizes_itself(qtbot, no_leaks, random_bundle_dir, samples, tmp_path, screen) -> None:
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    size = (screen[0] - 16, screen[1] - 40)  # less the window manager's frame
    w.resize(*size)
    try:
        w.start(bundle=random_bundle_dir)
        qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
        hint = w.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1], f"minimum {hint.width()}×{hint.height()}"
        cards = _cards(qtbot, w)
        cards[0].on_box.click()
        long_name = samples / ("line7_station3_camera2_" + "lot-20261128-" * 12 + "part.png")  # as a line's file names run
        shutil.copy(samples / "ok_1.png", long_name)
        w.documents.open_image(long_name)
        qtbot.waitUntil(lambda: Path(w.image.path) == long_name and not w.client.busy, timeout=WAIT_MS)
        w.tabs.setCurrentIndex(1)
        w.effects.top.setValue(8)
        w.effects.controls.setValue(8)
        shown: list[str] = []
        w.effectShown.connect(shown.append)
        w.effects.rank_btn.click()
        qtbot.waitUntil(lambda: "rank" in shown, timeout=WAIT_MS)
        w.tabs.setCurrentIndex(0)
        qtbot.wait(50)
        assert (w.width(), w.height()) == size  # opening, painting and ranking never grew the window
        # the part image gets the room: at least 60% of the window's width and height
        vp = w.canvas.viewport()
        assert vp.width() >= 0.6 * size[0] - 420 and vp.height() >= 0.6 * size[1], (vp.width(), vp.height())
        for dock in (w.verdict_dock, w.latent_dock):
            assert dock.isVisible() and dock.geometry().right() <= w.width()  # nothing off-screen
        assert not clipped(w.verdict_dock) and not clipped(w.latent_dock)
    finally:
        w.close()


# --- 2. the wheel never edits; 3. numbers commit on Enter --------------------------------------------
def test_wheel_over_the_latent_list_scrolls_and_never_edits(qtbot, window) -> None:
    w = window
    cards = _cards(qtbot, w, 3)
    w.latent_dock.raise_()
    edits = w.controls.edits()
    scroll = w.latent_panel.scroll.verticalScrollBar()
    for card in cards[:3]:
        for target in (card.slider, card.inject_spin):
            before = (card.slider.value(), card.inject_spin.value(), scroll.value())
            wheel(target, -2)
            assert (card.slider.value(), card.inject_spin.value()) == before[:2], "the wheel moved a control"
    assert w.controls.edits() == edits == ()
    if scroll.maximum() > 0:
        assert scroll.value() > 0  # the wheel scrolled the list instead
    # a control the user clicked into (focus) does take the wheel
    card = cards[0]
    card.slider.setFocus()
    qtbot.waitUntil(card.slider.hasFocus, timeout=2000)
    v = card.slider.value()
    wheel(card.slider, 1)
    assert card.slider.value() != v


def test_threshold_commits_on_enter_and_never_half_typed(qtbot, window) -> None:
    w = window
    spin = w.verdict.threshold
    default = w.results.threshold.value
    for typed, want in (("0.85", 0.85), ("0.604", 0.604)):
        spin.setFocus()
        qtbot.waitUntil(spin.hasFocus, timeout=2000)
        spin.selectAll()
        qtbot.keyClicks(spin, typed)
        assert w.results.threshold.value in (default, 0.85)  # nothing applied while typing ("0", "0.8", ...)
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        assert w.results.threshold.value == pytest.approx(want)
        assert spin.value() == pytest.approx(want)
    verdict = w.verdict.after_verdict.text()
    assert verdict == ("DEFECT" if w.after.score >= 0.604 else "OK")


# --- 4. overlays keep the part visible; layers -------------------------------------------------------
def _grab_mean(w) -> float:  # noqa: ANN001
    """Mean brightness of the part as drawn on the canvas (the colour bar left out)."""
    QApplication.processEvents()
    img = w.canvas.grab().toImage()
    ptr = img.constBits()
    a = np.frombuffer(ptr, np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4]
    a = a.reshape(img.height(), img.width(), 4)[..., :3]
    r = w.canvas.mapFromScene(w.canvas.image_item.sceneBoundingRect()).boundingRect()
    return float(a[max(0, r.top()) : r.bottom(), max(0, r.left()) : r.right()].mean())


def test_overlay_alpha_ramps_so_a_cold_map_leaves_the_part_untouched(qtbot, window) -> None:
    from app.core.heatmap_view import HeatmapView

    w = window
    hw = w.image.pixels_HWC.shape[:2]
    zero = HeatmapView(np.zeros(hw, np.float32), (0.0, 1.0), False, "defect map, after")
    w.canvas.set_heatmap(zero, "inferno", 1.0)  # full opacity: zero must still be transparent
    with_map = _grab_mean(w)
    w.canvas.heat_item.setVisible(False)  # the same layout (colour bar shown), the map itself hidden
    bare = _grab_mean(w)
    assert abs(with_map - bare) < 0.5, "a map of zeros darkened the part"
    hot = HeatmapView(np.ones(hw, np.float32), (0.0, 1.0), False, "defect map, after")
    w.canvas.set_heatmap(hot, "inferno", 1.0)
    assert abs(_grab_mean(w) - bare) > 5  # a hot map does show
    lut = w.canvas.heat_item.lut
    assert lut[0, 3] == 0 and lut[-1, 3] == 255 and np.all(np.diff(lut[:, 3].astype(int)) >= 0)
    diff = HeatmapView(np.zeros(hw, np.float32), (-1.0, 1.0), True, "after − before")
    w.canvas.set_heatmap(diff, "inferno", 1.0)  # a difference: transparent at 0, opaque at both ends
    lut = w.canvas.heat_item.lut
    assert lut[127, 3] == lut[128, 3] == 0 and lut[0, 3] == 255 and lut[-1, 3] == 255
    assert abs(_grab_mean(w) - bare) < 0.5


def test_layers_region_outline_contrast_limits_and_contour(qtbot, window) -> None:
    w = window
    _paint_rect(w)
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    assert not w.layers.filled() and not w.canvas.mask_overlay.filled  # an outline by default
    tile = w.canvas.mask_overlay.items[(0, 0)].image
    painted = w.mask.data > 0
    assert tile[..., 3][painted].mean() < 0.5 * 255  # inside the region: mostly see-through (only the edge drawn)
    w.layers.toggle_fill()
    tile = w.canvas.mask_overlay.items[(0, 0)].image
    assert (tile[..., 3][painted] > 0).all()
    # per-layer visibility and opacity
    row = w.layers.rows["part"]
    row.opacity.setValue(40)
    assert w.canvas.image_item.opacity() == pytest.approx(0.4)
    row.visible.setChecked(False)
    assert not w.canvas.image_item.isVisible()
    row.visible.setChecked(True)
    w.layers.set_visible("region", False)
    assert not any(it.isVisible() for it in w.canvas.mask_overlay.items.values())
    # fixed 0–1 is the default and says so on the colour bar; custom limits are shown there too
    w.layers.set_mode("difference")
    assert w.canvas.heat_view.levels == (-1.0, 1.0) and "fixed" in w.canvas.colorbar.axis.labelText
    w.layers.set_limits(-0.1, 0.1)
    assert w.canvas.heat_view.levels == (-0.1, 0.1) and w.canvas.heat_view.scale == "custom"
    assert "custom -0.1–0.1" in w.canvas.colorbar.axis.labelText and not w.canvas.colorbar.axis.autoSIPrefix
    assert w.canvas.colorbar.levels() == pytest.approx((-0.1, 0.1))
    # the threshold contour of the defect map
    w.layers.set_scale("fixed")
    w.layers.set_mode("after")
    w.layers.contour.setChecked(True)
    level = w.results.threshold.value
    if (w.canvas.heat_view.map_HW >= level).any() and (w.canvas.heat_view.map_HW < level).any():
        assert w.canvas.contour_item.isVisible() and w.canvas.contour_item.image[..., 3].any()
    w.layers.contour.setChecked(False)
    assert not w.canvas.contour_item.isVisible()


# --- 5. latent cards ------------------------------------------------------------------------------
def _contrast(widget: QWidget) -> float:
    """WCAG contrast ratio between the lightest text pixel and the background of a rendered widget."""
    img = widget.grab().toImage()
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    rgb = a[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., 2::-1].astype(np.float64) / 255
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lum = 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]
    bg = float(np.median(lum))
    fg = float(lum.max()) if lum.max() - bg > bg - lum.min() else float(lum.min())
    hi, lo = max(fg, bg), min(fg, bg)
    return (hi + 0.05) / (lo + 0.05)


def test_latent_cards_are_readable_and_the_map_is_one_click_away(qtbot, window) -> None:
    w = window
    card = _cards(qtbot, w)[0]
    lab = card.label_text
    assert lab.isVisibleTo(card) and lab.text() == w.latent_panel.auto_labels[card.latent]  # plain text, not a placeholder
    assert _contrast(lab) >= 7.0, f"label contrast {_contrast(lab):.1f}:1"
    assert card.strip.thumbs and all(t.width() >= 64 and t.height() >= 64 for t in card.strip.thumbs)
    viewer = card.open_exemplars()
    assert viewer is not None and viewer.isVisible()
    big = [lb for lb in viewer.findChildren(QLabel) if lb.pixmap() is not None and not lb.pixmap().isNull()]
    assert big and min(lb.pixmap().width() for lb in big) >= 128
    viewer.close()
    # the pencil edits the user's label; the card then shows it
    card.edit_btn.click()
    assert card.label_edit.isVisibleTo(card)
    card.label_edit.setText("rim scratch")
    card.label_edit.editingFinished.emit()
    assert card.label_text.text() == "rim scratch" and w.user_labels.label(card.latent) == "rim scratch"
    # the latent map, one click from the card
    w.tabs.setCurrentIndex(1)
    qtbot.mouseClick(card.map_btn, Qt.MouseButton.LeftButton)
    assert w.tabs.currentIndex() == 0 and w.layers.visible("latent") and w.layers.latent.value() == card.latent
    qtbot.waitUntil(lambda: w.canvas.latent_view is not None, timeout=WAIT_MS)


# --- 6. Effects legible; 7. injection wording ---------------------------------------------------------
def test_effects_plots_are_legible_and_use_the_tables_units(qtbot, window) -> None:
    import pyqtgraph as pg

    w = window
    _paint_rect(w)
    w.tabs.setCurrentIndex(1)
    w.resize(1350, 728)
    _run_rank(qtbot, w, top=48, controls=16)
    qtbot.wait(100)
    rv = w.effects.rank_view
    pi = rv.chart.getPlotItem()
    assert not [it for it in pi.scene().items() if isinstance(it, pg.LegendItem)]  # no legend over the bars
    assert rv.legend.isVisible() and rv.how.isVisible() and "How to read it" in rv.how.text()
    assert w.effects.dose_how.isVisible() and "How to read it" in w.effects.dose_how.text()
    for name in ("left", "bottom", "right"):
        assert not pi.getAxis(name).autoSIPrefix  # never "(×0.001)": the axis reads like the table
    ticks = pi.getAxis("bottom")._tickLevels[0]
    assert len(ticks) * 46 <= pi.vb.width() + 46  # tick labels never run together
    # every numeric column whole, no sideways scrolling
    t = rv.table
    for c in (0, 2, 3, 4, 5):
        assert t.columnWidth(c) >= t.sizeHintForColumn(c) - 1, f"column {c} cut"
    assert t.horizontalScrollBar().maximum() == 0
    assert "random latents" in w.effects.status.text() and "random directions" in w.effects.status.text()
    for kind, band in rv.band_items.items():  # the bands are drawn visibly
        assert band[0].brush.color().alpha() >= 80, kind


def test_injection_wording_matches_what_happened(qtbot, qapp) -> None:
    from app.ui.effects_panel import EffectsPanel

    p = EffectsPanel()
    text = p.outcome_text(0.808, 0.95, 0.60)
    assert "already above the threshold" in text and "raised it by 0.1420" in text and "create" not in text
    text = p.outcome_text(0.808, 0.70, 0.60)
    assert "already above the threshold" in text and "lowered it by 0.1080" in text
    assert "creates a defect verdict" in p.outcome_text(0.40, 0.70, 0.60)
    assert "removes the defect verdict" in p.outcome_text(0.70, 0.40, 0.60)
    text = p.outcome_text(0.20, 0.30, 0.60)
    assert "stays below the threshold" in text and "raised it by 0.1000" in text
    assert "not a number" in p.outcome_text(0.2, float("nan"), 0.6)
    p.deleteLater()


def test_injection_on_a_rejected_part_reads_right(qtbot, window) -> None:
    w = window
    _paint_rect(w)
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    w.results.set_threshold(0.0)  # every part is already DEFECT at this threshold
    shown: list[str] = []
    w.effectShown.connect(shown.append)
    w.effects.latent.setValue(next(iter(w.latent_panel.cards)))
    w.effects.inject_r.setValue(3.0)
    w.effects.inject_btn.click()
    qtbot.waitUntil(lambda: "inject" in shown, timeout=WAIT_MS)
    text = w.effects.inject_text.text()
    assert "already above the threshold 0.000" in text and "does not create" not in text


# --- 9. stale content; 10. nothing is dropped or silent ---------------------------------------------
def test_a_new_image_clears_the_banner_and_the_effects(qtbot, window, samples, tmp_path) -> None:
    w = window
    bad = tmp_path / "corrupt.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    w.documents.open_image(bad)
    qtbot.waitUntil(lambda: w.banner.isVisible() and w.banner.level == "error", timeout=WAIT_MS)
    w.effects.status.setText("Ranked 12 latents in the painted region")
    shown: list[str] = []
    w.imageShown.connect(shown.append)
    w.documents.open_image(samples / "ok_1.png")
    qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
    assert not w.banner.isVisible()
    assert "Ranked" not in w.effects.status.text() and w.effects.rank is None


def test_quit_asks_before_unsaved_work_is_lost(qtbot, window, samples, tmp_path) -> None:
    from app.core.document import load_session

    w = window
    asked: list[list[str]] = []
    w.unsaved.ask = lambda names: asked.append(names) or "cancel"
    assert not w.unsaved.documents()
    _paint_rect(w)
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    first = Path(w.image.path).name
    w.documents.open_image(samples / "ok_1.png")
    qtbot.waitUntil(lambda: Path(w.image.path).name == "ok_1.png" and not w.client.busy, timeout=WAIT_MS)
    w.notes.setPlainText("looked at it")
    assert not w.close() and w.isVisible() and asked[-1] == [first, "ok_1.png"]  # Cancel: the window stays
    assert w.notes.toPlainText() == "looked at it"
    # Save with two images unsaved: a folder is asked for, and each image's session is written there
    w.unsaved.ask = lambda names: "save"
    w.unsaved.choose_folder = lambda: tmp_path
    assert w.close()
    doc, mask = load_session(tmp_path / f"{Path(first).stem}.session.json")
    assert mask is not None and mask.sum() > 0
    doc2, _ = load_session(tmp_path / "ok_1.session.json")
    assert doc2.notes == "looked at it"


def test_actions_that_would_do_nothing_say_why(qtbot, window) -> None:
    w = window
    top = float(w.baseline.patch_map.max())
    w.banner.dismiss()
    before = w.mask.data.copy()
    assert not w.region.from_defect_map(min(1.0, top + 0.01) if top < 1 else 1.01)  # Ctrl+T, nothing reaches it
    assert w.banner.isVisible() and "No part of the map reaches" in w.banner.text.text()
    assert np.array_equal(w.mask.data, before)
    # Ctrl+5 shows the chosen (else the top listed) latent, never #0 by default
    cards = _cards(qtbot, w)
    w.menus.show_latent_map()
    assert w.layers.visible("latent") and w.layers.latent.value() == cards[0].latent
    w.latent_panel.select(cards[1].latent)
    w.menus.show_latent_map()
    assert w.layers.latent.value() == cards[1].latent


def test_export_no_to_overwrite_offers_another_name(qtbot, window, tmp_path) -> None:
    from app.ui.export_dialog import ExportOptions

    w = window
    out = tmp_path / "f.pdf"
    out.write_bytes(b"%PDF-1.4 keep me")
    other = tmp_path / "f_2.pdf"
    w.exporter.ask_overwrite = lambda p: "rename"
    w.exporter.choose_other_path = lambda p: other
    done: list = []
    w.exportFinished.connect(done.append)
    assert w.exporter.export(ExportOptions(out)) is not None
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert done[-1].ok and other.is_file() and out.read_bytes() == b"%PDF-1.4 keep me"
