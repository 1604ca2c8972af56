"""Which entries make a month's 简报, in what order, and its number (期号)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Problem, raise_errors
from ..markup import Links, print_url, render_markdown
from ..model import Article, Entry, SiteConfig
from ..project import Project
from ..publish import select
from ..scoring.engine import Scores, month_end, monthly
from ..scoring.events import ScoreEvent


@dataclass(frozen=True, slots=True)
class Section:
    type: str
    label: str  # 工作动态, 先进典型, 工作总结 …
    entries: tuple[Entry, ...]  # oldest first, bodies rendered for print


@dataclass(frozen=True, slots=True)
class Issue:
    year: int
    month: int
    number: int  # 第N期
    date: dt.date  # the issue date on the masthead: newsletter.dates, else the month's last day
    sections: tuple[Section, ...]
    scores: Scores | None  # the standing at the month's end (None: not shown)
    month_points: dict[str, Decimal]
    public: bool = False  # the --public edition: no 内部资料 mark

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def month_end(self) -> dt.date:
        """The last day the issue reports on (the scores stand at it)."""
        return month_end(self.year, self.month)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for s in self.sections for e in s.entries)


def newsletter_months(entries: Sequence[Entry]) -> list[str]:
    """"YYYY-MM" of every month that has published entries, oldest first."""
    return sorted({e.month for e in entries})


def issue_numbers(months: Sequence[str], pinned: dict[str, int]) -> dict[str, int]:
    """Each month's running number within its year; a pinned number restarts the count."""
    numbers: dict[str, int] = {}
    last: dict[str, int] = {}
    for key in sorted(months):
        year = key[:4]
        number = pinned.get(key, last.get(year, 0) + 1)
        numbers[key] = last[year] = number
    return numbers


def plan_issue(project: Project, year: int, month: int, public: bool = False,
               events: Sequence[ScoreEvent] | None = None) -> Issue | None:
    """The month's issue, or None when it has no published entry."""
    config = project.config
    published = select(project.entries, public).published
    key = f"{year}-{month:02d}"
    if not any(e.month == key for e in published):
        return None
    numbers = issue_numbers(newsletter_months(published), dict(config.newsletter.numbers))
    sections = []
    problems: list[Problem] = []
    for type_id, label in config.types:
        chosen = sorted((e for e in published if e.month == key and e.type == type_id),
                        key=lambda e: (e.date, e.slug))
        if chosen:
            sections.append(Section(type_id, label, tuple(print_body(config, e, problems)
                                                            for e in chosen)))
    raise_errors(problems)  # as a build would: never print a body that lost its images
    scores, points = None, {}
    if events is not None and (not public or config.scores_public):
        scores, points = monthly(events, project.rules, config.departments, year, month)
    date = dict(config.newsletter.dates).get(key, month_end(year, month))
    return Issue(year, month, numbers[key], date, tuple(sections), scores, points, public)


def print_body(config: SiteConfig, entry: Entry, problems: list[Problem]) -> Article:
    """The entry with its body rendered for paper: images from their files, no web links;
    what the rendering found is added to `problems`."""
    links = Links(entry.source, "", config.root, config.content_dir, {}, frozenset(),
                  entry.body_md, entry.body_line, for_print=True)
    body = render_markdown(entry.body_md, links)
    problems.extend(links.problems)
    return Article.of(entry, body_html=body, digest="",
                      cover_url=print_url(entry.cover, config.root) if entry.cover else "")
