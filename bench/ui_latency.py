"""Time from a latent toggle to the repainted heatmap, through the real window and worker.

    python bench/ui_latency.py [--bundle BUNDLE] [--image IMG] [--n 40] [--backend auto] [--size 1350x728]

Each sample: click the top card's on/off box, wait for the result, repaint the canvas
synchronously. Prints p50/p95 (and the suffix time inside the worker); never pass/fail.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))



from app.cli.entry import limit_blas_threads  # noqa: E402

limit_blas_threads()  # as the app does (see app/cli/entry.py)

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from app.core.paths import default_bundle_dir

    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--image", default=None, help="part image (default: the first sample, else a random image)")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx"])
    ap.add_argument("--mode", default="after", choices=["after", "difference", "before"])
    ap.add_argument("--size", default="1350x728", help="window size (default: a 1366x768 line PC's screen less the frame)")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("SAE_INSPECTOR_DATA_DIR", tempfile.mkdtemp(prefix="sae-bench-"))

    from app.core.file_listing import list_samples, samples_folder
    from app.ui.app import make_app

    _app = make_app()  # keep the application alive
    from app.ui.main_window import MainWindow

    image = args.image
    if image is None:
        samples = list_samples(samples_folder(ROOT / "resources" / "samples", Path(args.bundle)))
        if samples:
            image = str(samples[0])
        else:
            from PIL import Image

            image = str(Path(tempfile.mkdtemp()) / "random.png")
            Image.fromarray(np.random.default_rng(0).integers(0, 255, (256, 256, 3), dtype=np.uint8)).save(image)

    win = MainWindow(backend=args.backend, offer_restore=False)
    win.unsaved.ask = lambda names: "discard"  # the benchmark's toggles are not work to keep
    win.resize(*(int(v) for v in args.size.split("x")))
    win.show()
    win.start(bundle=args.bundle, image=image)

    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()

    def wait(cond, timeout=300.0) -> None:  # noqa: ANN001
        t0 = time.perf_counter()
        while not cond():
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
            if time.perf_counter() - t0 > timeout:
                raise SystemExit("timed out waiting for the window (is the bundle valid?)")

    wait(lambda: win.image is not None and win.after is not None and bool(win.latent_panel.cards) and not win.client.busy)
    win.layers.set_mode(args.mode)
    stamps: dict[str, float] = {}

    def on_shown(_rid: int) -> None:
        win.canvas.viewport().repaint()  # the heatmap is on screen when this returns
        stamps["painted"] = time.perf_counter()

    win.resultShown.connect(on_shown)
    card = next(iter(win.latent_panel.cards.values()))
    times, worker_ms = [], []
    for k in range(args.n + 3):
        stamps.clear()
        t0 = time.perf_counter()
        card.on_box.click()
        wait(lambda: "painted" in stamps and not win.client.busy)
        if k >= 3:  # warm-up
            times.append((stamps["painted"] - t0) * 1e3)
            worker_ms.append(win.session.last_timings_ms.get("intervene", float("nan")))
    info = win.session.backend_info()
    h, w = win.image.pixels_HWC.shape[:2]
    win.close()
    t = np.asarray(times)
    print(f"bundle    {win.session.bundle.name} {win.session.bundle.manifest.version}  ({args.bundle})")
    print(f"backend   {info['backend']} · {info['device']} · {info['provider']}")
    print(f"image     {Path(image).name}  {w}x{h}   heatmap '{args.mode}'   samples {len(t)}")
    print(f"toggle -> repainted heatmap:  p50 {np.percentile(t, 50):.1f} ms   p95 {np.percentile(t, 95):.1f} ms   "
          f"mean {t.mean():.1f} ms   max {t.max():.1f} ms")
    print(f"suffix inside the worker:     p50 {np.nanpercentile(worker_ms, 50):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
