"""Type specificity: set edits measured exactly, the cross-type matrix and its ratios on |Δ|,
matched random sets, the latent card's own-vs-other effect, and rank-folder --cross-type."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from conftest import analyzed_session

from app.core.edits import LatentEdit
from app.core.type_specificity import (
    TYPE_EFFECT_KEY,
    PartEffect,
    associated_sets,
    cross_type_matrix,
    latent_type_effect,
    matrix_markdown,
    merge_rows,
    part_effects,
    single_latent_deltas,
    type_effect_meta,
    type_effect_table,
)

TOL = 1e-5


@pytest.fixture(scope="module")
def session(random_bundle_dir):
    return analyzed_session(random_bundle_dir, "torch", seed=5)


@pytest.fixture(scope="module")
def mask():
    m = np.zeros((32, 32), bool)
    m[0:16, 8:24] = True
    return m


def test_set_edits_equal_the_sessions_own_edits(session, mask):
    sets = {"scratch": [1, 2, 3], "stain": [4, 5]}
    pe = part_effects(session, mask, "scratch", "p0", sets, control_draws=4, seed=1)
    base = session.analysis.baseline.score
    for u, ids in sets.items():
        o = session.intervene(mask, [LatentEdit(i, "off") for i in ids])
        assert abs(pe.delta_by_set[u] - (o.score - base)) < TOL
    m_P = session.patch_weights(mask)
    act = m_P @ session.analysis.codes_PS
    assert pe.mass_by_set["scratch"] == pytest.approx(act[[1, 2, 3]].sum(), rel=1e-5)
    assert len(pe.control_deltas) == 4  # matched random sets for the part's own type only
    assert pe.control_mass == pytest.approx(pe.mass_by_set["scratch"], rel=1e-4)  # the same mass switched
    again = part_effects(session, mask, "scratch", "p0", sets, control_draws=4, seed=1)
    assert again.control_deltas == pe.control_deltas  # seeded
    other = part_effects(session, mask, "dent", "p0", sets, control_draws=4, seed=1)
    assert other.control_deltas == ()  # a type without a set has no matched sets


def test_another_dictionary_is_measured_with_its_own_codes_and_decoder(session, mask):
    rng = np.random.default_rng(0)
    d = session.analysis.tokens_TD.shape[1]
    W = rng.standard_normal((6, d)).astype(np.float32)
    z = np.abs(rng.standard_normal((session.grid.num_patches, 6))).astype(np.float32)
    pe = part_effects(session, mask, "scratch", "p", {"scratch": [0, 2]}, codes_PS=z, W_dec_SD=W, control_draws=2)
    m_P = session.patch_weights(mask)
    tokens = session.analysis.tokens_TD.copy()
    tokens[1:] -= (m_P[:, None] * z[:, [0, 2]]) @ W[[0, 2]]
    ref = session.run_token_batch([tokens])[0].score - session.analysis.baseline.score
    assert abs(pe.delta_by_set["scratch"] - ref) < TOL


def _pe(t: str, d: dict[str, float], ctl: tuple[float, ...]) -> PartEffect:
    return PartEffect(t, t, 0.9, d, {k: 1.0 for k in d}, ctl)


def test_cross_type_matrix_uses_absolute_effects():
    sets = {"scratch": [1], "crack": [2], "dent": [3]}
    parts = [
        _pe("scratch", {"scratch": -0.4, "crack": 0.1, "dent": -0.1}, (0.05, -0.05)),
        _pe("scratch", {"scratch": 0.2, "crack": -0.1, "dent": 0.1}, (-0.05, 0.05)),
        _pe("crack", {"scratch": 0.3, "crack": 0.3, "dent": -0.3}, (0.3, -0.3)),
    ]
    m = cross_type_matrix(parts, sets, n_boot=300, seed=0)
    scratch, crack = m.rows
    assert scratch.part_type == "scratch" and scratch.parts == 2
    assert scratch.mean_abs["scratch"] == pytest.approx(0.3)  # signed mean would be -0.1
    assert scratch.diagonal_ratio == pytest.approx(0.3 / 0.1)
    assert scratch.assoc_vs_random == pytest.approx(0.3 / 0.05)  # signed controls would cancel to 0
    assert crack.diagonal_ratio == pytest.approx(1.0) and crack.assoc_vs_random == pytest.approx(1.0)
    lo, hi = scratch.ci["scratch"]
    assert lo <= 0.3 <= hi and scratch.controls == 4
    j = json.loads(json.dumps(m.to_json(), allow_nan=False))
    merged = merge_rows([j, j])
    assert len(merged["rows"]) == 4
    text = "\n".join(matrix_markdown(j))
    assert "own ÷ others" in text and "3.00×" in text and "6.00×" in text


def test_shared_latents_are_named():
    m = cross_type_matrix([_pe("a", {"a": 0.1, "b": 0.1}, (0.1,))], {"a": [1, 7], "b": [7, 9]}, n_boot=10)
    assert m.shared_latents() == {7: ["a", "b"]}
    assert "#7 (a, b)" in "\n".join(matrix_markdown(m.to_json()))


def test_associated_sets_take_the_highest_ap():
    ap = np.array([[0.1, 0.9], [0.5, np.nan], [0.3, 0.2]])
    assert associated_sets(ap, ["x", "y"], 2) == {"x": [1, 2], "y": [0, 2]}


def test_single_latent_effects_and_the_latent_card(session, mask, random_bundle_dir):
    deltas = single_latent_deltas(session, mask)
    act = session.patch_weights(mask) @ session.analysis.codes_PS
    assert set(deltas) == set(np.nonzero(act > 0)[0].tolist())
    i = next(iter(deltas))
    o = session.intervene(mask, [LatentEdit(i, "off")])
    assert abs(deltas[i] - (o.score - session.analysis.baseline.score)) < TOL
    table, parts = type_effect_table([("scratch", {0: -0.2, 1: 0.1}), ("scratch", {0: 0.4}), ("stain", {1: -0.3}),
                                      ("dent", {0: 9.0})], ["scratch", "stain"], width=3)
    np.testing.assert_allclose(table, [[0.3, 0.0], [0.05, 0.3], [0.0, 0.0]])  # silent parts count 0; unknown types ignored
    assert parts.tolist() == [2, 1]
    d = session.bundle.dictionary
    card = dataclasses.replace(d, meta={**d.meta, TYPE_EFFECT_KEY: type_effect_meta(table, parts, ["scratch", "stain"])})
    e0 = latent_type_effect(card, 0, own_type="scratch")
    assert e0.own == pytest.approx(0.3) and e0.others_mean == 0.0 and e0.specific
    e1 = latent_type_effect(card, 1, own_type="scratch")
    assert e1.ratio == pytest.approx(0.05 / 0.3) and not e1.specific and "not specific" in e1.text()
    auto = latent_type_effect(card, 1)  # own type from the dictionary's AP
    k = int(np.nanargmax([d.assoc_ap[1, d.region_classes.index(t)] for t in ("scratch", "stain")]))
    assert auto.own_type == ("scratch", "stain")[k]
    assert latent_type_effect(d, 0) is None  # a bundle without the table
