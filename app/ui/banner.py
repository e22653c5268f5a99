"""A message strip above the canvas: errors, backend notices, crash-restore offers.

Non-blocking (no modal dialog), so a message never stops the user's work."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class Banner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("bannerText")
        lay.addWidget(self.text, 1)
        self.action = QPushButton()
        self.action.setVisible(False)
        lay.addWidget(self.action)
        self.action2 = QPushButton()  # a second choice (e.g. Discard beside Restore)
        self.action2.setVisible(False)
        lay.addWidget(self.action2)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss)
        lay.addWidget(close)
        self._callback: Callable[[], None] | None = None
        self._callback2: Callable[[], None] | None = None
        self.action.clicked.connect(lambda: self._run(self._callback))
        self.action2.clicked.connect(lambda: self._run(self._callback2))
        self.level = ""
        self.setVisible(False)

    def show_message(
        self, text: str, level: str = "info", action: str = "", callback: Callable[[], None] | None = None,
        action2: str = "", callback2: Callable[[], None] | None = None,
    ) -> None:
        self.level = level
        self.setProperty("level", level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action and callback))
        self.action2.setText(action2)
        self.action2.setVisible(bool(action2 and callback2))
        self._callback, self._callback2 = callback, callback2
        self.setVisible(True)

    def _run(self, cb: Callable[[], None] | None) -> None:
        self.dismiss()
        if cb is not None:
            cb()

    def dismiss(self) -> None:
        self.setVisible(False)
        self.text.setText("")
        self._callback = self._callback2 = None
