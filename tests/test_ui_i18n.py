# ruff: noqa: F811  (pytest fixtures imported from test_ui_main are parameters here)
"""Japanese UI: every visible string of the main window is translated, errors are shown by code
in the UI language, the shipped Japanese font is registered, and the language setting sticks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")
from test_ui_main import WAIT_MS, _data_dir, _make_window, no_leaks, samples  # noqa: E402, F401

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "sae_inspector_ja.ts"
QM = ROOT / "resources" / "i18n" / "sae_inspector_ja.qm"

# visible texts that are the same in every language: numbers, ids, names, units, file names
UNTRANSLATABLE = [
    r"^$", r"^[\s\d.,:;%+\-−–×±Δ#()/\[\]…·|<>=]*$",  # numbers, signs, punctuation
    r"^#\d+$", r"^Δ [+\-−]?\d", r"^r$", r"^SAE Inspector( — .*)?$", r"^English$", r"^日本語$", r"^✕$",
    r"^ONNX", r"^onnxruntime", r"^torch", r"^CPU", r"^CUDA", r"^GPU$", r"^Python$",
    r"\.(png|jpe?g|tiff?|bmp|webp|json|pdf)$", r"^(inferno|viridis|magma|plasma|turbo|gray|grey|cividis|hot|jet)$",
    r"^latent \d+$",  # automatic labels of a bundle without names (data, not UI)
    r"sha [0-9a-f]+…",  # the bundle's name, version and hash
]


def _sources() -> set[str]:
    root = ET.parse(TS).getroot()
    return {m.findtext("source") for m in root.iter("message")}


@pytest.fixture
def japanese(qapp, monkeypatch):
    from app.ui.i18n import LANG_ENV, current_language, install_translators

    monkeypatch.setenv(LANG_ENV, "ja")
    from app.ui.app import make_app

    make_app()
    assert current_language() == "ja"
    yield
    install_translators(qapp, "en")
    assert current_language() == "en"


def _visible_texts(w) -> list[tuple[str, str]]:  # noqa: ANN001
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QDockWidget,
        QGroupBox,
        QLabel,
        QLineEdit,
        QMenu,
        QPlainTextEdit,
        QTableWidget,
        QToolBar,
        QWidget,
    )

    out: list[tuple[str, str]] = []
    for wid in w.findChildren(QWidget):
        if not wid.isVisibleTo(w):
            continue
        kind = type(wid).__name__
        if isinstance(wid, QLabel):
            out.append((kind, wid.text()))
        elif isinstance(wid, QAbstractButton):
            out.append((kind, wid.text()))
        elif isinstance(wid, QGroupBox):
            out.append((kind, wid.title()))
        elif isinstance(wid, QDockWidget):
            out.append((kind, wid.windowTitle()))
        elif isinstance(wid, QToolBar):
            out.append((kind, wid.windowTitle()))
        elif isinstance(wid, (QLineEdit, QPlainTextEdit)):
            out.append((kind + ".placeholder", wid.placeholderText()))
        elif isinstance(wid, QComboBox) and wid is not w.bundle_combo and wid is not w.layers.cmap:
            out += [(kind + ".item", wid.itemText(i)) for i in range(wid.count())]
        elif isinstance(wid, QTableWidget):
            out += [(kind + ".header", wid.horizontalHeaderItem(i).text()) for i in range(wid.columnCount())]
        if wid.toolTip():
            out.append((kind + ".tooltip", wid.toolTip()))

    def walk(menu: QMenu) -> None:
        out.append(("QMenu", menu.title()))
        for a in menu.actions():
            if a.menu() is not None:
                walk(a.menu())
            elif not a.isSeparator():
                out.append(("QAction", a.text()))
                if a.statusTip():
                    out.append(("QAction.statusTip", a.statusTip()))

    for a in w.menuBar().actions():
        if a.menu() is not None:
            walk(a.menu())
    for tb in w.findChildren(QToolBar):
        for a in tb.actions():
            if a.text():
                out.append(("QToolBar.action", a.text()))
            if a.toolTip() and a.toolTip() != a.text():
                out.append(("QToolBar.tooltip", a.toolTip()))
    return out


def _untranslated(texts: list[tuple[str, str]], sources: set[str], data: set[str]) -> list[tuple[str, str]]:
    """``data``: the bundle's own latent labels and class names (model data, not UI text)."""
    pats = [re.compile(p) for p in UNTRANSLATABLE]
    bad = []
    for kind, t in texts:
        t0 = t.replace("&", "").strip()
        if t0 in data or any(p.search(t0) for p in pats):
            continue
        # text that equals an English source string, or plain English words never put through tr()
        ascii_words = re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.'’:;()\-/…?!]*", t0) is not None and len(t0) > 2
        if t in sources or t0 in sources or ascii_words:
            bad.append((kind, t))
    return bad


def test_main_window_fully_japanese(qtbot, no_leaks, japanese, random_bundle_dir, samples, tmp_path) -> None:  # noqa: F811
    assert QM.is_file(), "compile resources/i18n/sae_inspector_ja.ts with pyside6-lrelease"
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    try:
        _check_japanese(qtbot, w, random_bundle_dir, tmp_path)
    finally:
        w.close()


