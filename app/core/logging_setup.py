"""Logging to a rotating file in the user's data folder (never beside the executable).

    from app.core.logging_setup import setup_logging
    log_file = setup_logging()          # idempotent; returns the file, or None if it cannot be written

The file is ``<user data>/logs/sae-inspector.log``, rotated at 1 MB with 5 old files kept.
A folder that cannot be written (read-only profile, full disk) never stops the app: logging
then goes to stderr only and ``setup_logging`` returns None.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "sae-inspector.log"
MAX_BYTES = 1 << 20
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"
_MARK = "_sae_inspector_file_handler"


def log_dir() -> Path:
    """``<user data folder>/logs`` (``$SAE_INSPECTOR_DATA_DIR`` overrides the data folder)."""
    env = os.environ.get("SAE_INSPECTOR_DATA_DIR")
    if env:
        base = Path(env)
    else:
        import platformdirs

        base = Path(platformdirs.user_data_dir("sae-inspector", appauthor=False))
    return base / "logs"


def current_log_file() -> Path | None:
    """The file the root logger writes to, if ``setup_logging`` installed one."""
    for h in logging.getLogger().handlers:
        if getattr(h, _MARK, False):
            return Path(h.baseFilename)  # type: ignore[attr-defined]
    return None


def setup_logging(level: int = logging.INFO, folder: str | Path | None = None) -> Path | None:
    """Attach one rotating file handler to the root logger (once per process)."""
    root = logging.getLogger()
    existing = current_log_file()
    wanted = (Path(folder) if folder is not None else log_dir()) / LOG_NAME
    if existing is not None and existing == wanted:
        return existing
    for h in list(root.handlers):
        if getattr(h, _MARK, False):
            root.removeHandler(h)
            h.close()
    target_dir = Path(folder) if folder is not None else log_dir()
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target_dir / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write the log file in %s (%s); logging to stderr only", target_dir, exc)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        # the root level gates every handler; keep stderr quiet by giving stream handlers their own level
        for h in root.handlers:
            if h is not handler and h.level == logging.NOTSET:
                h.setLevel(root.level if root.level != logging.NOTSET else logging.WARNING)
        root.setLevel(level)
    logging.captureWarnings(True)
    return Path(handler.baseFilename)
