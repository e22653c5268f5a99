"""Causal experiments of the Effects panel (ranking, dose–response, injection): run on the
inference thread, shown when they return, and kept with the provenance of their request so the
export includes them only for the image and region they were measured on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from app.core.image_document import document_key
from app.core.provenance import Provenance
from app.ui.error_text import error_message

KINDS = ("rank", "dose", "inject")


class EffectsController(QObject):
    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.win = win
        self.kept: dict[str, tuple[Provenance, Any]] = {}  # the shown image's: kind -> (what it was run on, result)
        self._by_image: dict[str, dict[str, tuple[Provenance, Any]]] = {}  # image document key -> its kept results
        self._tasks: dict[int, str] = {}
        win.effects.rankRequested.connect(self.rank_latents)
        win.effects.doseRequested.connect(self.dose_response)
        win.effects.injectRequested.connect(self.inject_latent)

    def clear(self) -> None:
        """A new bundle: every kept result is void."""
        self._by_image.clear()
        self.kept = {}
        self.win.effects.clear()

    def on_image(self, path: str) -> None:
        """An image is shown: the panel clears, then shows what was measured on this image and its
        region as it is now (a return to an image brings its results back; another image's never show)."""
        self.kept = self._by_image.setdefault(document_key(path), {})
        while len(self._by_image) > 50:
            self._by_image.pop(next(iter(self._by_image)))
        self.win.effects.clear()
        origin = self.win.documents.origin()
        show = {"rank": self.win.effects.show_rank, "dose": self.win.effects.show_dose, "inject": self.win.effects.show_injection}
        for kind in KINDS:
            r = self.result_for(kind, origin)
            if r is not None:
                show[kind](r)

    def result_for(self, kind: str, origin: Provenance | None) -> Any:
        """The kept result of ``kind`` if it was measured on ``origin``'s image and region, else None."""
        kept = self.kept.get(kind)
        return kept[1] if kept is not None and kept[0].same_region(origin) else None

    def _submit(self, kind: str, fn) -> int | None:  # noqa: ANN001
        win = self.win
        if win.image is None or win.session is None:
            win.banner.show_message(self.tr("Open a part image first."), "warning")
            return None
        tid = win.client.submit(kind, fn, win.image_token, origin=win.documents.origin())
        self._tasks[tid] = kind
        return tid

    def rank_latents(self, top: int = 64, controls: int = 64, seed: int = 0) -> int | None:
        from app.core.causal import rank_latents

        mask, labels = self.win.documents.region_mask(), self.win.bundles.labels_dict()
        return self._submit("rank", lambda s: rank_latents(s, mask, top=top, controls=controls, seed=seed, user_labels=labels))

    def dose_response(self, latent: int, strength_range: float = 4.0, points: int = 21) -> int | None:
        from app.core.causal_dose import dose_response

        mask, labels = self.win.documents.region_mask(), self.win.bundles.labels_dict()
        return self._submit(
            "dose", lambda s: dose_response(s, mask, int(latent), strength_range=strength_range, points=points, user_labels=labels)
        )

    def inject_latent(self, latent: int, r: float = 1.0) -> int | None:
        from app.core.causal_dose import inject

        mask, labels = self.win.documents.region_mask(), self.win.bundles.labels_dict()
        seed, controls = self.win.effects.seed.value(), self.win.effects.controls.value()
        return self._submit(
            "inject", lambda s: inject(s, mask, int(latent), r=r, controls=controls, seed=seed, user_labels=labels)
        )

    def on_task(self, res) -> None:  # noqa: ANN001 - TaskResult
        win = self.win
        kind = self._tasks.pop(res.task_id, None)
        if kind is None:
            return
        if not res.ok:
            msg = error_message(res.error)
            win.effects.show_error(msg)
            if getattr(res.error, "code", "") != "stale":
                win.banner.show_message(msg, "error")
            return
        if res.image_token != win.image_token:
            return  # a result for an image no longer shown
        self.kept[kind] = (res.origin, res.result)
        {"rank": win.effects.show_rank, "dose": win.effects.show_dose, "inject": win.effects.show_injection}[kind](res.result)
        win.effectShown.emit(kind)
