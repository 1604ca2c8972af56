"""What awaits review: drafts and `review` entries by department, oldest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import display_path
from ..model import STATUS_LABELS, Entry, SiteConfig


@dataclass(frozen=True, slots=True)
class Waiting:
    entry: Entry
    age: int  # days since the entry's date

    def as_dict(self, config: SiteConfig) -> dict[str, object]:
        return {"file": display_path(self.entry.source, config.root), "title": self.entry.title,
                "department": self.entry.department,
                "department_name": config.department(self.entry.department).name,
                "status": self.entry.status, "date": self.entry.date.isoformat(),
                "age_days": self.age, "authors": list(self.entry.authors),
                "missing": list(self.entry.missing)}


def review_queue(entries: Iterable[Entry], config: SiteConfig,
                 today: dt.date) -> list[tuple[str, list[Waiting]]]:
    """(department id, waiting entries oldest first) in registry order; only departments
    with something waiting."""
    waiting = [Waiting(e, (today - e.date).days) for e in entries if e.status != "approved"]
    out = []
    for dept_id in [*(d.id for d in config.departments), ""]:  # "": 未填单位, last
        mine = sorted((w for w in waiting if w.entry.department == dept_id),
                      key=lambda w: (-w.age, w.entry.title))
        if mine:
            out.append((dept_id, mine))
    return out


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def relative(path: Path, root: Path) -> str:
    return display_path(path, root)
