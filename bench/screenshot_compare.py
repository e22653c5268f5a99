"""A scripted comparison for the README screenshot (issue #20): open bundle A with a part, paint its
ground-truth region, switch off the region's top latent, open Analysis → Compare with another
bundle…, choose bundle B, let the counterparts be measured on the part's folder, switch off A's
first latent that has a counterpart together with it, and grab the comparison window.

    python bench/screenshot_compare.py --a model_store/mixed --b model_store/metal \
        --image resources/samples/metal/scratch_1.png --out docs/screenshot_compare.png

``--threshold T`` compares A with a copy of itself whose threshold is T (made in a temporary
folder), when no second bundle is at hand. Prints what the window shows. Runs on any Qt platform
(xcb under Xvfb for a real window, or offscreen).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from screenshot import wait_until  # noqa: E402 - the bench folder is put on the path first


def threshold_copy(src: Path, dst: Path, threshold: float) -> Path:
    shutil.copytree(src, dst)
    raw = json.loads((dst / "bundle.json").read_text(encoding="utf-8"))
    raw["threshold"] = threshold
    (dst / "bundle.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return dst


def scripted(a: Path, b: Path, image: Path, mask: Path | None, out: Path, size: tuple[int, int], tab: int,
             unedited: bool = False) -> None:
    from app.ui.app import make_app

    app = make_app()
    from app.ui.compare_controller import open_compare
    from app.ui.main_window import MainWindow

    win = MainWindow(offer_restore=False)
    if hasattr(win, "unsaved"):
        win.unsaved.ask = lambda names: "discard"  # a scripted session is not work to keep
    win.resize(*size)
    win.show()
    win.start(bundle=a, image=image)
    wait_until(app, lambda: win.image is not None and win.after is not None and bool(win.latent_panel.cards))
    if mask is not None:
        win.region.load_mask_file(mask)
    shown: list[int] = []
    win.resultShown.connect(shown.append)
    wait_until(app, lambda: bool(shown) and not win.client.busy)
    shown.clear()
    next(iter(win.latent_panel.cards.values())).on_box.setChecked(False)
    wait_until(app, lambda: bool(shown) and not win.client.busy)
    c = open_compare(win)
    c.window.resize(*size)
    c.browsed.append(b)
    c.choose_b(str(b))
    wait_until(app, lambda: c.session_b is not None and c.corr is not None and c._job is None and c.pair is not None
               and c.pair.session_b is c.session_b and c.pair.region is not None and not win.client.busy)
    rows = c.pair.region.a
    row = next((i for i, x in enumerate(rows) if x.counterpart.matched), 0)
    c.window.counterparts.controls.setValue(32)
    c.window.counterparts.tables["A"].selectRow(row)
    c.window.counterparts.switch_btn.click()
    wait_until(app, lambda: c.switch is not None and not win.client.busy)
    c.window.paired.unedited.setChecked(unedited)
    c.window.tabs.setCurrentIndex(tab)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)
    out.parent.mkdir(parents=True, exist_ok=True)
    c.window.grab().save(str(out))
    po = c.pair.outcome
    print(f"A {po.a.bundle.name} {po.a.bundle.hash[:12]}: {po.a.edited.score:.4f} (threshold {po.a.bundle.threshold:.4f}); "
          f"B {po.b.bundle.name} {po.b.bundle.hash[:12]}: {po.b.edited.score:.4f} (threshold {po.b.bundle.threshold:.4f}); "
          f"verdicts agree: {po.verdicts_agree}; identical: {po.identical}")
    print(c.window.counterparts.basis.text())
    print(c.window.counterparts.switch_text.text())
    print(f"wrote {out}")
    win.close()
    app.processEvents()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", default=str(ROOT / "model_store" / "mixed"), help="bundle A (the model in production)")
    ap.add_argument("--b", default=None, help="bundle B (the candidate)")
    ap.add_argument("--threshold", type=float, default=None, help="B = a copy of A with this threshold")
    ap.add_argument("--image", required=True)
    ap.add_argument("--mask", default=None, help="region mask PNG (default: the image's ground truth beside it)")
    ap.add_argument("--out", default="screenshot_compare.png")
    ap.add_argument("--size", default="1366x768", help="window size in pixels")
    ap.add_argument("--tab", type=int, default=0, help="0 side by side, 1 counterparts, 2 folder")
    ap.add_argument("--unedited", action="store_true", help="show the maps without the edits")
    args = ap.parse_args()
    if (args.b is None) == (args.threshold is None):
        ap.error("give --b or --threshold")
    image = Path(args.image)
    mask = Path(args.mask) if args.mask else image.with_name(f"{image.stem}_mask.png")
    size = tuple(int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="sae-compare-shot-") as tmp:
        b = Path(args.b) if args.b else threshold_copy(Path(args.a), Path(tmp) / f"{Path(args.a).name}-threshold", args.threshold)
        scripted(Path(args.a), b, image, mask if mask.is_file() else None, Path(args.out), size, args.tab,  # type: ignore[arg-type]
                 args.unedited)
    return 0


if __name__ == "__main__":
    sys.exit(main())
