"""GUI entry point: ``run_gui(image, bundle, backend) -> exit code``.

The window appears first; the bundle (and torch, lazily, inside the engine) loads in a
worker thread afterwards, so start-up feels instant.
"""

from __future__ import annotations

import os
import sys

SMOKE_SHOT_ENV = "SAE_INSPECTOR_SMOKE_SCREENSHOT"


def _install_translator(app) -> str:  # noqa: ANN001
    """The Japanese font, and the translators for the configured UI language (app.ui.i18n)."""
    from app.ui.i18n import setup_language

    return setup_language(app)


def make_app(argv: list[str] | None = None):  # noqa: ANN201
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
