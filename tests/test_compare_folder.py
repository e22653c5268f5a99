"""`main.py compare-folder` and the folder comparison behind it (issue #20).

Run in-process through ``run_cli`` (the same entry as ``main.py``) on real bundles (random weights,
real ONNX graphs): an MVTec-layout folder with ground truth, and a plain folder of images.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.cli.entry import run_cli
from app.core.compare.folder import GOOD, UNLABELLED, PartComparison, type_agreement
from app.core.session import InspectionSession

pytestmark = pytest.mark.usefixtures("data_dir")  # the counterpart cache and the log in a temporary folder


def _img(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def mvtec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """train/good, train/scratch; test: 3 good, 3 scratch, 2 stain, each defect with its mask."""
    root = tmp_path_factory.mktemp("mvtec")
    rng = np.random.default_rng(0)
    for d in ("train/good", "train/scratch", "test/good", "test/scratch", "test/stain", "ground_truth/scratch", "ground_truth/stain"):
        (root / d).mkdir(parents=True)
    cv2.imwrite(str(root / "train/good/g.png"), _img(rng))
    for i in range(3):
        cv2.imwrite(str(root / f"test/good/good_{i}.png"), _img(rng))
    parts = [("train", "scratch", "tr")] + [("test", "scratch", f"sc_{i}") for i in range(3)] + [("test", "stain", f"st_{i}") for i in range(2)]
    for k, (split, kind, name) in enumerate(parts):
        cv2.imwrite(str(root / split / kind / f"{name}.png"), _img(rng))
        m = np.zeros((32, 32), np.uint8)
        m[4 + k : 16 + k, 3 : 24 - k] = 255
        cv2.imwrite(str(root / "ground_truth" / kind / f"{name}_mask.png"), m)
    return root


@pytest.fixture(scope="module")
def other_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("cmpf") / "other"
    make_random_bundle(out, seed=3)
    return out


def strict_json(text: str) -> dict:
    def refuse(c: str) -> None:
        raise AssertionError(f"non-strict JSON constant {c}")

    return json.loads(text, parse_constant=refuse)


def one_line(capsys, rc: int, *words: str) -> None:  # noqa: ANN001
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    for w in words:
        assert w in lines[0], lines[0]


# --- agreement statistics -------------------------------------------------------------------------


def _part(t: str, ra: bool, rb: bool, sa: float = 0.5, sb: float = 0.5) -> PartComparison:
    truth = None if t == UNLABELLED else t != GOOD
    return PartComparison(f"{t}.png", "0" * 64, t, truth, sa, sb, ra, rb, "ok", "ok")


def test_type_agreement_counts_shares_and_intervals():
    parts = [_part("scratch", True, True, 0.9, 0.8), _part("scratch", True, False, 0.7, 0.4),
             _part("scratch", False, True, 0.3, 0.6), _part("scratch", True, True, 0.8, 0.9)]
    t = type_agreement("scratch", parts, seed=1, n_boot=500)
    assert (t.both_reject, t.both_accept, t.only_a, t.only_b) == (2, 0, 1, 1)
    assert t.agreement.mean == 0.5 and t.reject_a.mean == 0.75 and t.reject_b.mean == 0.75 and t.reject_change.mean == 0.0
    assert t.correct_a.mean == 0.75 and t.correct_b.mean == 0.75  # defects: rejecting is right
    assert t.delta_score.mean == pytest.approx(np.mean([-0.1, -0.3, 0.3, 0.1]))
    for iv in (t.agreement, t.reject_a, t.reject_change, t.delta_score):
        assert iv.ci_low <= iv.mean <= iv.ci_high and iv.n == 4
    assert t.agreement.ci_low < t.agreement.ci_high  # a real interval from a mixed sample
    assert type_agreement("scratch", parts, seed=1, n_boot=500) == t  # seeded
    good = type_agreement(GOOD, [_part(GOOD, False, False), _part(GOOD, True, False)], n_boot=200)
    assert good.correct_a.mean == 0.5 and good.correct_b.mean == 1.0  # good parts: accepting is right
    plain = type_agreement(UNLABELLED, [_part(UNLABELLED, True, True)], n_boot=200)
    assert plain.correct_a is None and plain.to_json()["correct_b"] is None
    assert plain.agreement.ci_low == plain.agreement.ci_high == 1.0


# --- the command on an MVTec folder ---------------------------------------------------------------


def _scores(bundle: Path, paths: list[Path]) -> dict[str, float]:
    from app.core.images import load_image

    s = InspectionSession.open(bundle, backend="onnx")
    return {str(p): s.analyze(load_image(p).pixels_HWC).baseline.score for p in paths}


def test_a_moved_threshold_changes_exactly_the_parts_between_and_the_reasons_stay(random_bundle_dir, mvtec, tmp_path, capsys):
    tests = sorted((mvtec / "test").rglob("*.png"))
    scores = _scores(random_bundle_dir, tests)
    ta = 0.5
    tb = float(np.median(list(scores.values())))  # half the parts lie on each side of B's threshold
    b = tmp_path / "b"
    shutil.copytree(random_bundle_dir, b)
    raw = json.loads((b / "bundle.json").read_text())
    raw["threshold"] = tb
    (b / "bundle.json").write_text(json.dumps(raw))
    out = tmp_path / "out"
    argv = ["compare-folder", str(mvtec), "--bundle", str(random_bundle_dir), "--bundle", str(b), "--backend", "onnx",
            "--top", "6", "--controls", "12", "--bootstrap", "200", "--json", "--quiet", "--out", str(out)]
    assert run_cli(argv) == 0
    res = strict_json(capsys.readouterr().out)
    assert res["layout"] == "mvtec" and res["parts"] == 8 and res["a"]["threshold"] == ta and res["b"]["threshold"] == tb
    want = {p for p, s in scores.items() if (s >= ta) != (s >= tb)}
    assert want and {p["path"] for p in res["changed"]} == want
    for p in res["changed"]:
        assert p["score_a"] == p["score_b"] == pytest.approx(scores[p["path"]], abs=1e-6)
        assert p["open"]["a"] == f"python main.py {p['path']} --bundle {random_bundle_dir}"
        assert p["open"]["b"].endswith(f"--bundle {b}")
    by_type = {t["type"]: t for t in res["types"]}
    assert list(by_type) == ["good", "scratch", "stain"] and [by_type[t]["parts"] for t in by_type] == [3, 3, 2]
    for t in res["types"]:
        assert t["changed"] == sum(1 for p in res["changed"] if p["type"] == t["type"])
        assert t["correct_a"]["mean"] is not None
    assert res["overall"]["changed"] == len(want)
    # one model read at two thresholds: every latent is its own counterpart, and the reasons are the same
    assert res["counterparts"]["share_with_counterpart"] == {"A": 1.0, "B": 1.0}
    assert [r["type"] for r in res["reasons"]] == ["scratch", "stain"]
    for r in res["reasons"]:
        assert r["shared_share"] == {"A": 1.0, "B": 1.0} and r["evidence_a"]["images"] == {"scratch": 3, "stain": 2}[r["type"]]
        for row in r["a"]:
            assert row["counterpart"]["other"] == row["evidence"]["id"] and row["counterpart"]["r"] == pytest.approx(1.0)
            assert row["counterpart_evidence"] == row["evidence"]
    assert {p.name for p in out.iterdir()} == {"compare.json", "summary.md", "parts.csv", "changed.csv"}
    assert strict_json((out / "compare.json").read_text())["changed"] == res["changed"]
    rows = list(csv.DictReader(io.StringIO((out / "changed.csv").read_text())))
    assert {r["path"] for r in rows} == want and all(r["open_a"].startswith("python main.py ") for r in rows)
    md = (out / "summary.md").read_text()
    assert f"## Parts that changed verdict: {len(want)}" in md and "| scratch | 3 |" in md
    # earlier results stay without --force
    one_line(capsys, run_cli(argv), "already holds", "--force")


def test_two_different_models_with_limit_and_type(random_bundle_dir, other_bundle_dir, mvtec, capsys):
    argv = ["compare-folder", str(mvtec), "--bundle", str(random_bundle_dir), "--bundle", str(other_bundle_dir),
            "--backend", "onnx", "--top", "6", "--controls", "12", "--bootstrap", "100", "--limit", "2", "--json", "--quiet"]
    assert run_cli(argv) == 0
    res = strict_json(capsys.readouterr().out)
    assert [(t["type"], t["parts"]) for t in res["types"]] == [("good", 2), ("scratch", 2), ("stain", 2)]
    assert res["a"]["hash"] != res["b"]["hash"] and res["counterparts"]["patches"] == 6 * 16
    for r in res["reasons"]:
        assert r["evidence_a"]["images"] == r["evidence_b"]["images"] == 2
        for row in r["b"]:
            assert row["side"] == "B" and row["counterpart"]["side"] == "B"
            if not row["counterpart"]["matched"]:
                assert row["counterpart_evidence"] is None and row["shared"] is False
    assert run_cli([*argv, "--type", "stain", "--no-evidence"]) == 0
    res = strict_json(capsys.readouterr().out)
    assert [t["type"] for t in res["types"]] == ["stain"] and res["reasons"] == [] and res["evidence"] is False


def test_a_plain_folder_gives_verdict_agreement_only(random_bundle_dir, other_bundle_dir, tmp_path, capsys):
    folder = tmp_path / "line"
    folder.mkdir()
    rng = np.random.default_rng(4)
    for i in range(4):
        cv2.imwrite(str(folder / f"part_{i}.png"), _img(rng))
    (folder / "broken.png").write_bytes(b"not an image")
    argv = ["compare-folder", str(folder), "--bundle", str(random_bundle_dir), "--bundle", str(other_bundle_dir),
            "--backend", "onnx", "--bootstrap", "100"]
    assert run_cli([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    res = strict_json(captured.out)
    assert res["layout"] == "plain" and res["split"] is None and res["parts"] == 4
    assert [t["type"] for t in res["types"]] == ["unlabelled"] and res["types"][0]["correct_a"] is None
    assert res["reasons"] == [] and res["overall"]["parts"] == 4
    assert [s["path"] for s in res["skipped"]] == [str(folder / "broken.png")] and "broken.png" in captured.err
    assert run_cli(argv) == 0  # the text summary
    text = capsys.readouterr().out
    assert "| unlabelled | 4 |" in text and "n/a |" in text


# --- bad input: one line, exit 2 ------------------------------------------------------------------


def test_bad_input_is_one_line(random_bundle_dir, mvtec, tmp_path, capsys):
    from app.core.vit_config import ViTConfig
    from app.pipeline.random_bundle import make_random_bundle

    base = ["compare-folder", str(mvtec), "--backend", "onnx"]
    one_line(capsys, run_cli([*base, "--bundle", str(random_bundle_dir)]), "exactly two bundles", "got 1")
    one_line(capsys, run_cli([*base[:1], str(tmp_path / "nowhere"), "--bundle", "a", "--bundle", "b"]), "folder not found")
    two = ["--bundle", str(random_bundle_dir), "--bundle", str(random_bundle_dir)]
    one_line(capsys, run_cli([*base, *two, "--type", "dent"]), "no part type 'dent'", "good, scratch, stain")
    one_line(capsys, run_cli([*base, *two, "--min-r", "2"]), "--min-r")
    one_line(capsys, run_cli([*base, *two, "--limit", "0"]), "--limit")
    one_line(capsys, run_cli([*base, *two, "--controls", "0"]), "--controls")
    wide = tmp_path / "wide"
    make_random_bundle(wide, seed=4, vit_config=ViTConfig(img_size=48, patch_size=8, embed_dim=32, depth=3, num_heads=2,
                                                          num_classes=3))
    one_line(capsys, run_cli([*base, "--bundle", str(random_bundle_dir), "--bundle", str(wide)]),
             "cannot be compared", "input size 32×32 vs 48×48", "patch grid 4×4 vs 6×6")
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line(capsys, run_cli(["compare-folder", str(empty), *two]), "no part images")
    (empty / "bad.png").write_bytes(b"\x89PNG broken")
    one_line(capsys, run_cli(["compare-folder", str(empty), *two, "--quiet"]), "none of the 1 parts could be read")
    one_line(capsys, run_cli(["compare-folder", str(empty), *two, "--type", "scratch"]), "plain folder", "--type scratch")
