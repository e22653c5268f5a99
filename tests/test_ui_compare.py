# ruff: noqa: F811  (pytest fixtures imported from test_ui_main are parameters here)
"""The comparison mode in the GUI (issue #20), offscreen with real Qt and ONNX Runtime: the second
bundle's list (incomparable ones greyed with the reason), a bundle compared with itself agrees
exactly, a retrained bundle's counterparts and a latent switched off with its counterpart match the
engine, the folder comparison's changed parts open in the inspector, long work is cancelled, and
the comparison goes into the session file and the PDF. The ``no_leaks`` fixture fails any test that
leaves a QThread running or a QTimer active."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PIL import Image  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples  # noqa: E402, F401

pytestmark = pytest.mark.slow  # each test opens two bundles and runs both models (10-40 s here)

from app.core.compare.counterparts import correlate_on_images, region_counterparts, translate_edits  # noqa: E402
from app.core.compare.switch_off import switch_off_with_counterpart  # noqa: E402
from app.core.edits import LatentEdit  # noqa: E402
from app.core.images import load_image  # noqa: E402
from app.core.session import InspectionSession  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A retrained bundle (other weights and SAE) and one of another input size and classes."""
    from app.core.vit_config import ViTConfig
    from app.pipeline.random_bundle import make_random_bundle

    d = tmp_path_factory.mktemp("cmpui")
    make_random_bundle(d / "other", seed=3)
    make_random_bundle(d / "wide", seed=4, vit_config=ViTConfig(img_size=48, patch_size=8, embed_dim=32, depth=3, num_heads=2,
                                                                num_classes=4))
    return {"other": d / "other", "wide": d / "wide"}


def _with_threshold(src: Path, dst: Path, threshold: float) -> Path:
    shutil.copytree(src, dst)
    raw = json.loads((dst / "bundle.json").read_text())
    raw["threshold"] = threshold
    (dst / "bundle.json").write_text(json.dumps(raw))
    return dst


@pytest.fixture
def store(tmp_path, random_bundle_dir, built, samples) -> Path:
    """model_store/ with A, a retrained B, an incomparable bundle, and A with a threshold that flips the first sample."""
    s = tmp_path / "store"
    s.mkdir()
    shutil.copytree(random_bundle_dir, s / "a")
    shutil.copytree(built["other"], s / "other")
    shutil.copytree(built["wide"], s / "wide")
    sess = InspectionSession.open(s / "a", backend="onnx")
    score = sess.analyze(load_image(samples / "scratch_1.png").pixels_HWC).baseline.score
    flip = min(0.999, score + 0.05) if score >= sess.bundle.manifest.threshold else score / 2
    _with_threshold(s / "a", s / "a_thr", flip)
    return s


@pytest.fixture
def win(qtbot, no_leaks, store, samples):  # noqa: ANN201
    w = _make_window(qtbot, store, samples)
    w.start(bundle=store / "a")
    qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
    yield w
    w.close()


def _open_compare(w):  # noqa: ANN001, ANN202 - through the menu, as a user does
    from app.ui.compare_controller import controller

    act = next(a for a in w.actions() if a.text() == "Compare with another bundle…")
    act.trigger()
    c = controller(w, create=False)
    assert c is not None and c.window.isVisible()
    return c


def _choose(qtbot, w, c, folder: Path) -> None:  # noqa: ANN001
    """Pick bundle B in the window's box, then wait until both models have run and the counterparts are measured."""
    combo = c.window.b_combo
    idx = next(i for i in range(combo.count()) if combo.itemData(i, 256) == str(folder))
    combo.setCurrentIndex(idx)
    combo.activated.emit(idx)
    qtbot.waitUntil(lambda: c.session_b is not None and c.b_path == str(folder) and c.corr is not None and c._job is None
                    and c.pair is not None and c.pair.session_b is c.session_b and c.pair.region is not None
                    and not w.client.busy, timeout=WAIT_MS)


