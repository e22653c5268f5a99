"""GUI entry point: ``run_gui(image, bundle, backend) -> exit code``.

The window appears first; the bundle (and torch, lazily, inside the engine) loads in a
worker thread afterwards, so start-up feels instant.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMOKE_SHOT_ENV = "SAE_INSPECTOR_SMOKE_SCREENSHOT"


def _install_translator(app) -> str:  # noqa: ANN001
    """The Japanese font, and the translators for the configured UI language (app.ui.i18n)."""
    from app.ui.i18n import setup_language

    return setup_language(app)


def _guard_none_refcount() -> None:
    """Work around a PySide6 6.12 binding bug on Python < 3.12.

    In PySide6 6.12.0 most void-returning calls (``QWidget.update()``, ``QTimer.start()``,
    ``processEvents()``, ...) drop one reference to ``None`` each; on Python 3.11, where
    ``None`` is not immortal, the interpreter aborts ("none_dealloc") after some 20,000 such
    calls, i.e. a few thousand brush moves. Until the pin moves to a fixed PySide6 (6.11.3 is
    fine), give ``None`` the practically infinite reference count that Python 3.12 gives it.
    """
    import ctypes

    import PySide6

    if sys.version_info >= (3, 12) or not PySide6.__version__.startswith("6.12"):
        return
    ref = ctypes.c_ssize_t.from_address(id(None))
    if ref.value < (1 << 40):
        ref.value += 1 << 40


def make_app(argv: list[str] | None = None):  # noqa: ANN201
    _guard_none_refcount()
    import pyqtgraph as pg
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QCoreApplication.setOrganizationName("SAE Inspector")
        QCoreApplication.setApplicationName("SAE Inspector")
        app = QApplication(argv if argv is not None else sys.argv[:1])
    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)
    from app.ui.style import apply_style

    apply_style(app)
    _install_translator(app)
    return app


def run_gui(image: str | None = None, bundle: str | None = None, backend: str = "auto") -> int:
    app = make_app()
    from app.ui.main_window import MainWindow

    win = MainWindow(backend=backend)
    win.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: win.start(bundle=bundle, image=image))
    shot = os.environ.get(SMOKE_SHOT_ENV)
    if shot:  # CI smoke test: grab the window after the first result, then quit
        def _grab(_rid: int) -> None:
            QTimer.singleShot(300, lambda: (win.grab().save(shot), app.quit()))

        win.resultShown.connect(_grab)
    code = app.exec()
    win.shutdown()
    return int(code)
