"""The PDF's comparison section (issue #20) and its replay: a bundle compared with itself agrees
exactly, a retrained bundle's counterparts, switch-off and folder summary reach the PDF as the engine
measured them, a moved threshold changes the verdict in the report, and ``report --session``
replays a saved comparison through the real CLI. Real bundles (random weights, real ONNX graphs)
through ONNX Runtime; the PDF read back with pypdf."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from app.core.compare.counterparts import correlate_on_images, region_counterparts, translate_edits
from app.core.compare.folder import GOOD, UNLABELLED, compare_folder
from app.core.compare.parts import parts_of_images
from app.core.compare.settings import CompareSettings, FolderSettings, SwitchOffSettings, compare_settings_of
from app.core.compare.switch_off import switch_off_with_counterpart
from app.core.document import SessionDocument, save_session
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.images import load_image
from app.core.session import InspectionSession
from app.report.comparison_findings import ComparisonRequest
from app.report.export import export_findings
from app.report.findings import About, ReportRequest

ROOT = Path(__file__).resolve().parents[1]
HW = (32, 32)


@pytest.fixture(scope="module")
def other_bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Same input size and classes as ``random_bundle_dir``, other weights and SAE: a retrained model."""
    from app.pipeline.random_bundle import make_random_bundle

    out = tmp_path_factory.mktemp("rc") / "other"
    make_random_bundle(out, seed=3)
    return out


