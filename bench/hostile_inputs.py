"""Peak memory of `main.py analyze` on hostile and huge input files: one fresh process per file.

    python bench/hostile_inputs.py [--bundle model_store/metal] [--keep DIR] [--only NAME ...]

Writes a held-out set of files (none of them is used by the tests as is): small files that
declare tens of gigapixels, a 4 GB sparse file, JPEG and TIFF bombs, a PNG whose text chunk
inflates to 1 GB, and genuinely huge but valid images and masks that must still open. Each is
run through the real CLI (`analyze IMAGE --json`, or `analyze PART --mask FILE`) in its own
process; the table gives the file's size on disk, what it declares, the outcome (exit code and
the error line, or the working copy), the peak RSS of that process and its wall time. The issue's
ceiling: every process stays under 3 GB. Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_files import jpeg_declaring, png_declaring, png_streamed, sparse_file, tiff_declaring  # noqa: E402

CEILING = 3 * 1024**3

CHILD = """
import sys
sys.path.insert(0, {root!r})
from app.cli.entry import run_cli
rc = run_cli(sys.argv[1:])
from tests.hostile_files import peak_rss_bytes
print(f"RSS {{peak_rss_bytes()}} RC {{rc}}", file=sys.stderr)
sys.exit(rc)
"""


def _png_ztxt_bomb(p: Path) -> None:
    """A 1x1 PNG with a zTXt chunk that inflates to 1 GB of text."""
    co = zlib.compressobj(9)
    body = b"".join(co.compress(bytes(1 << 20)) for _ in range(1024)) + co.flush()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    idat = zlib.compress(b"\x00\x00")
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                  + chunk(b"zTXt", b"Comment\x00\x00" + body) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _gif_declaring(p: Path, w: int, h: int) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("P", (8, 8)).save(buf, format="GIF")
    data = bytearray(buf.getvalue())
    data[6:10] = struct.pack("<HH", w, h)  # logical screen
    i = data.find(b"\x2c")  # image descriptor
    data[i + 5 : i + 9] = struct.pack("<HH", w, h)
    p.write_bytes(bytes(data))


def _bmp_declaring(p: Path, w: int, h: int) -> None:
    header = struct.pack("<2sIHHI", b"BM", 54 + 16, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, 0, 2835, 2835, 0, 0)
    p.write_bytes(header + info + bytes(16))


def _progressive_jpeg(p: Path, side: int) -> None:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    tile = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
    Image.fromarray(np.tile(tile, (side // 256, side // 256, 1))).save(p, quality=60, progressive=True)


def _mask_streamed(p: Path, side: int) -> None:
    png_streamed(p, side, side, 0)


# name, file, writer, role ("image" | "mask"), what it declares
CASES: list[tuple[str, str, Callable[[Path], None], str, str]] = [
    ("PNG declaring 30000x30000 (valid, grey)", "g30k.png", lambda p: png_streamed(p, 30000, 30000, 0), "image", "30000x30000 L"),
    ("PNG declaring 42000x42000 (valid, grey)", "g42k.png", lambda p: png_streamed(p, 42000, 42000, 0), "image", "42000x42000 L"),
    ("PNG declaring 30000x30000 RGB (valid)", "rgb30kv.png", lambda p: png_streamed(p, 30000, 30000, 2), "image",
     "30000x30000 RGB"),
    ("PNG declaring 30000x30000 RGB (rows missing)", "rgb30k.png", lambda p: png_declaring(p, 30000, 30000, 2, rows=256),
     "image", "30000x30000 RGB"),
    ("PNG declaring 65535x65535 RGBA", "rgba64k.png", lambda p: png_declaring(p, 65535, 65535, 6), "image", "65535x65535 RGBA"),
    ("palette PNG declaring 20000x20000", "pal20k.png", lambda p: png_declaring(p, 20000, 20000, 3), "image", "20000x20000 P"),
    ("PNG, zTXt chunk inflating to 1 GB", "ztxt.png", _png_ztxt_bomb, "image", "1x1 + 1 GB text"),
    ("4 GB sparse file named .png", "sparse.png", lambda p: sparse_file(p, 4 << 30), "image", "4 GB on disk"),
    ("JPEG declaring 65000x65000", "bomb.jpg", lambda p: jpeg_declaring(p, 65000, 65000), "image", "65000x65000"),
    ("progressive JPEG declaring 20000x20000", "prog20k.jpg", lambda p: jpeg_declaring(p, 20000, 20000, True), "image",
     "20000x20000 progressive"),
    ("TIFF declaring 30000x30000", "t30k.tif", lambda p: tiff_declaring(p, 30000, 30000), "image", "30000x30000 L"),
    ("TIFF, strip claiming 4 GB", "strip.tif", lambda p: tiff_declaring(p, 2000, 2000, strip_bytes=4_000_000_000), "image",
     "2000x2000, 4 GB strip"),
    ("GIF declaring 65535x65535", "g.gif", lambda p: _gif_declaring(p, 65535, 65535), "image", "65535x65535 P"),
    ("BMP declaring 30000x30000", "b.bmp", lambda p: _bmp_declaring(p, 30000, 30000), "image", "30000x30000 RGB"),
    ("valid PNG 20000x20000 grey", "g20k.png", lambda p: png_streamed(p, 20000, 20000, 0), "image", "20000x20000 L"),
    ("valid PNG 16000x16000 RGB", "rgb16k.png", lambda p: png_streamed(p, 16000, 16000, 2), "image", "16000x16000 RGB"),
    ("valid progressive JPEG 8192x8192", "prog8k.jpg", lambda p: _progressive_jpeg(p, 8192), "image", "8192x8192 progressive"),
    ("mask declaring 30000x30000 (valid)", "m30k.png", lambda p: _mask_streamed(p, 30000), "mask", "30000x30000 L"),
    ("mask 20000x20000 (valid)", "m20k.png", lambda p: _mask_streamed(p, 20000), "mask", "20000x20000 L"),
]


def run_case(path: Path, role: str, part: Path, bundle: str) -> dict:
    args = ["analyze", str(part if role == "mask" else path), "--bundle", bundle, "--backend", "onnx", "--json"]
    if role == "mask":
        args += ["--mask", str(path)]
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=1800)
    wall = time.perf_counter() - t0
    tail = [ln for ln in r.stderr.splitlines() if ln.startswith("RSS ")]
    rss = int(tail[-1].split()[1]) if tail else -1
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    if r.returncode == 0 and r.stdout.strip():
        img = json.loads(r.stdout)["image"]
        outcome = f"analysed on {img['width']}x{img['height']}" + (" (mask reduced)" if role == "mask" else "")
    elif errors:
        outcome = errors[0][len("error: "):]
    else:
        outcome = f"exit {r.returncode}, killed or crashed: {r.stderr.strip().splitlines()[-1:] or ''}"
    return {"rc": r.returncode, "rss": rss, "wall": wall, "outcome": outcome}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    from app.core.paths import default_bundle_dir

    ap.add_argument("--bundle", default=str(default_bundle_dir()))
    ap.add_argument("--keep", help="write the files here and keep them (default: a temporary folder)")
    ap.add_argument("--only", nargs="*", help="run only cases whose file name is given")
    ap.add_argument("--make", nargs=2, metavar=("FILE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make:
        next(c for c in CASES if c[1] == args.make[0])[2](Path(args.make[1]))
        return 0
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    from app.core.file_listing import samples_folder

    part = samples_folder(ROOT / "resources" / "samples", Path(args.bundle)) / "scratch_1.png"  # the bundle's own sample
    baseline = run_case(part, "image", part, args.bundle)
    print(f"# bench/hostile_inputs.py · {sys.platform} · bundle {Path(args.bundle).name}")
    print(f"baseline: analyze {part.name} (1 sample part): peak RSS {baseline['rss'] / 1024**2:.0f} MB, "
          f"{baseline['wall']:.1f} s; ceiling {CEILING / 1024**3:.0f} GB\n")
    print("| file | on disk | declares | exit | outcome | peak RSS | wall s |")
    print("|---|---:|---|---:|---|---:|---:|")
    worst = 0
    try:
        for name, file, make, role, declares in CASES:
            if args.only and file not in args.only:
                continue
            p = folder / file
            if not p.exists():  # in its own process: Linux keeps a parent's peak RSS across fork and exec
                subprocess.run([sys.executable, __file__, "--make", file, str(p)], check=True, timeout=1800)
            disk = p.stat().st_blocks * 512 if hasattr(p.stat(), "st_blocks") else p.stat().st_size
            r = run_case(p, role, part, args.bundle)
            worst = max(worst, r["rss"])
            outcome = r["outcome"] if len(r["outcome"]) <= 150 else r["outcome"][:147] + "..."
            print(f"| {name} ({role}) | {disk / 1e6:.2f} MB | {declares} | {r['rc']} | {outcome} | "
                  f"{r['rss'] / 1024**2:,.0f} MB | {r['wall']:.1f} |", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\nworst peak RSS {worst / 1024**2:,.0f} MB ({'under' if 0 < worst < CEILING else 'NOT under'} the "
          f"{CEILING / 1024**3:.0f} GB ceiling)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
