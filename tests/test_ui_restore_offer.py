# ruff: noqa: F811  (pytest fixtures imported from other test modules are parameters here)
"""A crashed instance's work stays offered until the user restores or discards it (issue 18 §1).

Offscreen and quick, beside the real kill -9 under Xvfb in tests/test_ui_autosave.py: the offer
must survive the first image being shown (which clears the banner's other messages).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples  # noqa: E402, F401


def test_the_restore_offer_outlives_the_first_image(qtbot, no_leaks, random_bundle_dir, samples, tmp_path, _data_dir) -> None:
    from app.core.document import SessionDocument, save_session
    from app.core.edits import LatentEdit

    folder = _data_dir / "autosave"
    folder.mkdir(parents=True)
    crashed = folder / "autosave-4242-deadbeef.json"  # no live process holds its lock: a crash
    mask = np.zeros((96, 128), bool)
    mask[10:30, 10:40] = True
    save_session(crashed, SessionDocument(image_path=str(samples / "scratch_1.png"), image_sha256="", bundle={},
                                          edits=(LatentEdit(1, "off"),), notes="crashed work"), mask)
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    try:
        w.start(bundle=random_bundle_dir)
        qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
        assert w.banner.isVisible() and w.banner.action.text() == "Restore", w.banner.text.text()
        assert crashed.is_file()
        shown: list[str] = []
        w.imageShown.connect(shown.append)
        w.banner.action.click()
        qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
        assert w.notes.toPlainText() == "crashed work" and int(w.mask.data.sum()) == int(mask.sum())
        assert not crashed.exists() and not w.banner.isVisible()  # restored: offered no more
    finally:
        w.close()


def test_discard_removes_the_offer_and_the_file(qtbot, no_leaks, random_bundle_dir, samples, tmp_path, _data_dir) -> None:
    from app.core.document import SessionDocument, save_session

    folder = _data_dir / "autosave"
    folder.mkdir(parents=True)
    crashed = folder / "autosave-4243-deadbeef.json"
    save_session(crashed, SessionDocument(image_path=str(samples / "ok_1.png"), image_sha256="", bundle={}), None)
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    try:
        w.start(bundle=random_bundle_dir)
        qtbot.waitUntil(lambda: w.image is not None and not w.client.busy, timeout=WAIT_MS)
        assert w.banner.isVisible() and w.banner.action2.text() == "Discard"
        w.banner.action2.click()
        assert not crashed.exists() and not w.banner.isVisible()
        shown: list[str] = []
        w.imageShown.connect(shown.append)
        w.documents.open_image(Path(samples / "ok_1.png"))  # another image: nothing is offered again
        qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
        assert not w.banner.isVisible()
    finally:
        w.close()
