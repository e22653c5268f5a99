"""Two bundles side by side (issue #20): is the new model rejecting for the same reasons as the old one?

- ``compatibility``: whether two bundles can be compared at all (same input size, patch grid,
  view of the image and classes), one clear error naming what differs;
- ``paired``: one image, one region, edits in both models: both verdicts, class probabilities
  and defect maps on the same fixed scale, and their difference;
- ``counterparts``: each latent's best counterpart in the other SAE by activation correlation
  over the patches of a shared set of parts (sparse, streamed, cached per bundle pair and image set);
- ``switch_off``: a latent switched off in one model and its counterpart in the other, each
  against that model's own controls (``app.core.causal_dose.inject`` at r = 0);
- ``folder``: a folder of parts through both models: verdict agreement per part type with
  bootstrap intervals, the parts that changed verdict, and which latents carry each model's
  verdict on each defect type (``app.core.causal_evidence``) beside their counterparts.

No Qt, no global state; every result is a frozen dataclass with ``to_json()``.
``docs/COMPARISON.md`` says what the GUI calls and what each result holds.
"""
