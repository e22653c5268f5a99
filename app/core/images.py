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
    from PIL import Image, ImageOps, UnidentifiedImageError

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
            if im.format == "JPEG" and max(im.size) > max_side:
                im.draft("RGB", (max_side, max_side))  # decode JPEGs already reduced: far less memory
            orientation = im.getexif().get(0x0112, 1)
            im = ImageOps.exif_transpose(im)
            im.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InspectorError("image_corrupt", f"{p.name} is not a readable image ({exc})", path=str(p)) from exc
    original = im.size
    if orientation not in (None, 1):
        notes.append("rotated as its EXIF orientation says")
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        hi = 65535.0 if im.mode.startswith("I;16") or arr.max() > 255 else 255.0
        im = Image.fromarray(np.clip(arr / hi * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
        notes.append("converted 16-bit to 8-bit")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
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
    if max(im.size) > max_side:
        scale = max_side / max(im.size)
        new = (max(1, round(im.size[0] * scale)), max(1, round(im.size[1] * scale)))
        im = im.resize(new, Image.Resampling.BOX)
        notes.append(f"analysed on a {new[0]}x{new[1]} working copy of the {original[0]}x{original[1]} original")
    pixels = np.ascontiguousarray(np.asarray(im, dtype=np.uint8))
    return LoadedImage(pixels, str(p), hashlib.sha256(data).hexdigest(), original, tuple(notes))


def load_mask(path: str | Path, image_hw: tuple[int, int]) -> np.ndarray:
    """A mask PNG (any nonzero pixel is in the region) -> bool [H, W] at the image's size."""
    from app.core.grid import resize_mask

    m = load_image(path, max_side=1 << 30).pixels_HWC.max(axis=2) > 0
    return resize_mask(m, image_hw)
