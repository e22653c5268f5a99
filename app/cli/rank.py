"""`main.py rank`: latents in a region ranked by the measured effect of switching each off, with controls."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_bundle_args, open_and_analyze, print_json, result_header
from app.core.errors import InspectorError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("image", help="part image")
    add_bundle_args(p)
    p.add_argument("--mask", help="region mask PNG (nonzero = inside), scaled to the image; default: the whole image")
    p.add_argument("--top", type=int, default=64, help="latents to rank: the most active in the region (default 64)")
    p.add_argument("--controls", type=int, default=None,
                   help="controls of each kind, run as whole replicates of one per ranked latent (default: 19 replicates, "
                        "the fewest for which a p-value corrected for the number ranked can reach 0.05)")
    p.add_argument("--seed", type=int, default=0, help="seed of the controls (default 0)")
    p.add_argument("--directions", choices=["latent", "uniform"], default="latent",
                   help="random-direction controls copy a ranked latent's per-patch norms (latent) or spread its norm by m (uniform)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from app.core.causal import rank_latents

    if args.top < 1:
        raise InspectorError("bad_argument", f"--top must be at least 1, got {args.top}")
    if args.controls is not None and args.controls < 1:
        raise InspectorError("bad_argument", f"--controls must be at least 1, got {args.controls}")
    img, session, mask, t_an = open_and_analyze(args)
    res = rank_latents(session, mask, top=args.top, controls=args.controls, seed=args.seed, direction_profile=args.directions)
    out = {**result_header(session, img), **res.to_json()}
    out["timings_ms"] = {"analyze": t_an, **res.timings_ms}
    if args.json:
        print_json(out)
        return 0
    bands = res.control_bands()
    used = res.controls_used()
    print(f"{Path(img.path).name}: score {res.baseline_score:.4f}; {res.region_patches} patches in the region, "
          f"{res.active_in_region} latents active; {len(res.latents)} ranked, {used['random_latents']} random-latent "
          f"({used['random_latents_from_dictionary']} from the dictionary) + {used['random_directions']} random-direction "
          f"controls (seed {res.seed})")
    print(f"controls |Δscore|: p50 {bands['pooled'].abs_p50:.4f}  p95 {bands['pooled'].abs_p95:.4f}")
    print(f"test: {res.correction_text()}")
    if res.best is not None:
        print(f"best of {res.best.n}: #{res.best.latent} |Δscore| {res.best.abs_delta:.4f}, p {res.best.p_adjusted:.3f} "
              f"({'significant' if res.best.significant else 'not significant'} at {0.05:g})")
    print(f"{'latent':>7} {'activation':>10} {'Δscore':>9} {'pct':>5} {'p adj':>6} {'×lat':>6}  spec  label")
    for r in res.latents[:20]:
        flag = "UNSP" if r.specificity.unspecific else "ok  "
        print(f"#{r.id:<6} {r.activation:10.3f} {r.delta_score:+9.4f} {r.percentile_vs_control:5.1f} {r.p_adjusted:6.3f} "
              f"{r.ratio_vs_latents:6.1f}  {flag}  {r.label}")
    print(f"timings: analyze {t_an:.0f} ms, ranking {res.timings_ms['total']:.0f} ms "
          f"(build {res.timings_ms['build']:.0f}, suffix {res.timings_ms['suffix']:.0f})")
    return 0
