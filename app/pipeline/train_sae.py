"""Training a grid of sparse autoencoders on recorded patch tokens, in one pass over the data.

Defaults follow the field's later experiments (Gao et al. 2024; saev's own later runs):
TopK per token with an AuxK loss on dead latents (alpha 1/32, k_aux = D/2), unit-norm
decoder rows with the parallel gradient removed, b_dec at the geometric median, encoder
initialised as the decoder's transpose, inputs scaled to mean norm sqrt(D) (the scale is
folded into the saved weights), lr 2e-4*sqrt(16384/S) with warmup and a decay over the
last fifth, gradient clipping at 1. ReLU + L1 (Stevens et al. 2025) is available as an option.

Objectives: ``plain`` TopK, and ``matryoshka`` TopK (Nabeshima; Bussmann et al. 2025; saev's
``src/saev/nn/objectives.py``, SAELens ``MatryoshkaBatchTopK``): the same per-token TopK code z over
the whole dictionary, decoded from every nested prefix of it, z[:, :p] @ W_dec[:p] + b_dec for
p in the prefixes (the last is the width), and the normalised reconstruction loss averaged over
the prefixes, as saev averages its prefix MSEs. saev samples random prefix cuts each step; these
are fixed (as SAELens's widths), so the saved config can state them and a browser can order the
latents coarse to fine. Both objectives train in the same pass over the same batches; the AuxK
term is the same for both. At inference a Matryoshka SAE is a plain TopK SAE (per token, no
batch threshold).

Saved weights follow the engine's formulas: z = act((x - b_dec) @ W_enc + b_enc),
x_hat = z @ W_dec + b_dec, in the raw (unscaled) token space.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from app.core.sae import SAEConfig, SAEWeights
from app.pipeline.sae_metrics import SAEMetricAccumulator


@dataclass(frozen=True)
class SAETrainConfig:
    ks: tuple[int, ...] = (16, 32, 64)
    expansions: tuple[int, ...] = (4, 8)
    activation: str = "topk"  # "topk" or "relu" (ReLU + L1)
    l1_coeff: float = 5e-3  # relu only, on scaled inputs
    batch_tokens: int = 1024
    epochs: float = 3.0
    warmup_frac: float = 0.05
    decay_frac: float = 0.2
    lr_base: float = 2e-4  # at S = 16384; scaled by sqrt(16384 / S)
    aux_alpha: float = 1 / 32
    dead_window_frac: float = 0.125  # dead = no firing within this share of the training tokens
    dead_window_min: int = 50_000
    grad_clip: float = 1.0
    seed: int = 0
    threads: int = 2
    # share of every batch drawn from the focus tokens (defect patches) when a grid is given them:
    # they are ~1.5% of a part's patches, so a plain sample spends almost no steps on them
    focus_share: float = 0.0
    objectives: tuple[str, ...] = ("plain", "matryoshka")  # trained side by side in the same pass (topk only)
    matryoshka_fractions: tuple[float, ...] = (1 / 16, 1 / 4)  # inner prefixes as shares of the width; the width is added

    def variants(self, d: int) -> list[tuple[str, int, int]]:
        """(objective, k, width) triples; for relu, k is 0 and the objective plain."""
        ks = self.ks if self.activation == "topk" else (0,)
        objs = [o for o in self.objectives if self.activation == "topk" or o == "plain"] or ["plain"]
        for o in objs:
            if o not in ("plain", "matryoshka"):
                raise ValueError(f"unknown SAE objective '{o}'")
        return [(o, k, e * d) for o in objs for k in ks for e in self.expansions]

    def prefixes(self, width: int) -> tuple[int, ...]:
        """The Matryoshka prefix sizes for a width: the fractions' sizes (at least 1, increasing), then the width."""
        inner = sorted({max(1, int(round(f * width))) for f in self.matryoshka_fractions if 0 < f < 1} - {width})
        return (*inner, width)


