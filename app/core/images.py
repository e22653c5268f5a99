"""Loading part images and region masks, with bounded memory whatever a file declares.

Any common format becomes an RGB uint8 working copy, saying what was done. Unusual but valid
files (16-bit, grayscale, RGBA, CMYK, EXIF-rotated, huge) are converted; broken ones raise one
clear ``InspectorError``. A file is judged before it is decoded: its size on disk, then the
size and pixel format its header declares (Pillow reads headers lazily), against a pixel limit
and the memory decoding would need. A 2.6 MB PNG can declare 30000x30000 pixels; decoding it
would take 3.6 GB, so it is refused by its header, never half-decoded.

A mask marks the region by its alpha channel when it has a transparent background (the usual
export of an image editor), else by its pixel values: any nonzero value is inside, at any bit
depth (a 16-bit mask holding 0 and 1 is a mask).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from app.core.checksum import sha256_stream
from app.core.errors import InspectorError

MAX_WORKING_SIDE = 4096  # long side of the working copy; larger images are analysed downscaled
MAX_FILE_BYTES = 1_000_000_000  # larger files are refused by their size on disk before they are opened
MAX_PIXELS = 20000 * 20000  # declared pixels; a 20000x20000 line-scan image still opens
MAX_DECODE_BYTES = 1_800_000_000  # memory the decode and its conversions may need (process ceiling 3 GB)
# Pillow's own bomb check raises in Image.open above twice its limit, before the header can be
# read here; set it far above MAX_PIXELS so nearly every refusal is this module's, with both figures.
_PILLOW_LIMIT = 8 * MAX_PIXELS
_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "I", "F"}  # modes Image.reduce accepts
_HIGH_DEPTH = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")
# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose does)
_TRANSPOSE = {1: None, 2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
              7: "TRANSVERSE", 8: "ROTATE_90"}


@dataclass(frozen=True)
class LoadedImage:
    pixels_HWC: np.ndarray  # RGB uint8 working copy
    path: str
    sha256: str  # of the file's bytes
    original_size: tuple[int, int]  # (width, height) of the file, after EXIF rotation
    notes: tuple[str, ...] = field(default_factory=tuple)  # what was converted, in words

    @property
    def size(self) -> tuple[int, int]:
        return (int(self.pixels_HWC.shape[1]), int(self.pixels_HWC.shape[0]))


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.0f} MB"


def _bytes_per_pixel(mode: str) -> int:
    """What Pillow holds per pixel in memory (multi-band images use 4 bytes)."""
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def decode_bytes_needed(mode: str, size: tuple[int, int], *, progressive_px: int = 0, bands: int = 3,
                        mask: bool = False) -> int:
    """Peak memory of decoding an image of ``mode`` and ``size`` (w, h) and making its working copy.

    Palettes and bilevel images are expanded before they are shrunk; a progressive JPEG holds
    every DCT coefficient (2 bytes) of the full-size image while it decodes, even when decoded
    reduced; a mask needs its nonzero test at full size. (EXIF rotation is applied to the
    working copy, after shrinking, so it costs nothing here.)
    """
    px = int(size[0]) * int(size[1])
    need = px * _bytes_per_pixel(mode)
    if mode in ("1", "P", "PA"):
        need += px * 4
    need += progressive_px * max(1, bands) * 2
    if mask:
        need += px * 3  # one band, its nonzero test and the accumulated region, 1 byte each
    return need


def _refuse_large_file(p: Path, what: str) -> int:
    try:
        n = p.stat().st_size
    except OSError as exc:
        raise InspectorError(f"{what}_unreadable", f"cannot read {p.name}: {exc.strerror}", path=str(p)) from exc
    if n == 0:
        raise InspectorError(f"{what}_empty", f"{p.name} is empty (0 bytes)", path=str(p))
    if n > MAX_FILE_BYTES:
        raise InspectorError(
            f"{what}_too_large", f"{p.name} is {_gb(n)} on disk; this app opens {what} files up to {_gb(MAX_FILE_BYTES)}",
            path=str(p), bytes=n,
        )
    return n


def _open_declared(p: Path, f: IO[bytes], what: str, max_side: int, file_bytes: int,
                   mask: bool = False) -> tuple[Any, tuple[int, int]]:
    """Open lazily (header only) and refuse by the declared size before any pixel is decoded.

    Returns the image (a JPEG set to decode reduced) and its declared (width, height)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = _PILLOW_LIMIT
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(f)
    except Image.DecompressionBombError as exc:
        raise InspectorError(
            f"{what}_too_large", f"{p.name} declares more than {_PILLOW_LIMIT / 1e6:,.0f} million pixels; this app opens "
            f"{what}s up to {MAX_PIXELS / 1e6:,.0f} million pixels ({_gb(MAX_DECODE_BYTES)} decoded)", path=str(p),
        ) from exc
    except Exception as exc:  # noqa: BLE001 - decoders raise many types on broken files; all mean "not readable"
        raise InspectorError(f"{what}_corrupt", f"{p.name} is not a readable image ({exc})", path=str(p)) from exc
    w, h = im.size
    if min(w, h) < 1:
        raise InspectorError(f"{what}_corrupt", f"{p.name} has no pixels ({w}x{h})", path=str(p))
    declared_px = w * h
    progressive = im.format == "JPEG" and bool(im.info.get("progressive") or im.info.get("progression"))
    if im.format == "JPEG" and max(im.size) > max_side:
        im.draft(im.mode if im.mode in ("L", "RGB", "CMYK") else "RGB", (max_side, max_side))  # decode reduced
    need = decode_bytes_needed(im.mode, im.size, progressive_px=declared_px if progressive else 0, bands=len(im.getbands()), mask=mask)
    if declared_px > MAX_PIXELS or need > MAX_DECODE_BYTES:
        declared = f"{p.name} declares {w}x{h} pixels ({declared_px / 1e6:,.0f} million, {im.mode})"
        memory = f"decoding it would need about {_gb(need)} of memory"
        if declared_px > MAX_PIXELS:
            text = (f"{declared}, more than the {MAX_PIXELS / 1e6:,.0f} million this app opens ({memory}; the limit is "
                    f"{_gb(MAX_DECODE_BYTES)})")
        else:
            text = (f"{declared}: {memory}, more than the {_gb(MAX_DECODE_BYTES)} this app allows (it opens up to "
                    f"{MAX_PIXELS / 1e6:,.0f} million pixels)")
        raise InspectorError(f"{what}_too_large", text, path=str(p), width=w, height=h, bytes_needed=need)
    _refuse_impossible_strips(im, p, what, file_bytes)
    return im, (w, h)


