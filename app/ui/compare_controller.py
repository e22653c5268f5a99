"""The comparison mode (issue #20): a second bundle B beside the inspector's bundle A.

Owns B's ``InspectionSession`` (opened on its own short-lived thread by a ``BundleLoader``), the
counterpart statistics and the comparison results. Every computation runs on the inspector's
inference thread as a task (``InferenceClient.submit``), so A's and B's sessions are only ever
used by that thread, serialised with A's interventions:

- after each of A's results on screen, B runs on the same image, region and edits (A's edits
  carried to their counterparts when the SAEs differ) and both maps are drawn with their
  difference (latest wins: a request made while one runs waits for it, and only the last runs);
- the counterparts are measured on the open image's folder (progress, Cancel; cached by
  ``CorrelationCache``), which also lists each model's region latents beside their counterparts;
- a latent and its counterpart switched off, each against its own model's controls;
- the folder comparison (``compare_folder``), whose changed parts open in the inspector.

Created on first use (``open_compare``); it closes its window and stops its work when the main
window closes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFileDialog

from app.core.compare.counterparts import MIN_R, LatentCorrelation, RegionCounterparts
from app.core.compare.paired import PairedOutcome
from app.core.compare.settings import CompareSettings, FolderSettings, SwitchOffSettings
from app.core.compare.view import PairedMaps
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.file_listing import list_images
from app.core.provenance import Provenance, describe_edits
from app.ui.compare_window import CompareWindow
from app.ui.error_text import error_message
from app.ui.worker import BundleLoader

AUTO_MEASURE_MAX = 100  # counterparts are measured by themselves on folders up to this many parts
LONG_KINDS = ("compare_counterparts", "compare_folder")


@dataclass(frozen=True)
class PairView:
    """One paired result, and what produced it."""

    outcome: PairedOutcome
    maps: PairedMaps  # after the edits
    maps_unedited: PairedMaps
    edits_b: tuple[LatentEdit, ...]
    left_out: tuple[LatentEdit, ...]
    left_why: str
    region: RegionCounterparts | None
    origin: Provenance
    session_b: Any


class CompareController(QObject):
    progressed = Signal(str, int, int)  # kind, done, total: emitted on the inference thread
    noticeB = Signal(str)  # bundle B's backend notices, from any thread

    def __init__(self, win) -> None:  # noqa: ANN001 - MainWindow
        super().__init__(win)
        self.setObjectName("compareController")
        self.win = win
        self.window = CompareWindow(win)
        self.session_b = None
        self.labels_b: dict[int, str] = {}
        self.b_path: str | None = None
        self.loader: BundleLoader | None = None
        self.browsed: list[Path] = []
        self.min_r = MIN_R
        self.corr: LatentCorrelation | None = None
        self.corr_images: tuple[str, ...] = ()
        self.pair: PairView | None = None
        self.switch: tuple[Any, Provenance, SwitchOffSettings] | None = None  # PairedSwitchOff, where, how
        self.folder: tuple[Any, FolderSettings] | None = None  # FolderComparison and what it ran on
        self.saved: CompareSettings | None = None  # a restored session's comparison, until B is open
        self._saved_folder: FolderSettings | None = None  # a restored session's folder comparison, run on request
        self._tasks: dict[int, str] = {}
        self._pair_task: int | None = None
        self._pair_dirty = False
        self._job: tuple[int, str, threading.Event] | None = None
        self._closed = False
        w = self.window
        w.bundleChosen.connect(self.choose_b)
        w.browseRequested.connect(self.browse_b)
        w.cancelRequested.connect(self.cancel)
        w.counterparts.measureRequested.connect(lambda: self.measure())
        w.counterparts.switchOffRequested.connect(self.switch_off)
        w.folder.runRequested.connect(lambda ev, n: self.run_folder(evidence=ev, controls=n))
        w.folder.runSavedRequested.connect(self.run_saved_folder)
        w.folder.openPart.connect(win.documents.open_image)
        self.progressed.connect(self._on_progress)
        self.noticeB.connect(lambda t: w.set_status(self.tr("Bundle B: {0}").format(t)))
        win.resultShown.connect(lambda _rid: self.request_pair())
        win.imageShown.connect(self._on_image)
        win.bundleInstalled.connect(lambda _n: self._on_a_bundle())
        win.client.taskFinished.connect(self._on_task)
        win.installEventFilter(self)

    # --- the window ------------------------------------------------------------------------------
    def show(self) -> None:
        self.refresh()
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.request_pair()

    def refresh(self) -> None:
        from app.core.compare.candidates import candidate_bundles

        win, w = self.win, self.window
        if win.session is None:
            w.a_label.setText(self.tr("A: no bundle"))
            w.set_candidates([], None)
            return
        a = win.session.bundle
        w.a_label.setText(self.tr("A: {0} {1} (sha {2}…)").format(a.name, a.manifest.version, a.hash[:8]))
        extra = tuple(self.browsed) + ((Path(self.b_path),) if self.b_path else ())
        w.set_candidates(candidate_bundles(win.store_dir, a, extra), self.b_path)
        n = len(self.shared_images())
        busy = self._job is not None
        w.counterparts.set_measure_text(self.tr("Measure on the open folder ({0} parts)").format(n), bool(n) and not busy
                                        and self.session_b is not None)
        w.folder.set_run_text(self.tr("Compare on the open folder ({0} parts)").format(n), bool(n) and not busy
                              and self.session_b is not None)

    def shared_images(self) -> list[Path]:
        """The held-out parts both models are read on: the open folder (the thumbnail strip), else the image's folder."""
        docs = self.win.documents
        if docs.folder_images:
            return list(docs.folder_images)
        return list_images(Path(docs.image.path).parent) if docs.image is not None else []

    # --- bundle B --------------------------------------------------------------------------------
    def browse_b(self) -> None:
        d = QFileDialog.getExistingDirectory(self.window, self.tr("Open bundle B"), str(self.win.store_dir))
        if d:
            self.browsed.append(Path(d))
            self.choose_b(d)
        else:
            self.refresh()

    def choose_b(self, path: str) -> None:
        from app.core.compare.candidates import candidate

        win = self.win
        if win.session is None:
            self.window.set_status(self.tr("Open bundle A in the inspector first."))
            return
        # one spelling per folder: the list names the store's bundles by their resolved path, and a
        # relative path (a command line, a session) must select that entry rather than add a second one
        path = str(Path(path).resolve())
        c = candidate(Path(path), win.session.bundle)
        if not c.comparable:
            self.window.set_status(self.tr("{0} cannot be compared with A: {1}").format(c.text(), c.why_not()))
            self.refresh()
            return
        if self.loader is not None:
            self.loader.cancel()
        loader = BundleLoader(path, win.backend_choice, on_notice=self.noticeB.emit, parent=self)
        self.loader = loader
        loader.loaded.connect(lambda s, p=str(path): self._install_b(s, p))
        loader.refused.connect(lambda msg: self.window.set_status(self.tr("Could not open bundle B: {0}").format(msg)))
        loader.ended.connect(lambda: self._loader_ended(loader))
        self.window.set_status(self.tr("Opening bundle B ({0})…").format(Path(path).name))
        loader.start()

    def _loader_ended(self, loader: BundleLoader) -> None:
        if loader is self.loader:
            self.loader = None
        loader.deleteLater()

    def _install_b(self, session, path: str) -> None:  # noqa: ANN001 - InspectionSession
        from app.core.compare.compatibility import differences
        from app.core.user_labels import UserLabels

        win = self.win
        if win.session is None:
            return
        diff = differences(win.session.bundle, session.bundle)
        if diff:
            self.window.set_status(self.tr("Bundle B cannot be compared with A: {0}").format("; ".join(diff)))
            return
        self._drop_b()
        self.session_b, self.b_path = session, path
        self.labels_b = dict(UserLabels(session.bundle.hash).labels)
        b = session.bundle
        self.window.b_label.setText(self.tr("sha {0}…").format(b.hash[:8]))
        text = self.tr("B: {0} {1} opened.").format(b.name, b.manifest.version)
        saved, self.saved = self.saved, None
        if saved is not None and saved.bundle_b.get("hash") not in (None, "", b.hash):
            text += " " + self.tr("It is not the bundle the session compared with (another hash).")
        self.window.set_status(text)
        self.refresh()
        self.request_pair()
        if saved is not None and saved.counterpart_images:
            self.measure([Path(p) for p in saved.counterpart_images])
        elif 0 < len(self.shared_images()) <= AUTO_MEASURE_MAX:
            self.measure()

    def _drop_b(self) -> None:
        self.session_b = self.corr = self.pair = self.switch = self.folder = None
        self.corr_images = ()
        self.window.paired.clear()
        self.window.counterparts.show_region(None)
        self.window.counterparts.clear_switch_off()
        self.window.folder.clear()
        self.window.b_label.setText("")

    def _on_a_bundle(self) -> None:
        """A changed: B stays only if the two can still be compared; every measurement was of the old A."""
        from app.core.compare.compatibility import differences

        sb = self.session_b
        if sb is not None:
            diff = differences(self.win.session.bundle, sb.bundle)
            path = self.b_path
            self._drop_b()
            if diff:
                self.b_path = None
                self.window.set_status(self.tr("Bundle A changed and cannot be compared with B: {0}").format("; ".join(diff)))
            elif path:
                self.choose_b(path)  # a fresh B session measures everything again against the new A
        self.refresh()

    def _on_image(self, _path: str) -> None:
        self.pair = None
        self.switch = None
        self.window.paired.clear(self.tr("Analysing the part in both models…") if self.session_b is not None else "")
        self.window.counterparts.show_region(None)
        self.window.counterparts.clear_switch_off()
        self.refresh()

    # --- tasks on the inference thread -----------------------------------------------------------
    def _submit(self, kind: str, fn, image_token: int | None, origin: Provenance | None = None) -> int:  # noqa: ANN001
        tid = self.win.client.submit(kind, fn, image_token, origin=origin)
        self._tasks[tid] = kind
        return tid

    def _current(self) -> tuple[Any, Provenance]:
        """A's region and provenance as they are on screen."""
        win = self.win
        shown = win.results.shown
        if shown is not None and shown.image_token == win.image_token:
            return shown.request.mask, shown.request.origin
        return win.documents.region_mask(), win.documents.origin()

    def request_pair(self) -> None:
        """B on A's image, region and edits (latest wins)."""
        from app.core.compare.counterparts import region_counterparts
        from app.core.compare.paired import compare_on_image, edits_for_b, ensure_same_image
        from app.core.compare.view import paired_maps

        win, sb = self.win, self.session_b
        if sb is None or win.session is None or win.image is None or not self.window.isVisible() or self._closed:
            return
        if self._pair_task is not None:
            self._pair_dirty = True
            return
        mask, origin = self._current()
        corr, min_r, labels_a, labels_b = self.corr, self.min_r, self.win.bundles.labels_dict(), dict(self.labels_b)

        def run(sa):  # noqa: ANN001, ANN202 - on the inference thread
            ensure_same_image(sa, sb)
            edits_b, left, why = edits_for_b(sa, sb, origin.edits, corr, min_r)
            po = compare_on_image(sa, sb, mask, origin.edits, edits_b, origin.recon_only)
            rc = None if corr is None else region_counterparts(sa, sb, corr, mask, min_r=min_r, user_labels_a=labels_a,
                                                               user_labels_b=labels_b)
            img = sa.image_HWC
            return PairView(po, paired_maps(po, img.shape[:2], mask, image_HWC=img),
                            paired_maps(po, img.shape[:2], mask, edited=False, image_HWC=img), edits_b, left, why, rc, origin, sb)

        self._pair_task = self._submit("compare_pair", run, win.image_token, origin)

    def _progress_fn(self, kind: str, cancel: threading.Event):  # noqa: ANN202
        def progress(done: int, total: int) -> bool:
            self.progressed.emit(kind, done, total)
            return not cancel.is_set()

        return progress

    def _start_job(self, kind: str, text: str, fn, total: int) -> bool:  # noqa: ANN001
        if self._job is not None:
            self.window.set_status(self.tr("Wait for the running comparison to finish, or cancel it."))
            return False
        cancel = threading.Event()
        tid = self._submit(kind, lambda sa: fn(sa, self._progress_fn(kind, cancel)), None)
        self._job = (tid, kind, cancel)
        self.window.show_progress(text, 0, total)
        self.refresh()
        return True

    def measure(self, images: list[Path] | None = None) -> None:
        """The counterpart statistics on the shared parts (from the cache when measured before)."""
        from app.core.compare.counterparts import correlate_on_images, default_cache

        sb = self.session_b
        paths = images if images is not None else self.shared_images()
        if sb is None or not paths:
            return
        keep = tuple(str(p) for p in paths)
        cache = default_cache()
        self._start_job("compare_counterparts", self.tr("Measuring counterparts on {0} parts…").format(len(paths)),
                        lambda sa, progress: (correlate_on_images(sa, sb, paths, cache=cache, progress=progress), keep, sb),
                        len(paths))

    def switch_off(self, latent: int, side: str, controls: int = 64, seed: int = 0) -> int | None:
        from app.core.compare.switch_off import switch_off_with_counterpart

        win, sb, corr = self.win, self.session_b, self.corr
        if sb is None or corr is None or win.image is None:
            self.window.counterparts.clear_switch_off(self.tr("Measure the counterparts first."))
            return None
        mask, origin = self._current()
        how = SwitchOffSettings(int(latent), "B" if side == "B" else "A", int(controls), int(seed))
        labels_a, labels_b, min_r = win.bundles.labels_dict(), dict(self.labels_b), self.min_r

        def run(sa):  # noqa: ANN001, ANN202
            from app.core.compare.paired import ensure_same_image

            ensure_same_image(sa, sb)
            pair = switch_off_with_counterpart(sa, sb, corr, mask, how.latent, how.side, how.controls, how.seed, min_r,
                                               labels_a, labels_b)
            return pair, origin, how, sb

        self.window.counterparts.clear_switch_off(self.tr("Switching off {0}'s #{1} and its counterpart…").format(how.side, how.latent))
        return self._submit("compare_switch", run, win.image_token, origin)

    def run_folder(self, images: list[Path] | None = None, evidence: bool = True, controls: int = 32, top: int = 64,
                   seed: int = 0, n_boot: int = 2000) -> None:
        paths = images if images is not None else self.shared_images()
        if paths:
            self._run_folder(FolderSettings(tuple(str(p) for p in paths), evidence, top, controls, seed, n_boot))

    def run_saved_folder(self) -> None:
        if self._saved_folder is not None:
            self._run_folder(self._saved_folder)

    def _run_folder(self, fs: FolderSettings) -> None:
        from app.core.compare.counterparts import default_cache
        from app.core.compare.folder import compare_folder
        from app.core.compare.parts import parts_of_images

        sb, min_r, cache = self.session_b, self.min_r, default_cache()
        if sb is None:
            return
        parts = parts_of_images(fs.images)
        self._start_job("compare_folder", self.tr("Comparing both models on {0} parts…").format(len(parts)),
                        lambda sa, progress: (compare_folder(sa, sb, parts, evidence=fs.evidence, top=fs.top,
                                                             controls=fs.controls, seed=fs.seed, n_boot=fs.n_boot, min_r=min_r,
                                                             cache=cache, progress=progress), fs, sb), len(parts))

    def cancel(self) -> None:
        if self._job is not None:
            self._job[2].set()
            self.window.set_status(self.tr("Cancelling…"))

    # --- results -----------------------------------------------------------------------------------
    def _on_progress(self, kind: str, done: int, total: int) -> None:
        if self._job is not None and self._job[1] == kind:
            what = self.tr("Measuring counterparts") if kind == "compare_counterparts" else self.tr("Comparing the folder")
            self.window.show_progress(self.tr("{0}: {1} of {2} parts…").format(what, done, total), done, total)

    def _on_task(self, res) -> None:  # noqa: ANN001 - TaskResult
        kind = self._tasks.pop(res.task_id, None)
        if kind is None or self._closed:
            return
        if kind in LONG_KINDS and self._job is not None and self._job[0] == res.task_id:
            self._job = None
            self.window.hide_progress()
            self.refresh()
        if not res.ok:
            if kind == "compare_pair":
                self._pair_task = None
            code = getattr(res.error, "code", "")
            if code == "cancelled":
                self.window.set_status(self.tr("Cancelled; nothing was changed."))
            elif code != "stale":
                self.window.set_status(error_message(res.error))
            if kind == "compare_pair" and self._pair_dirty:
                self._pair_dirty = False
                self.request_pair()
            return
        getattr(self, f"_show_{kind.removeprefix('compare_')}")(res)

    def _show_pair(self, res) -> None:  # noqa: ANN001
        self._pair_task = None
        pv: PairView = res.result
        if pv.session_b is self.session_b and res.image_token == self.win.image_token and self.win.image is not None:
            self.pair = pv
            text = self.tr("A's edits: {0}. B's edits: {1}.").format(describe_edits(pv.origin.edits), describe_edits(pv.edits_b))
            if pv.left_out:
                text += " " + self.tr("Not carried to B: {0} ({1}).").format(describe_edits(pv.left_out), pv.left_why)
            self.window.paired.show_outcome(pv.outcome, pv.maps, pv.maps_unedited, text)
            self.window.counterparts.show_region(pv.region)
        if self._pair_dirty:
            self._pair_dirty = False
            self.request_pair()

    def _show_counterparts(self, res) -> None:  # noqa: ANN001
        corr, images, sb = res.result
        if sb is not self.session_b:
            return
        self.corr, self.corr_images = corr, images
        s = corr.summary(self.min_r)
        share = s["share_with_counterpart"]
        self.window.counterparts.set_basis(self.tr(
            "Counterparts by activation correlation over {0:,} patches of {1} shared parts (r at least {2:.2f}): {3} of A's "
            "{4} firing latents and {5} of B's {6} have one.").format(
            s["patches"], s["images"], self.min_r, _pct(share["A"]), s["firing"]["A"], _pct(share["B"]), s["firing"]["B"]))
        self.window.set_status(self.tr("Counterparts measured on {0} parts.").format(corr.images))
        self.request_pair()

    def _show_switch(self, res) -> None:  # noqa: ANN001
        pair, origin, how, sb = res.result
        if sb is not self.session_b or res.image_token != self.win.image_token:
            return
        self.switch = (pair, origin, how)
        self.window.counterparts.show_switch_off(pair)

    def _show_folder(self, res) -> None:  # noqa: ANN001
        from app.report.comparison_findings import FolderFindings

        fc, fs, sb = res.result
        if sb is not self.session_b:
            return
        self.folder = (fc, fs)
        if self.corr is None:  # the folder's own patches measure the counterparts too
            self.corr, self.corr_images = fc.correlation, tuple(p.path for p in fc.parts)
            self.request_pair()
        self.window.folder.show_result(fc, FolderFindings.of(fc))
        self.window.set_status(self.tr("Folder compared: {0} parts, {1} changed verdict.").format(len(fc.parts), len(fc.changed)))

    # --- what the session file and the report get ----------------------------------------------------
    def settings(self, origin: Provenance | None) -> CompareSettings | None:
        """The comparison as the session keeps it (the switch-off only if it was measured on ``origin``'s region)."""
        sb = self.session_b
        if sb is None:
            return None
        so = None
        if self.switch is not None and (origin is None or self.switch[1].same_region(origin)):
            so = self.switch[2]
        return CompareSettings({**sb.bundle.summary(), "path": str(Path(self.b_path or sb.bundle.root).resolve())},
                               self.min_r, self.corr_images if self.corr is not None else (), switch_off=so,
                               folder=None if self.folder is None else self.folder[1])

    def restore(self, st: CompareSettings) -> None:
        """Open the comparison a session saved: B, then its counterparts on the same parts; its folder on request."""
        self.min_r, self.saved, self._saved_folder = st.min_r, st, st.folder
        self.window.folder.set_saved(None if st.folder is None else len(st.folder.images))
        self.show()
        path = st.bundle_b.get("path", "")
        if not path or not (Path(path) / "bundle.json").is_file():
            self.window.set_status(self.tr("The session compared with bundle {0}, which is not at {1}; choose it as B.").format(
                st.bundle_b.get("name", "?"), path or "?"))
            return
        self.choose_b(path)

    # --- shutdown ---------------------------------------------------------------------------------
    def eventFilter(self, obj, ev) -> bool:  # noqa: ANN001, N802
        if obj is self.win and ev.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """Cancel the running job (so the inference thread can stop), end B's loader, close the window."""
        if self._closed:
            return
        self._closed = True
        if self._job is not None:
            self._job[2].set()
        if self.loader is not None:
            self.loader.wait(60000)
        self.window.close()


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def controller(win, create: bool = True) -> CompareController | None:  # noqa: ANN001 - MainWindow
    """The window's comparison controller, created on first use."""
    c = win.findChild(CompareController, "compareController")
    if c is None and create:
        c = CompareController(win)
    return c


