"""Staging and commit: a build writes into staging folders beside the live output, and
swaps them in only when every product is written.

A build that fails halfway — bad content, a crash, a full disk, Ctrl-C — leaves the
previous output exactly as it was.  The commit swaps a whole product in, or, for a cached
rebuild, moves the new and changed files over the live ones (Stage.patch).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path


class Stage:
    """Staging dirs for `output/<name>`, committed together when every product is written.

    By default a product's staging dir holds the whole product and replaces the live one
    (a rename).  A product marked with `patch` holds only new and changed files instead:
    they are moved over the live files, and the files it no longer has are deleted — an
    incremental build then costs what changed, not the size of the site.
    """

    def __init__(self, output: Path, names: Sequence[str], tag: str = ""):
        self.output = output
        self.root = output / f".staging-{tag}-{os.getpid()}"
        self.dirs = {name: self.root / "new" / name for name in names}
        self.removed: dict[str, frozenset[str]] = {}  # patched product → live files to delete
        self.finish: Callable[[], None] | None = None  # run inside the commit (cache save)

    def patch(self, name: str, removed: Iterable[str]) -> None:
        self.removed[name] = frozenset(removed)

    def commit(self, then: Callable[[], None] | None = None) -> None:
        """Swap every product in; `then` (saving the build cache) runs before a Ctrl-C held
        meanwhile is raised, so the cache always describes the output that is live."""
        with interrupts_deferred():
            if then is not None:
                self.finish = then
            old = self.root / "old"
            old.mkdir()
            for name, path in self.dirs.items():
                target = self.output / name
                if name in self.removed:
                    apply_patch(path, target, self.removed[name])
                    continue
                if target.exists():
                    target.rename(old / name)
                path.rename(target)
            shutil.rmtree(self.root, ignore_errors=True)
            if self.finish is not None:
                self.finish()


@contextlib.contextmanager
def staged(output: Path, names: Sequence[str], tag: str = "") -> Iterator[Stage]:
    """Yield a Stage with an empty dir per product (folders under `output`, the edition's
    base); on success commit them all.

    Until every product is written nothing in `output` changes.  Products not named
    (e.g. PDFs in a --no-pdf build) stay as they are.  `tag` (the edition) names the
    staging folder, so that only this edition's leftovers are swept: the caller holds the
    edition's lock, and another edition's build may be staging beside it.
    """
    output.mkdir(parents=True, exist_ok=True)
    for leftover in output.glob(f".staging-{tag}-*"):  # from a killed earlier build
        shutil.rmtree(leftover, ignore_errors=True)
    stage = Stage(output, names, tag)
    try:
        for path in stage.dirs.values():
            path.mkdir(parents=True)
        yield stage
    except BaseException:
        shutil.rmtree(stage.root, ignore_errors=True)
        raise
    stage.commit()


def apply_patch(new: Path, live: Path, removed: frozenset[str]) -> None:
    """Move every file under `new` to the same place under `live`; delete `removed`."""
    for folder, _, names in os.walk(new):
        for name in names:
            source = os.path.join(folder, name)
            target = live / os.path.relpath(source, new)
            try:
                os.replace(source, target)
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    for rel in sorted(removed):
        (live / rel).unlink(missing_ok=True)
        for parent in (live / rel).parents:  # prune folders left empty, up to `live`
            if parent == live:
                break
            try:
                parent.rmdir()
            except OSError:
                break


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C while output is being swapped in; raise it right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
