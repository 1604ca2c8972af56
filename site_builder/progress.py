"""A build's progress for the editor: the CLI's side of events.py.

On a terminal, a live bar per stage (rich) over one line per finished stage; piped or
redirected, only the lines, written as they come.  Both go to stderr, so stdout keeps
only the build's summary.

The bar is redrawn when an event arrives, never by a thread of its own: the build forks
worker processes, and a fork while another thread holds the stream's lock would leave
the worker with a lock nobody can release.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from .events import Advanced, Event, Finished, Started

# stage → (what it does, unit, what "made again" means for it)
STAGES = {
    "entries": ("读取稿件", "篇", "{n} 篇有改动"),
    "bodies": ("转换正文", "篇", "重新转换 {n} 篇"),
    "pages": ("生成页面", "个", "重新生成 {n} 个"),
    "scores": ("积分表", "个文件", "重新生成 {n} 个"),
    "newsletters": ("简报", "期", "重新印制 {n} 期"),
    "output": ("更新 output/", "", ""),
}
REFRESH = 0.1  # seconds between two redraws of the bar


def finished_line(event: Finished, seconds: float, items: list[str]) -> str:
    """One stage, done: what it made and how much of it was made again.
    `items`: the names of what was made again (newsletters' months)."""
    label, unit, again = STAGES[event.stage]
    if not unit:
        return f"{label}（{seconds:.1f} 秒）"
    line = f"{label} {event.total} {unit}"
    if event.rebuilt == 0 and event.total:
        line += "，均未改动"
    elif event.rebuilt < event.total:
        line += "，" + again.format(n=event.rebuilt)
        if items:
            line += "：" + "、".join(items)
    return f"{line}（{seconds:.1f} 秒）"


class BuildProgress:
    """Call it with a build's events; use it as a context manager around the build."""

    def __init__(self, stream: IO[str] | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.started: dict[str, float] = {}
        self.items: dict[str, list[str]] = {}
        self.bar: Any = None  # rich.progress.Progress, on a terminal
        self.tasks: dict[str, Any] = {}
        self.totals: dict[str, int | None] = {}
        self.drawn = 0.0

    def __enter__(self) -> BuildProgress:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            console = Console(file=self.stream, highlight=False)
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                                console=console, transient=True, auto_refresh=False)
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def say(self, line: str) -> None:
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream, flush=True)

    def __call__(self, event: Event) -> None:
        now = time.perf_counter()
        stage = event.stage
        if isinstance(event, Started):
            self.started[stage] = now
            self.items[stage] = []
            self.totals[stage] = event.total
            if self.bar is not None and event.total != 0:  # nothing to do: no bar
                label, unit, _ = STAGES[stage]
                self.tasks[stage] = self.bar.add_task(
                    label + ("…" if not unit else ""), total=event.total,
                    count=self.count(0, event.total, unit))
        elif isinstance(event, Advanced):
            if event.item and event.rebuilt:
                self.items.setdefault(stage, []).append(event.item)
                if stage == "newsletters":
                    self.say(f"  简报 {event.item} 已印制")
            task = self.tasks.get(stage)
            if task is not None:
                unit = STAGES[stage][1]
                self.bar.update(task, completed=event.done,
                                count=self.count(event.done, self.totals.get(stage), unit))
        elif isinstance(event, Finished):
            seconds = now - self.started.pop(stage, now)
            task = self.tasks.pop(stage, None)
            if task is not None:
                self.bar.remove_task(task)
            self.say(finished_line(event, seconds, self.items.pop(stage, [])))
            self.drawn = 0.0  # redraw now
        if self.bar is not None and (now - self.drawn >= REFRESH or isinstance(event, Started)):
            self.bar.refresh()
            self.drawn = now

    @staticmethod
    def count(done: int, total: int | None, unit: str) -> str:
        if not unit:
            return ""
        return f"{done}/{total} {unit}" if total is not None else f"{done} {unit}"
