"""Bad input and faults (issue 8, §5): a clear message, and nothing lost.

The table of cases. Each row is a test below; "converted" rows must load *and* be analysed,
saying what was done; "refused" rows must raise one ``InspectorError`` with a stable code.

| kind   | case                                   | expected outcome                                              |
|--------|----------------------------------------|---------------------------------------------------------------|
| image  | empty file                             | refused: image_empty                                          |
| image  | truncated PNG / JPEG                   | refused: image_corrupt                                        |
| image  | corrupt PNG data stream                | refused: image_corrupt                                        |
| image  | not an image (text)                    | refused: image_corrupt                                        |
| image  | missing file                           | refused: image_missing                                        |
| image  | huge 20000x20000 PNG                   | converted: 4096 px working copy, both sizes kept, RSS < 3 GB  |
| image  | declaring 30000², JPEG/TIFF bombs, 4 GB| refused by the header or the size on disk (test_image_limits) |
| image  | 16-bit PNG / TIFF (gray and RGB)       | converted: "converted 16-bit to 8-bit"                        |
| image  | float TIFF                             | converted: "converted floating-point to 8-bit"                |
| image  | grayscale, 1-bit                       | converted: "grayscale shown as RGB"                           |
| image  | RGBA, LA, palette with transparency    | converted: "transparency flattened onto white"                |
| image  | CMYK JPEG / TIFF                       | converted: "converted CMYK to RGB"                            |
| image  | EXIF-rotated JPEG (orientation 6)      | converted: rotated, "EXIF orientation"                        |
| image  | tiny 3x5, 1x1; non-square 4000x40      | analysed as is                                                |
| bundle | missing file, wrong hash, outside path,| refused (tests/test_bundle_validation.py)                     |
|        | unknown schema 99, width/layer mismatch|                                                               |
| bundle | truncated safetensors (hash updated)   | refused: bad_file                                             |
| bundle | truncated ONNX (hash updated)          | refused at load: bad_file, names the graph                    |
| bundle | ONNX graph ONNX Runtime cannot run     | ONNX backend refused (bad_file); session hands over, notice   |
| bundle | absolute path, schema "1"/None, classes| refused: file_outside / schema_version / bad_manifest         |
|        | vs ViT outputs, hooked layer out of    |                                                               |
|        | range, SAE weights vs width, no folder |                                                               |
| fault  | no write permission (save, export)     | refused: write_failed; old file intact, no temp file left     |
| fault  | full disk (ENOSPC) on save/autosave/   | refused: write_failed; old file intact, no temp file left     |
|        | export/labels                          |                                                               |
| fault  | process killed mid-session             | the crashed autosave is offered (tests/test_ui_autosave.py)   |
| fault  | backend raises mid-session             | hands over to the other backend, same results, notice         |
| fault  | backend fails at load                  | next backend, notice; none left: no_backend                   |
| CLI    | broken image / bundle                  | one "error:" line, exit 2; the process keeps running          |
| CLI    | absurd options, bad sessions, NaN      | one "error:" line, exit 2 (tests/test_cli_errors.py)          |
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from app.core.bundle import load_bundle
from app.core.errors import InspectorError
from app.core.images import MAX_WORKING_SIDE, load_image
from tests.bundle_edits import edit_manifest, rehash, truncate
from tests.hostile_files import png_streamed

ROOT = Path(__file__).resolve().parents[1]


# --- image files -------------------------------------------------------------------------------
def _rgb(h: int = 48, w: int = 64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _g16(h: int = 48, w: int = 64) -> np.ndarray:
    return np.linspace(0, 65535, h * w).reshape(h, w).astype(np.uint16)


def _pil(arr: np.ndarray, mode: str | None = None, convert: str | None = None, **save_kw) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        from PIL import Image

        im = Image.fromarray(arr, mode) if mode else Image.fromarray(arr)
        if convert:
            im = im.convert(convert)
        im.save(p, **save_kw)

    return make


def _cv2(arr: np.ndarray) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        import cv2

        assert cv2.imwrite(str(p), arr)

    return make


def _exif_rotated(p: Path) -> None:
    from PIL import Image

    im = Image.fromarray(_rgb(40, 80))
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    im.save(p, exif=exif)


def _valid_png_bytes() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(_rgb()).save(buf, format="PNG")
    return buf.getvalue()


def _valid_jpeg_bytes() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(_rgb()).save(buf, format="JPEG")
    return buf.getvalue()


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data)


def _corrupt_png(p: Path) -> None:
    good = _valid_png_bytes()
    bad = bytes(np.random.default_rng(1).integers(0, 256, 200, dtype=np.uint8))
    p.write_bytes(good[:60] + bad + good[260:])


@dataclass(frozen=True)
class ImageCase:
    name: str
    file: str
    make: Callable[[Path], None]
    outcome: str  # "converted" | "as-is" | "refused"
    expect: str = ""  # a note fragment (converted) or the error code (refused)
    shape: tuple[int, int] | None = None  # (H, W) of the working copy


IMAGE_CASES = [
    ImageCase("empty", "empty.png", _bytes(b""), "refused", "image_empty"),
    ImageCase("truncated PNG", "trunc.png", lambda p: p.write_bytes(_valid_png_bytes()[:400]), "refused", "image_corrupt"),
    ImageCase("truncated JPEG", "trunc.jpg", lambda p: p.write_bytes(_valid_jpeg_bytes()[:700]), "refused", "image_corrupt"),
    ImageCase("corrupt PNG", "corrupt.png", _corrupt_png, "refused", "image_corrupt"),
    ImageCase("not an image", "notes.png", _bytes(b"operator notes, not pixels\n" * 20), "refused", "image_corrupt"),
    ImageCase("PNG header only", "header.png", _bytes(b"\x89PNG\r\n\x1a\n"), "refused", "image_corrupt"),
    ImageCase("16-bit PNG gray", "g16.png", _cv2(_g16()), "converted", "16-bit", (48, 64)),
    ImageCase("16-bit PNG RGB", "rgb16.png", _cv2(np.dstack([_g16(), _g16() // 2, 65535 - _g16()])), "converted", "16-bit", (48, 64)),
    ImageCase("16-bit TIFF gray", "g16.tif", _cv2(_g16()), "converted", "16-bit", (48, 64)),
    ImageCase("16-bit TIFF RGB", "rgb16.tif", _cv2(np.dstack([_g16(), _g16() // 2, 65535 - _g16()])), "converted", "16-bit", (48, 64)),
    ImageCase("float TIFF", "f32.tif", _cv2((_g16() / 65535.0).astype(np.float32)), "converted", "floating-point", (48, 64)),
    ImageCase("grayscale", "gray.png", _pil(_rgb()[..., 0]), "converted", "grayscale", (48, 64)),
    ImageCase("1-bit", "bw.png", _pil(_rgb()[..., 0] > 128), "converted", "grayscale", (48, 64)),
    ImageCase("RGBA", "rgba.png", _pil(np.dstack([_rgb(), np.full((48, 64), 128, np.uint8)]), "RGBA"), "converted", "transparency", (48, 64)),
    ImageCase("LA", "la.png", _pil(np.dstack([_rgb()[..., 0], np.full((48, 64), 60, np.uint8)]), "LA"), "converted", "transparency", (48, 64)),
    ImageCase("palette + transparency", "pal.png", _pil(_rgb(), convert="P", transparency=0), "converted", "transparency", (48, 64)),
    ImageCase("CMYK JPEG", "cmyk.jpg", _pil(_rgb(), convert="CMYK"), "converted", "CMYK", (48, 64)),
    ImageCase("CMYK TIFF", "cmyk.tif", _pil(_rgb(), convert="CMYK"), "converted", "CMYK", (48, 64)),
    ImageCase("EXIF-rotated JPEG", "exif6.jpg", _exif_rotated, "converted", "EXIF orientation", (80, 40)),
    ImageCase("tiny 3x5", "tiny.png", _pil(_rgb(5, 3)), "as-is", "", (5, 3)),
    ImageCase("1x1", "one.png", _pil(_rgb(1, 1)), "as-is", "", (1, 1)),
    ImageCase("4000x40", "wide.png", _pil(_rgb(40, 4000)), "as-is", "", (40, 4000)),
    ImageCase("40x4000", "tall.jpg", _pil(_rgb(4000, 40)), "as-is", "", (4000, 40)),
    ImageCase("multi-page TIFF", "pages.tif", _pil(_rgb(), save_all=True, append_images=[]), "as-is", "", (48, 64)),
]


@pytest.fixture(scope="module")
def onnx_session(random_bundle_dir):
    from app.core.session import InspectionSession

    return InspectionSession.open(random_bundle_dir, backend="onnx", device="cpu")


@pytest.mark.parametrize("case", IMAGE_CASES, ids=[c.name for c in IMAGE_CASES])
def test_image_case(case: ImageCase, tmp_path: Path, onnx_session) -> None:
    p = tmp_path / case.file
    case.make(p)
    if case.outcome == "refused":
        with pytest.raises(InspectorError) as ei:
            load_image(p)
        assert ei.value.code == case.expect, ei.value.message
        assert p.name in ei.value.message  # says which file
        return
    img = load_image(p)
    assert img.pixels_HWC.dtype == np.uint8 and img.pixels_HWC.ndim == 3 and img.pixels_HWC.shape[2] == 3
    assert img.pixels_HWC.shape[:2] == case.shape
    if case.outcome == "converted":
        assert any(case.expect in n for n in img.notes), img.notes
    else:
        assert img.notes == ()
    a = onnx_session.analyze(img.pixels_HWC)  # every valid image is analysed
    assert 0.0 <= a.baseline.score <= 1.0 and np.isfinite(a.baseline.patch_map).all()


def test_16bit_values_are_scaled_not_clipped(tmp_path: Path) -> None:
    p = tmp_path / "g16.png"
    _cv2(_g16())(p)
    px = load_image(p).pixels_HWC[..., 0]
    assert px.min() == 0 and px.max() == 255 and 120 < px.mean() < 135


def test_exif_rotation_turns_the_pixels(tmp_path: Path) -> None:
    from PIL import Image

    arr = np.zeros((40, 80, 3), np.uint8)
    arr[:, :10] = 255  # a white band on the left
    im = Image.fromarray(arr)
    exif = im.getexif()
    exif[0x0112] = 6
    im.save(tmp_path / "r.jpg", exif=exif, quality=95)
    img = load_image(tmp_path / "r.jpg")
    assert img.original_size == (40, 80)  # (width, height) after rotation
    top = img.pixels_HWC[:10].mean()
    assert top > 200 and img.pixels_HWC[-10:].mean() < 50  # orientation 6: the left edge is now on top


def test_missing_image(tmp_path: Path) -> None:
    with pytest.raises(InspectorError) as ei:
        load_image(tmp_path / "nope.png")
    assert ei.value.code == "image_missing"


@pytest.mark.slow
def test_huge_image_working_copy_and_peak_memory(tmp_path: Path) -> None:
    p = tmp_path / "huge.png"
    png_streamed(p, 20000, 20000)
    code = textwrap.dedent(
        """
        import json, sys
        from app.core.images import load_image
        from tests.hostile_files import peak_rss_bytes
        r = load_image(sys.argv[1])
        print(json.dumps({"size": r.size, "original": r.original_size, "notes": r.notes, "rss": peak_rss_bytes()}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code, str(p)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["original"] == [20000, 20000]
    assert r["size"] == [MAX_WORKING_SIDE, MAX_WORKING_SIDE]
    assert any("working copy" in n and "20000x20000" in n for n in r["notes"]), r["notes"]
    assert r["rss"] < 3 * 1024**3, f"peak RSS {r['rss'] / 1024**3:.2f} GB"


def test_large_jpeg_is_decoded_reduced_and_keeps_its_true_size(tmp_path: Path) -> None:
    from PIL import Image

    p = tmp_path / "big.jpg"
    Image.fromarray(np.full((900, 1500, 3), 128, np.uint8)).save(p)
    img = load_image(p, max_side=400)
    assert img.original_size == (1500, 900)
    assert max(img.size) == 400
    assert any("1500x900 original" in n for n in img.notes)


def test_analyze_json_gives_both_sizes(tmp_path: Path, random_bundle_dir: Path, capsys, monkeypatch) -> None:
    from app.cli.entry import run_cli

    p = tmp_path / "big.png"
    _pil(_rgb(300, 500))(p)
    # a small limit stands in for 4096 px: the same code path, in a fraction of the time
    monkeypatch.setattr(load_image, "__defaults__", (250,))
    rc = run_cli(["analyze", str(p), "--bundle", str(random_bundle_dir), "--backend", "onnx", "--json"])
    assert rc == 0
    img = json.loads(capsys.readouterr().out)["image"]
    assert (img["width"], img["height"]) == (250, 150)
    assert (img["original_width"], img["original_height"]) == (500, 300)
    assert any("working copy" in n for n in img["notes"])


def test_cli_refuses_a_broken_image_with_one_line(tmp_path: Path, random_bundle_dir: Path, capsys) -> None:
    from app.cli.entry import run_cli

    p = tmp_path / "broken.png"
    _corrupt_png(p)
    rc = run_cli(["analyze", str(p), "--bundle", str(random_bundle_dir), "--backend", "onnx"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error: broken.png")
    # the process keeps working: the next, valid image is analysed
    good = tmp_path / "good.png"
    _pil(_rgb())(good)
    assert run_cli(["analyze", str(good), "--bundle", str(random_bundle_dir), "--backend", "onnx"]) == 0


# --- bundles (the rest of the table is in tests/test_bundle_validation.py) ----------------------
@dataclass(frozen=True)
class BundleCase:
    name: str
    damage: Callable[[Path], None]
    code: str
    words: tuple[str, ...] = ()


BUNDLE_CASES = [
    BundleCase("truncated SAE safetensors", lambda b: (truncate(b / "sae.safetensors", 300), rehash(b, "sae")),
               "bad_file", ("sae.safetensors",)),
    BundleCase("truncated ViT safetensors", lambda b: (truncate(b / "vit.safetensors", 300), rehash(b, "vit")),
               "bad_file", ("vit.safetensors",)),
    BundleCase("safetensors header only", lambda b: (truncate(b / "sae.safetensors", 8), rehash(b, "sae")),
               "bad_file", ("sae.safetensors",)),
    BundleCase("absolute path outside", lambda b: edit_manifest(b, lambda m: m["files"]["sae"].update(path="/etc/hostname")),
               "file_outside", ("outside",)),
    BundleCase("schema version as text", lambda b: edit_manifest(b, lambda m: m.update(schema_version="1")),
               "schema_version", ("schema_version",)),
    BundleCase("schema version missing", lambda b: edit_manifest(b, lambda m: m.pop("schema_version")),
               "schema_version", ("schema_version None",)),
    BundleCase("manifest is a list", lambda b: (b / "bundle.json").write_text("[1, 2]"), "bad_manifest", ("JSON object",)),
    BundleCase("manifest not UTF-8", lambda b: (b / "bundle.json").write_bytes(b"\xff\xfe{}"), "bad_manifest", ()),
    BundleCase("field missing", lambda b: edit_manifest(b, lambda m: m.pop("vit")), "bad_manifest", ("vit",)),
    BundleCase("class names vs ViT outputs", lambda b: edit_manifest(b, lambda m: m.update(classes=["ok", "scratch"])),
               "bad_manifest", ("class names",)),
    BundleCase("hooked layer outside the ViT", lambda b: edit_manifest(b, lambda m: m.update(hooked_layer=7)),
               "bad_manifest", ("hooked layer 7",)),
    BundleCase("SAE weights vs manifest width", lambda b: edit_manifest(b, lambda m: m["sae"].update(width=m["sae"]["width"] * 2)),
               "", ()),
    BundleCase("role without a file", lambda b: edit_manifest(b, lambda m: m["files"].pop("suffix_onnx")),
               "bad_manifest", ("suffix_onnx",)),
]


@pytest.mark.parametrize("case", BUNDLE_CASES, ids=[c.name for c in BUNDLE_CASES])
def test_bundle_case(case: BundleCase, bundle_copy: Path) -> None:
    case.damage(bundle_copy)
    with pytest.raises(InspectorError) as ei:
        load_bundle(bundle_copy)
    if case.code:
        assert ei.value.code == case.code, (ei.value.code, ei.value.message)
    for w in case.words:
        assert w in ei.value.message, ei.value.message


def test_bundle_path_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "bundle.json"
    f.write_text("{}")
    with pytest.raises(InspectorError) as ei:
        load_bundle(f)
    assert ei.value.code == "no_bundle"


def test_truncated_onnx_with_matching_hash_is_refused_at_load(bundle_copy: Path) -> None:
    """The manifest agrees with a damaged graph: the bundle is refused whole, naming the graph."""
    truncate(bundle_copy / "suffix.onnx", 1000)
    rehash(bundle_copy, "suffix_onnx")
    with pytest.raises(InspectorError) as ei:
        load_bundle(bundle_copy)
    assert ei.value.code == "bad_file" and "suffix.onnx" in ei.value.message


@pytest.mark.slow  # builds the torch backend it hands over to
def test_onnx_runtime_refusing_a_graph_hands_over(bundle_copy: Path) -> None:
    """A well-formed graph that ONNX Runtime cannot run (an unknown operator): the session moves on, visibly."""
    from app.core.backends.onnx_backend import OnnxBackend
    from app.core.backends.select import open_backend

    p = bundle_copy / "suffix.onnx"
    data = p.read_bytes()
    assert b"MatMul" in data
    p.write_bytes(data.replace(b"MatMul", b"MatMuX"))  # same length: the protobuf stays well-formed
    rehash(bundle_copy, "suffix_onnx")
    b = load_bundle(bundle_copy)
    with pytest.raises(InspectorError) as ei:
        OnnxBackend(b, "cpu")
    assert ei.value.code == "bad_file" and "ONNX" in ei.value.message
    notices: list[str] = []
    fb = open_backend(b, "onnx", "cpu", on_notice=notices.append)
    assert fb.info.name == "torch"
    assert notices and "onnx" in notices[0] and "could not load" in notices[0]


def test_cli_refuses_a_broken_bundle_with_one_line(bundle_copy: Path, tmp_path: Path, capsys) -> None:
    from app.cli.entry import run_cli

    truncate(bundle_copy / "sae.safetensors", 300)
    img = tmp_path / "part.png"
    _pil(_rgb())(img)
    rc = run_cli(["analyze", str(img), "--bundle", str(bundle_copy)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "sae.safetensors" in err[0]


# --- faults: writing -------------------------------------------------------------------------
def _doc():  # noqa: ANN202
    from app.core.document import SessionDocument
    from app.core.edits import LatentEdit

    return SessionDocument(
        image_path="/parts/p1.png", image_sha256="ab" * 32, bundle={"name": "b", "version": "1", "hash": "cd" * 32},
        edits=(LatentEdit(3, "off"), LatentEdit(5, "scale", 0.5)), notes="scratch near the hole: 見える", operator="op7",
    )


def _mask() -> np.ndarray:
    m = np.zeros((32, 48), bool)
    m[5:20, 10:30] = True
    return m


def _no_temp_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture()
def enospc(monkeypatch):  # noqa: ANN201
    """A full disk: fsync (and so every atomic write) fails with ENOSPC."""

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)


@pytest.fixture()
def enospc_later(monkeypatch):  # noqa: ANN201
    """Call the returned function to fill the disk."""

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return lambda: monkeypatch.setattr(os, "fsync", full)


@pytest.fixture()
def eacces(monkeypatch):  # noqa: ANN201
    """No write permission in the target folder (works as root too, unlike chmod)."""
    import types

    import app.core.document as document

    def denied(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(document, "tempfile", types.SimpleNamespace(mkstemp=denied))


@pytest.mark.parametrize("fault", ["enospc", "eacces"])
def test_save_and_autosave_fail_cleanly_and_keep_the_old_file(fault: str, tmp_path: Path, request) -> None:
    from app.core.document import load_session, save_session

    path = tmp_path / "autosave.json"
    save_session(path, _doc(), _mask())
    before = path.read_bytes()
    request.getfixturevalue(fault)
    changed = _doc().with_edits([])
    with pytest.raises(InspectorError) as ei:
        save_session(path, changed, None)
    assert ei.value.code == "write_failed" and "autosave" in ei.value.message
    word = "space" if fault == "enospc" else "ermission"
    assert word in ei.value.message, ei.value.message
    assert path.read_bytes() == before  # the last good save is intact
    _no_temp_files(tmp_path)
    doc, mask = load_session(path)
    assert doc.edits == _doc().edits and doc.notes == _doc().notes and mask is not None and mask.sum() == _mask().sum()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions")
def test_save_into_read_only_folder(tmp_path: Path) -> None:
    from app.core.document import save_session

    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(InspectorError) as ei:
            save_session(ro / "s.json", _doc(), None)
        assert ei.value.code == "write_failed"
    finally:
        ro.chmod(0o755)


def test_user_labels_full_disk_keeps_file_and_memory(tmp_path: Path, enospc_later) -> None:
    from app.core.user_labels import UserLabels

    labels = UserLabels("ef" * 32, path=tmp_path / "labels.json")
    labels.set_label(4, "scratch")
    before = (tmp_path / "labels.json").read_bytes()
    enospc_later()
    with pytest.raises(InspectorError) as ei:
        labels.set_label(5, "stain")
    assert ei.value.code == "write_failed"
    assert (tmp_path / "labels.json").read_bytes() == before
    assert labels.label(5) == "stain"  # still in memory: a later save can write it
    _no_temp_files(tmp_path)


@pytest.mark.slow  # writes a whole findings PDF
@pytest.mark.parametrize("fault", ["enospc", "eacces"])
def test_export_fails_cleanly(fault: str, tmp_path: Path, onnx_session, request) -> None:
    from app.report.export import write_pdf
    from app.report.findings import build_findings

    onnx_session.analyze(_rgb(64, 96))
    from app.report.findings import ReportRequest

    findings = build_findings(onnx_session, ReportRequest(image_path=str(tmp_path / "p.png"), image_sha256="ab" * 32))
    request.getfixturevalue(fault)
    out = tmp_path / "findings.pdf"
    with pytest.raises(InspectorError) as ei:
        write_pdf(findings, out)
    assert ei.value.code == "write_failed"
    assert not out.exists()
    _no_temp_files(tmp_path)


# --- faults: killed mid-session ------------------------------------------------------------------
# The autosave's crash recovery (a lock per instance, QLockFile) is tested with real
# instances killed under Xvfb in tests/test_ui_autosave.py.


# --- faults: a backend raising ---------------------------------------------------------------------
class Flaky:
    """Wraps a backend; its ``suffix`` raises on the Nth call (and after), like a CUDA OOM."""

    def __init__(self, inner, fail_on: int, exc: Exception | None = None) -> None:  # noqa: ANN001
        self.inner = inner
        self.info = inner.info
        self.fail_on = fail_on
        self.calls = 0
        self.exc = exc or RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
        return self.inner.prefix(pixels_BCHW)

    def suffix(self, tokens_BTD: np.ndarray):  # noqa: ANN201
        self.calls += 1
        if self.calls >= self.fail_on:
            raise self.exc
        return self.inner.suffix(tokens_BTD)


def test_backend_raising_mid_session_hands_over(random_bundle_dir: Path) -> None:
    from app.core.backends.select import FallbackBackend
    from app.core.backends.torch_backend import TorchBackend, torch_available
    from app.core.edits import LatentEdit
    from app.core.session import InspectionSession

    if not torch_available():
        pytest.skip("needs torch for the first backend")
    b = load_bundle(random_bundle_dir)
    image = _rgb(64, 96, seed=3)
    mask = np.zeros((64, 96), bool)
    mask[10:40, 20:70] = True
    ref = InspectionSession.open(b, backend="onnx", device="cpu")
    ref.analyze(image)
    top = ref.latents_in_mask(mask, top=2)
    edits = [LatentEdit(top[0].id, "off"), LatentEdit(top[1].id, "scale", 2.0)]
    want = ref.intervene(mask, edits)

    notices: list[str] = []
    flaky = Flaky(TorchBackend(b, "cpu"), fail_on=3)
    s = InspectionSession(b, FallbackBackend(b, [("onnx", "cpu")], notices.append, first=flaky))
    a = s.analyze(image)  # suffix call 1
    s.intervene(mask, [])  # call 2
    got = s.intervene(mask, edits)  # call 3 raises inside: handed over to ONNX Runtime
    assert s.backend.info.name == "onnxruntime"
    assert s.analysis is a  # tokens, codes and baseline are kept, not recomputed
    assert len(notices) == 1 and "torch" in notices[0] and "onnxruntime" in notices[0] and "out of memory" in notices[0]
    assert s.backend.notices == notices
    assert abs(got.score - want.score) < 1e-4
    np.testing.assert_allclose(got.patch_map, want.patch_map, atol=1e-4)
    np.testing.assert_allclose(got.class_probs, want.class_probs, atol=1e-4)
    again = s.batch_intervene(mask, [edits, []])  # and it keeps working
    assert abs(again[0].score - want.score) < 1e-4 and abs(again[1].score - a.baseline.score) < 1e-4


def test_backend_raising_in_prefix_hands_over(random_bundle_dir: Path) -> None:
    from app.core.backends.onnx_backend import OnnxBackend
    from app.core.backends.select import FallbackBackend
    from app.core.session import InspectionSession

    b = load_bundle(random_bundle_dir)

    class BadPrefix(Flaky):
        def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
            raise MemoryError("out of device memory")

    s = InspectionSession(b, FallbackBackend(b, [("torch", "cpu"), ("onnx", "cpu")], first=BadPrefix(OnnxBackend(b, "cpu"), 99)))
    ref = InspectionSession.open(b, backend="onnx", device="cpu")
    img = _rgb(64, 96, seed=4)
    got, want = s.analyze(img), ref.analyze(img)
    assert abs(got.baseline.score - want.baseline.score) < 1e-4
    assert s.backend.notices and "out of device memory" in s.backend.notices[0]


def test_every_backend_failing_is_one_clear_error_and_keeps_the_analysis(random_bundle_dir: Path) -> None:
    from app.core.backends.onnx_backend import OnnxBackend
    from app.core.backends.select import FallbackBackend
    from app.core.edits import LatentEdit
    from app.core.session import InspectionSession

    b = load_bundle(random_bundle_dir)
    s = InspectionSession(b, FallbackBackend(b, [], first=Flaky(OnnxBackend(b, "cpu"), fail_on=2)))
    a = s.analyze(_rgb(64, 96))
    with pytest.raises(InspectorError) as ei:
        s.intervene(None, [LatentEdit(0, "off")])
    assert ei.value.code == "no_backend" and "out of memory" in ei.value.message
    assert s.analysis is a and s.image_HWC is not None  # the user's image and results survive


def test_backend_failing_at_load_hands_over(random_bundle_dir: Path, monkeypatch) -> None:
    """e.g. a missing CUDA library: the next backend loads, and says so."""
    import app.core.backends.select as select

    real = select._make

    def make(kind: str, bundle, device: str):  # noqa: ANN001, ANN202
        if kind == "torch":
            raise InspectorError("backend_unavailable", "libcudnn.so.9: cannot open shared object file")
        return real(kind, bundle, device)

    monkeypatch.setattr(select, "_make", make)
    notices: list[str] = []
    b = load_bundle(random_bundle_dir)
    fb = select.open_backend(b, "torch", "cuda:0", on_notice=notices.append)
    assert fb.info.name == "onnxruntime"
    assert len(notices) == 2 and all("libcudnn" in n for n in notices)  # torch cuda, then torch cpu


def test_cuda_request_without_cuda_falls_back_visibly(random_bundle_dir: Path) -> None:
    from app.core.backends.select import open_backend
    from app.core.backends.torch_backend import cuda_available

    if cuda_available():
        pytest.skip("this machine has CUDA")
    notices: list[str] = []
    fb = open_backend(load_bundle(random_bundle_dir), "onnx", "cuda:0", on_notice=notices.append)
    assert fb.info.device == "cpu"
    assert notices and "cuda" in notices[0].lower()


def test_a_runtime_fallback_names_the_new_backend_when_it_announces_it(random_bundle_dir: Path) -> None:
    """A listener (the GUI, on another thread) reads backend info on the notice: it must see the new backend."""
    from app.core.backends.select import open_backend

    class _Failing:
        def __init__(self, inner) -> None:  # noqa: ANN001
            self.inner, self.info = inner, inner.info

        def prefix(self, x):  # noqa: ANN001, ANN201
            raise RuntimeError("out of memory (injected)")

        suffix = prefix

    seen: list[str] = []
    fb = open_backend(load_bundle(random_bundle_dir), "onnx", "cpu", on_notice=lambda text: seen.append(fb.info.name))
    assert fb.info.name == "onnxruntime"
    fb.active = _Failing(fb.active)
    fb.prefix(np.zeros((1, 3, 32, 32), np.float32))
    assert seen == ["torch"] and fb.info.name == "torch"