def _settle(qtbot, w, c) -> None:  # noqa: ANN001
    """Wait until the pair on screen was computed from A's result on screen."""
    qtbot.waitUntil(lambda: not w.client.busy and c._pair_task is None and c.pair is not None
                    and w.results.shown is not None and c.pair.origin == w.results.shown.request.origin, timeout=WAIT_MS)


def _paint_and_switch_off(qtbot, w, c) -> LatentEdit:  # noqa: ANN001
    w.mask.rectangle(30, 20, 100, 70)
    w.region.on_committed()
    qtbot.waitUntil(lambda: "painted" in w.latent_panel.title.text() and bool(w.latent_panel.cards), timeout=WAIT_MS)
    card = next(iter(w.latent_panel.cards.values()))
    card.on_box.click()
    _settle(qtbot, w, c)
    assert c.pair.origin.edits == (LatentEdit(card.latent, "off"),)
    return c.pair.origin.edits[0]


def test_bundle_list_and_a_bundle_compared_with_itself(qtbot, win, store) -> None:
    w = win
    c = _open_compare(w)
    rows = {Path(tip).name if enabled else text: (enabled, tip) for text, enabled, tip in c.window.candidate_rows()}
    wide = next(v for k, v in rows.items() if "cannot be compared" in k)
    assert not wide[0] and "input size 32×32 vs 48×48" in wide[1] and "classes" in wide[1]  # greyed, with the reason
    assert {"a", "a_thr", "other"} <= set(rows) and all(rows[k][0] for k in ("a", "a_thr", "other"))
    assert any("(the bundle open now)" in t for t, _, _ in c.window.candidate_rows())

    _choose(qtbot, w, c, store / "a")
    po = c.pair.outcome
    assert po.identical and po.verdicts_agree and po.delta_score == 0.0
    assert np.all(c.pair.maps.difference_HW == 0.0) and np.all(po.map_difference_hw == 0.0)
    assert c.pair.maps.a_HW.shape == w.image.pixels_HWC.shape[:2]  # drawn at the image's own geometry
    assert "Exact agreement" in c.window.paired.edits_label.text()
    t = c.window.paired.table
    assert t.item(4, 2).text() == "agree" and t.item(3, 2).text() == "+0.0000"
    # every latent listed in the region is its own counterpart
    for side in ("A", "B"):
        table = c.window.counterparts.tables[side]
        assert table.rowCount() > 0
        for r in range(table.rowCount()):
            assert table.item(r, 2).text().split(" ")[0] == table.item(r, 0).text().split(" ")[0]
            assert table.item(r, 3).text() == "1.00"

    edit = _paint_and_switch_off(qtbot, w, c)
    assert c.pair.edits_b == (edit,) and c.pair.left_out == ()  # the same SAE: A's edits as they are
    assert c.pair.outcome.identical and np.all(c.pair.maps.difference_HW == 0.0)
    assert abs(c.pair.outcome.a.edited.score - w.after.score) < 1e-12  # A's side is the inspector's own result
    assert c.pair.maps.region_outline_HW is not None and c.pair.maps.region_outline_HW[20, 50]
    assert np.array_equal(c.pair.maps_unedited.a_HW, c.pair.maps_unedited.b_HW)  # the unedited maps, one checkbox away
    c.window.paired.unedited.setChecked(True)
    assert f"unedited: {c.pair.outcome.a.baseline.score:.3f}" in c.window.paired.panel_a.title.text