def _orientation(im: Any) -> int:
    """EXIF orientation (1 = as stored). Only after ``load``: a PNG's ``getexif`` decodes the whole
    image to find an eXIf chunk behind the pixels, so asking first would defeat the size check."""
    try:
        v = im.getexif().get(0x0112, 1)
        return int(v) if int(v) in _TRANSPOSE else 1
    except Exception:  # noqa: BLE001 - a broken EXIF block is ignored, as viewers do
        return 1


def _oriented(im: Any, orientation: int) -> Any:
    """The working copy turned as the EXIF orientation says (done after shrinking: no full-size copy)."""
    from PIL import Image

    method = _TRANSPOSE.get(orientation)
    return im if method is None else im.transpose(getattr(Image.Transpose, method))


def _refuse_impossible_strips(im: Any, p: Path, what: str, file_bytes: int) -> None:
    """A TIFF whose strips or tiles claim more bytes than the file holds is damaged (and a
    decoder would allocate what the tag says)."""
    tags = getattr(im, "tag_v2", None)
    if tags is None:
        return
    for tag in (279, 325):  # StripByteCounts, TileByteCounts
        counts = tags.get(tag)
        if counts is None:
            continue
        counts = counts if isinstance(counts, (tuple, list)) else (counts,)
        if any(int(c) > file_bytes for c in counts):
            raise InspectorError(f"{what}_corrupt", f"{p.name} is not a readable image (its TIFF strips claim more bytes "
                                                    f"than the {file_bytes:,}-byte file holds)", path=str(p))


