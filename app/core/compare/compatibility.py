"""Whether two bundles can be compared on the same parts, and why not.

Two models are compared patch by patch and class by class, so they must see the same part of
an image on the same patch grid and name the same classes in the same order. What may differ:
the ViT's width, depth and hooked layer, the SAE (width, activation rule), normalisation, the
threshold and the weights: that is what a model update changes.
"""

from __future__ import annotations

from app.core.bundle import Bundle, Manifest
from app.core.errors import InspectorError


def _hw(hw: tuple[int, int]) -> str:
    return f"{hw[0]}×{hw[1]}"


def _view(m: Manifest) -> str:
    p = m.preprocess
    return "the whole image (stretched)" if p.resize == "stretch" else f"a centre crop (crop_pct {p.crop_pct:g})"


def differences(a: Bundle, b: Bundle) -> tuple[str, ...]:
    """What keeps ``a`` and ``b`` from being compared, in words (A's value first); empty when they can be."""
    return manifest_differences(a.manifest, b.manifest)


def manifest_differences(ma: Manifest, mb: Manifest) -> tuple[str, ...]:
    """``differences`` from the two manifests alone (a bundle list reads manifests without loading the weights)."""
    va, vb = ma.vit, mb.vit
    out = []
    if va.input_hw != vb.input_hw:
        out.append(f"input size {_hw(va.input_hw)} vs {_hw(vb.input_hw)}")
    if va.grid_size != vb.grid_size:
        out.append(f"patch grid {_hw(va.grid_size)} vs {_hw(vb.grid_size)}")
    if _view(ma) != _view(mb):
        out.append(f"the part of the image seen: {_view(ma)} vs {_view(mb)}")
    ca, cb = ma.classes, mb.classes
    if ca != cb:
        kind = "the same classes in another order" if set(ca) == set(cb) else "classes"
        out.append(f"{kind}: ({', '.join(ca)}) vs ({', '.join(cb)})")
    return tuple(out)


def check_comparable(a: Bundle, b: Bundle) -> None:
    """Raise one ``InspectorError("not_comparable")`` naming every difference, or return."""
    diff = differences(a, b)
    if diff:
        raise InspectorError(
            "not_comparable",
            f"bundles A ({a.name} {a.manifest.version}) and B ({b.name} {b.manifest.version}) cannot be compared: "
            + "; ".join(diff),
            differences=list(diff),
        )


def same_sae(a: Bundle, b: Bundle) -> bool:
    """Both bundles hold the very same SAE on the very same ViT, so a latent id means the same in both."""
    return a.file_sha256("sae") == b.file_sha256("sae") and a.manifest.sae_vit_sha256 == b.manifest.sae_vit_sha256