@pytest.fixture(scope="module")
def parts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three scratched parts with ground truth beside them and two good ones, named as the samples are."""
    d = tmp_path_factory.mktemp("parts")
    for i in range(1, 4):
        cv2.imwrite(str(d / f"scratch_{i}.png"), np.random.default_rng(10 + i).integers(0, 256, (*HW, 3), dtype=np.uint8))
        m = np.zeros(HW, np.uint8)
        m[6 + i : 20 + i, 8:22] = 255
        cv2.imwrite(str(d / f"scratch_{i}_mask.png"), m)
    for i in range(1, 3):
        cv2.imwrite(str(d / f"ok_{i}.png"), np.random.default_rng(30 + i).integers(0, 256, (*HW, 3), dtype=np.uint8))
    return d


def _images(d: Path) -> list[Path]:
    return sorted(p for p in d.glob("*.png") if not p.stem.endswith("_mask"))


def _region() -> np.ndarray:
    m = np.zeros(HW, bool)
    m[8:22, 8:22] = True
    return m


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages))


def _attachment(pdf: Path, name: str) -> dict:
    return json.loads(PdfReader(str(pdf)).attachments[name][0])


def _settings(sb: InspectionSession, path: Path, **kw) -> CompareSettings:  # noqa: ANN003
    return CompareSettings({**sb.bundle.summary(), "path": str(path)}, **kw)


def _open_pair(a: Path, b: Path, image: Path) -> tuple[InspectionSession, InspectionSession, object]:
    sa, sb = InspectionSession.open(a, backend="onnx"), InspectionSession.open(b, backend="onnx")
    img = load_image(image)
    sa.analyze(img.pixels_HWC)
    return sa, sb, img


def _export(sa, img, creq, out: Path, edits=(), lang: str = "en"):  # noqa: ANN001, ANN202
    req = ReportRequest(image_path=str(img.path), image_sha256=img.sha256, region_HW=_region(), edits=tuple(edits),
                        about=About(lang=lang), comparison=creq)
    return export_findings(sa, req, out)


@pytest.mark.slow
def test_bundle_compared_with_itself_agrees_exactly_in_the_pdf(random_bundle_dir, parts_dir, tmp_path, data_dir) -> None:
    images = _images(parts_dir)
    sa, sb, img = _open_pair(random_bundle_dir, random_bundle_dir, images[2])
    corr = correlate_on_images(sa, sb, images)
    edits = (LatentEdit(int(np.argmax(sa.analysis.codes_PS.sum(0))), "off"), LatentEdit(3, "scale", 0.5))
    creq = ComparisonRequest(sb, _settings(sb, random_bundle_dir, counterpart_images=tuple(map(str, images))), corr)
    res = _export(sa, img, creq, tmp_path / "self.pdf", edits)
    c = res.findings.numbers()["comparison"]
    assert c["same_sae"] and c["identical"] and c["verdicts_agree"]
    assert c["delta_score"] == 0.0 and c["max_abs_map_difference"] == 0.0
    assert c["b"]["edits"] == c["a"]["edits"] == f"#{edits[0].latent} off, #3 scale=0.5"  # the same edits, as they are
    assert c["a"]["after"] == c["b"]["after"] and c["left_out"] == ""
    rows = c["counterparts"]["a"]
    assert rows and all(r["other"] == r["latent"] and r["r"] == pytest.approx(1.0) for r in rows)  # each is its own
    text = _text(res.path)
    assert "Comparison with a second model" in text
    assert "Both models gave bit-identical outputs: exact agreement." in text
    assert text.count(sa.bundle.hash) >= 3  # the model section, and bundles A and B here
    assert "The verdicts agree." in text
    assert _attachment(res.path, "session.json")["analyses"]["compare"]["bundle_b"]["hash"] == sb.bundle.hash


@pytest.mark.slow
def test_retrained_bundle_counterparts_switch_off_and_folder_reach_the_pdf(random_bundle_dir, other_bundle_dir, parts_dir,
                                                                          tmp_path, data_dir) -> None:
    images = _images(parts_dir)
    sa, sb, img = _open_pair(random_bundle_dir, other_bundle_dir, images[2])
    corr = correlate_on_images(sa, sb, images)
    sb.analyze(img.pixels_HWC)
    rc = region_counterparts(sa, sb, corr, _region(), min_r=0.3)
    chosen = rc.a[0].summary.id
    edits = tuple(LatentEdit(x.summary.id, "off") for x in rc.a[:4])
    fs = FolderSettings(tuple(map(str, images)), True, 16, 8, 0, 200)
    fc = compare_folder(sa, sb, parts_of_images(fs.images), evidence=True, top=16, controls=8, n_boot=200, min_r=0.3)
    st = _settings(sb, other_bundle_dir, min_r=0.3, counterpart_images=fs.images, switch_off=SwitchOffSettings(chosen, "A", 8, 0),
                   folder=fs)
    res = _export(sa, img, ComparisonRequest(sb, st, corr, fc), tmp_path / "other.pdf", edits)
    c = res.findings.numbers()["comparison"]
    assert not c["same_sae"] and not c["identical"]
    # the counterpart table is the engine's, row for row
    assert [(r["latent"], r["other"], r["r"]) for r in c["counterparts"]["a"]] == [
        (x.summary.id, x.counterpart.other if x.counterpart.matched else -1, pytest.approx(x.counterpart.r)) for x in rc.a]
    # A's edits went to their counterparts; the others are named as left out
    moved, left = translate_edits(edits, corr, 0.3)
    assert c["b"]["edits"] == ", ".join(f"#{e.latent} off" for e in moved)
    assert c["left_out"] == ", ".join(f"#{e.latent} off" for e in left)
    # the switch-off is the engine's, against each model's own controls
    pair = switch_off_with_counterpart(sa, sb, corr, _region(), chosen, "A", 8, 0, 0.3)
    so = c["switch_off"]
    assert so["a"]["delta_score"] == pytest.approx(pair.a.delta_score)
    assert (so["b"] is None) == (pair.b is None)
    if pair.b is not None:
        assert so["b"]["latent"] == pair.counterpart.other and so["b"]["delta_score"] == pytest.approx(pair.b.delta_score)
    # the folder summary: good and scratch parts from the names and masks beside them
    fo = c["folder"]
    assert fo["parts"] == 5 and [t["part_type"] for t in fo["types"]] == [GOOD, "scratch", "all parts"]
    assert fo["changed_total"] == len(fc.changed)
    text = _text(res.path)
    assert "Latents in the region and their counterparts" in text and "Across a folder: 5 parts" in text
    for r in c["counterparts"]["a"][:6]:
        assert f"#{r['latent']} " in text and (r["other"] < 0 or f"#{r['other']} " in text)
    if left:
        assert "A's edits left out for B:" in text
    assert sb.bundle.hash in text and "A latent and its counterpart switched off" in text
    assert "What carries the verdict on scratch parts (3 with ground truth)" in text


@pytest.mark.slow
def test_a_moved_threshold_changes_the_verdict_in_the_report(random_bundle_dir, parts_dir, tmp_path, data_dir) -> None:
    img_path = _images(parts_dir)[0]
    sa, _, img = _open_pair(random_bundle_dir, random_bundle_dir, img_path)
    score = sa.analysis.baseline.score
    rejects = score >= sa.bundle.manifest.threshold
    moved = tmp_path / "moved"
    shutil.copytree(random_bundle_dir, moved)
    raw = json.loads((moved / "bundle.json").read_text())
    raw["threshold"] = min(0.999, score + 0.05) if rejects else score / 2  # B judges this part the other way
    (moved / "bundle.json").write_text(json.dumps(raw))
    sb = InspectionSession.open(moved, backend="onnx")
    res = _export(sa, img, ComparisonRequest(sb, _settings(sb, moved)), tmp_path / "moved.pdf", lang="ja")
    c = res.findings.numbers()["comparison"]
    assert c["identical"] and not c["verdicts_agree"]  # the same outputs, judged at another threshold
    assert c["a"]["after"]["defect"] is rejects and c["b"]["after"]["defect"] is (not rejects)
    text = _text(res.path).replace(" ", "")  # CJK lines break anywhere
    assert "第2のモデルとの比較" in text and "判定が異なる。" in text
    assert "判定の違いはしきい値の違いだけによる" in text  # identical outputs: said why the verdicts differ
    assert "対応は測定されていない" in text  # no shared parts were given, and the report says so


def _save_compare_session(tmp_path: Path, sa, img, st: CompareSettings, edits=()) -> Path:  # noqa: ANN001
    doc = SessionDocument(image_path=str(img.path), image_sha256=img.sha256, bundle={**sa.bundle.summary(),
                          "path": str(sa.bundle.root)}, edits=tuple(edits), backend="onnx", analyses={"compare": st.to_json()})
    return save_session(tmp_path / "s.json", doc, _region())


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.mark.slow
def test_report_session_replays_the_comparison(random_bundle_dir, other_bundle_dir, parts_dir, tmp_path, data_dir) -> None:
    images = _images(parts_dir)
    sa, sb, img = _open_pair(random_bundle_dir, other_bundle_dir, images[3])
    fs = FolderSettings(tuple(map(str, images)), False, 16, 8, 0, 200)
    st = _settings(sb, other_bundle_dir, min_r=0.3, counterpart_images=fs.images, switch_off=SwitchOffSettings(5, "B", 8, 1),
                   folder=fs)
    edits = (LatentEdit(7, "off"),)
    session = _save_compare_session(tmp_path, sa, img, st, edits)
    r = _run("report", "--session", str(session), "--out", str(tmp_path / "replay.pdf"))
    assert r.returncode == 0, r.stderr
    replayed = _attachment(tmp_path / "replay.pdf", "findings.json")["comparison"]
    # the same comparison measured in this process from the same settings
    corr = correlate_on_images(sa, sb, images)
    fc = compare_folder(sa, sb, parts_of_images(fs.images), evidence=False, top=16, controls=8, n_boot=200, min_r=0.3)
    here = _export(sa, img, ComparisonRequest(sb, st, corr, fc), tmp_path / "here.pdf", edits).findings.numbers()["comparison"]
    assert json.loads(json.dumps(replayed)) == json.loads(json.dumps(here))
    assert replayed["switch_off"]["b"]["latent"] == 5 and replayed["folder"]["parts"] == 5
    assert "Across a folder: 5 parts" in _text(tmp_path / "replay.pdf")
    # the PDF carries the comparison, so the PDF itself replays it
    r = _run("report", "--session", str(tmp_path / "replay.pdf"), "--out", str(tmp_path / "again.pdf"))
    assert r.returncode == 0, r.stderr
    assert _attachment(tmp_path / "again.pdf", "findings.json")["comparison"]["b"] == replayed["b"]


@pytest.mark.slow
def test_report_session_refuses_a_wrong_or_missing_bundle_b_in_one_line(random_bundle_dir, other_bundle_dir, parts_dir,
                                                                        tmp_path, data_dir) -> None:
    sa, sb, img = _open_pair(random_bundle_dir, other_bundle_dir, _images(parts_dir)[0])
    session = _save_compare_session(tmp_path, sa, img, _settings(sb, other_bundle_dir))
    r = _run("report", "--session", str(session), "--compare-bundle", str(random_bundle_dir), "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "is not the session's bundle B" in r.stderr and "Traceback" not in r.stderr
    moved = tmp_path / "moved_b"
    shutil.copytree(other_bundle_dir, moved)
    gone = _save_compare_session(tmp_path, sa, img, _settings(sb, tmp_path / "nowhere"))
    r = _run("report", "--session", str(gone), "--out", str(tmp_path / "y.pdf"))
    assert r.returncode == 2 and "bundle folder not found" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _run("report", "--session", str(gone), "--compare-bundle", str(moved), "--out", str(tmp_path / "y.pdf"))
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_a_damaged_comparison_in_a_session_is_one_clear_error(random_bundle_dir, other_bundle_dir, parts_dir, tmp_path,
                                                              data_dir) -> None:
    sa, sb, img = _open_pair(random_bundle_dir, other_bundle_dir, _images(parts_dir)[0])
    session = _save_compare_session(tmp_path, sa, img, _settings(sb, other_bundle_dir))
    raw = json.loads(session.read_text())
    raw["analyses"]["compare"]["min_r"] = "high"
    session.write_text(json.dumps(raw))
    r = _run("report", "--session", str(session), "--out", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "the session's comparison is invalid: min_r" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_compare_settings_round_trip_and_strictness() -> None:
    st = CompareSettings({"name": "b", "version": "1", "hash": "ab" * 32, "path": "B"}, 0.4, ("p1.png", "p2.png"), 12,
                         SwitchOffSettings(3, "B", 16, 2), FolderSettings(("p1.png",), False, 8, 4, 1, 100))
    assert CompareSettings.from_json(json.loads(json.dumps(st.to_json()))) == st
    assert compare_settings_of({"rank": {}}) is None and compare_settings_of({"compare": st.to_json()}) == st
    for key, value in (("min_r", 2.0), ("counterpart_images", "p1.png"), ("switch_off", {"latent": -1}),
                       ("switch_off", {"latent": 1, "side": "C"}), ("folder", {"images": []}), ("bundle_b", {"name": "b"}),
                       ("listed", True)):
        bad = {**st.to_json(), key: value}
        with pytest.raises(InspectorError) as e:
            CompareSettings.from_json(bad)
        assert e.value.code == "bad_session" and "comparison is invalid" in e.value.message


def test_parts_of_images_reads_types_and_ground_truth(tmp_path) -> None:
    mv = tmp_path / "cat"
    for sub in ("test/good", "test/crack", "ground_truth/crack"):
        (mv / sub).mkdir(parents=True)
    for p in (mv / "test/good/000.png", mv / "test/crack/000.png", mv / "test/crack/001.png", tmp_path / "ok_1.png",
              tmp_path / "dent_1.png", tmp_path / "dent_2.png", tmp_path / "part.png"):
        cv2.imwrite(str(p), np.zeros((4, 4, 3), np.uint8))
    for p in (mv / "ground_truth/crack/000_mask.png", tmp_path / "dent_1_mask.png"):
        cv2.imwrite(str(p), np.full((4, 4), 255, np.uint8))
    got = {p.path.name if p.path.parent == tmp_path else "/".join(p.path.parts[-2:]): (p.part_type, p.mask_path)
           for p in parts_of_images(sorted(tmp_path.rglob("*.png")))
           if not p.path.stem.endswith("_mask")}
    assert got["good/000.png"] == (GOOD, None)
    assert got["crack/000.png"] == ("crack", mv / "ground_truth/crack/000_mask.png")
    assert got["crack/001.png"] == ("crack", None)  # its folder says the type; without a mask its reasons are not ranked
    assert got["ok_1.png"] == (GOOD, None) and got["dent_1.png"] == ("dent", tmp_path / "dent_1_mask.png")
    assert got["dent_2.png"] == (UNLABELLED, None) and got["part.png"] == (UNLABELLED, None)
