"""A scripted session for the README screenshot: open a bundle and an image, apply a mask,
switch off the top latent, show the defect map's change (``--view``), grab the window to a PNG.

    python bench/screenshot.py --bundle model_store/mixed --image resources/samples/mixed/scratch_2.png \
        --mask resources/samples/mixed/scratch_2_mask.png --out docs/screenshot.png

The window is the size of a line PC's 1366×768 screen (``--size``). Runs on any Qt platform
(xcb under Xvfb for a real window, or offscreen).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait_until(app, cond, timeout_s: float = 600.0) -> None:  # noqa: ANN001
    t0 = time.perf_counter()
    while not cond():
        app.processEvents()
        time.sleep(0.005)
        if time.perf_counter() - t0 > timeout_s:
            raise TimeoutError("the GUI did not get there in time")


def scripted_session(bundle: Path, image: Path, mask: Path | None, out: Path, size=(1366, 768), paint: bool = False,  # noqa: ANN001
                     view: str = "difference", limits: tuple[float, float] | None = None) -> Path:
    from app.ui.app import make_app

    app = make_app()
    from app.ui.main_window import MainWindow

    win = MainWindow(offer_restore=False)
    win.unsaved.ask = lambda names: "discard"  # a scripted session is not work to keep
    win.resize(*size)
    win.show()
    win.start(bundle=bundle, image=image)
    wait_until(app, lambda: win.image is not None and win.after is not None and win.latent_panel.cards)
    if mask is not None:
        win.region.load_mask_file(mask)
    else:
        h, w = win.mask.shape
        win.mask.begin_stroke(w * 0.35, h * 0.4)
        win.mask.stroke_to(w * 0.65, h * 0.6)
        win.mask.end_stroke()
        win.region.on_committed()
    shown = []
    win.resultShown.connect(shown.append)
    wait_until(app, lambda: bool(shown) and not win.client.busy)
    card = next(iter(win.latent_panel.cards.values()))
    shown.clear()
    card.on_box.setChecked(False)
    wait_until(app, lambda: bool(shown) and not win.client.busy)
    win.layers.set_mode(view)
    if limits is not None:
        win.layers.set_limits(*limits)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)
    out.parent.mkdir(parents=True, exist_ok=True)
    win.grab().save(str(out))
    win.close()
    app.processEvents()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from app.core.paths import default_bundle_dir

    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--image", required=True)
    ap.add_argument("--mask", default=None, help="mask PNG (default: a painted stroke)")
    ap.add_argument("--out", default="screenshot.png")
    ap.add_argument("--size", default="1366x768", help="window size in pixels")
    ap.add_argument("--view", default="difference", choices=["before", "after", "difference"],
                    help="the defect map layer's view (default: where the edit changed the map)")
    ap.add_argument("--limits", default=None, help="custom contrast limits LO,HI (default: the fixed scale)")
    args = ap.parse_args()
    # never touch the user's real autosave or settings
    os.environ.setdefault("SAE_INSPECTOR_DATA_DIR", tempfile.mkdtemp(prefix="sae-shot-"))
    size = tuple(int(v) for v in args.size.split("x"))
    out = scripted_session(Path(args.bundle), Path(args.image), Path(args.mask) if args.mask else None, Path(args.out), size,
                           view=args.view, limits=tuple(float(v) for v in args.limits.split(",")) if args.limits else None)
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
