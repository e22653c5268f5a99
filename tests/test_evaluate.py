"""Predictions and the evaluation end to end, on a tiny MVTec-layout dataset and the random bundle."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from app.core.grid import PatchGrid, upsample_to_image

torch.set_num_threads(1)


def _write_dataset(root: Path, seed: int = 0) -> Path:
    """train: 6 good, 2 scratch, 2 stain; test: 4 good, 2 + 2 defects; 48x48 (one 40x56),
    rectangle masks; images.csv with difficulty."""
    rng = np.random.default_rng(seed)
    rows = []
    for split, counts in (("train", {"good": 6, "scratch": 2, "stain": 2}), ("test", {"good": 4, "scratch": 2, "stain": 2})):
        for label, n in counts.items():
            d = root / split / label
            d.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                name = f"{split}_{label}_{i:02d}"
                h, w = (40, 56) if (split == "test" and i == 0) else (48, 48)
                img = rng.integers(90, 160, (h, w, 3), dtype=np.uint8)
                if label != "good":
                    mask = np.zeros((h, w), np.uint8)
                    y, x = rng.integers(4, h - 16), rng.integers(4, w - 16)
                    mask[y : y + 10, x : x + 12] = 255
                    img[mask > 0] = 250 if label == "scratch" else 20
                    gt = root / "ground_truth" / label
                    gt.mkdir(parents=True, exist_ok=True)
                    cv2.imwrite(str(gt / f"{name}_mask.png"), mask)
                cv2.imwrite(str(d / f"{name}.png"), img)
                rows.append(f"{name},{'none' if label == 'good' else ('subtle' if i % 2 else 'normal')}")
    (root / "images.csv").write_text("name,difficulty\n" + "\n".join(rows) + "\n")
    return root


def _assert_tables_rectangular(md: str) -> None:
    block: list[str] = []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            assert len({row.count("|") for row in block}) == 1, block
            block = []


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_dataset(tmp_path_factory.mktemp("data") / "tiny")


@pytest.fixture(scope="module")
def bundle(random_bundle_dir: Path):  # noqa: ANN201
    from app.core.bundle import load_bundle

    return load_bundle(random_bundle_dir)


@pytest.fixture(scope="module")
def torch_backend(bundle):  # noqa: ANN001, ANN201
    from app.core.backends.torch_backend import TorchBackend

    return TorchBackend(bundle, "cpu")


class _Fake:
    """Numpy model: class logits from the mean pixel, patch logits from the 8x8 block means."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def prefix(self, x: np.ndarray) -> np.ndarray:
        self.batches.append(len(x))
        b = x.mean(axis=1).reshape(len(x), 4, 8, 4, 8).mean(axis=(2, 4)).reshape(len(x), 16, 1)
        return np.concatenate([b.mean(axis=1, keepdims=True), b], axis=1)

    def suffix(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = t[:, 0, 0]
        return np.stack([c, -c, 0 * c], axis=1), t[:, 1:, 0]


def test_predict_batches_batches_and_shapes(bundle) -> None:  # noqa: ANN001
    from app.core.outputs import sigmoid, softmax
    from app.pipeline.predict import predict_batches

    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 3, 32, 32)).astype(np.float32)
    fake = _Fake()
    p = predict_batches(fake, x, batch=4)
    assert fake.batches == [4, 4, 2]
    assert p.scores.shape == (10,) and p.probs.shape == (10, 3) and p.patch_maps.shape == (10, 4, 4)
    cls, patch = fake.suffix(fake.prefix(x))
    np.testing.assert_allclose(p.probs, softmax(cls), atol=1e-6)
    np.testing.assert_allclose(p.scores, 1 - softmax(cls)[:, 0], atol=1e-6)
    np.testing.assert_allclose(p.patch_maps, sigmoid(patch).reshape(10, 4, 4), atol=1e-6)
    with pytest.raises(ValueError, match="grid"):
        predict_batches(fake, x, grid=(3, 5))


