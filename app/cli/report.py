"""`main.py report`: a PDF findings report for one image, or replayed from a session file.

    main.py report IMAGE --bundle DIR [--mask M] [--edit ID:OP ...] [--rank] [--dose ID] ... --out F.pdf
    main.py report --session S.json --out F.pdf [--force]

The PDF is written atomically and never overwrites an existing file without --force.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.cli.common import DEFAULT_BUNDLE, parse_edits
from app.core.errors import InspectorError
from app.core.paths import DEFAULT_BUNDLE_NAME

DOSE_RANGE = 4.0
DOSE_POINTS = 21


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", nargs="?", help="part image (omit with --session)")
    p.add_argument("--session", help="replay a session file (S.json, or a findings PDF that carries one)")
    p.add_argument("--bundle", help=f"model bundle folder (default: the session's, else model_store/{DEFAULT_BUNDLE_NAME})")
    p.add_argument("--compare-bundle", metavar="DIR", help="with --session: where the session's bundle B is now, if it moved")
    p.add_argument("--backend", default=None, choices=["auto", "torch", "onnx"], help="default: auto (or the session's)")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda:0")
    p.add_argument("--mask", help="region mask PNG (nonzero = inside)")
    p.add_argument("--truth", help="ground-truth defect mask PNG, outlined in white")
    p.add_argument("--edit", action="append", metavar="ID:OP", help="ID:off | ID:scale=A | ID:set=V | ID:add=V (repeat)")
    p.add_argument("--recon-only", action="store_true", help="replace the region's tokens by the SAE reconstruction")
    p.add_argument("--threshold", type=float, help="defect threshold (default: the bundle's)")
    p.add_argument("--rank", action="store_true", help="rank the latents in the region, with controls")
    p.add_argument("--top", type=int, default=20, help="latents to rank: the most active in the region (default 20)")
    p.add_argument("--controls", type=int, default=64, help="random controls of each kind (default 64)")
    p.add_argument("--seed", type=int, default=0, help="seed of the controls (with --rank)")
    p.add_argument("--dose", type=int, metavar="ID", help="dose-response of this latent in the region")
    p.add_argument("--dose-range", type=float, default=DOSE_RANGE, metavar="R",
                   help="scale factors of the latent from -R to +R (default 4)")
    p.add_argument("--dose-points", type=int, default=DOSE_POINTS, help="points on the dose curve, at least 21 (default 21)")
    p.add_argument("--operator", default=None)
    p.add_argument("--station", default=None, help="line or station")
    p.add_argument("--part-id", default=None)
    p.add_argument("--notes", default=None, help="operator's notes (any language)")
    p.add_argument("--lang", default="en", choices=["en", "ja"], help="language of the report's fixed texts")
    p.add_argument("--out", required=True, help="the PDF to write")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def _causal(module: str = "app.core.causal") -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            raise InspectorError("not_available", "--rank and --dose need the causal analysis, which is not in this build") from None
        raise


def run_causal(session: Any, mask: Any, settings: dict[str, Any]) -> tuple[Any, Any]:
    """Run the ranking and dose-response that ``settings`` ({"rank": {...}, "dose": {...}}) ask for."""
    rank = dose = None
    if "rank" in settings:
        r = settings["rank"]
        rank = _causal().rank_latents(session, mask, top=int(r.get("top", 20)), controls=int(r.get("controls", 64)),
                                      seed=int(r.get("seed", 0)))
    if "dose" in settings:
        d = settings["dose"]
        dose = _causal("app.core.causal_dose").dose_response(session, mask, int(d["latent"]), strength_range=float(d.get("strength_range", DOSE_RANGE)),
                                       points=int(d.get("points", DOSE_POINTS)))
    return rank, dose


def _open(bundle: str, backend: str, device: str) -> Any:
    from app.core.session import InspectionSession

    def notice(text: str) -> None:
        print(f"notice: {text}", file=sys.stderr)

    return InspectionSession.open(bundle, backend=backend, device=device, on_notice=notice)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    from app.report.export import check_target

    if bool(args.image) == bool(args.session):
        raise InspectorError("usage", "give either an IMAGE or --session S.json (not both)")
    if args.compare_bundle and not args.session:
        raise InspectorError("usage", "--compare-bundle goes with --session (a saved comparison)")
    check_target(args.out, args.force)  # before any model loads
    if args.session:
        result = _run_session(args)
    else:
        result = _run_image(args)
    v = result.findings.verdict
    print(f"wrote {result.path} ({result.pages} pages, {result.size_bytes / 1024:.0f} KB): score "
          f"{v.score_before:.4f} -> {v.score_after:.4f}, threshold {v.threshold:.4f}")
    return 0


def _run_image(args: argparse.Namespace) -> Any:
    from app.core.images import load_image, load_mask
    from app.report.export import export_findings
    from app.report.findings import About, CausalResults, ReportRequest

    edits = parse_edits(args.edit)
    settings: dict[str, Any] = {}
    if args.rank:
        settings["rank"] = {"top": args.top, "controls": args.controls, "seed": args.seed}
    if args.dose is not None:
        settings["dose"] = {"latent": args.dose, "strength_range": args.dose_range, "points": args.dose_points}
    if settings:
        _causal()  # fail before the model loads
    img = load_image(args.image)
    hw = img.pixels_HWC.shape[:2]
    mask = load_mask(args.mask, hw) if args.mask else None
    truth = load_mask(args.truth, hw) if args.truth else None
    bundle = args.bundle or str(DEFAULT_BUNDLE)
    backend = args.backend or "auto"
    session = _open(bundle, backend, args.device)
    session.analyze(img.pixels_HWC)
    rank, dose = run_causal(session, mask, settings)
    request = ReportRequest(
        image_path=str(Path(img.path).resolve()), image_sha256=img.sha256, region_HW=mask, edits=tuple(edits),
        threshold=args.threshold, recon_only=args.recon_only, truth_HW=truth,
        about=About(args.operator or "", args.station or "", args.part_id or "", args.notes or "", args.lang),
        causal=CausalResults(rank, dose), analyses=settings, image_notes=tuple(img.notes), backend_choice=backend,
        bundle_path=str(Path(bundle).resolve()),
    )
    return export_findings(session, request, args.out, overwrite=args.force)


def _extract_pdf_session(pdf: Path, folder: Path) -> Path:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ModuleNotFoundError:
        raise InspectorError("not_available", f"reading a session from a PDF needs pypdf; extract session.json from "
                                              f"{pdf.name} with a PDF viewer and pass it instead") from None
    try:
        atts = PdfReader(str(pdf)).attachments
    except (OSError, PyPdfError, ValueError) as exc:
        raise InspectorError("bad_session", f"cannot read {pdf.name} as a PDF: {exc}") from exc
    if "session.json" not in atts:
        raise InspectorError("bad_session", f"{pdf.name} carries no session.json attachment")
    for name, contents in atts.items():
        if "/" in name or "\\" in name or name.startswith("."):
            continue
        (folder / name).write_bytes(contents[0])
    return folder / "session.json"


def _run_session(args: argparse.Namespace) -> Any:
    from app.core.document import load_session, resolve_image
    from app.core.grid import resize_mask
    from app.core.images import load_image
    from app.report.export import export_findings
    from app.report.findings import About, CausalResults, ReportRequest

    if args.edit or args.mask or args.rank or args.dose is not None or args.recon_only:
        raise InspectorError("usage", "--session replays the session as saved; --edit, --mask, --rank, --dose and "
                                      "--recon-only apply to an IMAGE only")
    src = Path(args.session)
    with tempfile.TemporaryDirectory(prefix="sae-report-") as tmp:
        path = _extract_pdf_session(src, Path(tmp)) if src.suffix.lower() == ".pdf" else src
        doc, mask = load_session(path)
        truth = None
        truth_name = doc.analyses.get("ground_truth_png") if isinstance(doc.analyses, dict) else None
        if truth_name and "/" not in truth_name and (path.parent / truth_name).is_file():
            truth = load_image(path.parent / truth_name, max_side=1 << 30).pixels_HWC.max(axis=2) > 0
    img = load_image(resolve_image(doc, src))
    if img.sha256 != doc.image_sha256:
        raise InspectorError("image_changed", f"{Path(img.path).name} is not the session's image: SHA-256 "
                                              f"{img.sha256[:12]}… but the session says {doc.image_sha256[:12]}…")
    hw = img.pixels_HWC.shape[:2]
    if truth is not None:
        truth = resize_mask(truth, hw)
    bundle = args.bundle or doc.bundle.get("path") or str(DEFAULT_BUNDLE)
    backend = args.backend or doc.backend or "auto"
    session = _open(bundle, backend, args.device)
    want = doc.bundle.get("hash")
    if want and session.bundle.hash != want:
        raise InspectorError("bundle_changed", f"the bundle at {bundle} is not the session's: hash "
                                               f"{session.bundle.hash[:12]}… but the session says {want[:12]}…; "
                                               "pass the right one with --bundle")
    if mask is not None:
        mask = resize_mask(mask, hw)
    session.analyze(img.pixels_HWC)
    settings = {k: v for k, v in (doc.analyses or {}).items() if k in ("rank", "dose")}
    rank, dose = run_causal(session, mask, settings)
    comparison = _replay_comparison(session, doc.analyses, args, backend)
    about = About(
        operator=doc.operator if args.operator is None else args.operator,
        station=doc.station if args.station is None else args.station,
        part_id=doc.part_id if args.part_id is None else args.part_id,
        notes=doc.notes if args.notes is None else args.notes, lang=args.lang,
    )
    request = ReportRequest(
        image_path=doc.image_path, image_sha256=img.sha256, region_HW=mask, edits=doc.edits, threshold=doc.threshold,
        recon_only=doc.recon_only, truth_HW=truth, about=about, causal=CausalResults(rank, dose), analyses=settings,
        image_notes=tuple(img.notes), backend_choice=backend, bundle_path=bundle, comparison=comparison,
    )
    return export_findings(session, request, args.out, overwrite=args.force)


def _replay_comparison(session: Any, analyses: Any, args: argparse.Namespace, backend: str) -> Any:
    """The session's second bundle measured again (app.report.comparison_findings), or None without one."""
    from app.core.compare.settings import compare_settings_of
    from app.report.comparison_findings import replay_request

    st = compare_settings_of(analyses)
    if st is None:
        if args.compare_bundle:
            raise InspectorError("usage", "--compare-bundle: this session compared no second bundle")
        return None
    return replay_request(session, st, args.compare_bundle, backend, args.device,
                          on_notice=lambda text: print(f"notice: {text}", file=sys.stderr))
