"""A month-by-month trend chart of cumulative scores, drawn as inline SVG at build time."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

PALETTE = ("#a3161b", "#1f5f99", "#2e7d32", "#b8860b", "#6a1b9a", "#00838f", "#d84315",
           "#455a64", "#ad1457", "#558b2f", "#4e342e", "#283593")


def trend_svg(months: Sequence[int], series: Sequence[tuple[str, Sequence[Decimal]]],
              title: str, width: int = 720, height: int = 360) -> str:
    """Lines of cumulative totals per department; `series` is (label, value per month)."""
    left, right, top, bottom = 48, 150, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs]
    peak = max([Decimal(1), *values])
    step = nice_step(peak)
    y_max = ((peak / step).to_integral_value(rounding="ROUND_CEILING")) * step

    def x(index: int) -> float:
        return left + (plot_w * index / max(len(months) - 1, 1))

    def y(value: Decimal) -> float:
        return top + plot_h - float(value / y_max) * plot_h

    parts = [f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
             f' role="img" aria-labelledby="trend-title">',
             f'<title id="trend-title">{escape(title)}</title>',
             '<g class="grid" stroke="#e3ddd5" stroke-width="1" font-size="12" fill="#5c5c5c">']
    tick = Decimal(0)
    while tick <= y_max:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}"/>'
                     f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" stroke="none">'
                     f'{tick.normalize():f}</text>')
        tick += step
    for index, month in enumerate(months):
        parts.append(f'<text x="{x(index):.1f}" y="{height - bottom + 20}" text-anchor="middle"'
                     f' stroke="none">{month}月</text>')
    parts.append("</g>")
    for n, (label, vs) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs))
        parts.append(f'<g class="series"><polyline fill="none" stroke="{color}" stroke-width="2.5"'
                     f' points="{points}"/>')
        for i, v in enumerate(vs):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}">'
                         f'<title>{escape(label)} {months[i]}月：{v.normalize():f} 分</title></circle>')
        legend_y = top + 18 * n + 6
        parts.append(f'<rect x="{width - right + 16}" y="{legend_y - 9}" width="14" height="4"'
                     f' fill="{color}"/><text x="{width - right + 36}" y="{legend_y}" font-size="13"'
                     f' fill="#1f1f1f">{escape(label)} {vs[-1].normalize():f}</text></g>'
                     if vs else "</g>")
    parts.append("</svg>")
    return "".join(parts)


def nice_step(peak: Decimal) -> Decimal:
    for step in (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20)):
        if peak / step <= 6:
            return step
    return Decimal(50)
