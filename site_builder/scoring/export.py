"""Scores → JSON, CSV (UTF-8 with BOM, for Excel) and XLSX.  The only place that rounds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from .engine import Scores
from .rules import RuleBook

TWO_PLACES = Decimal("0.01")
# A cell a spreadsheet would take for a formula (OWASP, "CSV Injection"): text from
# front-matter or site.yaml may start with any of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rounded(value: Decimal) -> float | int:
    """A JSON number rounded to 2 decimals (half up, as an office rounds by hand)."""
    q = value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return int(q) if q == q.to_integral_value() else float(q)


def fmt(value: Decimal) -> str:
    return str(value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def audit_rows(scores: Scores) -> list[dict[str, Any]]:
    return [{
        "department": line.event.department,
        "entry": line.event.entry,
        "event": line.event.description,
        "item": line.item,
        "points": rounded(line.points),
        "counted": line.counted,
        "reason": line.reason_text,
        "reason_code": line.reason,
        "date": line.event.date.isoformat(),
        "source": line.event.where,
        "nominal": rounded(line.nominal),
        "category": line.category,
    } for line in scores.audit]


def scores_json(scores: Scores, rules: RuleBook) -> dict[str, Any]:
    return {
        "year": scores.year,
        "rules": rules.title,
        "until": scores.until.isoformat(),
        "departments": [{
            "id": s.department.id,
            "name": s.department.name,
            "total": rounded(s.total),
            "rank": s.rank,
            "categories": {name: rounded(points) for name, points in s.categories},
            "items": {rules.item(item_id).name: rounded(points) for item_id, points in s.items},
        } for s in scores.standings],
        "audit": audit_rows(scores),
    }


def write_json(scores: Scores, rules: RuleBook, path: Path) -> None:
    text = json.dumps(scores_json(scores, rules), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def csv_cell(value: str | Decimal | int) -> str:
    """A CSV field: a number as written (so -0.20 stays a number); text that a
    spreadsheet would run as a formula gets a leading ' (shown by Excel as text)."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return fmt(value) if isinstance(value, Decimal) else str(value)


AUDIT_HEADER = ["日期", "单位", "稿件", "事件", "考核项目", "规则分值", "计分", "是否计分", "原因", "出处"]


def scores_csv(scores: Scores, rules: RuleBook) -> str:
    """Standings, then a blank line, then the audit; UTF-8 with BOM so Excel reads Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["名次", "单位", *[c.name for c in rules.categories], "总分"]
    rows: list[list[str | Decimal | int]] = [header]
    rows += [[s.rank, s.department.name, *[p for _, p in s.categories], s.total]
             for s in scores.standings]
    rows += [[], AUDIT_HEADER]
    rows += [[line.event.date.isoformat(), dept_name(scores, line.event.department),
              line.event.entry or "", line.event.description, line.item, line.nominal,
              line.points, "是" if line.counted else "否", line.reason_text, line.event.where]
             for line in scores.audit]
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return "\ufeff" + out.getvalue()


def dept_name(scores: Scores, dept_id: str) -> str:
    return scores.standing(dept_id).department.name


def write_csv(scores: Scores, rules: RuleBook, path: Path) -> None:
    path.write_bytes(scores_csv(scores, rules).encode("utf-8"))


def write_xlsx(scores: Scores, months: list[tuple[int, Scores, dict[str, Decimal]]],
               rules: RuleBook, path: Path) -> None:
    """A formatted workbook: 积分排名, 月度积分, 积分明细 — frozen headers, numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)

    def sheet(title: str, header: list[str], rows: list[list[Any]], widths: list[int],
              numeric: set[int]) -> None:
        add_sheet(book, title, header, rows, widths, numeric,
                  freeze="C2" if title != "积分明细" else "A2")

    categories = [c.name for c in rules.categories]
    sheet(f"{scores.year}年积分排名", ["名次", "单位", *categories, "总分"],
          [[s.rank, s.department.name, *[float(p) for _, p in s.categories], float(s.total)]
           for s in scores.standings],
          [8, 16, *[12] * len(categories), 10], set(range(2, 3 + len(categories))))
    month_rows = []
    for month, standing, earned in months:
        for s in standing.standings:
            month_rows.append([f"{scores.year}-{month:02d}", s.department.name,
                               float(earned[s.department.id]), float(s.total), s.rank])
    sheet("月度积分", ["月份", "单位", "当月得分", "月末累计", "月末名次"], month_rows,
          [10, 16, 12, 12, 10], {2, 3})
    sheet("积分明细", AUDIT_HEADER,
          [[line.event.date, dept_name(scores, line.event.department), line.event.entry or "",
            line.event.description, line.item, float(line.nominal), float(line.points),
            "是" if line.counted else "否", line.reason_text, line.event.where]
           for line in scores.audit],
          [12, 14, 30, 48, 14, 10, 8, 10, 40, 36], {5, 6})
    for row in book["积分明细"].iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    save_workbook(book, scores.until, path)


def add_sheet(book: Any, title: str, header: list[str], rows: list[list[Any]],
              widths: list[int], numeric: set[int], number_format: str = "0.00",
              freeze: str = "A2") -> Any:
    """A formatted sheet: a red header row, frozen panes, a filter, numbers as numbers
    (`numeric`: their column indexes) and text never a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="A3161B")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:  # a control character that got this far is dropped, not refused
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):  # text, never a formula: openpyxl makes
                cell.data_type = "s"  # one of any string starting with "="
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True  # and so will Excel when the cell is edited
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column - 1 in numeric:
                cell.number_format = number_format
    ws.freeze_panes = freeze
    ws.auto_filter.ref = ws.dimensions
    return ws


def save_workbook(book: Any, day: dt.date, path: Path) -> None:
    """The same data gives the same bytes: the document's dates are `day` (not the clock),
    and every zip member gets one fixed time."""
    stamp = dt.datetime(day.year, day.month, day.day)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(fixed_zip_times(buffer.getvalue(), stamp))


def fixed_zip_times(data: bytes, day: dt.datetime) -> bytes:
    """The same zip with every member dated 1980-01-01 (zip's epoch), in the same order,
    and the document modified on `day` (openpyxl's save stamps the clock's time)."""
    import re
    import zipfile

    stamp = day.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    modified = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = modified.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(member, content)
    return out.getvalue()
