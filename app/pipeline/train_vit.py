"""Training the defect ViT from scratch: a class head (ok + defect types) and a patch head.

The default run is defined by a sample count and a seed, not by wall-clock time. Training
uses bf16 autocast on the CPU (AMX doubles throughput here; held-out metrics matched fp32
within 5e-4 when measured); inference stays float32. Checkpoints are safetensors + JSON
(no pickles), so a stopped run resumes where it stopped.
"""

from __future__ import annotations

import json
import math
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from app.core.preprocess import Preprocessing
from app.core.vit import VisionTransformer, build_vit
from app.core.vit_config import ViTConfig
from app.pipeline.dataset import InspectionDataset, Pool, load_pool


@dataclass(frozen=True)
class TrainConfig:
    img_size: int = 224
    patch_size: int = 16
    embed_dim: int = 192
    depth: int = 6
    num_heads: int = 3
    stem: str = "conv"
    stem_channels: tuple[int, ...] = (32, 64, 128)
    hooked_layer: int = 3
    batch_size: int = 64
    lr: float = 8e-4
    min_lr: float = 1e-5
    weight_decay: float = 0.05
    beta2: float = 0.95
    warmup_samples: int = 10_000
    total_samples: int = 200_000
    defect_patch_weight: float = 10.0  # defect patches weigh x10 in the patch loss (measured: faster localisation)
    patch_loss_weight: float = 1.0
    # Deep supervision at the hooked layer: a training-only linear probe classifies each patch token
    # (ok or defect type) straight from the residual stream the SAE will read. Without it the default
    # ViT's layer-3 tokens held almost no type information (patch-head AP 0.01-0.02 for most types),
    # so no SAE latent could name a scratch. The probe is discarded; the exported ViT is unchanged in form.
    hooked_probe_weight: float = 1.0
    probe_min_cover: float = 0.1  # a patch counts as defect for the probe from this coverage; (0, this) is ignored
    # An optional second, defect-heavy phase after ``total_samples`` (a warm restart of the lr). Half of
    # every phase-1 batch is good parts, which teach "ok" but nothing about which defect is which; the
    # types (and the hooked layer's type probe) only learn from the defective half.
    refine_samples: int = 0
    refine_lr: float = 3e-4
    refine_warmup_samples: int = 3_000
    refine_defect_fraction: float = 0.8  # share of defective images in each refine batch
    refine_probe_weight: float = 2.0
    # The verdict's head (``ViTConfig.score_head``). ``patch_max`` (product presets): the score is the
    # defect map's peak by construction, trained with binary patch targets, a BCE on the peak logit
    # (which makes every good patch of a good part a negative of the image verdict) and type losses.
    score_head: str = "class"
    defect_min_cover: float = 0.02  # patch_max: a patch is a defect patch from this coverage; (0, this) is ignored
    image_loss_weight: float = 1.0
    type_loss_weight: float = 1.0
    # Crop training (patch_max only): the first ``crop_samples`` samples are crops of
    # ``crop_patches``² patches with their sub-grid of the position embedding (a 8×8 crop of a 14×14
    # grid costs about a third of a full image); a defective image's crop holds its defect with
    # probability ``crop_on_defect``. The rest of the run is on full images.
    crop_patches: int = 0
    crop_samples: int = 0
    crop_on_defect: float = 0.8
    bf16: bool = True
    seed: int = 0
    eval_every_samples: int = 25_000
    eval_images: int = 800
    checkpoint_every_s: float = 120.0
    threads: int = 2
    mean: tuple[float, float, float] = (0.485, 0.456, 0.406)
    std: tuple[float, float, float] = (0.229, 0.224, 0.225)

    def vit_config(self, num_classes: int) -> ViTConfig:
        return ViTConfig(
            img_size=self.img_size, patch_size=self.patch_size, embed_dim=self.embed_dim, depth=self.depth,
            num_heads=self.num_heads, num_classes=num_classes, stem=self.stem,  # type: ignore[arg-type]
            stem_channels=self.stem_channels if self.stem == "conv" else (), score_head=self.score_head,  # type: ignore[arg-type]
        )

    def preprocessing(self) -> Preprocessing:
        return Preprocessing(input_size=(self.img_size, self.img_size), mean=self.mean, std=self.std)

    @property
    def planned_samples(self) -> int:
        return self.total_samples + self.refine_samples

    def refining(self, samples: int) -> bool:
        return self.refine_samples > 0 and samples >= self.total_samples

    def probe_weight(self, samples: int) -> float:
        return self.refine_probe_weight if self.refining(samples) else self.hooked_probe_weight

    def cropping(self, samples: int) -> bool:
        return self.score_head == "patch_max" and self.crop_patches > 0 and samples < self.crop_samples


