"""Which entries a build shows, and which files a link may publish.

Only `approved` entries are published; a `--public` build keeps only
`classification: public`.  An excluded entry must appear nowhere in the output,
so every later stage works from the list this module returns.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .model import Entry

LEDGER_DIR = "ledger"  # content/ledger/: the office's records of events, never published


def unpublishable(target: Path, content_dir: Path) -> str:
    """Why the file `target` (a real path) may not be published through a link or an
    image, or "" when it may: only files under `content_dir` (a real path) are, never
    the ledger's, and never one whose name or a folder's on the way starts with "." or
    "_" (.git/, .cache/, _drafts/…) or that is an editor's backup (a name ending in "~"),
    and never an entry's own source (.md: a link to one is a link to its page).
    Returns "outside", "ledger", "hidden", "entry" or ""."""
    if not target.is_relative_to(content_dir):
        return "outside"
    parts = target.relative_to(content_dir).parts
    if parts[:1] == (LEDGER_DIR,):
        return "ledger"
    if any(part.startswith((".", "_")) for part in parts) or target.name.endswith("~"):
        return "hidden"
    if target.suffix.lower() == ".md":
        return "entry"
    return ""


PUBLISHABLE_HINT = ("只有 content/ 中的文件能通过链接和图片发布（content/ledger/ 以及名称以「.」或「_」"
                    "开头的文件和文件夹除外）：把文件放到稿件旁边，例如 images/，再写相对路径")


def refusal(reason: str, what: str, value: str) -> tuple[str, str, str]:
    """(message, hint, code) of the located error for a reference `value` (a link, an
    image, a cover: `what`) to a file that `unpublishable` refused for `reason`."""
    if reason == "ledger":
        message = f"{what}「{value}」是 content/ledger/ 中的台账，不能发布"
    elif reason == "hidden":
        message = f"{what}「{value}」的名称或所在文件夹以「.」或「_」开头（或是「~」结尾的备份），不能发布"
    elif reason == "entry":
        message = f"{what}「{value}」是稿件的源文件（.md），不能作为图片或附件发布"
    else:
        message = f"{what}「{value}」不在 content/ 中，不能发布"
    return message, PUBLISHABLE_HINT, "unpublishable-file"


UNFINISHED = ("draft", "review")  # statuses whose entries may still be incomplete


def as_draft_problem(problem: Problem) -> Problem:
    """An error in a draft or review entry: a warning until the entry is approved."""
    if not problem.is_error:
        return problem
    return dataclasses.replace(problem, level="warning", hint=(
        problem.hint + ("；" if problem.hint else "") + "草稿和待审稿件中只作提示，审核通过前须改正"))


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
