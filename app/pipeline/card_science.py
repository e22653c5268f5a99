"""Model-card sections for the SAE science figures: concept metrics of every grid member, the
random-SAE and PCA baselines, causal sanity on |Δscore| against matched random latents, and the
cross-type matrix. Each function returns markdown lines; ``model_card.render_model_card`` adds them.

Inputs are what the build already has: ``selection`` (``build_bundle.choose_sae``, with each
candidate's ``concepts``) and ``causal`` (``bundle_checks.causal_sanity``, with ``cross_type``,
``baselines`` and the build's ``dictionaries``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from app.core.type_specificity import matrix_markdown, small

TRAINED = "trained SAE"


def _f(v: Any, nd: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    return f"{v:.{nd}f}"


def _ratio(v: Any, ci: Any = None) -> str:
    if v is None or not math.isfinite(float(v)):
        return "n/a"
    if ci and ci[0] is not None and ci[1] is not None:
        return f"{v:.2f}× [{ci[0]:.2f}, {ci[1]:.2f}]"
    return f"{v:.2f}×"


def concept_section(selection: Mapping[str, Any]) -> list[str]:
    """Every grid member's saev concept metrics on the held-out test split."""
    rows = [c for c in selection.get("candidates", []) if c.get("concepts")]
    if not rows:
        return []
    k = rows[0]["concepts"]["k"]
    tau = rows[0]["concepts"]["tau"]
    out = [
        "### Concept metrics (saev's second paper), every grid member\n",
        f"Per defect type, the latent with the highest AP on validation patches, measured on the held-out test patches: its AP "
        f"(mAP is the mean over the types), Purity@{k} (the share of its {k} strongest test patches that are of the type) and "
        f"Coverage@{tau:g} (the share of types whose best latent's AP exceeds {tau:g}). Reported beside the selection rule, not "
        "used by it. Reconstruction and sparsity do not measure whether latents track the defect types; these do.\n",
        f"| SAE | objective | mAP (test) | Purity@{k} | Coverage@{tau:g} | best AP per type |",
        "|---|---|---:|---:|---:|---|",
    ]
    for c in rows:
        m = c["concepts"]
        chosen = " ←" if c["name"] == selection.get("chosen") else ""
        per = ", ".join(f"{t} {v['ap']:.2f}" for t, v in m["per_type"].items())
        out.append(f"| {c['name']}{chosen} | {c.get('objective', 'plain')} | {_f(m['map'])} | {_f(m[f'purity_at_{k}'], 2)} | "
                   f"{_f(m[f'coverage_at_{tau:g}'], 2)} | {per} |")
    out.append("")
    return out


def _mean_row(matrix: Mapping[str, Any] | None, key: str) -> float:
    if not matrix:
        return float("nan")
    v = [r[key] for r in matrix["rows"] if r.get(key) is not None and math.isfinite(float(r[key]))]
    return float(np.mean(v)) if v else float("nan")


def _figures(name: str, causal: Mapping[str, Any]) -> dict[str, float]:
    d = (causal.get("dictionaries") or {}).get(name)
    if d is None:
        return {}
    k, tau = d["concepts"]["k"], d["concepts"]["tau"]
    matrix = causal.get("cross_type") if name == TRAINED else (causal.get("baselines") or {}).get(name, {}).get("cross_type")
    return {
        "fvu": d["test"]["fvu"], "l0": d["test"]["l0"], "dead": d["test"]["dead_fraction"],
        "map": d["concepts"]["map"], "purity": d["concepts"][f"purity_at_{k}"], "coverage": d["concepts"][f"coverage_at_{tau:g}"],
        "own_vs_others": _mean_row(matrix, "diagonal_ratio"), "own_vs_random": _mean_row(matrix, "assoc_vs_random"),
    }


# figure -> (column title, higher is better)
_COMPARED = {"map": ("mAP", True), "purity": ("Purity@16", True), "coverage": ("Coverage@0.3", True),
             "own_vs_others": ("own ÷ other types", True), "own_vs_random": ("own ÷ matched random", True),
             "fvu": ("FVU", False)}


