"""The PDF findings report: content, attachments, rendering, atomic writes, --force, --session replay."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[1]
NOTE = "表面に細い傷あり。\n領域内の特徴をオフにすると  スコアが下がる。"
EDITS = ("3:off", "5:set=3")
try:
    import app.core.causal  # noqa: F401

    HAVE_CAUSAL = True
except ModuleNotFoundError:
    HAVE_CAUSAL = False


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=180)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text(pdf: Path) -> str:
    return _squash("".join(p.extract_text() or "" for p in pypdf.PdfReader(str(pdf)).pages))


def _count_images(pdf: Path) -> int:
    """Distinct image XObjects, also inside form XObjects (reportlab wraps images in forms)."""
    images: set = set()
    forms: set = set()

    def walk(resources) -> None:  # noqa: ANN001
        xobj = (resources or {}).get("/XObject")
        if xobj is None:
            return
        xobj = xobj.get_object()
        for name in xobj:
            ref, obj = xobj.raw_get(name), xobj[name].get_object()
            key = getattr(ref, "idnum", id(obj))
            if obj.get("/Subtype") == "/Image":
                images.add(key)
            elif obj.get("/Subtype") == "/Form" and key not in forms:
                forms.add(key)
                walk(obj.get("/Resources"))

    for page in pypdf.PdfReader(str(pdf)).pages:
        walk(page.get("/Resources"))
    return len(images)


def _numbers(pdf: Path) -> dict:
    d = json.loads(pypdf.PdfReader(str(pdf)).attachments["findings.json"][0])
    for k in ("rank", "dose"):
        if d.get(k):
            d[k].pop("timings_ms", None)
    return d


@pytest.fixture(scope="module")
def part(tmp_path_factory):
    d = tmp_path_factory.mktemp("part")
    img = np.random.default_rng(1).integers(0, 256, (60, 90, 3), dtype=np.uint8)
    cv2.imwrite(str(d / "part.png"), img)
    mask = np.zeros((60, 90), np.uint8)
    mask[10:40, 20:60] = 255
    cv2.imwrite(str(d / "mask.png"), mask)
    truth = np.zeros((60, 90), np.uint8)
    truth[15:35, 25:50] = 255
    cv2.imwrite(str(d / "truth.png"), truth)
    return d


@pytest.fixture(scope="module")
def report(random_bundle_dir, part, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "findings.pdf"
    args = ["report", str(part / "part.png"), "--bundle", str(random_bundle_dir), "--mask", str(part / "mask.png"),
            "--truth", str(part / "truth.png"), "--operator", "山田 太郎", "--station", "L3-ST07", "--part-id", "P-42",
            "--notes", NOTE, "--lang", "ja", "--backend", "onnx", "--out", str(out)]
    for e in EDITS:
        args += ["--edit", e]
    if HAVE_CAUSAL:
        args += ["--rank", "--top", "5", "--controls", "8", "--dose", "3"]
    r = _run(*args)
    assert r.returncode == 0, r.stderr
    return out, r, args


def test_report_text_identifies_image_model_edits_and_note(report, part, random_bundle_dir):
    from app.core.bundle import load_bundle
    from app.core.images import load_image

    out, _, _ = report
    text = _text(out)
    assert load_image(part / "part.png").sha256 in text
    b = load_bundle(random_bundle_dir)
    assert b.hash in text
    assert b.manifest.files["vit"]["sha256"] in text and b.manifest.files["sae"]["sha256"] in text
    for e in EDITS:
        assert f"#{e.split(':')[0]}" in text
    assert _squash(NOTE) in text
    assert "山田太郎" in text and "P-42" in text
    assert "検査所見報告書" in text  # the Japanese fixed texts
    # each edited latent's row says where it fires hardest on held-out parts, in the report's language
    assert text.count(_squash("最も強く発火する部位")) >= len(EDITS) and "点のうち" in text


def test_report_pages_images_and_attachments(report):
    out, r, _ = report
    reader = pypdf.PdfReader(str(out))
    pages = len(reader.pages)
    assert f"({pages} pages" in r.stdout
    assert 2 <= pages <= 6
    for p in reader.pages:  # A4 portrait
        assert abs(float(p.mediabox.width) - 595.27) < 1 and abs(float(p.mediabox.height) - 841.89) < 1
    # part + before + after + difference, one exemplar strip per edit, rank chart + dose plot when computed
    assert _count_images(out) == 4 + len(EDITS) + (2 if HAVE_CAUSAL else 0)
    att = reader.attachments
    assert set(att) == {"session.json", "session.mask.png", "session.truth.png", "findings.json"}
    from app.core.document import SessionDocument

    doc = SessionDocument.from_json(json.loads(att["session.json"][0]))
    assert [(e.latent, e.op, e.value) for e in doc.edits] == [(3, "off", 0.0), (5, "set", 3.0)]
    assert doc.notes == NOTE and doc.mask_png == "session.mask.png"
    mask = cv2.imdecode(np.frombuffer(att["session.mask.png"][0], np.uint8), cv2.IMREAD_GRAYSCALE)
    assert mask.shape == (60, 90) and np.count_nonzero(mask) == 30 * 40
    nums = _numbers(out)
    assert len(nums["edits"]) == 2 and nums["after"]["score"] != nums["before"]["score"]
    if HAVE_CAUSAL:
        assert doc.analyses["rank"] == {"top": 5, "controls": 8, "seed": 0} and doc.analyses["dose"]["latent"] == 3
        assert nums["rank"]["latents"] and nums["dose"]["strengths"]


def test_every_page_renders_with_pdftoppm(report, tmp_path):
    exe = shutil.which("pdftoppm")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is missing in CI")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out, _, _ = report
    pages = len(pypdf.PdfReader(str(out)).pages)
    r = subprocess.run([exe, "-png", "-r", "30", str(out), str(tmp_path / "p")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "rror" not in r.stderr, r.stderr
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == pages
    for p in pngs:
        im = cv2.imread(str(p))
        assert im is not None and im.shape[0] > im.shape[1]  # portrait
        assert im.std() > 5  # something was drawn


def test_refuses_to_overwrite_without_force(report):
    out, _, args = report
    before = out.read_bytes()
    r = _run(*args)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "--force" in r.stderr and "exists" in r.stderr
    assert out.read_bytes() == before
    if HAVE_CAUSAL:  # keep the module's report as it was for the other tests
        return
    r = _run(*args, "--force")
    assert r.returncode == 0, r.stderr


def test_force_overwrites(random_bundle_dir, part, tmp_path):
    out = tmp_path / "f.pdf"
    out.write_bytes(b"old")
    r = _run("report", str(part / "part.png"), "--bundle", str(random_bundle_dir), "--out", str(out), "--force")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.pdf"]  # no temporary file left


def test_session_replay_reproduces_numbers(report, tmp_path):
    out, _, _ = report
    folder = tmp_path / "s"
    folder.mkdir()
    for name, data in pypdf.PdfReader(str(out)).attachments.items():
        (folder / name).write_bytes(data[0])
    r = _run("report", "--session", str(folder / "session.json"), "--out", str(tmp_path / "again.pdf"))
    assert r.returncode == 0, r.stderr
    a, b = _numbers(out), _numbers(tmp_path / "again.pdf")
    assert a == b
    # the PDF itself can be replayed, too
    r = _run("report", "--session", str(out), "--out", str(tmp_path / "again2.pdf"), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert _numbers(tmp_path / "again2.pdf") == a
    assert _squash(NOTE) in _text(tmp_path / "again2.pdf")


def test_missing_folder_is_a_clear_error(random_bundle_dir, part, tmp_path):
    out = tmp_path / "nope" / "f.pdf"
    r = _run("report", str(part / "part.png"), "--bundle", str(random_bundle_dir), "--out", str(out))
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "does not exist" in r.stderr and r.stderr.count("\n") == 1
    assert not out.parent.exists()


def _request(img, **kw):  # noqa: ANN001, ANN003, ANN202
    from app.report.findings import ReportRequest

    return ReportRequest(image_path=img.path, image_sha256=img.sha256, **kw)


@pytest.fixture(scope="module")
def session(random_bundle_dir, part):
    from app.core.images import load_image
    from app.core.session import InspectionSession

    s = InspectionSession.open(random_bundle_dir, backend="onnx")
    img = load_image(part / "part.png")
    s.analyze(img.pixels_HWC)
    return s, img


def test_failed_write_leaves_no_partial_file(session, tmp_path, monkeypatch):
    import app.core.document as document
    from app.core.edits import LatentEdit
    from app.core.errors import InspectorError
    from app.report.export import export_findings

    s, img = session

    def broken_fsync(fd: int) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(document.os, "fsync", broken_fsync)
    calls: list[float] = []
    with pytest.raises(InspectorError) as exc:
        export_findings(s, _request(img, edits=(LatentEdit(3, "off"),)), tmp_path / "f.pdf",
                        progress=lambda f, t: calls.append(f))
    assert exc.value.code == "write_failed" and "Read-only file system" in exc.value.message
    assert list(tmp_path.iterdir()) == []
    assert calls and calls == sorted(calls)


def test_read_only_folder(session, tmp_path):
    from app.core.errors import InspectorError
    from app.report.export import export_findings

    s, img = session
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        probe = ro / ".probe"
        try:
            probe.write_bytes(b"")
            probe.unlink()
            pytest.skip("running as root: a read-only folder is still writable")
        except OSError:
            pass
        with pytest.raises(InspectorError) as exc:
            export_findings(s, _request(img), ro / "f.pdf")
        assert exc.value.code == "write_failed" and "ro/f.pdf" in exc.value.message
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_export_api_with_plain_causal_dicts_and_english(session, tmp_path):
    """The report draws hand-made dicts of the causal results' JSON shape (no engine classes needed)."""
    from app.core.edits import LatentEdit
    from app.report.export import export_findings

    s, img = session
    rank = {"latents": [{"id": i, "label": f"lat {i}", "activation": 1.0 / (i + 1), "delta_score": -0.1 * i,
                         "percentile_vs_control": 50.0 + 10 * i, "beats_p95": i == 4,
                         "specificity": {"inside": 0.1, "outside": 0.01, "ratio": 0.1, "unspecific": False}}
                        for i in range(5)],
            "controls": {"random_latents": [0.01, -0.02, 0.0], "random_directions": [0.03, -0.01]},
            "seed": 7, "top": 5, "controls_per_kind": 3}
    dose = {"latent": 3, "label": "lat 3", "strengths": [-1.0, 0.0, 1.0, 2.0], "scores": [0.9, 0.6, 0.5, 0.3],
            "classes": {"ok": [0.1, 0.4, 0.5, 0.7], "scratch": [0.5, 0.3, 0.3, 0.2], "stain": [0.4, 0.3, 0.2, 0.1]}}
    from app.report.findings import About, CausalResults

    req = _request(img, edits=(LatentEdit(3, "scale", 0.5),), causal=CausalResults(rank, dose),
                   about=About(notes="plain note", lang="en"))
    r = export_findings(s, req, tmp_path / "en.pdf")
    assert r.pages >= 2 and r.images == 4 + 1 + 2
    text = _text(r.path)
    assert "Inspectionfindings" in text and "plainnote" in text and "#3" in text
    settings = json.loads(pypdf.PdfReader(str(r.path)).attachments["session.json"][0])["analyses"]
    assert settings["rank"] == {"top": 5, "controls": 3, "seed": 7}
    assert settings["dose"]["latent"] == 3