@dataclass
class TrainState:
    samples_seen: int = 0
    step: int = 0
    elapsed_s: float = 0.0
    losses: list[tuple[float, ...]] = field(default_factory=list)  # (samples, class loss, patch loss[, hooked probe loss])
    curve: list[dict[str, Any]] = field(default_factory=list)  # held-out metrics at checkpoints


def _warmup_cosine(peak: float, floor: float, warmup: int, total: int, batch: int, samples: int) -> float:
    if samples < warmup:
        return peak * (samples + batch) / warmup
    t = (samples - warmup) / max(1, total - warmup)
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * min(1.0, t)))


def lr_at(cfg: TrainConfig, samples: int) -> float:
    """Linear warmup, then cosine decay to ``min_lr``; the refine phase restarts both from ``refine_lr``."""
    if cfg.refining(samples):
        return _warmup_cosine(cfg.refine_lr, cfg.min_lr, cfg.refine_warmup_samples, cfg.refine_samples, cfg.batch_size,
                              samples - cfg.total_samples)
    return _warmup_cosine(cfg.lr, cfg.min_lr, cfg.warmup_samples, cfg.total_samples, cfg.batch_size, samples)


def batch_indices(cfg: TrainConfig, labels_N: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted image indices of one batch: uniform in phase 1, ``refine_defect_fraction`` defective when refining."""
    n = len(labels_N)
    if not cfg.refining(samples):
        return np.sort(rng.choice(n, cfg.batch_size, replace=False))
    defect, good = np.nonzero(labels_N > 0)[0], np.nonzero(labels_N == 0)[0]
    n_def = min(len(defect), round(cfg.batch_size * cfg.refine_defect_fraction))
    n_good = min(len(good), cfg.batch_size - n_def)
    return np.sort(np.concatenate([rng.choice(defect, n_def, replace=False), rng.choice(good, n_good, replace=False)]))


def is_trained(run_dir: Path, cfg: TrainConfig) -> bool:
    """True when ``run_dir`` holds an exported ViT that saw every planned sample (phase 1 and refine)."""
    done, weights = run_dir / "DONE", run_dir / "vit.safetensors"
    if not (done.is_file() and weights.is_file()):
        return False
    return int(json.loads(done.read_text()).get("samples", 0)) >= cfg.planned_samples


def _augment(x_NHWC: torch.Tensor, cover_NGG: torch.Tensor, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """The eight flips/rotations of the square, per sample, applied to image and targets alike."""
    out_x, out_c = torch.empty_like(x_NHWC), torch.empty_like(cover_NGG)
    ks = rng.integers(0, 8, x_NHWC.shape[0])
    for k in range(8):
        idx = torch.from_numpy(np.nonzero(ks == k)[0])
        if idx.numel() == 0:
            continue
        xi, ci = x_NHWC[idx], cover_NGG[idx]
        if k >= 4:
            xi, ci = xi.flip(2), ci.flip(2)
        xi, ci = torch.rot90(xi, k % 4, dims=(1, 2)), torch.rot90(ci, k % 4, dims=(1, 2))
        out_x[idx], out_c[idx] = xi, ci
    return out_x, out_c


def _to_pixels(x_NHWC_uint8: torch.Tensor, cfg: TrainConfig) -> torch.Tensor:
    x = x_NHWC_uint8.permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(cfg.mean).view(1, 3, 1, 1)
    std = torch.tensor(cfg.std).view(1, 3, 1, 1)
    return (x - mean) / std


class _ProbedViT(torch.nn.Module):
    """The ViT plus its training-only type probe at the hooked layer (keys ``vit.*`` and ``probe.*``)."""

    def __init__(self, vit: VisionTransformer, num_classes: int) -> None:
        super().__init__()
        self.vit = vit
        self.probe = torch.nn.Linear(vit.cfg.embed_dim, num_classes)

    def forward(self, pixels_BCHW: torch.Tensor, grid_offset_B2: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """class logits [B, C], patch logits [B, P], patch type logits [B, P, T] (patch_max), probe logits [B, P, C]."""
        tokens_BTD = self.vit.prefix(pixels_BCHW, grid_offset_B2)
        x = self.vit.trunk_suffix(tokens_BTD)
        patch_BP, types_BPT = self.vit.patch_outputs(x)
        out = {"class": self.vit.class_logits(x, patch_BP, types_BPT), "patch": patch_BP,
               "probe": self.probe(tokens_BTD[:, self.vit.num_prefix_tokens :])}
        if types_BPT is not None:
            out["types"] = types_BPT
        return out


def crop_batch(
    x_NHWC: torch.Tensor, cover_NGG: torch.Tensor, labels_N: torch.Tensor, crop: int, patch: int, on_defect: float,
    rng: np.random.Generator,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-image crops of ``crop``² patches: (pixels [N, c, c, 3], cover [N, crop, crop], offsets [N, 2]).

    A defective image's crop is placed to hold its most-covered patch with probability ``on_defect``
    (a uniform crop of a 14×14 grid misses a small defect two times in three)."""
    n, g = cover_NGG.shape[0], cover_NGG.shape[1]
    span = g - crop
    offs = rng.integers(0, span + 1, size=(n, 2))
    for i in range(n):
        if labels_N[i] > 0 and rng.random() < on_defect:
            flat = int(torch.argmax(cover_NGG[i]).item())
            r, c = divmod(flat, g)
            offs[i, 0] = rng.integers(max(0, r - crop + 1), min(span, r) + 1)
            offs[i, 1] = rng.integers(max(0, c - crop + 1), min(span, c) + 1)
    px = crop * patch
    xs = torch.stack([x_NHWC[i, o[0] * patch : o[0] * patch + px, o[1] * patch : o[1] * patch + px] for i, o in enumerate(offs)])
    cs = torch.stack([cover_NGG[i, o[0] : o[0] + crop, o[1] : o[1] + crop] for i, o in enumerate(offs)])
    return xs, cs, torch.from_numpy(offs)


def patch_max_loss(
    out: dict[str, torch.Tensor], cover_BP: torch.Tensor, labels_B: torch.Tensor, cfg: TrainConfig
) -> tuple[torch.Tensor, dict[str, float]]:
    """Losses of the ``patch_max`` head: binary patch BCE (defect patches weighted), BCE on the peak
    patch logit against the image's (or crop's) label, and per-patch plus pooled type cross-entropy."""
    is_def = cover_BP >= cfg.defect_min_cover
    ignore = (cover_BP > 0) & ~is_def
    weight = torch.where(is_def, cfg.defect_patch_weight, 1.0) * (~ignore).float()
    patch_BP = out["patch"]
    loss_p = (F.binary_cross_entropy_with_logits(patch_BP, is_def.float(), reduction="none") * weight).sum() / weight.sum()
    img_def = is_def.any(dim=1)
    loss_i = F.binary_cross_entropy_with_logits(patch_BP.max(dim=1).values, img_def.float())
    types_BPT = out["types"]
    type_t = (labels_B - 1).clamp(min=0)[:, None].expand_as(cover_BP)
    sel = is_def & (labels_B[:, None] > 0)
    loss_t = F.cross_entropy(types_BPT[sel], type_t[sel]) if sel.any() else patch_BP.sum() * 0
    has = img_def & (labels_B > 0)
    if has.any():
        w_BP = torch.softmax(patch_BP[has], dim=1)
        pooled = (w_BP.unsqueeze(-1) * types_BPT[has]).sum(dim=1)
        loss_t = loss_t + F.cross_entropy(pooled, labels_B[has] - 1)
    loss = cfg.patch_loss_weight * loss_p + cfg.image_loss_weight * loss_i + cfg.type_loss_weight * loss_t
    return loss, {"patch": loss_p.item(), "image": loss_i.item(), "type": loss_t.item()}


def probe_targets(cover_BP: torch.Tensor, labels_B: torch.Tensor, min_cover: float) -> torch.Tensor:
    """Per-patch class for the probe: the image's defect type where covered, ok (0) where clean, -100 between."""
    t_BP = labels_B[:, None] * (cover_BP >= min_cover).long()
    t_BP[(cover_BP > 0) & (cover_BP < min_cover)] = -100
    return t_BP


def _param_groups(model: torch.nn.Module, wd: float) -> list[dict[str, Any]]:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim < 2 or "pos_embed" in name or "cls_token" in name else decay).append(p)
    return [{"params": decay, "weight_decay": wd}, {"params": no_decay, "weight_decay": 0.0}]


