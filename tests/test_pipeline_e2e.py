"""The whole bundle-building path on a tiny dataset: synth → ViT → evaluate → record → SAE grid
→ choice → dictionary → bundle, then the bundle is opened and analysed like the default one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.core.bundle import load_bundle
from app.core.session import InspectionSession

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> tuple[Path, Path]:
    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.presets import PRESETS

    work = tmp_path_factory.mktemp("work")
    out = work / "bundle"
    build_bundle(out, PRESETS["tiny"], work, samples_dir=work / "samples", progress=False, log=lambda s: None)
    return out, work


def test_tiny_build_is_a_valid_bundle(tiny_build):
    out, work = tiny_build
    b = load_bundle(out)
    assert b.dictionary is not None and b.manifest.classes[0] == "ok"
    assert b.manifest.sae.activation == "topk"
    card = (out / "MODEL_CARD.md").read_text()
    for heading in ("Detection quality", "The SAE", "Downstream fidelity", "Causal sanity", "Quality targets"):
        assert heading in card
    loc = json.loads((work / "fidelity.json").read_text())["localisation"]
    assert loc and all(0.0 <= r["probe_ap"] <= 1.0 for r in loc.values()), "the hooked-layer probe's AP is measured"
    assert "probe AP (layer)" in card
    sel = json.loads((work / "selection.json").read_text())
    assert sel["chosen"] in {c["name"] for c in sel["candidates"]}
    for c in sel["candidates"]:  # purity is reported per SAE (beside the rule) and shown in the card
        per = c["best_purity_per_type"]
        assert set(per) == set(sel["types"]) and all(0.0 <= x <= 1.0 for x in per.values())
        assert c["mean_best_purity"] == pytest.approx(sum(per.values()) / len(per))
    assert "mean best purity (val)" in card and "Where latents fire hardest" in card
    _check_purity_by_brute_force(work, sel)
    _check_defect_focus(work, sel, card)
    assert (work / "pareto.png").stat().st_size > 0 and (work / "vit" / "loss_curve.png").stat().st_size > 0
    samples = sorted((work / "samples").glob("*_mask.png"))
    assert samples, "samples with masks are written"
    s = InspectionSession.open(out, backend="onnx")
    img_path = Path(str(samples[0]).replace("_mask.png", ".png"))
    from app.core.images import load_image

    a = s.analyze(load_image(img_path).pixels_HWC)
    assert 0.0 <= a.baseline.score <= 1.0


def _check_defect_focus(work, sel, card: str) -> None:  # noqa: ANN001
    """The grid drew its focus share from the defect patches of every defective training image."""
    from app.pipeline.presets import PRESETS
    from app.pipeline.record import LABEL_MIN_COVER, open_recording

    rec, extra = open_recording(work / "acts"), open_recording(work / "acts_defects")
    recorded = {r["path"] for r in rec.rows}
    assert extra.rows and all(r["label"] != "good" and r["split"] == "train" and r["path"] not in recorded for r in extra.rows)
    n_defect = sum(int((r.defect_cover_NP[i].astype(np.float32) >= LABEL_MIN_COVER).sum())
                   for r in (rec, extra) for i in r.split_ids("train") if r.rows[i]["label"] != "good")
    meta = json.loads((work / "sae" / f"{sel['chosen']}.json").read_text())
    cfg = PRESETS["tiny"].sae
    assert meta["focus_tokens"] == n_defect > 0
    assert meta["focus_rows_per_batch"] == round(cfg.focus_share * cfg.batch_tokens) > 0
    assert f"drawn from the {n_defect:,} defect-patch tokens" in card and "defect patches alone" in card


def _check_purity_by_brute_force(work, sel) -> None:  # noqa: ANN001
    """The selection's purity per type, recomputed image by image from the recording and each SAE."""
    import numpy as np

    from app.core.sae import encode
    from app.pipeline.record import open_recording
    from app.pipeline.train_sae import load_variant

    rec = open_recording(work / "acts")
    val = rec.split_ids("val")
    lab_NP = rec.defect_label_NP()[val]
    need = min(50, len(val))
    for c in sel["candidates"]:
        meta = json.loads((work / "sae" / f"{c['name']}.json").read_text())
        cfg, w = load_variant(work / "sae", meta, rec.d_model)
        z_NPS = np.stack([encode(w, cfg, rec.image_tokens(i)) for i in val])
        expect = np.zeros(len(sel["types"]))
        for s in range(z_NPS.shape[2]):
            mx = z_NPS[:, :, s].max(axis=1)
            firing = np.nonzero(mx > 0)[0]
            if len(firing) < need:
                continue
            best = firing[np.argsort(-mx[firing], kind="stable")][:need]
            cls = lab_NP[best, z_NPS[best, :, s].argmax(axis=1)]
            for t in range(len(sel["types"])):
                expect[t] = max(expect[t], float(np.mean(cls == t + 1)))
        got = [c["best_purity_per_type"][t] for t in sel["types"]]
        np.testing.assert_allclose(got, expect, atol=1e-9)


