"""Review rules: sensitive terms with a level and a reason, and the 内外有别 rule for
disciplinary cases.  Read from the project's review.yaml, else the packaged default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ContentError, Problem
from ..fields import FieldReader
from ..sources import load_yaml_file

DEFAULT_REVIEW = Path(__file__).with_name("default_review.yaml")
REVIEW_NAME = "review.yaml"
LEVELS = ("error", "warning")


@dataclass(frozen=True, slots=True)
class TermRule:
    label: str  # the term, or the pattern as written
    regex: re.Pattern[str]
    level: str  # "error": error in public entries, warning in internal ones; "warning": always
    reason: str


@dataclass(frozen=True, slots=True)
class ReviewRules:
    source: Path
    terms: tuple[TermRule, ...]
    disciplinary_tags: tuple[str, ...]
    disciplinary_types: tuple[str, ...]
    any_term: re.Pattern[str] | None = None  # all terms at once: most texts have none


@dataclass(frozen=True, slots=True)
class TermHit:
    rule: TermRule
    text: str  # what matched
    line: int  # 0-based within the scanned text
    column: int  # 1-based


def load_review_rules(root: Path) -> ReviewRules:
    path = root / REVIEW_NAME
    if not path.is_file():
        path = DEFAULT_REVIEW
    doc = load_yaml_file(path)
    problems: list[Problem] = []
    r = FieldReader(path, doc, problems)
    data: Any = doc.data or {}
    if not isinstance(data, dict):
        r.report((), "review.yaml 应为键值映射", "参见内置默认规则", "wrong-type")
        raise ContentError(problems)
    r.unknown_keys(data, (), ("terms", "disciplinary"))
    terms = []
    for index, item in r.record_list(data.get("terms"), ("terms",), "{term: 线人, level: error}"):
        path_ = ("terms", index)
        r.unknown_keys(item, path_, ("term", "pattern", "level", "reason"))
        level = r.choice(item.get("level"), (*path_, "level"), LEVELS, "invalid-level",
                         default="warning")
        reason = r.text(item.get("reason"), (*path_, "reason"), "理由", "reason: 不得泄露侦查细节",
                        required=True)
        term = r.text(item.get("term"), (*path_, "term"), "词语", "term: 线人")
        pattern = r.text(item.get("pattern"), (*path_, "pattern"), "正则", "pattern: 线人|特情")
        if bool(term) == bool(pattern):
            r.report(path_, "每条规则写 term（词语）或 pattern（正则）之一",
                     "例如：{term: 线人, level: error}", "invalid-rule")
            continue
        try:
            regex = re.compile(re.escape(term) if term else pattern or "")
        except re.error as err:
            r.report((*path_, "pattern"), f"正则表达式有误：{err}", "检查括号和特殊字符", "invalid-pattern")
            continue
        if level and reason:
            terms.append(TermRule(term or pattern or "", regex, level, reason))
    disciplinary = data.get("disciplinary") or {}
    mapping = r.mapping(disciplinary, ("disciplinary",), "disciplinary") or {}
    r.unknown_keys(mapping, ("disciplinary",), ("tags", "types"))
    tags = r.str_list(mapping.get("tags"), ("disciplinary", "tags"), "违纪违法案例")
    types = r.str_list(mapping.get("types"), ("disciplinary", "types"), "case-report")
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    combined = re.compile("|".join(f"(?:{t.regex.pattern})" for t in terms)) if terms else None
    return ReviewRules(path, tuple(terms), tags, types, combined)


def scan_terms(text: str, rules: ReviewRules) -> Iterator[TermHit]:
    if rules.any_term is None or not rules.any_term.search(text):
        return
    for index, line in enumerate(text.split("\n")):
        for rule in rules.terms:
            for match in rule.regex.finditer(line):
                yield TermHit(rule, match.group(0), index, match.start() + 1)
