"""Score tables for the terminal, as rich renderables (cli.py prints them)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from rich import box
from rich.table import Table
from rich.text import Text

from .engine import Scores
from .export import fmt
from .rules import RuleBook
from .views import AuditRow


def _signed(value: Decimal) -> Text:
    text = f"{value:+.2f}" if value else "0.00"
    return Text(text, style="green" if value > 0 else "red" if value < 0 else "")


def standings_table(scores: Scores, rules: RuleBook,
                    month_points: Mapping[str, Decimal] | None = None, title: str = "") -> Table:
    table = Table(title=title or f"{scores.year}年宣传考核积分（{rules.title}）",
                  box=box.SIMPLE_HEAVY, header_style="bold")
    table.add_column("名次", justify="right")
    table.add_column("单位", no_wrap=True, min_width=6)
    if month_points is not None:
        table.add_column("当月得分", justify="right")
    for category in rules.categories:
        table.add_column(category.name, justify="right", no_wrap=True)
    table.add_column("总分", justify="right", style="bold")
    for s in scores.standings:
        cells: list[str | Text] = [str(s.rank), s.department.name]
        if month_points is not None:
            cells.append(_signed(month_points[s.department.id]))
        cells += [fmt(points) for _, points in s.categories]
        cells.append(fmt(s.total))
        table.add_row(*cells)
    return table


def explain_table(rows: tuple[AuditRow, ...], title: str, start: Decimal) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAVY, header_style="bold", show_lines=False)
    table.add_column("日期", no_wrap=True)
    table.add_column("事件", min_width=16, overflow="fold")
    table.add_column("稿件", overflow="fold")
    table.add_column("考核项目")
    table.add_column("计分", justify="right")
    table.add_column("说明", overflow="fold")
    table.add_column("累计", justify="right", style="bold")
    table.add_row("", "起始分（扣分项满分）", "", "", "", "", fmt(start))
    for row in rows:
        line = row.line
        style = "" if line.counted else "dim"
        table.add_row(line.event.date.isoformat(), line.event.description, source(row),
                      line.item or "—", _signed(line.points) if line.counted else Text("0"),
                      line.reason_text, fmt(row.running), style=style)
    return table


def source(row: AuditRow) -> str:
    """Where a line comes from, for the editor: the entry's title (「…」), or 台账 for a line of
    content/ledger/ (its file and line: the title of an entry is all an entry needs)."""
    if row.title:
        return f"「{row.title}」"
    if row.line.event.source == "ledger":
        return f"台账 {row.line.event.where}"
    return ""
