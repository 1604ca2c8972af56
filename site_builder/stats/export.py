"""Stats → the tables every product shows (terminal, CSV, XLSX, the 统计 page) and JSON.

One list of tables, so the terminal, the spreadsheet and the page never disagree; the
only rounding is here (rates to 4 decimals in JSON and XLSX, to 0.1 % where shown).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..model import ADOPTION_LEVELS, OUTLET_LEVELS
from ..scoring.export import add_sheet, csv_cell, save_workbook
from .count import ADOPTION_LABELS, OUTLET_SHORT, Counts, Stats
from .summary import percent

FOUR_PLACES = Decimal("0.0001")
Cell = str | int | Decimal | None  # a Decimal is a rate; None: no rate (nothing submitted)


@dataclass(frozen=True, slots=True)
class Table:
    title: str  # also the sheet's name
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]  # the last row is the total where there is one
    widths: tuple[int, ...]  # spreadsheet column widths
    total: bool = True  # the last row is 合计

    def shown(self) -> tuple[tuple[str, ...], ...]:
        """Every cell as text, as the terminal and the page show it."""
        return tuple(tuple(display(cell) for cell in row) for row in self.rows)


def display(cell: Cell) -> str:
    if cell is None:
        return "—"
    if isinstance(cell, Decimal):
        return percent(cell)
    return str(cell)


def rate4(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else rate.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def stats_tables(stats: Stats, names: dict[str, str]) -> list[Table]:
    """`names`: department id → name (for the correspondents)."""
    rows = (*stats.rows, stats.totals)
    levels = [ADOPTION_LABELS[level] for level in ADOPTION_LEVELS]
    outlets = [OUTLET_SHORT[level] for level in OUTLET_LEVELS]

    def per(pick: Any) -> tuple[tuple[Cell, ...], ...]:
        return tuple((r.department.name, *pick(r)) for r in rows)

    tables = [
        Table("报送与采用", ("单位", "报送", "采用", "采用率", "先进典型", "先进人物"),
              per(lambda r: (r.submitted, r.approved, r.adoption_rate, r.model_figures,
                             len(r.people))), (16, 8, 8, 10, 14, 10)),
        Table("上级采用（篇次）", ("单位", *levels, "合计"),
              per(lambda r: (*r.adoption_events, r.adopted_events)), (16, 8, 8, 8, 8, 8)),
        Table("上级采用稿件（按最高级别计1篇）", ("单位", *levels, "合计"),
              per(lambda r: (*r.adopted, r.adopted_pieces)), (16, 8, 8, 8, 8, 8)),
        Table("媒体刊发（篇次）", ("单位", *outlets, "合计"),
              per(lambda r: (*r.placements, r.placed)), (16, 8, 8, 8, 8, 8)),
        Table("刊发媒体", ("媒体", "级别", "篇次"),
              tuple((o.name, OUTLET_SHORT[o.level], o.placements) for o in stats.outlets),
              (24, 10, 8), total=False),
        Table("通讯员", ("序号", "通讯员", "单位", "采用稿件", "媒体刊发（篇次）"),
              tuple((n, c.name, names.get(c.department, "未填单位"), c.approved,
                     c.placements) for n, c in enumerate(stats.correspondents, start=1)),
              (6, 12, 16, 10, 16), total=False),
    ]
    return tables


def quarter_table(stats: Stats) -> Table:
    """A quarter's figures in one table, for the 统计 page."""
    rows = (*stats.rows, stats.totals)
    return Table(stats.period.phrase,
                 ("单位", "报送", "采用", "采用率", "上级采用（篇次）", "媒体刊发（篇次）"),
                 tuple((r.department.name, r.submitted, r.approved, r.adoption_rate,
                        r.adopted_events, r.placed) for r in rows), (16, 8, 8, 10, 16, 16))


def counts_json(c: Counts) -> dict[str, Any]:
    rate = rate4(c.adoption_rate)
    return {
        "id": c.department.id,
        "name": c.department.name,
        "submitted": c.submitted,
        "approved": c.approved,
        "adoption_rate": None if rate is None else float(rate),
        "adopted": dict(zip(ADOPTION_LEVELS, c.adopted, strict=True)),
        "adoption_events": dict(zip(ADOPTION_LEVELS, c.adoption_events, strict=True)),
        "placements": dict(zip(OUTLET_LEVELS, c.placements, strict=True)),
        "model_figures": c.model_figures,  # a count, as SPEC's sibling keys
        "model_figure_people": list(c.people),  # the people they portray, each once
    }


def stats_json(stats: Stats) -> dict[str, Any]:
    """SPEC's keys; besides them `adoption_events` (adoptions as events, 篇次, beside
    `adopted`: pieces at their highest level), `model_figure_people` (the people the
    先进典型 pieces portray) and `outlets` (the outlets named)."""
    return {
        "from": stats.period.start.isoformat(),
        "to": stats.period.end.isoformat(),
        "departments": [counts_json(c) for c in stats.rows],
        "totals": counts_json(stats.totals),
        "correspondents": [{"name": c.name, "department": c.department, "approved": c.approved,
                            "placements": c.placements} for c in stats.correspondents],
        "outlets": [{"name": o.name, "level": o.level, "placements": o.placements}
                    for o in stats.outlets],
        "summary": stats.summary,
    }


def stats_csv(stats: Stats, tables: list[Table]) -> str:
    """Each table under its title, a blank line between; the summary first.  UTF-8 with
    BOM, as the score exports, so Excel reads Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(f"报送与采用统计（{stats.period.phrase}）")])
    writer.writerow([csv_cell(stats.summary)])
    for table in tables:
        writer.writerow([])
        writer.writerow([csv_cell(table.title)])
        writer.writerow([csv_cell(h) for h in table.header])
        for row in table.rows:
            writer.writerow([csv_cell(display(cell)) if cell is None or isinstance(cell, Decimal)
                             else csv_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()


def write_xlsx(stats: Stats, tables: list[Table], path: Path) -> None:
    """One sheet per table, and 综述 with the summary paragraph; rates as numbers (0.0%)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    book.remove(book.active)
    summary = add_sheet(book, "综述", ["统计期间", "综述"],
                        [[stats.period.phrase, stats.summary]], [20, 100], set())
    summary["B2"].alignment = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        rates = {n for n, h in enumerate(table.header) if h == "采用率"}
        numbers = {n for n, h in enumerate(table.header) if n and h not in ("通讯员", "单位", "级别", "序号")}
        rows = [[float(rate4(cell)) if isinstance(cell, Decimal) else cell  # type: ignore[arg-type]
                 for cell in row] for row in table.rows]
        ws = add_sheet(book, sheet_name(table.title), list(table.header), rows,
                       list(table.widths), numbers - rates, number_format="0", freeze="B2")
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.column - 1 in rates:
                    cell.number_format = "0.0%"
    save_workbook(book, stats.period.end, path)


def sheet_name(title: str) -> str:
    """An Excel sheet's name: at most 31 characters, none of []:*?/\\."""
    for bad in "[]:*?/\\":
        title = title.replace(bad, "")
    return title[:31]
