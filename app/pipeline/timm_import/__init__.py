"""A factory's timm ViT classifier -> the app's ViT (``vit.safetensors`` + ``vit_config.json``).

    import_timm(CHECKPOINT, OUT_DIR)   # CHECKPOINT: model.safetensors, or the folder save_for_hf wrote

Steps, each refusing with one line where it cannot be exact:
1. read timm's ``config.json`` (``hub_config``) and the safetensors weights (``checkpoint``;
   pickles are refused with the lines that convert them; bf16/fp16 become float32, said so);
2. the architecture's timm arguments from the table plus ``model_args`` (``architectures``),
   checked against what the tensors show (``checkpoint.reconcile``);
3. the classes in the bundle's order, ``ok`` first, head rows permuted (``classes``);
4. timm's evaluation transform as the bundle's preprocessing (``hub_config.preprocessing``);
5. parity with timm's forward of the original tensors on probe images (``parity``);
6. write the weights and the strict configuration (``vit_json``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import InspectorError
from app.pipeline.timm_import.vit_json import FILENAME, ExternalViT, write_vit_json

WEIGHTS_FILE = "vit.safetensors"


@dataclass(frozen=True)
class ImportResult:
    out_dir: Path
    weights: Path
    config: Path
    model: ExternalViT
    notes: tuple[str, ...]
    parity: dict[str, object]


def default_hooked_layer(depth: int) -> int:
    """The second-to-last block's output, as saev hooks its ViTs: late enough to carry the defect
    evidence the head reads, with one block left for edits to pass through."""
    return max(0, depth - 2)


def _config_path(checkpoint: Path, config: Path | None) -> Path | None:
    if config is not None:
        if not config.is_file():
            raise InspectorError("timm_config", f"timm config not found: {config}", path=str(config))
        return config
    folder = checkpoint if checkpoint.is_dir() else checkpoint.parent
    return folder / "config.json" if (folder / "config.json").is_file() else None


def import_timm(
    checkpoint: str | Path, out_dir: str | Path, *, config: str | Path | None = None,
    class_map: Mapping[str, str] | None = None, hooked_layer: int | None = None, log: Callable[[str], None] = print,
) -> ImportResult:
    from safetensors.torch import save_file

    from app.core.bundle import sha256_file
    from app.core.vit import build_vit
    from app.pipeline.timm_import.architectures import timm_args, to_vit_config
    from app.pipeline.timm_import.checkpoint import find_weights, observe, read_checkpoint, reconcile
    from app.pipeline.timm_import.classes import map_classes
    from app.pipeline.timm_import.hub_config import preprocessing, read_hub_config
    from app.pipeline.timm_import.parity import check_parity

    checkpoint, out = Path(checkpoint), Path(out_dir)
    cfg_path = _config_path(checkpoint, Path(config) if config is not None else None)
    hub = read_hub_config(cfg_path) if cfg_path is not None else None
    arch, n_cls = (hub.architecture, hub.num_classes) if hub is not None else (None, None)
    find_weights(checkpoint, arch, n_cls, hub.label_names if hub else None)  # a pickle is refused first
    if hub is None:
        raise InspectorError(
            "timm_config", f"no timm config.json beside {checkpoint}: give it with --config (timm writes it with "
            "timm.models.save_for_hf; docs/FACTORY_GUIDE.md shows how)", path=str(checkpoint),
        )
    ck = read_checkpoint(checkpoint, arch, n_cls)
    obs = observe(ck.state)
    c, h, w = hub.input_size
    if hub.num_classes is not None and hub.num_classes != obs["num_classes"]:
        raise InspectorError("timm_mismatch", f"config.json gives num_classes {hub.num_classes} but head.weight has "
                             f"{obs['num_classes']} rows: the config does not belong to this checkpoint")
    args = timm_args(hub.architecture, hub.model_args, img_size=(h, w), in_chans=c,
                     num_classes=int(obs["num_classes"]), global_pool=hub.global_pool)  # type: ignore[arg-type]
    args, notes = reconcile(args, obs)
    prep, prep_notes = preprocessing(hub)
    if prep.channels != args.in_chans or tuple(prep.input_size) != args.img_size:
        raise InspectorError("timm_mismatch", f"pretrained_cfg gives a {prep.channels}-channel {prep.input_size[0]}x"
                             f"{prep.input_size[1]} input but the model takes {args.in_chans} channel(s) at "
                             f"{args.img_size[0]}x{args.img_size[1]} (model_args): they must agree")
    classes = map_classes(args.num_classes, hub.label_names, class_map)
    layer = default_hooked_layer(args.depth) if hooked_layer is None else int(hooked_layer)
    if not 0 <= layer <= args.depth - 2:
        raise InspectorError("timm_hooked_layer", f"--hooked-layer {layer} must be in 0..{args.depth - 2} "
                             f"(the model has {args.depth} blocks and at least one must follow the hooked one)")
    vit_cfg = to_vit_config(args)
    vit = build_vit(vit_cfg, layer, classes.permute_head(ck.state))
    parity = check_parity(ck.state, args, vit, classes, prep)

    out.mkdir(parents=True, exist_ok=True)
    weights = out / WEIGHTS_FILE
    save_file({k: v.detach().contiguous() for k, v in vit.state_dict().items()}, str(weights))
    all_notes = (*ck.notes, *notes, *prep_notes)
    source = {
        "kind": "timm", "architecture": hub.architecture, "checkpoint": ck.path.name,
        "checkpoint_sha256": sha256_file(ck.path), "timm_args": args.to_json(),
        "checkpoint_classes": list(classes.source_names), "class_order": list(classes.source_index),
        "notes": list(all_notes), "parity": parity.to_json(),
    }
    model = ExternalViT(vit_cfg, layer, classes.names, prep, source)
    config_out = write_vit_json(out / FILENAME, model)
    log(f"{hub.architecture}: {vit_cfg.describe()}")
    for note in all_notes:
        log(f"note: {note}")
    log(f"classes: {classes.describe()}")
    log(f"preprocessing: {prep.describe()}")
    log(f"hooked layer: output of blocks[{layer}] of {args.depth}")
    log(f"parity with timm's forward on {parity.images} probe images: max |logit error| {parity.max_abs_logit_error:.2e}, "
        f"max |token error| {parity.max_abs_token_error:.2e} (tolerance {parity.to_json()['tolerance']:g})")
    return ImportResult(out, weights, config_out, model, all_notes, parity.to_json())
