"""The PDF's comparison section (issue #20), drawn from ``ComparisonFindings`` alone.

Both bundles (names, versions, hashes, thresholds), both verdicts and class probabilities, both
defect maps after the edits and their difference B − A on the fixed scales (0..1 and −1..1,
drawn with the report's own ``figures.map_panel_png``), which of A's edits were carried to B,
the region's latents of each model with their counterparts, the latent switched off in both
against each model's controls, and the folder summary when one was run. ``render_pdf`` calls
``comparison_story``, which returns nothing for a report without a comparison.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import inch, mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle

from app.report import figures
from app.report.comparison_findings import ComparisonFindings, CounterpartRow, EffectRow, FolderFindings
from app.report.pdf import BAD_BG, CONTENT_W, FONT, HEAD_BG, OK_BG, _esc, _grid_style, _num, _p, _signed

_EN = {
    "sec": "Comparison with a second model",
    "intro": "The same part, region and edits through both models. Each verdict is at its own bundle's threshold; "
             "maps are on the fixed 0–1 scale, their difference B − A on −1..1.",
    "bundle": "Bundle {side}", "hash": "Hash {side}", "threshold": "threshold {thr}",
    "same_sae": "Both bundles hold the same SAE, so A's edits apply to B as they are.",
    "other_sae": "The bundles hold different SAEs: A's edits were carried to their counterparts in B.",
    "identical": "Both models gave bit-identical outputs: exact agreement.",
    "identical_thresholds": "Both models gave bit-identical outputs; the verdicts differ only because the thresholds do.",
    "col_model": "Model", "col_before": "Score before", "col_after": "Score after", "col_verdict": "Verdict after",
    "col_top": "Most likely class", "col_edits": "Edits in the region",
    "delta": "B − A", "agree": "The verdicts agree.", "disagree": "The verdicts DIFFER.",
    "left_out": "A's edits left out for B: {edits} ({why}).",
    "fig_a": "A ({name}): defect map after the edits (0–1)", "fig_b": "B ({name}): defect map after the edits (0–1)",
    "fig_diff": "Difference B − A (−1..1)", "no_maps": "One of the models has no patch head, so there are no maps to compare.",
    "sec_cp": "Latents in the region and their counterparts",
    "cp_note": "Counterparts by Pearson's r of the two SAEs' activations over {patches:,} patches of {images} shared parts "
               "(r ≥ {min_r:.2f}); {share_a} of A's firing latents and {share_b} of B's have one.",
    "cp_none": "The counterparts were not measured (no shared parts), so latents cannot be matched across the models.",
    "col_latent": "{side}'s latent", "col_act": "Σ in region", "col_cp": "Counterpart in {other}", "col_r": "r",
    "col_mutual": "mutual", "none": "none", "yes": "yes", "no": "no",
    "sec_so": "A latent and its counterpart switched off",
    "so_note": "Each effect against its own model's controls ({n} random latents and {n} random directions, seed {seed}); "
               "the two models' raw Δscore are not on one scale.",
    "col_side": "Model", "col_so_latent": "Latent switched off", "col_delta": "Δscore", "col_p_lat": "p vs random latents", "col_p_dir": "p vs random directions",
    "col_ratio": "× controls", "col_flip": "verdict flips",
    "same_dir": "Both beat their controls and move the score the same way.",
    "not_same_dir": "They do not both beat their controls in the same direction.",
    "sec_folder": "Across a folder: {n} parts",
    "folder_note": "Verdicts at each bundle's own threshold; 95% bootstrap intervals ({boot} resamples, seed {seed}).",
    "col_type": "Parts", "col_n": "n", "col_same": "Same verdict", "col_both_rej": "both reject",
    "col_both_acc": "both accept", "col_only_a": "only A rejects", "col_only_b": "only B rejects", "col_corr_a": "A correct",
    "col_corr_b": "B correct",
    "changed": "Parts that changed verdict: {n}", "changed_more": "… {n} more in findings.json",
    "col_part": "Part", "col_score_a": "A score", "col_score_b": "B score", "col_a": "A", "col_b": "B",
    "reasons": "What carries the verdict on {type} parts ({n} with ground truth): {sa} of A's leading latents have a "
               "counterpart among B's, {sb} of B's among A's.",
    "folder_cp": "Counterparts over the folder's patches: {sa} of A's firing latents and {sb} of B's have one.",
    "skipped": "{n} parts could not be read or ranked (listed in findings.json).",
    "ok": "OK", "defect": "DEFECT",
}

_JA = {
    "sec": "第2のモデルとの比較",
    "intro": "同じ部品・領域・編集を両方のモデルに通した結果。判定は各バンドルのしきい値による。マップは固定尺度 0–1、差分 B − A は −1..1。",
    "bundle": "バンドル {side}", "hash": "ハッシュ {side}", "threshold": "しきい値 {thr}",
    "same_sae": "両バンドルは同じ SAE を持つため、A の編集はそのまま B に適用された。",
    "other_sae": "両バンドルの SAE は異なる。A の編集は B の対応する潜在変数に移された。",
    "identical": "両モデルの出力はビット単位で一致した（完全一致）。",
    "identical_thresholds": "両モデルの出力はビット単位で一致した。判定の違いはしきい値の違いだけによる。",
    "col_model": "モデル", "col_before": "編集前スコア", "col_after": "編集後スコア", "col_verdict": "編集後の判定",
    "col_top": "最も確からしいクラス", "col_edits": "領域内の編集",
    "delta": "B − A", "agree": "判定は一致している。", "disagree": "判定が異なる。",
    "left_out": "B に移せなかった A の編集: {edits}（{why}）。",
    "fig_a": "A（{name}）: 編集後の欠陥マップ（0–1）", "fig_b": "B（{name}）: 編集後の欠陥マップ（0–1）",
    "fig_diff": "差分 B − A（−1..1）", "no_maps": "一方のモデルにパッチヘッドがないため、比較できるマップがない。",
    "sec_cp": "領域内の潜在変数と対応する潜在変数",
    "cp_note": "共有部品 {images} 枚の {patches:,} パッチでの活性のピアソン相関 r による対応（r ≥ {min_r:.2f}）。"
               "発火する潜在変数のうち A の {share_a}、B の {share_b} に対応がある。",
    "cp_none": "対応は測定されていない（共有部品がない）ため、モデル間で潜在変数を対応づけられない。",
    "col_latent": "{side} の潜在変数", "col_act": "領域内の和", "col_cp": "{other} の対応", "col_r": "r",
    "col_mutual": "相互", "none": "なし", "yes": "はい", "no": "いいえ",
    "sec_so": "潜在変数とその対応をオフにする",
    "so_note": "各効果は自分のモデルの対照（ランダム潜在変数 {n} 個、ランダム方向 {n} 個、シード {seed}）と比べる。"
               "二つのモデルの Δスコアは同じ尺度ではない。",
    "col_side": "モデル", "col_so_latent": "オフにした潜在変数", "col_delta": "Δスコア", "col_p_lat": "p（ランダム潜在変数）", "col_p_dir": "p（ランダム方向）",
    "col_ratio": "対照比", "col_flip": "判定反転",
    "same_dir": "両方が対照を上回り、スコアを同じ向きに動かす。",
    "not_same_dir": "両方が同じ向きに対照を上回ってはいない。",
    "sec_folder": "フォルダ全体: {n} 部品",
    "folder_note": "判定は各バンドルのしきい値による。95% ブートストラップ区間（{boot} 回、シード {seed}）。",
    "col_type": "部品", "col_n": "数", "col_same": "判定一致", "col_both_rej": "両方不良",
    "col_both_acc": "両方良品", "col_only_a": "A のみ不良", "col_only_b": "B のみ不良", "col_corr_a": "A 正解",
    "col_corr_b": "B 正解",
    "changed": "判定が変わった部品: {n}", "changed_more": "… ほか {n} 件は findings.json に",
    "col_part": "部品", "col_score_a": "A スコア", "col_score_b": "B スコア", "col_a": "A", "col_b": "B",
    "reasons": "{type} の判定を担うもの（正解マスク付き {n} 枚）: A の上位潜在変数の {sa} が B の上位に、B の {sb} が A の上位に対応を持つ。",
    "folder_cp": "フォルダのパッチでの対応: 発火する潜在変数のうち A の {sa}、B の {sb} に対応がある。",
    "skipped": "{n} 部品は読めないかランク付けできなかった（findings.json に記載）。",
    "ok": "良品", "defect": "不良",
}


def tr(lang: str, key: str, **fmt: Any) -> str:
    text = (_JA if lang == "ja" else _EN).get(key, _EN[key])
    return text.format(**fmt) if fmt else text


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


class _Section:
    def __init__(self, b: Any, c: ComparisonFindings) -> None:  # noqa: ANN401 - pdf._Builder
        self.b, self.c, self.s, self.lang = b, c, b.s, b.lang

    def t(self, key: str, **fmt: Any) -> str:
        return tr(self.lang, key, **fmt)

    def head(self, key: str, **fmt: Any) -> list:
        return [CondPageBreak(40 * mm), _p(_esc(self.t(key, **fmt)), self.s["h1"])]

    def small(self, text: str) -> Any:  # noqa: ANN401
        return _p(_esc(text), self.s["small"])

    def cell(self, text: Any, right: bool = False) -> Any:  # noqa: ANN401
        return _p(_esc(text), self.s["cell_r" if right else "cell"])

    def table(self, data: list, widths: list[float | None], extra: list | None = None) -> Table:
        free = CONTENT_W - sum(w for w in widths if w)
        n_free = sum(1 for w in widths if not w)
        cw = [w if w else free / max(n_free, 1) for w in widths]
        tbl = Table(data, colWidths=cw, hAlign="LEFT", repeatRows=1)
        tbl.setStyle(_grid_style(extra, header=True))
        return tbl

    def verdict_word(self, bad: bool) -> str:
        return self.t("defect" if bad else "ok")

    # --- parts ---------------------------------------------------------------------------
    def bundles(self) -> list:
        c = self.c
        rows = []
        for side, x in (("A", c.a), ("B", c.b)):
            rows.append((self.t("bundle", side=side), self.b.val(f"{x.name} {x.version} · {self.t('threshold', thr=f'{x.threshold:.4f}')}")))
            rows.append((self.t("hash", side=side), self.b.val(x.hash, mono=True)))
        lines = [self.t("same_sae" if c.same_sae else "other_sae")]
        if c.identical:
            lines.append(self.t("identical" if c.verdicts_agree else "identical_thresholds"))
        return [self.b.kv_table(rows), Spacer(1, 1.5 * mm), self.small(" ".join(lines))]

    def verdicts(self) -> list:
        c = self.c
        names = c.class_names

        def top(p: tuple[float, ...]) -> str:
            i = max(range(len(p)), key=lambda k: p[k]) if p else -1
            return "—" if i < 0 else f"{names[i] if i < len(names) else i} ({p[i]:.3f})"

        hdr = [self.cell(self.t(k), right=k not in ("col_model", "col_top", "col_edits")) for k in
               ("col_model", "col_before", "col_after", "col_verdict", "col_top", "col_edits")]
        data = [hdr]
        extra = []
        for i, (side, x) in enumerate((("A", c.a), ("B", c.b)), 1):
            data.append([self.cell(f"{side} · {x.name} {x.version}"), self.cell(_num(x.score_before), True),
                         self.cell(_num(x.score_after), True), self.cell(self.verdict_word(x.rejects_after), True),
                         self.cell(top(x.probs_after)), self.cell(x.edits or "—")])
            extra.append(("BACKGROUND", (3, i), (3, i), BAD_BG if x.rejects_after else OK_BG))
        data.append([self.cell(self.t("delta")), self.cell(_signed(c.b.score_before - c.a.score_before), True),
                     self.cell(_signed(c.delta_score), True), self.cell(""), self.cell(""), self.cell("")])
        out = [self.table(data, [34 * mm, 20 * mm, 20 * mm, 20 * mm, 34 * mm, None], extra), Spacer(1, 1.5 * mm)]
        # class probabilities after the edits: A, B and B − A
        pw = min(22 * mm, (CONTENT_W - 24 * mm) / max(len(names), 1))
        pdata = [[self.cell("")] + [self.cell(n, True) for n in names]]
        for label, vals in (("A", c.a.probs_after), ("B", c.b.probs_after)):
            pdata.append([self.cell(label)] + [self.cell(_num(v, 3), True) for v in vals])
        pdata.append([self.cell(self.t("delta"))] + [self.cell(_signed(vb - va, 3), True)
                                                     for va, vb in zip(c.a.probs_after, c.b.probs_after)])
        pt = Table(pdata, colWidths=[24 * mm] + [pw] * len(names), hAlign="LEFT")
        pt.setStyle(_grid_style([("BACKGROUND", (0, 0), (-1, 0), HEAD_BG)]))
        lines = [self.t("agree" if c.verdicts_agree else "disagree")]
        if c.left_out:
            lines.append(self.t("left_out", edits=c.left_out, why=c.left_out_why))
        return out + [pt, Spacer(1, 1.5 * mm), self.small(" ".join(lines))]

    def maps(self, image_HWC: Any, region_HW: Any) -> list:  # noqa: ANN401
        c = self.c
        if image_HWC is None or c.a.map_after is None or c.b.map_after is None or c.map_difference is None:
            return [self.small(self.t("no_maps"))]
        col_w_in = (CONTENT_W - 6 * mm) / 3 / inch
        cells = []
        for m, div, cap in ((c.a.map_after, False, self.t("fig_a", name=c.a.name)),
                            (c.b.map_after, False, self.t("fig_b", name=c.b.name)),
                            (c.map_difference, True, self.t("fig_diff"))):
            png, w, h = figures.map_panel_png(image_HWC, m, width_in=col_w_in, max_h_in=1.7, diverging=div, region_HW=region_HW)
            cells.append([self.b.image(png, w, h), _p(_esc(cap), self.s["caption"])])
        grid = Table([cells], colWidths=[CONTENT_W / 3] * 3, hAlign="LEFT")
        grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
        return [Spacer(1, 2 * mm), KeepTogether([grid])]

    def counterparts(self) -> list:
        c = self.c
        out = self.head("sec_cp")
        basis = c.counterpart_basis
        if basis is None:
            return out + [self.small(self.t("cp_none"))]
        share = basis.get("share_with_counterpart", {})
        out.append(self.small(self.t("cp_note", patches=int(basis.get("patches", 0)), images=basis.get("images", 0),
                                     min_r=c.settings.min_r, share_a=_pct(share.get("A")), share_b=_pct(share.get("B")))))
        for side, other, rows in (("A", "B", c.counterparts_a), ("B", "A", c.counterparts_b)):
            if rows:
                out += [Spacer(1, 1.5 * mm), self._cp_table(side, other, rows)]
        return out

    def _cp_table(self, side: str, other: str, rows: tuple[CounterpartRow, ...]) -> Table:
        hdr = [self.cell(self.t("col_latent", side=side)), self.cell(self.t("col_act"), True),
               self.cell(self.t("col_cp", other=other)), self.cell(self.t("col_act"), True), self.cell(self.t("col_r"), True),
               self.cell(self.t("col_mutual"), True)]
        data = [hdr]
        for r in rows:
            cp = f"#{r.other} {r.other_label}" if r.matched else self.t("none") + (
                f" (best r {r.r:.2f})" if r.r is not None else "")
            data.append([self.cell(f"#{r.latent} {r.label}"), self.cell(_num(r.activation, 3), True), self.cell(cp),
                         self.cell(_num(r.other_activation, 3) if r.matched else "—", True),
                         self.cell(_num(r.r, 2) if r.matched else "—", True),
                         self.cell(self.t("yes" if r.mutual and r.matched else "no"), True)])
        return self.table(data, [None, 20 * mm, None, 20 * mm, 13 * mm, 15 * mm])

    def switch_off(self) -> list:
        so = self.c.switch_off
        if so is None:
            return []
        hdr = [self.cell(self.t(k), right=k not in ("col_side", "col_so_latent")) for k in
               ("col_side", "col_so_latent", "col_delta", "col_p_lat", "col_p_dir", "col_ratio", "col_flip")]
        data = [hdr]
        for side, e in (("A", so.a), ("B", so.b)):
            data.append(self._effect_row(side, e))
        out = [*self.head("sec_so"), self.small(so.text), self.small(self.t("so_note", n=so.controls, seed=so.seed)),
               Spacer(1, 1.5 * mm), self.table(data, [14 * mm, None, 20 * mm, 26 * mm, 26 * mm, 18 * mm, 20 * mm])]
        if so.same_direction is not None:
            out.append(self.small(self.t("same_dir" if so.same_direction else "not_same_dir")))
        return out

    def _effect_row(self, side: str, e: EffectRow | None) -> list:
        if e is None:
            return [self.cell(side), self.cell(self.t("none")), *[self.cell("—", True) for _ in range(5)]]
        ratio = "—" if e.ratio_vs_controls is None else f"{e.ratio_vs_controls:.1f}×"
        return [self.cell(side), self.cell(f"#{e.latent} {e.label}"), self.cell(_signed(e.delta_score), True),
                self.cell(f"{e.p_random_latents:.3f}", True), self.cell(f"{e.p_random_directions:.3f}", True),
                self.cell(ratio, True), self.cell(self.t("yes" if e.verdict_flips else "no"), True)]

    def folder(self) -> list:
        fo: FolderFindings | None = self.c.folder
        if fo is None:
            return []
        keys = ("col_type", "col_n", "col_same", "col_both_rej", "col_both_acc", "col_only_a", "col_only_b", "col_corr_a",
                "col_corr_b")
        data = [[self.cell(self.t(k), right=k not in ("col_type", "col_same", "col_corr_a", "col_corr_b")) for k in keys]]
        for t in fo.types:
            data.append([self.cell(t.part_type), self.cell(t.parts, True), self.cell(t.agreement), self.cell(t.both_reject, True),
                         self.cell(t.both_accept, True), self.cell(t.only_a, True), self.cell(t.only_b, True),
                         self.cell(t.correct_a), self.cell(t.correct_b)])
        out = [*self.head("sec_folder", n=fo.parts), self.small(self.t("folder_note", boot=fo.n_boot, seed=fo.seed)),
               Spacer(1, 1.5 * mm),
               self.table(data, [None, 9 * mm, 30 * mm, 14 * mm, 14 * mm, 15 * mm, 15 * mm, 26 * mm, 26 * mm])]
        out += [Spacer(1, 1.5 * mm), self.small(self.t("folder_cp", sa=_pct(fo.counterpart_share_a), sb=_pct(fo.counterpart_share_b)))]
        out += [Spacer(1, 2 * mm), _p(_esc(self.t("changed", n=fo.changed_total)), self.s["base"])]
        if fo.changed:
            rows = [[self.cell(self.t(k), right=k in ("col_score_a", "col_score_b")) for k in
                     ("col_part", "col_type", "col_score_a", "col_score_b", "col_a", "col_b")]]
            for p in fo.changed:
                rows.append([self.cell(p.name), self.cell(p.part_type), self.cell(_num(p.score_a), True),
                             self.cell(_num(p.score_b), True), self.cell(self.verdict_word(p.reject_a)),
                             self.cell(self.verdict_word(p.reject_b))])
            out.append(self.table(rows, [None, 28 * mm, 20 * mm, 20 * mm, 18 * mm, 18 * mm]))
            if fo.changed_total > len(fo.changed):
                out.append(self.small(self.t("changed_more", n=fo.changed_total - len(fo.changed))))
        for r in fo.reasons:
            out += [Spacer(1, 2 * mm), _p(_esc(self.t("reasons", type=r.part_type, n=r.parts, sa=_pct(r.shared_a),
                                                       sb=_pct(r.shared_b))), self.s["base"])]
            out += [self.small(f"A: {line}") for line in r.rows_a] + [self.small(f"B: {line}") for line in r.rows_b]
        if fo.skipped:
            out.append(self.small(self.t("skipped", n=fo.skipped)))
        return out


def comparison_story(b: Any) -> list:  # noqa: ANN401 - pdf._Builder
    """The section's flowables; none when the findings hold no comparison."""
    f = b.f
    c: ComparisonFindings | None = getattr(f, "comparison", None)
    if c is None:
        return []
    sec = _Section(b, c)
    return [*sec.head("sec"), sec.small(sec.t("intro")), Spacer(1, 1.5 * mm), *sec.bundles(), Spacer(1, 2 * mm),
            *sec.verdicts(), *sec.maps(f.image_HWC, f.region_HW), *sec.counterparts(), *sec.switch_off(), *sec.folder()]