def test_typed_findings_from_engine_results_are_the_pdfs(session, tmp_path):
    """The causal results are read once into typed sections; the PDF's numbers are those sections."""
    from app.core.causal import rank_latents
    from app.core.causal_dose import dose_response, inject
    from app.report.export import export_findings
    from app.report.findings import About, CausalResults
    from app.report.sections import DoseSection, InjectionSection, RankSection

    s, img = session
    mask = np.zeros((60, 90), bool)
    mask[10:40, 20:60] = True
    rank = rank_latents(s, mask, top=4, controls=6, seed=3)
    dose = dose_response(s, mask, rank.latents[0].id, points=21)
    injection = inject(s, mask, rank.latents[0].id, r=2.0, controls=5, seed=1)
    req = _request(img, region_HW=mask, causal=CausalResults(rank, dose, injection), about=About(lang="en"))
    r = export_findings(s, req, tmp_path / "typed.pdf")
    f = r.findings
    assert isinstance(f.rank, RankSection) and isinstance(f.dose, DoseSection) and isinstance(f.injection, InjectionSection)
    assert [x.id for x in f.rank.latents] == [x.id for x in rank.latents]
    assert [x.delta_score for x in f.rank.latents] == pytest.approx([x.delta_score for x in rank.latents])
    assert f.rank.random_latents == pytest.approx(tuple(c.delta_score for c in rank.random_latents))
    assert f.dose.strengths == pytest.approx(tuple(dose.strengths_K)) and f.dose.scores == pytest.approx(tuple(dose.scores_K))
    assert f.injection.score == pytest.approx(injection.score) and f.injection.controls == 5
    assert f.injection.creates_defect == injection.creates_defect
    nums = _numbers(r.path)
    assert nums["injection"]["latent"] == injection.latent and nums["rank"]["seed"] == 3
    text = _text(r.path)
    assert _squash(f"Injection of latent #{injection.latent}") in text
    settings = json.loads(pypdf.PdfReader(str(r.path)).attachments["session.json"][0])["analyses"]
    assert settings["rank"] == {"top": 4, "controls": 6, "seed": 3}
    assert settings["dose"] == {"latent": dose.latent, "strength_range": 4.0, "points": 21}


