"""What the 统计 pages of the intranet site show: per year, the year's tables, a bar chart
of 报送 and 采用 per department, the summary paragraph, and each quarter's figures and chart.
Plain data; the templates only display it.  Never made for the public edition."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Entry, SiteConfig
from ..scoring.chart import NARROW, bars_svg, color_of
from . import compute_stats
from .count import Stats
from .export import Table, quarter_table, stats_tables
from .period import QUARTER_NAMES, Period

CHART_SERIES = ("报送", "采用")


@dataclass(frozen=True, slots=True)
class QuarterView:
    name: str  # 第一季度
    stats: Stats
    table: Table
    chart: str  # 报送 and 采用 per department, as the year's
    chart_narrow: str


@dataclass(frozen=True, slots=True)
class StatsYear:
    year: int
    stats: Stats
    tables: tuple[Table, ...]
    chart: str  # inline SVG, for a desktop page
    chart_narrow: str  # the same, drawn for a phone's width
    legend: tuple[tuple[str, str], ...]  # (series, colour)
    quarters: tuple[QuarterView, ...]  # those with anything counted, in order

    @property
    def url(self) -> str:
        return f"stats/{self.year}/index.html"


def stats_year_view(entries: tuple[Entry, ...], config: SiteConfig, year: int) -> StatsYear:
    entries = touching(entries, Period.year(year))  # the same figures, from fewer entries
    stats = compute_stats(entries, config, Period.year(year))
    names = {d.id: d.name for d in config.departments}
    quarters = []
    for n, period in enumerate(Period.year(year).quarters, start=1):
        counted = compute_stats(touching(entries, period), config, period)
        if not counted.empty:
            quarters.append(QuarterView(QUARTER_NAMES[n - 1], counted, quarter_table(counted),
                                        *charts(counted, f"bars-q{n}")))
    return StatsYear(year, stats, tuple(stats_tables(stats, names)), *charts(stats, "bars"),
                     tuple((name, color_of(n)) for n, name in enumerate(CHART_SERIES)),
                     tuple(quarters))


def charts(stats: Stats, svg_id: str) -> tuple[str, str]:
    """报送 and 采用 per department over the period, drawn for a desktop and for a phone
    (`svg_id`: unique on the page, for the title each drawing is labelled by)."""
    rows = stats.rows
    labels = [r.department.name for r in rows]
    series = [(CHART_SERIES[0], [r.submitted for r in rows]),
              (CHART_SERIES[1], [r.approved for r in rows])]
    title = f"{stats.period.phrase}各单位报送与采用稿件数"
    return (bars_svg(labels, series, title, svg_id=svg_id),
            bars_svg(labels, series, title, NARROW, f"{svg_id}-narrow"))


def touching(entries: tuple[Entry, ...], period: Period) -> tuple[Entry, ...]:
    """The entries count_stats may count for `period`: dated in it, or adopted or placed in
    it (a 2023 piece adopted in January 2024 counts for 2024).  Counting these alone gives
    the same figures as counting every entry; at 5,000 entries the year and four quarters
    of each year were a third of a one-edit rebuild."""
    return tuple(e for e in entries
                 if e.date in period or any(a.date in period for a in e.adoptions)
                 or any(p.date in period for p in e.placements))


def stats_views(entries: Iterable[Entry], config: SiteConfig) -> list[StatsYear]:
    """One view per year with entries, oldest first."""
    entries = tuple(entries)
    return [stats_year_view(entries, config, year)
            for year in sorted({e.date.year for e in entries})]