def _check_japanese(qtbot, w, random_bundle_dir, tmp_path) -> None:  # noqa: ANN001
    from PySide6.QtGui import QFontDatabase

    w.start(bundle=random_bundle_dir)
    qtbot.waitUntil(lambda: w.image is not None and w.after is not None and not w.client.busy, timeout=WAIT_MS)
    w.mask.rectangle(30, 20, 100, 70)
    w.region.on_committed()
    qtbot.waitUntil(lambda: bool(w.latent_panel.cards) and not w.client.busy, timeout=WAIT_MS)
    shown: list[str] = []
    w.effectShown.connect(shown.append)
    w.effects.top.setValue(6)
    w.effects.controls.setValue(6)
    w.effects.rank_btn.click()
    qtbot.waitUntil(lambda: "rank" in shown, timeout=WAIT_MS)
    qtbot.wait(50)

    texts = _visible_texts(w)
    assert len(texts) > 80
    bad = _untranslated(texts, _sources(), {*w.latent_panel.auto_labels, *w.session.class_names})
    assert not bad, f"untranslated under Japanese: {bad}"
    # spot checks: menus, docks, verdict, status, buttons
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles[0] == "ファイル(&F)" and "設定(&S)" in titles
    assert w.tabs.tabText(1) == "効果" and w.latent_dock.windowTitle() == "潜在特徴"
    assert w.effects.rank_btn.text() == "領域内の潜在特徴を効果順に並べる"
    assert w.verdict.before_verdict.text() in ("良品", "不良")
    assert "IPAexGothic" in QFontDatabase.families()
    # at a line PC's 1366×768 no Japanese string of the side panels or the Effects tab is clipped
    from test_ui_linepc import clipped

    w.resize(1350, 728)
    for tab in (0, 1):
        w.tabs.setCurrentIndex(tab)
        qtbot.wait(100)
        for part in (w.verdict_dock, w.latent_dock, w.tabs.currentWidget(), w.statusBar()):
            assert not clipped(part), clipped(part)
    w.layers_dock.raise_()
    qtbot.wait(50)
    assert not clipped(w.layers_dock), clipped(w.layers_dock)
    w.grab().save(str(tmp_path / "ja.png"))


def test_qt_base_translations_are_loaded_for_japanese(japanese) -> None:
    """Qt's own dialogs (message boxes, file dialogs) speak Japanese too: qtbase_ja.qm from PySide6's
    translations folder (QLibraryInfo), not only the app's catalogue."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Discard
                           | QDialogButtonBox.StandardButton.Cancel)
    assert sorted(b.text() for b in box.buttons()) == sorted(["保存", "変更を破棄", "キャンセル"])
    assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
    box.deleteLater()


def test_error_codes_translated(japanese) -> None:
    from app.core.errors import InspectorError
    from app.ui.error_text import ERROR_TEXT, error_message

    e = InspectorError("image_empty", "part.png is empty (0 bytes)", path="/data/part.png")
    assert error_message(e) == "part.png は空です(0 バイト)。"
    e = InspectorError("latent_range", "latent 99 does not exist: this SAE has latents 0..63", latent=99, width=64)
    assert error_message(e) == "潜在特徴 99 は存在しません。この SAE の潜在特徴は 0 〜 63 です。"
    e = InspectorError("bad_manifest", "threshold 2 is outside 0..1")
    assert error_message(e).endswith("threshold 2 is outside 0..1") and "マニフェスト" in error_message(e)
    # unknown code, or params missing: the engine's English message
    assert error_message(InspectorError("brand_new", "something new")) == "something new"
    assert error_message(InspectorError("exists", "x exists")) == "x exists"  # no path param
    assert len(ERROR_TEXT) >= 30


def test_error_codes_english_keep_engine_message(qapp) -> None:
    from app.core.errors import InspectorError
    from app.ui.error_text import error_message
    from app.ui.i18n import install_translators

    install_translators(qapp, "en")
    e = InspectorError("schema_version", "bundle.json has schema_version 99; this app reads 1", found=99, expected=1)
    assert error_message(e) == e.message


def test_every_error_template_has_a_japanese_translation() -> None:
    from app.ui.error_text import ERROR_TEXT

    root = ET.parse(TS).getroot()
    done = {
        m.findtext("source")
        for c in root.iter("context") if c.findtext("name") == "ErrorText"
        for m in c.iter("message") if m.find("translation").get("type") is None and m.findtext("translation")
    }
    assert set(ERROR_TEXT.values()) <= done
    # and no message of the whole UI is left unfinished
    unfinished = [m.findtext("source") for m in root.iter("message") if m.find("translation").get("type") == "unfinished"]
    assert not unfinished


def test_language_setting_and_system_locale(qapp, monkeypatch, tmp_path) -> None:
    from PySide6.QtCore import QLocale, QSettings

    from app.ui import i18n

    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    s = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(i18n, "system_language", lambda: "ja")
    assert i18n.ui_language(s) == "ja"  # follows the system locale by default
    s.setValue(i18n.LANGUAGE_KEY, "en")
    assert i18n.ui_language(s) == "en"  # the user's choice wins
    s.setValue(i18n.LANGUAGE_KEY, "system")
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    assert i18n.ui_language(s) == "en"
    assert i18n.system_language() in ("en", "ja")
    del QLocale  # imported to document the dependency


def test_language_menu_writes_the_setting(qtbot, no_leaks, samples, tmp_path, monkeypatch) -> None:  # noqa: F811
    from app.ui import i18n

    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    store = tmp_path / "store"
    store.mkdir()
    w = _make_window(qtbot, store, samples)
    ja = next(a for a in w.menus.lang_group.actions() if a.data() == "ja")
    ja.trigger()
    assert w.settings.value(i18n.LANGUAGE_KEY) == "ja"
    assert i18n.ui_language(w.settings) == "ja"
    assert w.banner.isVisible()
    w.close()