class TrainableSAE(torch.nn.Module):
    def __init__(
        self, d: int, s: int, k: int, activation: str, b_dec: torch.Tensor, gen: torch.Generator, prefixes: tuple[int, ...] = ()
    ) -> None:
        super().__init__()
        self.d, self.s, self.k, self.activation = d, s, k, activation
        self.prefixes = tuple(prefixes)  # matryoshka: nested prefix sizes ending at s; empty: plain
        w = torch.randn(s, d, generator=gen)
        w = w / w.norm(dim=1, keepdim=True)
        self.W_dec = torch.nn.Parameter(w)
        self.W_enc = torch.nn.Parameter(w.t().clone())
        self.b_enc = torch.nn.Parameter(torch.zeros(s))
        self.b_dec = torch.nn.Parameter(b_dec.clone())
        self.register_buffer("last_fired", torch.zeros(s, dtype=torch.long))

    def pre(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.b_dec) @ self.W_enc + self.b_enc

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        pre = self.pre(x)
        if self.activation == "relu":
            return torch.relu(pre)
        vals, idx = pre.topk(self.k, dim=1)
        return torch.zeros_like(pre).scatter_(1, idx, torch.relu(vals))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return z @ self.W_dec + self.b_dec

    @torch.no_grad()
    def remove_parallel_grad(self) -> None:
        if self.W_dec.grad is not None:
            g, w = self.W_dec.grad, self.W_dec
            g -= (g * w).sum(1, keepdim=True) * w

    @torch.no_grad()
    def normalise_decoder(self) -> None:
        self.W_dec /= self.W_dec.norm(dim=1, keepdim=True).clamp_min(1e-8)

    def folded_weights(self, scale: float) -> SAEWeights:
        """Fold the input scale c (x_scaled = c x) into weights for raw tokens."""
        with torch.no_grad():
            return SAEWeights(
                W_enc=(self.W_enc * scale).numpy().astype(np.float32),
                b_enc=self.b_enc.numpy().astype(np.float32).copy(),
                W_dec=(self.W_dec / scale).numpy().astype(np.float32),
                b_dec=(self.b_dec / scale).numpy().astype(np.float32),
            )


def geometric_median(x_ND: torch.Tensor, iters: int = 50) -> torch.Tensor:
    """Weiszfeld's algorithm."""
    y = x_ND.mean(0)
    for _ in range(iters):
        w = 1.0 / (x_ND - y).norm(dim=1).clamp_min(1e-6)
        y_new = (w[:, None] * x_ND).sum(0) / w.sum()
        if (y_new - y).norm() < 1e-6 * (1 + y.norm()):
            return y_new
        y = y_new
    return y


def _lr(cfg: SAETrainConfig, s: int, step: int, total: int) -> float:
    base = cfg.lr_base * math.sqrt(16384 / s)
    warm = max(1, int(cfg.warmup_frac * total))
    decay_start = int((1 - cfg.decay_frac) * total)
    if step < warm:
        return base * (step + 1) / warm
    if step >= decay_start:
        return base * max(0.0, (total - step) / max(1, total - decay_start))
    return base


