"""Stats tables for the terminal, as rich renderables (commands.py prints them)."""

from __future__ import annotations

from rich import box
from rich.table import Table as RichTable
from rich.text import Text

from .export import Table


def rich_table(table: Table) -> RichTable:
    out = RichTable(title=table.title, box=box.SIMPLE_HEAVY, header_style="bold",
                    title_justify="left")
    for n, name in enumerate(table.header):
        text = n == 0 or name in ("通讯员", "单位", "媒体", "级别")
        out.add_column(name, justify="left" if text else "right", no_wrap=text)
    shown = table.shown()
    for n, row in enumerate(shown):
        last = table.total and n == len(shown) - 1
        out.add_row(*map(Text, row), style="bold" if last else "",  # text, never markup
                    end_section=table.total and n == len(shown) - 2)
    return out
