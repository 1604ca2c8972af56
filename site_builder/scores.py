"""A loaded project → scores: the calls the CLI, the site pages and the newsletter share.

(Here, not in scoring/: the rule engine knows nothing of projects.)"""

from __future__ import annotations

import datetime as dt

from .project import Project
from .scoring.engine import MonthScores, Scores, monthly, score_year
from .scoring.events import ScoreEvent, collect_events


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
