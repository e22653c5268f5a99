"""The real app on a real X server (Xvfb, QT_QPA_PLATFORM=xcb): it starts, shows a part
and saves a screenshot. In CI (``CI`` set) this must run; elsewhere it skips without Xvfb."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def xvfb_display():
    exe = shutil.which("Xvfb")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Xvfb is missing: .ci/run must install xvfb and the libxcb packages")
        pytest.skip("Xvfb is not installed (apt-get install xvfb libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 ...)")
    r, w = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"], pass_fds=(w,))
    os.close(w)
    try:
        with os.fdopen(r) as f:
            num = f.readline().strip()
        if not num:
            pytest.fail("Xvfb did not start")
        yield f":{num}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.xvfb
@pytest.mark.slow
def test_real_app_under_xvfb_saves_a_screenshot(xvfb_display, random_bundle_dir, tmp_path) -> None:
    img = tmp_path / "scratch_1.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)).save(img)
    env = dict(os.environ, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb", SAE_INSPECTOR_DATA_DIR=str(tmp_path / "data"))
    # 1. python main.py IMAGE --bundle DIR: the real entry point, on xcb
    shot1 = tmp_path / "main.png"
    env1 = dict(env, SAE_INSPECTOR_SMOKE_SCREENSHOT=str(shot1))
    p = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), str(img), "--bundle", str(random_bundle_dir), "--backend", "onnx"],
        env=env1, capture_output=True, text=True, timeout=480,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    assert shot1.is_file()
    # 2. the scripted README session: mask, a latent off, the "after" heatmap
    shot2 = Path(os.environ.get("SAE_INSPECTOR_SCREENSHOT_OUT", tmp_path / "session.png"))
    p = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "screenshot.py"), "--bundle", str(random_bundle_dir), "--image", str(img),
         "--out", str(shot2)],
        env=env, capture_output=True, text=True, timeout=480,
    )
    assert p.returncode == 0, p.stderr[-3000:]
    for shot in (shot1, shot2):
        a = np.asarray(Image.open(shot).convert("RGB"))
        assert a.shape[0] > 400 and a.shape[1] > 600
        assert a.std() > 10  # not a blank window
