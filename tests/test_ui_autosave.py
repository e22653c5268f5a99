# ruff: noqa: F811  (pytest fixtures imported from other test modules are parameters here)
"""Work is never lost: an autosave per running instance behind its own QLockFile; a crashed
(kill -9) instance's work is kept aside until restored or discarded; instances never touch each
other's files; a failing autosave keeps the last good one and shows a warning that stays."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples  # noqa: E402, F401
from test_ui_xvfb import xvfb_display  # noqa: E402, F401

ROOT = Path(__file__).resolve().parents[1]


def _open(qtbot, store: Path, samples: Path, bundle: Path):  # noqa: ANN202
    w = _make_window(qtbot, store, samples)
    w.start(bundle=bundle)
    qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
    return w


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from app.ui.app import make_app
app = make_app()
from app.core.edits import LatentEdit
from app.ui.main_window import MainWindow
w = MainWindow(backend="onnx", store_dir={store!r}, samples_dir={samples!r})
w.show()
w.start(bundle={bundle!r})
t0 = time.time()
while not (w.image is not None and w.after is not None and not w.client.busy):
    app.processEvents()
    time.sleep(0.01)
    assert time.time() - t0 < 300, "the window did not open"
w.mask.rectangle(10, 10, 40, 40)
w.region.on_committed()
w.controls.set_edits((LatentEdit(3, "add", -0.5), LatentEdit(5, "off")))
w.latent_panel.rebuild()
w.notes.setPlainText("half an hour of work")
assert w.autosave.save_now()
print(w.autosave.path, flush=True)
while True:
    app.processEvents()
    time.sleep(0.05)
"""


@pytest.mark.xvfb
@pytest.mark.slow
def test_killed_instance_is_restored_in_a_new_one(qtbot, no_leaks, xvfb_display, random_bundle_dir, samples, tmp_path,
                                                  _data_dir) -> None:
    from app.core.edits import LatentEdit

    store = tmp_path / "store"
    store.mkdir()
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(CHILD.format(root=str(ROOT), store=str(store), samples=str(samples),
                                                   bundle=str(random_bundle_dir))))
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", SAE_INSPECTOR_DATA_DIR=str(_data_dir))
    child = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        crashed = Path(child.stdout.readline().strip())
    finally:
        child.send_signal(signal.SIGKILL)  # a crash: nothing gets to clean up
        child.wait(timeout=60)
    assert crashed.is_file() and crashed.with_suffix(".lock").is_file()
    saved = crashed.read_bytes()

    w = _open(qtbot, store, samples, random_bundle_dir)
    try:
        assert w.banner.isVisible() and w.banner.action.text() == "Restore" and w.banner.action2.text() == "Discard"
        # the user paints before deciding: their autosave goes to their own file, the crashed one stays whole
        w.mask.rectangle(50, 50, 60, 60)
        w.region.on_committed()
        qtbot.waitUntil(lambda: w.autosave.path.is_file(), timeout=5000)
        assert w.autosave.path != crashed and crashed.read_bytes() == saved
        shown: list[str] = []
        w.imageShown.connect(shown.append)
        w.banner.action.click()  # Restore
        qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
        assert w.mask.data[20, 20] and int(w.mask.data.sum()) == 31 * 31
        assert w.controls.edits() == (LatentEdit(3, "add", -0.5), LatentEdit(5, "off"))
        assert w.notes.toPlainText() == "half an hour of work"
        assert not crashed.exists() and not crashed.with_suffix(".lock").exists()  # restored: the marker goes
        from app.core.document import load_session

        doc, mask = load_session(w.autosave.path)  # and the work now lives in this instance's autosave
        assert doc.notes == "half an hour of work" and mask is not None and int(mask.sum()) == 31 * 31
    finally:
        w.close()
    assert _files(w.autosave.folder) == set()  # a clean exit leaves nothing behind


