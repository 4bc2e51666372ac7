"""The monthly report as files for the branch head: CSV (UTF-8 with a BOM, for Excel in Chinese) and PDF
(fpdf2 with Debian's WenQuanYi Micro Hei, only the glyphs used embedded).

Why not Noto Sans CJK: its outlines are CFF, which fpdf2 embeds with a CMap stream as the encoding; viewers
read that, but text extraction (pypdf, pdfminer.six, a bank's archive indexer) gets nothing or garbage.
Micro Hei has TrueType outlines: Identity-H, readable by every tool."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from server.common.errors import DomainError
from server.common.spreadsheet import safe_cell
from server.complaints.codes import Cause, ReceivedVia
from server.complaints.labels import CAUSE_NAMES, VIA_NAMES
from server.reports.labels import FIGURE_NAMES

# The figures listed, in order: a dotted path into the figures.
ROWS = tuple(FIGURE_NAMES)
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # Debian's fonts-wqy-microhei


class FontMissing(DomainError):
    status, code = 503, "font_missing"


def figure(figures: dict | None, path: str):
    value = figures
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value <= 1 and value != int(value):
        return f"{value:.1%}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def figure_rows(report: dict) -> list[tuple[str, ...]]:
    """(figure, this month, previous month, same month a year before) for each figure."""
    rows = []
    for path in ROWS:
        values = [figure(report[key], path) for key in ("figures", "previous", "year_ago")]
        if path == "waiting.service_level":
            values = [None if v is None else f"{v:.1%}" for v in values]
        rows.append((str(FIGURE_NAMES[path]), *(shown(v) for v in values)))
    return rows


class _SafeWriter:
    """csv.writer whose every cell is safe to open in Excel (no formula from a customer's words)."""

    def __init__(self, out: io.StringIO):
        self.writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row) -> None:
        self.writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def month_csv(report: dict) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # the BOM: Excel in Chinese then reads UTF-8
    writer = _SafeWriter(out)
    writer.writerow([_("Figure"), report["month"], _("Previous month"), _("Same month last year")])
    writer.writerows(figure_rows(report))
    writer.writerow([])
    writer.writerow([_("Busiest days"), _("Arrivals")])
    writer.writerows((day["at"], day["arrivals"]) for day in report["busiest_days"])
    writer.writerow([_("Busiest hours"), _("Arrivals")])
    writer.writerows((f"{hour['at']:02d}:00", hour["arrivals"]) for hour in report["busiest_hours"])
    writer.writerow([])
    writer.writerow([_("Customers' opinions"), _("Count"), _("For example")])
    for row in report["opinions"]:
        examples = " / ".join(e["summary"] for e in row["examples"])
        writer.writerow([_cause(row["category"]), row["count"], examples])
    writer.writerow([])
    writer.writerow([_("Suggestions"), _("By"), _("Date")])
    writer.writerows((s["body"], s["author"], s["at"][:10]) for s in report["suggestions"])
    writer.writerow([])
    writer.writerow([_("Open problems"), _("Since")])
    writer.writerows((c["summary"], c["since"][:10]) for c in report["open_problems"]["complaints"])
    writer.writerows((f["symptom"], f["since"][:10]) for f in report["open_problems"]["faults"])
    return out.getvalue()


def month_pdf(report: dict) -> bytes:
    font = Path(current_app.config.get("REPORT_FONT", FONT))
    if not font.exists():
        raise FontMissing(_("The report's font is not installed on the server (fonts-wqy-microhei)."))
    pdf = FPDF(format="A4")
    pdf.set_title(f"{report['branch']['name']} {report['month']}")
    pdf.add_font("cjk", fname=str(font))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(text=_("Lobby manager's monthly report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.cell(text=f"{report['branch']['name']} · {report['month']}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    heading = FontFace(emphasis=None, fill_color=(230, 236, 245))
    pdf.set_font("cjk", size=9)
    with pdf.table(col_widths=(70, 40, 40, 40), headings_style=heading, text_align="LEFT") as table:
        table.row([_("Figure"), report["month"], _("Previous month"), _("Same month last year")])
        for row in figure_rows(report):
            table.row(row)
    _section(pdf, _("Busiest days"))
    _lines(pdf, [f"{d['at']}: {d['arrivals']}" for d in report["busiest_days"]])
    _section(pdf, _("Busiest hours"))
    _lines(pdf, [f"{h['at']:02d}:00–{h['at'] + 1:02d}:00: {h['arrivals']}" for h in report["busiest_hours"]])
    _section(pdf, _("Customers' opinions"))
    opinions = report["opinions"]
    _lines(
        pdf,
        [f"{_cause(o['category'])} ({o['count']}): " + " / ".join(_example(e) for e in o["examples"]) for o in opinions]
        or [_("None this month.")],
    )
    _section(pdf, _("Suggestions"))
    _lines(
        pdf, [f"{s['at'][:10]} {s['author']}: {s['body']}" for s in report["suggestions"]] or [_("None this month.")]
    )
    _section(pdf, _("Open problems"))
    problems = report["open_problems"]
    _lines(
        pdf,
        [f"{_('Complaint')} {c['since'][:10]}: {c['summary']}" for c in problems["complaints"]]
        + [f"{_('Fault')} {f['since'][:10]}: {f['symptom']}" for f in problems["faults"]]
        or [_("None open.")],
    )
    return bytes(pdf.output())


def _section(pdf: FPDF, title: str) -> None:
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)


def _lines(pdf: FPDF, lines: list[str]) -> None:
    for line in lines:
        pdf.multi_cell(0, 5, text=line, new_x="LMARGIN", new_y="NEXT")


def _cause(code: str) -> str:
    return str(CAUSE_NAMES.get(Cause(code), code)) if code in set(Cause) else code


def _example(example: dict) -> str:
    via = example["received_via"]
    name = VIA_NAMES.get(ReceivedVia(via)) if via in set(ReceivedVia) else None
    return f"{example['summary']} ({name or via})"
