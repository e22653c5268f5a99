"""User-facing text for ``InspectorError`` codes, through Qt's translation.

``app/core`` raises ``InspectorError(code, english_message, **params)``. The UI shows
``error_message(exc)``: the template for the code, translated into the UI language and
formatted with the error's params (plus ``{name}`` = the file name of ``path``, ``{last}`` =
``width - 1`` and ``{detail}`` = the engine's English message, for the technical part that has
no translation). While the UI is in English (no translation for the template), the engine's
own message is shown unchanged: it is the most precise English text. Unknown codes, and
templates whose params are missing, fall back to the English ``.message``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.errors import InspectorError

CONTEXT = "ErrorText"

# code -> English source template (extracted by pyside6-lupdate through QT_TRANSLATE_NOOP)
ERROR_TEXT: dict[str, str] = {
    "backend_unavailable": QT_TRANSLATE_NOOP("ErrorText", "An inference backend is not available on this PC ({detail})."),
    "bad_argument": QT_TRANSLATE_NOOP("ErrorText", "A setting is out of range: {detail}"),
    "bad_backend": QT_TRANSLATE_NOOP("ErrorText", "Unknown backend '{backend}': choose auto, torch or onnx."),
    "bad_dictionary": QT_TRANSLATE_NOOP("ErrorText", "The bundle's feature dictionary cannot be used: {detail}"),
    "bad_edit": QT_TRANSLATE_NOOP("ErrorText", "An edit is not valid: {detail}"),
    "bad_file": QT_TRANSLATE_NOOP("ErrorText", "A file in the bundle cannot be read: {detail}"),
    "bad_hash": QT_TRANSLATE_NOOP("ErrorText", "The bundle file '{path}' is corrupt or was changed (its SHA-256 does not match the manifest)."),
    "bad_image": QT_TRANSLATE_NOOP("ErrorText", "The image cannot be analysed: {detail}"),
    "bad_labels": QT_TRANSLATE_NOOP("ErrorText", "The label file cannot be used: {detail}"),
    "bad_lang": QT_TRANSLATE_NOOP("ErrorText", "The report language '{lang}' is not available."),
    "bad_manifest": QT_TRANSLATE_NOOP("ErrorText", "The bundle's manifest (bundle.json) is not valid: {detail}"),
    "bad_session": QT_TRANSLATE_NOOP("ErrorText", "The session file cannot be used: {detail}"),
    "cancelled": QT_TRANSLATE_NOOP("ErrorText", "Cancelled; nothing was written."),
    "duplicate_edit": QT_TRANSLATE_NOOP("ErrorText", "Latent {latent} is edited twice; give one edit per latent."),
    "exists": QT_TRANSLATE_NOOP("ErrorText", "{path} already exists."),
    "file_outside": QT_TRANSLATE_NOOP("ErrorText", "The bundle names the file '{path}', which lies outside the bundle folder; it was refused."),
    "file_type": QT_TRANSLATE_NOOP("ErrorText", "The bundle names the file '{path}', whose type is not allowed in a bundle; it was refused."),
    "font_missing": QT_TRANSLATE_NOOP("ErrorText", "The report font is missing or unreadable; reinstall the application. ({detail})"),
    "image_corrupt": QT_TRANSLATE_NOOP("ErrorText", "{name} is not a readable image, or it is damaged. ({detail})"),
    "image_empty": QT_TRANSLATE_NOOP("ErrorText", "{name} is empty (0 bytes)."),
    "image_missing": QT_TRANSLATE_NOOP("ErrorText", "The image was not found: {path}"),
    "image_too_large": QT_TRANSLATE_NOOP("ErrorText", "{name} is too large to analyse."),
    "image_unreadable": QT_TRANSLATE_NOOP("ErrorText", "{name} cannot be read. ({detail})"),
    "latent_range": QT_TRANSLATE_NOOP("ErrorText", "Latent {latent} does not exist: this SAE has latents 0 to {last}."),
    "missing_file": QT_TRANSLATE_NOOP("ErrorText", "The bundle file '{path}' is missing."),
    "no_backend": QT_TRANSLATE_NOOP("ErrorText", "No inference backend could run this bundle. ({detail})"),
    "no_bundle": QT_TRANSLATE_NOOP("ErrorText", "No model bundle is loaded, or the folder is not a bundle: choose one in the bundle box. ({detail})"),
    "no_image": QT_TRANSLATE_NOOP("ErrorText", "No image has been analysed yet: open a part image first."),
    "out_is_dir": QT_TRANSLATE_NOOP("ErrorText", "{path} is a folder; give a file name such as findings.pdf."),
    "sae_mismatch": QT_TRANSLATE_NOOP("ErrorText", "The SAE does not belong to this ViT: {detail}"),
    "sae_shape": QT_TRANSLATE_NOOP("ErrorText", "The SAE weights do not match the manifest: {detail}"),
    "sae_formula": QT_TRANSLATE_NOOP("ErrorText", "The SAE's encoding differs from what this app computes: {detail}"),
    "schema_version": QT_TRANSLATE_NOOP("ErrorText", "The bundle has schema_version {found}; this app reads {expected}."),
    "session_missing": QT_TRANSLATE_NOOP("ErrorText", "The session file was not found: {path}"),
    "stale": QT_TRANSLATE_NOOP("ErrorText", "The image changed before this could run; run it again."),
    "vit_config": QT_TRANSLATE_NOOP("ErrorText", "The ViT configuration is not valid: {detail}"),
    "vit_weights": QT_TRANSLATE_NOOP("ErrorText", "The ViT weights do not match the configuration: {detail}"),
    "write_failed": QT_TRANSLATE_NOOP("ErrorText", "The file could not be written (no permission, a full disk, or a missing folder): {detail}"),
}


def _params(exc: InspectorError) -> dict[str, object]:
    p: dict[str, object] = dict(exc.params)
    p["detail"] = exc.message
    if "path" in p:
        p.setdefault("name", Path(str(p["path"])).name)
    if "width" in p:
        try:
            p.setdefault("last", int(p["width"]) - 1)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    return p


def translated_template(code: str) -> str | None:
    """The code's template in the UI language, or None when it has no translation."""
    src = ERROR_TEXT.get(code)
    if src is None:
        return None
    text = QCoreApplication.translate(CONTEXT, src)
    return None if text == src else text


def error_message(exc: BaseException) -> str:
    """What the UI shows for a failure: translated where a translation exists, else the
    engine's English message; never raises."""
    if not isinstance(exc, InspectorError):
        return f"{type(exc).__name__}: {exc}"
    template = translated_template(exc.code)
    if template is None:
        return exc.message
    try:
        return template.format(**_params(exc))
    except (KeyError, IndexError, ValueError):
        return exc.message


def tr(text: str) -> str:
    """Translate a UI string of the ``ErrorText`` context (used for worker-side texts)."""
    return QCoreApplication.translate(CONTEXT, text)
