"""The model runs here, never on the UI thread.

``InferenceClient`` (UI thread) owns one ``QThread`` with one ``InferenceWorker``. Opening an
image is queued as is (a newer one replaces an older one not yet started). Interventions are
*lazy*: the UI marks the state dirty and the request is built from the current state only
when the worker is free, so drags and slider moves coalesce (latest wins). Every request has
a rising id (issued here, and only here); a result whose id is not the latest issued is
dropped. Every result carries the request that produced it (``InterveneResult.request``,
``TaskResult.origin``), so whoever shows or reports it describes what actually ran.

``BundleLoader`` opens a bundle on its own short-lived thread, so the current bundle keeps
working meanwhile; a cancelled load's result is discarded.
"""

from __future__ import annotations

import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.outputs import LatentSummary, Outputs
from app.core.provenance import Provenance

# every QThread this module starts, so tests can check none is left running
LIVE_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


@dataclass(frozen=True)
class AnalyzeRequest:
    request_id: int
    path: str


@dataclass(frozen=True)
class AnalyzeResult:
    request_id: int
    loaded: object  # app.core.images.LoadedImage
    baseline: Outputs
    grid_hw: tuple[int, int]
    ms: float
    ood: object = None  # app.core.ood.OodReading: how unlike the training parts the image is


@dataclass(frozen=True)
class InterveneRequest:
    request_id: int
    image_token: int  # which analysed image this was built for
    mask: np.ndarray | None  # bool [H, W] (a copy); None = the whole image
    origin: Provenance  # image hash, mask version, edits, recon_only: what this request computes
    rank: bool = False  # recompute the latent listing for this mask
    top: int = 20
    max_frequency: float | None = None
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def edits(self) -> tuple[LatentEdit, ...]:
        return self.origin.edits


@dataclass(frozen=True)
class InterveneResult:
    request: InterveneRequest  # what produced it
    outputs: Outputs
    latents: list[LatentSummary] | None
    ms: float

    @property
    def request_id(self) -> int:
        return self.request.request_id

    @property
    def image_token(self) -> int:
        return self.request.image_token

    @property
    def mask_empty(self) -> bool:
        return self.request.mask is None or not bool(np.any(self.request.mask))


@dataclass(frozen=True)
class TaskRequest:
    """Any other job on the session (ranking, dose–response, injection, export): ``fn(session)``
    runs on the inference thread, serialised with the interventions, so the session is never
    used by two threads at once."""

    task_id: int
    kind: str
    image_token: int | None  # the analysed image it was built for; None: any
    fn: Callable[[object], object]
    needs_session: bool = True  # False: fn(session or None) runs even without a bundle
    origin: Provenance | None = None  # the image, region and edits it was asked for


@dataclass(frozen=True)
class TaskResult:
    task_id: int
    kind: str
    image_token: int | None
    result: object = None
    error: BaseException | None = None
    ms: float = 0.0
    origin: Provenance | None = None  # copied from the request

    @property
    def ok(self) -> bool:
        return self.error is None


def _message(exc: BaseException) -> str:
    from app.ui.error_text import error_message

    return error_message(exc)


