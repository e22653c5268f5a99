"""The bundles the app ships: the bundle box lists the default first, then the others by name, and each
shipped bundle has its own samples (``resources/samples/<its folder>/``) covering every one of its classes.

The listing rule is checked on a folder made here; the shipped store is read as it is (never rebuilt),
so a product bundle added later (``model_store/pcb``) is checked the same way without a change here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.file_listing import bundle_entries, list_bundles, list_samples, samples_folder
from app.core.paths import DEFAULT_BUNDLE_NAME, default_bundle_dir, resource_path

STORE = resource_path("model_store")
SAMPLES = resource_path("resources", "samples")


def _bundle(folder: Path, name: str) -> None:
    folder.mkdir(parents=True)
    (folder / "bundle.json").write_text(json.dumps({"name": name, "version": "1.0.0"}), encoding="utf-8")


def test_the_default_is_listed_first_then_the_others_by_name(tmp_path: Path) -> None:
    for name in ("cast", "zinc", DEFAULT_BUNDLE_NAME, "alloy"):
        _bundle(tmp_path / name, name)
    (tmp_path / "notes").mkdir()  # no bundle.json: not a bundle
    assert [p.name for p in list_bundles(tmp_path)] == [DEFAULT_BUNDLE_NAME, "alloy", "cast", "zinc"]
    assert [e.name for e in bundle_entries(tmp_path)] == [DEFAULT_BUNDLE_NAME, "alloy", "cast", "zinc"]
    assert [p.name for p in list_bundles(tmp_path, first="zinc")] == ["zinc", "alloy", "cast", DEFAULT_BUNDLE_NAME]


def test_the_default_bundle_is_a_shipped_folder_listed_first() -> None:
    assert default_bundle_dir() == STORE / DEFAULT_BUNDLE_NAME
    entries = bundle_entries(STORE)
    assert entries and entries[0].path.name == DEFAULT_BUNDLE_NAME, [e.path.name for e in entries]
    names = [e.path.name for e in entries]
    assert "mixed" in names and names[1:] == sorted(names[1:])


def _shipped() -> list[Path]:
    return list_bundles(STORE)


@pytest.mark.parametrize("bundle", _shipped(), ids=lambda p: p.name)
def test_each_shipped_bundle_has_its_own_samples_of_every_class(bundle: Path) -> None:
    entry = bundle_entries(STORE, first=bundle.name)[0]
    assert entry.readable and entry.name == bundle.name, "the picker shows the manifest's name: the folder's"
    own = samples_folder(SAMPLES, bundle)
    assert own == SAMPLES / bundle.name, f"resources/samples/{bundle.name}/ holds no samples"
    samples = list_samples(own)
    classes = json.loads((bundle / "bundle.json").read_text(encoding="utf-8"))["classes"]
    kinds = {p.stem.rsplit("_", 1)[0] for p in samples}
    assert kinds == set(classes), f"{bundle.name}: samples of {sorted(kinds)} for classes {classes}"
    for p in samples:
        if not p.stem.startswith(classes[0]):  # a defective part carries its ground truth
            assert p.with_name(f"{p.stem}_mask.png").is_file(), p.name
