"""Every bad input to the CLI is one line on stderr and exit 2 (issue 18 §5-6).

Run in-process through ``run_cli`` (the same entry as ``main.py``), except where a real process
matters. Each case asserts the exit code, that stderr is exactly one ``error:`` line, the words
that say what was wrong, and that no traceback reaches the user.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import numpy as np
import pytest

from app.cli.entry import run_cli
from tests.bundle_edits import edit_manifest, rehash

ROOT = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture()
def part(tmp_path: Path) -> Path:
    import cv2

    p = tmp_path / "part.png"
    cv2.imwrite(str(p), np.random.default_rng(1).integers(0, 256, (48, 64, 3), dtype=np.uint8))
    return p


def one_line(capsys, rc: int, *words: str) -> str:  # noqa: ANN001
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def _manifest(folder: Path, text: str) -> None:
    (folder / "bundle.json").write_text(text, encoding="utf-8")


# --- bounded options: refused before anything loads --------------------------------------------
@pytest.mark.parametrize(
    "argv, words",
    [
        (["rank", "{part}", "--controls", "100000000"], ("--controls", "1,024", "100000000")),
        (["rank", "{part}", "--top", "0"], ("--top",)),
        (["dose", "{part}", "--latent", "1", "--points", "1000000000"], ("--points", "1,001")),
        (["dose", "{part}", "--latent", "1", "--range", "inf"], ("--range",)),
        (["report", "{part}", "--threshold", "nan", "--out", "{tmp}/r.pdf"], ("--threshold", "[0, 1]", "nan")),
        (["report", "{part}", "--threshold", "5", "--out", "{tmp}/r.pdf"], ("--threshold", "[0, 1]", "5")),
        (["rank-folder", "{tmp}", "--type", "scratch", "--bootstrap", "10000000000"], ("--bootstrap",)),
        (["analyze", "{part}", "--top", "1" * 5000], ("--top", "invalid int value", "...")),
        (["analyze", "{part}", "--seed", "-1"], ()),  # analyze has no --seed: argparse's own message
        (["analyze", "{part}", *(["--edit", "1:off"] * 1025)], ("at most 1024 --edit",)),
    ],
    ids=["controls", "top-0", "points", "range-inf", "threshold-nan", "threshold-5", "bootstrap", "5000-digits",
         "unknown-option", "edit-count"],
)
def test_absurd_options_are_one_line(argv: list[str], words: tuple[str, ...], part: Path, tmp_path: Path, capsys,
                                     monkeypatch) -> None:
    import app.core.session as session

    def never(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("a model was loaded before the options were checked")

    monkeypatch.setattr(session.InspectionSession, "open", never)
    rc = run_cli([a.format(part=part, tmp=tmp_path) for a in argv])
    line = one_line(capsys, rc, *words)
    assert len(line) < 400


def test_a_huge_integer_is_shortened_in_the_message(part: Path, capsys) -> None:
    line = one_line(capsys, run_cli(["analyze", str(part), "--top", "9" * 5000]))
    assert "9" * 40 not in line


# --- bad bundles --------------------------------------------------------------------------------
def _bf16_sae(b: Path) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    t = load_file(str(b / "sae.safetensors"))
    save_file({k: v.to(torch.bfloat16) for k, v in t.items()}, str(b / "sae.safetensors"))
    rehash(b, "sae")


BAD_BUNDLES = [
    ("bf16 tensors", _bf16_sae, ("sae.safetensors", "BF16", "float32")),
    ("num_heads 0", lambda b: edit_manifest(b, lambda m: m["vit"].update(num_heads=0)), ("num_heads",)),
    ("deeply nested bundle.json", lambda b: _manifest(b, "[" * 100_000 + "]" * 100_000), ("bundle.json", "nested")),
    ("nested 40 levels", lambda b: _manifest(b, '{"a": ' * 40 + "1" + "}" * 40), ("nested more than 32",)),
    ("a 5000-digit number", lambda b: _manifest(b, (b / "bundle.json").read_text().replace('"threshold": 0.5', '"threshold": 1' + "0" * 4999)),
     ("bundle.json", "5000 characters")),
    ("NaN in bundle.json", lambda b: _manifest(b, (b / "bundle.json").read_text().replace('"threshold": 0.5', '"threshold": NaN')),
     ("NaN",)),
    ("a float that overflows", lambda b: _manifest(b, (b / "bundle.json").read_text().replace('"threshold": 0.5', '"threshold": 1e999')),
     ("1e999",)),
    ("threshold 5", lambda b: edit_manifest(b, lambda m: m.update(threshold=5)), ("threshold",)),
    ("threshold as text", lambda b: edit_manifest(b, lambda m: m.update(threshold="0.5")), ("threshold",)),
    ("SAE width 10^9", lambda b: edit_manifest(b, lambda m: m["sae"].update(width=10**9)), ("sae.width",)),
    ("mlp_ratio 16 (fits the bound, not the weights)", lambda b: edit_manifest(b, lambda m: m["vit"].update(mlp_ratio=16.0)),
     ("vit.safetensors", "fc1", "shape")),
    ("mlp_ratio 1000", lambda b: edit_manifest(b, lambda m: m["vit"].update(mlp_ratio=1000.0)), ("mlp_ratio",)),
]


@pytest.mark.parametrize("name, damage, words", BAD_BUNDLES, ids=[c[0] for c in BAD_BUNDLES])
def test_bad_bundle_is_one_line(name: str, damage, words: tuple[str, ...], bundle_copy: Path, part: Path, capsys) -> None:  # noqa: ANN001
    damage(bundle_copy)
    rc = run_cli(["analyze", str(part), "--bundle", str(bundle_copy), "--backend", "onnx"])
    one_line(capsys, rc, *words)


# --- masks ----------------------------------------------------------------------------------------
def test_empty_mask_is_one_line_before_the_model_loads(part: Path, tmp_path: Path, random_bundle_dir: Path, capsys) -> None:
    import cv2

    cv2.imwrite(str(tmp_path / "blank.png"), np.zeros((48, 64), np.uint8))
    rc = run_cli(["analyze", str(part), "--bundle", str(random_bundle_dir), "--mask", str(tmp_path / "blank.png")])
    one_line(capsys, rc, "blank.png", "marks no region")


# --- sessions -----------------------------------------------------------------------------------
SESSIONS = [
    ("deeply nested", "[" * 100_000 + "]" * 100_000),
    ("a 5000-digit number", '{"schema": "sae-inspector-session/2", "threshold": ' + "1" * 5000 + "}"),
    ("edits is text", json.dumps({"schema": "sae-inspector-session/2", "image_path": "p.png", "image_sha256": "ab" * 32,
                                  "bundle": {}, "edits": "3:off"})),
    ("bundle is a list", json.dumps({"schema": "sae-inspector-session/2", "image_path": "p.png", "image_sha256": "ab" * 32,
                                     "bundle": [1, 2]})),
    ("not JSON", "{this is not json"),
]


@pytest.mark.parametrize("name, text", SESSIONS, ids=[s[0] for s in SESSIONS])
def test_bad_session_is_one_line(name: str, text: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "s.json").write_text(text, encoding="utf-8")
    rc = run_cli(["report", "--session", str(tmp_path / "s.json"), "--out", str(tmp_path / "r.pdf")])
    one_line(capsys, rc)
    assert not (tmp_path / "r.pdf").exists()


# --- results: strict JSON, no NaN verdicts ------------------------------------------------------
def test_nan_result_is_an_error_naming_its_field(part: Path, random_bundle_dir: Path, tmp_path: Path, capsys,
                                                 monkeypatch) -> None:
    from dataclasses import replace

    import app.core.session as session

    real = session.InspectionSession.intervene

    def nan_after(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        return replace(real(self, *a, **k), score=float("nan"))

    monkeypatch.setattr(session.InspectionSession, "intervene", nan_after)
    out = tmp_path / "o"
    for extra in (["--json"], [], ["--out", str(out)]):
        rc = run_cli(["analyze", str(part), "--bundle", str(random_bundle_dir), "--backend", "onnx", *extra])
        one_line(capsys, rc, "edited.score", "not a number")
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_json_output_is_strict_json(part: Path, random_bundle_dir: Path, capsys) -> None:
    rc = run_cli(["analyze", str(part), "--bundle", str(random_bundle_dir), "--backend", "onnx", "--json"])
    assert rc == 0
    text = capsys.readouterr().out

    def refuse(c: str) -> None:
        raise AssertionError(f"bare {c} in the output")

    json.loads(text, parse_constant=refuse)


# --- the backstop ---------------------------------------------------------------------------------
def test_an_unexpected_failure_is_one_line_and_the_traceback_goes_to_the_log(part: Path, tmp_path: Path, capsys,
                                                                             monkeypatch) -> None:
    import app.cli.analyze as analyze

    def boom(args):  # noqa: ANN001, ANN202
        return {}["no such key"]

    monkeypatch.setattr(analyze, "run", boom)
    rc = run_cli(["analyze", str(part)])
    line = one_line(capsys, rc, "analyze failed", "KeyError", "details in")
    log = Path(line.split("details in ", 1)[1].rstrip(")"))
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "no such key" in text


def test_out_of_memory_is_one_line(part: Path, capsys, monkeypatch) -> None:
    import app.cli.analyze as analyze

    def oom(args):  # noqa: ANN001, ANN202
        raise MemoryError

    monkeypatch.setattr(analyze, "run", oom)
    one_line(capsys, run_cli(["analyze", str(part)]), "analyze ran out of memory")


# --- analyze --out: all or nothing, never over earlier results -----------------------------------
@pytest.mark.slow
def test_out_refuses_to_overwrite_without_force(part: Path, random_bundle_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "o"
    base = ["analyze", str(part), "--bundle", str(random_bundle_dir), "--backend", "onnx", "--out", str(out)]
    assert run_cli([*base, "--edit", "3:off"]) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"analysis.json", "defect_map_before.png", "defect_map_after.png", "defect_map_diff.png"}
    one_line(capsys, run_cli([*base, "--edit", "5:off"]), "already holds", "--force")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert run_cli([*base, "--edit", "5:off", "--force"]) == 0
    assert json.loads((out / "analysis.json").read_text())["edits"][0]["latent"] == 5


@pytest.mark.slow
def test_out_on_a_full_disk_keeps_earlier_results_whole(part: Path, random_bundle_dir: Path, tmp_path: Path, capsys,
                                                        monkeypatch) -> None:
    out = tmp_path / "o"
    base = ["analyze", str(part), "--bundle", str(random_bundle_dir), "--backend", "onnx", "--out", str(out)]
    assert run_cli([*base, "--edit", "3:off"]) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    one_line(capsys, run_cli([*base, "--edit", "5:off", "--force"]), "space", "unchanged")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary folder left either


# --- a real process -------------------------------------------------------------------------------
def test_main_py_exits_2_with_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "dose", "x.png", "--latent", "1", "--points", "99999999"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "SAE_INSPECTOR_DATA_DIR": str(tmp_path)})
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ["error: --points must be an integer from 1 to 1,001, got 99999999"]