def test_build_resumes_without_redoing_steps(tiny_build, tmp_path):
    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.presets import PRESETS

    out, work = tiny_build
    before = (work / "vit" / "vit.safetensors").stat().st_mtime_ns
    # a step that redoes its work on every run must show this run's time, however long an earlier run took
    timings = json.loads((work / "step_seconds.json").read_text())
    (work / "step_seconds.json").write_text(json.dumps({**timings, "downstream fidelity and causal sanity": 1e9}))
    logs: list[str] = []
    build_bundle(tmp_path / "again", PRESETS["tiny"], work, progress=False, log=logs.append)
    assert json.loads((work / "step_seconds.json").read_text())["downstream fidelity and causal sanity"] < 1e9
    assert (work / "vit" / "vit.safetensors").stat().st_mtime_ns == before
    assert not any("ViT evaluation" in line for line in logs), "finished steps are skipped"
    assert not any("recording the other defective" in line for line in logs), "the focus recording is kept when it still fits"
    card = (tmp_path / "again" / "MODEL_CARD.md").read_text()
    build_time = card[card.index("## Build time"):]
    assert "| ViT training |" in build_time and "| SAE grid training |" in build_time, "the card keeps the steps' full runs"
    first = json.loads((work / "step_seconds.json").read_text())
    assert first["SAE grid training"] > 0 and "resumed" in " ".join(logs)
    trained_s = json.loads((work / "vit" / "state.json").read_text())["state"]["elapsed_s"]
    assert abs(first["ViT training"] - trained_s) < 1e-6, "the ViT's time is its training run's own clock, over all resumes"
    made_s = json.loads((work / "data" / "meta.json").read_text())["generation_seconds"]
    assert made_s > 0 and first["data: synthetic parts (MVTec AD layout)"] == made_s, "the data row is the generator's own time"


def test_bundle_from_an_existing_vit(tiny_build, tmp_path):
    """--vit WEIGHTS --vit-config JSON: a ViT written in timm layout is used, not trained."""
    import torch
    from safetensors.torch import save_file

    from app.core.vit import build_vit
    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.presets import PRESETS

    out, work = tiny_build
    info = json.loads((work / "vit" / "train_config.json").read_text())
    torch.manual_seed(5)
    vit = build_vit(__import__("app.core.vit_config", fromlist=["ViTConfig"]).ViTConfig.from_json(info["vit"]), 1)
    save_file({k: v.contiguous() for k, v in vit.state_dict().items()}, str(tmp_path / "mine.safetensors"))
    (tmp_path / "mine.json").write_text(json.dumps({"vit": info["vit"], "hooked_layer": 1, "classes": info["classes"],
                                                    "preprocess": PRESETS["tiny"].train.preprocessing().to_json()}))
    new_work = tmp_path / "w"
    new_work.mkdir()
    (new_work / "data").symlink_to(work / "data")
    build_bundle(tmp_path / "b", PRESETS["tiny"], new_work, data=work / "data", vit_weights=tmp_path / "mine.safetensors",
                 vit_config=tmp_path / "mine.json", progress=False, log=lambda s: None)
    b = load_bundle(tmp_path / "b")
    from safetensors.numpy import load_file

    got = load_file(str(b.path("vit")))
    np.testing.assert_array_equal(got["pos_embed"], vit.state_dict()["pos_embed"].numpy())
    assert not (new_work / "vit" / "checkpoint.safetensors").exists(), "no ViT was trained"


