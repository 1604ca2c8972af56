"""The paragraph an editor pastes into a 工作总结, in the register of the seeds:

「2024年1月至6月，全局共报送稿件43篇，采用36篇，采用率83.7%；被上级采用12篇次，其中省厅4篇次；
在中央主要媒体刊发3篇次，省级媒体5篇次。」

Every number is read from the computed totals; a part whose figure is zero is left out.
Adoptions and placements are events (篇次): one piece in three outlets is 3 placements.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..model import ADOPTION_LEVELS, OUTLET_LEVELS
from .count import ADOPTION_LABELS, OUTLET_LABELS, Counts, Stats

ONE_PLACE = Decimal("0.1")


def percent(rate: Decimal) -> str:
    """0.83721 → "83.7%"; a whole percentage without ".0" (100%)."""
    value = (rate * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def summary_text(stats: Stats) -> str:
    t = stats.totals
    head = f"{stats.period.phrase}，"
    if t.submitted == 0 and t.adopted_events == 0 and t.placed == 0:
        return head + "没有报送稿件。"
    parts = []
    if t.submitted:
        part = f"全局共报送稿件{t.submitted}篇，采用{t.approved}篇"
        if t.adoption_rate is not None:
            part += f"，采用率{percent(t.adoption_rate)}"
        parts.append(part)
    else:
        parts.append("全局没有报送新稿件")
    adoption = adoption_part(t)
    if adoption:
        parts.append(adoption)
    placement = placement_part(t)
    if placement:
        parts.append(placement)
    if t.model_figures:
        figures = f"编发先进典型稿件{t.model_figures}篇"
        if t.people:
            figures += f"，宣传先进人物{len(t.people)}名"
        parts.append(figures)
    return head + "；".join(parts) + "。"


def adoption_part(t: Counts) -> str:
    levels = [(ADOPTION_LABELS[level], t.events_at(level)) for level in reversed(ADOPTION_LEVELS)
              if t.events_at(level)]
    if not levels:
        return ""
    if len(levels) == 1:
        return f"被{levels[0][0]}采用{levels[0][1]}篇次"
    return (f"被上级采用{t.adopted_events}篇次，其中" +
            "、".join(f"{label}{n}篇次" for label, n in levels))


def placement_part(t: Counts) -> str:
    levels = [(OUTLET_LABELS[level], t.placed_at(level)) for level in OUTLET_LEVELS
              if t.placed_at(level)]
    if not levels:
        return ""
    first, *rest = levels
    return f"在{first[0]}刊发{first[1]}篇次" + "".join(f"，{label}{n}篇次" for label, n in rest)
