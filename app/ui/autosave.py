"""Crash recovery: an autosave per running instance, each behind its own lock.

In ``<data folder>/autosave/`` every instance writes ``autosave-<id>.json`` (the session with
its mask, one atomic file) and holds ``autosave-<id>.lock`` (a ``QLockFile``) while it runs.
A clean exit removes both; a crash leaves the JSON with a lock that no live process holds.

At start an instance looks for such orphans. It claims each one by taking its lock (so a
second instance starting at the same moment does not offer it too) and offers it, newest
first: Restore loads it, Discard deletes it; until then it stays untouched, whatever this
instance autosaves meanwhile (into its own file). Instances never write, delete or unlock
each other's files. A failed write keeps the last good autosave and shows a warning that
stays until an autosave succeeds again.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer

from app.core.document import save_session
from app.core.errors import InspectorError
from app.core.user_labels import user_data_dir
from app.ui.error_text import error_message

AUTOSAVE_DELAY_MS = 400
PREFIX = "autosave-"


@dataclass
class Orphan:
    """A crashed instance's autosave, claimed by this instance until restored or discarded."""

    path: Path
    lock: QLockFile


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when its process is gone, however old
    return lock


class Autosave(QObject):
    def __init__(self, win, offer_restore: bool = True, folder: Path | None = None) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.folder = Path(folder) if folder is not None else user_data_dir() / "autosave"
        self.instance = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = self.folder / f"{PREFIX}{self.instance}.json"
        self.lock = _lock(self.folder / f"{PREFIX}{self.instance}.lock")
        self.failing: str | None = None  # the last write error while autosave fails
        self.last_good: datetime | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # tryLock fails below and says so
        locked = self.lock.tryLock(0)
        self.orphans: list[Orphan] = self._claim_orphans() if offer_restore and locked else []
        self._timer = QTimer(self)
        self._timer.setObjectName("autosave")
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        if not locked:  # e.g. a read-only data folder: the app runs, and says that nothing is autosaved
            self._failed(self.tr("cannot create {0}.").format(self.lock.fileName()))
        self._offer_next()

    # --- crashed instances ------------------------------------------------------------------
    def _claim_orphans(self) -> list[Orphan]:
        found = []
        for js in self.folder.glob(f"{PREFIX}*.json"):
            if js == self.path:
                continue
            lock = _lock(js.with_suffix(".lock"))
            if lock.tryLock(0):  # nobody alive holds it: that instance crashed (or was killed)
                found.append(Orphan(js, lock))
        return sorted(found, key=lambda o: o.path.stat().st_mtime if o.path.exists() else 0.0, reverse=True)

    def _offer_next(self) -> None:
        if not self.orphans:
            return
        o = self.orphans[0]
        more = len(self.orphans) - 1
        text = self.tr("An earlier session did not close cleanly. Restore its autosaved work (mask, edits, notes)?")
        if more:
            text += " " + self.tr("({0} more after this one.)").format(more)
        when = datetime.fromtimestamp(o.path.stat().st_mtime).strftime("%Y-%m-%d %H:%M") if o.path.exists() else "?"
        text += " " + self.tr("Autosaved {0}.").format(when)
        self.win.banner.show_message(text, "warning", self.tr("Restore"), self.restore, self.tr("Discard"), self.discard)

    def offer_pending(self) -> None:
        """Show the restore offer again, if work is still waiting (a new image clears the banner)."""
        self._offer_next()

    def restore(self) -> bool:
        """Open the first claimed orphan in this window; it is deleted once restored (``on_restored``)."""
        if not self.orphans:
            return False
        o = self.orphans[0]
        if not self.win.files.load(o.path, remember_path=False):
            self.orphans.pop(0)
            o.lock.unlock()  # unreadable: leave the file where it is for a person to look at
            self._offer_next()
            return False
        return True

    def on_restored(self, path: Path) -> None:
        """A session was restored onto the image: if it was a claimed orphan, its work now lives here."""
        o = next((o for o in self.orphans if o.path == Path(path)), None)
        if o is None:  # the user's own session: a crashed instance's work is still offered (after any warning)
            if self.win.banner.isHidden():
                self._offer_next()
            return
        self.win.documents.current.unsaved = True  # recovered work is in no file of the user's yet
        self.orphans.remove(o)
        if self.save_now():  # into this instance's own autosave first, then the orphan may go
            self._drop(o)
        else:
            o.lock.unlock()
        self._offer_next()

    def discard(self) -> None:
        if self.orphans:
            self._drop(self.orphans.pop(0))
        self._offer_next()

    @staticmethod
    def _drop(o: Orphan) -> None:
        try:
            o.path.unlink()
        except OSError:
            pass
        o.lock.unlock()  # removes the lock file: the crash marker is gone

    # --- this instance's autosave -----------------------------------------------------------------
    def schedule(self) -> None:
        if self.win.image is not None and not self.win.closing:
            self._timer.start()

    def save_now(self) -> bool:
        doc = self.win.files.document()
        if doc is None:
            return False
        try:
            save_session(self.path, doc, self.win.documents.region_mask())
        except (InspectorError, OSError) as exc:
            self._failed(error_message(exc) if isinstance(exc, InspectorError) else str(exc))
            return False
        self.last_good = datetime.now()
        if self.failing is not None:
            self.failing = None
            self.win.autosave_banner.dismiss()
            self.win.statusBar().showMessage(self.tr("Autosave works again."), 5000)
        return True

    def _failed(self, message: str) -> None:
        self.failing = message
        kept = (self.tr("The last good autosave ({0}) is kept.").format(self.last_good.strftime("%H:%M:%S"))
                if self.last_good is not None else self.tr("Nothing has been autosaved yet."))
        self.win.autosave_banner.show_message(
            self.tr("Autosave is failing: {0} {1} Save the session elsewhere to keep your work.").format(message, kept),
            "error", self.tr("Save session as…"), self.win.files.save_as,
        )

    def flush(self) -> None:
        """At exit: write what is pending."""
        if self._timer.isActive():
            self._timer.stop()
            self.save_now()

    def close(self) -> None:
        """A clean exit: this instance's autosave and lock go; claimed orphans stay for the next start."""
        self._timer.stop()
        for o in self.orphans:
            o.lock.unlock()
        self.orphans = []
        try:
            self.path.unlink()
        except OSError:
            pass
        self.lock.unlock()
