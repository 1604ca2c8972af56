"""Bytes → text → YAML, remembering where every key came from.

Editors save files from many tools: UTF-8, UTF-8 with a byte-order mark, CRLF
line ends, or GB18030 from Windows editors.  All of them read the same here.
YAML is parsed safely (no object construction) and every key and list item
keeps its line number, so later stages can point the editor at it.
"""

from __future__ import annotations

import codecs
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

# A path into a YAML document: ("adoptions", 0, "level").
KeyPath = tuple[str | int, ...]


class DecodeError(ValueError):
    pass


def decode(data: bytes) -> str:
    """Decode an editor's file: UTF-8 (with or without BOM), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return normalise_newlines(data.decode("utf-16"))
        except UnicodeDecodeError as err:
            raise DecodeError(str(err)) from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as err:
            raise DecodeError(str(err)) from err
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# libyaml's parser when available (several times faster); the same safe constructor either way.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe loader that leaves dates as strings: we validate them ourselves,
    so `2024-02-30` becomes a located error instead of a ValueError."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document and the (1-based) file line of each key path."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


class YamlProblem(ValueError):
    def __init__(self, line: int | None, column: int | None, message: str,
                 code: str = "yaml-syntax", hint: str = ""):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message
        self.code, self.hint = code, hint


def parse_yaml(text: str, first_line: int = 1) -> YamlDoc:
    """Parse one YAML document; `first_line` is the file line of its first line.

    Raises YamlProblem with a file line on bad syntax.
    """
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark is not None and "quoted scalar" in (err.context or ""):
            mark = err.context_mark  # an unclosed quote: point at where it opens, not at the end
        line = first_line + mark.line if mark else None
        column = mark.column + 1 if mark else None
        found = diagnose(text, first_line, line)
        raise (found or YamlProblem(line, column, _yaml_message(err))) from err
    except yaml.YAMLError as err:
        raise YamlProblem(None, None, str(err)) from err
    except (RecursionError, MemoryError) as err:
        raise YamlProblem(first_line, None, "YAML 嵌套过深或过大") from err
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _collect_lines(node, (), first_line, lines, depth=0)
    return YamlDoc(data, lines)


# The YAML errors editors meet most, in their words.
_YAML_MESSAGES = (
    ("mapping values are not allowed", "这里不能出现「冒号+空格」；值中含冒号时请给整个值加引号"),
    ("could not find expected ':'", "缺少「键: 值」中的冒号，或上一行的引号没有闭合"),
    ("found character '\\t'", "不能用 Tab 缩进，请改用空格"),
    ("found undefined alias", "「*」开头的值被当成了别名；请给整个值加引号"),
    ("found duplicate anchor", "「&」开头的值被当成了锚点；请给整个值加引号"),
    ("expected ',' or ']'", "方括号列表 [ ] 没有正确闭合，或列表项中含未加引号的冒号"),
    ("expected ',' or '}'", "花括号 { } 没有正确闭合"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("cannot start any token", "这里的字符不能作为值的开头（如 @、`、%）；请给整个值加引号"),
    ("did not find expected key", "缩进不一致，或上一项没有写完"),
    ("found unknown escape character", "双引号中的「\\」需要写成「\\\\」，或改用单引号"),
)


_KEY = r"^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)"
_FULLWIDTH_COLON = re.compile(_KEY + r"\s*：\s*(.*)$")
_MISSING_SPACE = re.compile(_KEY + r":(?![\s/]|$)(.*)$")


def diagnose(text: str, first_line: int, error_line: int | None) -> YamlProblem | None:
    """The mistake an editor made, found by reading the lines as they read them: a
    full-width colon, a colon without its space, a Tab, a bracket left open.  libyaml
    notices these a line or two later (often on a comment); the line to fix is the
    last such line up to where it stopped (any line if it did not say)."""
    found: YamlProblem | None = None
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset
        if error_line is not None and number > error_line:
            break
        found = diagnose_line(line, number) or found
    return found


def diagnose_line(line: str, number: int) -> YamlProblem | None:
    code_part = _without_comment(line)
    if "\t" in code_part:
        return YamlProblem(number, code_part.index("\t") + 1, "这一行有 Tab 字符，YAML 不能用 Tab",
                           "yaml-tab", "删去 Tab，缩进改用空格（与上下行对齐，通常是两个空格）")
    match = _FULLWIDTH_COLON.match(code_part)
    if match:
        lead, key, value = match.groups()
        return YamlProblem(number, len(lead) + len(key) + 1, f"「{key}」后面用了全角冒号「：」",
                           "yaml-fullwidth-colon",
                           f"把全角冒号「：」改成英文冒号加空格「: 」，写作 {key}: {value}".rstrip())
    match = _MISSING_SPACE.match(code_part)
    if match:
        lead, key, value = match.groups()
        return YamlProblem(number, len(lead) + len(key) + 1, f"「{key}:」的冒号后面缺少空格",
                           "yaml-missing-space", f"在英文冒号后加一个空格，写作 {key}: {value}")
    for opening, closing in (("[", "]"), ("{", "}")):
        if _outside_quotes(code_part).count(opening) > _outside_quotes(code_part).count(closing):
            return YamlProblem(number, code_part.index(opening) + 1, f"「{opening}」没有闭合",
                               "yaml-unclosed-bracket", f"在这一行的末尾补上「{closing}」，写作 "
                               f"{code_part.strip()}{closing}")
    return None


def _outside_quotes(line: str) -> str:
    return re.sub(r"\"[^\"]*\"|'[^']*'", "", line)


def _without_comment(line: str) -> str:
    """The line without a trailing YAML comment (a # at the start or after a space,
    outside quotes)."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _yaml_message(err: yaml.MarkedYAMLError) -> str:
    problem = (err.problem or "").strip()
    context = (err.context or "").strip()
    original = "；".join(part for part in (context, problem) if part) or "syntax error"
    for needle, chinese in _YAML_MESSAGES:
        if needle in original:
            return f"{chinese}（{original}）"
    return original


