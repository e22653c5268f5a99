# ruff: noqa: F811  (pytest fixtures imported from other test modules are parameters here)
"""A session file the GUI cannot use is one message, and nothing of it is restored (issue 18 §5).

The issue's case: wrong field types in a session made the GUI restore half of it (the mask, not
the edits) and say nothing. Here each bad file leaves the window exactly as it was: the same
image, region, edits, threshold and notes, with one error message in the banner.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from test_ui_main import WAIT_MS, _data_dir, no_leaks, samples, window  # noqa: E402, F401


def _state(w) -> tuple:  # noqa: ANN001
    return (w.image.path, w.mask.data.copy(), w.controls.edits(), w.results.threshold.value, w.notes.toPlainText())


def _same(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def _saved_session(w, tmp_path: Path) -> dict:  # noqa: ANN001
    """The window's own session, saved with a region, an edit and notes, as JSON to damage."""
    from app.core.edits import LatentEdit

    w.mask.rectangle(20, 20, 50, 40)
    w.region.on_committed()
    w.controls.set_edits((LatentEdit(2, "off"),))
    w.notes.setPlainText("from the file")
    path = tmp_path / "good.json"
    assert w.files.save(path)
    return json.loads(path.read_text(encoding="utf-8"))


def _damaged(good: dict, w) -> dict[str, str]:  # noqa: ANN001
    width = w.session.width
    return {
        "edits as text": json.dumps({**good, "edits": "3:off"}),
        "notes a number": json.dumps({**good, "notes": 5}),
        "threshold as text": json.dumps({**good, "threshold": "0.5"}),
        "an edit's latent as text": json.dumps({**good, "edits": [{"latent": "3", "op": "off"}]}),
        "a latent this SAE does not have": json.dumps({**good, "edits": [{"latent": width + 7, "op": "off"}]}),
        "a 5000-digit number": json.dumps(good).replace('"notes"', '"n": ' + "1" * 5000 + ', "notes"', 1),
        "deeply nested": "[" * 100_000 + "]" * 100_000,
        "not JSON": "{this is not json",
    }


def test_a_bad_session_is_one_message_and_restores_nothing(qtbot, window, tmp_path: Path) -> None:
    w = window
    good = _saved_session(w, tmp_path)
    # the user's current work, different from the file's
    w.region.clear()
    w.mask.rectangle(60, 10, 90, 30)
    w.region.on_committed()
    w.controls.set_edits(())
    w.notes.setPlainText("my current notes")
    qtbot.waitUntil(lambda: not w.client.busy, timeout=WAIT_MS)
    before = _state(w)
    shown: list[str] = []
    w.imageShown.connect(shown.append)
    for name, text in _damaged(good, w).items():
        p = tmp_path / "bad.json"
        p.write_text(text, encoding="utf-8")
        w.banner.dismiss()
        assert w.files.load(p) is False, name
        msg = w.banner.text.text()
        assert w.banner.isVisible() and w.banner.level == "error", name
        assert msg and "\n" not in msg and "Traceback" not in msg, (name, msg)
        assert w.files.take_pending() is None, name  # nothing waits to be applied once the image opens
        qtbot.wait(100)
        assert shown == [] and _same(_state(w), before), name
    assert "latent" in msg or "session" in msg.lower()


def test_a_good_session_still_restores_after_bad_ones(qtbot, window, tmp_path: Path) -> None:
    """The guard refuses bad files only: the damaged file's good original restores whole."""
    w = window
    good = _saved_session(w, tmp_path)
    mask = w.mask.data.copy()
    w.region.clear()
    w.controls.set_edits(())
    w.notes.setPlainText("")
    (tmp_path / "bad.json").write_text(json.dumps({**good, "edits": [{"latent": w.session.width, "op": "off"}]}))
    assert w.files.load(tmp_path / "bad.json") is False
    shown: list[str] = []
    w.imageShown.connect(shown.append)
    assert w.files.load(tmp_path / "good.json")
    qtbot.waitUntil(lambda: bool(shown) and not w.client.busy, timeout=WAIT_MS)
    assert np.array_equal(w.mask.data, mask) and w.notes.toPlainText() == "from the file"
    assert [e.latent for e in w.controls.edits()] == [2]
