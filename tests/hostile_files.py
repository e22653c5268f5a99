"""Small files that declare huge or impossible images: what a careless export or an attacker hands over.

Used by the tests and by ``bench/hostile_inputs.py``. Each writes a few kB to a few MB that
declare gigabytes of pixels; none of them is ever meant to be decoded.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_declaring(path: Path, w: int, h: int, color_type: int = 2, bit_depth: int = 8, rows: int = 0) -> None:
    """A PNG whose header declares ``w`` x ``h``; it carries ``rows`` real (compressed) rows, the rest is missing.

    color_type 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    row = b"\x00" + bytes(w * channels * bit_depth // 8)
    co = zlib.compressobj(9)
    body = b"".join(co.compress(row) for _ in range(rows)) + co.flush()
    parts = [b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0))]
    if color_type == 3:
        parts.append(_chunk(b"PLTE", bytes(range(3)) * 1))
    parts += [_chunk(b"IDAT", body), _chunk(b"IEND", b"")]
    path.write_bytes(b"".join(parts))


def png_streamed(path: Path, w: int, h: int, color_type: int = 0) -> None:
    """A complete, valid PNG of ``w`` x ``h`` (grey or RGB), written row block by row block: a few MB
    on disk, ``w * h * channels`` bytes decoded."""
    channels = {0: 1, 2: 3}[color_type]
    row = b"\x00" + bytes(200 * ((x // 512) % 2) for x in range(w * channels))  # stripes: compresses ~1000x
    co = zlib.compressobj(1)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)))
        block = row * 256
        for _ in range(h // 256):
            f.write(_chunk(b"IDAT", co.compress(block)))
        f.write(_chunk(b"IDAT", co.compress(row * (h % 256)) + co.flush()))
        f.write(_chunk(b"IEND", b""))


def jpeg_declaring(path: Path, w: int, h: int, progressive: bool = False) -> None:
    """A small real JPEG whose frame header (SOF) is rewritten to declare ``w`` x ``h`` (at most 65535)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.full((16, 16, 3), 128, np.uint8)).save(buf, format="JPEG", progressive=progressive)
    data = bytearray(buf.getvalue())
    sof = data.find(b"\xff\xc2" if progressive else b"\xff\xc0")
    assert sof > 0
    data[sof + 5 : sof + 9] = struct.pack(">HH", h, w)
    path.write_bytes(bytes(data))


def tiff_declaring(path: Path, w: int, h: int, strip_bytes: int | None = None) -> None:
    """An uncompressed 8-bit grey TIFF, one strip, declaring ``w`` x ``h``; ``strip_bytes`` overrides
    the strip's byte count (a strip that claims more than the file holds)."""
    pixels = bytes(64)
    entries = [
        (256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
        (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, strip_bytes if strip_bytes is not None else w * h),
    ]
    ifd_offset = 8 + len(pixels)
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHII", tag, typ, count, value) if typ == 4 else struct.pack("<HHIHH", tag, typ, count, value, 0)
    ifd += struct.pack("<I", 0)
    path.write_bytes(b"II*\x00" + struct.pack("<I", ifd_offset) + pixels + ifd)


def sparse_file(path: Path, size: int, head: bytes = b"\x89PNG\r\n\x1a\n") -> None:
    """``size`` bytes on paper, ``len(head)`` on disk (a sparse file)."""
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)


def peak_rss_bytes() -> int:
    """This process's peak resident memory. On Linux ``VmHWM``, which exec resets: ``ru_maxrss`` keeps the
    peak of the parent that forked it (a test run's 900 MB would count for every child)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    import sys

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024
