"""`main.py validate BUNDLE`: check a bundle whole and print its identity.

Beyond what loading checks (manifest, checksums, headers, finite weights), it opens both ONNX
graphs and runs a probe image through them and through the torch model built from
``vit.safetensors``: the two must agree within the parity tolerance the tests use.
"""

from __future__ import annotations

import argparse

from app.core.bundle import load_bundle
from app.core.errors import InspectorError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", help="bundle folder")


def run(args: argparse.Namespace) -> int:
    from app.core.backends.onnx_backend import OnnxBackend
    from app.core.backends.parity import PARITY_TOL, check_parity, is_finite, probe_outputs
    from app.core.backends.torch_backend import TorchBackend, torch_available

    b = load_bundle(args.bundle)
    m = b.manifest
    onnx = OnnxBackend(b, "cpu")
    probe = probe_outputs(onnx, b)
    if not is_finite(probe):
        raise InspectorError("not_finite", "the bundle's ONNX graphs give NaN or infinite outputs on the probe image")
    if torch_available():
        d = check_parity(TorchBackend(b, "cpu"), onnx, b)
        parity = f"torch ({m.files['vit']['path']}) and ONNX Runtime agree on the probe image within {d:.2g} (tolerance {PARITY_TOL:g})"
    else:
        parity = "parity with vit.safetensors not checked: torch is not in this build"
    print(f"valid: {m.name} {m.version} (sha {b.hash[:12]}), ViT depth {m.vit.depth} dim {m.vit.embed_dim}, "
          f"layer {m.hooked_layer}, SAE {m.sae.width} latents ({m.sae.activation}"
          + (f", k={m.sae.k}" if m.sae.activation == "topk" else "") + f"), classes {', '.join(m.classes)}")
    print(f"ONNX graphs {m.files['prefix_onnx']['path']} and {m.files['suffix_onnx']['path']} load and run; {parity}")
    return 0
