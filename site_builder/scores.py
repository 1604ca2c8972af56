"""A loaded project → scores: the calls the CLI, the site pages and the newsletter share.

(Here, not in scoring/: the rule engine knows nothing of projects.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .model import Department
from .project import Project
from .scoring.engine import MonthScores, Scores, monthly, score_year
from .scoring.events import ScoreEvent, collect_events
from .scoring.export import write_csv, write_json, write_xlsx
from .scoring.rules import RuleBook
from .scoring.views import ScoreYear, score_year_view
from .site import Site


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


@dataclass(frozen=True, slots=True)
class YearResult:
    scores: Scores
    months: tuple[MonthScores, ...]


def compute_scores(events: list[ScoreEvent], rules: RuleBook, departments: tuple[Department, ...],
                   years: list[int]) -> list[YearResult]:
    """Every year's standings and month-end series: a function of exactly its arguments."""
    return [YearResult(score_year(events, rules, departments, year),
                       tuple(MonthScores(m, *monthly(events, rules, departments, year, m))
                             for m in range(1, last_month(events, year) + 1)))
            for year in years]


def last_month(events: list[ScoreEvent], year: int) -> int:
    months = [e.date.month for e in events if e.date.year == year]
    return max(months) if months else 12


def project_scores(project: Project) -> list[YearResult]:
    events = project_events(project)
    return compute_scores(events, project.rules, project.config.departments,
                          score_years(project, events))


def score_views(project: Project, site: Site, results: list[YearResult],
                public: bool) -> list[ScoreYear]:
    """What the scores pages show; a public build shows standings only if site.yaml says so,
    and never the audit or the correspondents (they name internal entries and people)."""
    if public and not project.config.scores_public:
        return []
    urls = {e.slug: e.url for e in site.entries}
    views = [score_year_view(r.scores, project.rules, r.months, project.entries, urls)
             for r in results]
    if public:
        views = [dataclasses.replace(v, audit={}, correspondents=()) for v in views]
    return views


def write_exports(result: YearResult, rules: RuleBook, dest: Path) -> dict[str, Callable[[], None]]:
    """The year's export files by name, each as the call that writes it into `dest`."""
    year = result.scores.year
    months = [(m.month, m.scores, m.earned) for m in result.months]
    return {f"{year}.json": partial(write_json, result.scores, rules, dest / f"{year}.json"),
            f"{year}.csv": partial(write_csv, result.scores, rules, dest / f"{year}.csv"),
            f"{year}.xlsx": partial(write_xlsx, result.scores, months, rules, dest / f"{year}.xlsx")}
