"""The SAE grid's defect focus: a fixed share of every batch from the focus pool (defect
patches), and what it buys: latents for a rare kind of token that a plain sample starves."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from app.pipeline.train_sae import BatchPlan, SAETrainConfig, evaluate_sae, load_variant, train_sae_grid

CFG = SAETrainConfig(batch_tokens=64, focus_share=0.25, seed=3)


def test_every_batch_takes_the_focus_share_from_the_focus_pool_without_early_repeats():
    plan = BatchPlan(1000, 50, CFG)
    assert (plan.n_main_rows, plan.n_focus_rows) == (48, 16)
    seen_main, seen_focus = [], []
    for _ in range(3):  # 3 x 16 focus rows fit in the pool of 50: none may repeat yet
        main, focus = plan.next()
        assert main.shape == (48,) and focus.shape == (16,)
        assert focus.min() >= 0 and focus.max() < 50 and main.max() < 1000
        seen_main += main.tolist()
        seen_focus += focus.tolist()
    assert len(set(seen_focus)) == 48 and len(set(seen_main)) == 144


def test_a_used_up_pool_is_walked_again_in_a_new_order():
    plan = BatchPlan(1000, 32, CFG)
    first = [plan.next()[1].tolist() for _ in range(2)]  # 2 x 16: the whole pool
    again = [plan.next()[1].tolist() for _ in range(2)]
    assert sorted(sum(first, [])) == sorted(sum(again, [])) == list(range(32))
    assert first != again, "a new permutation, not the same batches again"


def test_without_a_focus_pool_the_batches_are_the_plain_seeded_sample():
    # the walk the grid always made: sorted slices of one seeded permutation of the training rows
    plan = BatchPlan(1000, 0, CFG)
    order = np.random.default_rng(CFG.seed).permutation(1000)
    for step in range(5):
        main, focus = plan.next()
        assert focus.size == 0
        np.testing.assert_array_equal(main, np.sort(order[step * 64 : (step + 1) * 64]))


def test_a_focus_pool_smaller_than_its_share_is_walked_round_evenly():
    plan = BatchPlan(1000, 5, CFG)  # 16 focus rows a batch from 5 tokens
    for _ in range(3):
        main, focus = plan.next()
        counts = np.bincount(focus, minlength=5)
        assert focus.size == 16 and counts.min() >= 3 and counts.max() - counts.min() <= 1


def test_ranks_split_each_batch_between_them():
    whole, r0, r1 = BatchPlan(1000, 50, CFG), BatchPlan(1000, 50, CFG), BatchPlan(1000, 50, CFG)
    for _ in range(4):
        (m, f), (m0, f0), (m1, f1) = whole.next(), r0.next(0, 2), r1.next(1, 2)
        assert sorted(m0.tolist() + m1.tolist()) == m.tolist() and sorted(f0.tolist() + f1.tolist()) == f.tolist()


def _tokens(rng: np.random.Generator, n: int, dirs_KD: np.ndarray, per_token: int) -> np.ndarray:
    """n tokens, each a positive mix of ``per_token`` of the given unit directions, plus noise."""
    pick = np.stack([rng.choice(len(dirs_KD), per_token, replace=False) for _ in range(n)])
    coef = rng.uniform(1.0, 3.0, (n, per_token, 1))
    return (coef * dirs_KD[pick]).sum(1) + 0.02 * rng.standard_normal((n, dirs_KD.shape[1]))


def test_a_focus_pool_gives_a_rare_kind_of_token_its_own_latents(tmp_path):
    rng = np.random.default_rng(0)
    d = 24
    dirs = rng.standard_normal((40, d))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    common, rare = dirs[:32], dirs[32:]  # 8 rare directions: 0.4% of the plain tokens
    plain = np.concatenate([_tokens(rng, 20_000, common, 2), _tokens(rng, 80, rare, 1)]).astype(np.float32)
    focus = _tokens(rng, 400, rare, 1).astype(np.float32)  # the other "defective images'" rare tokens
    held_rare, held_common = _tokens(rng, 400, rare, 1).astype(np.float32), _tokens(rng, 2000, common, 2).astype(np.float32)
    # 48 latents for 40 directions: room for the rare ones, if training gives them steps
    cfg = SAETrainConfig(ks=(2,), expansions=(2,), batch_tokens=256, epochs=3.0, dead_window_min=2_000, seed=0, objectives=("plain",))
    fvu = {}
    for name, share, pool in (("plain", 0.0, None), ("focus", 0.25, focus)):
        out = tmp_path / name
        res = train_sae_grid(plain, held_common, replace(cfg, focus_share=share), out, progress=False, focus_tokens_ND=pool)
        meta = res.variants[0]
        assert meta["focus_tokens"] == (0 if pool is None else 400) and meta["focus_rows_per_batch"] == round(share * 256)
        sae_cfg, w = load_variant(out, meta, d)
        fvu[name] = (evaluate_sae(sae_cfg, w, held_rare)["fvu"], evaluate_sae(sae_cfg, w, held_common)["fvu"])
    rare_plain, (rare_focus, common_focus) = fvu["plain"][0], fvu["focus"]
    assert rare_focus < 0.5 * rare_plain, fvu
    # at the same step count the common tokens give up a little (0.03 -> 0.08 here), not their latents
    assert common_focus < 0.1, fvu


def test_a_focus_share_outside_0_to_1_is_refused():
    import pytest

    for bad in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match="focus_share"):
            BatchPlan(1000, 50, replace(CFG, focus_share=bad))