def save_checkpoint(run_dir: Path, model: torch.nn.Module, opt: torch.optim.Optimizer, state: TrainState, cfg: TrainConfig) -> None:
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in opt.param_groups:
        for p in group["params"]:
            st = opt.state.get(p)
            if st:
                for key in ("exp_avg", "exp_avg_sq"):
                    tensors[f"opt.{names[id(p)]}.{key}"] = st[key].contiguous()
                tensors[f"opt.{names[id(p)]}.step"] = torch.as_tensor(st["step"], dtype=torch.float32).reshape(1)
    tmp = run_dir / "checkpoint.safetensors.tmp"
    save_file(tensors, str(tmp))
    tmp.replace(run_dir / "checkpoint.safetensors")
    (run_dir / "state.json").write_text(json.dumps({"state": asdict(state), "config": _cfg_json(cfg)}, indent=1))


def load_checkpoint(run_dir: Path, model: torch.nn.Module, opt: torch.optim.Optimizer) -> TrainState | None:
    from safetensors.torch import load_file

    ck, sj = run_dir / "checkpoint.safetensors", run_dir / "state.json"
    if not (ck.is_file() and sj.is_file()):
        return None
    tensors = load_file(str(ck))
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    for name, p in model.named_parameters():
        if f"opt.{name}.exp_avg" in tensors:
            opt.state[p] = {
                "exp_avg": tensors[f"opt.{name}.exp_avg"], "exp_avg_sq": tensors[f"opt.{name}.exp_avg_sq"],
                "step": tensors[f"opt.{name}.step"].reshape(()),
            }
    raw = json.loads(sj.read_text())["state"]
    st = TrainState(**{k: raw[k] for k in ("samples_seen", "step", "elapsed_s")})
    st.losses = [tuple(x) for x in raw["losses"]]  # type: ignore[misc]
    st.curve = raw["curve"]
    return st