def test_retrained_bundle_counterparts_edits_and_switch_off(qtbot, win, store, samples) -> None:
    w = win
    c = _open_compare(w)
    _choose(qtbot, w, c, store / "other")
    assert not c.pair.outcome.identical
    edit = _paint_and_switch_off(qtbot, w, c)
    c.window.counterparts.controls.setValue(16)
    # the same measured independently, on fresh sessions
    sa, sb = InspectionSession.open(store / "a", backend="onnx"), InspectionSession.open(store / "other", backend="onnx")
    images = sorted(p for p in samples.glob("*.png") if not p.stem.endswith("_mask"))
    corr = correlate_on_images(sa, sb, images)
    assert c.corr_images == tuple(str(p) for p in images)
    img = load_image(w.image.path).pixels_HWC
    sa.analyze(img)
    sb.analyze(img)
    rc = region_counterparts(sa, sb, corr, w.mask.mask)
    shown = c.window.counterparts.tables["A"]
    assert shown.rowCount() == len(rc.a)
    for r, x in enumerate(rc.a):
        assert shown.item(r, 0).text().startswith(f"#{x.summary.id} ")
        assert shown.item(r, 2).text().startswith(f"#{x.counterpart.other} ") == x.counterpart.matched
    moved, left = translate_edits((edit,), corr)
    assert c.pair.edits_b == moved and c.pair.left_out == left
    if left:
        assert "Not carried to B" in c.window.paired.edits_label.text()
    # a row with a counterpart: selecting it selects the counterpart where B lists it; switch both off
    row = next((i for i, x in enumerate(rc.a) if x.counterpart.matched), 0)
    shown.selectRow(row)
    c.window.counterparts.switch_btn.click()
    qtbot.waitUntil(lambda: c.switch is not None and not w.client.busy, timeout=WAIT_MS)
    pair = switch_off_with_counterpart(sa, sb, corr, w.mask.mask, rc.a[row].summary.id, "A", controls=16, seed=0)
    got = c.switch[0]
    assert got.a.latent == pair.a.latent and got.a.delta_score == pytest.approx(pair.a.delta_score, abs=1e-9)
    assert (got.b is None) == (pair.b is None)
    if pair.b is not None:
        assert got.b.latent == rc.a[row].counterpart.other and got.b.delta_score == pytest.approx(pair.b.delta_score, abs=1e-9)
    assert f"A's #{pair.a.latent} off: Δscore {pair.a.delta_score:+.4f}" in c.window.counterparts.switch_text.text()


def test_folder_comparison_lists_changed_parts_that_open_with_one_click(qtbot, win, store, samples) -> None:
    w = win
    c = _open_compare(w)
    _choose(qtbot, w, c, store / "a_thr")
    c.window.folder.controls.setValue(4)
    c.window.folder.run_btn.click()
    qtbot.waitUntil(lambda: c.folder is not None and c._job is None and not w.client.busy, timeout=WAIT_MS)
    fc = c.folder[0]
    assert [p.part_type for p in fc.parts] == ["good", "scratch"]  # ok_1, scratch_1 with its mask
    names = [Path(p.path).name for p in fc.changed]
    assert "scratch_1.png" in names  # B's threshold was set to judge it the other way
    changed = c.window.folder.changed
    assert changed.count() == len(fc.changed)
    types = c.window.folder.types
    assert [types.item(r, 0).text() for r in range(types.rowCount())] == ["good", "scratch", "all parts"]
    assert "scratch" in c.window.folder.reasons.toPlainText()  # the type with ground truth has its reasons
    w.documents.open_image(samples / "ok_1.png")
    qtbot.waitUntil(lambda: Path(w.image.path).name == "ok_1.png" and not w.client.busy, timeout=WAIT_MS)
    item = changed.item(names.index("scratch_1.png"))
    qtbot.mouseClick(changed.viewport(), Qt.MouseButton.LeftButton, pos=changed.visualItemRect(item).center())
    qtbot.waitUntil(lambda: Path(w.image.path).name == "scratch_1.png" and not w.client.busy, timeout=WAIT_MS)


