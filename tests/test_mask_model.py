"""The mask model without a display: brush, shapes, undo/redo, local updates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.mask_model import MIN_HISTORY, MaskModel, find_ground_truth, outline_in


def test_empty_mask_means_whole_image() -> None:
    m = MaskModel((40, 60))
    assert m.is_empty() and m.area_fraction() == 0.0
    assert m.mask.shape == (40, 60) and m.mask.dtype == bool


def test_fast_stroke_has_no_gaps() -> None:
    m = MaskModel((50, 200), brush_radius=2)
    m.begin_stroke(5, 25)
    m.stroke_to(195, 25)  # one huge jump: must still be a continuous line
    m.end_stroke()
    assert m.data[25, 5:196].all()
    assert m.history_length == 1


def test_one_drag_is_one_undo_step_and_redo() -> None:
    m = MaskModel((64, 64), brush_radius=3)
    m.begin_stroke(10, 10)
    for x in range(11, 50, 3):
        m.stroke_to(x, 10 + x // 3)
    m.end_stroke()
    painted = m.data.copy()
    assert painted.any()
    assert m.history_length == 1
    assert m.undo() and m.is_empty()
    assert m.redo() and np.array_equal(m.data, painted)
    assert not m.redo()


def test_erase_stroke() -> None:
    m = MaskModel((30, 30))
    m.set_mask(np.ones((30, 30), bool))
    m.set_brush_radius(2)
    m.begin_stroke(15, 0, erase=True)
    m.stroke_to(15, 29)
    m.end_stroke()
    assert not m.data[:, 15].any() and m.data[:, 0].all()


def test_listener_gets_only_the_touched_rectangle() -> None:
    m = MaskModel((1000, 1000), brush_radius=5)
    rects = []
    m.add_listener(rects.append)
    m.begin_stroke(100, 100)
    m.stroke_to(110, 104)
    m.end_stroke()
    assert rects and all(r is not None for r in rects)
    y0, y1, x0, x1 = rects[-1]
    assert (y1 - y0) * (x1 - x0) < 1000  # a small box, not the image


def test_fill_rectangle_polygon() -> None:
    m = MaskModel((50, 50))
    m.rectangle(10, 10, 19, 19)
    assert m.data[10:20, 10:20].all() and m.data.sum() == 100
    m.fill(0, 0)  # fills the outside: everything set
    assert m.data.all()
    m.undo()
    m.undo()
    assert m.is_empty()
    m.polygon([(5, 5), (40, 5), (5, 40)])
    assert m.data[10, 10] and not m.data[40, 40]
    m.fill(30, 10, erase=True)
    assert m.is_empty()


def test_clear_invert_set_from_map() -> None:
    m = MaskModel((20, 20))
    m.invert()
    assert m.data.all()
    m.clear()
    assert m.is_empty()
    ramp = np.tile(np.linspace(0, 1, 20, dtype=np.float32), (20, 1))
    m.from_map(ramp, 0.5)
    assert m.data[:, -1].all() and not m.data[:, 0].any()
    m.set_mask(np.ones((10, 10), bool))  # other size: scaled to the image
    assert m.data.all()
    for _ in range(4):
        m.undo()
    assert m.is_empty()


def test_history_holds_at_least_100_steps() -> None:
    m = MaskModel((32, 32), brush_radius=0)
    for i in range(MIN_HISTORY + 20):
        m.begin_stroke(i % 32, (i // 32) % 32)
        m.end_stroke()
    n = 0
    while m.undo():
        n += 1
    assert n >= MIN_HISTORY


def test_ground_truth_lookup(tmp_path) -> None:
    (tmp_path / "a.png").write_bytes(b"x")
    assert find_ground_truth(tmp_path / "a.png") is None
    (tmp_path / "a_mask.png").write_bytes(b"x")
    assert find_ground_truth(tmp_path / "a.png") == tmp_path / "a_mask.png"
    mv = tmp_path / "bottle" / "test" / "broken"
    mv.mkdir(parents=True)
    (mv / "000.png").write_bytes(b"x")
    gt = tmp_path / "bottle" / "ground_truth" / "broken"
    gt.mkdir(parents=True)
    (gt / "000_mask.png").write_bytes(b"x")
    assert find_ground_truth(mv / "000.png") == gt / "000_mask.png"


def test_outline_of_region_matches_whole() -> None:
    m = np.zeros((300, 300), np.uint8)
    m[50:250, 60:200] = 1
    whole = outline_in(m)
    part = outline_in(m, (0, 128, 0, 128))
    assert np.array_equal(part, whole[:128, :128])
    assert whole[50, 100] and not whole[100, 100]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45)), min_size=1, max_size=6),
    st.integers(0, 6),
    st.booleans(),
)
def test_property_undo_restores_exactly(points, r, erase) -> None:
    m = MaskModel((40, 40))
    m.rectangle(5, 5, 30, 30)
    before = m.data.copy()
    m.set_brush_radius(r)
    m.begin_stroke(*points[0], erase=erase)
    for p in points[1:]:
        m.stroke_to(*p)
    changed = m.end_stroke()
    after = m.data.copy()
    if changed:
        m.undo()
        assert np.array_equal(m.data, before)
        m.redo()
        assert np.array_equal(m.data, after)
    else:
        assert np.array_equal(after, before)


def test_bad_history_cap() -> None:
    with pytest.raises(AssertionError):
        MaskModel((4, 4), history=10)