def test_notes_longer_than_a_page_flow_across_pages(session, tmp_path):
    """Notes of several pages are laid out (no reportlab LayoutError), every line is in the PDF text."""
    from app.report.export import export_findings
    from app.report.findings import About

    s, img = session
    lines = [f"line {i:04d} of the operator's notes: the scratch runs along the rim" for i in range(400)]
    lines.insert(200, "傷" * 3000)  # one unbroken Japanese line longer than a page
    notes = "\n".join(lines)
    r = export_findings(s, _request(img, about=About(notes=notes, lang="ja")), tmp_path / "long.pdf")
    reader = pypdf.PdfReader(str(r.path))
    assert len(reader.pages) == r.pages >= 6
    text = _text(r.path)
    for i in (0, 199, 200, 399):
        assert _squash(f"line {i:04d} of the operator's notes") in text
    assert "傷" * 100 in text
    assert set(reader.attachments) == {"session.json", "findings.json"}
    assert json.loads(reader.attachments["session.json"][0])["notes"] == notes


def test_nan_score_is_no_verdict_and_threshold_is_checked(session, tmp_path):
    from app.core.errors import InspectorError
    from app.report.findings import build_findings
    from app.report.sections import Verdict

    v = Verdict(0.5, ("ok", "scratch"), 0.2, float("nan"), (0.8, 0.2), (float("nan"), float("nan")))
    assert v.is_defect(v.score_before) is False and v.is_defect(v.score_after) is None
    s, img = session
    for bad in (float("nan"), 5.0, -0.1):
        with pytest.raises(InspectorError) as ei:
            build_findings(s, _request(img, threshold=bad))
        assert ei.value.code == "bad_argument" and "[0, 1]" in ei.value.message


