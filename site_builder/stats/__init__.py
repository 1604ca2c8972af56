"""`site-builder stats`: 报送与采用 over a period, per department and in total (count.py),
the paragraph for 工作总结 (summary.py), exports (export.py) and the 统计 pages (views.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..model import Entry, SiteConfig
from .count import Stats, count_stats
from .period import Period
from .summary import summary_text

__all__ = ["Period", "Stats", "compute_stats"]


def compute_stats(entries: Iterable[Entry], config: SiteConfig, period: Period) -> Stats:
    """The period's figures, with the summary paragraph written from them."""
    stats = count_stats(tuple(entries), config, period)
    return dataclasses.replace(stats, summary=summary_text(stats))
