"""The UI language: Qt translators and the shipped Japanese font.

- The language follows ``QLocale.system()`` unless the user chose one in Settings → Language
  (QSettings ``ui/language``: ``system``, ``en`` or ``ja``; applied at the next start), or the
  ``SAE_INSPECTOR_LANG`` environment variable says otherwise (tests, support).
- ``resources/i18n/sae_inspector_<lang>.qm`` is compiled from ``sae_inspector_<lang>.ts`` with
  ``pyside6-lrelease`` (workflow in ``resources/i18n/README.md``); Qt's own ``qtbase_<lang>.qm``
  (standard buttons of message boxes and file dialogs) is loaded too.
- ``resources/fonts/ipaexg.ttf`` (IPAexGothic) is registered with Qt at start-up and added as a
  fallback family, so a line PC without Japanese fonts still renders the UI and the notes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

LANGUAGE_KEY = "ui/language"
LANG_ENV = "SAE_INSPECTOR_LANG"
UI_LANGS = ("en", "ja")
FONT_FAMILY_FALLBACK = "IPAexGothic"

_installed: list[QTranslator] = []
_current = "en"
_font_family: str | None = None


def _root() -> Path:
    return Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))


def i18n_dir() -> Path:
    return _root() / "resources" / "i18n"


def font_path() -> Path:
    from app.core.resources import japanese_font_path

    return japanese_font_path()


def system_language() -> str:
    return "ja" if QLocale.system().language() == QLocale.Language.Japanese else "en"


def ui_language(settings: QSettings | None = None) -> str:
    """"en" or "ja": the environment override, else the user's choice, else the system locale."""
    env = os.environ.get(LANG_ENV, "").strip().lower()
    if env in UI_LANGS:
        return env
    if settings is None:
        from app.ui.settings import app_settings

        settings = app_settings()
    choice = str(settings.value(LANGUAGE_KEY, "system") or "system")
    return choice if choice in UI_LANGS else system_language()


def current_language() -> str:
    """The language whose translators are installed now."""
    return _current


def install_translators(app: QCoreApplication, lang: str) -> bool:
    """Replace the installed translators by ``lang``'s; True when the app's own catalogue loaded
    (English needs none)."""
    global _current
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    _current = "en"
    if lang not in UI_LANGS or lang == "en":
        return True
    ok = False
    own = QTranslator(app)
    if own.load(f"sae_inspector_{lang}", str(i18n_dir())):
        app.installTranslator(own)
        _installed.append(own)
        ok = True
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    if ok:
        _current = lang
    return ok


def register_fonts(app) -> str | None:  # noqa: ANN001 - QApplication
    """Register the shipped Japanese font and add it as the fallback family; returns its family."""
    global _font_family
    if _font_family is not None:
        return _font_family
    from PySide6.QtGui import QFontDatabase

    p = font_path()
    if not p.is_file():
        return None
    fid = QFontDatabase.addApplicationFont(str(p))
    fams = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    if not fams:
        return None
    _font_family = fams[0]
    f = app.font()
    families = [x for x in f.families() or [f.family()] if x != _font_family]
    f.setFamilies([*families, _font_family])
    app.setFont(f)
    return _font_family


def setup_language(app, settings: QSettings | None = None) -> str:  # noqa: ANN001
    """Fonts and translators for the configured language; returns the language in use."""
    register_fonts(app)
    lang = ui_language(settings)
    install_translators(app, lang)
    return current_language()
