"""Scores → what the scores pages show: standings, month trend, audit with running totals,
and the ranking of correspondents (通讯员).  Plain data; the templates only display it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Entry
from .chart import NARROW, LegendItem, legend, trend_svg
from .engine import AuditLine, MonthScores, Scores
from .rules import RuleBook


@dataclass(frozen=True, slots=True)
class Correspondent:
    name: str
    departments: tuple[str, ...]  # department ids
    published: int  # approved entries of the year
    adopted: int  # of which adopted (采用) by a higher office this year
    scored: int  # of which earned points

    @property
    def sort_key(self) -> tuple:
        return (-self.adopted, -self.scored, -self.published, self.name)


@dataclass(frozen=True, slots=True)
class AuditRow:
    line: AuditLine
    running: Decimal  # the department's total after this line
    url: str | None  # the entry's page, if published in this build
    title: str | None = None  # the entry's title; None for a ledger line


@dataclass(frozen=True, slots=True)
class ScoreYear:
    year: int
    scores: Scores
    rules: RuleBook
    months: tuple[MonthScores, ...]
    chart: str  # inline SVG, for a desktop page
    chart_narrow: str  # the same, drawn for a phone's width
    legend: tuple[LegendItem, ...]
    correspondents: tuple[Correspondent, ...]
    # By department: the lines of the published pages — those of approved entries and of
    # the ledger.  An unreviewed entry's events are only counted there (`waiting`); the
    # office's own exports (output/scores/) and `scores --explain` list them, 未审核.
    audit: Mapping[str, tuple[AuditRow, ...]] = field(default_factory=dict)
    waiting: Mapping[str, int] = field(default_factory=dict)  # department → events
    digest: str = ""  # of everything it was made from (pipeline.scoring); "": not known

    @property
    def url(self) -> str:
        return f"scores/{self.year}/index.html"

    def department_url(self, dept_id: str) -> str:
        return f"scores/{self.year}/departments/{dept_id}/index.html"

    @property
    def correspondents_url(self) -> str:
        return f"scores/{self.year}/correspondents/index.html"

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.rules.categories)


def score_year_view(scores: Scores, rules: RuleBook, months: Sequence[MonthScores],
                    entries: Sequence[Entry], entry_urls: Mapping[str, str]) -> ScoreYear:
    series = []
    for standing in scores.standings:
        dept = standing.department.id
        series.append((standing.department.name, [m.scores.standing(dept).total for m in months]))
    title = f"{scores.year}年各单位积分走势（月末累计）"
    numbers = [m.month for m in months]
    chart = trend_svg(numbers, series, title)
    chart_narrow = trend_svg(numbers, series, title, NARROW, "trend-narrow")
    titles = {e.slug: e.title for e in entries}
    audit = audit_by_department(scores, rules, entry_urls, titles)
    waiting = {dept: sum(not row.line.event.approved for row in rows)
               for dept, rows in audit.items()}
    shown = {dept: tuple(row for row in rows if row.line.event.approved)
             for dept, rows in audit.items()}
    return ScoreYear(scores.year, scores, rules, tuple(months), chart, chart_narrow, legend(series),
                     correspondents(scores, entries), shown, waiting)


def audit_by_department(scores: Scores, rules: RuleBook, entry_urls: Mapping[str, str],
                        titles: Mapping[str, str]) -> dict[str, tuple[AuditRow, ...]]:
    """Each department's lines with its running total, and the entry (title, page) a line
    comes from: the pages name entries by title, never by source path."""
    out: dict[str, list[AuditRow]] = defaultdict(list)
    running: dict[str, Decimal] = {s.department.id: rules.deduction_total for s in scores.standings}
    for line in scores.audit:
        dept = line.event.department
        if line.counted:
            running[dept] += line.points
        slug = line.event.entry
        url = entry_urls.get(slug) if slug else None
        out[dept].append(AuditRow(line, running[dept], url, titles.get(slug) if slug else None))
    return {s.department.id: tuple(out.get(s.department.id, ())) for s in scores.standings}


def correspondents(scores: Scores, entries: Sequence[Entry]) -> tuple[Correspondent, ...]:
    adopted = {line.event.entry for line in scores.audit
               if line.event.source == "adoption" and line.event.approved
               and line.reason != "outside-year"}
    scored = {line.event.entry for line in scores.audit if line.counted and line.event.entry}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    units: dict[str, dict[str, None]] = defaultdict(dict)
    for entry in entries:
        if entry.status != "approved" or entry.date.year != scores.year:
            continue
        for author in entry.authors:
            row = counts[author]
            row[0] += 1
            row[1] += entry.slug in adopted
            row[2] += entry.slug in scored
            units[author][entry.department] = None
    people = [Correspondent(name, tuple(units[name]), *row) for name, row in counts.items()]
    return tuple(sorted(people, key=lambda c: c.sort_key))
