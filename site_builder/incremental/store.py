"""The build cache of one edition, .cache/<edition>.pickle: entries as loaded and as
finished, review findings, scores, and what each written file was made from (for a page,
what it read: incremental/reads.py).

Every item is stored with what the step that made it read, and used again only when all
of that is the same, so a stale item is simply never used.  A missing, corrupt or foreign
cache file is ignored: the cache can make a build slower, never wrong.  `build
--no-cache` neither reads nor writes it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import slugs
from .._version import __version__
from ..digests import code_digest
from ..editions import INTRANET, Edition


def cache_format() -> str:
    """What a cache file must say it was written by: this code (digests.code_digest)."""
    return f"site-builder {__version__} cache {code_digest()}"


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while unpickling: it makes only new, live objects, and the
    collector would walk them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class BuildCache:
    """Loaded at the start of a build, saved after a successful one (if anything changed).

    `deferred` (serve): keep it in memory between builds and write it only on `save(now=True)`.
    """

    def __init__(self, root: Path, enabled: bool = True, deferred: bool = False,
                 edition: Edition = INTRANET):
        self.path = edition.cache_file(root)  # one file per edition: nothing is shared
        self.edition = edition
        self.enabled, self.deferred = enabled, deferred
        # Set by serve after a build of its own succeeded: the live preview is then known to
        # be what the records say (nothing else writes it), so its files are not checked.
        self.trusted = False
        self.entries: dict[str, tuple[str, Any, tuple]] = {}  # source → digest, result, stat
        self.finished: dict[str, Any] = {}  # entry key → (finished entry, media, problems)
        self.pages: dict[str, dict[str, tuple[str, int, int]]] = {}  # product → url → key, size, mtime
        self.lints: dict[str, Any] = {}  # entry digest + review rules + day → findings
        self.scores: dict[str, Any] = {}  # digest of the scoring inputs → results and views
        self.saved: tuple | None = None  # what the file on disk holds, in brief
        if enabled:
            self.load()

    def load(self) -> None:
        try:
            with self.path.open("rb") as handle, gc_paused():
                data = pickle.load(handle)
            if data.get("format") != cache_format():
                return
            self.entries, self.finished = data["entries"], data["finished"]
            self.pages, self.lints = data["pages"], data["lints"]
            self.scores = data["scores"]
            slugs.memo.update(data["slugs"])
            self.saved = self.brief()
        except Exception:  # missing, truncated, corrupt, from another version: start empty
            self.entries, self.finished, self.pages = {}, {}, {}
            self.lints, self.scores = {}, {}

    def brief(self) -> tuple:
        """Enough to tell whether anything changed since the cache was loaded or saved:
        every item is stored under a key that changes with its content."""
        return ({k: (v[0], v[2]) for k, v in self.entries.items()}, frozenset(self.finished),
                {k: dict(v) for k, v in self.pages.items()},
                frozenset(self.lints), frozenset(self.scores), len(slugs.memo))

    def save_quietly(self) -> None:
        """Save, and never fail the build for it: a cache that could not be written only
        makes the next build slower (nothing trusts it beyond what it can check)."""
        with contextlib.suppress(OSError):
            self.save()

    def save(self, now: bool = False) -> None:
        if self.deferred and not now:
            return
        brief = self.brief()
        if brief == self.saved:
            return  # a build that changed nothing: no need to write it all again
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".build.pickle.{os.getpid()}")
        with partial.open("wb") as handle:
            pickle.dump({"format": cache_format(), "entries": self.entries, "finished": self.finished,
                         "pages": self.pages, "lints": self.lints,
                         "scores": self.scores,
                         "slugs": slugs.memo}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)
        self.saved = brief


def reuse_file(old: Path, new: Path, record: tuple[str, int, int] | None, key: str) -> bool:
    """Link `old` (last build's file) to `new` if it was made from the same inputs and is
    untouched since; False when it must be made again."""
    if record is None or record[0] != key or not same_file(old, record):
        return False
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except OSError:
        import shutil

        shutil.copy2(old, new)
    return True


def same_file(path: Path, record: tuple[str, int, int]) -> bool:
    """Is `path` still the file that was recorded (not changed by hand, not deleted)?"""
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == record[1:]


def file_record(path: Path, key: str) -> tuple[str, int, int]:
    stat = path.stat()
    return key, stat.st_size, stat.st_mtime_ns