def open_compare(win) -> CompareController:  # noqa: ANN001
    """Analysis → Compare with another bundle…"""
    c = controller(win)
    c.show()
    return c


def comparison_request(win, origin: Provenance | None):  # noqa: ANN001, ANN201 - ComparisonRequest | None
    """The comparison part of a report request, or None when no second bundle is open."""
    from app.report.comparison_findings import ComparisonRequest

    c = controller(win, create=False)
    if c is None or c.session_b is None:
        return None
    return ComparisonRequest(c.session_b, c.settings(origin), c.corr, None if c.folder is None else c.folder[0], dict(c.labels_b))


def session_analyses(win) -> dict[str, Any]:  # noqa: ANN001
    """What a saved session keeps of the comparison: ``{"compare": ...}``, or nothing."""
    c = controller(win, create=False)
    st = None if c is None else c.settings(win.documents.origin())
    return {} if st is None else {"compare": st.to_json()}


def restore_comparison(win, analyses: Any) -> None:  # noqa: ANN001, ANN401
    """Reopen the comparison a loaded session holds (a session without one leaves the comparison as it is)."""
    from app.core.compare.settings import compare_settings_of

    try:
        st = compare_settings_of(analyses)
    except InspectorError as exc:
        win.banner.show_message(error_message(exc), "warning")
        return
    if st is not None:
        controller(win).restore(st)