def baseline_verdicts(causal: Mapping[str, Any]) -> list[str]:
    """Plain sentences for every figure on which the trained SAE does not beat a baseline."""
    mine = _figures(TRAINED, causal)
    out = []
    for name in (causal.get("dictionaries") or {}):
        if name == TRAINED:
            continue
        other = _figures(name, causal)
        lost = [title for key, (title, higher) in _COMPARED.items()
                if math.isfinite(mine.get(key, math.nan)) and math.isfinite(other.get(key, math.nan))
                and not ((mine[key] > other[key]) if higher else (mine[key] < other[key]))]
        if lost:
            out.append(f"**The trained SAE does not beat the {name} on {', '.join(lost)}.**")
    return out


def baseline_section(causal: Mapping[str, Any]) -> list[str]:
    """The trained SAE beside a frozen random SAE and PCA, with the same figures, and the verdict."""
    dics = causal.get("dictionaries") or {}
    if TRAINED not in dics:
        return []
    out = [
        "### Baselines: a frozen random SAE and PCA\n",
        "The *random SAE* has the trained one's k and width, random weights (the trainer's initialisation) frozen, and only its "
        "biases fitted with the same objective; *PCA* keeps as many principal components of the training tokens as the SAE has "
        "active latents, each as two signed latents. All three are measured alike: reconstruction on the test tokens, the "
        "concept metrics above, and causal specificity through the engine on the held-out parts (their own five latents of "
        "highest validation AP per type switched off in the ground-truth mask; means of the per-type ratios below).\n",
        "| dictionary | width | FVU (test) | L0 | dead | mAP | Purity@16 | Coverage@0.3 | own ÷ other types | own ÷ matched random |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, d in dics.items():
        f = _figures(name, causal)
        out.append(f"| {name} | {d['width']} | {_f(f['fvu'], 4)} | {_f(f['l0'], 1)} | {f['dead']:.1%} | {_f(f['map'])} | "
                   f"{_f(f['purity'], 2)} | {_f(f['coverage'], 2)} | {_ratio(f['own_vs_others'])} | {_ratio(f['own_vs_random'])} |")
    verdicts = baseline_verdicts(causal)
    out.append("")
    out += verdicts or ["The trained SAE beats both baselines on every figure in the table."]
    out.append("")
    return out


def causal_section(causal: Mapping[str, Any]) -> list[str]:
    """Causal sanity on mean |Δscore|, with matched random sets and the own ÷ other-types ratio."""
    per = causal.get("per_type") or {}
    if not per:
        return []
    out = [
        "### Causal sanity\n",
        f"Per type, on its held-out parts: switch off the {causal['latents_per_type']} latents most associated with the type "
        f"(validation AP) inside the ground-truth mask, against {causal['control_draws']} random sets per part, each member "
        "replaced by a random latent active in the image and edited by that member's own activation mass in the mask (switched "
        "down by it, or injected with the member's profile where the random latent carries less). Every figure is a mean of "
        "|Δscore| over all parts, so changes of either sign count; the ratio's interval is a 95% bootstrap over parts.\n",
        "| type | parts | latents | mean \\|Δscore\\| (associated) | mean \\|Δscore\\| (matched random) | ratio | own ÷ other types "
        "| target ≥ 3× |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for t, r in per.items():
        met = "met" if r["ratio"] >= 3 else "**not met**"
        out.append(f"| {t} | {r['images']} | {', '.join('#' + str(i) for i in r['latents'])} | {small(r['mean_abs_delta_assoc'])} | "
                   f"{small(r['mean_abs_delta_control'])} | {_ratio(r['ratio'], r.get('ratio_ci95'))} | "
                   f"{_ratio(r.get('diagonal_ratio'))} | {met} |")
    out.append("")
    return out


def cross_type_section(causal: Mapping[str, Any]) -> list[str]:
    """The cross-type matrix of the trained SAE."""
    m = causal.get("cross_type")
    if not m:
        return []
    return [
        "### Type specificity: the cross-type matrix\n",
        "Rows: the held-out parts of one type; columns: switching off the latents associated with each type inside the part's "
        "ground-truth mask. Cells: mean |Δscore| [95% bootstrap interval]. *Own ÷ others* near 1 means the sets are generic: "
        "they move the score on any defect, not on their own type's.\n",
        *matrix_markdown(m),
        "",
    ]


def science_sections(selection: Mapping[str, Any], causal: Mapping[str, Any]) -> list[str]:
    """All of the above, in the order the card shows them."""
    return concept_section(selection) + baseline_section(causal) + causal_section(causal) + cross_type_section(causal)