class BatchPlan:
    """Which token rows each step trains on: ``batch_tokens`` rows per step, of which
    ``round(focus_share * batch_tokens)`` come from the focus pool when there is one.

    Each pool is walked through a fresh seeded permutation and re-shuffled when it runs out,
    so every focus token is used once before any is used twice. A focus pool smaller than its
    share of one batch (a user's few defect patches) is walked round several times in that
    batch. Every rank draws the same plan and keeps its own slice (``rank::world``), as the
    training loop always did.
    """

    def __init__(self, n_main: int, n_focus: int, cfg: SAETrainConfig) -> None:
        if not 0.0 <= cfg.focus_share < 1.0:
            raise ValueError(f"focus_share must be in [0, 1), not {cfg.focus_share}")
        self.n_focus_rows = int(round(cfg.focus_share * cfg.batch_tokens)) if n_focus > 0 else 0
        self.n_main_rows = cfg.batch_tokens - self.n_focus_rows
        self._rng = np.random.default_rng(cfg.seed)
        self._main, self._focus = _Walk(n_main, self._rng), _Walk(n_focus, self._rng)

    def next(self, rank: int = 0, world: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(main rows, focus rows) of the next step, this rank's slice."""
        return self._main.take(self.n_main_rows)[rank::world], self._focus.take(self.n_focus_rows)[rank::world]


class _Walk:
    """Sorted row indices from seeded permutations of ``n`` rows, a fresh one when one runs out."""

    def __init__(self, n: int, rng: np.random.Generator) -> None:
        self.n, self._rng = n, rng
        self._order, self._pos = rng.permutation(n), 0

    def take(self, m: int) -> np.ndarray:
        if m == 0 or self.n == 0:
            return np.zeros(0, np.int64)
        if self.n < m:  # whole walks, then a part of a fresh one
            laps = [self._rng.permutation(self.n) for _ in range(m // self.n)]
            return np.sort(np.concatenate([*laps, self._rng.permutation(self.n)[: m % self.n]]))
        if self._pos + m > self.n:
            self._order, self._pos = self._rng.permutation(self.n), 0
        out = np.sort(self._order[self._pos : self._pos + m])
        self._pos += m
        return out


@dataclass
class GridResult:
    scale: float
    variants: list[dict[str, Any]] = field(default_factory=list)  # per SAE: k, width, metrics, weights path


def sae_name(k: int, width: int, activation: str, objective: str = "plain") -> str:
    if activation != "topk":
        return f"sae_relu_w{width}"
    return f"sae_mtopk_k{k}_w{width}" if objective == "matryoshka" else f"sae_topk_k{k}_w{width}"


def _norm_mse(x: torch.Tensor, recon: torch.Tensor) -> torch.Tensor:
    """Squared error over the batch's variance about its mean (an FVU on the batch)."""
    return (x - recon).pow(2).sum(1).mean() / (x - x.mean(0)).pow(2).sum(1).mean().clamp_min(1e-8)


def topk_loss(
    m: TrainableSAE, x: torch.Tensor, tokens_seen: int, dead_window: int, aux_alpha: float, wsize: int = 1
) -> torch.Tensor:
    """The TopK objective of one batch: normalised reconstruction (averaged over the Matryoshka
    prefixes when ``m`` has them) plus AuxK on the latents dead for ``dead_window`` tokens."""
    d = x.shape[1]
    pre = m.pre(x)
    vals, topi = pre.topk(m.k, dim=1)
    z = torch.zeros_like(pre).scatter_(1, topi, torch.relu(vals))
    if m.prefixes:
        recon, start, losses = m.b_dec.expand_as(x), 0, []
        for p in m.prefixes:
            recon = recon + z[:, start:p] @ m.W_dec[start:p]
            losses.append(_norm_mse(x, recon))
            start = p
        loss = torch.stack(losses).mean()
    else:
        recon = m.decode(z)
        loss = _norm_mse(x, recon)
    err = x - recon
    with torch.no_grad():
        fired = (z > 0).any(0)
        if wsize > 1:  # a latent is alive if it fired on any rank's slice
            import torch.distributed as dist

            fired_i = fired.to(torch.int32)
            dist.all_reduce(fired_i, op=dist.ReduceOp.MAX)
            fired = fired_i.bool()
        m.last_fired[fired] = tokens_seen
        dead = (tokens_seen - m.last_fired) > dead_window
    if dead.any():
        # AuxK: the dead latents' top k_aux pre-activations model the residual
        k_aux = min(d // 2, int(dead.sum()))
        pre_dead = torch.where(dead, pre, torch.full_like(pre, -float("inf")))
        av, ai = pre_dead.topk(k_aux, dim=1)
        z_aux = torch.zeros_like(pre).scatter_(1, ai, torch.relu(av))
        err_hat = z_aux @ m.W_dec
        aux = (err.detach() - err_hat).pow(2).sum(1).mean() / err.detach().pow(2).sum(1).mean().clamp_min(1e-8)
        loss = loss + aux_alpha * torch.nan_to_num(aux, nan=0.0)
    return loss


def train_sae_grid(
    train_tokens_ND: np.ndarray,
    val_tokens_ND: np.ndarray,
    cfg: SAETrainConfig,
    out_dir: Path,
    *,
    progress: bool = True,
    world: Any = None,
    focus_tokens_ND: np.ndarray | None = None,
) -> GridResult:
    """Train every (k, width) variant on the same batches; save folded weights + metrics.

    With ``focus_tokens_ND`` (defect-patch tokens) and ``cfg.focus_share`` > 0, that share of
    every batch comes from them (``BatchPlan``); an epoch still counts the main tokens.

    Resumable: a finished variant's weights and metrics are reused. Under torchrun, each
    rank takes its own slice of every batch and DDP-style gradient averaging keeps the
    replicas identical.
    """
    from safetensors.numpy import save_file
    from tqdm import tqdm

    torch.set_num_threads(cfg.threads)
    out_dir.mkdir(parents=True, exist_ok=True)
    rank, wsize = (world.rank, world.size) if world is not None else (0, 1)
    n, d = train_tokens_ND.shape
    gen = torch.Generator().manual_seed(cfg.seed)
    # scale so the mean token norm is sqrt(D); one number for the whole grid, folded at save
    sample = torch.from_numpy(np.asarray(train_tokens_ND[torch.randperm(n, generator=gen)[:20000].numpy()], np.float32))
    scale = float(math.sqrt(d) / sample.norm(dim=1).mean())
    b_dec0 = geometric_median(sample * scale)
    variants = cfg.variants(d)
    todo = [(o, k, s) for o, k, s in variants if not (out_dir / f"{sae_name(k, s, cfg.activation, o)}.json").is_file()]
    saes = {
        (o, k, s): TrainableSAE(d, s, k, cfg.activation, b_dec0,
                                torch.Generator().manual_seed(cfg.seed * 1000 + k * 7 + s + (o == "matryoshka")),
                                prefixes=cfg.prefixes(s) if o == "matryoshka" else ())
        for o, k, s in todo
    }
    opts = {key: torch.optim.Adam(m.parameters(), lr=1e-4, betas=(0.9, 0.999)) for key, m in saes.items()}
    total = int(cfg.epochs * n / cfg.batch_tokens)
    dead_window = max(cfg.dead_window_min, int(cfg.dead_window_frac * n))
    bar = tqdm(total=total, desc=f"train {len(saes)} SAEs", unit="step", disable=not progress or rank != 0 or not saes)
    t0 = time.time()
    n_focus = 0 if focus_tokens_ND is None or cfg.focus_share <= 0 else len(focus_tokens_ND)
    plan = BatchPlan(n, n_focus, cfg)
    for step in range(total if saes else 0):
        idx, fidx = plan.next(rank, wsize)
        rows = np.asarray(train_tokens_ND[idx], np.float32)
        if fidx.size:
            rows = np.concatenate([rows, np.asarray(focus_tokens_ND[fidx], np.float32)])  # type: ignore[index]
        x = torch.from_numpy(rows) * scale
        tokens_seen = (step + 1) * cfg.batch_tokens
        for key, m in saes.items():
            opt = opts[key]
            for g in opt.param_groups:
                g["lr"] = _lr(cfg, m.s, step, total)
            if cfg.activation == "relu":
                z = torch.relu(m.pre(x))
                recon = m.decode(z)
                loss = ((recon - x) ** 2).sum(1).mean() / d + cfg.l1_coeff * (z * m.W_dec.norm(dim=1)).sum(1).mean()
            else:
                loss = topk_loss(m, x, tokens_seen, dead_window, cfg.aux_alpha, wsize)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if wsize > 1:
                import torch.distributed as dist

                for p in m.parameters():
                    if p.grad is not None:
                        dist.all_reduce(p.grad)
                        p.grad /= wsize
            m.remove_parallel_grad()
            torch.nn.utils.clip_grad_norm_(m.parameters(), cfg.grad_clip)
            opt.step()
            m.normalise_decoder()
        bar.update()
    bar.close()
    result = GridResult(scale=scale)
    for o, k, s in variants:
        name = sae_name(k, s, cfg.activation, o)
        meta_p = out_dir / f"{name}.json"
        if (o, k, s) in saes and rank == 0:
            w = saes[(o, k, s)].folded_weights(scale)
            save_file(w.to_arrays(), str(out_dir / f"{name}.safetensors"))
            prefixes = saes[(o, k, s)].prefixes
            sae_cfg = SAEConfig(d, s, "topk" if cfg.activation == "topk" else "relu", k if cfg.activation == "topk" else None,  # type: ignore[arg-type]
                                o, prefixes)  # type: ignore[arg-type]
            metrics = evaluate_sae(sae_cfg, w, val_tokens_ND)
            meta = {"name": name, "k": k, "width": s, "activation": cfg.activation, "objective": o, "prefixes": list(prefixes),
                    "scale": scale,
                    "train_tokens": n, "focus_tokens": n_focus, "focus_rows_per_batch": plan.n_focus_rows, "steps": total, "train_seconds": round(time.time() - t0, 1),
                    "val": metrics, "config": _cfg_json(cfg)}
            meta_p.write_text(json.dumps(meta, indent=1))
        if meta_p.is_file():
            result.variants.append(json.loads(meta_p.read_text()))
    return result


def _cfg_json(cfg: SAETrainConfig) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cfg).items()}


def evaluate_sae(sae_cfg: SAEConfig, w: SAEWeights, tokens_ND: np.ndarray, chunk: int = 8192) -> dict[str, float]:
    """FVU, L0, dead/dense fractions and cosine on held-out tokens (raw token space)."""
    from app.core.sae import decode, encode

    acc = SAEMetricAccumulator(w.W_enc.shape[0], w.W_enc.shape[1])
    for i in range(0, len(tokens_ND), chunk):
        x = np.asarray(tokens_ND[i : i + chunk], np.float32)
        z = encode(w, sae_cfg, x)
        acc.add(x, decode(w, z), z)
    return acc.result()


def load_variant(out_dir: Path, meta: dict[str, Any], d: int) -> tuple[SAEConfig, SAEWeights]:
    from safetensors.numpy import load_file

    act = "topk" if meta["activation"] == "topk" else "relu"
    cfg = SAEConfig(d, int(meta["width"]), act, int(meta["k"]) if act == "topk" else None,  # type: ignore[arg-type]
                    meta.get("objective", "plain"), tuple(meta.get("prefixes", ())))
    return cfg, SAEWeights.from_arrays(load_file(str(out_dir / f"{meta['name']}.safetensors")))


def pareto_plot(variants: Sequence[dict[str, Any]], out: Path, chosen: str | None = None) -> Path:
    """FVU against L0 on validation, one point per SAE, the chosen one ringed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    groups = sorted({(v.get("objective", "plain"), v["width"]) for v in variants})
    for (obj, wdt), marker in zip(groups, "osD^v<>ph"):
        pts = sorted(((v["val"]["l0"], v["val"]["fvu"], v) for v in variants
                      if v["width"] == wdt and v.get("objective", "plain") == obj), key=lambda p: (p[0], p[1]))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, ls="--" if obj == "matryoshka" else "-",
                label=f"{'Matryoshka ' if obj == 'matryoshka' else ''}width {wdt}")
        for l0, f, v in pts:
            ax.annotate(f"k={v['k']}, dead {v['val']['dead_fraction']:.0%}", (l0, f), fontsize=7, xytext=(4, 4),
                        textcoords="offset points")
            if v["name"] == chosen:
                ax.scatter([l0], [f], s=200, facecolors="none", edgecolors="red", linewidths=2, zorder=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("L0 (active latents per token), validation")
    ax.set_ylabel("FVU, validation")
    ax.set_title("SAE grid: reconstruction vs sparsity" + (" (chosen: red ring)" if chosen else ""))
    ax.legend()
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out
