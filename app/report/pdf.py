"""Findings -> an A4 PDF with reportlab Platypus.

Every piece of text is set in the shipped IPAexGothic TrueType font, registered explicitly
and embedded (subset), so Japanese notes extract as text and render on a machine with no
Japanese fonts. Figures are PNGs drawn with matplotlib at a fixed DPI. The session file (and
its mask) plus a machine-readable ``findings.json`` are attached to the PDF as embedded
files (pypdf writes the catalogue's /EmbeddedFiles name tree), so the report carries what
reproduces it. The operator's notes are one paragraph that flows across pages however long.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.core.dictionary import format_shares
from app.core.errors import InspectorError
from app.report import figures
from app.report.findings import Findings
from app.report.sections import SpecificityRow, change_direction
from app.report.texts import t

FONT = "IPAexGothic"
FONT_PATH = figures.FONT_PATH
PAGE_W, PAGE_H = A4
MARGIN_X = 17 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6673")
RULE = colors.HexColor("#c7ced6")
ACCENT = colors.HexColor("#1f5fa8")
HEAD_BG = colors.HexColor("#eef2f6")
OK_BG = colors.HexColor("#d8f0dd")
OK_FG = colors.HexColor("#1e6b33")
BAD_BG = colors.HexColor("#f8d7d4")
BAD_FG = colors.HexColor("#a3241a")

_MIME = {".json": "application/json", ".png": "image/png"}
MAX_FIELD_CHARS = 300  # an identification value longer than this is cut in the table (it cannot split)

Progress = Callable[[float, str], None]


def register_font() -> str:
    """Register IPAexGothic from resources/fonts (once); every style uses it."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    if not FONT_PATH.is_file():
        raise InspectorError("font_missing", f"the report font is missing: {FONT_PATH} (reinstall the application)",
                             path=str(FONT_PATH))
    try:
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))
    except (TTFError, OSError) as exc:
        raise InspectorError("font_missing", f"the report font {FONT_PATH.name} cannot be read: {exc}") from exc
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)  # no bold face: <b> keeps the same font
    return FONT


def _styles(lang: str) -> dict[str, ParagraphStyle]:
    wrap = "CJK" if lang == "ja" else None
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11.5, textColor=INK, wordWrap=wrap)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontSize=19, leading=23, textColor=INK),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=9, leading=12, textColor=MUTED),
        "h1": ParagraphStyle("h1", base, fontSize=11.5, leading=15, textColor=ACCENT, spaceBefore=9, spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10.2),
        "cell_r": ParagraphStyle("cell_r", base, fontSize=8, leading=10.2, alignment=TA_RIGHT),
        "label": ParagraphStyle("label", base, fontSize=7.5, leading=10, textColor=MUTED),
        "label_r": ParagraphStyle("label_r", base, fontSize=7.5, leading=10, textColor=MUTED, alignment=TA_RIGHT),
        "mono": ParagraphStyle("mono", base, fontSize=7.6, leading=10, wordWrap=None),
        "caption": ParagraphStyle("caption", base, fontSize=7.3, leading=9.4, textColor=MUTED, alignment=TA_LEFT),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=10, textColor=MUTED),
        # a bordered paragraph, not a table cell, so that notes of any length flow across pages
        "notes": ParagraphStyle("notes", base, fontSize=9, leading=13, wordWrap="CJK", borderWidth=0.5,
                                borderColor=RULE, backColor=colors.HexColor("#fafbfc"), borderPadding=(5, 6, 6, 6)),
        "verdict": ParagraphStyle("verdict", base, fontSize=10, leading=13, alignment=TA_RIGHT),
        "cell_plain": ParagraphStyle("cell_plain", base, fontSize=8, leading=10.2, wordWrap=None),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _esc(text: Any) -> str:
    return escape(str(text))


def _num(x: float | None, digits: int = 4) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    return f"{x:.{digits}f}"


def _signed(x: float | None, digits: int = 4) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    if round(x, digits) == 0:
        return f"{0:.{digits}f}"
    return f"{x:+.{digits}f}".replace("-", "−")


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


