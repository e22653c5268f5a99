"""Arguments and helpers shared by the headless subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from app.core.edits import LatentEdit, parse_edit
from app.core.errors import InspectorError

DEFAULT_BUNDLE = Path(__file__).resolve().parents[2] / "model_store" / "default"


def add_bundle_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bundle", default=str(DEFAULT_BUNDLE), help="model bundle folder (default: model_store/default)")
    p.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx"])
    p.add_argument("--device", default="auto", help="auto, cpu or cuda:0")


def parse_edits(texts: list[str] | None) -> list[LatentEdit]:
    return [parse_edit(t) for t in (texts or [])]


def open_session(args: argparse.Namespace):  # noqa: ANN201
    from app.core.session import InspectionSession

    def notice(text: str) -> None:
        print(f"notice: {text}", file=sys.stderr)

    return InspectionSession.open(args.bundle, backend=args.backend, device=args.device, on_notice=notice)


def open_and_analyze(args: argparse.Namespace):  # noqa: ANN201
    """Load ``args.image`` (and ``args.mask``), open the bundle, run the prefix once.

    Returns (LoadedImage, InspectionSession, mask [H, W] or None, analyze milliseconds).
    The image is read before the bundle, so a bad image fails without loading a model.
    """
    import time

    from app.core.images import load_image, load_mask

    img = load_image(args.image)
    session = open_session(args)
    mask = load_mask(args.mask, img.pixels_HWC.shape[:2]) if getattr(args, "mask", None) else None
    t0 = time.perf_counter()
    session.analyze(img.pixels_HWC)
    return img, session, mask, (time.perf_counter() - t0) * 1e3


def result_header(session, img) -> dict[str, Any]:  # noqa: ANN001
    """The identity block every headless JSON result starts with."""
    return {
        **session.backend_info(), "bundle": session.bundle.summary(),
        "image": {"path": img.path, "sha256": img.sha256}, "threshold": session.bundle.manifest.threshold,
    }


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    return obj


def print_json(obj: Any) -> None:
    print(json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False))


def ensure_out_dir(path: str | Path) -> Path:
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot create output folder {p}: {exc.strerror}", path=str(p)) from exc
    return p
