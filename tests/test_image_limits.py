"""Images and masks are judged by what they declare before a pixel is decoded, and masks mean what they show.

Issue 18: a 2.6 MB PNG declaring 30000x30000 was decoded (6.9 GB), a 42000x42000 one was killed by
the OOM killer, a 30000x30000 mask was never reduced, a 4 GB file was read whole; an RGBA mask with
a transparent background, a 16-bit 0/1 mask and an all-zero mask each became the whole image.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from app.core.errors import InspectorError
from app.core.images import MAX_DECODE_BYTES, MAX_PIXELS, load_image, load_mask, load_region_mask
from tests.hostile_files import jpeg_declaring, png_declaring, sparse_file, tiff_declaring

ROOT = Path(__file__).resolve().parents[1]

# name, file, writer, error code, words the message must hold
REFUSED = [
    ("PNG 30000x30000 RGB", "p30k.png", lambda p: png_declaring(p, 30000, 30000, 2, rows=64), "image_too_large",
     ("p30k.png", "30000x30000", "900 million", "GB", f"{MAX_PIXELS / 1e6:,.0f} million")),
    ("PNG 42000x42000 grey", "p42k.png", lambda p: png_declaring(p, 42000, 42000, 0), "image_too_large",
     ("42000x42000", "GB")),
    ("PNG 100000x100000 (beyond Pillow's own check)", "p100k.png", lambda p: png_declaring(p, 100000, 100000, 0),
     "image_too_large", ("p100k.png", "million pixels")),
    ("palette PNG 20000x20000 (expanded before shrinking)", "pal20k.png", lambda p: png_declaring(p, 20000, 20000, 3),
     "image_too_large", ("20000x20000", "P)", "GB")),
    ("JPEG declaring 65000x65000", "bomb.jpg", lambda p: jpeg_declaring(p, 65000, 65000), "image_too_large",
     ("65000x65000",)),
    ("progressive JPEG 20000x20000 (every coefficient held)", "prog.jpg",
     lambda p: jpeg_declaring(p, 20000, 20000, progressive=True), "image_too_large", ("20000x20000", "GB")),
    ("TIFF 30000x30000", "t30k.tif", lambda p: tiff_declaring(p, 30000, 30000), "image_too_large", ("30000x30000",)),
    ("TIFF strip claiming 4 GB", "strip.tif", lambda p: tiff_declaring(p, 100, 100, strip_bytes=4_000_000_000),
     "image_corrupt", ("strip.tif", "strips")),
    ("4 GB sparse file named .png", "huge.png", lambda p: sparse_file(p, 4 << 30), "image_too_large",
     ("huge.png", "4.3 GB on disk", "up to 1.0 GB")),
]


@pytest.mark.parametrize("name, file, make, code, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_by_what_it_declares(tmp_path: Path, name: str, file: str, make, code: str, words: tuple[str, ...]) -> None:  # noqa: ANN001
    p = tmp_path / file
    make(p)
    assert p.stat().st_size < 5_000_000 or file == "huge.png"
    with pytest.raises(InspectorError) as ei:
        load_image(p)
    assert ei.value.code == code, ei.value.message
    for w in words:
        assert w in ei.value.message, ei.value.message


def test_memory_needed_and_limit_are_both_in_the_message(tmp_path: Path) -> None:
    p = tmp_path / "p.png"
    png_declaring(p, 30000, 30000, 2)
    with pytest.raises(InspectorError) as ei:
        load_image(p)
    msg = ei.value.message
    assert "3.6 GB of memory" in msg  # 30000 x 30000 x 4 bytes (Pillow holds RGB in 4)
    assert f"the limit is {MAX_DECODE_BYTES / 1e9:.1f} GB" in msg and f"{MAX_PIXELS / 1e6:,.0f} million" in msg


def test_a_file_within_the_pixel_limit_can_still_need_too_much_memory(tmp_path: Path) -> None:
    p = tmp_path / "pal.png"
    png_declaring(p, 20000, 20000, 3)  # 400 million pixels: a palette is expanded to RGBA (5 bytes a pixel)
    with pytest.raises(InspectorError) as ei:
        load_image(p)
    msg = ei.value.message
    assert "2.0 GB of memory, more than the 1.8 GB this app allows" in msg and "400 million pixels" in msg


def test_hostile_files_stay_far_below_the_memory_ceiling(tmp_path: Path) -> None:
    """In a fresh process: every hostile file is refused and the peak RSS stays small (decoding any
    one of them would need 2 to 21 GB)."""
    files = []
    for _, file, make, _, _ in REFUSED:
        make(tmp_path / file)
        files.append(str(tmp_path / file))
    png_declaring(tmp_path / "mask30k.png", 30000, 30000, 0)
    code = textwrap.dedent(
        """
        import json, sys
        from app.core.errors import InspectorError
        from tests.hostile_files import peak_rss_bytes
        from app.core.images import load_image, load_mask
        codes = []
        for f in sys.argv[1:-1]:
            try:
                load_image(f)
                codes.append("loaded")
            except InspectorError as exc:
                codes.append(exc.code)
        try:
            load_mask(sys.argv[-1], (480, 640))
            codes.append("loaded")
        except InspectorError as exc:
            codes.append(exc.code)
        print(json.dumps({"codes": codes, "rss": peak_rss_bytes()}))
        """
    )
    out = subprocess.run([sys.executable, "-c", code, *files, str(tmp_path / "mask30k.png")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert "loaded" not in r["codes"], r["codes"]
    assert r["codes"][-1] == "mask_too_large"
    assert r["rss"] < 600 * 1024**2, f"peak RSS {r['rss'] / 1024**2:.0f} MB"


def test_hash_is_of_the_file_bytes(tmp_path: Path) -> None:
    from PIL import Image

    p = tmp_path / "a.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (30, 40, 3), dtype=np.uint8)).save(p)
    assert load_image(p).sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


# --- masks ----------------------------------------------------------------------------------------
def _save(arr: np.ndarray, p: Path, mode: str | None = None) -> Path:
    from PIL import Image

    (Image.fromarray(arr, mode) if mode else Image.fromarray(arr)).save(p)
    return p


def _block(h: int = 40, w: int = 60) -> np.ndarray:
    m = np.zeros((h, w), bool)
    m[10:20, 30:50] = True
    return m


def test_rgba_mask_with_a_transparent_background_is_read_by_its_alpha(tmp_path: Path) -> None:
    """An image editor's export: black paint on a transparent layer. Its colour is black everywhere."""
    region = _block()
    rgba = np.zeros((40, 60, 4), np.uint8)
    rgba[..., 3] = region * 255
    m = load_mask(_save(rgba, tmp_path / "layer.png", "RGBA"), (40, 60))
    assert np.array_equal(m, region)


