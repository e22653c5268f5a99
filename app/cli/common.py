"""Arguments and helpers shared by the headless subcommands."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.edits import LatentEdit, parse_edit
from app.core.errors import InspectorError
from app.core.jsonsafe import dumps, to_jsonable
from app.core.paths import DEFAULT_BUNDLE_NAME, default_bundle_dir

__all__ = ["DEFAULT_BUNDLE", "add_bundle_args", "ensure_out_dir", "open_and_analyze", "open_session", "parse_edits",
           "print_json", "refuse_overwrite", "result_header", "to_jsonable", "write_all_or_nothing"]

DEFAULT_BUNDLE = default_bundle_dir()


def add_bundle_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bundle", default=str(DEFAULT_BUNDLE), help=f"model bundle folder (default: model_store/{DEFAULT_BUNDLE_NAME})")
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
    The image and the mask are read before the bundle, so a bad one fails without loading a model.
    """
    import time

    from app.core.images import load_image, load_region_mask

    img = load_image(args.image)
    mask = load_region_mask(args.mask, img.pixels_HWC.shape[:2]) if getattr(args, "mask", None) else None
    session = open_session(args)
    t0 = time.perf_counter()
    session.analyze(img.pixels_HWC)
    return img, session, mask, (time.perf_counter() - t0) * 1e3


def result_header(session, img) -> dict[str, Any]:  # noqa: ANN001
    """The identity block every headless JSON result starts with."""
    return {
        **session.backend_info(), "bundle": session.bundle.summary(),
        "image": {"path": img.path, "sha256": img.sha256}, "threshold": session.bundle.manifest.threshold,
    }


def print_json(obj: Any) -> None:
    """One strict JSON object on stdout: a NaN or infinite value is an error naming its field, never a bare NaN."""
    print(dumps(obj))


def refuse_overwrite(out: str | Path, names: tuple[str, ...], force: bool) -> None:
    """Earlier results in ``out`` are kept unless the user says ``--force``."""
    existing = [n for n in names if (Path(out) / n).exists()]
    if existing and not force:
        raise InspectorError(
            "output_exists", f"{out} already holds {', '.join(existing)} from an earlier run; pass --force to replace "
            "them, or choose another --out", path=str(out),
        )


def write_all_or_nothing(out: Path, writers: dict[str, Callable[[Path], None]]) -> None:
    """Write every file into a temporary folder inside ``out``, then move them into place: a full disk
    or a crash leaves the earlier results whole, never a truncated figure beside a new JSON."""
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".results-", suffix=".tmp", dir=out))
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write to {out}: {exc.strerror}", path=str(out)) from exc
    try:
        for name, write in writers.items():
            write(tmp / name)
            with open(tmp / name, "rb") as f:
                os.fsync(f.fileno())
        for name in writers:
            os.replace(tmp / name, out / name)
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot write to {out}: {exc.strerror or exc}; earlier results there "
                                             "are unchanged", path=str(out)) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ensure_out_dir(path: str | Path) -> Path:
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InspectorError("write_failed", f"cannot create output folder {p}: {exc.strerror}", path=str(p)) from exc
    return p
