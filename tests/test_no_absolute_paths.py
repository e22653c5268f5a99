"""No committed model bundle names a folder of the machine that built it (issue 19 §8).

``MODEL_CARD.md`` and ``dictionary.json`` of bundle 1.3.0 once carried the build machine's data
path. Every file under ``model_store/`` is read: text and JSON whole, binary files (weights, ONNX
graphs, PNGs) by their embedded printable strings, as ``strings`` would show them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".json", ".md", ".txt", ".csv", ".yaml", ".yml"}
# A Unix home, work or temporary folder with a name inside it; a Windows drive with a folder inside it.
ABSOLUTE = re.compile(
    r"(?<![\w.])/(?:work|home|root|tmp|Users|mnt|media|private|var/folders|opt|srv|data)/[\w.-]{2,}"
    r"|(?<![\w])[A-Za-z]:\\{1,2}[\w .-]{2,}\\"
)
PRINTABLE_RUN = re.compile(rb"[\x20-\x7e]{8,}")


def absolute_paths_in(path: Path) -> list[str]:
    """The absolute paths a file names: in its text, or in the printable strings of a binary file."""
    data = path.read_bytes()
    if path.suffix.lower() in TEXT_SUFFIXES:
        texts = [data.decode("utf-8", "replace")]
    else:
        texts = [m.group().decode("ascii") for m in PRINTABLE_RUN.finditer(data)]
    return [m.group() for t in texts for m in ABSOLUTE.finditer(t)]


def store_files() -> list[Path]:
    return sorted(p for p in (ROOT / "model_store").rglob("*") if p.is_file())


def test_the_model_store_has_files_to_check() -> None:
    names = {p.name for p in store_files()}
    assert {"bundle.json", "MODEL_CARD.md", "dictionary.json", "vit.safetensors", "prefix.onnx"} <= names


@pytest.mark.parametrize("path", store_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_absolute_path_in_the_model_store(path: Path) -> None:
    found = absolute_paths_in(path)
    assert not found, f"{path.relative_to(ROOT)} names {found[:3]}: record paths relative to the data folder"


@pytest.mark.parametrize(
    "name, content",
    [
        ("MODEL_CARD.md", "data: /work/main/data/train (synthetic)"),
        ("dictionary.json", '{"meta": {"images_root": "/home/op/parts/train"}}'),
        ("bundle.json", '{"source": "C:\\\\Users\\\\op\\\\parts"}'),
        ("card.md", "made in /tmp/pytest-of-root/x"),
        ("vit.safetensors", b"\x00\x13\x88binary\x00/root/runs/default/vit\x00\xff"),
        ("prefix.onnx", b"\x08\x07\x12\x0bpytorch\x1a\x1bC:\\build\\export.py\x00"),
    ],
)
def test_the_check_finds_what_it_is_for(tmp_path: Path, name: str, content: str | bytes) -> None:
    p = tmp_path / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert absolute_paths_in(p)


@pytest.mark.parametrize(
    "content",
    ["data: data/train (synthetic)", "images_root: data/train", "ratio 3/4 and 1/2", "https://example.org/home/x",
     "see docs/ARCHITECTURE.md", "a:b\\c", "model_store/metal/vit.safetensors"],
)
def test_relative_paths_and_urls_pass(tmp_path: Path, content: str) -> None:
    p = tmp_path / "x.md"
    p.write_text(content)
    assert absolute_paths_in(p) == []
