"""`main.py --self-test`: is this installation able to do its job? Exit 0, or 1 with the reason.

Loads the default bundle (or ``--bundle``) and, on every backend this build has (torch and
ONNX Runtime, each on CPU and on CUDA where present), analyses a part image, switches the
most active latent off in the whole image, and writes a findings report into a temporary
folder. Prints one table row per backend and checks:

- exactness: an intervention with no edit reproduces the baseline outputs;
- parity: every backend gives the same scores (within 1e-4);
- the GUI's Qt libraries, platform plugin and Japanese font load (offscreen).

``SAE_INSPECTOR_REQUIRE_CUDA=1`` makes the CUDA variants of both backends mandatory
(``packaging/gpu_check.sh`` sets it); otherwise a CUDA provider that does not load on a
machine without a GPU is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.core.backends.parity import PARITY_TOL
from app.core.errors import InspectorError

log = logging.getLogger(__name__)

EXACT_TOL = 1e-6
REQUIRE_CUDA_ENV = "SAE_INSPECTOR_REQUIRE_CUDA"


@dataclass
class Row:
    backend: str
    device: str
    provider: str = ""
    score: float | None = None
    edited: float | None = None
    analyze_ms: float | None = None
    edit_ms: float | None = None
    report: str = ""
    status: str = "ok"  # ok | skipped: ... | FAILED: ...
    class_probs: np.ndarray | None = field(default=None, repr=False)
    edited_probs: np.ndarray | None = field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        return self.status.startswith("FAILED")

    @property
    def ran(self) -> bool:
        return self.status == "ok"


def _default_bundle() -> Path:
    from app.cli.common import DEFAULT_BUNDLE

    return DEFAULT_BUNDLE


def _fail(text: str) -> int:
    print(f"self-test FAILED: {text}", file=sys.stderr)
    log.info("self-test failed: %s", text)  # the file only: stderr has the line above
    return 1


def _part_image(folder: Path, bundle_path: Path) -> Path:
    """The first of the bundle's own shipped samples (``resources/samples/<bundle folder>/``), a part of the
    product it was trained on; else a synthetic brushed-metal part with a scratch."""
    from app.core.file_listing import list_samples, samples_folder
    from app.core.paths import resource_path

    shipped = list_samples(samples_folder(resource_path("resources", "samples"), bundle_path))
    if shipped:
        return shipped[0]
    from PIL import Image

    rng = np.random.default_rng(0)
    h, w = 120, 160
    base = 150 + 20 * np.sin(np.linspace(0, 6 * np.pi, w))[None, :] + rng.normal(0, 6, (h, w))
    base[55:59, 30:130] -= 70  # a scratch
    img = np.clip(np.stack([base, base * 0.98, base * 0.95], axis=2), 0, 255).astype(np.uint8)
    p = folder / "self_test_part.png"
    Image.fromarray(img, "RGB").save(p)
    return p


def _candidates(choice: str, require_cuda: bool) -> tuple[list[tuple[str, str, bool]], list[Row]]:
    """(kind, device, required) to run, and rows for what was skipped or is missing."""
    from app.core.backends.torch_backend import cuda_available, torch_available

    kinds = ["torch", "onnx"] if choice == "auto" else [choice]
    runs: list[tuple[str, str, bool]] = []
    rows: list[Row] = []
    has_cuda = False
    if "torch" in kinds:
        if torch_available():
            runs.append(("torch", "cpu", True))
            has_cuda = cuda_available()
            if has_cuda:
                runs.append(("torch", "cuda:0", True))
            elif require_cuda:
                rows.append(Row("torch", "cuda:0", status="FAILED: torch cannot use CUDA on this machine"))
        else:
            status = "FAILED: torch is not in this build" if choice == "torch" else "skipped: torch is not in this build"
            rows.append(Row("torch", "-", status=status))
    if "onnx" in kinds:
        runs.append(("onnx", "cpu", True))
        try:
            import onnxruntime as ort

            ort_cuda = "CUDAExecutionProvider" in ort.get_available_providers()
        except Exception:  # noqa: BLE001 - the cpu run reports a broken onnxruntime
            ort_cuda = False
        if ort_cuda:
            runs.append(("onnx", "cuda:0", has_cuda or require_cuda))
        elif require_cuda:
            rows.append(Row("onnxruntime", "cuda:0", status="FAILED: this onnxruntime has no CUDA provider"))
    return runs, rows


def _report(session: Any, out: Path, img: Any, edit: Any, kind: str, lang: str) -> str:
    """A findings PDF through the report API when it is in this build, else JSON + heatmap PNGs."""
    try:
        from app.report.export import export_findings
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("app.report"):
            raise
        export_findings = None
    if export_findings is not None:
        from app.report.findings import About, ReportRequest

        request = ReportRequest(
            image_path=img.path, image_sha256=img.sha256, edits=(edit,) if edit is not None else (),
            about=About(lang=lang), image_notes=tuple(img.notes), backend_choice=kind,
            bundle_path=str(session.bundle.root),
        )
        res = export_findings(session, request, out / f"findings-{lang}.pdf", overwrite=True)
        data = Path(res.path).read_bytes()
        if not data.startswith(b"%PDF") or len(data) < 1000:
            raise InspectorError("self_test", f"the report {res.path.name} is not a valid PDF")
        return f"PDF {lang}, {res.pages} p, {len(data) // 1024} KB"
    # fallback: what `analyze --out` writes
    a = session.analysis
    doc = {"backend": session.backend_info(), "baseline_score": a.baseline.score,
           "edit": None if edit is None else {"latent": edit.latent, "op": edit.op}}
    (out / "analysis.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    try:
        from app.report.figures import heatmap_png

        heatmap_png(out / "defect_map_before.png", img.pixels_HWC, a.baseline.patch_map, title="defect map (0–1)")
        return "JSON + heatmap PNG (report module not in this build)"
    except ModuleNotFoundError:
        import cv2

        m = (np.clip(a.baseline.patch_map, 0, 1) * 255).astype(np.uint8)
        cv2.imwrite(str(out / "defect_map_before.png"), m)
        return "JSON + PNG (report module not in this build)"


def _run_backend(bundle: Any, kind: str, device: str, img: Any, out: Path, lang: str) -> Row:
    from app.core.backends.select import FallbackBackend
    from app.core.edits import LatentEdit
    from app.core.session import InspectionSession

    row = Row("onnxruntime" if kind == "onnx" else kind, device)
    fb = FallbackBackend(bundle, [(kind, device)])  # no hand-over: a self-test must see the failure
    info = fb.info
    row.backend, row.device, row.provider = info.name, info.device, info.provider
    if device.startswith("cuda") and info.device == "cpu":
        raise InspectorError("self_test", f"{kind} asked for CUDA but runs on {info.provider}")
    s = InspectionSession(bundle, fb)
    t0 = time.perf_counter()
    a = s.analyze(img.pixels_HWC)
    row.analyze_ms = (time.perf_counter() - t0) * 1e3
    row.score = a.baseline.score
    row.class_probs = a.baseline.class_probs
    same = s.intervene(None, [])
    d = max(float(np.max(np.abs(same.class_logits - a.baseline.class_logits))),
            float(np.max(np.abs(same.patch_logits - a.baseline.patch_logits))))
    if d > EXACT_TOL:
        raise InspectorError("self_test", f"no edit does not reproduce the baseline (max difference {d:.3g})")
    top = s.latents_in_mask(None, top=1)
    edit = LatentEdit(top[0].id, "off") if top else None
    t0 = time.perf_counter()
    edited = s.intervene(None, [edit] if edit else [])
    row.edit_ms = (time.perf_counter() - t0) * 1e3
    row.edited = edited.score
    row.edited_probs = edited.class_probs
    folder = out / f"{kind}-{device.replace(':', '')}"
    folder.mkdir()
    row.report = _report(s, folder, img, edit, kind, lang)
    if edit is None:
        row.report += "; no latent active, edit skipped"
    if fb.notices:
        raise InspectorError("self_test", "; ".join(fb.notices))
    return row


def _check_qt() -> Row:
    """The GUI's libraries, Qt platform plugin and the shipped Japanese font (offscreen)."""
    row = Row("Qt GUI", "-")
    try:
        import PySide6
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QApplication
    except ModuleNotFoundError:
        row.status = "skipped: PySide6 is not in this build"
        return row
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # a QApplication (not a QGuiApplication), so that widgets made later in this process still work
    app = QApplication.instance() or QApplication(["sae-inspector-self-test"])
    row.provider = f"PySide6 {PySide6.__version__}, {app.platformName()}"
    from app.core.resources import japanese_font_path

    font = japanese_font_path()
    if font.is_file():
        fid = QFontDatabase.addApplicationFont(str(font))
        if fid < 0:
            raise InspectorError("self_test", f"Qt cannot load the shipped font {font.name}")
        row.report = ", ".join(QFontDatabase.applicationFontFamilies(fid)) or font.name
    else:
        row.report = f"font missing: {font}"
        raise InspectorError("self_test", f"the Japanese font is missing: {font}")
    try:
        import app.ui.app  # noqa: F401 - every GUI module this build needs is importable
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("app.ui"):
            row.report += "; GUI not in this build"
        else:
            raise
    return row


