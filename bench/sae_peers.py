"""The project's SAE trainer beside the public SAE libraries that install here, on the same tokens.

Each trainer gets the same recorded training tokens and the same wall-clock budget (its own
recipe: ours is ``app/pipeline/train_sae.py``'s TopK + AuxK; SAE-Lens's ``TopKTrainingSAE`` with
its runner's defaults, lr 3e-4, batch 4,096, dead window 1,000 steps, AuxK coefficient 1;
overcomplete's ``TopKSAE`` with its README recipe, Adam 5e-4, batch 1,024, mean squared error).
Every one is then measured here, by the project's own code, on the same held-out tokens: FVU
(against the per-dimension mean, float64), L0, dead and dense (> 10 %) shares of latents on the
held-out tokens, training tokens per second, and mean best-latent AP over the defect types
(chosen on validation, measured on test: ``app/pipeline/concept_metrics.py``).

The libraries live in their own environment, bench/out/peers-venv, never in the app's
requirements: it is made on first use (``python3 -m venv``, then pip installs overcomplete 0.3.0,
sae-lens 6.54.12 and matplotlib < 3.9, which overcomplete 0.3.0 still needs; a few GB, as
sae-lens pulls its own torch). Tokens come from a recording:

    python main.py synth runs/peers/data --n-train 1500 --n-test 300
    python main.py record --data runs/peers/data --bundle model_store/mixed --out runs/peers/acts \\
        --train-images 1350 --val-images 150 --test-images 0
    python bench/sae_peers.py --acts runs/peers/acts --ks 16 32 --width 1536 --budget 240

Target (issue 21): ours has the lowest FVU at every k and at most 5 % dead latents.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
VENV = OUT / "peers-venv"
PEER_PACKAGES = ["overcomplete==0.3.0", "sae-lens==6.54.12", "matplotlib<3.9"]
TRAINERS = ("ours", "sae-lens", "overcomplete")


# --- workers: one trainer, one k, inside its own interpreter ----------------------------------


def _batches(n: int, batch: int, seed: int):  # noqa: ANN202
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for i in range(0, n - batch + 1, batch):
            yield np.sort(order[i : i + batch])


def _train_ours(x, k: int, width: int, budget: float, seed: int):  # noqa: ANN001, ANN202
    import torch

    sys.path.insert(0, str(ROOT))
    from app.pipeline.train_sae import SAETrainConfig, TrainableSAE, _lr, geometric_median, topk_loss

    cfg = SAETrainConfig(batch_tokens=1024, seed=seed, dead_window_frac=0.04, dead_window_min=20_000)
    n, d = x.shape
    gen = torch.Generator().manual_seed(seed)
    sample = torch.from_numpy(x[torch.randperm(n, generator=gen)[:20000].numpy()])
    scale = float(math.sqrt(d) / sample.norm(dim=1).mean())
    m = TrainableSAE(d, width, k, "topk", geometric_median(sample * scale), torch.Generator().manual_seed(seed * 1000 + k * 7 + width))
    opt = torch.optim.Adam(m.parameters(), lr=1e-4)
    dead_window = max(cfg.dead_window_min, int(cfg.dead_window_frac * n))
    total, step, t0, it = 10**9, 0, time.perf_counter(), _batches(n, cfg.batch_tokens, seed)
    while step < total and time.perf_counter() - t0 < budget:
        if step == 10:  # the schedule's length from the first steps' pace, so warmup and decay fit the budget
            total = max(20, int(budget / ((time.perf_counter() - t0) / 10)))
        for g in opt.param_groups:
            g["lr"] = _lr(cfg, width, step, max(total, 200))
        xb = torch.from_numpy(x[next(it)]) * scale
        loss = topk_loss(m, xb, (step + 1) * cfg.batch_tokens, dead_window, cfg.aux_alpha)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        m.remove_parallel_grad()
        torch.nn.utils.clip_grad_norm_(m.parameters(), cfg.grad_clip)
        opt.step()
        m.normalise_decoder()
        step += 1
    seconds = time.perf_counter() - t0
    w = m.folded_weights(scale)

    def enc(v):  # noqa: ANN001, ANN202
        pre = (v - w.b_dec) @ w.W_enc + w.b_enc
        idx = np.argpartition(-pre, k - 1, axis=1)[:, :k]
        z = np.zeros_like(pre)
        np.put_along_axis(z, idx, np.maximum(np.take_along_axis(pre, idx, axis=1), 0), axis=1)
        return z, z @ w.W_dec + w.b_dec

    return enc, step, step * cfg.batch_tokens, seconds


def _encoder(sae, codes):  # noqa: ANN001, ANN202
    """A library SAE's own encode (``codes``: tensor -> codes) and decode, in inference mode, on numpy arrays."""
    import torch

    sae.eval()

    def enc(v):  # noqa: ANN001, ANN202
        with torch.no_grad():
            z = codes(torch.from_numpy(v))
            return z.numpy(), sae.decode(z).numpy()

    return enc