def _cfg_json(cfg: TrainConfig) -> dict[str, Any]:
    d = asdict(cfg)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def quick_heldout_metrics(model: VisionTransformer, pool: Pool, cfg: TrainConfig) -> dict[str, float]:
    """Cheap learning-curve metrics on held-out images: image AUROC, patch-level AUROC."""
    from sklearn.metrics import roc_auc_score

    was = model.training
    model.eval()
    scores, patch_probs = [], []
    with torch.inference_mode():
        for i in range(0, len(pool.labels_N), 128):
            x = _to_pixels(torch.from_numpy(np.asarray(pool.images_NHWC[i : i + 128])), cfg)
            cl, pl = model(x)
            scores.append(1 - torch.softmax(cl.float(), -1)[:, 0].numpy())
            patch_probs.append(torch.sigmoid(pl.float()).numpy())
    model.train(was)
    s, y = np.concatenate(scores), pool.labels_N > 0
    p, c = np.concatenate(patch_probs).ravel(), pool.cover_NP.astype(np.float32).ravel() >= 0.02
    out = {"image_auroc": float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else float("nan")}
    out["patch_auroc"] = float(roc_auc_score(c, p)) if 0 < c.sum() < len(c) else float("nan")
    return out


def train_vit(
    dataset: InspectionDataset,
    cfg: TrainConfig,
    run_dir: Path,
    *,
    progress: bool = True,
    should_stop: Callable[[], bool] | None = None,
    pool_cache: Path | None = None,
    workers: int = 2,
) -> VisionTransformer:
    """Train (or resume) and return the ViT in eval mode; writes ``vit.safetensors`` to ``run_dir``."""
    from tqdm import tqdm

    run_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    vcfg = cfg.vit_config(len(dataset.classes))
    grid = vcfg.grid_size[0]
    train_pool = load_pool(dataset.split("train"), dataset.classes, cfg.img_size, grid, workers, pool_cache, progress)
    val_recs = dataset.split("val")
    val_recs = [val_recs[i] for i in np.random.default_rng(cfg.seed).permutation(len(val_recs))[: cfg.eval_images]]
    val_pool = load_pool(val_recs, dataset.classes, cfg.img_size, grid, workers, pool_cache, progress) if val_recs else None

    vit = VisionTransformer(vcfg, cfg.hooked_layer)
    model = _ProbedViT(vit, vcfg.num_classes)
    opt = torch.optim.AdamW(_param_groups(model, cfg.weight_decay), lr=cfg.lr, betas=(0.9, cfg.beta2))
    state = load_checkpoint(run_dir, model, opt) or TrainState()
    class_weight_C = torch.full((vcfg.num_classes,), cfg.defect_patch_weight)
    class_weight_C[0] = 1.0
    (run_dir / "train_config.json").write_text(json.dumps({"train": _cfg_json(cfg), "vit": vcfg.to_json(), "classes": list(dataset.classes)}, indent=1))

    stop = {"flag": False}
    prev = signal.getsignal(signal.SIGINT)

    def _sigint(*_: Any) -> None:
        stop["flag"] = True

    try:
        signal.signal(signal.SIGINT, _sigint)
    except ValueError:  # not the main thread
        prev = None
    n = len(train_pool.labels_N)
    images = train_pool.images_NHWC
    cover = torch.from_numpy(train_pool.cover_NP.astype(np.float32)).view(n, grid, grid)
    labels = torch.from_numpy(train_pool.labels_N)
    model.train()
    bar = tqdm(total=cfg.planned_samples, initial=state.samples_seen, unit="img", desc="train ViT", disable=not progress, smoothing=0.05)
    t_last_ck, t_start, elapsed0 = time.time(), time.time(), state.elapsed_s
    next_eval = (state.samples_seen // cfg.eval_every_samples + 1) * cfg.eval_every_samples
    try:
        while state.samples_seen < cfg.planned_samples and not stop["flag"] and not (should_stop and should_stop()):
            rng = np.random.default_rng([cfg.seed, state.step])
            idx = batch_indices(cfg, train_pool.labels_N, state.samples_seen, rng)
            probe_w = cfg.probe_weight(state.samples_seen)
            xb, cb = _augment(torch.from_numpy(np.asarray(images[idx])), cover[idx], rng)
            yb = labels[idx]
            offsets = None
            if cfg.cropping(state.samples_seen):
                xb, cb, offsets = crop_batch(xb, cb, yb, cfg.crop_patches, cfg.patch_size, cfg.crop_on_defect, rng)
            for g in opt.param_groups:
                g["lr"] = lr_at(cfg, state.samples_seen)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
                out = model(_to_pixels(xb, cfg), offsets)
            out = {k: v.float() for k, v in out.items()}
            probe_BPC = out["probe"]
            target = cb.reshape(len(idx), -1)
            if cfg.score_head == "patch_max":
                loss, parts = patch_max_loss(out, target, yb, cfg)
                lc, lp = parts["image"] + parts["type"], parts["patch"]
            else:
                weight = 1.0 + (cfg.defect_patch_weight - 1.0) * (target > 0).float()
                loss_c = F.cross_entropy(out["class"], yb)
                loss_p = F.binary_cross_entropy_with_logits(out["patch"], target, weight=weight)
                loss = loss_c + cfg.patch_loss_weight * loss_p
                lc, lp = loss_c.item(), loss_p.item()
            if probe_w > 0:
                pt_BP = probe_targets(target, yb, cfg.probe_min_cover)
                loss_h = F.cross_entropy(probe_BPC.reshape(-1, probe_BPC.shape[-1]), pt_BP.reshape(-1), weight=class_weight_C, ignore_index=-100)
                loss = loss + probe_w * loss_h
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            state.step += 1
            state.samples_seen += len(idx)
            state.elapsed_s = elapsed0 + time.time() - t_start
            lh = loss_h.item() if probe_w > 0 else float("nan")
            if state.step % 10 == 0:
                state.losses.append((state.samples_seen, lc, lp, lh))
            bar.update(len(idx))
            bar.set_postfix(cls=f"{lc:.3f}", patch=f"{lp:.3f}", probe=f"{lh:.3f}", lr=f"{opt.param_groups[0]['lr']:.1e}")
            if val_pool is not None and (state.samples_seen >= next_eval or state.samples_seen >= cfg.planned_samples):
                m = quick_heldout_metrics(vit, val_pool, cfg)
                state.curve.append({"samples": state.samples_seen, "elapsed_s": round(state.elapsed_s, 1), **m})
                bar.write(f"[{state.samples_seen} samples, {state.elapsed_s / 60:.1f} min] val image AUROC {m['image_auroc']:.4f}, patch AUROC {m['patch_auroc']:.4f}")
                next_eval += cfg.eval_every_samples
            if time.time() - t_last_ck > cfg.checkpoint_every_s:
                save_checkpoint(run_dir, model, opt, state, cfg)
                t_last_ck = time.time()
    finally:
        bar.close()
        save_checkpoint(run_dir, model, opt, state, cfg)
        if prev is not None:
            signal.signal(signal.SIGINT, prev)
    plot_losses(state, run_dir / "loss_curve.png", cfg.total_samples if cfg.refine_samples else None)
    vit.eval()
    if state.samples_seen >= cfg.planned_samples:
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in vit.state_dict().items()}, str(run_dir / "vit.safetensors"))
        (run_dir / "DONE").write_text(json.dumps({"samples": state.samples_seen, "elapsed_s": state.elapsed_s}))
    return vit