def test_focus_on_mvtec_layout_with_every_training_image_recorded(tiny_build, tmp_path):
    """MVTec AD's own layout (train/ holds good parts only): the scanner lends half of test/<defect> to
    training, and the focus draws on those, never on held-out images. With every training image already
    recorded there is nothing left to record, and the focus comes from the recording alone."""
    import shutil
    from dataclasses import replace

    from app.pipeline.build_bundle import build_bundle
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.presets import PRESETS
    from app.pipeline.record import LABEL_MIN_COVER, open_recording

    out, work = tiny_build
    data = tmp_path / "data"
    shutil.copytree(work / "data", data, ignore=lambda d, names: [n for n in names if Path(d).name == "train" and n != "good"])
    info = json.loads((work / "vit" / "train_config.json").read_text())
    (tmp_path / "vit.json").write_text(json.dumps({"vit": info["vit"], "hooked_layer": 1, "classes": info["classes"],
                                                   "preprocess": PRESETS["tiny"].train.preprocessing().to_json()}))
    new_work = tmp_path / "w"
    build_bundle(tmp_path / "b", replace(PRESETS["tiny"], record_train=0), new_work, data=data,
                 vit_weights=work / "vit" / "vit.safetensors", vit_config=tmp_path / "vit.json", progress=False, log=lambda s: None)
    assert load_bundle(tmp_path / "b").dictionary is not None
    assert not (new_work / "acts_defects").exists(), "every defective training image was in the recording already"
    rec = open_recording(new_work / "acts")
    train = rec.split_ids("train")
    held_out = {str(r.path) for r in scan_dataset(data).split("test")}
    assert not held_out & {rec.rows[i]["path"] for i in train}
    n_defect = sum(int((rec.defect_cover_NP[i].astype(np.float32) >= LABEL_MIN_COVER).sum()) for i in train
                   if rec.rows[i]["label"] != "good")
    sel = json.loads((new_work / "selection.json").read_text())
    meta = json.loads((new_work / "sae" / f"{sel['chosen']}.json").read_text())
    assert meta["focus_tokens"] == n_defect > 0


def test_malformed_dataset_one_line(tmp_path):
    (tmp_path / "train" / "good").mkdir(parents=True)
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "train-vit", "--data", str(tmp_path), "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "missing folder 'test/'" in r.stderr and "Traceback" not in r.stderr


def test_record_and_train_sae_under_torchrun_match_single_process(tiny_build, tmp_path):
    """record and train-sae run unchanged under torchrun (gloo, 2 CPU processes)."""
    from app.pipeline.record import open_recording

    out, work = tiny_build
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    base = [sys.executable, str(ROOT / "main.py")]
    tr = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", str(ROOT / "main.py")]
    rec_args = ["record", "--data", str(work / "data"), "--vit-run", str(work / "vit"), "--train-images", "24", "--val-images", "6",
                "--test-images", "8", "--no-progress"]
    for prefix, name in ((base, "single"), (tr, "ddp")):
        r = subprocess.run([*prefix, *rec_args, "--out", str(tmp_path / f"acts_{name}")], capture_output=True, text=True,
                           env=env, timeout=300, cwd=ROOT)
        assert r.returncode == 0, r.stderr[-2000:]
    single, ddp = open_recording(tmp_path / "acts_single"), open_recording(tmp_path / "acts_ddp")
    assert ddp.header["world_size"] == 2 and single.num_images == ddp.num_images
    by_name = {row["name"]: i for i, row in enumerate(ddp.rows)}
    for i, row in enumerate(single.rows):
        np.testing.assert_allclose(single.image_tokens(i), ddp.image_tokens(by_name[row["name"]]), atol=1e-2)
    sae_args = ["train-sae", "--acts", str(tmp_path / "acts_single"), "--ks", "4", "--expansions", "2", "--epochs", "4",
                "--batch", "64", "--focus-share", "0.25", "--no-progress"]
    for prefix, name in ((base, "single"), (tr, "ddp")):
        r = subprocess.run([*prefix, *sae_args, "--out", str(tmp_path / f"sae_{name}")], capture_output=True, text=True,
                           env=env, timeout=300, cwd=ROOT)
        assert r.returncode == 0, r.stderr[-2000:]
    j1, j2 = (json.loads((tmp_path / f"sae_{n}" / "sae_topk_k4_w64.json").read_text()) for n in ("single", "ddp"))
    assert j1["focus_tokens"] == j2["focus_tokens"] > 0 and j1["focus_rows_per_batch"] == j2["focus_rows_per_batch"] == 16
    m1, m2 = j1["val"], j2["val"]
    assert abs(m1["fvu"] - m2["fvu"]) < 0.1 * max(m1["fvu"], 0.05), (m1, m2)
