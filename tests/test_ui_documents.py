# ruff: noqa: F811  (pytest fixtures imported from test_ui_main are parameters here)
"""Results carry their request; a latent's map comes from the held codes; each image keeps its
own document (region, edits, overlay, notes) while the user visits others. Offscreen, real Qt."""

from __future__ import annotations

import threading

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples, window  # noqa: E402, F401


class _Counting:
    """Wraps a backend: counts prefix/suffix calls; ``gate`` (when set) holds a suffix call until released."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.info = inner, inner.info
        self.prefix_calls = self.suffix_calls = 0
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def prefix(self, x):  # noqa: ANN001, ANN201
        self.prefix_calls += 1
        return self.inner.prefix(x)

    def suffix(self, x):  # noqa: ANN001, ANN201
        self.suffix_calls += 1
        if self.gate is not None:
            self.entered.set()
            self.gate.wait(30)
        return self.inner.suffix(x)


def _two_cards(qtbot, w):  # noqa: ANN001, ANN202
    w.mask.rectangle(20, 20, 100, 80)
    w.region.on_committed()
    qtbot.waitUntil(lambda: len(w.latent_panel.cards) >= 2 and not w.client.busy, timeout=WAIT_MS)
    return list(w.latent_panel.cards.values())[:2]


def test_history_is_labelled_by_the_request_not_the_live_edits(qtbot, window) -> None:
    w = window
    a, b = _two_cards(qtbot, w)
    fb = w.session.backend
    spy = _Counting(fb.active)
    fb.active = spy
    spy.gate = threading.Event()
    got: list = []
    w.client.intervened.connect(got.append)
    a.on_box.click()  # request 1: #a off ... held inside the suffix
    assert spy.entered.wait(30)
    b.on_box.click()  # toggled again while request 1 runs: live edits are now #a off, #b off
    live = w.controls.edits()
    assert [e.latent for e in live] == sorted([a.latent, b.latent])
    n_points = len(w.history.scores.points)
    spy.gate.set()
    qtbot.waitUntil(lambda: len(got) >= 2 and not w.client.busy, timeout=WAIT_MS)
    first, second = got[0], got[1]
    assert first.request.edits == (w.controls.control(a.latent).edit(),)  # what ran, not what is live
    assert second.request.edits == live
    points = w.history.scores.points[n_points:]
    assert [p.what for p in points] == [f"#{a.latent} off", ", ".join(f"#{e.latent} off" for e in live)]
    assert points[0].origin == first.request.origin and points[0].score == pytest.approx(first.outputs.score)
    assert w.results.shown.request.origin.image_sha256 == w.image.sha256
    assert w.results.shown.request.origin.mask_version == w.documents.current.mask_version


def test_latent_map_comes_from_the_held_codes_without_a_model_run(qtbot, window) -> None:
    w = window
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    spy = _Counting(w.session.backend.active)
    w.session.backend.active = spy
    latent = w.session.width - 3
    w.layers.show_latent(latent)
    qtbot.waitUntil(lambda: w.heatmap.latent_grid is not None and not w.client.busy, timeout=WAIT_MS)
    assert spy.prefix_calls == 0 and spy.suffix_calls == 0  # no forward pass for a map
    codes = w.session.analysis.codes_PS[:, latent]
    assert np.array_equal(w.heatmap.latent_grid.ravel(), codes)
    # the latent map is its own layer, drawn with its own colour bar, above the defect map
    assert w.canvas.latent_item.isVisible() and w.canvas.latent_colorbar.isVisible()
    assert w.canvas.latent_view is not None and w.canvas.latent_view.title == "latent activation / reference"
    ref = float(w.session.bundle.dictionary.reference()[latent])
    drawn = w.canvas.latent_item.image
    assert drawn.shape == w.image.pixels_HWC.shape[:2] and float(drawn.max()) == pytest.approx(float(codes.max()) / ref, rel=1e-3)


def test_each_image_keeps_its_document(qtbot, window, samples) -> None:
    w = window
    shown: list[str] = []
    w.imageShown.connect(shown.append)
    first = w.image.path
    a, _b = _two_cards(qtbot, w)
    a.on_box.click()
    w.notes.setPlainText("scratch near the rim")
    w.layers.set_mode("difference")
    w.layers.show_latent(a.latent)  # the latent map of one latent on this image
    mask1, edits1 = w.mask.data.copy(), w.controls.edits()
    assert edits1
    w.documents.open_image(samples / "ok_1.png")
    qtbot.waitUntil(lambda: len(shown) == 1 and not w.client.busy, timeout=WAIT_MS)
    assert w.mask.is_empty() and w.controls.edits() == () and w.notes.toPlainText() == ""
    assert w.layers.mode_key() == "after"  # a new image starts with the default overlay
    assert not w.layers.visible("latent")  # and no other image's latent map
    w.mask.rectangle(0, 0, 10, 10)
    w.region.on_committed()
    w.notes.setPlainText("looks fine")
    mask2 = w.mask.data.copy()
    w.documents.open_image(first)
    qtbot.waitUntil(lambda: len(shown) == 2 and not w.client.busy, timeout=WAIT_MS)
    assert np.array_equal(w.mask.data, mask1) and w.controls.edits() == edits1
    assert w.notes.toPlainText() == "scratch near the rim" and w.layers.mode_key() == "difference"
    assert w.layers.visible("latent") and w.layers.latent.value() == a.latent
    assert not w.latent_panel.cards[a.latent].on_box.isChecked()
    qtbot.waitUntil(lambda: w.results.shown is not None and w.results.shown.request.edits == edits1, timeout=WAIT_MS)
    w.documents.open_image(samples / "ok_1.png")
    qtbot.waitUntil(lambda: len(shown) == 3 and not w.client.busy, timeout=WAIT_MS)
    assert np.array_equal(w.mask.data, mask2) and w.notes.toPlainText() == "looks fine"


def test_add_edit_survives_a_gui_session_round_trip(qtbot, window, tmp_path) -> None:
    from app.core.edits import LatentEdit

    w = window
    a, b = _two_cards(qtbot, w)
    edits = (LatentEdit(a.latent, "add", -0.75), LatentEdit(b.latent, "scale", 1.0))
    w.controls.set_edits(edits)
    w.latent_panel.rebuild()
    assert w.controls.edits() == tuple(sorted(edits, key=lambda e: e.latent))
    path = tmp_path / "s.json"
    assert w.files.save(path)
    w.latent_panel.reset_all()
    shown: list[str] = []
    w.imageShown.connect(shown.append)
    assert w.files.load(path)
    qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
    assert w.controls.edits() == tuple(sorted(edits, key=lambda e: e.latent))
