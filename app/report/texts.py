"""The report's fixed texts, in English and Japanese.

Operators' notes are never translated; only these labels and paragraphs follow the app's
language. ``t(lang, key, **fmt)`` falls back to English for an unknown language or key.
"""

from __future__ import annotations

LANGS = ("en", "ja")

_EN: dict[str, str] = {
    "doc_title": "Inspection findings",
    "doc_subtitle": "Causal test of a defect-detection model with a sparse autoencoder",
    "running_header": "SAE Inspector · Inspection findings",
    "page": "Page {n} of {total}",
    "generated": "Generated {when}",
    # identification
    "sec_identification": "Identification",
    "date": "Date and time",
    "operator": "Operator",
    "station": "Line / station",
    "part_id": "Part id",
    "image_file": "Image file",
    "image_sha": "Image SHA-256",
    "image_size": "Image size",
    "app_version": "Application",
    "not_given": "—",
    # verdict
    "sec_verdict": "Verdict",
    "before": "Before edits",
    "after": "After edits",
    "defect_score": "Defect score (1 − p(ok))",
    "threshold": "Threshold",
    "verdict": "Verdict",
    "verdict_at": "Verdict (threshold {thr})",
    "ok": "OK",
    "defect": "DEFECT",
    "top_class": "Most likely class",
    "score_change": "Change in score",
    "region": "Region",
    "region_whole": "whole image (no region painted)",
    "region_desc": "{pixels} pixels, {patches} of {total} patches",
    "recon_only": "Region replaced by the SAE reconstruction (reconstruction-only view)",
    "no_edits": "No latent was edited: the 'after' column equals the unmodified model.",
    # model
    "sec_model": "Model",
    "bundle": "Bundle",
    "bundle_hash": "Bundle hash",
    "vit_sha": "ViT weights SHA-256",
    "sae_sha": "SAE weights SHA-256",
    "hooked_layer": "Hooked layer",
    "sae": "SAE",
    "sae_desc": "{width} latents, {rule}",
    "classes": "Classes",
    "backend": "Backend (as used)",
    # figures
    "sec_figures": "Part and defect maps",
    "fig_part": "Part image with the edited region (cyan){truth}",
    "fig_part_truth": " and the ground truth (white)",
    "fig_before": "Defect map before edits (absolute 0–1)",
    "fig_after": "Defect map after edits (absolute 0–1)",
    "fig_diff": "Difference, after − before (−1..1)",
    "fig_note": "Maps are drawn at the image's own aspect ratio on fixed scales: a good part stays dark, "
                "and blue in the difference means the edits lowered the defect evidence there.",
    # edits
    "sec_edits": "Latent edits",
    "col_latent": "Latent",
    "col_label": "Label",
    "col_op": "Operation",
    "col_value": "Value",
    "col_score_alone": "Score, this edit alone",
    "col_delta_alone": "Δ score alone",
    "strongest_on": "fires hardest on {where} of its {n} strongest test parts",
    "edits_note": "Δ score alone: the defect score with only this edit applied in the region, minus the "
                  "score before edits. The edits together give {after} (Δ {delta}).",
    "op_off": "switch off",
    "op_scale": "scale by",
    "op_set": "set to (× reference)",
    "op_add": "add (× reference)",
    "sec_exemplars": "Exemplars of the edited latents",
    "exemplars_note": "Real image patches from the bundle's training data that excite each latent most, "
                      "strongest first.",
    "no_exemplars": "This bundle has no feature dictionary, so no exemplars can be shown.",
    # causal
    "sec_rank": "Ranking of latents in the region",
    "rank_note": "Each of the region's most active latents was switched off inside the region on its own; Δ score "
                 "is the change in the defect score. Controls: {n_lat} random latents active in the region "
                 "(matched in activation) and {n_dir} random directions of matched norm, switched off the same way "
                 "(seed {seed}); the bands show their 5–95% range. Percentile: where the latent's |Δ score| falls "
                 "among the controls' |Δ score|; dark bars exceed the controls' 95th percentile. Specificity: how "
                 "much the defect map changed outside the region relative to inside (out/in; low means the effect "
                 "stays in the region).",
    "col_rank": "#",
    "col_activation": "Activation in region",
    "col_delta": "Δ score",
    "col_percentile": "Percentile vs controls",
    "col_specificity": "Specificity (out/in)",
    "unspecific": "unspecific",
    "rank_chart_top": "The chart shows the {shown} largest effects of {n}; the table lists them all.",
    "sec_dose": "Dose–response of latent #{latent}",
    "dose_note": "The latent's activation inside the region was multiplied by each factor (0 = switched off, "
                 "1 = unchanged, negative = reversed); the curves show the defect score and the class probabilities.",
    "dose_specificity": "Specificity of switching it off (defect-map change outside / inside the region): {value}",
    # notes
    "sec_inject": "Injection of latent #{latent}",
    "inject_note": "The latent was set to {r:g} × its reference activation in the region, also where it was silent; "
                   "{n} random latents set to {r:g} × their own reference are the controls.",
    "inject_result": "Defect score {before} → {after} ({delta}); |Δ| at the {pct} percentile of the controls "
                     "(5–95%: {band}). {outcome}",
    "fig_before_ev": "Evidence map before edits (measured, −1..1)",
    "fig_after_ev": "Evidence map after edits (measured, −1..1)",
    "fig_diff_ev": "Evidence difference, after − before (−1..1)",
    "fig_note_ev": "This model has no patch head, so its map is the evidence map (measured): how much the defect "
                   "score falls when each patch is replaced by a good part's, on a fixed −1..1 scale. Red pushes "
                   "towards defect.",
    "no_maps": "No map: this model has no patch head and its bundle carries no good reference to measure an evidence map.",
    "ood_unusual": "Unlike the training parts: the model's SAE reconstructs this image {ratio:.1f}× worse than the "
                   "bundle allows (its p{q:g} on {n} held-out good parts). The verdict may mean nothing for this image.",
    "ood_usual": "Like the training parts: reconstruction error {value:.3g}, within the p{q:g} of {n} held-out good "
                 "parts ({limit:.3g}).",
    "ood_none": "This bundle carries no calibration of how unlike the training parts an image is; no such check was made.",
    "inject_outcome_creates": "It creates a defect verdict: the score crosses the threshold {thr}.",
    "inject_outcome_removes": "It removes the defect verdict: the score falls below the threshold {thr}.",
    "inject_outcome_stays_defect": "The part was already above the threshold {thr}; the injection {change}.",
    "inject_outcome_stays_ok": "The score stays below the threshold {thr}; the injection {change}.",
    "inject_outcome_undefined": "No verdict: the score is not a number.",
    "change_raised": "raised it by {by}",
    "change_lowered": "lowered it by {by}",
    "change_unchanged": "left it unchanged",
    "sec_notes": "Operator's notes",
    "no_notes": "No notes were given.",
    "sec_limits": "What this finding shows, and what it does not",
    "limits": "This report records a measured effect of an intervention inside this model: the sparse "
              "autoencoder's latents named above were changed in the painted region, the rest of the network "
              "ran unchanged, and the defect score moved as shown. It shows which internal features this model "
              "relies on for its verdict on this image. It is not a proof about the physical part: it does not "
              "show that a defect is or is not present, nor what caused it, and an effect on one image need not "
              "hold on others. Latent labels are automatic summaries of exemplar patches, not ground truth. "
              "Confirm any physical conclusion by the usual inspection methods.",
    "sec_repro": "Reproducibility",
    "repro": "The session (image hash, bundle hash, region mask, edits, threshold and analysis settings) is "
             "attached to this PDF as {files}. With the same image and bundle, "
             "“python main.py report --session session.json --out findings.pdf” "
             "reproduces these figures and numbers.",
}