def _print_runtimes() -> None:
    """What the runtimes can load here: on a GPU machine this is where a CUDA problem shows."""
    from app.core.diagnostics import collect_diagnostics

    d = collect_diagnostics(import_torch="torch" in sys.modules)
    print(f"onnxruntime {d.packages.get('onnxruntime')} providers available: {', '.join(d.ort_providers_available) or 'none'}")
    tv = d.packages.get("torch", "")
    torch_text = f"torch {tv}: {d.torch_cuda}" if tv[:1].isdigit() else f"torch: {d.torch_cuda}"
    print(f"{torch_text}; GPU: {'; '.join(g.describe() for g in d.gpus) or 'none found'}")
    if d.cuda_preload:
        print(f"CUDA libraries: {d.cuda_preload}")


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def _print_table(rows: list[Row]) -> None:
    head = ("backend", "device", "provider", "score", "edited", "analyze ms", "edit ms", "report / status")
    body = [
        (r.backend, r.device, r.provider, _fmt(r.score, ".6f"), _fmt(r.edited, ".6f"), _fmt(r.analyze_ms, ".1f"),
         _fmt(r.edit_ms, ".1f"), r.report if r.status == "ok" else (r.report + " " if r.report else "") + r.status)
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    widths[-1] = len(head[-1])  # the last column is free text
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    print(line(head))
    print(line(tuple("-" * w for w in widths)))
    for b in body:
        print(line(b))


def run_self_test(args: argparse.Namespace) -> int:
    from app.core.logging_setup import setup_logging

    log_file = setup_logging()
    from app import __version__
    from app.core.bundle import load_bundle
    from app.core.images import load_image

    bundle_arg = getattr(args, "bundle", None)
    bundle_path = Path(bundle_arg) if bundle_arg else _default_bundle()
    choice = getattr(args, "backend", None) or "auto"
    require_cuda = os.environ.get(REQUIRE_CUDA_ENV, "") not in ("", "0")
    if not bundle_path.exists():
        which = "the model bundle" if bundle_arg else "the default model bundle"
        return _fail(f"{which} is missing: {bundle_path} (pass --bundle DIR)")
    try:
        bundle = load_bundle(bundle_path)
    except InspectorError as exc:
        return _fail(f"bundle {bundle_path}: {exc.message}")

    frozen = " (packaged)" if getattr(sys, "frozen", False) else ""
    print(f"SAE Inspector {__version__}{frozen} self-test")
    print(f"bundle {bundle.manifest.name} {bundle.manifest.version} (sha {bundle.hash[:12]}) at {bundle_path}")
    if log_file:
        print(f"log {log_file}")
    rows: list[Row] = []
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sae-self-test-") as tmp:
        out = Path(tmp)
        try:
            img = load_image(_part_image(out, bundle_path))
        except InspectorError as exc:
            return _fail(f"the test image cannot be loaded: {exc.message}")
        print(f"image {Path(img.path).name} {img.size[0]}x{img.size[1]}")
        runs, rows = _candidates(choice, require_cuda)
        try:
            from app.report.texts import LANGS
        except ModuleNotFoundError:
            LANGS = ("en",)
        for i, (kind, device, required) in enumerate(runs):
            lang = "ja" if i == 0 and "ja" in LANGS else "en"  # one Japanese report checks the shipped font
            try:
                rows.append(_run_backend(bundle, kind, device, img, out, lang))
            except Exception as exc:  # noqa: BLE001 - every failure becomes a row and exit 1
                msg = exc.message if isinstance(exc, InspectorError) else f"{type(exc).__name__}: {exc}"
                log.info("self-test %s %s: %s\n%s", kind, device, msg, traceback.format_exc())
                name = "onnxruntime" if kind == "onnx" else kind
                prefix = "FAILED" if required else "skipped (no usable GPU)"
                rows.append(Row(name, device, status=f"{prefix}: {msg}"))
        try:
            rows.append(_check_qt())
        except Exception as exc:  # noqa: BLE001
            msg = exc.message if isinstance(exc, InspectorError) else f"{type(exc).__name__}: {exc}"
            rows.append(Row("Qt GUI", "-", status=f"FAILED: {msg}"))
    _print_table(rows)
    _print_runtimes()

    reasons = [f"{r.backend} {r.device}: {r.status.removeprefix('FAILED: ')}" for r in rows if r.failed]
    ran = [r for r in rows if r.ran and r.score is not None]
    if not ran and not reasons:
        reasons.append("no backend ran")
    if len(ran) > 1:
        ref = ran[0]
        for r in ran[1:]:
            dev = max(abs(r.score - ref.score), abs(r.edited - ref.edited),  # type: ignore[operator]
                      float(np.max(np.abs(r.class_probs - ref.class_probs))),
                      float(np.max(np.abs(r.edited_probs - ref.edited_probs))))
            if dev > PARITY_TOL:
                reasons.append(f"{r.backend} {r.device} differs from {ref.backend} {ref.device} by {dev:.2g} "
                               f"(tolerance {PARITY_TOL:g})")
        print(f"parity: {len(ran)} backends agree within {PARITY_TOL:g}" if len(reasons) == 0 else "parity: see below")
    print(f"exactness: no edit = baseline on {len(ran)} backend(s); {time.perf_counter() - t_start:.1f} s")
    if reasons:
        return _fail("; ".join(reasons))
    print("self-test passed")
    log.info("self-test passed on %s", ", ".join(f"{r.backend}/{r.device}" for r in ran))
    return 0
