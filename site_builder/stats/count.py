"""Entries + period → the figures every 工作总结 quotes: 报送, 采用, 采用率, 上级采用 by
level, 媒体刊发 by outlet level, 先进典型, and the correspondents' ranking.

Pure counting over the loaded model (no files, no clock).  What is counted:

- 报送 (`submitted`): every entry dated in the period, whatever its status;
- 采用 (`approved`): of those, the approved ones; 采用率 = 采用 / 报送, an exact Decimal;
- 上级采用 and 媒体刊发: the adoptions and placements *dated* in the period, of approved
  entries (as the scores count them: unreviewed material is not counted); an adoption is
  counted as an event (篇次) and once per piece at its highest level (篇);
- 先进典型: approved `model-figure` entries dated in the period, and the people portrayed;
- ledger lines (台账) are not pieces: they record no 报送, 采用 or 刊发, so none counts here.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import Problem
from ..model import (
    ADOPTION_LEVELS,
    CENTRAL_OUTLETS,
    NO_DEPARTMENT,
    OUTLET_LEVELS,
    Department,
    Entry,
    SiteConfig,
)
from .period import Period

# The level names the tables and the summary use.
ADOPTION_LABELS = {"county": "县局", "city": "市局", "province": "省厅", "ministry": "公安部"}
OUTLET_LABELS = {"central": "中央主要媒体", "provincial": "省级媒体", "city": "市级媒体",
                 "other": "其他媒体"}
OUTLET_SHORT = {"central": "中央", "provincial": "省级", "city": "市级", "other": "其他"}
MODEL_FIGURE = "model-figure"


@dataclass(frozen=True, slots=True)
class Counts:
    """One department's figures (or the totals) over a period."""

    department: Department
    submitted: int = 0
    approved: int = 0
    adopted: tuple[int, ...] = (0, 0, 0, 0)  # pieces at their highest level, by ADOPTION_LEVELS
    adoption_events: tuple[int, ...] = (0, 0, 0, 0)  # adoptions (篇次), by ADOPTION_LEVELS
    placements: tuple[int, ...] = (0, 0, 0, 0)  # by OUTLET_LEVELS
    model_figures: int = 0  # approved 先进典型 pieces
    people: tuple[str, ...] = ()  # the people they portray, each once

    @property
    def adoption_rate(self) -> Decimal | None:
        """采用 / 报送, exact; None when nothing was submitted."""
        return Decimal(self.approved) / Decimal(self.submitted) if self.submitted else None

    @property
    def adopted_pieces(self) -> int:
        return sum(self.adopted)

    @property
    def adopted_events(self) -> int:
        return sum(self.adoption_events)

    @property
    def placed(self) -> int:
        return sum(self.placements)

    def adopted_at(self, level: str) -> int:
        return self.adopted[ADOPTION_LEVELS.index(level)]

    def events_at(self, level: str) -> int:
        return self.adoption_events[ADOPTION_LEVELS.index(level)]

    def placed_at(self, level: str) -> int:
        return self.placements[OUTLET_LEVELS.index(level)]


@dataclass(frozen=True, slots=True)
class Correspondent:
    name: str
    department: str  # id: one person per name and department (two 张伟 are two people)
    approved: int  # approved pieces dated in the period
    placements: int  # placements of their approved pieces dated in the period


@dataclass(frozen=True, slots=True)
class OutletCount:
    name: str
    level: str  # one of OUTLET_LEVELS
    placements: int


@dataclass(frozen=True, slots=True)
class Stats:
    period: Period
    rows: tuple[Counts, ...]  # registered departments in registry order (+ 未填单位 if any)
    totals: Counts
    correspondents: tuple[Correspondent, ...]  # most approved pieces, then placements
    outlets: tuple[OutletCount, ...]  # by level, then most placements
    summary: str = field(default="")  # the paragraph for 工作总结 (summary.py)

    @property
    def empty(self) -> bool:
        return self.totals.submitted == 0 and self.totals.placed == 0 \
            and self.totals.adopted_events == 0


def plain_outlet(name: str) -> str:
    """An outlet as registered: 《人民日报》 is 人民日报."""
    return name.strip().strip("《》〈〉\"“”").strip()


def outlet_level(name: str, registered: Mapping[str, str]) -> str:
    plain = plain_outlet(name)
    if plain in CENTRAL_OUTLETS:
        return "central"
    return registered.get(plain, "other")


