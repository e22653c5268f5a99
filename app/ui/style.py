"""A calm dark theme: images and heatmaps read best on a dark neutral background."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

STYLE_SHEET = """
QWidget { font-size: 10pt; }
QLabel#panelTitle { font-weight: 600; font-size: 11pt; color: #e8e8e8; }
QLabel#score { font-size: 16pt; font-weight: 600; font-family: monospace; }
QLabel#verdict { font-weight: 700; padding: 1px 6px; border-radius: 3px; }
QLabel#verdict[kind="defect"] { background: #8c2a2a; color: white; }
QLabel#verdict[kind="ok"] { background: #2c6e3a; color: white; }
QLabel#regionInfo { color: #c8c8c8; padding: 2px 4px; }
QLabel#latentId { font-weight: 700; font-family: monospace; color: #f0a030; }
QLabel#stats { color: #b4b9c0; font-size: 9pt; }
QLabel#strongest { color: #d8c28c; font-size: 9pt; }
QLabel#latentLabel { color: #f2f2f2; font-size: 10pt; }
QLabel#typeEffect { color: #b9c0c8; font-size: 9pt; }
QLabel#typeEffect[specific="true"] { color: #8fd49a; }
QPushButton#mapButton { padding: 1px 8px; }
QLabel#oodNotice { background: #6b3a14; color: white; border-radius: 3px; padding: 4px 6px; font-weight: 600; }
QLabel#howTo { color: #b9c0c8; font-size: 9pt; }
QLabel#plotLegend { color: #d8d8d8; font-size: 9pt; }
QFrame#layerRow { border-bottom: 1px solid #363a41; }
QLabel#stats[dense="true"] { color: #7f8792; font-style: italic; }
QFrame#latentCard { background: #26292e; border: 1px solid #363a41; border-radius: 4px; }
QFrame#latentCard[edited="true"] { border: 1px solid #f0a030; }
QFrame#latentCard[selected="true"] { border: 2px solid #ffe08a; }
QProgressBar#activationBar { background: #1b1d21; border: none; border-radius: 3px; }
QProgressBar#activationBar::chunk { background: #f0a030; border-radius: 3px; }
QWidget#banner { background: #2d4a66; border-radius: 3px; }
QWidget#banner[level="warning"] { background: #6b5520; }
QWidget#banner[level="error"] { background: #7a2a2a; }
QLabel#bannerText { color: white; }
QLabel#crop { border: 1px solid #444; }
QCheckBox::indicator { width: 12px; height: 12px; border: 1px solid #9aa0a8; border-radius: 2px; background: #1b1d21; }
QCheckBox::indicator:checked { background: #f0a030; border: 1px solid #f0a030; }
QCheckBox::indicator:disabled { border: 1px solid #555; }
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    p = QPalette()
    base, alt, text = QColor(32, 34, 38), QColor(42, 45, 50), QColor(225, 225, 225)
    p.setColor(QPalette.ColorRole.Window, alt)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, alt)
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor(50, 52, 58))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor(50, 53, 59))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.Highlight, QColor(240, 160, 48))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(20, 20, 20))
    p.setColor(QPalette.ColorRole.Link, QColor(110, 170, 240))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 120))
    app.setPalette(p)
    app.setStyleSheet(STYLE_SHEET)