def _collect_lines(node: yaml.Node, path: KeyPath, first_line: int,
                   lines: dict[KeyPath, int], depth: int) -> None:
    lines.setdefault(path, first_line + node.start_mark.line)
    if depth > 4:  # the shapes we validate are shallow; aliases could make this explode
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = first_line + key.start_mark.line
                if key.value in seen and key.value != "<<":
                    raise YamlProblem(
                        line, key.start_mark.column + 1,
                        f"「{key.value}」写了两次（第 {seen[key.value]} 行已有），"
                        f"后写的会悄悄顶替先写的",
                        "duplicate-key", f"保留一个「{key.value}」，删去另一个（或把两处的内容合并）")
                seen[key.value] = line
                child = (*path, key.value)
                lines[child] = line
                _collect_lines(value, child, first_line, lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*path, index), first_line, lines, depth + 1)


def split_front_matter(text: str) -> tuple[str, int, str, int] | None:
    """Return (yaml_text, yaml_first_line, body, body_first_line), or None if there is
    no front-matter.  Lines are 1-based file lines."""
    lines = text.split("\n")
    # Allow blank lines before the opening fence; editors add them by accident.
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].rstrip() != "---":
        return None
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[start + 1:end])
            body = "\n".join(lines[end + 1:])
            return yaml_text, start + 2, body, end + 2
    return None


def yaml_problem(file: Path, err: YamlProblem) -> Problem:
    return Problem(file, err.line, None, f"YAML 格式错误：{err.message}",
                   err.hint or "检查这一行的冒号、缩进和引号；列表写作 [甲, 乙] 或每行以「- 」开头。",
                   err.code, column=err.column)


_PARSED: dict[str, tuple[bytes, YamlDoc]] = {}  # path → its bytes and document, last read


def read_yaml(path: Path) -> tuple[YamlDoc | None, Problem | None]:
    """A YAML file with its lines, or the located problem that stops it being read.

    A file read before with the same bytes is not parsed again (serve rebuilds read
    site.yaml, the rule book and the ledger each time): a copy of its document is
    returned, so a caller may change it freely."""
    try:
        raw = path.read_bytes()
        known = _PARSED.get(str(path))
        if known is not None and known[0] == raw:
            return YamlDoc(copy.deepcopy(known[1].data), dict(known[1].lines)), None
        doc = parse_yaml(decode(raw))
        _PARSED[str(path)] = (raw, YamlDoc(copy.deepcopy(doc.data), dict(doc.lines)))
        return doc, None
    except YamlProblem as err:
        return None, yaml_problem(path, err)
    except DecodeError:
        return None, Problem(path, None, None, "文件编码无法识别", "请另存为 UTF-8 编码", "encoding")
    except OSError as err:
        return None, Problem(path, None, None, f"无法读取文件：{err.strerror}", "", "unreadable")


def load_yaml_file(path: Path) -> YamlDoc:
    """read_yaml for files that must be read for anything else to go on (site.yaml, rule books)."""
    from .errors import ContentError

    doc, problem = read_yaml(path)
    if problem is not None:
        raise ContentError([problem])
    assert doc is not None
    return doc