_JA: dict[str, str] = {
    "doc_title": "検査所見報告書",
    "doc_subtitle": "スパースオートエンコーダによる欠陥検出モデルの因果的検証",
    "running_header": "SAE Inspector · 検査所見報告書",
    "page": "{n} / {total} ページ",
    "generated": "作成 {when}",
    "sec_identification": "識別情報",
    "date": "日時",
    "operator": "検査担当者",
    "station": "ライン / ステーション",
    "part_id": "部品ID",
    "image_file": "画像ファイル",
    "image_sha": "画像 SHA-256",
    "image_size": "画像サイズ",
    "app_version": "アプリケーション",
    "not_given": "—",
    "sec_verdict": "判定",
    "before": "編集前",
    "after": "編集後",
    "defect_score": "欠陥スコア (1 − p(ok))",
    "threshold": "しきい値",
    "verdict": "判定",
    "verdict_at": "判定（しきい値 {thr}）",
    "ok": "良品 (OK)",
    "defect": "欠陥 (DEFECT)",
    "top_class": "最も確からしいクラス",
    "score_change": "スコアの変化",
    "region": "領域",
    "region_whole": "画像全体（領域指定なし）",
    "region_desc": "{pixels} ピクセル、{total} パッチ中 {patches} パッチ",
    "recon_only": "領域を SAE の再構成で置き換え（再構成のみ表示）",
    "no_edits": "潜在変数は編集されていません。「編集後」は元のモデルの出力と同じです。",
    "sec_model": "モデル",
    "bundle": "バンドル",
    "bundle_hash": "バンドルハッシュ",
    "vit_sha": "ViT 重み SHA-256",
    "sae_sha": "SAE 重み SHA-256",
    "hooked_layer": "フック層",
    "sae": "SAE",
    "sae_desc": "潜在変数 {width} 個、{rule}",
    "classes": "クラス",
    "backend": "実行バックエンド",
    "sec_figures": "部品画像と欠陥マップ",
    "fig_part": "部品画像と編集領域（シアン）{truth}",
    "fig_part_truth": "、正解領域（白）",
    "fig_before": "編集前の欠陥マップ（絶対尺度 0–1）",
    "fig_after": "編集後の欠陥マップ（絶対尺度 0–1）",
    "fig_diff": "差分 編集後 − 編集前（−1..1）",
    "fig_note": "マップは画像本来の縦横比、固定の尺度で描画しています。良品は暗いままで、差分の青は編集によって"
                "その場所の欠陥の証拠が減ったことを示します。",
    "sec_edits": "潜在変数の編集",
    "col_latent": "潜在変数",
    "col_label": "ラベル",
    "col_op": "操作",
    "col_value": "値",
    "col_score_alone": "この編集のみのスコア",
    "col_delta_alone": "単独の Δ スコア",
    "strongest_on": "最も強く発火する部位: {where}（最も強いテスト部品 {n} 点のうち）",
    "edits_note": "単独の Δ スコア：領域内でこの編集だけを適用したときの欠陥スコアから編集前のスコアを引いた値。"
                  "すべての編集を合わせると {after}（Δ {delta}）です。",
    "op_off": "オフ",
    "op_scale": "倍率",
    "op_set": "設定（基準値の倍数）",
    "op_add": "加算（基準値の倍数）",
    "sec_exemplars": "編集した潜在変数の代表例",
    "exemplars_note": "バンドルの学習データのうち、各潜在変数を最も強く活性化する実画像のパッチ（強い順）。",
    "no_exemplars": "このバンドルには特徴辞書がないため、代表例を表示できません。",
    "sec_rank": "領域内の潜在変数のランキング",
    "rank_note": "領域内で最も活性の高い潜在変数をそれぞれ単独に領域内でオフにし、欠陥スコアの変化 (Δ スコア) を"
                 "測定しました。対照群：領域内で活性のあるランダムな潜在変数 {n_lat} 個（活性を一致）と、同じノルムの"
                 "ランダム方向 {n_dir} 個（シード {seed}）。帯はその 5–95% 範囲です。パーセンタイル：潜在変数の"
                 " |Δ スコア| が対照群の |Δ スコア| の中で占める位置。濃い棒は対照群の 95 パーセンタイルを超えています。"
                 "特異性：欠陥マップの変化の領域外／領域内の比（小さいほど効果が領域内にとどまる）。",
    "col_rank": "#",
    "col_activation": "領域内の活性",
    "col_delta": "Δ スコア",
    "col_percentile": "対照群に対するパーセンタイル",
    "col_specificity": "特異性（外/内）",
    "unspecific": "非特異的",
    "rank_chart_top": "図は {n} 件のうち効果の大きい {shown} 件を示し、表はすべてを示します。",
    "sec_dose": "潜在変数 #{latent} の用量反応",
    "dose_note": "領域内の潜在変数の活性に各倍率を掛けました（0 = オフ、1 = 変更なし、負 = 反転）。曲線は欠陥スコアと"
                 "クラス確率を示します。",
    "dose_specificity": "オフにしたときの特異性（欠陥マップの変化 領域外／領域内）：{value}",
    "sec_inject": "潜在変数 #{latent} の注入",
    "inject_note": "領域内でこの潜在変数を基準活性の {r:g} 倍に設定しました（発火していなかった箇所も含む）。"
                   "対照は、それぞれの基準活性の {r:g} 倍に設定したランダムな潜在変数 {n} 個です。",
    "inject_result": "欠陥スコア {before} → {after}（{delta}）。|Δ| は対照の {pct} パーセンタイル"
                     "（5–95%：{band}）。{outcome}",
    "fig_before_ev": "編集前の根拠マップ（実測、−1..1）",
    "fig_after_ev": "編集後の根拠マップ（実測、−1..1）",
    "fig_diff_ev": "根拠マップの差分 編集後 − 編集前（−1..1）",
    "fig_note_ev": "このモデルにはパッチヘッドがないため、マップは実測の根拠マップです。各パッチを良品のものに置き換えた"
                   "ときに欠陥スコアがどれだけ下がるかを固定の −1..1 尺度で示します。赤は不良側に押す箇所です。",
    "no_maps": "マップなし：このモデルにはパッチヘッドがなく、バンドルには根拠マップを測る良品参照がありません。",
    "ood_unusual": "学習した部品と異なります：このモデルの SAE はこの画像を、バンドルの許容値（保留した良品 {n} 枚の "
                   "p{q:g}）の {ratio:.1f} 倍悪く再構成します。この画像に対する判定は意味を持たない可能性があります。",
    "ood_usual": "学習した部品と同様です：再構成誤差 {value:.3g}（保留した良品 {n} 枚の p{q:g} = {limit:.3g} 以内）。",
    "ood_none": "このバンドルには、画像が学習した部品とどれだけ異なるかの較正がないため、この確認は行っていません。",
    "inject_outcome_creates": "不良判定を生じます：スコアがしきい値 {thr} を超えます。",
    "inject_outcome_removes": "不良判定を取り消します：スコアがしきい値 {thr} を下回ります。",
    "inject_outcome_stays_defect": "この部品はもともとしきい値 {thr} を超えていました。注入はスコアを{change}。",
    "inject_outcome_stays_ok": "スコアはしきい値 {thr} を下回ったままです。注入はスコアを{change}。",
    "inject_outcome_undefined": "判定なし：スコアが数値ではありません。",
    "change_raised": "{by} 上げました",
    "change_lowered": "{by} 下げました",
    "change_unchanged": "変えませんでした",
    "sec_notes": "検査担当者のメモ",
    "no_notes": "メモはありません。",
    "sec_limits": "この所見が示すこと、示さないこと",
    "limits": "本報告書は、このモデル内部での介入による測定された効果を記録したものです。上記のスパースオート"
              "エンコーダの潜在変数を指定領域内で変更し、ネットワークの残りの部分はそのまま実行した結果、欠陥"
              "スコアが示したとおりに変化しました。これは、この画像に対する判定でこのモデルがどの内部特徴に依存"
              "しているかを示します。物理的な部品についての証明ではありません。欠陥の有無やその原因を示すもの"
              "ではなく、一枚の画像での効果が他の画像でも成り立つとは限りません。潜在変数のラベルは代表パッチの"
              "自動要約であり、正解ではありません。物理的な結論は通常の検査方法で確認してください。",
    "sec_repro": "再現性",
    "repro": "セッション（画像ハッシュ、バンドルハッシュ、領域マスク、編集、しきい値、解析設定）は本 PDF に "
             "{files} として添付されています。同じ画像とバンドルがあれば "
             "「python main.py report --session session.json --out findings.pdf」"
             "でこれらの図と数値を再現できます。",
}

_TABLES = {"en": _EN, "ja": _JA}


def t(lang: str, key: str, **fmt: object) -> str:
    table = _TABLES.get(lang, _EN)
    text = table.get(key, _EN[key])
    return text.format(**fmt) if fmt else text


def check_lang(lang: str) -> str:
    from app.core.errors import InspectorError

    if lang not in LANGS:
        raise InspectorError("bad_lang", f"unknown report language '{lang}': use one of {', '.join(LANGS)}", lang=lang)
    return lang
