"""What produced a result: the image, the region's version and the edits, as they were when
the request was built. Results carry it, so the score history and the PDF describe the
experiment that ran, never the state the user has moved on to since."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.edits import LatentEdit


def describe_edits(edits: Sequence[LatentEdit]) -> str:
    """'#12 off, #3 scale=0.5' (the CLI's notation), or 'no edit'."""
    return ", ".join(f"#{e.latent} {e.describe()}" for e in edits) if edits else "no edit"


@dataclass(frozen=True)
class Provenance:
    image_sha256: str
    mask_version: int  # rises with every change of the painted region of this image
    edits: tuple[LatentEdit, ...] = ()
    recon_only: bool = False

    def describe(self) -> str:
        text = describe_edits(self.edits)
        return text + " (reconstruction only)" if self.recon_only else text

    def same_region(self, other: Provenance | None) -> bool:
        """Computed on the same image and the same painted region."""
        return other is not None and (self.image_sha256, self.mask_version) == (other.image_sha256, other.mask_version)
