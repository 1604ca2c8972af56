"""scoring.yaml → RuleBook, validated with file, line and key for every problem.

The rule book is data: levels, points, caps, modes and which event feeds which
item.  Numbers become `Decimal(str(value))` here, so 0.1 + 0.2 is 0.3 downstream.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import ContentError, Problem
from ..fields import FieldReader, describe
from ..model import ADOPTION_KINDS, ADOPTION_LEVELS, AWARD_KINDS, AWARD_LEVELS, SHOWCASE_LEVELS
from ..sources import load_yaml_file

DEFAULT_RULES = Path(__file__).with_name("default_scoring.yaml")
SOURCES = ("adoption", "placement", "award", "showcase", "ledger")
SOURCE_LABELS = {"adoption": "上级采用", "placement": "媒体刊稿", "award": "获奖",
                 "showcase": "展播", "ledger": "台账"}
MODES = ("earn", "deduct")
TOP_KEYS = ("title", "categories", "items", "level_aliases", "ledger_kinds")
ITEM_KEYS = ("id", "name", "category", "mode", "max", "events")
EVENT_KEYS = ("source", "kinds", "points", "double_if")
# Kinds and levels an entry's score events can have (validated by the entry loader).
SOURCE_KINDS = {"adoption": ADOPTION_KINDS, "award": AWARD_KINDS}
SOURCE_LEVELS = {"adoption": ADOPTION_LEVELS, "award": AWARD_LEVELS,
                 "showcase": SHOWCASE_LEVELS, "ledger": ("national", "regional", "city")}
LEDGER_FLAGS = ("negative_opinion",)


@dataclass(frozen=True, slots=True)
class EventRule:
    """Which events feed an item and what each is worth."""

    source: str
    kinds: tuple[str, ...]  # empty: any kind of this source
    flat: Decimal | None  # the same points for every event …
    by_key: tuple[tuple[str, Decimal], ...]  # … or by level (by outlet for placements)
    double_if: str | None = None

    def matches(self, source: str, kind: str) -> bool:
        return source == self.source and (not self.kinds or kind in self.kinds)


@dataclass(frozen=True, slots=True)
class RuleItem:
    id: str
    name: str
    category: str
    mode: str  # "earn" | "deduct"
    max: Decimal
    events: tuple[EventRule, ...]


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    max: Decimal


@dataclass(frozen=True, slots=True)
class RuleBook:
    source: Path
    title: str
    categories: tuple[Category, ...]
    items: tuple[RuleItem, ...]
    level_aliases: tuple[tuple[str, str], ...]
    ledger_kinds: tuple[tuple[str, str], ...]  # kind → label

    @property
    def ledger_kind_labels(self) -> dict[str, str]:
        return dict(self.ledger_kinds)

    def item(self, item_id: str) -> RuleItem:
        return next(i for i in self.items if i.id == item_id)

    @property
    def deduction_total(self) -> Decimal:
        return sum((i.max for i in self.items if i.mode == "deduct"), Decimal(0))


def load_rules(path: Path | None) -> tuple[RuleBook, tuple[Problem, ...]]:
    """Load a project's scoring.yaml, or the packaged default.

    Returns the rule book and its warnings; raises ContentError listing every error.
    """
    path = path or DEFAULT_RULES
    if not path.is_file():
        raise ContentError([Problem(path, None, "scoring", f"找不到积分规则文件 {path.name}",
                                    "检查 site.yaml 中 scoring 的路径；删除该行则使用内置默认规则",
                                    "missing-file")])
    doc = load_yaml_file(path)
    problems: list[Problem] = []
    book = _read_rules(path, FieldReader(path, doc, problems), doc.data)
    if book is None or any(p.is_error for p in problems):
        raise ContentError(problems)
    return book, tuple(problems)


def _read_rules(path: Path, r: FieldReader, data: Any) -> RuleBook | None:
    if not isinstance(data, Mapping):
        r.report((), f"积分规则应为键值映射，实际是{describe(data)}", "参见内置默认规则的写法", "wrong-type")
        return None
    r.unknown_keys(data, (), TOP_KEYS)
    title = r.text(data.get("title"), ("title",), "规则名称", "title: 2024年新闻宣传工作绩效考核细则") or ""
    categories = _read_categories(r, data.get("categories"))
    ledger_kinds = _read_ledger_kinds(r, data.get("ledger_kinds"))
    aliases = _read_aliases(r, data.get("level_aliases"))
    items = _read_items(r, data.get("items"), {c.name for c in categories}, dict(ledger_kinds))
    _check_totals(r, categories, items, ledger_kinds, data.get("items"))
    return RuleBook(path, title, categories, items, aliases, ledger_kinds)


def number(r: FieldReader, value: Any, path: tuple, what: str) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        r.report(path, f"{what}应为数字，实际是{describe(value)}", "例如：0.2", "wrong-type")
        return None
    try:
        result = Decimal(str(value))  # str() first: never carry a binary float's error
    except InvalidOperation:
        r.report(path, f"{what}「{value}」不是数字", "例如：0.2", "wrong-type")
        return None
    if not result.is_finite():
        r.report(path, f"{what}「{value}」不是有限的数字", "例如：0.2", "wrong-type")
        return None
    return result


def _read_categories(r: FieldReader, value: Any) -> tuple[Category, ...]:
    out: list[Category] = []
    if value is None:
        r.missing(("categories",), "考核大类", "\ncategories:\n  - {name: 基础业务, max: 12}")
    for index, item in r.record_list(value, ("categories",), "{name: 基础业务, max: 12}"):
        path = ("categories", index)
        r.unknown_keys(item, path, ("name", "max"))
        name = r.text(item.get("name"), (*path, "name"), "大类名称", "name: 基础业务", required=True)
        cap = number(r, item.get("max"), (*path, "max"), "满分")
        if cap is not None and cap < 0:
            r.report((*path, "max"), f"满分不能为负数：{cap}", "例如：max: 12", "negative-cap")
        elif name and cap is not None:
            if any(c.name == name for c in out):
                r.report(path, f"考核大类「{name}」重复", "每个大类只写一次", "duplicate-category")
            out.append(Category(name, cap))
    return tuple(out)


def _read_ledger_kinds(r: FieldReader, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    mapping = r.mapping(value, ("ledger_kinds",), "ledger_kinds")
    out = []
    for kind, label in (mapping or {}).items():
        text = r.text(label, ("ledger_kinds", str(kind)), "类别说明", f"{kind}: 矩阵响应未完成",
                      required=True)
        if text:
            out.append((str(kind), text))
    return tuple(out)


def _read_aliases(r: FieldReader, value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    mapping = r.mapping(value, ("level_aliases",), "level_aliases")
    levels = sorted({lv for levels in SOURCE_LEVELS.values() for lv in levels})
    out = []
    for level, target in (mapping or {}).items():
        for part, path in ((level, ("level_aliases", str(level))),
                           (target, ("level_aliases", str(level)))):
            if part not in levels:
                r.report(path, f"未知的级别「{part}」", "可选：" + "、".join(levels), "invalid-level")
        out.append((str(level), str(target)))
    return tuple(out)


def _read_items(r: FieldReader, value: Any, categories: set[str],
                ledger_kinds: dict[str, str]) -> tuple[RuleItem, ...]:
    out: list[RuleItem] = []
    if value is None:
        r.missing(("items",), "考核项目", "\nitems:\n  - {id: matrix-planning, name: 市局矩阵策划, …}")
    for index, item in r.record_list(value, ("items",), "{id: …, name: …, category: …}"):
        path = ("items", index)
        r.unknown_keys(item, path, ITEM_KEYS)
        item_id = r.text(item.get("id"), (*path, "id"), "项目编号", "id: matrix-planning", required=True)
        name = r.text(item.get("name"), (*path, "name"), "项目名称", "name: 市局矩阵策划", required=True)
        category = r.choice(item.get("category"), (*path, "category"), sorted(categories),
                            "unknown-category") if categories else None
        mode = r.choice(item.get("mode"), (*path, "mode"), MODES, "invalid-mode")
        cap = number(r, item.get("max"), (*path, "max"), "上限")
        if cap is not None and cap < 0:
            r.report((*path, "max"), f"上限不能为负数：{cap}", "例如：max: 2", "negative-cap")
            cap = None
        if item_id and any(i.id == item_id for i in out):
            r.report((*path, "id"), f"项目编号「{item_id}」重复", "每个项目的 id 必须不同", "duplicate-item")
        events = tuple(_read_events(r, item.get("events"), path, mode, ledger_kinds))
        if item_id and name and category and mode and cap is not None and events:
            out.append(RuleItem(item_id, name, category, mode, cap, events))
    return tuple(out)


def _read_events(r: FieldReader, value: Any, item_path: tuple, mode: str | None,
                 ledger_kinds: dict[str, str]):
    if value is None:
        r.missing((*item_path, "events"), "计分事件",
                  "\n    events:\n      - {source: adoption, kinds: [article], points: {city: 0.2}}")
        return
    for index, event in r.record_list(value, (*item_path, "events"), "{source: adoption, …}"):
        path = (*item_path, "events", index)
        r.unknown_keys(event, path, EVENT_KEYS)
        source = r.choice(event.get("source"), (*path, "source"), SOURCES, "invalid-source")
        if source is None:
            continue
        kinds = r.str_list(event.get("kinds"), (*path, "kinds"), "article")
        accepted = tuple(ledger_kinds) if source == "ledger" else SOURCE_KINDS.get(source, ())
        for n, kind in enumerate(kinds):
            if kind not in accepted:
                hint = ("在 ledger_kinds 中先登记这个类别；" if source == "ledger" else "") + \
                    ("可选：" + "、".join(accepted) if accepted else f"{source} 没有类别，删除 kinds")
                r.report((*path, "kinds", n), f"未知的事件类别「{kind}」", hint, "unknown-kind")
        if source == "ledger" and not kinds:
            r.report((*path, "kinds"), "台账事件必须写明 kinds", "例如：kinds: [missed-response]",
                     "missing-key")
        flat, by_key = _read_points(r, event.get("points"), path, source, mode)
        double_if = event.get("double_if")
        if double_if is not None and (source != "ledger" or double_if not in LEDGER_FLAGS):
            r.report((*path, "double_if"), f"double_if「{double_if}」无效",
                     "只用于台账事件，可选：" + "、".join(LEDGER_FLAGS), "invalid-flag")
            double_if = None
        if flat is not None or by_key:
            yield EventRule(source, kinds, flat, by_key, double_if)


def _read_points(r: FieldReader, value: Any, path: tuple, source: str, mode: str | None,
                 ) -> tuple[Decimal | None, tuple[tuple[str, Decimal], ...]]:
    ppath = (*path, "points")
    if value is None:
        r.missing(ppath, "分值", "points: 0.2 或 points: {city: 0.2, province: 0.3}")
        return None, ()
    values: list[tuple[str, Decimal, tuple]] = []
    flat = None
    if isinstance(value, Mapping):
        levels = SOURCE_LEVELS.get(source)
        for key, raw in value.items():
            if levels is not None and key not in levels:
                r.report((*ppath, str(key)), f"未知的级别「{key}」", "可选：" + "、".join(levels),
                         "invalid-level")
                continue
            points = number(r, raw, (*ppath, str(key)), "分值")
            if points is not None:
                values.append((str(key), points, (*ppath, str(key))))
    else:
        if source == "placement":
            r.report(ppath, "媒体刊稿须按媒体给分", "例如：points: {人民日报: 2, 新华社: 2}", "wrong-type")
            return None, ()
        flat = number(r, value, ppath, "分值")
        if flat is not None:
            values.append(("", flat, ppath))
    for _, points, where in values:
        if mode == "earn" and points < 0:
            r.report(where, f"加分项的分值应为正数，实际是 {points}", "扣分请用 mode: deduct 的项目",
                     "wrong-sign")
        if mode == "deduct" and points > 0:
            r.report(where, f"扣分项的分值应为负数，实际是 {points}", f"例如：-{points}", "wrong-sign")
    if flat is not None:
        return flat, ()
    return None, tuple((key, points) for key, points, _ in values)


def _consumed_kinds(raw_items: Any) -> set[str]:
    """Ledger kinds named by any item, even one with an error elsewhere (that error is
    reported on its own; the kind is not also "unused")."""
    kinds: set[str] = set()
    for item in raw_items if isinstance(raw_items, list) else []:
        events = item.get("events") if isinstance(item, Mapping) else None
        for event in events if isinstance(events, list) else []:
            if isinstance(event, Mapping) and event.get("source") == "ledger":
                named = event.get("kinds")
                kinds.update(str(k) for k in (named if isinstance(named, list) else [named]))
    return kinds


def _check_totals(r: FieldReader, categories: tuple[Category, ...], items: tuple[RuleItem, ...],
                  ledger_kinds: tuple[tuple[str, str], ...], raw_items: Any) -> None:
    for index, category in enumerate(categories):
        total = sum((i.max for i in items if i.category == category.name), Decimal(0))
        if total > category.max:
            r.report(("categories", index, "max"),
                     f"大类「{category.name}」各项目上限之和 {total} 超过大类满分 {category.max}",
                     "调整项目上限或大类满分", "cap-exceeds-category")
        if not any(i.category == category.name for i in items):
            r.report(("categories", index), f"大类「{category.name}」没有任何考核项目",
                     "删除该大类，或为它添加项目", "empty-category", "warning")
    consumed = _consumed_kinds(raw_items)
    for kind, _ in ledger_kinds:
        if kind not in consumed:
            r.report(("ledger_kinds", kind), f"台账类别「{kind}」没有任何考核项目使用",
                     "在某个项目的 events 中使用它，或从 ledger_kinds 删除", "unused-kind")
