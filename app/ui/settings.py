"""Preferences and window layout (QSettings), kept as an INI file in the app's data folder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app.core.user_labels import user_data_dir

MAX_RECENT = 10


def app_settings() -> QSettings:
    return QSettings(str(user_data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def recent_files(s: QSettings) -> list[str]:
    v = s.value("recent/files", [])
    if isinstance(v, str):
        v = [v]
    return [str(x) for x in (v or [])]


def add_recent(s: QSettings, path: str) -> list[str]:
    files = [p for p in recent_files(s) if p != path]
    files.insert(0, path)
    files = files[:MAX_RECENT]
    s.setValue("recent/files", files)
    return files
