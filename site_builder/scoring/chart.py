"""A month-by-month trend chart of cumulative scores, drawn as inline SVG at build time.

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
