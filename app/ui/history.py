"""History: the score history of the image shown (one point per result, labelled with the
edits of the request that produced it) and the region's undo/redo."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.core.score_history import ScoreHistory


class EditHistory(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.scores = ScoreHistory()

    # --- scores ----------------------------------------------------------------------------
    def record(self, res) -> None:  # noqa: ANN001 - InterveneResult
        """One point for a result on screen, described by its own request (never the live edits)."""
        self.scores.record(res.request_id, res.outputs.score, res.request.origin)
        self.win.verdict.set_history(self.scores.points)

    def clear(self) -> None:
        self.scores.clear()
        self.win.verdict.set_history([])

    # --- the region's undo/redo ------------------------------------------------------------------
    def update_actions(self) -> None:
        m = self.win.documents.mask
        self.win.menus.undo_action.setEnabled(m.can_undo())
        self.win.menus.redo_action.setEnabled(m.can_redo())

    def undo(self) -> None:
        if self.win.documents.mask.undo():
            self.win.region.on_committed()

    def redo(self) -> None:
        if self.win.documents.mask.redo():
            self.win.region.on_committed()
