"""Fuzzing the readers of untrusted files: nothing but ``InspectorError`` may escape.

- ``load_image``: random bytes, and valid PNG / JPEG / TIFF bytes with bytes flipped,
  inserted or cut;
- ``Manifest.parse``: arbitrary JSON values, and the valid manifest with fields replaced by
  arbitrary JSON;
- ``load_bundle``: those manifests, and mutated manifest text, written into a bundle folder beside
  real files; a re-hashed ``dictionary.json`` replaced the same ways;
- the strict JSON reader every untrusted JSON file goes through;
- ``load_session``: arbitrary JSON, the valid session with one field replaced, mutated text;
  a session that loads is fully typed;
- ``load_mask``: mutated 8-bit, 16-bit, RGBA, BMP and TIFF masks.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.bundle import Manifest, load_bundle
from app.core.errors import InspectorError
from app.core.images import load_image

FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _encoded(fmt: str, mode: str = "RGB") -> bytes:
    from PIL import Image

    arr = np.random.default_rng(0).integers(0, 256, (12, 17, 3), dtype=np.uint8)
    im = Image.fromarray(arr).convert(mode)
    buf = io.BytesIO()
    im.save(buf, format=fmt)
    return buf.getvalue()


SEEDS = {
    "png": _encoded("PNG"),
    "png_rgba": _encoded("PNG", "RGBA"),
    "jpeg": _encoded("JPEG"),
    "tiff": _encoded("TIFF"),
    "gif": _encoded("GIF", "P"),
    "bmp": _encoded("BMP"),
}


WILD_INTS = [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff", b"\x00\x01\x00\x00", b"\x00\x00\x75\x30"]


def mutate(draw: st.DrawFn, seed: bytes, most: int = 6) -> bytes:
    """``seed`` with bytes flipped, inserted, cut or truncated, or a 4-byte length or size field gone wild."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, most))):
        op = draw(st.sampled_from(["flip", "insert", "cut", "truncate", "int"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[i:]
        elif op == "int" and len(data) >= i + 4:
            data[i : i + 4] = draw(st.sampled_from(WILD_INTS))
    return bytes(data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    return mutate(draw, SEEDS[draw(st.sampled_from(sorted(SEEDS)))])


def _check_load(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        img = load_image(path)
    except InspectorError as exc:
        assert exc.code and exc.message
        return
    px = img.pixels_HWC
    assert px.dtype == np.uint8 and px.ndim == 3 and px.shape[2] == 3 and min(px.shape[:2]) >= 1


@FUZZ
@given(data=st.binary(max_size=512))
def test_random_bytes_into_load_image(tmp_path: Path, data: bytes) -> None:
    _check_load(tmp_path / "random.png", data)


@FUZZ
@given(data=mutated())
def test_mutated_images_into_load_image(tmp_path: Path, data: bytes) -> None:
    _check_load(tmp_path / "mutated.img", data)


# --- manifests ---------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def valid_manifest(random_bundle_dir: Path) -> dict:
    return json.loads((random_bundle_dir / "bundle.json").read_text())


def _paths(d: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path inside a JSON object (to replace one value at a time)."""
    out = []
    if isinstance(d, dict):
        for k, v in d.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            out.append((*prefix, i))
            out += _paths(v, (*prefix, i))
    return out


def _replace(d: dict, path: tuple, value: object) -> dict:
    d = json.loads(json.dumps(d))
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return d


def _parse(raw: object) -> None:
    try:
        Manifest.parse(raw)
    except InspectorError as exc:
        assert exc.code and exc.message


@FUZZ
@given(raw=json_values)
def test_arbitrary_json_into_manifest_parse(raw: object) -> None:
    _parse(raw)


@FUZZ
@given(data=st.data())
def test_manifest_with_one_field_replaced(valid_manifest: dict, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_paths(valid_manifest)))
    value = data.draw(json_values)
    _parse(_replace(valid_manifest, path, value))


@FUZZ
@given(data=st.data())
def test_manifest_with_fields_removed(valid_manifest: dict, data: st.DataObject) -> None:
    raw = json.loads(json.dumps(valid_manifest))
    for path in data.draw(st.lists(st.sampled_from(_paths(valid_manifest)), min_size=1, max_size=3)):
        node = raw
        try:
            for k in path[:-1]:
                node = node[k]
            del node[path[-1]]
        except (KeyError, IndexError, TypeError):
            pass
    _parse(raw)


@pytest.fixture(scope="module")
def fuzz_bundle(random_bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("fuzz") / "b"
    shutil.copytree(random_bundle_dir, dst)
    return dst


@FUZZ
@given(data=st.data())
def test_fuzzed_manifest_into_load_bundle(fuzz_bundle: Path, valid_manifest: dict, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["replace", "bytes", "json", "text"]))
    if kind == "text":  # valid JSON text with characters flipped, cut, or digits, brackets and NaN inserted
        blob = data.draw(json_text()).encode("utf-8", "replace")
    elif kind == "replace":
        raw = _replace(valid_manifest, data.draw(st.sampled_from(_paths(valid_manifest))), data.draw(json_values))
        blob = json.dumps(raw, allow_nan=True).encode()
    elif kind == "json":
        blob = json.dumps(data.draw(json_values), allow_nan=True).encode()
    else:
        blob = data.draw(st.binary(max_size=256))
    (fuzz_bundle / "bundle.json").write_bytes(blob)
    try:
        load_bundle(fuzz_bundle)
    except InspectorError as exc:
        assert exc.code and exc.message
    finally:
        (fuzz_bundle / "bundle.json").write_text(json.dumps(valid_manifest))


def test_manifest_path_with_nul_byte_is_refused(fuzz_bundle: Path, valid_manifest: dict) -> None:
    raw = _replace(valid_manifest, ("files", "sae", "path"), "sae\x00.safetensors")
    (fuzz_bundle / "bundle.json").write_text(json.dumps(raw))
    try:
        with pytest.raises(InspectorError):
            load_bundle(fuzz_bundle)
    finally:
        (fuzz_bundle / "bundle.json").write_text(json.dumps(valid_manifest))


# --- strict JSON: what every untrusted JSON file goes through ----------------------------------
@st.composite
def json_text(draw: st.DrawFn) -> str:
    """Valid JSON of a value, then characters flipped, inserted (digits, brackets, NaN) or cut."""
    text = list(json.dumps(draw(json_values), allow_nan=True))
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "cut", "flip"]))
        if op == "insert":
            text[i:i] = draw(st.sampled_from(["[" * 50, "9" * 80, "NaN", "-Infinity", "1e999", "{", '"', "\\u0000", ","]))
        elif op == "cut" and text:
            del text[i : i + draw(st.integers(1, 8))]
        elif text:
            text[min(i, len(text) - 1)] = draw(st.characters())
    return "".join(text)


def _finite_everywhere(v: object) -> bool:
    import math

    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, dict):
        return all(_finite_everywhere(x) for x in v.values())
    if isinstance(v, list):
        return all(_finite_everywhere(x) for x in v)
    return True


@FUZZ
@given(text=json_text())
def test_strict_json_reader(text: str) -> None:
    from app.core.jsonsafe import MAX_DEPTH, depth, loads

    try:
        v = loads(text, "fuzz.json")
    except InspectorError as exc:
        assert exc.code == "bad_json" and exc.message.startswith("fuzz.json is not valid JSON")
        return
    assert depth(v) <= MAX_DEPTH and _finite_everywhere(v)


# --- sessions ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def valid_session(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from app.core.document import SessionDocument, save_session
    from app.core.edits import LatentEdit

    p = tmp_path_factory.mktemp("session") / "s.json"
    mask = np.zeros((24, 32), bool)
    mask[4:12, 8:20] = True
    doc = SessionDocument(image_path="part.png", image_sha256="ab" * 32, bundle={"name": "b", "version": "1", "hash": "cd" * 32},
                          edits=(LatentEdit(3, "off"), LatentEdit(5, "add", -0.5)), notes="見える", threshold=0.4)
    save_session(p, doc, mask)
    return json.loads(p.read_text(encoding="utf-8"))


def _check_session(path: Path) -> None:
    """Only InspectorError escapes; a session that loads is fully typed (never half a restore)."""
    from app.core.document import load_session
    from app.core.edits import LatentEdit

    try:
        doc, mask = load_session(path)
    except InspectorError as exc:
        assert exc.code and exc.message
        return
    assert isinstance(doc.image_path, str) and isinstance(doc.image_sha256, str) and isinstance(doc.bundle, dict)
    assert all(isinstance(e, LatentEdit) and e.op in ("off", "scale", "set", "add") and np.isfinite(e.value) for e in doc.edits)
    assert doc.threshold is None or 0.0 <= doc.threshold <= 1.0
    assert isinstance(doc.notes, str) and isinstance(doc.analyses, dict)
    assert mask is None or (mask.dtype == bool and mask.ndim == 2)


@FUZZ
@given(raw=json_values)
def test_arbitrary_json_into_load_session(tmp_path: Path, raw: object) -> None:
    p = tmp_path / "s.json"
    p.write_text(json.dumps(raw, allow_nan=True), encoding="utf-8")
    _check_session(p)


@FUZZ
@given(data=st.data())
def test_session_with_one_field_replaced(tmp_path: Path, valid_session: dict, data: st.DataObject) -> None:
    raw = _replace(valid_session, data.draw(st.sampled_from(_paths(valid_session))), data.draw(json_values))
    p = tmp_path / "s.json"
    p.write_text(json.dumps(raw, allow_nan=True), encoding="utf-8")
    _check_session(p)


@FUZZ
@given(text=json_text())
@pytest.mark.slow
def test_session_text_mutated(tmp_path: Path, text: str) -> None:
    p = tmp_path / "s.json"
    p.write_text(text, encoding="utf-8")
    _check_session(p)


# --- masks -------------------------------------------------------------------------------------
MASK_SEEDS = {}


def _mask_seeds() -> dict[str, bytes]:
    if not MASK_SEEDS:
        import cv2

        region = np.zeros((20, 28), np.uint8)
        region[5:12, 8:20] = 1
        rgba = np.zeros((20, 28, 4), np.uint8)
        rgba[..., 3] = region * 255
        MASK_SEEDS["png_l"] = cv2.imencode(".png", region * 255)[1].tobytes()
        MASK_SEEDS["png_16"] = cv2.imencode(".png", region.astype(np.uint16))[1].tobytes()
        MASK_SEEDS["png_rgba"] = cv2.imencode(".png", rgba)[1].tobytes()
        MASK_SEEDS["bmp"] = cv2.imencode(".bmp", region * 255)[1].tobytes()
        MASK_SEEDS["tiff"] = _encoded("TIFF", "L")
    return MASK_SEEDS


@st.composite
def mutated_mask(draw: st.DrawFn) -> bytes:
    seeds = _mask_seeds()
    return mutate(draw, seeds[draw(st.sampled_from(sorted(seeds)))], most=5)


@FUZZ
@given(data=mutated_mask(), hw=st.tuples(st.integers(1, 64), st.integers(1, 64)))
def test_mutated_masks_into_load_mask(tmp_path: Path, data: bytes, hw: tuple[int, int]) -> None:
    from app.core.images import load_mask

    p = tmp_path / "mask.png"
    p.write_bytes(data)
    try:
        m = load_mask(p, hw)
    except InspectorError as exc:
        assert exc.code.startswith("mask_") and exc.message
        return
    assert m.dtype == bool and m.shape == hw


@FUZZ
@given(data=st.data())
@pytest.mark.slow
def test_fuzzed_dictionary_json_into_load_bundle(fuzz_bundle: Path, valid_manifest: dict, data: st.DataObject) -> None:
    """dictionary.json replaced (and re-hashed, as a careless export tool would): nothing but InspectorError."""
    from app.core.bundle import sha256_file

    path = fuzz_bundle / "dictionary.json"
    original = path.read_bytes()
    good = json.loads(original)
    if data.draw(st.booleans()):
        blob = json.dumps(_replace(good, data.draw(st.sampled_from(_paths(good)[:40])), data.draw(json_values)),
                          allow_nan=True).encode()
    else:
        blob = data.draw(json_text()).encode("utf-8", "replace")
    path.write_bytes(blob)
    (fuzz_bundle / "bundle.json").write_text(json.dumps(_replace(valid_manifest, ("files", "dictionary_json", "sha256"),
                                                                 sha256_file(path))))
    try:
        load_bundle(fuzz_bundle)
    except InspectorError as exc:
        assert exc.code and exc.message
    finally:
        path.write_bytes(original)
        (fuzz_bundle / "bundle.json").write_text(json.dumps(valid_manifest))
