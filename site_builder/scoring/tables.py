"""Project → scores: the library calls the CLI, the site pages and the newsletter share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..project import Project
from .engine import Scores, monthly, score_year
from .events import ScoreEvent, collect_events


@dataclass(frozen=True, slots=True)
class MonthScores:
    month: int
    scores: Scores  # the standing at the month's end
    earned: dict[str, Decimal]  # department id → points earned in the month


def project_events(project: Project) -> list[ScoreEvent]:
    return collect_events(project.entries, project.ledger, project.rules.ledger_kind_labels,
                          project.root)


def score_years(project: Project, events: list[ScoreEvent] | None = None) -> list[int]:
    """Years with score events or entries, oldest first."""
    events = project_events(project) if events is None else events
    return sorted({e.date.year for e in events} | {e.date.year for e in project.entries})


def year_scores(project: Project, year: int, events: list[ScoreEvent] | None = None,
                until: dt.date | None = None) -> Scores:
    events = project_events(project) if events is None else events
    return score_year(events, project.rules, project.config.departments, year, until)


def month_series(project: Project, year: int, events: list[ScoreEvent] | None = None,
                 last_month: int | None = None) -> list[MonthScores]:
    """Month-end standings and month points from January to `last_month` (default: the last
    month of the year with an event)."""
    events = project_events(project) if events is None else events
    months = [e.date.month for e in events if e.date.year == year]
    last = last_month or (max(months) if months else 12)
    return [MonthScores(m, *monthly(events, project.rules, project.config.departments, year, m))
            for m in range(1, last + 1)]