def test_two_instances_and_a_crash_marker(qtbot, no_leaks, random_bundle_dir, samples, tmp_path, _data_dir) -> None:
    store = tmp_path / "store"
    store.mkdir()
    w1 = _open(qtbot, store, samples, random_bundle_dir)
    w2 = _open(qtbot, store, samples, random_bundle_dir)
    folder = w1.autosave.folder
    try:
        assert w1.autosave.path != w2.autosave.path and w1.autosave.folder == w2.autosave.folder
        w1.notes.setPlainText("first")
        w2.notes.setPlainText("second")
        assert w1.autosave.save_now() and w2.autosave.save_now()
        from app.core.document import load_session

        assert load_session(w1.autosave.path)[0].notes == "first"
        assert load_session(w2.autosave.path)[0].notes == "second"  # neither overwrote the other
        # a third instance dies holding its lock (a real process, killed)
        dead = folder / "autosave-dead.json"
        dead.write_bytes(w1.autosave.path.read_bytes())
        code = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); from PySide6.QtCore import QLockFile; "
                f"l = QLockFile({str(dead.with_suffix('.lock'))!r}); assert l.tryLock(0); print('locked', flush=True); "
                "time.sleep(120)")
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "locked"
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        w1.close()  # a clean exit removes its own files only
        assert not w1.autosave.path.exists()
        assert w2.autosave.path.is_file() and Path(w2.autosave.lock.fileName()).is_file()
        assert dead.is_file() and dead.with_suffix(".lock").is_file()  # another's crash marker is kept
        w3 = _make_window(qtbot, store, samples)
        w4 = _make_window(qtbot, store, samples)
        try:
            assert [o.path for o in w3.autosave.orphans] == [dead]  # the dead one, not w2's live one
            assert w3.banner.isVisible() and w3.banner.action.text() == "Restore"
            assert w4.autosave.orphans == [] and not w4.banner.isVisible()  # claimed by w3: offered once
            w3.banner.action2.click()  # Discard
            assert not dead.exists() and not dead.with_suffix(".lock").exists()
            assert w2.autosave.path.is_file()
        finally:
            w3.close()
            w4.close()
    finally:
        w1.close()
        w2.close()
    assert _files(folder) == set()


def test_failing_autosave_keeps_the_last_good_one_and_warns_until_it_works(qtbot, no_leaks, random_bundle_dir, samples,
                                                                          tmp_path, monkeypatch) -> None:
    store = tmp_path / "store"
    store.mkdir()
    w = _open(qtbot, store, samples, random_bundle_dir)
    try:
        w.notes.setPlainText("good")
        assert w.autosave.save_now()
        good = w.autosave.path.read_bytes()

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fsync", full)
        w.mask.rectangle(5, 5, 30, 30)
        w.region.on_committed()
        w.notes.setPlainText("newer work")
        qtbot.waitUntil(lambda: w.autosave.failing is not None, timeout=5000)
        bar = w.autosave_banner
        assert bar.isVisible() and bar.level == "error" and "failing" in bar.text.text()
        assert "space" in bar.text.text() and "kept" in bar.text.text() and bar.action.isVisible()
        assert w.autosave.path.read_bytes() == good  # the last good autosave is intact
        assert not [p for p in w.autosave.folder.iterdir() if p.name.endswith(".tmp")]
        w.banner.show_message("another message", "info")  # other messages do not hide the warning
        qtbot.wait(300)
        assert bar.isVisible()
        monkeypatch.undo()
        w.notes.setPlainText("newer work, saved")
        qtbot.waitUntil(lambda: w.autosave.failing is None, timeout=5000)
        assert not bar.isVisible()
        from app.core.document import load_session

        doc, mask = load_session(w.autosave.path)
        assert doc.notes == "newer work, saved" and mask is not None and np.count_nonzero(mask) == 26 * 26
    finally:
        w.close()


def test_an_unusable_autosave_folder_is_said_not_fatal(qtbot, no_leaks, samples, tmp_path, _data_dir) -> None:
    _data_dir.mkdir(parents=True, exist_ok=True)
    (_data_dir / "autosave").write_text("a file where the folder should be")  # no lock can be made there
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    try:
        bar = w.autosave_banner
        assert bar.isVisible() and bar.level == "error" and "cannot create" in bar.text.text()
        assert w.autosave.orphans == []
    finally:
        w.close()