def test_predict_pool_equals_pixels_and_torch_runner_restores_mode(bundle, torch_backend) -> None:  # noqa: ANN001
    from app.core.preprocess import preprocess_batch
    from app.pipeline.dataset import Pool
    from app.pipeline.predict import TorchModelRunner, predict_batches

    prep = bundle.manifest.preprocess
    rng = np.random.default_rng(1)
    imgs = rng.integers(0, 255, (5, 32, 32, 3), dtype=np.uint8)
    pool = Pool(imgs, np.zeros(5, np.int64), np.zeros((5, 16), np.float16), ())
    a = predict_batches(torch_backend, pool, prep, batch=2, grid=PatchGrid(4, 4))
    b = predict_batches(torch_backend, preprocess_batch(imgs, prep), batch=5)
    np.testing.assert_allclose(a.scores, b.scores, atol=1e-6)
    np.testing.assert_allclose(a.patch_maps, b.patch_maps, atol=1e-6)

    vit = torch_backend.model
    vit.train()
    runner = TorchModelRunner(vit)
    c = predict_batches(runner, pool, prep, batch=3)
    assert vit.training  # restored
    np.testing.assert_allclose(c.probs, a.probs, atol=1e-5)
    np.testing.assert_allclose(c.patch_maps, a.patch_maps, atol=1e-5)
    vit.eval()


def test_evaluate_end_to_end(tiny_dataset: Path, bundle, torch_backend, tmp_path: Path) -> None:  # noqa: ANN001
    from app.core.images import load_mask
    from app.pipeline.dataset import scan_dataset
    from app.pipeline.evaluate import evaluate, metrics_markdown
    from app.pipeline.predict import predict_batches

    ds = scan_dataset(tiny_dataset, val_fraction=0.4, seed=0)
    m = bundle.manifest
    grid = PatchGrid.of(m.vit)
    out = tmp_path / "eval"
    metrics = evaluate(torch_backend, ds, m.preprocess, grid, out, class_names=m.classes, workers=1)
    for f in ("metrics.json", "confusion.png", "scores.csv"):
        assert (out / f).is_file(), f
    on_disk = json.loads((out / "metrics.json").read_text())
    assert on_disk["split_sizes"] == {"val": len(ds.split("val")), "test": 8, "test_good": 4, "test_defect": 4}
    img = metrics["image"]
    assert set(img["per_type"]) == {"scratch", "stain"}
    assert set(img["per_difficulty"]) <= {"normal", "subtle"}
    assert 0.0 <= img["overall"]["auroc"] <= 1.0
    assert metrics["pixel"]["n_regions"] == 4
    assert 0.0 <= metrics["pixel"]["auroc"] <= 1.0 and 0.0 <= metrics["pixel"]["aupro"] <= 1.0
    assert metrics["baseline"]["n_fit"] == len([r for r in ds.split("train") if r.label == "good"])
    assert metrics["classification"]["classes"] == list(m.classes)
    assert sum(map(sum, metrics["classification"]["confusion"])) == 8
    assert set(metrics["targets"]) >= {"image_auroc", "pixel_auroc", "aupro", "baseline_gap", "auroc_normal/scratch"}

    # independent recomputation: image AUROC and the pixel AUROC at ORIGINAL resolution
    from app.pipeline.dataset import load_pool

    test = ds.split("test")
    pool = load_pool(test, ("good", "scratch", "stain"), 32, 4, workers=1, progress=False)
    pred = predict_batches(torch_backend, pool, m.preprocess)
    y = np.array([r.label != "good" for r in test])
    assert img["overall"]["auroc"] == pytest.approx(roc_auc_score(y, pred.scores))
    ys, ss = [], []
    for i, r in enumerate(test):
        hw = cv2.imread(str(r.path)).shape[:2]
        g = load_mask(r.mask_path, hw) if r.mask_path else np.zeros(hw, bool)
        ys.append(g.ravel())
        ss.append(upsample_to_image(pred.patch_maps[i], hw).ravel())
    assert metrics["pixel"]["auroc"] == pytest.approx(roc_auc_score(np.concatenate(ys), np.concatenate(ss)), abs=5e-3)
    assert metrics["pixel"]["n_pixels"] == sum(len(v) for v in ys)

    md = metrics_markdown(metrics)
    assert "| image AUROC |" in md and "baseline" in md and "scratch" in md
    assert ("met" in md) and ("≥ 0.97" in md)
    _assert_tables_rectangular(md)
    # without recorded difficulty the per-type table still has one cell per column
    plain = json.loads(json.dumps(on_disk))
    plain["image"]["per_difficulty"], plain["image"]["per_type_difficulty"] = {}, {}
    plain["baseline"]["image"]["per_difficulty"] = {}
    plain.pop("targets")
    md2 = metrics_markdown(plain)
    _assert_tables_rectangular(md2)
    assert "(all difficulties)" in md2

    # a given threshold is used as is
    again = evaluate(torch_backend, ds, m.preprocess, grid, tmp_path / "e2", threshold=0.25,
                     class_names=m.classes, workers=1, baseline=False)
    assert again["threshold"] == {"value": 0.25, "source": "given"} and again["baseline"] is None