def test_rgba_mask_with_white_paint_on_transparent_is_also_the_alpha(tmp_path: Path) -> None:
    region = _block()
    rgba = np.full((40, 60, 4), 255, np.uint8)  # white everywhere, opaque only in the region
    rgba[..., 3] = region * 255
    assert np.array_equal(load_mask(_save(rgba, tmp_path / "w.png", "RGBA"), (40, 60)), region)


def test_opaque_rgba_mask_is_read_by_its_colour(tmp_path: Path) -> None:
    region = _block()
    rgba = np.zeros((40, 60, 4), np.uint8)
    rgba[..., 0] = region * 200
    rgba[..., 3] = 255
    assert np.array_equal(load_mask(_save(rgba, tmp_path / "o.png", "RGBA"), (40, 60)), region)


def test_16bit_mask_holding_0_and_1(tmp_path: Path) -> None:
    import cv2

    region = _block()
    p = tmp_path / "m16.png"
    assert cv2.imwrite(str(p), region.astype(np.uint16))
    assert np.array_equal(load_mask(p, (40, 60)), region)


def test_16bit_colour_mask_holding_0_and_1(tmp_path: Path) -> None:
    """Pillow keeps only the high byte of 16-bit colour: such a mask would read as empty."""
    import cv2

    region = _block()
    p = tmp_path / "rgb16.png"
    assert cv2.imwrite(str(p), np.dstack([region.astype(np.uint16)] * 3))
    assert np.array_equal(load_mask(p, (40, 60)), region)