class InferenceWorker(QObject):
    analyzed = Signal(object)  # AnalyzeResult
    intervened = Signal(object)  # InterveneResult
    failed = Signal(int, str)  # request id, message
    taskFinished = Signal(object)  # TaskResult
    done = Signal()  # after every job: the client may send the next one

    def __init__(self) -> None:
        super().__init__()
        self.session = None
        self.image_token = 0

    @Slot(object)
    def set_session(self, session: object) -> None:
        self.session = session
        self.image_token = 0

    @Slot(object)
    def analyze(self, req: AnalyzeRequest) -> None:
        try:
            if self.session is None:
                raise InspectorError("no_bundle", "no model bundle is loaded: choose one in the bundle box")
            from app.core.images import load_image

            t0 = time.perf_counter()
            loaded = load_image(req.path)
            a = self.session.analyze(loaded.pixels_HWC)
            self.image_token = req.request_id
            from app.core.ood import session_reading

            ood = session_reading(self.session)  # from the tokens already held: no model run
            self.analyzed.emit(
                AnalyzeResult(req.request_id, loaded, a.baseline, self.session.grid_hw, (time.perf_counter() - t0) * 1e3, ood)
            )
        except Exception as exc:  # noqa: BLE001 - becomes a message, never a traceback
            traceback.print_exc()
            self.failed.emit(req.request_id, _message(exc))
        finally:
            self.done.emit()

    @Slot(object)
    def intervene(self, req: InterveneRequest) -> None:
        try:
            s = self.session
            if s is None or s.analysis is None or req.image_token != self.image_token:
                return  # built for an image this worker no longer holds: stale
            t0 = time.perf_counter()
            out = s.intervene(req.mask, req.edits, req.origin.recon_only)
            latents = None
            if req.rank:
                latents = s.latents_in_mask(req.mask, top=req.top, labels=req.labels, max_frequency=req.max_frequency)
            self.intervened.emit(InterveneResult(req, out, latents, (time.perf_counter() - t0) * 1e3))
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            self.failed.emit(req.request_id, _message(exc))
        finally:
            self.done.emit()

    @Slot(object)
    def run_task(self, req: TaskRequest) -> None:
        t0 = time.perf_counter()
        try:
            s = self.session
            if s is None and req.needs_session:
                raise InspectorError("no_bundle", "no model bundle is loaded: choose one in the bundle box")
            if req.image_token is not None and (s.analysis is None or req.image_token != self.image_token):
                raise InspectorError("stale", "the image changed before this could run; run it again")
            res = req.fn(s)
            self.taskFinished.emit(
                TaskResult(req.task_id, req.kind, req.image_token, res, None, (time.perf_counter() - t0) * 1e3, req.origin)
            )
        except Exception as exc:  # noqa: BLE001 - shown as a message
            if not isinstance(exc, InspectorError):
                traceback.print_exc()
            self.taskFinished.emit(
                TaskResult(req.task_id, req.kind, req.image_token, None, exc, (time.perf_counter() - t0) * 1e3, req.origin)
            )
        finally:
            self.done.emit()


