# ruff: noqa: F811  (pytest fixtures imported from test_ui_main are parameters here)
"""The GUI sides of the engine's newer features, offscreen: the measured evidence map (a model
without a patch head shows it as its defect map, computed on the worker while the UI stays
live; a model with one offers it), a latent card saying whether its effect is specific to its
own defect type, the dictionary browser's relevance ranking, whole columns and coarse-to-fine
Matryoshka order, several bundles with their own samples, and the "unlike the training parts"
notice (and that a bundle without calibration shows none, as the About dialog says)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PIL import Image  # noqa: E402
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples, window  # noqa: E402, F401

from tests.rich_bundles import make_headless_bundle, make_rich_bundle  # noqa: E402

SPECIFIC = 5  # the latent whose effect the rich bundle says is specific to its own type


@pytest.fixture(scope="module")
def headless_dir(tmp_path_factory) -> Path:
    return make_headless_bundle(tmp_path_factory.mktemp("bundles") / "headless")


@pytest.fixture(scope="module")
def rich_dir(random_bundle_dir, tmp_path_factory) -> Path:
    return make_rich_bundle(random_bundle_dir, tmp_path_factory.mktemp("bundles") / "rich", SPECIFIC, flag_above=1e-9)


def _open(qtbot, w, bundle: Path) -> None:  # noqa: ANN001
    w.start(bundle=bundle)
    qtbot.waitUntil(lambda: w.session is not None and w.session.bundle.root.resolve() == bundle.resolve(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)


@pytest.fixture
def win(qtbot, no_leaks, samples, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    yield w
    w.close()


class _Gate:
    """Wraps a backend: holds every suffix call while ``closed`` is set."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.info = inner, inner.info
        self.open = threading.Event()
        self.open.set()
        self.waiting = threading.Event()

    def prefix(self, x):  # noqa: ANN001, ANN201
        return self.inner.prefix(x)

    def suffix(self, x):  # noqa: ANN001, ANN201
        if not self.open.is_set():
            self.waiting.set()
            self.open.wait(60)
        return self.inner.suffix(x)


