"""Reading a timm checkpoint safely, and what its tensors say about the model.

Only safetensors are read. A pickle (``pytorch_model.bin``, ``.pth``, ``.pth.tar``, ``.pt``,
``.ckpt``) can run code when loaded, so it is refused with the two lines that convert it in
the user's own training environment, where timm is installed.

``observe`` reads the architecture off the tensors' names and shapes (width, depth, patch
size, channels, classes, MLP width, CLS and register tokens, layer scale, qk-norm and its
head width, ``norm_pre``, ``fc_norm``, biases, position-embedding length); ``reconcile`` checks
the configuration against it. What the tensors cannot show (the number of heads without qk-norm,
the norm epsilon, the activation, the pooling when no ``fc_norm`` exists) comes from the
configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import torch

from app.core.errors import InspectorError
from app.pipeline.timm_import.architectures import TimmArgs, refuse, with_observed

WEIGHTS_NAMES = ("model.safetensors",)
PICKLE_SUFFIXES = (".bin", ".pth", ".pt", ".tar", ".ckpt", ".pkl")
#: key prefixes left by wrappers: DDP (``module.``), Lightning-style modules (``model.``), torch.compile
WRAPPER_PREFIXES = ("module.", "model.", "_orig_mod.")
_FLOAT_TYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)

#: tensors of timm models this app does not compute, and the feature each one means
_FOREIGN: tuple[tuple[str, str], ...] = (
    (r"^dist_token$|^head_dist\.", "DeiT's distillation token (a distilled model's second head)"),
    (r"^attn_pool\.", "attention pooling (global_pool 'map')"),
    (r"^blocks\.\d+\.attn\.norm\.", "a norm inside attention (scale_attn_norm)"),
    (r"^blocks\.\d+\.mlp\.norm\.", "a norm inside the MLP (scale_mlp_norm)"),
    (r"^blocks\.\d+\.mlp\.fc1_[gx]\.|^blocks\.\d+\.mlp\.w12\.", "a SwiGLU MLP"),
    (r"^blocks\.\d+\.attn\.gate\.", "gated attention"),
    (r"^blocks\.\d+\.attn\.(q|k|v)_bias$|^blocks\.\d+\.attn\.relative_position", "BEiT-style attention"),
    (r"^patch_embed\.norm\.", "a norm inside the patch embedding (embed_norm_layer)"),
    (r"^patch_embed\.backbone\.", "a hybrid CNN stem (ResNet + ViT)"),
    (r"^blocks\.\d+\.(in_proj|in_norm|out_proj|attn_out_proj)\.", "parallel transformer blocks"),
    (r"^blocks\.\d+\.attn\.lambda_", "differential attention"),
    (r"^rope\.|^blocks\.\d+\.attn\.rope\.", "rotary position embedding"),
)


@dataclass
class Checkpoint:
    path: Path
    state: dict[str, torch.Tensor]  # float32, prefixes stripped
    notes: list[str] = field(default_factory=list)  # what was done to it, for the user


def _pickle_refusal(path: Path, architecture: str | None, num_classes: int | None,
                    label_names: tuple[str, ...] | None = None) -> InspectorError:
    """One line, and (``params['remedy']``) the two lines that convert the pickle where timm is installed."""
    arch = architecture or "ARCHITECTURE"
    n = num_classes if num_classes is not None else (len(label_names) if label_names else 2)
    names = list(label_names) if label_names else [f"<class {i} name>" for i in range(n)]
    remedy = [
        "import timm",
        f'timm.models.save_for_hf(timm.create_model("{arch}", num_classes={n}, checkpoint_path="{path.name}"), "export", '
        f"model_config={{'label_names': {names!r}}}, safe_serialization=True)",
    ]
    msg = (f"{path.name} is a pickle (PyTorch .bin/.pth/.pth.tar), which this app never loads: unpickling runs code; "
           "convert it to safetensors in your own training environment with the two lines below (class names in "
           "training order: timm's are the training folders' names, sorted), then run "
           "`python main.py import-timm export --out vit_dir`")
    return InspectorError("timm_pickle", msg, path=str(path), remedy=remedy)


def find_weights(path: Path, architecture: str | None = None, num_classes: int | None = None,
                 label_names: tuple[str, ...] | None = None) -> Path:
    """The safetensors file of a checkpoint given as a file or as an export folder."""
    if path.is_dir():
        for name in WEIGHTS_NAMES:
            if (path / name).is_file():
                return path / name
        st = sorted(path.glob("*.safetensors"))
        if len(st) == 1:
            return st[0]
        pickles = sorted(p for p in path.iterdir() if p.suffix in PICKLE_SUFFIXES)
        if pickles:
            raise _pickle_refusal(pickles[0], architecture, num_classes, label_names)
        raise InspectorError("timm_checkpoint", f"{path} holds no model.safetensors", path=str(path))
    if not path.is_file():
        raise InspectorError("timm_checkpoint", f"checkpoint not found: {path}", path=str(path))
    with open(path, "rb") as f:
        head = f.read(9)
    is_safetensors = head[8:9] == b"{"  # an 8-byte header length, then the JSON header
    is_zip = head[:4] == b"PK\x03\x04"  # torch.save's zip format
    is_pickle = head[:1] == b"\x80"  # a protocol-2+ pickle (legacy torch.save)
    if path.suffix in PICKLE_SUFFIXES or path.name.endswith(".pth.tar") or (not is_safetensors and (is_zip or is_pickle)):
        raise _pickle_refusal(path, architecture, num_classes, label_names)
    return path


def read_checkpoint(path: Path, architecture: str | None = None, num_classes: int | None = None) -> Checkpoint:
    """float32 tensors by timm's names from a safetensors checkpoint (file or export folder)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    weights = find_weights(path, architecture, num_classes)
    try:
        raw = load_file(str(weights))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise InspectorError("timm_checkpoint", f"{weights.name} is not a readable safetensors file ({exc})",
                             path=str(weights)) from exc
    if not raw:
        raise InspectorError("timm_checkpoint", f"{weights.name} holds no tensors", path=str(weights))
    notes: list[str] = []
    state, prefix = _strip_prefix(raw)
    if prefix:
        notes.append(f"removed the key prefix '{prefix}' left by a training wrapper")
    dtypes = sorted({str(v.dtype).removeprefix("torch.") for v in state.values()})
    bad = [k for k, v in state.items() if v.dtype not in _FLOAT_TYPES]
    if bad:
        raise InspectorError("timm_checkpoint", f"tensor '{bad[0]}' is {state[bad[0]].dtype}, not a floating-point "
                             "weight", key=bad[0])
    if dtypes != ["float32"]:
        notes.append(f"converted {'/'.join(d for d in dtypes if d != 'float32')} tensors to float32 (the app computes "
                     "in float32; parity is checked against the checkpoint's own values)")
    state = {k: v.to(torch.float32).contiguous() for k, v in state.items()}
    nonfinite = [k for k, v in state.items() if not bool(torch.isfinite(v).all())]
    if nonfinite:
        raise InspectorError("timm_checkpoint", f"tensor '{nonfinite[0]}' holds NaN or infinite values", key=nonfinite[0])
    return Checkpoint(weights, state, notes)


