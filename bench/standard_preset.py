"""What `build-bundle --preset standard` costs for a user's ViT-S/16 at 224 px, from a small run.

    python bench/standard_preset.py                  # scale 0.05 of the preset's counts
    python bench/standard_preset.py --scale 0.1 --work runs/bench_standard

It writes a synthetic MVTec-layout folder (the preset's synth size times ``--scale``), a ViT-S/16
224 timm checkpoint with random weights (speed does not depend on the values), converts it with
``import-timm`` and runs the whole build with every count of the preset times ``--scale``. Each
step's process CPU seconds (all threads; wall seconds too) are divided by its own count (images
evaluated, images recorded, SAE training tokens, ...) and scaled to the full preset on a folder
of the preset's synth size (2,000 training and 500 test images); a step's fixed cost is scaled
too, so the estimate errs long, except the baselines' fit and the ONNX exports, which are fixed.
CPU seconds, unlike wall seconds, hardly depend on other work on a shared machine. A benchmark:
it prints figures and never passes or fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _scaled(preset, s: float):  # noqa: ANN001, ANN202
    def n(v: int) -> int:
        return max(1, round(v * s))

    return replace(
        preset, synth=replace(preset.synth, n_train=n(preset.synth.n_train), n_test=n(preset.synth.n_test)),
        record_train=n(preset.record_train), record_val=n(preset.record_val), record_test=n(preset.record_test),
        fidelity_images=n(preset.fidelity_images), causal_images_per_type=n(preset.causal_images_per_type),
    )


def _write_vit_s(folder: Path, classes: list[str]) -> None:
    import torch
    from safetensors.torch import save_file

    from app.core.vit import VisionTransformer
    from app.core.vit_config import ViTConfig

    cfg = ViTConfig(img_size=224, patch_size=16, embed_dim=384, depth=12, num_heads=6, num_classes=len(classes),
                    patch_head=False)
    vit = VisionTransformer(cfg, 10)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in vit.state_dict().items() if k != "patch_head.weight"},
              str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps({
        "architecture": "vit_small_patch16_224", "num_classes": len(classes), "label_names": classes,
        "pretrained_cfg": {"input_size": [3, 224, 224], "interpolation": "bicubic", "crop_pct": 0.9, "crop_mode": "center",
                           "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
    }))
    torch.manual_seed(0)


def _counts(preset, data: Path, seed: int) -> dict[str, float]:  # noqa: ANN001
    """What each step's time grows with, for a build of ``preset`` on ``data``."""
    from app.pipeline.dataset import scan_dataset

    ds = scan_dataset(data, seed=seed)
    train, val, test = len(ds.split("train")), len(ds.split("val")), len(ds.split("test"))
    rec_train = min(preset.record_train, train)
    recorded = rec_train + min(preset.record_val, val) + (test if preset.record_test == 0 else min(preset.record_test, test))
    defect_train = sum(r.label != "good" for r in ds.split("train"))
    tokens = rec_train * 196
    checks = min(preset.fidelity_images, test) + len(ds.defect_types) * preset.causal_images_per_type
    return {
        "ViT evaluation": val + test, "recording layer activations": recorded,
        "recording the other defective training images": max(1, defect_train - rec_train // 2),
        "SAE grid training": tokens * preset.sae.epochs, "SAE selection": min(preset.record_val, val),
        "feature dictionary": tokens + min(400_000, test * 196), "downstream fidelity and causal sanity": checks,
        "evidence map localisation": min(preset.fidelity_images, test),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--work", default=str(ROOT / "runs" / "bench_standard"))
    args = ap.parse_args()

    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.presets import PRESETS
    from app.pipeline.synth.writer import generate_dataset
    from app.pipeline.timm_import import import_timm

    full = PRESETS["standard"]
    small = _scaled(full, args.scale)
    work = Path(args.work)
    data = work / "data"
    if not (data / "train").is_dir():
        generate_dataset(data, small.synth, workers=2, progress=False)
    from app.pipeline.dataset import scan_dataset

    classes = ["good", *scan_dataset(data).defect_types]
    _write_vit_s(work / "export", classes)
    t0 = time.time()
    res = import_timm(work / "export", work / "vit", log=lambda s: None)
    t_import = time.time() - t0
    shutil.rmtree(work / "build", ignore_errors=True)  # a resumed build would skip the steps to be timed
    clock = _StepClock()
    build_bundle(work / "bundle", small, work / "build", data=data, vit_weights=res.weights, vit_config=res.config,
                 progress=False, log=clock.log)
    clock.stop()
    base_wall, base_cpu = _baselines_seconds(work, small.seed)
    n = _counts(small, data, small.seed)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows the wall figures; CPU "
          f"seconds are the process's own, all threads); import-timm {t_import:.1f} s; scale {args.scale:g}")
    print(f"{'step':48s} {'wall s':>8s} {'CPU s':>8s} {'CPU s/unit':>10s} {'standard CPU min':>16s}")
    total = 0.0
    for step, (wall, cpu) in clock.steps.items():
        fixed = base_cpu if step == "downstream fidelity and causal sanity" else 0.0  # the baselines' fit: fixed steps
        est = fixed + (cpu - fixed) / args.scale if step in n else cpu
        total += est
        per = f"{(cpu - fixed) / n[step]:.3g}" if step in n else "fixed"
        print(f"{step:48s} {wall:8.1f} {cpu:8.1f} {per:>10s} {est / 60:16.1f}")
    print(f"{'(in it: random-SAE and PCA baselines, fixed)':48s} {base_wall:8.1f} {base_cpu:8.1f} {'':10s} {base_cpu / 60:16.1f}")
    print(f"{'the full preset, CPU minutes (counts / scale)':48s} {'':8s} {'':8s} {'':10s} {total / 60:16.1f}")
    print(f"on an idle 2-core CPU the wall time lies between {total / 120:.0f} (both cores busy throughout) and "
          f"{total / 60:.0f} minutes (one core)")


class _StepClock:
    """Wall and process CPU seconds of each build step, from the build's "== step" log lines."""

    def __init__(self) -> None:
        self.steps: dict[str, tuple[float, float]] = {}
        self._open: tuple[str, float, float] | None = None

    def log(self, text: str) -> None:
        if text.startswith("== "):
            self.stop()
            self._open = (text[3:].strip(), time.time(), time.process_time())

    def stop(self) -> None:
        if self._open is not None:
            name, wall, cpu = self._open
            self.steps[name] = (time.time() - wall, time.process_time() - cpu)
            self._open = None


def _baselines_seconds(work: Path, seed: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the random-SAE and PCA baselines' fit, timed on their own (fixed steps and width)."""
    from app.core.bundle import load_bundle
    from app.pipeline.record import open_recording
    from app.pipeline.sae_baselines import build_baselines

    b = load_bundle(work / "bundle")
    rec = open_recording(work / "build" / "acts")
    t0, c0 = time.time(), time.process_time()
    build_baselines(rec, rec.split_ids("train"), rec.split_ids("val"), rec.split_ids("test"), b.manifest.sae, b.sae_weights, seed)
    return time.time() - t0, time.process_time() - c0

if __name__ == "__main__":
    main()
