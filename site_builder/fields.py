"""Typed reading of YAML values, with a located problem for every bad one.

Config, entry and ledger loaders all read mappings of plain YAML values; this
module turns "is it a string / a date / one of these / a list of strings" into
one call each, so every loader reports file, line, key and what is accepted in
the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import Level, Problem, choices_hint
from .sources import KeyPath, YamlDoc

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 (but tab, newline, CR) and DEL

TYPE_NAMES = {str: "文本", int: "整数", list: "列表", dict: "键值映射", bool: "是/否"}


def key_name(path: KeyPath) -> str:
    """("adoptions", 0, "level") → "adoptions[0].level"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_LOOSE_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def nearest_date(text: str) -> dt.date | None:
    """The valid date an editor most likely meant by `text`, or None: 2024-3-5 and
    2024年3月5日 → 2024-03-05; a day past the month's end → its last day (2024-02-30 →
    2024-02-29); a month over 12 with a day that could be one → the two swapped."""
    import calendar

    match = _LOOSE_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if month > 12 and 1 <= day <= 12 and month <= 31:
        month, day = day, month
    if not (1 <= month <= 12 and day >= 1) or year < 1:
        return None
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def date_hint(text: str) -> str:
    near = nearest_date(text)
    if near is not None and near.isoformat() != text:
        return f"是否应为 {near.isoformat()}？日期写作 年-月-日，月和日补足两位"
    return "例如：2024-03-12（年-月-日，月和日补足两位）"


class FieldReader:
    """Reads values out of one YAML document and collects problems."""

    def __init__(self, file: Path, doc: YamlDoc, problems: list[Problem]):
        self.file, self.doc, self.problems = file, doc, problems

    def report(self, path: KeyPath, message: str, hint: str = "", code: str = "",
               level: Level = "error") -> None:
        self.problems.append(Problem(self.file, self.doc.line(*path),
                                     key_name(path) or None, message, hint, code, level))

    def mapping(self, value: Any, path: KeyPath, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.report(path, f"{what}应为键值映射（key: value），实际是{describe(value)}",
                    "例如：\n  name: 张三\n  unit: 城关派出所", "wrong-type")
        return None

    def unknown_keys(self, mapping: Mapping[str, Any], path: KeyPath, known: Iterable[str],
                     level: Level = "error") -> None:
        known = list(known)
        for key in mapping:
            if key not in known:
                self.report((*path, str(key)), f"未知的键「{key}」", choices_hint(known, str(key)),
                            "unknown-key", level)

    def missing(self, path: KeyPath, label: str, example: str) -> None:
        # The key's own line if it is there but empty, else its parent mapping's line.
        line = self.doc.lines.get(path) or self.doc.line(*path[:-1])
        self.problems.append(Problem(self.file, line, key_name(path),
                                     f"缺少必填项「{key_name(path)}」（{label}）",
                                     f"添加一行，例如：{example}", "missing-key"))

    def text(self, value: Any, path: KeyPath, label: str, example: str,
             required: bool = False) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.missing(path, label, example)
            return None
        if isinstance(value, (bool, Mapping, list)):
            self.report(path, f"「{key_name(path)}」应为文本，实际是{describe(value)}",
                        f"例如：{example}", "wrong-type")
            return None
        return self.visible(str(value).strip(), path)

    def visible(self, text: str, path: KeyPath) -> str | None:
        """`text`, or None with a located error if it holds a control character (ESC, NUL…,
        pasted from a terminal or a web page): it would reach a terminal, a spreadsheet
        or a PDF as it is, and Excel refuses the file."""
        found = _CONTROL.search(text)
        if found is None:
            return text
        self.report(path, f"「{key_name(path)}」含有不可见的控制字符（U+{ord(found.group()):04X}）",
                    "删去这个字符：重新输入这一项，不要从终端或网页中直接复制", "control-character")
        return None

    def date(self, value: Any, path: KeyPath, required: bool = True) -> dt.date | None:
        if value is None:
            if required:
                self.missing(path, "日期", f"{path[-1]}: 2024-03-12")
            return None
        text = str(value).strip()
        if isinstance(value, str) and _DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
            self.report(path, f"日期「{text}」不存在：日期写作 YYYY-MM-DD，月份 1–12，"
                        "日数不超过当月天数", date_hint(text), "invalid-date")
            return None
        self.report(path, f"「{key_name(path)}」应为日期 YYYY-MM-DD，实际是「{text}」",
                    date_hint(text), "invalid-date")
        return None

    def flag(self, value: Any, path: KeyPath, meaning: str, default: bool = False) -> bool:
        """A true/false switch; `meaning` says what true means, for the hint."""
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.report(path, f"「{key_name(path)}」应为 true 或 false，实际是{describe(value)}",
                    f"{meaning}时写 {path[-1]}: true", "wrong-type")
        return default

    def choice(self, value: Any, path: KeyPath, choices: Iterable[str], code: str,
               default: str | None = None) -> str | None:
        choices = list(choices)
        if value is None:
            if default is None:
                self.missing(path, "可选：" + "、".join(choices), f"{path[-1]}: {choices[0]}")
            return default
        if isinstance(value, str) and value.strip() in choices:
            return value.strip()
        hint = choices_hint(choices, value)
        if isinstance(value, list) and len(value) == 1 and str(value[0]).strip() in choices:
            hint = f"只能写一个值，不加方括号：{path[-1]}: {str(value[0]).strip()}"
        self.report(path, f"「{key_name(path)}」的值「{yaml_text(value)}」不在可选范围内", hint, code)
        return None

    def str_list(self, value: Any, path: KeyPath, example: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            # `tags: 警示教育` is a common slip; accept it but say how to write lists.
            self.report(path, f"「{key_name(path)}」应为列表，已按单项处理",
                        f"写作：{path[-1]}: [{example}]", "expected-list", "warning")
            return (value.strip(),) if value.strip() else ()
        if not isinstance(value, list):
            self.report(path, f"「{key_name(path)}」应为列表，实际是{describe(value)}",
                        f"写作：{path[-1]}: [{example}]", "wrong-type")
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) \
                    and str(item).strip():
                text = self.visible(str(item).strip(), (*path, index))
                if text is not None:
                    items.append(text)
            else:
                self.report((*path, index), f"「{key_name(path)}」的第 {index + 1} 项应为文本",
                            f"写作：{path[-1]}: [{example}]", "wrong-type")
        return tuple(dict.fromkeys(items))

    def record_list(self, value: Any, path: KeyPath, example: str) -> list[tuple[int, Mapping]]:
        """A list of mappings, e.g. adoptions; returns (index, mapping) pairs."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(path, f"「{key_name(path)}」应为列表，实际是{describe(value)}",
                        f"写作：\n{path[-1]}:\n  - {example}", "wrong-type")
            return []
        out = []
        for index, item in enumerate(value):
            mapping = self.mapping(item, (*path, index), f"「{key_name(path)}」的第 {index + 1} 项")
            if mapping is not None:
                out.append((index, mapping))
        return out


def describe(value: Any) -> str:
    if value is None:
        return "空值"
    for kind, name in TYPE_NAMES.items():
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return f"{name}「{short(value)}」" if kind in (str, int) else name
    return f"「{short(value)}」"


def yaml_text(value: Any) -> str:
    """A value as the editor wrote it in YAML: ['provincial'] → [provincial]."""
    if isinstance(value, str):
        return value
    import yaml

    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=1000).removesuffix("\n").removesuffix("\n...")


def short(value: Any, limit: int = 30) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"
