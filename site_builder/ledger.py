"""content/ledger/*.yaml → LedgerEvent: score events that belong to a department, not an entry.

Validated like entries: every problem names the file, the line, the key and
what would be accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, choices_hint
from .fields import FieldReader, describe
from .model import SiteConfig
from .sources import read_yaml

LEDGER_KEYS = ("date", "department", "kind", "note", "person", "level", "negative_opinion")
LEDGER_LEVELS = ("national", "regional", "city")
# Kinds whose points depend on a level or a person (e.g. 优秀通讯员 per person and level).
NEEDS_PERSON_AND_LEVEL = ("correspondent-award",)


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    source: Path
    line: int
    date: dt.date
    department: str  # an id
    kind: str
    note: str = ""
    person: str = ""
    level: str = ""
    negative_opinion: bool = False

    def where(self, root: Path) -> str:
        try:
            name = self.source.relative_to(root / "content").as_posix()
        except ValueError:
            name = self.source.name
        return f"{name}:{self.line}"


def ledger_files(config: SiteConfig) -> list[Path]:
    folder = config.content_dir / "ledger"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                  and not any(part.startswith((".", "_"))
                              for part in p.relative_to(folder).parts))  # .old/, _drafts/


def load_ledger(config: SiteConfig, kinds: Mapping[str, str],
                departments: Mapping[str, str]) -> tuple[list[LedgerEvent], list[Problem]]:
    """Every ledger line of the project; `kinds` are those the rule book knows."""
    events: list[LedgerEvent] = []
    problems: list[Problem] = []
    for path in ledger_files(config):
        doc, problem = read_yaml(path)
        if doc is None:
            problems.append(problem)  # type: ignore[arg-type]
            continue
        r = FieldReader(path, doc, problems)
        if doc.data is None:
            continue
        if not isinstance(doc.data, list):
            r.report((), f"台账应为事件列表，实际是{describe(doc.data)}",
                     "每条以「- 」开头，例如：\n- {date: 2024-03-01, department: jiaoguan, "
                     "kind: missed-response}", "wrong-type")
            continue
        for index, item in r.record_list(doc.data, (), "{date: …, department: …, kind: …}"):
            event = _read_event(r, index, item, kinds, departments, config)
            if event is not None:
                events.append(event)
    problems.extend(repeated_lines(events, config.root))
    return events, problems


def repeated_lines(events: list[LedgerEvent], root: Path) -> list[Problem]:
    """A warning for each ledger line that repeats an earlier one field for field: both
    are counted (they may be two real events), and the editor is told how to say so."""
    first: dict[tuple, LedgerEvent] = {}
    problems: list[Problem] = []
    for event in events:
        same = (event.date, event.department, event.kind, event.note, event.person,
                event.level, event.negative_opinion)
        earlier = first.setdefault(same, event)
        if earlier is not event:
            problems.append(Problem(
                event.source, event.line, None,
                f"台账中这一条与 {earlier.where(root)} 完全相同，两条都会计分",
                "如果确是两次事件，在其中一条的 note 中写明区别（如时间、事由），两条的 note 不同就"
                "不再提示；如果是重复录入，删去一条", "duplicate-ledger-line", "warning"))
    return problems


def _read_event(r: FieldReader, index: int, item: Mapping, kinds: Mapping[str, str],
                departments: Mapping[str, str], config: SiteConfig) -> LedgerEvent | None:
    path = (index,)
    before = sum(p.is_error for p in r.problems)
    r.unknown_keys(item, path, LEDGER_KEYS)
    date = r.date(item.get("date"), (*path, "date"))
    name = r.text(item.get("department"), (*path, "department"), "部门",
                  f"department: {config.departments[0].id}", required=True)
    department = None
    if name is not None:
        department = departments.get(name)
        if department is None:
            aliases = {spelling: config.department(dept).name
                       for spelling, dept in departments.items()}
            r.report((*path, "department"), f"未登记的单位「{name}」",
                     choices_hint([d.name for d in config.departments], name, aliases),
                     "unknown-department")
    kind = r.choice(item.get("kind"), (*path, "kind"), list(kinds), "unknown-kind")
    note = r.text(item.get("note"), (*path, "note"), "备注", "note: …") or ""
    person = r.text(item.get("person"), (*path, "person"), "人员", "person: 李明远") or ""
    level = ""
    if item.get("level") is not None or kind in NEEDS_PERSON_AND_LEVEL:
        level = r.choice(item.get("level"), (*path, "level"), LEDGER_LEVELS, "invalid-level") or ""
    if kind in NEEDS_PERSON_AND_LEVEL and not person:
        r.missing((*path, "person"), "获奖人员", "person: 李明远")
    flag = r.flag(item.get("negative_opinion"), (*path, "negative_opinion"), "引发负面舆情")
    if sum(p.is_error for p in r.problems) > before or not (date and department and kind):
        return None
    return LedgerEvent(r.file, r.doc.line(index) or 1, date, department, kind, note, person, level,
                       flag)