def load_image(path: str | Path, max_side: int = MAX_WORKING_SIDE) -> LoadedImage:
    p = Path(path)
    if not p.is_file():
        raise InspectorError("image_missing", f"image not found: {p}", path=str(p))
    file_bytes = _refuse_large_file(p, "image")
    notes: list[str] = []
    try:
        f = open(p, "rb")  # noqa: SIM115 - closed below; Pillow reads from it lazily
    except OSError as exc:
        raise InspectorError("image_unreadable", f"cannot read {p.name}: {exc.strerror}", path=str(p)) from exc
    with f:
        bits = _source_bits(f)
        im, (w0, h0) = _open_declared(p, f, "image", max_side, file_bytes)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im.load()
        except MemoryError as exc:
            raise InspectorError("image_too_large", f"{p.name} is too large to load into memory", path=str(p)) from exc
        except Exception as exc:  # noqa: BLE001 - decoders raise many types on broken files; all mean "not readable"
            raise InspectorError("image_corrupt", f"{p.name} is not a readable image ({exc})", path=str(p)) from exc
        orientation = _orientation(im)
        original = (w0, h0) if orientation not in (5, 6, 7, 8) else (h0, w0)
        if orientation != 1:
            notes.append("rotated as its EXIF orientation says")
        try:
            im = _oriented(_working_copy(im, max_side, bits, notes), orientation)
            if max(im.size) != max(original) and max(original) > max_side:
                notes.append(f"analysed on a {im.size[0]}x{im.size[1]} working copy of the {original[0]}x{original[1]} original")
        except MemoryError as exc:
            raise InspectorError("image_too_large", f"{p.name} is too large to load into memory", path=str(p)) from exc
        except Exception as exc:  # noqa: BLE001 - an exotic pixel format Pillow cannot convert
            raise InspectorError("image_corrupt", f"{p.name}: cannot convert its pixels ({im.mode}): {exc}", path=str(p)) from exc
        pixels = np.ascontiguousarray(np.asarray(im, dtype=np.uint8))
        f.seek(0)
        digest = sha256_stream(f)  # the bytes just decoded, read again in chunks
    return LoadedImage(pixels, str(p), digest, original, tuple(notes))


def _source_bits(f: IO[bytes]) -> int:
    """Bits per channel in the file (Pillow reads 16-bit RGB PNG and TIFF as 8-bit RGB silently)."""
    head = f.read(32)
    f.seek(0)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) > 24:
        return int(head[24])
    return 0  # unknown here: TIFF's is read from its tags


def _tiff_bits(im: Any) -> int:
    try:
        tags = getattr(im, "tag_v2", None)
        if tags is not None and 258 in tags:
            v = tags[258]
            return int(max(v) if isinstance(v, (tuple, list)) else v)
    except Exception:  # noqa: BLE001 - only used for a note
        pass
    return 8