def _strip_prefix(raw: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], str]:
    """Remove wrapper prefixes shared by every key (``module.model.`` is removed whole)."""
    removed = ""
    state = raw
    while True:
        for p in WRAPPER_PREFIXES:
            if all(k.startswith(p) for k in state):
                state = {k[len(p) :]: v for k, v in state.items()}
                removed += p
                break
        else:
            return state, removed


# --- what the tensors say ------------------------------------------------------------------


def _shape(state: dict[str, torch.Tensor], key: str) -> tuple[int, ...] | None:
    return tuple(state[key].shape) if key in state else None


def check_foreign(state: dict[str, torch.Tensor]) -> None:
    for key in state:
        for pattern, feature in _FOREIGN:
            if re.search(pattern, key):
                raise refuse(feature)


def observe(state: dict[str, torch.Tensor]) -> dict[str, object]:
    """Architecture facts read off the tensors (timm names)."""
    check_foreign(state)
    pw = _shape(state, "patch_embed.proj.weight")
    if pw is None or len(pw) != 4 or pw[2] != pw[3]:
        raise InspectorError("timm_checkpoint", "the checkpoint has no square patch_embed.proj.weight: it is not a timm "
                             "VisionTransformer")
    if "head.weight" not in state:
        raise InspectorError("timm_checkpoint", "the checkpoint has no classifier head (head.weight): a feature extractor "
                             "without classes cannot give a defect score; fine-tune a classifier first")
    blocks = {int(m.group(1)) for k in state if (m := re.match(r"blocks\.(\d+)\.", k))}
    depth = max(blocks) + 1 if blocks else 0
    if blocks != set(range(depth)):
        raise InspectorError("timm_checkpoint", f"the checkpoint's blocks are not numbered 0..{depth - 1}")
    d = pw[0]
    fc1 = _shape(state, "blocks.0.mlp.fc1.weight")
    qn = _shape(state, "blocks.0.attn.q_norm.weight")
    reg = _shape(state, "reg_token")
    obs: dict[str, object] = {
        "embed_dim": d, "in_chans": pw[1], "patch_size": pw[2], "depth": depth,
        "num_classes": _shape(state, "head.weight")[0],  # type: ignore[index]
        "mlp_hidden": fc1[0] if fc1 else None,
        "class_token": "cls_token" in state, "reg_tokens": reg[1] if reg else 0,
        "pos_len": (_shape(state, "pos_embed") or (0, 0))[1],
        "qkv_bias": "blocks.0.attn.qkv.bias" in state, "qk_norm": qn is not None,
        "head_dim": qn[0] if qn else None, "layer_scale": "blocks.0.ls1.gamma" in state,
        "pre_norm": "norm_pre.weight" in state, "patch_bias": "patch_embed.proj.bias" in state,
        "fc_norm": "fc_norm.weight" in state, "norm": "norm.weight" in state,
    }
    if "pos_embed" not in state:
        raise refuse("a model without a learned position embedding")
    if not obs["norm"] and not obs["fc_norm"]:
        raise refuse("no final norm (final_norm=False)")
    return obs


