"""Controls that never change by accident.

- ``wheel_safe(root)``: sliders, spin boxes and combo boxes under ``root`` ignore the mouse
  wheel unless they have keyboard focus (a click or Tab gives it). The ignored wheel event
  goes on to the parent, so scrolling a list of latent cards scrolls the list and never moves
  a strength slider under the pointer.
- ``commit_on_enter(spin)``: a numeric field reports its value only on Enter, focus-out or
  an arrow step, never while half typed ("0.8" of "0.85").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox, QComboBox, QWidget

GUARDED = (QAbstractSlider, QAbstractSpinBox, QComboBox)


def _scroll_area_of(w: QWidget) -> QAbstractScrollArea | None:
    p = w.parentWidget()
    while p is not None and not isinstance(p, QAbstractScrollArea):
        p = p.parentWidget()
    return p


class _WheelGuard(QObject):
    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 - Qt API
        if ev.type() != QEvent.Type.Wheel or not isinstance(obj, QWidget) or obj.hasFocus():
            return False
        area = _scroll_area_of(obj)
        if area is not None:  # the panel the control sits in scrolls instead
            QCoreApplication.sendEvent(area.viewport(), ev)
            ev.accept()
        else:
            ev.ignore()  # not accepted: Qt passes it on to the parent
        return True


_GUARD: _WheelGuard | None = None


def _guard() -> _WheelGuard:
    global _GUARD
    if _GUARD is None:
        _GUARD = _WheelGuard()
    return _GUARD


def guard_widget(w: QWidget) -> None:
    """One control: focus by click or Tab only (never by the wheel), and the wheel only when focused."""
    if w.property("wheelSafe"):
        return
    w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    w.installEventFilter(_guard())
    w.setProperty("wheelSafe", True)


def wheel_safe(root: QWidget) -> QWidget:
    """Guard every slider, spin box and combo box under ``root`` (and ``root`` itself)."""
    if isinstance(root, GUARDED):
        guard_widget(root)
    for kind in GUARDED:
        for w in root.findChildren(kind):
            guard_widget(w)
    return root


def commit_on_enter(*spins: QAbstractSpinBox) -> None:
    for s in spins:
        s.setKeyboardTracking(False)
