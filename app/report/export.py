"""One call that the GUI (File → Export findings) and the CLI share: session values -> PDF on disk.

    result = export_findings(session, "findings.pdf", image_path=..., image_sha256=..., mask_HW=...,
                             edits=[...], operator=..., notes=..., progress=lambda frac, text: ...)

The file is written atomically (temporary file in the same folder, then rename), so a failed
or cancelled export never leaves a partial PDF, and an existing file is refused unless
``overwrite=True`` (the GUI asks first; the CLI needs --force).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from app.core.document import atomic_write_bytes
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.report.findings import Findings, build_findings
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
    out_path: str | Path,
    *,
    image_path: str | Path,
    image_sha256: str,
    mask_HW: np.ndarray | None = None,
    edits: Sequence[LatentEdit] = (),
    threshold: float | None = None,
    recon_only: bool = False,
    operator: str = "",
    station: str = "",
    part_id: str = "",
    notes: str = "",
    truth_HW: np.ndarray | None = None,
    rank: Any = None,
    dose: Any = None,
    analyses: Mapping[str, Any] | None = None,
    user_labels: Mapping[int, str] | None = None,
    image_notes: Sequence[str] = (),
    backend_choice: str = "auto",
    bundle_path: str | Path | None = None,
    lang: str = "en",
    overwrite: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Write the findings PDF for the image ``session`` has analysed.

    ``progress(fraction, text)`` is called from the calling thread (run this in a worker in
    the GUI); ``cancelled()`` is polled between stages and aborts without writing anything.
    ``rank``/``dose`` are the causal results where they were computed (objects with
    ``to_json()`` or their dicts). Raises ``InspectorError`` (codes: exists, out_is_dir,
    write_failed, cancelled, no_image, font_missing, bad_lang) with a one-line message.
    """
    check_lang(lang)
    check_target(out_path, overwrite)

    def stage(frac: float, text: str) -> None:
        if cancelled is not None and cancelled():
            raise InspectorError("cancelled", "export cancelled; nothing was written")
        if progress is not None:
            progress(frac, text)

    stage(0.0, "measuring")
    f = build_findings(
        session, image_path=image_path, image_sha256=image_sha256, mask_HW=mask_HW, edits=edits,
        threshold=threshold, recon_only=recon_only, operator=operator, station=station, part_id=part_id,
        notes=notes, truth_HW=truth_HW, rank=rank, dose=dose, analyses=analyses, user_labels=user_labels,
        image_notes=image_notes, backend_choice=backend_choice, bundle_path=bundle_path, lang=lang, now=now,
        progress=stage,
    )
    return write_pdf(f, out_path, overwrite=overwrite, progress=stage, cancelled=cancelled)