class InferenceClient(QObject):
    """UI-thread side: one worker thread, latest-wins coalescing, rising request ids."""

    analyzed = Signal(object)
    intervened = Signal(object)
    failed = Signal(int, str)
    taskFinished = Signal(object)  # TaskResult
    busyChanged = Signal(bool)
    _send_analyze = Signal(object)
    _send_intervene = Signal(object)
    _send_task = Signal(object)
    _send_session = Signal(object)

    def __init__(self, build_intervene: Callable[[int], InterveneRequest | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._build = build_intervene
        self._thread = QThread()
        self._thread.setObjectName("inference")
        LIVE_THREADS.add(self._thread)
        self._worker = InferenceWorker()
        self._worker.moveToThread(self._thread)
        self._send_analyze.connect(self._worker.analyze)
        self._send_intervene.connect(self._worker.intervene)
        self._send_session.connect(self._worker.set_session)
        self._send_task.connect(self._worker.run_task)
        self._worker.taskFinished.connect(self._on_task)
        self._worker.analyzed.connect(self._on_analyzed)
        self._worker.intervened.connect(self._on_intervened)
        self._worker.failed.connect(self._on_failed)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        self._next_id = 0
        self.latest_id = 0
        self.latest_analyze_id = 0
        self._busy = False
        self._pending_analyze: AnalyzeRequest | None = None
        self._dirty = False
        self._tasks: list[TaskRequest] = []
        self._next_task = 0
        self.sent_at: dict[int, float] = {}
        self.last_latency_ms = 0.0
        self._closed = False

    # ids
    def _new_id(self) -> int:
        self._next_id += 1
        self.latest_id = self._next_id
        return self._next_id

    @property
    def busy(self) -> bool:
        return self._busy

    def set_session(self, session: object) -> None:
        self._send_session.emit(session)

    def open_image(self, path: str | Path) -> int:
        rid = self._new_id()
        self.latest_analyze_id = rid
        self._pending_analyze = AnalyzeRequest(rid, str(path))
        self._dirty = False
        self._pump()
        return rid

    def submit(
        self, kind: str, fn: Callable[[object], object], image_token: int | None = None, needs_session: bool = True,
        origin: Provenance | None = None,
    ) -> int:
        """Queue ``fn(session)`` for the inference thread; ``taskFinished(TaskResult)`` follows,
        carrying ``origin``. Task ids are separate from request ids, so a task never makes a result stale."""
        self._next_task += 1
        self._tasks.append(TaskRequest(self._next_task, kind, image_token, fn, needs_session, origin))
        self._pump()
        return self._next_task

    def request_update(self) -> None:
        """The state changed: run an intervention as soon as the worker is free (latest wins)."""
        self._dirty = True
        self._pump()

    def _pump(self) -> None:
        if self._busy or self._closed:
            return
        if self._pending_analyze is not None:
            req, self._pending_analyze = self._pending_analyze, None
            self._set_busy(True)
            self.sent_at[req.request_id] = time.perf_counter()
            self._send_analyze.emit(req)
            return
        if self._dirty and self._tasks:  # the user's view first, then the queued task
            pass
        elif self._tasks:
            task = self._tasks.pop(0)
            self._set_busy(True)
            self._send_task.emit(task)
            return
        if self._dirty:
            self._dirty = False
            rid = self._new_id()
            req = self._build(rid)
            if req is None:
                if self._tasks:
                    self._pump()
                return
            self._set_busy(True)
            self.sent_at[rid] = time.perf_counter()
            self._send_intervene.emit(req)

    def _set_busy(self, b: bool) -> None:
        if b != self._busy:
            self._busy = b
            self.busyChanged.emit(b)

    @Slot()
    def _on_done(self) -> None:
        self._set_busy(False)
        self._pump()

    @Slot(object)
    def _on_analyzed(self, res: AnalyzeResult) -> None:
        if res.request_id == self.latest_analyze_id and not self._closed:
            self.analyzed.emit(res)

    @Slot(object)
    def _on_intervened(self, res: InterveneResult) -> None:
        t0 = self.sent_at.pop(res.request_id, None)
        if t0 is not None:
            self.last_latency_ms = (time.perf_counter() - t0) * 1e3
        if res.request_id == self.latest_id and not self._closed:  # stale results are dropped
            self.intervened.emit(res)

    @Slot(object)
    def _on_task(self, res: TaskResult) -> None:
        if not self._closed:
            self.taskFinished.emit(res)

    @Slot(int, str)
    def _on_failed(self, rid: int, message: str) -> None:
        if not self._closed:
            self.failed.emit(rid, message)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._thread.quit()
        self._thread.wait(30000)


class _LoadJob(QObject):
    finished = Signal(object, str)  # session or None, error message
    stage = Signal(str)

    def __init__(self, path: str, backend: str, on_notice: Callable[[str], None]) -> None:
        super().__init__()
        self.path, self.backend, self.on_notice = path, backend, on_notice

    @Slot()
    def run(self) -> None:
        try:
            from app.core.bundle import load_bundle
            from app.core.session import InspectionSession

            self.stage.emit("checking files")
            b = load_bundle(self.path)
            self.stage.emit("starting the inference backend")
            s = InspectionSession.open(b, self.backend, on_notice=self.on_notice)
            self.finished.emit(s, "")
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, InspectorError):
                traceback.print_exc()
            self.finished.emit(None, _message(exc))


class BundleLoader(QObject):
    """Opens one bundle on its own thread. ``loaded(session)`` or ``refused(message)``;
    after ``cancel()`` neither is emitted and the result is dropped."""

    loaded = Signal(object)
    refused = Signal(str)
    stage = Signal(str)
    ended = Signal()

    def __init__(
        self, path: str | Path, backend: str = "auto", on_notice: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = str(path)
        self.cancelled = False
        self._thread = QThread()
        self._thread.setObjectName("bundle-loader")
        LIVE_THREADS.add(self._thread)
        self._job = _LoadJob(self.path, backend, on_notice or (lambda _t: None))
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.finished.connect(self._on_finished)
        self._job.stage.connect(self.stage)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.cancelled = True

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    @Slot(object, str)
    def _on_finished(self, session: object, message: str) -> None:
        self._thread.quit()
        self._thread.wait(5000)
        if not self.cancelled:
            if session is not None:
                self.loaded.emit(session)
            else:
                self.refused.emit(message)
        self.ended.emit()

    def wait(self, ms: int = 60000) -> None:
        """Block until the thread has ended (app shutdown)."""
        self.cancelled = True
        self._thread.quit()
        self._thread.wait(ms)