def reconcile(args: TimmArgs, obs: dict[str, object]) -> tuple[TimmArgs, list[str]]:
    """The configuration checked against the tensors: sizes must agree (else one line naming the
    tensor); structural switches the tensors show are taken from them, with a note."""
    sizes = (("embed_dim", "patch_embed.proj.weight"), ("in_chans", "patch_embed.proj.weight"),
             ("patch_size", "patch_embed.proj.weight"), ("depth", "blocks.*"), ("num_classes", "head.weight"))
    for name, tensor in sizes:
        want, got = getattr(args, name), obs[name]
        if want != got:
            raise InspectorError("timm_mismatch", f"config.json gives {name} {want} but the checkpoint has {got} "
                                 f"({tensor}): the config does not belong to this checkpoint", key=name)
    if obs["mlp_hidden"] is not None and obs["mlp_hidden"] != args.mlp_hidden:
        raise InspectorError("timm_mismatch", f"the configuration's MLP width is {args.mlp_hidden} (mlp_ratio "
                             f"{args.mlp_ratio:g}) but blocks.0.mlp.fc1 has {obs['mlp_hidden']}", key="mlp_ratio")
    if obs["head_dim"] is not None and args.embed_dim // args.num_heads != obs["head_dim"]:
        raise InspectorError("timm_mismatch", f"the configuration has {args.num_heads} heads of width "
                             f"{args.embed_dim // args.num_heads}, but attn.q_norm is {obs['head_dim']} wide", key="num_heads")
    notes: list[str] = []
    taken: dict[str, object] = {}

    def take(name: str, value: object, why: str) -> None:
        if getattr(args, name) != value:
            taken[name] = value
            notes.append(f"{name} = {value!r} from the checkpoint ({why}); the configuration said {getattr(args, name)!r}")

    take("class_token", obs["class_token"], "cls_token")
    take("reg_tokens", obs["reg_tokens"], "reg_token")
    take("qkv_bias", obs["qkv_bias"], "attn.qkv.bias")
    take("qk_norm", obs["qk_norm"], "attn.q_norm")
    take("pre_norm", obs["pre_norm"], "norm_pre")
    if obs["layer_scale"] != args.layer_scale:
        taken["init_values"] = 1e-5 if obs["layer_scale"] else None
        notes.append(f"layer scale {'on' if obs['layer_scale'] else 'off'} from the checkpoint (ls1.gamma)")
    if obs["fc_norm"] != args.use_fc_norm:
        taken["fc_norm"] = obs["fc_norm"]
        notes.append(f"fc_norm {'on' if obs['fc_norm'] else 'off'} from the checkpoint (fc_norm.weight)")
    out = with_observed(args, **taken)  # type: ignore[arg-type]
    if obs["patch_bias"] == out.pre_norm:
        raise refuse("a patch-embedding bias together with norm_pre" if out.pre_norm
                     else "a patch embedding without bias but no norm_pre")
    if not out.class_token and out.global_pool == "token":
        raise InspectorError("timm_mismatch", "the checkpoint has no cls_token but the configuration pools it "
                             "(global_pool 'token'): set model_args global_pool 'avg' in config.json if it was trained so")
    gh, gw = out.grid_size
    if out.img_size[0] % out.patch_size or out.img_size[1] % out.patch_size:
        raise InspectorError("timm_mismatch", f"input {out.img_size[0]}x{out.img_size[1]} is not a multiple of the "
                             f"patch size {out.patch_size}")
    n_pre = out.num_prefix_tokens
    fits = {gh * gw: True, gh * gw + n_pre: False}  # pos_embed length -> no_embed_class
    if obs["pos_len"] not in fits:
        raise InspectorError("timm_mismatch", f"pos_embed has {obs['pos_len']} positions, but a {out.img_size[0]}x"
                             f"{out.img_size[1]} input in patches of {out.patch_size} gives {gh * gw} (+{n_pre} prefix "
                             "tokens): pretrained_cfg input_size does not match the checkpoint", key="pos_embed")
    no_embed = fits[obs["pos_len"]] if n_pre else out.no_embed_class
    if no_embed != out.no_embed_class:
        notes.append(f"no_embed_class = {no_embed} from the checkpoint (pos_embed length {obs['pos_len']})")
        out = with_observed(out, no_embed_class=no_embed)
    return out, notes
