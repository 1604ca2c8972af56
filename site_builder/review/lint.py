"""Per-entry review lints: personal information, sensitive terms, 内外有别 for disciplinary
cases, the reviewer, and dates.  `check` runs them on every entry, `build` on those it
publishes; error-level findings stop a build."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from ..errors import Level, Problem
from ..model import Entry, SiteConfig
from ..publish import UNFINISHED, as_draft_problem
from .pii import KINDS, scan
from .terms import ReviewRules, scan_terms

ACK_HINT = "确需保留时，在 front-matter 中写 acknowledge: [{value}] 表示已确认"


def _norm(value: str) -> str:
    return re.sub(r"[\s·•・-]", "", value).upper()


def entry_texts(entry: Entry) -> Iterator[tuple[str, int]]:
    """(text, file line of its first line): the front-matter, then the body.

    The `tags:` block is blanked (lines kept, so numbers stay right): a tag such as
    违纪违法案例 classifies the entry and is judged by the disciplinary rule, not as text.
    """
    yield _without_tags(entry.front_matter), entry.front_line
    yield entry.body_md, entry.body_line


def _without_tags(front_matter: str) -> str:
    lines, inside = [], False
    for line in front_matter.split("\n"):
        if re.match(r"tags\s*:", line):
            inside = True
        elif line[:1] not in (" ", "\t", "-", ""):
            inside = False
        lines.append("" if inside else line)
    return "\n".join(lines)


def key_line(entry: Entry, key: str) -> int:
    for offset, line in enumerate(entry.front_matter.split("\n")):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return entry.front_line + offset
    return entry.front_line


def lint_entry(entry: Entry, config: SiteConfig, rules: ReviewRules,
               today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    public = entry.classification == "public"
    acknowledged = {_norm(a) for a in entry.acknowledge}
    where = "公开稿件" if public else "内部稿件"
    for text, first in entry_texts(entry):
        for finding in scan(text):
            if _norm(finding.value) in acknowledged:
                continue
            level: Level = "error" if public else "warning"
            problems.append(Problem(
                entry.source, first + finding.line, None,
                f"{where}中出现{KINDS[finding.code]}「{finding.masked}」",
                ("公开稿件不得包含个人信息，请删除或改为「张某」「138****5678」等；"
                 if public else "注意保护个人信息；") + ACK_HINT.format(value="号码"),
                finding.code, level, finding.column))
        for hit in scan_terms(text, rules):
            if _norm(hit.text) in acknowledged or _norm(hit.rule.label) in acknowledged:
                continue
            # A recorded approval (approval: 市教育整顿办 2024-03-02) covers publishing the case.
            level = "error" if hit.rule.level == "error" and public and not entry.approval \
                else "warning"
            problems.append(Problem(
                entry.source, first + hit.line, None, f"{where}含敏感内容「{hit.text}」：{hit.rule.reason}",
                ("公开稿件请删除或改写，或改为 classification: internal；" if level == "error" else
                 "请审核人确认；") + ACK_HINT.format(value=hit.text), "sensitive-term", level,
                hit.column))
    problems += _disciplinary(entry, rules)
    problems += _workflow(entry, config, today)
    if entry.status in UNFINISHED:  # an error once the entry is approved
        return [as_draft_problem(p) for p in problems]
    return problems


def _disciplinary(entry: Entry, rules: ReviewRules) -> list[Problem]:
    marked = set(entry.tags) & set(rules.disciplinary_tags)
    if entry.type in rules.disciplinary_types:
        marked.add(entry.type)
    if not marked or entry.classification != "public" or entry.approval:
        return []
    return [Problem(entry.source, key_line(entry, "classification"), "classification",
                    f"违纪违法案例（{'、'.join(sorted(marked))}）只在内部通报，不能设为 public",
                    "改为 classification: internal；确经批准对外发布的，写明审批，"
                    "如 approval: 市教育整顿办 2024-03-02", "disciplinary-public")]


def _workflow(entry: Entry, config: SiteConfig, today: dt.date) -> list[Problem]:
    problems = []
    if entry.status == "approved" and not entry.reviewer:
        problems.append(Problem(
            entry.source, key_line(entry, "status"), "reviewer", "已审核（approved）的稿件没有写审核人",
            "添加一行 reviewer: 审核人姓名", "missing-reviewer",
            "error" if config.require_reviewer else "warning"))
    if entry.date > today:
        problems.append(Problem(entry.source, key_line(entry, "date"), "date",
                                f"发布日期 {entry.date} 晚于今天（{today}）", "检查年份和月份",
                                "future-date", "warning"))
    for key, events in (("adoptions", entry.adoptions), ("placements", entry.placements),
                        ("awards", entry.awards), ("showcases", entry.showcases)):
        for index, event in enumerate(events):
            if event.date < entry.date:
                problems.append(Problem(
                    entry.source, event.line, f"{key}[{index}].date",
                    f"{key} 的日期 {event.date} 早于稿件本身的日期 {entry.date}",
                    "采用、刊发、获奖应在稿件发布之后；检查两个日期", "event-before-entry", "warning"))
    return problems


def lint_entries(entries: Iterable[Entry], config: SiteConfig, rules: ReviewRules,
                 today: dt.date) -> list[Problem]:
    """Every entry's findings."""
    return [p for entry in entries for p in lint_entry(entry, config, rules, today)]
