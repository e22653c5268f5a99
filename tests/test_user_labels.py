"""User labels and notes: keyed by bundle hash, atomic, import/export JSON and CSV."""

from __future__ import annotations

import json

import pytest

from app.core.errors import InspectorError
from app.core.latent_search import search_latents
from app.core.user_labels import UserLabels, labels_path


def test_labels_persist_per_bundle(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SAE_INSPECTOR_DATA_DIR", str(tmp_path))
    u = UserLabels("abc123")
    u.set_label(5, "  scratch edge ")
    u.set_note(5, "fires on the rim too")
    assert labels_path("abc123").is_file()
    v = UserLabels("abc123")
    assert v.label(5) == "scratch edge" and v.note(5) == "fires on the rim too"
    assert UserLabels("other").label(5) == ""
    v.set_label(5, "")  # empty clears
    assert UserLabels("abc123").label(5) == ""


def test_injectable_path_and_json_roundtrip(tmp_path) -> None:
    u = UserLabels("h", path=tmp_path / "l.json")
    u.set_many({1: "a", 2: "b"})
    u.export_json(tmp_path / "out.json")
    w = UserLabels("h2", path=tmp_path / "w.json")
    assert w.import_json(tmp_path / "out.json") == 2
    assert w.label(2) == "b"


def test_csv_roundtrip_and_errors(tmp_path) -> None:
    u = UserLabels("h", path=tmp_path / "l.json")
    u.set_label(3, 'dent, "deep"')
    u.export_csv(tmp_path / "x.csv", {3: "auto3", 4: "auto4"})
    w = UserLabels("h", path=tmp_path / "w.json")
    assert w.import_csv(tmp_path / "x.csv") == 1
    assert w.label(3) == 'dent, "deep"' and w.label(4) == ""
    (tmp_path / "bad.csv").write_text("latent,label\nx,y\n")
    with pytest.raises(InspectorError, match="line 2"):
        w.import_csv(tmp_path / "bad.csv")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(InspectorError):
        w.import_json(tmp_path / "bad.json")


def test_corrupt_file_is_kept_untouched(tmp_path) -> None:
    p = tmp_path / "l.json"
    p.write_text("{not json")
    u = UserLabels("h", path=p)
    assert u.load_error
    u.set_label(1, "x")
    assert p.read_text() == "{not json"  # the user's file is never overwritten
    assert json.loads(u.path.read_text())["labels"] == {"1": "x"}


def test_latent_search_best_match_first() -> None:
    labels = ["scratch, AP 0.8", "stain, AP 0.4", "weak: dent, AP 0.1", "solder_mask", "scratch deep"]
    ids = [i for i, _ in search_latents("scratch", labels)]
    assert set(ids[:2]) == {0, 4} and 1 not in ids[:2]
    assert search_latents("3", labels)[0][0] == 3
    assert search_latents("#2", labels)[0][0] == 2
    assert search_latents("scrach", labels)[0][0] in (0, 4)  # a typo still finds it, first
    assert search_latents("", labels) == []
    # relevance decides the order, not the id: the closer label wins over a lower id
    ranked = search_latents("solder mask", ["mask edge", "solder", "solder mask", "pad"])
    assert ranked[0][0] == 2 and [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    # an id beats any text match, and id prefixes follow it
    many = [f"latent {i}" for i in range(30)]
    assert [i for i, _ in search_latents("2", many)[:2]] == [2, 20]
