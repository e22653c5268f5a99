"""Loading part images: any common format becomes an RGB uint8 working copy, saying what was done.

Unusual but valid files (16-bit, grayscale, RGBA, CMYK, EXIF-rotated, huge) are converted;
broken ones raise one clear ``InspectorError``.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.core.errors import InspectorError

MAX_WORKING_SIDE = 4096  # long side of the working copy; larger images are analysed downscaled
_MAX_PIXELS = 30000 * 30000


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


def load_image(path: str | Path, max_side: int = MAX_WORKING_SIDE) -> LoadedImage:
    from PIL import Image, ImageOps

    p = Path(path)
    if not p.is_file():
        raise InspectorError("image_missing", f"image not found: {p}", path=str(p))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InspectorError("image_unreadable", f"cannot read {p.name}: {exc.strerror}", path=str(p)) from exc
    if not data:
        raise InspectorError("image_empty", f"{p.name} is empty (0 bytes)", path=str(p))
    notes: list[str] = []
    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(p)
            orientation = im.getexif().get(0x0112, 1)
            original = im.size if orientation not in (5, 6, 7, 8) else (im.size[1], im.size[0])
            bits = _source_bits(im, data)
            if im.format == "JPEG" and max(im.size) > max_side:
                im.draft("RGB", (max_side, max_side))  # decode JPEGs already reduced: far less memory
            im = ImageOps.exif_transpose(im)
            im.load()
    except Image.DecompressionBombError as exc:
        raise InspectorError("image_too_large", f"{p.name} is too large to analyse ({exc})", path=str(p)) from exc
    except MemoryError as exc:
        raise InspectorError("image_too_large", f"{p.name} is too large to load into memory", path=str(p)) from exc
    except Exception as exc:  # noqa: BLE001 - decoders raise many types on broken files; all mean "not readable"
        raise InspectorError("image_corrupt", f"{p.name} is not a readable image ({exc})", path=str(p)) from exc
    if min(original) < 1:
        raise InspectorError("image_corrupt", f"{p.name} has no pixels ({original[0]}x{original[1]})", path=str(p))
    if orientation not in (None, 1):
        notes.append("rotated as its EXIF orientation says")
    try:
        im = _working_copy(im, max_side, bits, notes)
        if max(im.size) != max(original) and max(original) > max_side:
            notes.append(f"analysed on a {im.size[0]}x{im.size[1]} working copy of the {original[0]}x{original[1]} original")
    except MemoryError as exc:
        raise InspectorError("image_too_large", f"{p.name} is too large to load into memory", path=str(p)) from exc
    except Exception as exc:  # noqa: BLE001 - an exotic pixel format Pillow cannot convert
        raise InspectorError("image_corrupt", f"{p.name}: cannot convert its pixels ({im.mode}): {exc}", path=str(p)) from exc
    pixels = np.ascontiguousarray(np.asarray(im, dtype=np.uint8))
    return LoadedImage(pixels, str(p), hashlib.sha256(data).hexdigest(), original, tuple(notes))


def _source_bits(im, data: bytes) -> int:  # noqa: ANN001 - a PIL image
    """Bits per channel in the file (Pillow reads 16-bit RGB PNG and TIFF as 8-bit RGB silently)."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 24:
            return int(data[24])
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
        if factor >= 2:  # integer block average first: no full-size intermediate copies
            im = im.reduce(factor)
        im = im.resize(new, Image.Resampling.BOX)
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
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


def load_mask(path: str | Path, image_hw: tuple[int, int]) -> np.ndarray:
    """A mask PNG (any nonzero pixel is in the region) -> bool [H, W] at the image's size."""
    from app.core.grid import resize_mask

    m = load_image(path, max_side=1 << 30).pixels_HWC.max(axis=2) > 0
    return resize_mask(m, image_hw)
