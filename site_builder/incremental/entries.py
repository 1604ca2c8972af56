"""Loading entries, memoised: a file whose bytes (and site.yaml) are unchanged is not
parsed again, and one whose size, modification time and inode are those seen last time is
not even read (as make and git do), unless it changed in the last RACY_NS."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

from .. import project
from ..content import (
    MAX_ENTRY_BYTES,
    Loaded,
    config_salt,
    parse_entry_file,
    read_entry_file,
    same_answers,
)
from ..content import load_entries as load_all
from ..digests import file_digest
from ..errors import Problem
from ..events import Advanced, Finished, Progress, Started
from ..model import Entry, SiteConfig
from ..project import Project
from ..stamp import RACY_NS  # the same trust in file metadata as the no-change stamp
from .store import BuildCache


def load_entries(cache: BuildCache | None, config: SiteConfig, progress: Progress | None = None,
                 ) -> tuple[tuple[Entry, ...], tuple[Problem, ...]]:
    """content.load_entries, with last build's entries for the files that are the same.
    `progress` hears of every file read (events.py, stage "entries")."""
    names, salt = config.department_index, config_salt(config)
    if cache is None:
        if progress is None:
            return load_all(config)
        counted = [0]

        def read_counted(name: str) -> Loaded:
            loaded = read_entry_file(name, config, names, salt)
            counted[0] += 1
            progress(Advanced("entries", counted[0]))
            return loaded

        progress(Started("entries"))
        loaded = load_all(config, read_counted)
        progress(Finished("entries", counted[0], counted[0]))
        return loaded
    # path → (digest, (entry, problems), (size, mtime, inode), what loading asked beyond it)
    seen: dict[str, tuple[str, tuple[Entry | None, list[Problem]], tuple[int, ...],
                          tuple[tuple[str, str, object], ...]]] = {}
    # A file changed in the last seconds may change again within the same clock tick
    # without its time moving ("racy git"): such a file is always read.
    settled_before = time.time_ns() - RACY_NS

    def read(name: str) -> Loaded:
        cached = cache.entries.get(name)
        stat = os.stat(name)
        seen_as = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        parsed = True
        if cached is not None and not same_answers(cached[3]):
            cached = None  # e.g. its cover is now a link to elsewhere: load it again
        if stat.st_mtime_ns < settled_before and cached is not None and cached[2] == seen_as \
                and cached[0].endswith(salt):
            loaded: Loaded = (cached[0], cached[1], cached[3])  # the file is as it was
            parsed = False
        elif cached is None or stat.st_size > MAX_ENTRY_BYTES:
            loaded = read_entry_file(name, config, names, salt)
        else:
            raw = Path(name).read_bytes()
            digest = file_digest(raw, salt, name) + salt
            parsed = cached[0] != digest
            loaded = parse_entry_file(name, raw, digest, config, names) if parsed else \
                (digest, cached[1], cached[3])
        if loaded[0]:
            seen[name] = (loaded[0], loaded[1], seen_as, loaded[2])
        if progress is not None:
            counted[0] += 1
            counted[1] += parsed
            progress(Advanced("entries", counted[0]))
        return loaded

    counted = [0, 0]  # files read, of which parsed again
    if progress is not None:
        progress(Started("entries"))
    try:
        entries = load_all(config, read)
    finally:
        cache.entries = seen  # files that are gone drop out of the cache
    if progress is not None:
        progress(Finished("entries", counted[0], counted[1]))
    return entries


def load_project(cache: BuildCache | None, root: Path | str,
                 progress: Progress | None = None) -> Project:
    """project.load_project, with the entries loaded as above."""
    return project.load_project(root, partial(load_entries, cache, progress=progress))
