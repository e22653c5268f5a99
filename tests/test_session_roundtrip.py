"""Sessions replay exactly: every edit op and value survives save -> load -> the cards' controls
-> edits; the mask is saved inside the session file (one unit), and sessions of schema 1 (mask
beside the JSON) still load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.document import SessionDocument, load_session, save_session
from app.core.edits import LatentEdit
from app.core.errors import InspectorError
from app.core.latent_controls import LatentControls

finite = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e6, max_value=1e6)


@st.composite
def edit_sets(draw) -> tuple[LatentEdit, ...]:  # noqa: ANN001
    latents = draw(st.lists(st.integers(0, 4095), unique=True, max_size=12))
    out = []
    for i in latents:
        op = draw(st.sampled_from(["off", "scale", "set", "add"]))
        out.append(LatentEdit(i, op, 0.0 if op == "off" else draw(finite)))
    return tuple(sorted(out, key=lambda e: e.latent))


def _doc(edits: tuple[LatentEdit, ...]) -> SessionDocument:
    return SessionDocument(image_path="/parts/p.png", image_sha256="ab" * 32, bundle={"name": "b", "hash": "cd" * 32},
                           edits=edits, notes="n")


@settings(max_examples=150, deadline=None)
@given(edits=edit_sets(), with_mask=st.booleans())
def test_every_edit_round_trips_through_a_session_and_the_cards(tmp_path_factory, edits, with_mask) -> None:
    path = tmp_path_factory.mktemp("s") / "s.json"
    mask = None
    if with_mask:
        mask = np.zeros((17, 23), bool)
        mask[3:9, 4:20] = True
    save_session(path, _doc(edits), mask)
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.json"]  # one file: the mask is inside
    doc, loaded_mask = load_session(path)
    assert doc.edits == edits
    controls = LatentControls()
    controls.set_edits(doc.edits)
    assert controls.edits() == edits  # the cards give back the very same experiment
    assert (loaded_mask is None) == (mask is None)
    if mask is not None:
        assert np.array_equal(loaded_mask, mask)


def test_add_and_identity_scale_are_kept_until_reset() -> None:
    edits = (LatentEdit(1, "add", -0.5), LatentEdit(2, "scale", 1.0), LatentEdit(3, "set", 2.0))
    c = LatentControls()
    c.set_edits(edits)
    assert c.edits() == edits
    c.reset_all()
    assert c.edits() == ()


def test_schema_1_session_with_mask_beside_it_still_loads(tmp_path: Path) -> None:
    import cv2

    m = np.zeros((10, 12), np.uint8)
    m[2:5, 3:9] = 255
    cv2.imwrite(str(tmp_path / "old.mask.png"), m)
    raw = {"schema": "sae-inspector-session/1", "image_path": "p.png", "image_sha256": "ab", "bundle": {},
           "edits": [{"latent": 4, "op": "add", "value": 1.5}], "mask_png": "old.mask.png"}
    (tmp_path / "old.json").write_text(json.dumps(raw))
    doc, mask = load_session(tmp_path / "old.json")
    assert doc.edits == (LatentEdit(4, "add", 1.5),) and mask is not None and int(mask.sum()) == 3 * 6


@pytest.mark.parametrize("field,value", [("edits", [{"latent": "3", "op": "off"}]), ("edits", [{"latent": 3, "op": "mul"}]),
                                         ("notes", 5), ("recon_only", "yes"), ("threshold", 7), ("edits", {"a": 1}),
                                         ("mask_png_base64", "%%%not base64")])
def test_wrong_field_types_are_one_clear_error(tmp_path: Path, field: str, value: object) -> None:
    raw = {"schema": "sae-inspector-session/2", "image_path": "p.png", "image_sha256": "ab", "bundle": {}, field: value}
    (tmp_path / "s.json").write_text(json.dumps(raw))
    with pytest.raises(InspectorError) as ei:
        load_session(tmp_path / "s.json")
    assert ei.value.code == "bad_session"


def test_a_mask_declaring_a_huge_size_is_refused_before_decoding(tmp_path: Path) -> None:
    import base64
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)) + chunk(b"IEND", b"")
    raw = {"schema": "sae-inspector-session/2", "image_path": "p.png", "image_sha256": "ab", "bundle": {},
           "mask_png_base64": base64.b64encode(png).decode()}
    (tmp_path / "s.json").write_text(json.dumps(raw))
    with pytest.raises(InspectorError) as ei:
        load_session(tmp_path / "s.json")
    assert "60000×60000" in ei.value.message
