"""The city report for a month as a PDF (reportlab): the dashboard's figures, its map and the
table by kelurahan, for printing and for letters to the mayor's office (docs/dashboard.md)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tumbuh.lib.formatting import format_fixed

from . import maps
from .services import METRICS, Dashboard


def _num(value: float) -> str:
    return format_fixed(value, 1)


def _cell(v, min_cell: int) -> str:
    if v.suppressed:
        return f"<{min_cell}"
    return "—" if v.value is None else _num(v.value)


def _map(choropleth: maps.Choropleth, width_pt: float) -> Drawing:
    scale = width_pt / max(choropleth.width, 1)
    height = choropleth.height * scale
    drawing = Drawing(width_pt, height + 0.9 * cm)
    for area in choropleth.areas:
        for ring in area.shape.rings:
            points = []
            for x, y in ring:
                points += [x * scale, height - y * scale + 0.9 * cm]
            drawing.add(Polygon(points, fillColor=colors.HexColor(area.fill),
                                strokeColor=colors.HexColor("#555555"), strokeWidth=0.4))
    x = 0
    for colour, low, high in choropleth.legend:
        drawing.add(Rect(x, 0.1 * cm, 0.4 * cm, 0.3 * cm, fillColor=colors.HexColor(colour),
                         strokeColor=colors.grey, strokeWidth=0.3))  # fmt: skip
        label = f"{_num(low)}–{_num(high)}"
        drawing.add(String(x + 0.5 * cm, 0.15 * cm, label, fontSize=7))
        x += 2.6 * cm
    return drawing


def render(d: Dashboard, *, city_name: str, metric: str = "stunting",
           compress: bool = True) -> bytes:
    """The report as PDF bytes (``compress=False``: readable text streams, for tests)."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.6 * cm, rightMargin=1.6 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                            title=_("City report"), author="tumbuh",
                            pageCompression=1 if compress else 0)  # fmt: skip
    m = d.rules.min_cell
    t = d.total.values
    month = date_format(d.month, "F Y")
    story = [
        Paragraph(_("Stunting reduction: city report"), styles["Title"]),
        Paragraph(f"{city_name} · {month}", styles["Heading2"]),
        Paragraph(_("Made by tumbuh on %(day)s from the records of the posyandu, the "
                    "puskesmas and the programmes.") % {
                        "day": date_format(timezone.localdate(), "j F Y")}, styles["Normal"]),
        Spacer(1, 0.4 * cm),
    ]  # fmt: skip

    def ci(v):
        if v.suppressed or v.low is None:
            return ""
        return f"{_num(v.low)}–{_num(v.high)}"

    head = [
        [_("Figure"), _("Value"), _("95% CI"), _("Based on")],
        [_("Children registered (S)"), number_format(t["ds"].base, 0, force_grouping=True), "",
         ""],
        [_("Weighed, D/S (%)"), _cell(t["ds"], m), "", str(t["ds"].base)],
        [_("Stunting (%)"), _cell(t["stunting"], m), ci(t["stunting"]), str(t["stunting"].base)],
        [_("Wasting (%)"), _cell(t["wasting"], m), ci(t["wasting"]), str(t["wasting"].base)],
        [_("Underweight (%)"), _cell(t["underweight"], m), ci(t["underweight"]),
         str(t["underweight"].base)],
        [_("Layak water and sanitation (% of households)"), _cell(t["wash"], m), "",
         str(t["wash"].base)],
        [_("Children who received PMT in %(year)s") % {"year": d.programmes["year"]},
         str(d.programmes["pmt_children"]), "", ""],
        [_("Pregnant women who received PMT in %(year)s") % {"year": d.programmes["year"]},
         str(d.programmes["pmt_women"]), "", ""],
        [_("Protein packages handed over in %(year)s") % {"year": d.programmes["year"]},
         str(d.programmes["packages"]), "", ""],
        [_("TPK visits in %(year)s") % {"year": d.programmes["year"]},
         str(d.programmes["visits"]), "", ""],
    ]  # fmt: skip
    table_style = TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
    ])  # fmt: skip
    story += [Table(head, colWidths=[9 * cm, 2.4 * cm, 3 * cm, 2.4 * cm], style=table_style),
              Spacer(1, 0.5 * cm)]  # fmt: skip

    label, higher = METRICS[metric]
    values = {a.code: a.values[metric].shown for a in d.areas}
    choropleth = maps.choropleth(values, {}, higher_is_better=higher, label=lambda n, v: n)
    if choropleth.areas:
        story += [Paragraph(str(label), styles["Heading3"]), _map(choropleth, 17.5 * cm),
                  Spacer(1, 0.4 * cm)]  # fmt: skip

    keys = list(METRICS)
    rows = [[_("Kelurahan"), *[str(METRICS[k][0]) for k in keys]]]
    for a in [*d.areas, d.total]:
        rows.append([a.name or _("Total"), *[_cell(a.values[k], m) for k in keys]])
    small = [Paragraph(str(c), styles["BodyText"]) for c in rows[0]]
    for p in small:
        p.style.fontSize = 6.5
        p.style.leading = 7.5
    rows[0] = small
    story += [
        Paragraph(_("By kelurahan (%)"), styles["Heading3"]),
        Table(rows, repeatRows=1, colWidths=[3.3 * cm] + [1.8 * cm] * len(keys),
              style=TableStyle([
                  ("FONTSIZE", (0, 1), (-1, -1), 7),
                  ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                  ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                  ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                  ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                  ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
              ])),
        Spacer(1, 0.3 * cm),
        Paragraph(_("A figure resting on fewer than %(n)d children (households for water and "
                    "sanitation) is not shown (<%(n)d). Prevalence among the children measured "
                    "in the month; PMT, packages and visits among those who needed them in the "
                    "last 12 months.") % {"n": m}, styles["Normal"]),
    ]  # fmt: skip
    doc.build(story)
    return buffer.getvalue()
