"""Entries and ledger lines → ScoreEvents: one per adoption, placement, award, showcase or
ledger line, each knowing where it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..ledger import LedgerEvent
from ..model import Entry

LEVEL_LABELS = {"county": "县局", "city": "市级", "province": "省厅", "ministry": "公安部",
                "national": "国家级", "regional": "省（区）级"}
ADOPTION_LABELS = {"county": "县（旗）局", "city": "市局", "province": "公安厅", "ministry": "公安部"}
KIND_LABELS = {"article": "稿件", "photo": "图片", "video": "视频", "news": "新闻作品",
               "culture": "原创文化作品"}
SOURCE_ORDER = {"adoption": 0, "placement": 1, "award": 2, "showcase": 3, "ledger": 4}


@dataclass(frozen=True, slots=True)
class ScoreEvent:
    department: str  # id
    date: dt.date
    source: str  # adoption | placement | award | showcase | ledger
    kind: str  # adoption/award kind or ledger kind; "" for placements and showcases
    level: str  # the level; for placements, the outlet
    description: str  # for the audit, in Chinese
    where: str  # "2024-03/a.md:14" or "ledger/2024.yaml:12"
    entry: str | None = None  # the entry's slug; None for ledger lines
    approved: bool = True
    status: str = "approved"
    negative_opinion: bool = False
    entry_date: dt.date | None = None  # the entry's own publication date

    @property
    def sort_key(self) -> tuple:
        return (self.date, SOURCE_ORDER[self.source], self.entry or "", self.where)


def _where(entry: Entry, line: int | None, root: Path) -> str:
    try:
        name = entry.source.relative_to(root / "content").as_posix()
    except ValueError:
        name = entry.source.name
    return f"{name}:{line}" if line else name


def entry_events(entry: Entry, root: Path) -> Iterable[ScoreEvent]:
    if not entry.department:  # a draft that names no department yet: nobody to credit
        return
    common = {"department": entry.department, "entry": entry.slug, "entry_date": entry.date,
              "approved": entry.status == "approved", "status": entry.status}
    for a in entry.adoptions:
        text = f"被{ADOPTION_LABELS[a.level]}采用（{KIND_LABELS[a.kind]}）" + \
            (f"：{a.channel}" if a.channel else "")
        yield ScoreEvent(date=a.date, source="adoption", kind=a.kind, level=a.level,
                         description=text, where=_where(entry, a.line, root), **common)
    for p in entry.placements:
        text = f"{p.outlet}刊发" + (f"（{p.section}）" if p.section else "")
        yield ScoreEvent(date=p.date, source="placement", kind="", level=p.outlet,
                         description=text, where=_where(entry, p.line, root), **common)
    for w in entry.awards:
        text = f"获{LEVEL_LABELS[w.level]}奖：{w.name}（{KIND_LABELS[w.kind]}）"
        yield ScoreEvent(date=w.date, source="award", kind=w.kind, level=w.level,
                         description=text, where=_where(entry, w.line, root), **common)
    for s in entry.showcases:
        text = f"{s.platform}展播（{LEVEL_LABELS[s.level]}平台）"
        yield ScoreEvent(date=s.date, source="showcase", kind="", level=s.level,
                         description=text, where=_where(entry, s.line, root), **common)


def ledger_event(line: LedgerEvent, kind_labels: dict[str, str], root: Path) -> ScoreEvent:
    text = kind_labels.get(line.kind, line.kind)
    if line.person:
        text += f"：{line.person}"
    if line.level:
        text += f"（{LEVEL_LABELS.get(line.level, line.level)}）"
    if line.negative_opinion:
        text += "，引发负面舆情"
    if line.note:
        text += f"——{line.note}"
    return ScoreEvent(department=line.department, date=line.date, source="ledger", kind=line.kind,
                      level=line.level, description=text, where=line.where(root),
                      negative_opinion=line.negative_opinion)


def collect_events(entries: Iterable[Entry], ledger: Iterable[LedgerEvent],
                   kind_labels: dict[str, str], root: Path) -> list[ScoreEvent]:
    events = [event for entry in entries for event in entry_events(entry, root)]
    events += [ledger_event(line, kind_labels, root) for line in ledger]
    events.sort(key=lambda e: e.sort_key)
    return events
