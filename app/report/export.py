"""One call that the GUI (File → Export findings) and the CLI share: a report request -> PDF on disk.

    request = ReportRequest(image_path=..., image_sha256=..., region_HW=..., edits=(...), about=About(...))
    result = export_findings(session, request, "findings.pdf", progress=lambda frac, text: ...)

The file is written atomically (temporary file in the same folder, then rename), so a failed
or cancelled export never leaves a partial PDF, and an existing file is refused unless
``overwrite=True`` (the GUI asks first; the CLI needs --force).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.document import atomic_write_bytes
from app.core.errors import InspectorError
from app.report.findings import Findings, ReportRequest, build_findings
from app.report.texts import check_lang

Progress = Callable[[float, str], None]  # (fraction 0..1, what is being done, in English)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    pages: int
    images: int  # embedded figures
    attachments: tuple[str, ...]  # attached file names (session.json, ...)
    size_bytes: int
    findings: Findings


def check_target(out: str | Path, overwrite: bool) -> Path:
    """Refuse an existing file (unless ``overwrite``) and a missing folder, before any work."""
    p = Path(out)
    if p.is_dir():
        raise InspectorError("out_is_dir", f"{p} is a folder; give a file name such as {p / 'findings.pdf'}", path=str(p))
    if p.exists() and not overwrite:
        raise InspectorError("exists", f"{p} already exists; use --force to overwrite it", path=str(p))
    if not p.parent.is_dir():
        raise InspectorError("write_failed", f"cannot write {p}: the folder {p.parent} does not exist", path=str(p))
    return p


def write_pdf(findings: Findings, out: str | Path, *, overwrite: bool = False, progress: Progress | None = None,
              cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Render ``findings`` and write it atomically to ``out``."""
    from app.report.pdf import render_pdf

    p = check_target(out, overwrite)
    pdf, info = render_pdf(findings, progress)
    if cancelled is not None and cancelled():
        raise InspectorError("cancelled", "export cancelled; nothing was written")
    if progress:
        progress(0.95, "writing the file")
    if p.exists() and not overwrite:  # appeared while we were rendering
        raise InspectorError("exists", f"{p} already exists; use --force to overwrite it", path=str(p))
    atomic_write_bytes(p, pdf)
    try:  # mkstemp creates 0600; a report is meant to be shared like any document
        p.chmod(0o644)
    except OSError:
        pass
    if progress:
        progress(1.0, "done")
    return ExportResult(p, info["pages"], info["images"], tuple(sorted(findings.attachments)), len(pdf), findings)


def export_findings(
    session: Any,
    request: ReportRequest,
    out_path: str | Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Build the findings once for the image ``session`` has analysed, and write the PDF.

    ``progress(fraction, text)`` is called from the calling thread (run this in a worker in
    the GUI); ``cancelled()`` is polled between stages and aborts without writing anything.
    Raises ``InspectorError`` (codes: exists, out_is_dir, write_failed, cancelled, no_image,
    font_missing, bad_lang, bad_argument) with a one-line message.
    """
    check_lang(request.about.lang)
    check_target(out_path, overwrite)

    def stage(frac: float, text: str) -> None:
        if cancelled is not None and cancelled():
            raise InspectorError("cancelled", "export cancelled; nothing was written")
        if progress is not None:
            progress(frac, text)

    stage(0.0, "measuring")
    f = build_findings(session, request, now=now, progress=stage)
    return write_pdf(f, out_path, overwrite=overwrite, progress=stage, cancelled=cancelled)