def _working_copy(im, max_side: int, bits: int, notes: list[str]):  # noqa: ANN001, ANN202 - PIL images
    """Shrink first (bounded memory on huge files), then convert to RGB uint8."""
    from PIL import Image

    bits = bits or _tiff_bits(im)
    # palettes and bilevel images resize only by nearest neighbour: expand them first
    if im.mode == "1":
        im = im.convert("L")
    elif im.mode == "PA" or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
    elif im.mode == "P":
        im = im.convert("RGB")
    if max(im.size) > max_side:
        scale = max_side / max(im.size)
        new = (max(1, round(im.size[0] * scale)), max(1, round(im.size[1] * scale)))
        factor = max(im.size) // max_side
        if factor >= 2 and im.mode in _REDUCIBLE:  # integer block average first: no full-size intermediate copies
            im = im.reduce(factor)
        im = im.resize(new, Image.Resampling.BOX)
    if im.mode in _HIGH_DEPTH:
        arr = np.nan_to_num(np.asarray(im, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        top = float(arr.max()) if arr.size else 0.0
        if im.mode.startswith("I;16"):
            hi, what = 65535.0, "16-bit"
        elif im.mode == "F" and top <= 1.0:
            hi, what = 1.0, "floating-point"
        else:
            hi = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
            what = "floating-point" if im.mode == "F" else ("16-bit" if top <= 65535 and bits == 16 else "32-bit")
        im = Image.fromarray(np.clip(arr / hi * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
        notes.append(f"converted {what} to 8-bit")
    elif bits > 8:
        notes.append(f"converted {bits}-bit to 8-bit")
    if im.mode in ("RGBA", "LA", "La", "RGBa", "PA"):
        bg = Image.new("RGB", im.size, (255, 255, 255))
        rgba = im.convert("RGBA")
        bg.paste(rgba, mask=rgba.getchannel("A"))
        im = bg
        notes.append("transparency flattened onto white")
    elif im.mode == "CMYK":
        im = im.convert("RGB")
        notes.append("converted CMYK to RGB")
    elif im.mode in ("L", "1"):
        im = im.convert("RGB")
        notes.append("grayscale shown as RGB")
    elif im.mode != "RGB":
        im = im.convert("RGB")
    return im


# --- masks ----------------------------------------------------------------------------------
def load_mask(path: str | Path, image_hw: tuple[int, int]) -> np.ndarray:
    """A mask file -> bool [H, W] at the image's (working copy's) size; may be empty.

    Inside is where the alpha channel is nonzero when the mask has a transparent background,
    else where any channel is nonzero (at any bit depth). A mask larger than the image is
    reduced (a working pixel is inside when any part of it is), a smaller one scaled up.
    For a region the user chose, use ``load_region_mask``: an empty region is an error there.
    """
    p = Path(path)
    if not p.is_file():
        raise InspectorError("mask_missing", f"mask not found: {p}", path=str(p))
    file_bytes = _refuse_large_file(p, "mask")
    try:
        f = open(p, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InspectorError("mask_unreadable", f"cannot read {p.name}: {exc.strerror}", path=str(p)) from exc
    with f:
        bits = _source_bits(f)
        im, _ = _open_declared(p, f, "mask", max(image_hw), file_bytes, mask=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                im.load()
                binary = _nonzero_L(im)
                if bits == 16 and im.mode in ("RGB", "RGBA") and binary.getextrema()[1] == 0:
                    binary = _nonzero_L_wide(p, im)  # Pillow keeps only the high byte of 16-bit colour
                orientation = _orientation(im)
                h, w = image_hw
                turned = orientation in (5, 6, 7, 8)
                return np.asarray(_oriented(_scaled_to(binary, (w, h) if turned else (h, w)), orientation)) > 0
        except InspectorError:
            raise
        except MemoryError as exc:
            raise InspectorError("mask_too_large", f"{p.name} is too large to load into memory", path=str(p)) from exc
        except Exception as exc:  # noqa: BLE001 - decoders raise many types on broken files; all mean "not readable"
            raise InspectorError("mask_corrupt", f"{p.name} is not a readable mask image ({exc})", path=str(p)) from exc


def load_region_mask(path: str | Path, image_hw: tuple[int, int]) -> np.ndarray:
    """``load_mask`` for a region the user gave: a mask with no pixel inside is an error that says so."""
    m = load_mask(path, image_hw)
    if not m.any():
        name = Path(path).name
        raise InspectorError(
            "mask_empty", f"{name} marks no region: every pixel is 0 (or fully transparent). Paint the region in it, "
            "or give no mask to use the whole image", path=str(path),
        )
    return m


def _nonzero_L(im: Any) -> Any:
    """Mode "L" image, 255 where the mask marks the region, 0 elsewhere (full size)."""
    from PIL import Image, ImageChops

    if im.mode in ("P", "PA"):
        im = im.convert("RGBA" if im.mode == "PA" or "transparency" in im.info else "RGB")
    elif im.mode == "1":
        im = im.convert("L")
    if im.mode in _HIGH_DEPTH:
        arr = np.asarray(im)
        inside = np.isfinite(arr) & (arr != 0) if arr.dtype.kind == "f" else arr != 0
        return Image.fromarray(inside.astype(np.uint8) * 255, "L")
    lut = [0] + [255] * 255
    bands = im.getbands()
    alpha = next((b for b in bands if b in ("A", "a")), None)
    if alpha is not None:
        a = im.getchannel(alpha)
        if a.getextrema()[0] < 255:  # a transparent background: the alpha channel is the region
            return a.point(lut)
    acc = None
    for b in (b for b in bands if b not in ("A", "a")):
        ch = im.getchannel(b).point(lut)
        acc = ch if acc is None else ImageChops.lighter(acc, ch)
    return acc


def _nonzero_L_wide(p: Path, im: Any) -> Any:
    """A 16-bit colour mask, read at its full depth (its size was checked already)."""
    import cv2
    from PIL import Image

    arr = cv2.imread(str(p), cv2.IMREAD_UNCHANGED)
    if arr is None or arr.shape[:2] != (im.size[1], im.size[0]):
        return Image.new("L", im.size, 0)
    if arr.ndim == 3 and arr.shape[2] == 4 and arr[..., 3].min() < np.iinfo(arr.dtype).max:
        inside = arr[..., 3] != 0
    else:
        inside = (arr[..., :3] if arr.ndim == 3 else arr).reshape(arr.shape[0], arr.shape[1], -1).max(axis=2) != 0
    return Image.fromarray(inside.astype(np.uint8) * 255, "L")


def _scaled_to(binary: Any, hw: tuple[int, int]) -> Any:
    """A 0/255 "L" mask at ``hw``: reduced by area (a pixel is inside when any part of it is), enlarged by nearest."""
    from PIL import Image

    h, w = hw
    if binary.size == (w, h):
        return binary
    shrink = binary.size[0] > w or binary.size[1] > h
    return binary.resize((w, h), Image.Resampling.BOX if shrink else Image.Resampling.NEAREST)