def test_large_mask_is_reduced_and_a_pixel_is_inside_when_any_part_of_it_is(tmp_path: Path) -> None:
    big = np.zeros((400, 600), np.uint8)
    big[100:200, 300:500] = 1  # value 1 of 255: nonzero means inside
    big[5, 7] = 3  # one pixel, a tenth of a working pixel: still marks it
    m = load_mask(_save(big, tmp_path / "big.png"), (40, 60))
    expect = _block()
    expect[0, 0] = True
    assert np.array_equal(m, expect)


def test_small_mask_is_enlarged_by_nearest(tmp_path: Path) -> None:
    m = load_mask(_save((_block(20, 30)[::1, ::1] * 255).astype(np.uint8)[::1], tmp_path / "s.png"), (40, 60))
    assert m.shape == (40, 60) and int(m.sum()) == 4 * int(_block(20, 30).sum())


def test_palette_mask_is_read_by_colour_not_index(tmp_path: Path) -> None:
    from PIL import Image

    im = Image.fromarray((_block() * 255).astype(np.uint8)).convert("P")
    im.putpalette([255, 255, 255] + [0, 0, 0] * 255)  # index 0 is white: a white image with a black region
    im.save(tmp_path / "pal.png")
    m = load_mask(tmp_path / "pal.png", (40, 60))
    assert int(m.sum()) > 0 and m.shape == (40, 60)
    from PIL import Image as _I

    colours = np.asarray(_I.open(tmp_path / "pal.png").convert("RGB")).max(axis=2) > 0
    assert np.array_equal(m, colours)


def test_all_zero_mask_is_an_error_that_says_so(tmp_path: Path) -> None:
    p = _save(np.zeros((40, 60), np.uint8), tmp_path / "blank.png")
    assert not load_mask(p, (40, 60)).any()  # a ground-truth mask may be empty ...
    with pytest.raises(InspectorError) as ei:  # ... a region the user gives may not
        load_region_mask(p, (40, 60))
    assert ei.value.code == "mask_empty" and "blank.png" in ei.value.message and "no region" in ei.value.message


def test_fully_transparent_mask_is_empty(tmp_path: Path) -> None:
    p = _save(np.zeros((40, 60, 4), np.uint8), tmp_path / "clear.png", "RGBA")
    with pytest.raises(InspectorError) as ei:
        load_region_mask(p, (40, 60))
    assert ei.value.code == "mask_empty"


def test_mask_declaring_30000_squared_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "m.png"
    png_declaring(p, 30000, 30000, 0)
    with pytest.raises(InspectorError) as ei:
        load_mask(p, (480, 640))
    assert ei.value.code == "mask_too_large" and "30000x30000" in ei.value.message


def test_session_refuses_an_explicit_empty_region_but_none_is_the_whole_image(random_bundle_dir: Path) -> None:
    from tests.conftest import analyzed_session

    s = analyzed_session(random_bundle_dir, "onnx", seed=1)
    assert np.array_equal(s.patch_weights(None), np.ones(s.grid.num_patches, np.float32))
    with pytest.raises(InspectorError) as ei:
        s.patch_weights(np.zeros((32, 32), bool))
    assert ei.value.code == "mask_empty"
    with pytest.raises(InspectorError):
        s.intervene(np.zeros((32, 32), bool), [])
    m = np.zeros((32, 32), bool)
    m[:8, :8] = True
    w = s.patch_weights(m)
    assert w[0] == 1.0 and w.sum() == 1.0
