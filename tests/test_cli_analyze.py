"""`main.py analyze` end to end, as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # every test runs main.py in a subprocess


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture()
def image_and_mask(tmp_path):
    img = np.random.default_rng(1).integers(0, 256, (60, 90, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / "part.png"), img)
    mask = np.zeros((30, 45), np.uint8)  # half size: must be scaled to the image
    mask[5:15, 10:30] = 255
    cv2.imwrite(str(tmp_path / "mask.png"), mask)
    return tmp_path / "part.png", tmp_path / "mask.png"


def test_analyze_json_without_edits(random_bundle_dir, image_and_mask):
    img, _ = image_and_mask
    r = _run("analyze", str(img), "--bundle", str(random_bundle_dir), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["edited"] == out["baseline"]
    assert out["image"]["width"] == 90 and out["image"]["height"] == 60
    assert len(out["image"]["sha256"]) == 64 and len(out["bundle"]["hash"]) == 64
    assert out["backend"] in ("torch", "onnxruntime") and out["provider"]
    assert set(out["baseline"]["classes"]) == {"ok", "scratch", "stain"}
    assert abs(out["baseline"]["score"] - (1 - out["baseline"]["classes"]["ok"])) < 1e-9
    assert out["mask"]["whole_image"] is True
    assert 0 < len(out["latents_in_mask"]) <= 20
    listed = out["latents_in_mask"]
    acts = [latent["activation"] for latent in listed]
    assert acts == sorted(acts, reverse=True)  # whole image: no outside, the order is the raw sum
    assert all(latent["excess"] == latent["activation"] and latent["mean_out"] == 0 for latent in listed)
    assert {"analyze", "intervene"} <= set(out["timings_ms"])


def test_analyze_with_mask_edits_and_out(random_bundle_dir, image_and_mask, tmp_path):
    img, mask = image_and_mask
    r = _run("analyze", str(img), "--bundle", str(random_bundle_dir), "--mask", str(mask), "--edit", "3:off",
             "--edit", "5:set=3", "--backend", "onnx", "--json", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["mask"]["pixels"] == 20 * 40 and 0 < out["mask"]["patches"] < 16
    assert out["edited"]["score"] != out["baseline"]["score"]
    assert out["backend"] == "onnxruntime"
    listed = out["latents_in_mask"]
    assert listed and [x["excess"] for x in listed] == sorted((x["excess"] for x in listed), reverse=True)
    assert all(x["mean_in"] > x["mean_out"] for x in listed)
    for x in listed:  # where it fires hardest: shares of its strongest parts, from the dictionary
        assert x["strongest_on"]["parts"] > 0 and abs(sum(x["strongest_on"]["shares"].values()) - 1) < 1e-3
        assert x["strongest_on"]["text"].endswith(f"of its {x['strongest_on']['parts']} strongest test parts")
    for name in ("defect_map_before.png", "defect_map_after.png", "defect_map_diff.png", "analysis.json"):
        assert (tmp_path / "o" / name).stat().st_size > 0
    fig = cv2.imread(str(tmp_path / "o" / "defect_map_before.png"))
    assert fig.shape[1] > fig.shape[0]  # the part's own (landscape) aspect ratio


@pytest.mark.parametrize(
    "args, words",
    [
        (["--edit", "3:of"], "malformed edit"),
        (["--edit", "9999:off"], "does not exist"),
        (["--edit", "3:scale"], "needs a value"),
    ],
)
def test_bad_edits_one_line(random_bundle_dir, image_and_mask, args, words):
    img, _ = image_and_mask
    r = _run("analyze", str(img), "--bundle", str(random_bundle_dir), *args)
    assert r.returncode != 0
    assert words in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_bad_image_and_bundle(random_bundle_dir, tmp_path):
    bad = tmp_path / "x.png"
    bad.write_bytes(b"this is not a png")
    for args, words in [
        ([str(bad), "--bundle", str(random_bundle_dir)], "not a readable image"),
        ([str(tmp_path / "none.png"), "--bundle", str(random_bundle_dir)], "not found"),
        ([str(bad), "--bundle", str(tmp_path)], ""),
    ]:
        r = _run("analyze", *args)
        assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_no_display_says_so_in_one_line():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode != 0 and "no display" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_ends_quietly(random_bundle_dir, image_and_mask):
    """`main.py analyze ... | head -1`: the reader leaves first; no traceback, the exit code of a piped tool."""
    import os

    img, mask = image_and_mask
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a normal shell: stdout to a pipe is buffered
    p = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "analyze", str(img), "--bundle", str(random_bundle_dir),
                          "--mask", str(mask), "--top", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    p.stdout.close()  # before the command has written anything: its first write meets a closed pipe
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err