def test_a_model_without_a_patch_head_shows_its_measured_evidence_map(qtbot, win, headless_dir) -> None:
    w = win
    _open(qtbot, w, headless_dir)
    assert w.baseline.patch_map is None and w.heatmap.measured
    assert w.layers.rows["heat"].visible.text() == "evidence map"
    assert "evidence map (measured)" in w.layers.mode.currentText()
    qtbot.waitUntil(lambda: w.canvas.heat_view is not None, timeout=WAIT_MS)
    hv = w.canvas.heat_view
    assert hv.title == "evidence map (measured), after" and hv.diverging and hv.levels == (-1.0, 1.0)
    assert "evidence map (measured)" in w.canvas.colorbar.axis.labelText
    want = w.session.evidence_map()
    from app.core.grid import upsample_to_image

    assert np.allclose(hv.map_HW, upsample_to_image(want, w.image.pixels_HWC.shape[:2], w.heatmap.view_box()), atol=1e-6)

    # an edit: the "after" evidence is measured again on the worker; the UI stays live meanwhile
    gate = _Gate(w.session.backend.active)
    w.session.backend.active = gate
    gate.open.clear()
    card = next(iter(w.latent_panel.cards.values()))
    card.on_box.click()
    qtbot.waitUntil(gate.waiting.is_set, timeout=WAIT_MS)  # the worker is held inside a model run
    w.layers.set_visible("part", False)  # the UI thread answers at once
    assert not w.canvas.image_item.isVisible()
    w.layers.set_visible("part", True)
    gate.open.set()
    edits = w.controls.edits()
    qtbot.waitUntil(lambda: any(k[2:] == (edits,) for k in w.heatmap.evidence), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    assert np.allclose(w.heatmap.evidence_map(after=True), w.session.evidence_map(None, edits), atol=1e-6)


def test_a_patch_head_bundle_offers_the_evidence_map_and_reads_the_rest(qtbot, win, rich_dir) -> None:
    w = win
    _open(qtbot, w, rich_dir)
    assert not w.heatmap.measured and w.layers.mode.findData("evidence") >= 0
    w.menus.show_view("evidence")
    qtbot.waitUntil(lambda: w.canvas.heat_view is not None and w.canvas.heat_view.title == "evidence map (measured)",
                    timeout=WAIT_MS)
    # the OOD notice: this bundle's level is below any image's statistic, so it is flagged
    assert w.verdict.ood.isVisibleTo(w) and "Unlike the training parts" in w.verdict.ood.text()
    # the card of the latent the build measured as specific says so; another says it is not
    w.latent_panel.pin(SPECIFIC)
    card = w.latent_panel.cards[SPECIFIC]
    from app.core.type_specificity import latent_type_effect

    te = latent_type_effect(w.session.bundle.dictionary, SPECIFIC)
    assert te is not None and te.specific
    assert card.type_label.isVisibleTo(card) and card.type_label.text().startswith(f"specific to {te.own_type}")
    assert f"{te.ratio:.1f}×" in card.type_label.text()
    other = next(i for i in range(w.session.width) if i != SPECIFIC)
    w.latent_panel.pin(other)
    assert w.latent_panel.cards[other].type_label.text().startswith("not specific")


def test_dictionary_browser_ranks_by_relevance_and_orders_coarse_to_fine(qtbot, win, rich_dir) -> None:
    from app.core.latent_search import search_latents
    from app.core.sae import prefix_level

    w = win
    _open(qtbot, w, rich_dir)
    w.bundles.open_dictionary()
    dlg = w.bundles.dictionary_browser
    t = dlg.table
    qtbot.wait(50)
    for c in range(7):  # every value whole: columns sized to their contents
        assert t.columnWidth(c) >= t.sizeHintForColumn(c) - 1, f"column {c} is cut"
    d = w.session.bundle.dictionary
    query = d.defect_classes[0][:-1] + "h"  # a typo
    dlg.filter.setText(query)
    shown = [dlg._latent_of_row(r) for r in range(t.rowCount()) if not t.isRowHidden(r)]
    texts = [dlg._search_text(r) for r in range(t.rowCount())]
    by_latent = {dlg._latent_of_row(r): texts[r] for r in range(t.rowCount())}
    want = [i for i, _ in search_latents(query, [by_latent[i] for i in range(d.width)], limit=d.width)]
    assert shown and shown == want  # best match first, the rest hidden
    dlg.filter.setText("")
    assert all(not t.isRowHidden(r) for r in range(t.rowCount()))
    # Matryoshka: its level column, and coarse to fine (level, then most frequent first)
    assert not t.isColumnHidden(7)
    dlg.order.setCurrentIndex(dlg.order.findData("coarse"))
    order = [dlg._latent_of_row(r) for r in range(t.rowCount())]
    level = prefix_level(w.session.bundle.manifest.sae)
    keys = [(int(level[i]), -float(d.frequency[i]), i) for i in order]
    assert keys == sorted(keys) and level[order[0]] == 0 and level[order[-1]] == 1
    dlg.close()


def test_several_bundles_each_with_its_own_samples(qtbot, no_leaks, random_bundle_dir, rich_dir, tmp_path) -> None:
    from app.core.paths import default_bundle_dir

    store = tmp_path / "store"
    store.mkdir()
    first = default_bundle_dir().name  # the app's default, whichever bundle the lead points it at
    shutil.copytree(random_bundle_dir, store / first)
    shutil.copytree(rich_dir, store / "pcb")
    samples = tmp_path / "samples"
    rng = np.random.default_rng(0)
    for folder, names in ((first, ("scratch_1", "stain_1")), ("pcb", ("ok_1", "stain_2"))):
        (samples / folder).mkdir(parents=True)
        for n in names:
            Image.fromarray(rng.integers(0, 255, (64, 80, 3), dtype=np.uint8)).save(samples / folder / f"{n}.png")
    w = _make_window(qtbot, store, samples)
    try:
        w.start()
        qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
        assert Path(w.image.path).parent == samples / first  # the default bundle's own first sample
        items = [w.bundle_combo.itemText(i) for i in range(w.bundle_combo.count())]
        assert items[0].startswith("random-test 0.0.0") and "random-test 0.0.0 — random test parts, two Matryoshka levels" in items
        assert [a.text() for a in w.menus.samples_menu.actions()] == ["scratch_1", "stain_1"]
        # the OOD notice: no calibration in this one, so none; the About dialog says why
        assert not w.verdict.ood.isVisibleTo(w)
        assert "not calibrated" in w.menus.ood_text()
        shown: list[str] = []
        w.imageShown.connect(shown.append)
        w.bundle_combo.setCurrentIndex(1)
        w.bundles._on_combo(1)
        qtbot.waitUntil(lambda: bool(shown) and w.session.bundle.root.name == "pcb" and not w.client.busy, timeout=WAIT_MS)
        assert Path(w.image.path) == samples / "pcb" / "ok_1.png"  # this bundle's own sample, not the other's
        assert [a.text() for a in w.menus.samples_menu.actions()] == ["ok_1", "stain_2"]
        assert "calibrated on 40 held-out good parts" in w.menus.ood_text()
    finally:
        w.close()


def test_flat_samples_folder_is_used_without_a_bundle_folder(qtbot, window, samples) -> None:
    w = window
    assert w.documents.samples_dir() == samples  # no samples/<bundle>/: the flat folder
    assert [a.text() for a in w.menus.samples_menu.actions()] == ["ok_1", "scratch_1"]
