"""Which entries a build shows.

Only `approved` entries are published; a `--public` build keeps only
`classification: public`.  An excluded entry must appear nowhere in the output,
so every later stage works from the list this module returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Entry

REASON_LABELS = {"draft": "草稿", "review": "待审", "internal": "内部（公开版不发布）"}


def exclusion_reason(entry: Entry, public: bool, preview: bool = False) -> str | None:
    """None if the entry is published; else why not: "draft", "review" or "internal".

    `preview` (only `serve`, on the editor's own machine) shows drafts and entries
    awaiting review too, marked as such on their pages.
    """
    if entry.status != "approved" and not preview:
        return entry.status
    if public and entry.classification != "public":
        return "internal"
    return None


@dataclass(frozen=True, slots=True)
class Selection:
    published: tuple[Entry, ...]
    excluded: tuple[tuple[str, int], ...]  # (reason, count), in REASON_LABELS order

    def summary(self) -> str:
        if not self.excluded:
            return ""
        return "未发布：" + "，".join(f"{REASON_LABELS[reason]} {count} 篇"
                                  for reason, count in self.excluded)


def select(entries: Iterable[Entry], public: bool, preview: bool = False) -> Selection:
    published: list[Entry] = []
    reasons: Counter[str] = Counter()
    for entry in entries:
        reason = exclusion_reason(entry, public, preview)
        if reason is None:
            published.append(entry)
        else:
            reasons[reason] += 1
    excluded = tuple((r, reasons[r]) for r in REASON_LABELS if reasons[r])
    return Selection(tuple(published), excluded)
