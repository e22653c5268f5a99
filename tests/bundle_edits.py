"""Damaging a copy of a bundle as a broken export tool or a hand edit would (support for the tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from app.core.bundle import sha256_file


def edit_manifest(folder: Path, fn: Callable[[dict], None]) -> None:
    p = folder / "bundle.json"
    m = json.loads(p.read_text())
    fn(m)
    p.write_text(json.dumps(m))


def rehash(folder: Path, role: str) -> None:
    """Make the manifest agree with a changed file (and the SAE's ViT hash with a changed ViT)."""

    def fix(m: dict) -> None:
        m["files"][role]["sha256"] = sha256_file(folder / m["files"][role]["path"])
        if role == "vit":
            m["sae"]["vit_sha256"] = m["files"]["vit"]["sha256"]

    edit_manifest(folder, fix)


def rewrite_tensors(path: Path, fn: Callable[[dict], None]) -> None:
    """Load a safetensors file as numpy arrays, let ``fn`` change the dict, save it back."""
    from safetensors.numpy import load_file, save_file

    arrays = load_file(str(path))
    fn(arrays)
    save_file(arrays, str(path))


def truncate(p: Path, keep: int) -> None:
    p.write_bytes(p.read_bytes()[:keep])