def test_injection_wording_says_what_happened_to_the_verdict(session, tmp_path):
    """A part already rejected: the injection "raised/lowered" its score, it never "does not create" a verdict;
    the outcome is in findings.json too. Below the threshold and crossing it: "creates"."""
    from app.core.causal_dose import inject
    from app.report.export import export_findings
    from app.report.findings import About, CausalResults

    s, img = session
    mask = np.zeros((60, 90), bool)
    mask[10:40, 20:60] = True
    latent = s.latents_in_mask(mask, top=1)[0].id
    injection = inject(s, mask, latent, r=3.0, controls=4, seed=1)
    d = injection.score - injection.baseline_score
    low = max(0.0, min(injection.baseline_score, injection.score) - 0.01)  # both scores above it: already DEFECT
    r = export_findings(s, _request(img, region_HW=mask, threshold=low, causal=CausalResults(injection=injection),
                                    about=About(lang="en")), tmp_path / "inj.pdf")
    text = _text(r.path)
    assert _squash(f"The part was already above the threshold {low:.4f}") in text
    assert _squash("raised it by" if d > 0 else "lowered it by") in text and "doesnotcreate" not in text.lower()
    assert _numbers(r.path)["injection"]["outcome"] == "stays_defect"
    between = (injection.baseline_score + injection.score) / 2  # the injection crosses it
    r2 = export_findings(s, _request(img, region_HW=mask, threshold=between, causal=CausalResults(injection=injection),
                                     about=About(lang="ja")), tmp_path / "inj_ja.pdf")
    outcome = "creates" if d > 0 else "removes"
    assert _numbers(r2.path)["injection"]["outcome"] == outcome
    assert _squash("不良判定を生じます" if d > 0 else "不良判定を取り消します") in _text(r2.path)


