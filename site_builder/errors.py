"""Problems found in a project, and the exception that carries them.

A `Problem` is data with a place: the file, the line (and column) and the
front-matter key it concerns, a message for the editor in Chinese and a hint
saying what would be accepted.  Loaders collect problems and raise a single
`ContentError` at the end of their stage, so one run reports everything.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int | None
    key: str | None
    message: str  # for the editor, in Chinese
    hint: str = ""  # what would be accepted
    code: str = ""  # stable identifier, e.g. "unknown-department"
    level: Level = "error"
    column: int | None = None

    def __reduce__(self) -> tuple:  # by the constructor: faster than slots' __setstate__
        return (Problem, (self.file, self.line, self.key, self.message, self.hint, self.code,
                          self.level, self.column))

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["file"] = display_path(self.file, root)
        return {k: data[k] for k in
                ("file", "line", "column", "key", "level", "code", "message", "hint")}

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.file), self.line or 0, self.column or 0, self.key or "")


class ContentError(Exception):
    """One or more error-level problems stop this stage.  `loaded`: what the stage could
    make of the rest (e.g. the entries that did load), for `check` to look at further."""

    def __init__(self, problems: Sequence[Problem], loaded: object = None):
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        self.loaded = loaded
        first = self.problems[0].message if self.problems else ""
        super().__init__(f"{len(self.problems)} problem(s): {first}")

    def __reduce__(self) -> tuple:  # survives the trip back from a worker process
        return (ContentError, (self.problems,))


class UsageError(Exception):
    """The command was called wrongly (exit code 2), e.g. no site.yaml in --project."""


class BuildError(Exception):
    """The build cannot run or finish for a reason outside the content (exit code 1):
    another build of the edition is running, the disk is full, output/ is unwritable.
    The message is for the editor, in Chinese, with what to do."""


EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
INTERRUPTED = "\n已中断，原有 output/ 保持不变。"


def display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def raise_errors(problems: Iterable[Problem]) -> None:
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ContentError(errors)


def choices_hint(choices: Iterable[str], value: object = None,
                 aliases: Mapping[str, str] | None = None) -> str:
    """What may be written instead of `value`: every close choice first (「是否应为…」), then
    all of them.  `aliases`: other spellings (ids, short names) → the choice they mean."""
    choices = list(choices)
    close = close_choices(value, choices, aliases) if isinstance(value, str) else []
    listed = "可选：" + "、".join(choices)
    if len(close) == 1:
        return f"是否应为「{close[0]}」？{listed}"
    if close:
        return f"是否应为{''.join(f'「{c}」' for c in close)}之一？{listed}"
    return listed


MAX_SUGGESTIONS = 8


def close_choices(value: str, choices: list[str],
                  aliases: Mapping[str, str] | None = None) -> list[str]:
    """The choices `value` may have meant: those that hold it or that it holds (「派出所」:
    every 派出所), then those spelt alike, directly or through an alias; in that order."""
    value = value.strip()
    if not value:
        return []
    spellings = {c: c for c in choices} | dict(aliases or {})
    found = [c for c in choices if value in c or (len(c) > 1 and c in value)]
    found += [spellings[s] for s in difflib.get_close_matches(value, list(spellings),
                                                               n=MAX_SUGGESTIONS, cutoff=0.5)]
    found += [meant for other, meant in spellings.items()
              if value in other or (len(other) > 1 and other in value)]
    return list(dict.fromkeys(c for c in found if c in choices))[:MAX_SUGGESTIONS]
