"""Charts drawn as inline SVG at build time: the month-by-month trend of cumulative scores,
and the bars of the 统计 page (bars_svg).

An SVG scales as a whole, its labels too: one drawing cannot have readable labels both at
desktop width and on a phone.  So the chart is drawn twice, for a wide and a narrow box
(the page shows the one that fits), and the legend is left to the page as HTML text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

PALETTE = ("#a3161b", "#1f5f99", "#2e7d32", "#b8860b", "#6a1b9a", "#00838f", "#d84315",
           "#455a64", "#ad1457", "#558b2f", "#4e342e", "#283593")


@dataclass(frozen=True, slots=True)
class Layout:
    width: int  # viewBox units; the page scales the drawing to its box
    height: int
    left: int  # margins around the plot, for the axis labels
    bottom: int
    font: int  # label size in viewBox units
    top: int = 14
    right: int = 14


# Drawn about 700 px wide on a desktop page (labels ~12 px) and about 320 px wide on a
# 375 px phone: the narrow drawing is that size, so its 13-unit labels show at ~12 px.
WIDE = Layout(width=720, height=320, left=44, bottom=34, font=12)
NARROW = Layout(width=340, height=300, left=34, bottom=32, font=13, right=10)


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    color: str
    last: Decimal  # the series' last value


def legend(series: Sequence[tuple[str, Sequence[Decimal]]]) -> tuple[LegendItem, ...]:
    """Each series' label, its line's colour and its last value, in drawing order."""
    return tuple(LegendItem(label, color_of(n), vs[-1] if vs else Decimal(0))
                 for n, (label, vs) in enumerate(series))


def color_of(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def trend_svg(months: Sequence[int], series: Sequence[tuple[str, Sequence[Decimal]]],
              title: str, layout: Layout = WIDE, svg_id: str = "trend") -> str:
    """Lines of cumulative totals per department; `series` is (label, value per month).
    `svg_id` names the drawing's title element: two drawings on a page need two."""
    width, height, font = layout.width, layout.height, layout.font
    left, top = layout.left, layout.top
    plot_w = width - left - layout.right
    plot_h = height - top - layout.bottom
    values = [v for _, vs in series for v in vs]
    peak = max([Decimal(1), *values])
    step = nice_step(peak)
    y_max = ((peak / step).to_integral_value(rounding="ROUND_CEILING")) * step

    def x(index: int) -> float:
        return left + (plot_w * index / max(len(months) - 1, 1))

    def y(value: Decimal) -> float:
        return top + plot_h - float(value / y_max) * plot_h

    parts = [f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
             f' role="img" aria-labelledby="{svg_id}-title">',
             f'<title id="{svg_id}-title">{escape(title)}</title>',
             f'<g class="grid" stroke="#e3ddd5" stroke-width="1" font-size="{font}" fill="#5c5c5c">']
    tick = Decimal(0)
    while tick <= y_max:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}"/>'
                     f'<text x="{left - 6}" y="{y(tick) + font / 3:.1f}" text-anchor="end" stroke="none">'
                     f'{tick.normalize():f}</text>')
        tick += step
    # a month label is about 2.4 em wide ("12月"): label every other month where they would touch
    every = 1 if plot_w / max(len(months), 1) >= font * 2.6 else 2
    for index, month in enumerate(months):
        if index % every == 0 or index == len(months) - 1:
            parts.append(f'<text x="{x(index):.1f}" y="{height - layout.bottom + font + 8}"'
                         f' text-anchor="middle" stroke="none">{month}月</text>')
    parts.append("</g>")
    for n, (label, vs) in enumerate(series):
        color = color_of(n)
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs))
        parts.append(f'<g class="series"><polyline fill="none" stroke="{color}" stroke-width="2.5"'
                     f' points="{points}"/>')
        for i, v in enumerate(vs):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}">'
                         f'<title>{escape(label)} {months[i]}月：{v.normalize():f} 分</title></circle>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def nice_step(peak: Decimal) -> Decimal:
    for step in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20)):
        if peak / step <= 6:
            return step
    return Decimal(50)


def bars_svg(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str,
             layout: Layout = WIDE, svg_id: str = "bars", unit: str = "篇") -> str:
    """Horizontal bars, one group per label (a department) with a bar per series (报送,
    采用 …); each bar's value is written at its end.  The drawing is as tall as its groups
    need; the legend is left to the page, as for the trend."""
    width, font = layout.width, layout.font
    bar, gap = font + 2, font * 2 // 3  # a bar as thick as a label; space between groups
    group = len(series) * bar + gap
    left = max([2, *map(len, labels)]) * font + 10  # CJK labels are about 1 em a character
    room = font * 2 + 6  # for the value at a bar's end ("128")
    plot_w = width - left - layout.right - room
    top, bottom = layout.top, font + 14
    height = top + group * len(labels) + bottom
    peak = max([1, *(v for _, vs in series for v in vs)])
    step = max(Decimal(1), nice_step(Decimal(peak)))
    x_max = (Decimal(peak) / step).to_integral_value(rounding="ROUND_CEILING") * step

    def x(value: Decimal | int) -> float:
        return left + float(Decimal(value) / x_max) * plot_w

    parts = [f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
             f' role="img" aria-labelledby="{svg_id}-title">',
             f'<title id="{svg_id}-title">{escape(title)}</title>',
             f'<g class="grid" stroke="#e3ddd5" stroke-width="1" font-size="{font}" fill="#5c5c5c">']
    tick = Decimal(0)
    axis = top + group * len(labels)
    while tick <= x_max:
        parts.append(f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{axis}"/>'
                     f'<text x="{x(tick):.1f}" y="{axis + font + 6}" text-anchor="middle"'
                     f' stroke="none">{tick.normalize():f}</text>')
        tick += step
    parts.append("</g>")
    parts.append(f'<g font-size="{font}" fill="#1f1f1f">')
    for row, label in enumerate(labels):
        y0 = top + row * group + gap / 2
        middle = y0 + len(series) * bar / 2
        parts.append(f'<text x="{left - 8}" y="{middle + font / 3:.1f}" text-anchor="end">'
                     f'{escape(label)}</text>')
        for n, (name, values) in enumerate(series):
            value, y = values[row], y0 + n * bar
            parts.append(f'<rect x="{left}" y="{y:.1f}" width="{x(value) - left:.1f}"'
                         f' height="{bar - 2}" fill="{color_of(n)}">'
                         f'<title>{escape(label)} {escape(name)}：{value} {unit}</title></rect>'
                         f'<text x="{x(value) + 4:.1f}" y="{y + bar / 2 + font / 3 - 1:.1f}"'
                         f' font-size="{font - 1}" fill="#5c5c5c">{value}</text>')
    parts.append("</g></svg>")
    return "".join(parts)