def count_stats(entries: Iterable[Entry], config: SiteConfig, period: Period) -> Stats:
    """The period's figures per department and in total (the summary is left to summary.py)."""
    registered = dict(config.outlets)
    submitted: Counter[str] = Counter()
    approved: Counter[str] = Counter()
    adopted: dict[str, list[int]] = defaultdict(lambda: [0] * len(ADOPTION_LEVELS))
    events: dict[str, list[int]] = defaultdict(lambda: [0] * len(ADOPTION_LEVELS))
    placed: dict[str, list[int]] = defaultdict(lambda: [0] * len(OUTLET_LEVELS))
    figures: Counter[str] = Counter()
    people: dict[str, dict[str, None]] = defaultdict(dict)
    by_outlet: Counter[tuple[str, str]] = Counter()
    authors: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        dept = entry.department
        dated_in = entry.date in period
        if dated_in:
            submitted[dept] += 1
        if entry.status != "approved":
            continue  # its adoptions and placements wait for review, as in the scores
        if dated_in:
            approved[dept] += 1
            if entry.type == MODEL_FIGURE:
                figures[dept] += 1
                if entry.figure is not None and entry.figure.name:
                    people[dept][entry.figure.name] = None
        levels = [ADOPTION_LEVELS.index(a.level) for a in entry.adoptions if a.date in period]
        for level in levels:
            events[dept][level] += 1
        if levels:
            adopted[dept][max(levels)] += 1
        placements = [p for p in entry.placements if p.date in period]
        for p in placements:
            level = outlet_level(p.outlet, registered)
            placed[dept][OUTLET_LEVELS.index(level)] += 1
            by_outlet[(plain_outlet(p.outlet), level)] += 1
        for author in entry.authors:
            mine = authors[(author, dept)]
            mine[0] += dated_in
            mine[1] += len(placements)

    def counts(department: Department) -> Counts:
        d = department.id
        return Counts(department, submitted[d], approved[d], tuple(adopted[d]), tuple(events[d]),
                      tuple(placed[d]), figures[d], tuple(people[d]))

    departments = list(config.departments)
    if any(not e.department for e in entries if e.date in period):  # drafts naming none yet
        departments.append(NO_DEPARTMENT)
    rows = tuple(counts(d) for d in departments)
    order = {d.id: n for n, d in enumerate(departments)}
    people_ranked = sorted(
        (Correspondent(name, dept, *numbers) for (name, dept), numbers in authors.items()
         if any(numbers)),
        key=lambda c: (-c.approved, -c.placements, order.get(c.department, len(order)), c.name))
    outlets = sorted((OutletCount(name, level, n) for (name, level), n in by_outlet.items()),
                     key=lambda o: (OUTLET_LEVELS.index(o.level), -o.placements, o.name))
    return Stats(period, rows, total(rows), tuple(people_ranked), tuple(outlets))


def total(rows: Sequence[Counts]) -> Counts:
    def column(pick: Callable[[Counts], tuple[int, ...]]) -> tuple[int, ...]:
        return tuple(sum(values) for values in zip(*(pick(r) for r in rows), strict=True))

    people = dict.fromkeys(name for r in rows for name in r.people)
    return Counts(Department("total", "合计"), sum(r.submitted for r in rows),
                  sum(r.approved for r in rows), column(lambda r: r.adopted),
                  column(lambda r: r.adoption_events), column(lambda r: r.placements),
                  sum(r.model_figures for r in rows), tuple(people))


def outlet_warnings(entries: Iterable[Entry], config: SiteConfig) -> list[Problem]:
    """What `check` says of a placement in an outlet that is neither one of the seven
    central outlets nor registered under `outlets:` in site.yaml: `stats` counts it as
    其他媒体; the editor may have misspelt a registered one."""
    registered = dict(config.outlets)
    known = [*CENTRAL_OUTLETS, *registered]
    problems = []
    for entry in entries:
        for n, p in enumerate(entry.placements):
            name = plain_outlet(p.outlet)
            if name in CENTRAL_OUTLETS or name in registered:
                continue
            close = close_outlets(name, known)
            hint = (f"是否应为{''.join(f'「{c}」' for c in close)}？" if close else "") + \
                f"确是另一家媒体，请在 site.yaml 中登记其级别，例如：outlets: {{{name}: city}}" \
                "（central 中央、provincial 省级、city 市级、other 其他）"
            problems.append(Problem(entry.source, p.line, f"placements[{n}].outlet",
                                    f"未登记的媒体「{p.outlet}」：统计时计入其他媒体", hint,
                                    "unknown-outlet", "warning"))
    return problems


def close_outlets(name: str, known: list[str]) -> list[str]:
    """Registered outlets `name` may have meant: one holds the other (《人民日报》海外版),
    or they are spelt alike beyond a shared 日报 (云岭晚报 for 云岭日报, not 经济日报)."""
    alike = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return list(dict.fromkeys([*(k for k in known if k in name or name in k), *alike]))[:3]
