"""The one rule for what a latent is called: the user's label, else the dictionary's, else its number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def latent_label(latent: int, auto_labels: Sequence[str] | None = None, user_labels: Mapping[int, str] | None = None) -> str:
    """``user_labels[latent]`` when set and non-empty, else ``auto_labels[latent]`` (the feature
    dictionary's automatic label), else ``"latent N"`` (no dictionary, or an id beyond it)."""
    if user_labels:
        user = user_labels.get(latent)
        if user:
            return user
    if auto_labels is not None and 0 <= latent < len(auto_labels):
        return auto_labels[latent]
    return f"latent {latent}"