def _train_sae_lens(x, k: int, width: int, budget: float, seed: int):  # noqa: ANN001, ANN202
    import torch
    from sae_lens.saes.sae import TrainStepInput
    from sae_lens.saes.topk_sae import TopKTrainingSAE, TopKTrainingSAEConfig

    torch.manual_seed(seed)
    n, d = x.shape
    sae = TopKTrainingSAE(TopKTrainingSAEConfig(d_in=d, d_sae=width, k=k, dtype="float32", device="cpu"))
    opt = torch.optim.Adam(sae.parameters(), lr=3e-4, betas=(0.9, 0.999))
    batch, window = 4096, 1000
    since = torch.zeros(width, dtype=torch.long)
    step, t0, it = 0, time.perf_counter(), _batches(n, batch, seed)
    while time.perf_counter() - t0 < budget:
        sae.train()
        out = sae.training_forward_pass(TrainStepInput(sae_in=torch.from_numpy(x[next(it)]), coefficients={},
                                                       dead_neuron_mask=(since > window), n_training_steps=step,
                                                       is_logging_step=False))
        with torch.no_grad():
            fired = (out.feature_acts > 0).any(0)
            since += 1
            since[fired] = 0
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(sae.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        step += 1
    return _encoder(sae, sae.encode), step, step * batch, time.perf_counter() - t0


def _train_overcomplete(x, k: int, width: int, budget: float, seed: int):  # noqa: ANN001, ANN202
    import torch
    from overcomplete.sae import TopKSAE

    torch.manual_seed(seed)
    n, d = x.shape
    sae = TopKSAE(d, nb_concepts=width, top_k=k, device="cpu")
    opt = torch.optim.Adam(sae.parameters(), lr=5e-4)
    batch = 1024
    step, t0, it = 0, time.perf_counter(), _batches(n, batch, seed)
    while time.perf_counter() - t0 < budget:
        sae.train()
        xb = torch.from_numpy(x[next(it)])
        _, _, x_hat = sae(xb)
        loss = (xb - x_hat).square().mean()  # the README's criterion
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(sae.parameters(), 1.0)  # train_sae's clip_grad default
        opt.step()
        step += 1
    return _encoder(sae, lambda v: sae.encode(v)[1]), step, step * batch, time.perf_counter() - t0


def worker(args: argparse.Namespace) -> int:
    import torch

    torch.set_num_threads(args.threads)
    work = Path(args.work)
    x = np.load(work / "train.npy")
    train = {"ours": _train_ours, "sae-lens": _train_sae_lens, "overcomplete": _train_overcomplete}[args.worker]
    enc, steps, tokens, seconds = train(x, args.k, args.width, args.budget, args.seed)
    out = work / f"{args.worker}_k{args.k}"
    for split in ("val", "test"):
        v = np.load(work / f"{split}.npy")
        zs, recs = zip(*(enc(v[i : i + 8192]) for i in range(0, len(v), 8192)))
        np.save(out.with_name(out.name + f"_{split}_codes.npy"), np.concatenate(zs).astype(np.float32))
        if split == "test":
            np.save(out.with_name(out.name + "_test_recon.npy"), np.concatenate(recs).astype(np.float32))
    out.with_suffix(".json").write_text(json.dumps({"steps": steps, "tokens": tokens, "seconds": seconds}))
    return 0


# --- the driver: data, environment, runs, the table -------------------------------------------


def ensure_venv() -> Path:
    py = VENV / "bin" / "python"
    ok = py.is_file() and subprocess.run([str(py), "-c", "import overcomplete, sae_lens"], capture_output=True).returncode == 0
    if not ok:
        print(f"making {VENV} (overcomplete, sae-lens; this downloads a few GB once)", file=sys.stderr)
        if not py.is_file():
            subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return py


def measure(name: str, k: int, work: Path, x_test: np.ndarray, lab_val: np.ndarray, lab_test: np.ndarray, types: list[str]) -> dict:
    sys.path.insert(0, str(ROOT))
    from app.pipeline.concept_metrics import concept_metrics
    from app.pipeline.latent_stats import ap_matrix
    from app.pipeline.sae_metrics import SAEMetricAccumulator

    stem = work / f"{name}_k{k}"
    z_val = np.load(f"{stem}_val_codes.npy")
    z_test = np.load(f"{stem}_test_codes.npy")
    acc = SAEMetricAccumulator(x_test.shape[1], z_test.shape[1])
    acc.add(x_test, np.load(f"{stem}_test_recon.npy"), z_test)
    m = acc.result()
    run = json.loads(stem.with_suffix(".json").read_text())
    import scipy.sparse as sp

    concepts = concept_metrics(sp.csr_matrix(z_val), lab_val, sp.csr_matrix(z_test), lab_test, types)
    onehot = np.stack([lab_test == 1 + t for t in range(len(types))], axis=1)
    best_test = np.nanmax(np.nan_to_num(ap_matrix(sp.csr_matrix(z_test), onehot), nan=0.0), axis=0)
    return {"trainer": name, "k": k, "fvu": m["fvu"], "l0": m["l0"], "dead": m["dead_fraction"], "dense": m["dense_fraction"],
            "tokens_per_s": run["tokens"] / run["seconds"], "steps": run["steps"], "seconds": run["seconds"],
            "mean_best_ap_val_chosen": concepts["map"], "mean_best_ap_test": float(best_test.mean())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--acts", help="a recording folder (python main.py record ...)")
    ap.add_argument("--ks", type=int, nargs="+", default=[16, 32])
    ap.add_argument("--width", type=int, default=1536)
    ap.add_argument("--budget", type=float, default=240.0, help="training seconds per trainer and k (default 240)")
    ap.add_argument("--trainers", nargs="+", default=list(TRAINERS), choices=TRAINERS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default=str(OUT / "peers-work"))
    ap.add_argument("--worker", choices=TRAINERS, help=argparse.SUPPRESS)
    ap.add_argument("--k", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    if not args.acts:
        ap.error("--acts is required")
    sys.path.insert(0, str(ROOT))
    from app.pipeline.record import open_recording

    rec = open_recording(args.acts)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    types = list(rec.header["defect_types"])
    labels = rec.defect_label_NP()
    ids = {s: rec.split_ids(s) for s in ("train", "val", "test")}
    for s in ("train", "val", "test"):
        np.save(work / f"{s}.npy", np.asarray(rec.tokens_for(ids[s]), np.float32))
    lab_val, lab_test = labels[ids["val"]].reshape(-1), labels[ids["test"]].reshape(-1)
    x_test = np.load(work / "test.npy")
    print(f"tokens: {len(np.load(work / 'train.npy', mmap_mode='r')):,} train, {len(lab_val):,} val, {len(x_test):,} held-out test; "
          f"d {x_test.shape[1]}, width {args.width}, {args.budget:g} s per trainer, {args.threads} threads", file=sys.stderr)
    peer_py = ensure_venv() if any(t != "ours" for t in args.trainers) else None
    rows = []
    for k in args.ks:
        for t in args.trainers:
            py = sys.executable if t == "ours" else str(peer_py)
            cmd = [py, __file__, "--worker", t, "--k", str(k), "--width", str(args.width), "--budget", str(args.budget),
                   "--seed", str(args.seed), "--threads", str(args.threads), "--work", str(work)]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{t} k={k} failed:\n{r.stderr[-2000:]}", file=sys.stderr)
                continue
            rows.append(measure(t, k, work, x_test, lab_val, lab_test, types))
            print(f"{t} k={k}: done in {rows[-1]['seconds']:.0f} s", file=sys.stderr)
    print(f"{'trainer':<13} {'k':>3} {'FVU':>8} {'L0':>6} {'dead':>6} {'dense':>6} {'tok/s':>8} {'steps':>6} {'bestAP':>7} {'(test-chosen)':>13}")
    for r in rows:
        print(f"{r['trainer']:<13} {r['k']:>3} {r['fvu']:8.4f} {r['l0']:6.1f} {r['dead']:6.1%} {r['dense']:6.1%} "
              f"{r['tokens_per_s']:8.0f} {r['steps']:6d} {r['mean_best_ap_val_chosen']:7.3f} {r['mean_best_ap_test']:13.3f}")
    for k in args.ks:
        at_k = [r for r in rows if r["k"] == k]
        ours = next((r for r in at_k if r["trainer"] == "ours"), None)
        if ours is None or len(at_k) < 2:
            continue
        lowest = all(ours["fvu"] <= r["fvu"] for r in at_k)
        print(f"k={k}: ours {'has' if lowest else 'does NOT have'} the lowest FVU; dead {ours['dead']:.1%} "
              f"({'within' if ours['dead'] <= 0.05 else 'ABOVE'} 5%) -> target {'met' if lowest and ours['dead'] <= 0.05 else 'NOT met'}")
    (OUT / "sae_peers.json").write_text(json.dumps({"budget_s": args.budget, "width": args.width, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
