"""Acceptance test of issue #17: the real app on a line PC's screen.

An X server at 1366×768 (Xvfb) with a small window manager (openbox), the app on Qt's xcb
platform, driven with real X input from xdotool: open a sample from the File menu, paint a
region, switch a latent off, scroll the latent list with the wheel (no edit may result), type a
threshold, run the ranking, export the PDF. Every step's outcome is asserted and a screenshot
of the whole screen is saved (``SAE_INSPECTOR_LINEPC_SHOTS`` names the folder; default: the
test's temporary folder). In CI (``CI`` set) it must run; elsewhere it skips when Xvfb, openbox
or xdotool is missing (``.ci/run`` installs them).

The app runs in a child process (this file, run as a script, is the harness): it starts the
window as ``python main.py`` does, then drives it from a timer so that modal dialogs (the
export dialog) are driven too, and writes what it saw to ``result.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (1366, 768)
TOOLS = ("Xvfb", "openbox", "xdotool")


# --------------------------------------------------------------------------------------------
# the pytest side
# --------------------------------------------------------------------------------------------
def _missing() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _start_x(tmp: Path):  # noqa: ANN202 - (display, [processes])
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
                            pass_fds=(w,))
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    display = f":{num}"
    env = dict(os.environ, DISPLAY=display, HOME=str(tmp))  # openbox reads ~/.config: keep it in the test's folder
    wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)  # let the window manager take the screen before the app maps its window
    return display, [wm, xvfb]


def _stop(procs) -> None:  # noqa: ANN001
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def _test(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {missing} are missing: .ci/run must install xvfb, openbox and xdotool")
        pytest.skip(f"{missing} not installed (apt-get install xvfb openbox xdotool)")
    shots = Path(os.environ.get("SAE_INSPECTOR_LINEPC_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    display, procs = _start_x(tmp_path)
    try:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", SAE_INSPECTOR_DATA_DIR=str(tmp_path / "data"),
                   HOME=str(tmp_path), SAE_INSPECTOR_LANG="en")
        env.pop("QT_QPA_PLATFORMTHEME", None)
        p = subprocess.run([sys.executable, __file__, str(shots), str(tmp_path / "work")], env=env, capture_output=True,
                           text=True, timeout=900)
        result_file = tmp_path / "work" / "result.json"
        assert result_file.is_file(), f"the harness wrote no result (exit {p.returncode}):\n{p.stderr[-4000:]}"
        r = json.loads(result_file.read_text())
        assert p.returncode == 0 and not r.get("error"), f"{r.get('error')}\n{p.stderr[-4000:]}"
    finally:
        _stop(procs)

    # the window fits the screen with its frame, and never resized itself
    assert r["screen"] == list(SCREEN)
    fx, fy, fw, fh = r["frame"]
    assert fx >= 0 and fy >= 0 and fx + fw <= SCREEN[0] and fy + fh <= SCREEN[1], r["frame"]
    assert len(set(map(tuple, r["sizes"]))) == 1, f"the window resized itself: {r['sizes']}"
    assert r["min_hint"][0] <= SCREEN[0] and r["min_hint"][1] <= SCREEN[1]
    # the part image takes the room left
    assert r["canvas"][0] >= 700 and r["canvas"][1] >= 450, r["canvas"]
    # 1. a sample opened from the File menu
    assert r["opened"] == r["sample"], (r["opened"], r["sample"])
    # 2. painted with the mouse: one stroke, one undo step
    assert r["painted_pixels"] > 50 and r["undo_steps"] == 1
    # 3. the latent switched off by its checkbox, and the score moved
    assert r["edits_after_toggle"] == [[r["toggled"], "off"]]
    assert r["shown_edits"] == r["edits_after_toggle"]
    # 4. the wheel over the latent list: no edit at all, the list scrolled instead
    assert r["edits_after_wheel"] == r["edits_after_toggle"] and r["sliders_after_wheel"] == r["sliders_before_wheel"]
    assert r["scroll_after_wheel"] > r["scroll_before_wheel"] or r["scroll_max"] == 0
    # 5. a typed threshold, applied whole
    assert abs(r["threshold"] - 0.85) < 1e-9 and r["verdict_after"] == ("DEFECT" if r["score_after"] >= 0.85 else "OK")
    # 6. the ranking ran from its button
    assert r["ranked"] >= 2 and "random directions" in r["rank_status"]
    # 7. the findings PDF
    assert r["export_ok"], "the export failed (see the harness output)"
    pdf = Path(r["pdf"])
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(pg.extract_text() for pg in pypdf.PdfReader(str(pdf)).pages).replace("\n", "").replace(" ", "")
    assert r["image_sha256"] in text
    for name in r["shots"]:
        a = np.asarray(Image.open(shots / name).convert("RGB"))
        assert a.shape[:2] == (SCREEN[1], SCREEN[0]) and a.std() > 10, name


@pytest.mark.xvfb
@pytest.mark.slow
def test_line_pc_acceptance_under_xvfb_with_openbox(tmp_path: Path) -> None:
    _test(tmp_path)


# --------------------------------------------------------------------------------------------
# the harness: the real app in this process, driven with xdotool
# --------------------------------------------------------------------------------------------
class Harness:
    def __init__(self, app, win, shots: Path, work: Path) -> None:  # noqa: ANN001
        self.app, self.win, self.shots, self.work = app, win, shots, work
        self.r: dict = {"shots": [], "sizes": []}

    # --- waiting and real input ------------------------------------------------------------
    def pump(self, seconds: float = 0.05) -> None:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            self.app.processEvents()
            time.sleep(0.005)

    def until(self, cond, what: str, timeout: float = 300.0) -> None:  # noqa: ANN001
        t0 = time.perf_counter()
        while not cond():
            self.app.processEvents()
            time.sleep(0.005)
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"timed out waiting for: {what}")

    def xdo(self, *args: str) -> None:
        """Run xdotool while the app keeps handling the X events it sends."""
        p = subprocess.Popen(["xdotool", *args])
        while p.poll() is None:
            self.app.processEvents()
            time.sleep(0.005)
        if p.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)} failed")
        self.pump(0.15)

    def at(self, widget, x: float | None = None, y: float | None = None) -> tuple[int, int]:  # noqa: ANN001
        from PySide6.QtCore import QPoint

        r = widget.rect()
        p = widget.mapToGlobal(QPoint(int(r.width() / 2 if x is None else x), int(r.height() / 2 if y is None else y)))
        return p.x(), p.y()

    def click(self, widget, x: float | None = None, y: float | None = None) -> None:  # noqa: ANN001
        gx, gy = self.at(widget, x, y)
        self.xdo("mousemove", "--sync", str(gx), str(gy))
        self.xdo("click", "1")

    def shot(self, name: str) -> None:
        self.pump(0.3)
        screen = self.app.primaryScreen()
        screen.grabWindow(0).save(str(self.shots / name))  # the whole screen, window manager's frame included
        self.r["shots"].append(name)
        self.r["sizes"].append([self.win.width(), self.win.height()])

    # --- the loop an engineer goes through ------------------------------------------------------
    def run(self) -> None:
        win = self.win
        self.until(lambda: win.windowHandle() is not None and win.windowHandle().isExposed(), "the window to be shown")
        self.until(lambda: win.image is not None and win.after is not None and not win.client.busy and win.latent_panel.cards,
                   "the first sample to be analysed")
        self.xdo("windowactivate", "--sync", str(int(win.winId())))
        screen = self.app.primaryScreen().geometry()
        fg = win.frameGeometry()
        self.r.update(screen=[screen.width(), screen.height()], frame=[fg.x(), fg.y(), fg.width(), fg.height()],
                      min_hint=[win.minimumSizeHint().width(), win.minimumSizeHint().height()],
                      canvas=[win.canvas.viewport().width(), win.canvas.viewport().height()])
        self.shot("01_start.png")
        self.open_sample()
        self.paint()
        self.toggle()
        self.wheel()
        self.threshold()
        self.rank()
        self.export()

    def open_sample(self) -> None:
        """File → Open sample → the second sample, with the mouse."""
        win = self.win
        samples = [a for a in win.menus.samples_menu.actions() if a.isEnabled()]
        target = samples[1] if len(samples) > 1 else samples[0]
        self.r["sample"] = target.text()
        mb = win.menuBar()
        file_action = mb.actions()[0]
        g = mb.actionGeometry(file_action)
        self.click(mb, g.center().x(), g.center().y())
        menu = file_action.menu()
        self.until(menu.isVisible, "the File menu to open", 20)
        g = menu.actionGeometry(win.menus.samples_menu.menuAction())
        gx, gy = self.at(menu, g.center().x(), g.center().y())
        self.xdo("mousemove", "--sync", str(gx), str(gy))
        self.until(win.menus.samples_menu.isVisible, "the sample list to open", 20)
        sm = win.menus.samples_menu
        g = sm.actionGeometry(target)
        token = win.image_token
        self.click(sm, g.center().x(), g.center().y())
        self.until(lambda: win.image_token != token and not win.client.busy and win.latent_panel.cards, "the sample to open")
        self.r["opened"] = Path(win.image.path).stem
        self.r["image_sha256"] = win.image.sha256
        self.shot("02_sample.png")

    def paint(self) -> None:
        win = self.win
        h, w = win.mask.shape

        def pt(fx: float, fy: float) -> tuple[int, int]:
            from PySide6.QtCore import QPointF

            scene = win.canvas.view.mapViewToScene(QPointF(fx * w, fy * h))
            vp = win.canvas.mapFromScene(scene)
            return self.at(win.canvas.viewport(), vp.x(), vp.y())

        x0, y0 = pt(0.35, 0.40)
        self.xdo("mousemove", "--sync", str(x0), str(y0))
        self.xdo("mousedown", "1")
        for k in range(1, 9):
            x, y = pt(0.35 + 0.3 * k / 8, 0.40 + 0.2 * k / 8)
            self.xdo("mousemove", "--sync", str(x), str(y))
        self.xdo("mouseup", "1")
        self.until(lambda: not win.mask.is_empty() and not win.client.busy, "the painted region's result")
        self.pump(0.3)
        self.until(lambda: not win.client.busy and win.latent_panel.cards, "the region's latents")
        self.r.update(painted_pixels=int(win.mask.data.astype(bool).sum()), undo_steps=win.mask.history_length)
        self.shot("03_painted.png")

    def toggle(self) -> None:
        win = self.win
        win.latent_dock.raise_()
        self.pump(0.2)
        card = next(iter(win.latent_panel.cards.values()))
        win.latent_panel.scroll.ensureWidgetVisible(card.on_box)
        self.pump(0.2)
        rid = win.results.shown.request_id if win.results.shown is not None else -1
        self.click(card.on_box, 8, card.on_box.height() / 2)
        self.until(lambda: win.results.shown is not None and win.results.shown.request_id != rid and not win.client.busy,
                   "the toggled latent's result")
        self.r["toggled"] = card.latent
        self.r["edits_after_toggle"] = [[e.latent, e.op] for e in win.controls.edits()]
        self.r["shown_edits"] = [[e.latent, e.op] for e in win.results.shown.request.edits]
        self.shot("04_toggled.png")

    def wheel(self) -> None:
        """The wheel over the cards' sliders and spin boxes: the list scrolls, nothing is edited."""
        win = self.win
        cards = list(win.latent_panel.cards.values())
        bar = win.latent_panel.scroll.verticalScrollBar()
        win.latent_panel.scroll.verticalScrollBar().setValue(0)
        self.pump(0.2)
        self.r["scroll_before_wheel"], self.r["scroll_max"] = bar.value(), bar.maximum()
        self.r["sliders_before_wheel"] = [c.slider.value() for c in cards]
        card = cards[0]
        gx, gy = self.at(card.slider)
        self.xdo("mousemove", "--sync", str(gx), str(gy))
        self.xdo("click", "--repeat", "6", "--delay", "60", "5")  # button 5: wheel down
        gx, gy = self.at(win.latent_panel.scroll.viewport())
        self.xdo("mousemove", "--sync", str(gx), str(gy))
        self.xdo("click", "--repeat", "4", "--delay", "60", "5")
        self.pump(0.5)
        self.until(lambda: not win.client.busy, "any result")
        self.r["scroll_after_wheel"] = bar.value()
        self.r["sliders_after_wheel"] = [c.slider.value() for c in cards]
        self.r["edits_after_wheel"] = [[e.latent, e.op] for e in win.controls.edits()]
        self.shot("05_wheel.png")

    def threshold(self) -> None:
        win = self.win
        spin = win.verdict.threshold
        self.click(spin)
        self.xdo("key", "ctrl+a")
        self.xdo("type", "--delay", "80", "0.85")
        self.r["threshold_while_typing"] = win.results.threshold.value
        self.xdo("key", "Return")
        self.pump(0.3)
        self.r.update(threshold=win.results.threshold.value, verdict_after=win.verdict.after_verdict.text(),
                      score_after=win.after.score)
        self.shot("06_threshold.png")

    def rank(self) -> None:
        win = self.win
        bar = win.tabs.tabBar()
        g = bar.tabRect(1)
        self.click(bar, g.center().x(), g.center().y())
        self.until(lambda: win.tabs.currentIndex() == 1, "the Effects tab", 20)
        shown: list[str] = []
        win.effectShown.connect(shown.append)
        self.click(win.effects.rank_btn)
        self.until(lambda: "rank" in shown, "the ranking", 600)
        self.r.update(ranked=len(win.effects.rank.latents), rank_status=win.effects.status.text())
        self.shot("07_rank.png")

    def export(self) -> None:
        """Ctrl+E, the dialog filled with real keys (it is modal: driven from a timer inside its loop)."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        win = self.win
        out = self.work / "findings.pdf"
        done: list = []
        win.exportFinished.connect(done.append)
        state: dict = {}

        def fill() -> None:
            try:
                dlg = QApplication.activeModalWidget()
                if dlg is None or dlg.objectName() != "exportDialog":
                    QTimer.singleShot(200, fill)
                    return
                self.shot("08_export_dialog.png")
                self.click(dlg.operator)
                self.xdo("type", "--delay", "30", "line engineer")
                self.click(dlg.path)
                self.xdo("key", "ctrl+a")
                self.xdo("type", "--delay", "10", str(out))
                self.click(dlg.buttons.buttons()[0] if dlg.buttons.buttons()[0].text() == "Export" else dlg.buttons.buttons()[1])
            except Exception as exc:  # noqa: BLE001 - reported by the outer loop
                state["error"] = repr(exc)

        QTimer.singleShot(300, fill)
        self.xdo("key", "ctrl+e")
        self.until(lambda: bool(done) or "error" in state, "the export", 600)
        if "error" in state:
            raise RuntimeError(state["error"])
        self.r.update(pdf=str(out), export_ok=bool(done[-1].ok))
        win.tabs.setCurrentIndex(0)
        self.shot("09_exported.png")


def harness(shots: Path, work: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from app.cli.entry import limit_blas_threads

    limit_blas_threads()
    from app.core.paths import default_bundle_dir
    from app.ui.app import make_app

    app = make_app()
    from app.ui.main_window import MainWindow

    work.mkdir(parents=True, exist_ok=True)
    shots.mkdir(parents=True, exist_ok=True)
    win = MainWindow(backend="onnx", offer_restore=False)
    win.unsaved.ask = lambda names: "discard"  # the run's work is not the user's
    win.show()
    win.start(bundle=default_bundle_dir())
    h = Harness(app, win, shots, work)
    try:
        h.run()
    except Exception as exc:  # noqa: BLE001 - every failure reaches the test as text
        import traceback

        traceback.print_exc()
        h.r["error"] = repr(exc)
    (work / "result.json").write_text(json.dumps(h.r, indent=1))
    win.close()
    app.processEvents()
    return 1 if "error" in h.r else 0


if __name__ == "__main__":
    raise SystemExit(harness(Path(sys.argv[1]), Path(sys.argv[2])))
