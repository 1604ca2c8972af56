"""The build cache in .cache/: entries as loaded and as finished (URL, rendered body),
review findings, scores, and what each written file was made from.

Every cached item is keyed by a fingerprint of everything it depends on — file bytes,
site.yaml, templates, the package version, the data a page shows — so a stale item is
simply never found.  A missing, corrupt or foreign cache file is ignored: the cache can
make a build slower, never wrong.  `build --no-cache` ignores it and builds everything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import io
import os
import pickle
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import slugs
from ._version import __version__
from .editions import INTRANET, Edition

FORMAT = f"site-builder {__version__} cache 7"


def _encode(obj: Any, out: list[str], memo: dict[int, str]) -> None:
    kind = type(obj)
    if kind is str:
        out.append(f"s{len(obj)}:{obj}")
    elif kind is tuple or kind is list:
        out.append("[")
        for item in obj:
            _encode(item, out, memo)
            out.append(",")
        out.append("]")
    elif obj is None or kind is bool or kind is int or kind is float:
        out.append(repr(obj))
    elif type(digest := getattr(obj, "digest", None)) is str and digest:
        out.append(digest)  # stands for every field (Entry.digest, ScoreYear.digest)
    elif isinstance(obj, (dt.date, Decimal, Path)):
        out.append(f"{type(obj).__name__}:{obj}")
    elif isinstance(obj, (list, tuple)):
        _encode(list(obj), out, memo)
    elif isinstance(obj, dict):
        out.append("{")
        for key in sorted(obj, key=repr):
            _encode(key, out, memo)
            out.append(":")
            _encode(obj[key], out, memo)
            out.append(",")
        out.append("}")
    elif dataclasses.is_dataclass(obj):
        key = id(obj)
        if key not in memo:  # a dataclass shows up on many pages: digest it once per build
            parts: list[str] = [type(obj).__name__, "("]
            for f in dataclasses.fields(obj):
                parts.append(f.name + "=")
                _encode(getattr(obj, f.name), parts, memo)
                parts.append(",")
            parts.append(")")
            memo[key] = hashlib.blake2b("".join(parts).encode(), digest_size=16).hexdigest()
        out.append(memo[key])
    elif isinstance(obj, (set, frozenset)):
        _encode(sorted(obj, key=repr), out, memo)
    elif isinstance(obj, str):
        _encode(str(obj), out, memo)
    else:
        out.append(f"{type(obj).__name__}:{obj!r}")


_TEXT = {str}


class Fingerprints:
    """Digests of arbitrary model values; objects are memoised for one build.

    Digests of plain texts — thousands per build, nearly all the same as last build's in
    `serve` — are looked up in `before` (the previous build's `texts`) before hashing."""

    def __init__(self, before: dict[tuple[str, ...], str] | None = None) -> None:
        self.memo: dict[int, str] = {}
        self.keep: list[Any] = []  # keep memoised objects alive so their ids stay unique
        self.before = before or {}
        self.texts: dict[tuple[str, ...], str] = {}  # this build's: pass on to the next

    def text(self, *parts: str) -> str:
        """The digest of plain texts: the common case, thousands per build."""
        known = self.before.get(parts) or self.texts.get(parts)
        if known is None:
            text = "".join([f"\0{len(part)}:{part}" for part in parts])
            known = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        self.texts[parts] = known
        return known

    def __call__(self, *parts: Any) -> str:
        if set(map(type, parts)) == _TEXT:
            return self.text(*parts)
        out: list[str] = []
        _encode(parts, out, self.memo)
        self.keep.append(parts)
        return hashlib.blake2b("".join(out).encode(), digest_size=16).hexdigest()


def pickle_digest(*parts: Any) -> str:
    """A digest of plain values (tuples, strings, dates, model objects) by their pickle:
    several times faster than Fingerprints for thousands of small objects.  The pickler's
    memo is off, so a value pickles the same whether or not its parts are shared objects."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


def file_digest(data: bytes, *salt: str) -> str:
    h = hashlib.blake2b(data, digest_size=16)
    for part in salt:
        h.update(part.encode())
    return h.hexdigest()


def tree_digest(*folders: Path) -> str:
    """Bytes and names of every file under `folders` (templates, static files)."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


_REF = re.compile(r"\]\(\s*<?([^)\s>]+)|(?:src|href)\s*=\s*[\"']([^\"']+)")


def body_references(body_md: str) -> list[str]:
    """Relative paths an entry body may point at (Markdown links, images, raw HTML)."""
    return [a or b for a, b in _REF.findall(body_md)]


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
        self.entries: dict[str, tuple[str, Any, tuple]] = {}  # source → digest, result, stat
        self.finished: dict[str, Any] = {}  # entry key → (finished entry, media, problems)
        self.pages: dict[str, dict[str, tuple[str, int, int]]] = {}  # product → url → key, size, mtime
        self.blobs: dict[str, str] = {}  # product/name → key (search index, score exports)
        self.lints: dict[str, Any] = {}  # entry digest + review rules + day → findings
        self.scores: dict[str, Any] = {}  # digest of the scoring inputs → results and views
        self.score_parts: dict[str, str] = {}  # entry digest → digest of its score fields
        self.saved: tuple | None = None  # what the file on disk holds, in brief
        self.texts: dict[str, dict] = {}  # Fingerprints.texts of the last build, by stage
        self.written: dict[str, Any] = {}  # writer.WriteMemo by product (in memory)
        self.layout: tuple | None = None  # the last Site, its cards and entries (in memory)
        self.plain: dict[str, tuple[str, str]] = {}  # entry digest → URL, key (in memory)
        if enabled:
            self.load()

    def load(self) -> None:
        try:
            with self.path.open("rb") as handle, gc_paused():
                data = pickle.load(handle)
            if data.get("format") != FORMAT:
                return
            self.entries, self.finished = data["entries"], data["finished"]
            self.pages, self.blobs, self.lints = data["pages"], data["blobs"], data["lints"]
            self.scores, self.score_parts = data["scores"], data["score_parts"]
            slugs.memo.update(data["slugs"])
            self.saved = self.brief()
        except Exception:  # missing, truncated, corrupt, from another version: start empty
            self.entries, self.finished, self.pages, self.blobs = {}, {}, {}, {}
            self.lints, self.scores, self.score_parts = {}, {}, {}

    def brief(self) -> tuple:
        """Enough to tell whether anything changed since the cache was loaded or saved:
        every item is stored under a key that changes with its content."""
        return ({k: (v[0], v[2]) for k, v in self.entries.items()}, frozenset(self.finished),
                {k: dict(v) for k, v in self.pages.items()}, dict(self.blobs),
                frozenset(self.lints), frozenset(self.scores), len(slugs.memo))

    def save(self, now: bool = False) -> None:
        if self.deferred and not now:
            return
        brief = self.brief()
        if brief == self.saved:
            return  # a build that changed nothing: no need to write it all again
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".build.pickle.{os.getpid()}")
        with partial.open("wb") as handle:
            pickle.dump({"format": FORMAT, "entries": self.entries, "finished": self.finished,
                         "pages": self.pages, "blobs": self.blobs, "lints": self.lints,
                         "scores": self.scores, "score_parts": self.score_parts,
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
