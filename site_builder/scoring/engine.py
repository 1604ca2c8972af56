"""Pure arithmetic: score events + rule book + year → standings and an audit trail.

No files, no clock, no globals.  Decimal throughout; only export.py rounds.
Every event becomes one audit line saying whether it counted and why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import Department
from .events import ScoreEvent
from .rules import EventRule, RuleBook, RuleItem

ZERO = Decimal(0)

# Audit reasons: a stable code and the words the office head reads.
REASONS = {
    "counted": "计分",
    "cap-partial": "达到本项上限，只计部分分值",
    "cap-reached": "本项已达上限，不再计分",
    "floor-reached": "本项已扣至 0 分，不再扣分",
    "superseded": "同一作品只计分1次，取最高分：已按本稿件分值更高的事件计分",
    "not-approved": "稿件未审核通过，不计分",
    "no-rule": "规则中没有对应的计分标准",
    "outside-year": "事件日期不在本考核年度，计入其所在年度",
}


@dataclass(frozen=True, slots=True)
class AuditLine:
    event: ScoreEvent
    item: str  # the rule item's name, "" when no rule applies
    category: str
    nominal: Decimal  # what the rule gives for the event
    points: Decimal  # what was credited (0 when not counted)
    counted: bool
    reason: str  # a key of REASONS

    @property
    def reason_text(self) -> str:
        text = REASONS[self.reason]
        status = {"draft": "草稿", "review": "待审"}.get(self.event.status, "")
        if self.reason == "not-approved":
            text += f"（状态：{status}）"
        elif not self.event.approved:  # e.g. no rule for it: and not reviewed either
            text += f"（稿件未审核，状态：{status}）"
        if self.reason == "outside-year":
            text += f"（{self.event.date.year} 年）"
        return text


@dataclass(frozen=True, slots=True)
class Standing:
    department: Department
    total: Decimal
    rank: int
    categories: tuple[tuple[str, Decimal], ...]  # in rule-book order
    items: tuple[tuple[str, Decimal], ...]  # item id → points


@dataclass(frozen=True, slots=True)
class Scores:
    year: int
    until: dt.date  # events up to and including this day
    standings: tuple[Standing, ...]  # sorted by rank, then registry order
    audit: tuple[AuditLine, ...]  # chronological

    def standing(self, department_id: str) -> Standing:
        return next(s for s in self.standings if s.department.id == department_id)


@dataclass(frozen=True, slots=True)
class MonthScores:
    month: int
    scores: Scores  # the standing at the month's end
    earned: dict[str, Decimal]  # department id → points earned in the month


def item_total(item: RuleItem, points: Iterable[Decimal]) -> Decimal:
    total = sum(points, ZERO)
    if item.mode == "earn":
        return min(total, item.max)
    return max(item.max + total, ZERO)  # deduction points are negative


def match(event: ScoreEvent, rules: RuleBook) -> tuple[RuleItem, Decimal] | None:
    """The rule item an event feeds and its nominal points, or None if no rule gives points."""
    aliases = dict(rules.level_aliases)
    for item in rules.items:
        for rule in item.events:
            if rule.matches(event.source, event.kind):
                points = rule_points(rule, event, aliases)
                if points is not None:
                    return item, points
    return None


def rule_points(rule: EventRule, event: ScoreEvent, aliases: dict[str, str]) -> Decimal | None:
    if rule.flat is not None:
        points = rule.flat
    else:
        table = dict(rule.by_key)
        level = event.level if event.level in table else aliases.get(event.level)
        if level not in table:
            return None
        points = table[level]
    if rule.double_if == "negative_opinion" and event.negative_opinion:
        points *= 2
    return points


def score_year(events: Sequence[ScoreEvent], rules: RuleBook, departments: Sequence[Department],
               year: int, until: dt.date | None = None) -> Scores:
    """Standings and audit of one assessment year, counting events up to `until` (default:
    the whole year).  `events` may come in any order: the result does not depend on it."""
    until = min(until or dt.date(year, 12, 31), dt.date(year, 12, 31))
    in_year = sorted((e for e in events if e.date.year == year and e.date <= until),
                     key=lambda e: e.sort_key)
    matched = {id(e): match(e, rules) for e in in_year}

    # 同一作品只计分1次，取最高分: per entry, the single approved event with the most points.
    best: dict[str, ScoreEvent] = {}
    for event in in_year:
        found = matched[id(event)]
        if event.entry is None or not event.approved or found is None:
            continue
        current = best.get(event.entry)
        if current is None or abs(found[1]) > abs(matched[id(current)][1]):  # type: ignore[index]
            best[event.entry] = event  # ties keep the earliest: events are in date order

    running: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    audit: list[AuditLine] = []
    for event in in_year:
        found = matched[id(event)]
        if found is None:
            audit.append(AuditLine(event, "", "", ZERO, ZERO, False, "no-rule"))
            continue
        item, nominal = found
        if not event.approved:
            audit.append(AuditLine(event, item.name, item.category, nominal, ZERO, False,
                                   "not-approved"))
            continue
        if event.entry is not None and best[event.entry] is not event:
            audit.append(AuditLine(event, item.name, item.category, nominal, ZERO, False,
                                   "superseded"))
            continue
        key = (event.department, item.id)
        credited, reason = apply_cap(item, running[key], nominal)
        running[key] += credited
        audit.append(AuditLine(event, item.name, item.category, nominal, credited,
                               credited != ZERO, reason))

    # Events of this year's entries (published this year, or with events this year) dated in
    # another year: shown here, counted in their own year.
    year_entries = {e.entry for e in in_year if e.entry}
    for event in events:
        if event.entry is None or event.date.year == year:
            continue
        if event.entry in year_entries or (event.entry_date and event.entry_date.year == year):
            found = matched.get(id(event)) or match(event, rules)
            item_name, category, nominal = (found[0].name, found[0].category, found[1]) \
                if found else ("", "", ZERO)
            audit.append(AuditLine(event, item_name, category, nominal, ZERO, False,
                                   "outside-year"))
    audit.sort(key=lambda line: line.event.sort_key)
    return Scores(year, until, rank(standings(running, rules, departments)), tuple(audit))


def apply_cap(item: RuleItem, so_far: Decimal, nominal: Decimal) -> tuple[Decimal, str]:
    """Points credited for one event given what the department already has on this item."""
    if item.mode == "earn":
        room = item.max - so_far
        if room <= ZERO:
            return ZERO, "cap-reached"
        if nominal > room:
            return room, "cap-partial"
        return nominal, "counted"
    room = item.max + so_far  # what is left to lose; so_far is negative
    if room <= ZERO:
        return ZERO, "floor-reached"
    if -nominal > room:
        return -room, "cap-partial"
    return nominal, "counted"


def standings(running: dict[tuple[str, str], Decimal], rules: RuleBook,
              departments: Sequence[Department]) -> list[Standing]:
    out = []
    for dept in departments:
        items = tuple((item.id, item_total(item, [running.get((dept.id, item.id), ZERO)]))
                      for item in rules.items)
        by_item = dict(items)
        categories = tuple(
            (c.name, min(c.max, sum((by_item[i.id] for i in rules.items if i.category == c.name),
                                    ZERO)))
            for c in rules.categories)
        total = sum((points for _, points in categories), ZERO)
        out.append(Standing(dept, total, 0, categories, items))
    return out


def rank(rows: list[Standing]) -> tuple[Standing, ...]:
    """Competition ranking (1-1-3); ties keep the registry order."""
    ordered = sorted(enumerate(rows), key=lambda pair: (-pair[1].total, pair[0]))
    out: list[Standing] = []
    for position, (_, row) in enumerate(ordered, start=1):
        tied = out and out[-1].total == row.total
        out.append(Standing(row.department, row.total, out[-1].rank if tied else position,
                            row.categories, row.items))
    return tuple(out)


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def monthly(events: Sequence[ScoreEvent], rules: RuleBook, departments: Sequence[Department],
            year: int, month: int) -> tuple[Scores, dict[str, Decimal]]:
    """The standing at the end of `month` and each department's points earned in that month."""
    scores = score_year(events, rules, departments, year, month_end(year, month))
    earned: dict[str, Decimal] = {d.id: ZERO for d in departments}
    for line in scores.audit:
        if line.counted and line.event.date.month == month and line.event.date.year == year:
            earned[line.event.department] += line.points
    return scores, earned


def years_with_events(events: Iterable[ScoreEvent]) -> list[int]:
    return sorted({e.date.year for e in events})