def test_long_work_is_cancelled_and_the_inspector_keeps_working(qtbot, win, store, samples, tmp_path) -> None:
    w = win
    many = tmp_path / "many"
    many.mkdir()
    rng = np.random.default_rng(5)
    for i in range(60):
        Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)).save(many / f"part_{i:03d}.png")
    w.documents.open_folder(many)
    qtbot.waitUntil(lambda: Path(w.image.path).parent == many and w.after is not None and not w.client.busy, timeout=WAIT_MS)
    c = _open_compare(w)
    c.choose_b(os.path.relpath(store / "other"))  # as a command line or a session may spell it
    qtbot.waitUntil(lambda: c._job is not None, timeout=WAIT_MS)  # the counterparts start by themselves on the folder
    assert c.window.b_combo.currentIndex() > 0 and "in other/" in c.window.b_combo.currentText()  # B is shown chosen
    assert sum("in other/" in t for t, _, _ in c.window.candidate_rows()) == 1  # and listed once
    assert c.window.cancel_btn.isVisible() and "Measuring counterparts" in c.window.status.text()
    c.window.cancel_btn.click()
    qtbot.waitUntil(lambda: c._job is None and not w.client.busy, timeout=WAIT_MS)
    assert c.corr is None and "Cancelled" in c.window.status.text() and not c.window.cancel_btn.isVisible()
    base = w.after.score
    w.mask.rectangle(10, 10, 60, 60)
    w.region.on_committed()
    qtbot.waitUntil(lambda: "painted" in w.latent_panel.title.text() and bool(w.latent_panel.cards), timeout=WAIT_MS)
    next(iter(w.latent_panel.cards.values())).on_box.click()
    qtbot.waitUntil(lambda: not w.client.busy and w.after.score != base, timeout=WAIT_MS)
    _settle(qtbot, w, c)
    assert c.pair.left_out == c.pair.origin.edits and "not been measured" in c.pair.left_why  # said, not hidden


def test_an_incomparable_bundle_is_refused_with_the_reason(qtbot, win, store) -> None:
    w = win
    c = _open_compare(w)
    c.choose_b(str(store / "wide"))
    assert c.session_b is None and c.loader is None
    assert "cannot be compared with A: input size 32×32 vs 48×48" in c.window.status.text()
    _choose(qtbot, w, c, store / "a_thr")
    w.bundles.open_bundle(store / "wide")  # A becomes a bundle B cannot be compared with: B goes, with why
    qtbot.waitUntil(lambda: w.session is not None and w.session.bundle.root == store / "wide", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: c.session_b is None, timeout=WAIT_MS)
    assert "cannot be compared with B" in c.window.status.text()


def test_session_and_pdf_carry_the_comparison(qtbot, win, store, tmp_path) -> None:
    from pypdf import PdfReader

    from app.ui.export_dialog import ExportOptions

    w = win
    c = _open_compare(w)
    _choose(qtbot, w, c, store / "other")
    _paint_and_switch_off(qtbot, w, c)
    c.window.counterparts.controls.setValue(8)
    c.window.counterparts.tables["A"].selectRow(0)
    c.window.counterparts.switch_btn.click()
    qtbot.waitUntil(lambda: c.switch is not None and not w.client.busy, timeout=WAIT_MS)
    path = tmp_path / "s.json"
    assert w.files.save(path)
    saved = json.loads(path.read_text())["analyses"]["compare"]
    b_hash = c.session_b.bundle.hash
    assert saved["bundle_b"]["hash"] == b_hash and Path(saved["bundle_b"]["path"]) == (store / "other").resolve()
    assert saved["counterpart_images"] == list(c.corr_images) and saved["switch_off"]["controls"] == 8

    done: list = []
    w.exportFinished.connect(done.append)
    out = tmp_path / "f.pdf"
    assert w.exporter.export(ExportOptions(out)) is not None
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert done[-1].ok, done[-1].error
    comp = json.loads(PdfReader(str(out)).attachments["findings.json"][0])["comparison"]
    assert comp["b"]["hash"] == b_hash and comp["switch_off"]["a"]["latent"] == c.switch[2].latent
    assert comp["a"]["after"]["score"] == pytest.approx(w.after.score)  # the result on screen
    text = " ".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Comparison with a second model" in text and "A latent and its counterpart switched off" in text

    c._drop_b()  # the comparison goes; loading the session brings it back, measured on the saved parts
    c.b_path = None
    assert c.session_b is None
    assert w.files.load(path)
    qtbot.waitUntil(lambda: c.session_b is not None and c.corr is not None and c._job is None and not w.client.busy,
                    timeout=WAIT_MS)
    assert c.session_b.bundle.hash == b_hash and c.corr_images == tuple(saved["counterpart_images"])