def test_ood_notice_in_the_pdf(session, random_bundle_dir, tmp_path):
    """Flagged (a calibration level below this image's statistic): the notice; no calibration: says no check was made."""
    from app.core.images import load_image
    from app.core.session import InspectionSession
    from app.report.export import export_findings
    from app.report.findings import About
    from tests.rich_bundles import make_rich_bundle

    s, img = session
    r = export_findings(s, _request(img, about=About(lang="en")), tmp_path / "plain.pdf")
    assert _squash("carries no calibration of how unlike the training parts") in _text(r.path)
    assert _numbers(r.path)["ood"]["calibrated"] is False
    rich = make_rich_bundle(random_bundle_dir, tmp_path / "rich", 5, flag_above=1e-9)
    s2 = InspectionSession.open(rich, backend="onnx")
    s2.analyze(load_image(img.path).pixels_HWC)
    r2 = export_findings(s2, _request(img, about=About(lang="en")), tmp_path / "ood.pdf")
    assert _squash("Unlike the training parts") in _text(r2.path)
    nums = _numbers(r2.path)["ood"]
    assert nums["unusual"] is True and nums["value"] > nums["flag_above"] == 1e-9


def test_a_model_without_a_patch_head_reports_its_measured_evidence_maps(part, tmp_path):
    from app.core.edits import LatentEdit
    from app.core.images import load_image
    from app.core.session import InspectionSession
    from app.report.export import export_findings
    from app.report.findings import About
    from tests.rich_bundles import make_headless_bundle

    b = make_headless_bundle(tmp_path / "headless")
    s = InspectionSession.open(b, backend="onnx")
    img = load_image(part / "part.png")
    s.analyze(img.pixels_HWC)
    mask = np.zeros((60, 90), bool)
    mask[10:40, 20:60] = True
    edits = (LatentEdit(s.latents_in_mask(mask, top=1)[0].id, "off", 0.0),)
    r = export_findings(s, _request(img, region_HW=mask, edits=edits, about=About(lang="en")), tmp_path / "ev.pdf")
    f = r.findings
    assert f.map_kind == "evidence"
    assert np.allclose(f.map_before, s.evidence_map(None, ()), atol=1e-6)
    assert np.allclose(f.map_after, s.evidence_map(mask, edits), atol=1e-6)
    text = _text(r.path)
    assert _squash("Evidence map before edits (measured") in text and _squash("evidence map (measured)") in text
    assert _numbers(r.path)["maps"] == "evidence"


def test_a_ranking_of_every_latent_fits_the_page(session, tmp_path):
    """64 ranked latents (more than a page of bars): the chart shows the largest 40, the table all, no layout error."""
    from app.report.export import export_findings
    from app.report.figures import MAX_CHART_ROWS
    from app.report.findings import About, CausalResults

    s, img = session
    n = 64
    rank = {"latents": [{"id": i, "label": f"lat {i}", "activation": 1.0, "delta_score": -0.01 * (n - i),
                         "percentile_vs_control": 50.0, "beats_p95": False} for i in range(n)],
            "controls": {"random_latents": [0.001, -0.002], "random_directions": [0.003, -0.001]}, "seed": 0, "top": n}
    r = export_findings(s, _request(img, causal=CausalResults(rank), about=About(lang="en")), tmp_path / "all.pdf")
    text = _text(r.path)
    assert n > MAX_CHART_ROWS and _squash(f"The chart shows the {MAX_CHART_ROWS} largest effects of {n}") in text
    assert "lat63" in text  # the table lists the last one too
