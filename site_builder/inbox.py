"""serve's inbox: a Word submission (.docx, .doc, .wps) dropped into inbox/ (site.yaml
`inbox:`) is imported as `site-builder import` would, once it is complete, and moves to
inbox/已导入/; one that fails stays where it is, its message in the terminal and on the
preview's pages until it is removed or replaced.

The folder is looked at a few times a second (a copy over a network share or from a mail
client sends no reliable events).  A file is complete when its size and time have not
changed for SETTLE seconds and, for a .docx, when it is a whole zip; a .docx that is still
no zip after GIVE_UP seconds of standing still is read anyway (and refused as damaged).
Word's 「~$…」 lock files and hidden files are never touched.
"""

from __future__ import annotations

import os
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Problem, UsageError, display_path

DONE = "已导入"  # inside the inbox: the files imported
SUFFIXES = (".docx", ".doc", ".wps")
POLL = 0.25  # seconds between looks at the folder
SETTLE = 1.0  # seconds a file must stand still before it is read
GIVE_UP = 10.0  # seconds a .docx that is no whole zip may stand still before it is read anyway
HINT = "文件仍留在收件箱中；改好后重新放入（同名覆盖）即会再次导入，或直接删除它"

Stamp = tuple[int, int]  # size, modification time (ns)


@dataclass
class _Seen:
    stamp: Stamp
    since: float  # when this stamp was first seen (time.monotonic)


class Inbox:
    """Imports what arrives in the project's inbox; `on_problems` is told the current
    failures (Problem.as_dict lists) whenever they change."""

    def __init__(self, root: Path, say: Callable[[str], None],
                 on_problems: Callable[[list[dict]], None]):
        self.root, self.say, self.on_problems = root, say, on_problems
        self.seen: dict[str, _Seen] = {}
        self.failed: dict[str, tuple[Stamp, dict]] = {}  # name → the stamp that failed, problem
        self.done: dict[str, Stamp] = {}  # imported but could not be moved: not again
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, name="inbox", daemon=True)
        self._config: tuple[Stamp, object] | None = None

    def start(self) -> None:
        self.thread.start()

    def problems(self) -> list[dict]:
        return [problem for _, (_, problem) in sorted(self.failed.items())]

    def loop(self) -> None:
        while not self.stop.wait(POLL):
            try:
                self.scan(time.monotonic())
            except Exception as err:  # keep serving whatever one file does
                self.say(f"收件箱处理出错：{type(err).__name__}: {err}")

    def config(self):  # -> SiteConfig | None: site.yaml, read again only when it changes
        from .config import CONFIG_NAME, load_config

        try:
            info = (self.root / CONFIG_NAME).stat()
        except OSError:
            return None
        stamp = (info.st_size, info.st_mtime_ns)
        if self._config is None or self._config[0] != stamp:
            try:
                self._config = (stamp, load_config(self.root))
            except (ContentError, UsageError):  # the build's overlay says what is wrong
                self._config = (stamp, None)
        return self._config[1]

    def scan(self, now: float) -> None:
        config = self.config()
        if config is None:
            return
        folder: Path = config.inbox_dir  # type: ignore[attr-defined]
        present = waiting_files(folder)
        changed = False
        for name in list(self.failed):  # removed, or replaced by another version
            if present.get(name) != self.failed[name][0]:
                del self.failed[name]
                changed = True
        for table in (self.seen, self.done):
            for name in [n for n in table if n not in present]:
                del table[name]
        for name, stamp in present.items():
            if name in self.failed or self.done.get(name) == stamp:
                continue
            seen = self.seen.get(name)
            if seen is None or seen.stamp != stamp:
                self.seen[name] = _Seen(stamp, now)  # new, or still being written
                continue
            still = now - seen.since
            path = folder / name
            if still < SETTLE or (path.suffix.lower() == ".docx" and still < GIVE_UP
                                  and not _whole_zip(path)):
                continue
            del self.seen[name]
            changed |= self.take(path, stamp, config)
        if changed:
            self.on_problems(self.problems())

    def take(self, path: Path, stamp: Stamp, config) -> bool:
        """Import one file; True when it failed (the problems changed)."""
        from .importer import ImportFailure, import_docx, review_findings, summary, today

        shown = display_path(path, self.root)
        try:
            done = import_docx(path, config, today())
        except ImportFailure as err:
            message = str(err)
        except Exception as err:  # a file no check foresaw
            message = (f"导入时出错（{type(err).__name__}: {err}），未写入任何文件；"
                       "请把这个文件反馈给维护人员")
        else:
            lines = ["收件箱：" + "\n".join(summary(done, config, self.root))]
            try:
                moved = move_done(path)
                lines.append(f"  原件已移到 {display_path(moved, self.root)}")
            except OSError as err:
                self.done[path.name] = stamp
                lines.append(f"  注意：原件未能移到 {DONE}/（{err.strerror or err}），请手动移走")
            from .server import format_problems

            findings = review_findings(done.entry, config, today())
            if findings:
                lines.append(format_problems(tuple(findings), self.root))
            self.say("\n".join(lines))
            return False
        problem = Problem(path, None, None, f"未能导入：{message}", HINT, "inbox-import-failed")
        self.failed[path.name] = (stamp, problem.as_dict(self.root))
        self.say(f"收件箱：✗ {shown}：{message}\n  提示：{HINT}")
        return True


def waiting_files(folder: Path) -> dict[str, Stamp]:
    """The Word files in `folder` itself (not in 已导入/), each with its size and time."""
    found: dict[str, Stamp] = {}
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                if item.name.startswith(("~$", ".")) or \
                        os.path.splitext(item.name)[1].lower() not in SUFFIXES:
                    continue
                try:
                    if item.is_file():
                        info = item.stat()
                        found[item.name] = (info.st_size, info.st_mtime_ns)
                except OSError:
                    continue  # gone in between
    except OSError:
        return {}
    return dict(sorted(found.items()))


def move_done(path: Path) -> Path:
    """`path` moved into 已导入/ beside it, never over an earlier file of the same name
    (「稿件（2）.docx」)."""
    folder = path.parent / DONE
    folder.mkdir(exist_ok=True)
    target, number = folder / path.name, 1
    while target.exists():
        number += 1
        target = folder / f"{path.stem}（{number}）{path.suffix}"
    os.rename(path, target)
    return target


def _whole_zip(path: Path) -> bool:
    """A zip whose central directory has been written (a copy under way has none yet)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