def load_trained(run_dir: Path) -> tuple[VisionTransformer, dict[str, Any]]:
    from safetensors.torch import load_file

    info = json.loads((run_dir / "train_config.json").read_text())
    vcfg = ViTConfig.from_json(info["vit"])
    return build_vit(vcfg, info["train"]["hooked_layer"], load_file(str(run_dir / "vit.safetensors"))), info


def plot_losses(state: TrainState, out: Path, refine_from: int | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not state.losses:
        return
    a = np.array(state.losses)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), dpi=110)
    k = max(1, len(a) // 200)
    smooth = lambda v: np.convolve(v, np.ones(k) / k, mode="valid")  # noqa: E731
    axes[0].plot(a[k - 1 :, 0], smooth(a[:, 1]), label="class CE")
    axes[0].plot(a[k - 1 :, 0], smooth(a[:, 2]), label="patch BCE (weighted)")
    if a.shape[1] > 3 and np.isfinite(a[:, 3]).all():
        axes[0].plot(a[k - 1 :, 0], smooth(a[:, 3]), label="hooked-layer probe CE (weighted)")
    for ax in axes if refine_from is not None else ():
        ax.axvline(refine_from, color="grey", ls=":", lw=1, label="defect-heavy refine")
    axes[0].set_xlabel("samples seen")
    axes[0].set_yscale("log")
    axes[0].legend()
    axes[0].set_title("training loss")
    if state.curve:
        c = state.curve
        axes[1].plot([e["samples"] for e in c], [e["image_auroc"] for e in c], "o-", label="image AUROC")
        axes[1].plot([e["samples"] for e in c], [e["patch_auroc"] for e in c], "s-", label="patch AUROC")
        axes[1].set_xlabel("samples seen")
        axes[1].set_ylim(0.5, 1.0)
        axes[1].legend()
        axes[1].set_title("held-out (validation) learning curve")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