class _Doc(BaseDocTemplate):
    pass


def _grid_style(extra: list | None = None, header: bool = False) -> TableStyle:
    cmds = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        cmds += [("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED)]
    return TableStyle(cmds + (extra or []))


class _Builder:
    def __init__(self, f: Findings) -> None:
        self.f = f
        self.lang = f.lang
        self.s = _styles(f.lang)
        self.images = 0

    def tr(self, key: str, **fmt: Any) -> str:
        return t(self.lang, key, **fmt)

    def h1(self, key: str, **fmt: Any) -> list:
        return [CondPageBreak(40 * mm), _p(_esc(self.tr(key, **fmt)), self.s["h1"])]

    def image(self, png: bytes, w_in: float, h_in: float, scale: float = 1.0) -> Image:
        self.images += 1
        return Image(io.BytesIO(png), width=w_in * inch * scale, height=h_in * inch * scale)

    def kv_table(self, rows: list[tuple[str, Any, str, Any] | tuple[str, Any]]) -> Table:
        """Label/value pairs, two pairs per row, or one pair spanning the width."""
        s = self.s
        data, spans = [], []
        for i, r in enumerate(rows):
            if len(r) == 2:
                data.append([_p(_esc(r[0]), s["label"]), r[1], "", ""])
                spans.append(("SPAN", (1, i), (3, i)))
            else:
                data.append([_p(_esc(r[0]), s["label"]), r[1], _p(_esc(r[2]), s["label"]), r[3]])
        lw = 30 * mm
        vw = (CONTENT_W - 2 * lw) / 2
        tbl = Table(data, colWidths=[lw, vw, lw, vw], hAlign="LEFT")
        tbl.setStyle(_grid_style(spans))
        return tbl

    def val(self, text: Any, mono: bool = False) -> Paragraph:
        text = str(text) if str(text) else self.tr("not_given")
        if len(text) > MAX_FIELD_CHARS:
            text = text[:MAX_FIELD_CHARS] + "…"
        style = "mono" if mono else ("cell" if _has_cjk(text) else "cell_plain")
        return _p(_esc(text), self.s[style])

    # --- sections -------------------------------------------------------------------
    def title(self) -> list:
        s = self.s
        return [
            _p(_esc(self.tr("doc_title")), s["title"]),
            _p(_esc(self.tr("doc_subtitle")), s["subtitle"]),
            Spacer(1, 4 * mm),
        ]

    def identification(self) -> list:
        f = self.f
        when = f"{f.created.replace('T', ' ')} ({f.timezone})" if f.timezone else f.created.replace("T", " ")
        size = f"{f.image_size[0]} × {f.image_size[1]} px"
        if f.image_notes:
            size += " · " + "; ".join(f.image_notes)
        rows = [
            (self.tr("date"), self.val(when), self.tr("app_version"), self.val(f"SAE Inspector {f.app_version}")),
            (self.tr("operator"), self.val(f.about.operator), self.tr("station"), self.val(f.about.station)),
            (self.tr("part_id"), self.val(f.about.part_id), self.tr("image_size"), self.val(size)),
            (self.tr("image_file"), self.val(f.image_name)),
            (self.tr("image_sha"), self.val(f.image_sha256, mono=True)),
        ]
        return [*self.h1("sec_identification"), self.kv_table(rows)]

    def _verdict_cell(self, score: float) -> Paragraph:
        bad = self.f.verdict.is_defect(score)
        if bad is None:  # a score that is not a number is no verdict at all
            return _p("—", self.s["verdict"])
        color = "#a3241a" if bad else "#1e6b33"
        return _p(f"<font color='{color}'>{_esc(self.tr('defect' if bad else 'ok'))}</font>", self.s["verdict"])

    def _verdict_bg(self, score: float) -> colors.Color:
        bad = self.f.verdict.is_defect(score)
        return HEAD_BG if bad is None else BAD_BG if bad else OK_BG

    def verdict(self) -> list:
        f, s = self.f, self.s
        v = f.verdict
        names = v.class_names

        def top(probs: tuple[float, ...]) -> str:
            if not probs:
                return "—"
            i = int(np.argmax(probs))
            return f"{names[i] if i < len(names) else i} ({probs[i]:.3f})"

        hdr = ["", _p(_esc(self.tr("before")), s["cell_r"]), _p(_esc(self.tr("after")), s["cell_r"]),
               _p(_esc(self.tr("score_change")), s["cell_r"])]
        data = [
            hdr,
            [_p(_esc(self.tr("defect_score")), s["cell"]), _p(_num(v.score_before), s["cell_r"]),
             _p(_num(v.score_after), s["cell_r"]), _p(_signed(v.score_after - v.score_before), s["cell_r"])],
            [_p(_esc(self.tr("verdict_at", thr=f"{v.threshold:.4f}")), s["cell"]),
             self._verdict_cell(v.score_before), self._verdict_cell(v.score_after), ""],
            [_p(_esc(self.tr("top_class")), s["cell"]), _p(_esc(top(v.probs_before)), s["cell_r"]),
             _p(_esc(top(v.probs_after)), s["cell_r"]), ""],
        ]
        extra = [
            ("BACKGROUND", (1, 2), (1, 2), self._verdict_bg(v.score_before)),
            ("BACKGROUND", (2, 2), (2, 2), self._verdict_bg(v.score_after)),
        ]
        cw = [CONTENT_W - 3 * 32 * mm, 32 * mm, 32 * mm, 32 * mm]
        tbl = Table(data, colWidths=cw, hAlign="LEFT")
        tbl.setStyle(_grid_style(extra, header=True))
        out = [*self.h1("sec_verdict"), tbl, Spacer(1, 2 * mm)]
        if names:
            # class probabilities: one compact row per condition
            pw = min(22 * mm, (CONTENT_W - 24 * mm) / len(names))
            pdata = [[_p(_esc(self.tr("classes")), s["label"])] + [_p(_esc(n), s["label"]) for n in names]]
            for key, probs in (("before", v.probs_before), ("after", v.probs_after)):
                pdata.append([_p(_esc(self.tr(key)), s["label"])] + [
                    _p(_num(probs[i] if i < len(probs) else None, 3), s["cell_r"]) for i in range(len(names))])
            pt = Table(pdata, colWidths=[24 * mm] + [pw] * len(names), hAlign="LEFT")
            pt.setStyle(_grid_style([("ALIGN", (1, 0), (-1, 0), "RIGHT")]))
            for i in range(1, len(names) + 1):
                pdata[0][i].style = s["label_r"]
            out += [pt, Spacer(1, 2 * mm)]
        region = (self.tr("region_whole") if f.whole_image else
                  self.tr("region_desc", pixels=f"{f.mask_pixels:,}", patches=f.mask_patches, total=f.num_patches))
        lines = [f"{_esc(self.tr('region'))}: {_esc(region)}"]
        if f.edits:
            ed = ", ".join(f"#{e.latent} {self._op_text(e.op, e.value)[0]}"
                           + ("" if e.op == "off" else f" {e.value:g}") for e in f.edits)
            lines.append(f"{_esc(self.tr('sec_edits'))}: {_esc(ed)}")
        if f.recon_only:
            lines.append(_esc(self.tr("recon_only")))
        if not f.edits and not f.recon_only:
            lines.append(_esc(self.tr("no_edits")))
        return out + [_p("<br/>".join(lines), s["small"]), Spacer(1, 1.5 * mm), *self.ood()]

    def model(self) -> list:
        m, b = self.f.model, self.f.backend
        rule = str(m.get("sae_activation", ""))
        if m.get("sae_k"):
            rule += f", k = {m['sae_k']}"
        layer = str(m.get("hooked_layer", ""))
        if m.get("depth"):
            layer += f" / {m['depth']}"
        rows = [
            (self.tr("bundle"), self.val(f"{m.get('name', '')} {m.get('version', '')}"), self.tr("hooked_layer"),
             self.val(layer)),
            (self.tr("sae"), self.val(self.tr("sae_desc", width=m.get("sae_width", "?"), rule=rule)),
             self.tr("backend"), self.val(" · ".join(str(b.get(k, "")) for k in ("backend", "device", "provider") if b.get(k)))),
            (self.tr("classes"), self.val(", ".join(self.f.verdict.class_names))),
            (self.tr("bundle_hash"), self.val(m.get("hash", ""), mono=True)),
            (self.tr("vit_sha"), self.val(m.get("vit_sha256", ""), mono=True)),
            (self.tr("sae_sha"), self.val(m.get("sae_sha256", ""), mono=True)),
        ]
        return [*self.h1("sec_model"), self.kv_table(rows)]

    def figures(self, progress: Progress | None) -> list:
        f, s = self.f, self.s
        if f.image_HWC is None or f.map_before is None or f.map_after is None:
            return [] if f.image_HWC is None else [*self.h1("sec_figures"), _p(_esc(self.tr("no_maps")), s["small"])]
        ev = "_ev" if f.map_kind == "evidence" else ""
        gap = 5 * mm
        col_w_in = (CONTENT_W - gap) / 2 / inch
        max_h_in = 1.95
        panels = [
            (None, False, self.tr("fig_part", truth=self.tr("fig_part_truth") if f.truth_HW is not None else "")),
            (f.map_before, bool(ev), self.tr("fig_before" + ev)),
            (f.map_after, bool(ev), self.tr("fig_after" + ev)),
            (f.map_after - f.map_before, True, self.tr("fig_diff" + ev)),
        ]
        cells = []
        for i, (m, div, cap) in enumerate(panels):
            png, w, h = figures.map_panel_png(f.image_HWC, m, width_in=col_w_in, max_h_in=max_h_in, diverging=div,
                                              region_HW=f.region_HW, truth_HW=f.truth_HW if m is None else None)
            if progress:
                progress(0.35 + 0.1 * i, "drawing the defect maps")
            cells.append([self.image(png, w, h), _p(_esc(cap), s["caption"])])
        grid = Table([[cells[0], cells[1]], [cells[2], cells[3]]], colWidths=[CONTENT_W / 2] * 2, hAlign="LEFT")
        grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        head = _p(_esc(self.tr("sec_figures")), s["h1"])
        note = _p(_esc(self.tr("fig_note" + ev)), s["caption"])
        return [KeepTogether([head, note, Spacer(1, 1.5 * mm), grid])]

    def _op_text(self, op: str, value: float) -> tuple[str, str]:
        if op == "off":
            return self.tr("op_off"), "—"
        return self.tr(f"op_{op}"), f"{value:g}"

    def edits(self) -> list:
        f, s = self.f, self.s
        if not f.edits:
            return []
        hdr = [_p(_esc(self.tr(k)), s["cell" if k in ("col_label", "col_op") else "cell_r"]) for k in
               ("col_latent", "col_label", "col_op", "col_value", "col_score_alone", "col_delta_alone")]
        data = [hdr]
        for e in f.edits:
            op, v = self._op_text(e.op, e.value)
            label = _esc(e.label)
            if e.strongest and e.strongest_parts:
                where = format_shares(e.strongest)
                label += "<br/>" + f'<font size="6.5" color="#6b7280">{_esc(self.tr("strongest_on", where=where, n=e.strongest_parts))}</font>'
            data.append([_p(f"#{e.latent}", s["cell_r"]), _p(label, s["cell"]), _p(_esc(op), s["cell"]),
                         _p(v, s["cell_r"]), _p(_num(e.score_alone), s["cell_r"]), _p(_signed(e.delta_alone), s["cell_r"])])
        cw = [16 * mm, None, 32 * mm, 16 * mm, 27 * mm, 24 * mm]
        cw[1] = CONTENT_W - sum(c for c in cw if c)
        tbl = Table(data, colWidths=cw, hAlign="LEFT", repeatRows=1)
        tbl.setStyle(_grid_style(header=True))
        v = f.verdict
        note = self.tr("edits_note", after=_num(v.score_after), delta=_signed(v.score_after - v.score_before))
        return [*self.h1("sec_edits"), tbl, Spacer(1, 1.5 * mm), _p(_esc(note), s["small"])]

    def exemplars(self) -> list:
        f, s = self.f, self.s
        if not f.edits:
            return []
        out = [*self.h1("sec_exemplars")]
        if not f.has_dictionary:
            return out + [_p(_esc(self.tr("no_exemplars")), s["small"])]
        out.append(_p(_esc(self.tr("exemplars_note")), s["small"]))
        out.append(Spacer(1, 2 * mm))
        for e in f.edits:
            crops = f.exemplars.get(e.latent, ())
            cap = _p(f"#{e.latent} · {_esc(e.label)}", s["cell"])
            if not crops:
                out.append(KeepTogether([cap, _p("—", s["small"])]))
                continue
            png = figures.exemplar_strip_png(crops, cell_px=64, gap_px=6)
            n = len(crops)
            cell_pt = min(36.0, (CONTENT_W - 6) / (n + (n - 1) * 6 / 64))
            w_pt = cell_pt * (n + (n - 1) * 6 / 64)
            out.append(KeepTogether([cap, Spacer(1, 1 * mm), self.image(png, w_pt / inch, cell_pt / inch),
                                     Spacer(1, 2.5 * mm)]))
        return out

    def rank(self) -> list:
        f, s = self.f, self.s
        r = f.rank
        if r is None or not r.latents:
            return []
        labels = {"random_latents": "random latents, 5–95%" if self.lang == "en" else "ランダム潜在変数 5–95%",
                  "random_directions": "random directions, 5–95%" if self.lang == "en" else "ランダム方向 5–95%",
                  "xlabel": "Δ defect score when switched off in the region" if self.lang == "en"
                  else "領域内でオフにしたときの欠陥スコアの変化 Δ"}
        png, w, h = figures.rank_chart_png(r, width_in=CONTENT_W / inch, labels=labels)
        hdr = [_p(_esc(self.tr(k)), s["cell" if k == "col_label" else "cell_r"]) for k in
               ("col_rank", "col_latent", "col_label", "col_activation", "col_delta", "col_percentile", "col_specificity")]
        data = [hdr]
        for i, x in enumerate(r.latents, 1):
            pct = x.percentile_vs_control
            data.append([_p(str(i), s["cell_r"]), _p(f"#{x.id}", s["cell_r"]), _p(_esc(x.label), s["cell"]),
                         _p(_num(x.activation, 3), s["cell_r"]), _p(_signed(x.delta_score), s["cell_r"]),
                         _p("—" if pct is None else f"{pct:.1f}", s["cell_r"]),
                         _p(self.spec_text(x.specificity), s["cell_r"])])
        cw = [8 * mm, 15 * mm, None, 24 * mm, 20 * mm, 27 * mm, 27 * mm]
        cw[2] = CONTENT_W - sum(c for c in cw if c)
        tbl = Table(data, colWidths=cw, hAlign="LEFT", repeatRows=1)
        tbl.setStyle(_grid_style(header=True))
        note = self.tr("rank_note", n_lat=len(r.random_latents), n_dir=len(r.random_directions),
                       seed="—" if r.seed is None else r.seed)
        if len(r.latents) > figures.MAX_CHART_ROWS:
            note += " " + self.tr("rank_chart_top", shown=figures.MAX_CHART_ROWS, n=len(r.latents))
        return [*self.h1("sec_rank"), _p(_esc(note), s["small"]), Spacer(1, 2 * mm), self.image(png, w, h),
                Spacer(1, 2 * mm), tbl]

    def spec_text(self, spec: SpecificityRow | None) -> str:
        """Specificity as the out/in ratio of the defect-map change, flagged when unspecific."""
        if spec is None:
            return "—"
        text = _num(spec.ratio, 2)
        if spec.unspecific:
            text += f" <font color='#a3241a'>({_esc(self.tr('unspecific'))})</font>"
        return text

    def dose(self) -> list:
        f, s = self.f, self.s
        d = f.dose
        if d is None:
            return []
        en = self.lang != "ja"
        labels = {"score": "defect score" if en else "欠陥スコア", "threshold": "threshold" if en else "しきい値",
                  "xlabel": "factor on the latent in the region" if en else "領域内の潜在変数への倍率",
                  "ylabel": "probability / score" if en else "確率 / スコア",
                  "off": "off" if en else "オフ", "unchanged": "unchanged" if en else "変更なし"}
        png, w, h = figures.dose_plot_png(d, width_in=CONTENT_W / inch, height_in=2.6, threshold=f.verdict.threshold,
                                          labels=labels)
        title = self.tr("sec_dose", latent=d.latent) + (f" · {d.label}" if d.label else "")
        out = [CondPageBreak(40 * mm), _p(_esc(title), s["h1"]), _p(_esc(self.tr("dose_note")), s["small"]),
               Spacer(1, 2 * mm), self.image(png, w, h)]
        spec = d.specificity
        if spec is None and f.rank is not None and (row := f.rank.row(d.latent)) is not None:
            spec = row.specificity
        if spec is not None:
            out.append(_p(_esc(self.tr("dose_specificity", value="")) + self.spec_text(spec), s["small"]))
        return out

    def injection(self) -> list:
        f, s = self.f, self.s
        x = f.injection
        if x is None:
            return []
        band = "—" if x.control_band is None else f"{_signed(x.control_band[0])} … {_signed(x.control_band[1])}"
        result = self.tr("inject_result", before=_num(x.baseline_score), after=_num(x.score), delta=_signed(x.delta_score),
                         pct="—" if x.percentile_vs_control is None else f"{x.percentile_vs_control:.1f}", band=band,
                         outcome=self.injection_outcome(x))
        title = self.tr("sec_inject", latent=x.latent) + (f" · {x.label}" if x.label else "")
        return [CondPageBreak(30 * mm), _p(_esc(title), s["h1"]), _p(_esc(self.tr("inject_note", r=x.r, n=x.controls)), s["small"]),
                Spacer(1, 1.5 * mm), _p(_esc(result), s["base"])]

    def injection_outcome(self, x) -> str:  # noqa: ANN001 - InjectionSection
        """What the injection did to the verdict at the report's threshold (the GUI words it alike)."""
        thr = self.f.verdict.threshold
        d = x.score - x.baseline_score
        change = self.tr(f"change_{change_direction(d)}", by=_num(abs(d)))
        return self.tr(f"inject_outcome_{x.outcome(thr)}", thr=f"{thr:.4f}", change=change)

    def ood(self) -> list:
        """The "unlike the training parts" notice (or that the image is like them, or that no check exists)."""
        o, s = self.f.ood, self.s
        if o is None or not o.get("calibrated"):
            return [_p(_esc(self.tr("ood_none")), s["small"])]
        value, limit, q, n = o.get("value"), o.get("flag_above"), o.get("quantile"), o.get("calibration_images")
        if o.get("unusual"):
            text = self.tr("ood_unusual", ratio=value / limit if limit else float("inf"), q=q, n=n)
            return [_p(f"<font color='#a3241a'><b>{_esc(text)}</b></font>", s["base"])]
        return [_p(_esc(self.tr("ood_usual", value=value, limit=limit, q=q, n=n)), s["small"])]

    def notes(self) -> list:
        f, s = self.f, self.s
        text = f.about.notes.strip()
        if text:
            body = "<br/>".join(_esc(line) for line in text.splitlines())
            note = _p(body, s["notes"])
        else:
            note = _p(_esc(self.tr("no_notes")), s["small"])
        files = ", ".join(sorted(f.attachments)) if f.attachments else "session.json"
        return [
            *self.h1("sec_notes"), Spacer(1, 1.5 * mm), note, Spacer(1, 1.5 * mm),
            *self.h1("sec_limits"), _p(_esc(self.tr("limits")), s["base"]),
            *self.h1("sec_repro"), _p(_esc(self.tr("repro", files=files)), s["base"]),
        ]


def attach_files(pdf: bytes, files: dict[str, bytes]) -> bytes:
    """The PDF with ``files`` attached (catalogue /Names /EmbeddedFiles), as readers and pypdf list them."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for name in sorted(files):
        ef = writer.add_attachment(name, files[name])
        ef.subtype = NameObject("/" + _MIME.get(Path(name).suffix, "application/octet-stream").replace("/", "#2F"))
        ef.description = TextStringObject(name)
        ef.associated_file_relationship = NameObject("/Source")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _make_canvas(f: Findings) -> type[Canvas]:
    lang = f.lang
    header_right = " · ".join(x for x in (f.about.part_id, f.image_name) if x)
    footer_left = f"{t(lang, 'generated', when=f.created.replace('T', ' '))} · SHA-256 {f.image_sha256[:16]}…"

    class _ReportCanvas(Canvas):
        """Draws the running header and 'page n of N' once all pages are known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = FONT  # not Helvetica: no unembedded font in the file at all
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for n, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._furniture(n, total)
                super().showPage()
            super().save()

        def _furniture(self, n: int, total: int) -> None:
            self.saveState()
            y = PAGE_H - 13 * mm
            self.setFont(FONT, 8)
            self.setFillColor(ACCENT)
            self.drawString(MARGIN_X, y, t(lang, "running_header"))
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_W - MARGIN_X, y, header_right[:90])
            self.setStrokeColor(RULE)
            self.setLineWidth(0.6)
            self.line(MARGIN_X, y - 2.5 * mm, PAGE_W - MARGIN_X, y - 2.5 * mm)
            yb = 10 * mm
            self.line(MARGIN_X, yb + 4 * mm, PAGE_W - MARGIN_X, yb + 4 * mm)
            self.setFont(FONT, 7)
            self.drawString(MARGIN_X, yb, footer_left)
            self.setFont(FONT, 8)
            self.setFillColor(INK)
            self.drawRightString(PAGE_W - MARGIN_X, yb, t(lang, "page", n=n, total=total))
            self.restoreState()

    return _ReportCanvas


def render_pdf(f: Findings, progress: Progress | None = None) -> tuple[bytes, dict[str, int]]:
    """Lay out the findings; returns the PDF bytes and {"pages", "images", "attachments"}."""
    register_font()
    b = _Builder(f)
    if progress:
        progress(0.3, "drawing figures")
    story: list = []
    story += b.title()
    story += b.identification()
    story += b.verdict()
    story += b.figures(progress)
    story += b.model()
    story += b.edits()
    story += b.exemplars()
    if progress:
        progress(0.75, "drawing the causal analyses")
    story += b.rank()
    story += b.dose()
    story += b.injection()
    from app.report.comparison_section import comparison_story  # imports this module: loaded here, not at the top

    story += comparison_story(b)
    story += b.notes()
    if progress:
        progress(0.85, "laying out the pages")
    buf = io.BytesIO()
    doc = _Doc(buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
               bottomMargin=MARGIN_BOTTOM, title=f"{t(f.lang, 'doc_title')} · {f.about.part_id or f.image_name}",
               author=f.about.operator or "", subject=f"image SHA-256 {f.image_sha256}; bundle {f.model.get('hash', '')}",
               creator=f"SAE Inspector {f.app_version}", producer=f"SAE Inspector {f.app_version} (reportlab)",
               lang="ja" if f.lang == "ja" else "en")
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_make_canvas(f))
    pdf = attach_files(buf.getvalue(), f.attachments) if f.attachments else buf.getvalue()
    return pdf, {"images": b.images, "attachments": len(f.attachments), "pages": int(doc.page)}