def test_cli_evaluate_json_and_bad_dataset(tiny_dataset: Path, random_bundle_dir: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from main import main

    out = tmp_path / "cli"
    rc = main(["evaluate", "--bundle", str(random_bundle_dir), "--data", str(tiny_dataset), "--backend", "torch",
               "--out", str(out), "--json", "--workers", "1"])
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    assert res["split_sizes"]["test"] == 8 and res["backend"].startswith("torch")
    assert (out / "metrics.md").is_file() and (out / "confusion.png").is_file()
    assert res["bundle"]["name"] == "random-test"
    assert json.loads((out / "metrics.json").read_text())["backend"] == res["backend"]
    rc = main(["evaluate", "--bundle", str(random_bundle_dir), "--data", str(tiny_dataset), "--backend", "torch",
               "--out", str(out), "--workers", "1", "--no-baseline"])
    text = capsys.readouterr().out
    assert rc == 0 and "image AUROC" in text and "scratch" in text and "metrics.json" in text

    bad = tmp_path / "bad"
    (bad / "train").mkdir(parents=True)
    (bad / "test").mkdir()
    rc = main(["evaluate", "--bundle", str(random_bundle_dir), "--data", str(bad)])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err.startswith("error:") and "train/good" in err and len(err.splitlines()) == 1


def test_a_defect_type_the_model_has_no_class_for_is_scored_not_refused(tmp_path: Path, random_bundle_dir: Path,
                                                                       capsys) -> None:  # noqa: ANN001
    """The folder's types need not be the model's classes: every defect is scored (1 - p(ok)); a type
    without a class of its name stays out of the class confusion only."""
    from main import main

    root = _write_dataset(tmp_path / "d")
    (root / "test" / "stain").rename(root / "test" / "crack")
    (root / "train" / "stain").rename(root / "train" / "crack")
    (root / "ground_truth" / "stain").rename(root / "ground_truth" / "crack")
    rc = main(["evaluate", "--bundle", str(random_bundle_dir), "--data", str(root), "--backend", "torch",
               "--out", str(tmp_path / "o"), "--workers", "1", "--no-baseline"])
    capsys.readouterr()
    assert rc == 0
    m = json.loads((tmp_path / "o" / "metrics.json").read_text())
    cls = m["classification"]
    assert cls["class_of_type"] == {"crack": None, "scratch": "scratch"}
    assert cls["images_without_a_model_class"] == 2 and sum(map(sum, cls["confusion"])) == 6  # 4 good + 2 scratch
    assert m["image"]["per_type"]["crack"]["n_defect"] == 2 and m["image"]["per_type"]["crack"]["auroc"] is not None


def test_a_binary_model_scores_a_multi_type_folder() -> None:
    """An OK/NG model's one defect class stands for every defect type of the folder."""
    from app.pipeline.dataset import class_index_of

    assert class_index_of("good", ("ok", "ng")) == 0
    assert class_index_of("scratch", ("ok", "ng")) == class_index_of("stain", ("ok", "ng")) == 1
    assert class_index_of("stain", ("ok", "scratch", "dent")) == -1
    assert class_index_of("dent", ("ok", "scratch", "dent")) == 2


def test_pixel_metrics_score_only_what_the_model_sees() -> None:
    """With a view box (a centre crop), pixels outside it are not scored and the defect pixels
    there are counted apart; inside, a map that marks the defect scores 1."""
    from app.pipeline.detection_metrics import PixelMetrics

    mask = np.zeros((40, 60), bool)
    mask[10:20, 20:30] = True  # inside the box
    mask[0:5, 0:4] = True  # outside: 20 pixels the model never saw
    box = (5.0, 10.0, 35.0, 50.0)  # a 30 x 40 crop, tiled by a 3 x 4 grid of 10 x 10 cells
    m = np.zeros((3, 4), np.float32)
    m[0:2, 1] = 1.0  # cells covering rows 5-25, columns 20-30 of the image
    acc = PixelMetrics(100)
    acc.add(m, mask, box=box)
    assert acc.outside_defect_pixels == 20
    assert int(acc.pos_hist.sum() + acc.neg_hist.sum()) == 30 * 40
    assert acc.pixel_auroc() > 0.9
    whole = PixelMetrics(100)
    whole.add(m, mask)
    assert whole.outside_defect_pixels == 0 and int(whole.pos_hist.sum() + whole.neg_hist.sum()) == 40 * 60
