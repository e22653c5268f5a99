"""The latent cards' controls without Qt: what each card is set to, and the edits that follows.

A card offers on/off, a strength (the ``scale`` edit) and an injection (a ``set`` edit, or an
``add`` edit restored from a session or the CLI). ``LatentControls.set_edits`` followed by
``edits`` gives back the very same edits for every op and value, so a saved session replays
as the same experiment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.core.edits import LatentEdit

InjectOp = Literal["set", "add"]


@dataclass
class LatentControl:
    """One card's controls. ``strength`` is the scale edit; ``inject`` makes it an ``inject_op``
    edit of ``inject_value`` in units of the latent's reference activation."""

    latent: int
    enabled: bool = True
    strength: float = 1.0
    inject: bool = False
    inject_value: float = 1.0
    inject_op: InjectOp = "set"
    pinned: bool = False  # added by search or restored: stays listed whatever the region
    # a restored "scale=1" is kept as an edit (it is what the session recorded), until reset
    explicit_scale: bool = False

    def edit(self) -> LatentEdit | None:
        if self.inject:
            return LatentEdit(self.latent, self.inject_op, float(self.inject_value))
        if not self.enabled:
            return LatentEdit(self.latent, "off")
        if self.strength != 1.0 or self.explicit_scale:
            return LatentEdit(self.latent, "scale", float(self.strength))
        return None

    def is_default(self) -> bool:
        return self.edit() is None

    def reset(self) -> None:
        self.enabled, self.strength, self.inject, self.inject_op, self.explicit_scale = True, 1.0, False, "set", False


class LatentControls:
    """Every card's control for one image, by latent id."""

    def __init__(self) -> None:
        self.by_latent: dict[int, LatentControl] = {}

    def __contains__(self, latent: int) -> bool:
        return int(latent) in self.by_latent

    def items(self):  # noqa: ANN201 - dict view
        return self.by_latent.items()

    def control(self, latent: int) -> LatentControl:
        c = self.by_latent.get(int(latent))
        if c is None:
            c = self.by_latent[int(latent)] = LatentControl(int(latent))
        return c

    def remove(self, latent: int) -> None:
        self.by_latent.pop(int(latent), None)

    def clear(self) -> None:
        self.by_latent.clear()

    def edits(self) -> tuple[LatentEdit, ...]:
        """The edits in latent order (one per latent)."""
        return tuple(e for c in sorted(self.by_latent.values(), key=lambda c: c.latent) if (e := c.edit()) is not None)

    def set_edits(self, edits: Sequence[LatentEdit]) -> None:
        """Controls that give back exactly ``edits`` (session load, CLI replay)."""
        self.by_latent = {}
        for e in edits:
            c = self.control(e.latent)
            c.pinned = True
            if e.op == "off":
                c.enabled = False
            elif e.op == "scale":
                c.strength, c.explicit_scale = float(e.value), True
            else:  # set / add: an injection of that kind
                c.inject, c.inject_op, c.inject_value = True, e.op, float(e.value)

    def reset_all(self) -> None:
        for c in self.by_latent.values():
            c.reset()

    def copy(self) -> LatentControls:
        out = LatentControls()
        out.by_latent = {k: LatentControl(**vars(c)) for k, c in self.by_latent.items()}
        return out
