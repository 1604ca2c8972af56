"""Loading entries, memoised: a file whose bytes (and site.yaml) are unchanged is not
parsed again, and one whose size, modification time and inode are those seen last time is
not even read (as make and git do), unless it changed in the last RACY_NS."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

from .. import project
from ..content import MAX_ENTRY_BYTES, Loaded, config_salt, parse_entry_file, read_entry_file
from ..content import load_entries as load_all
from ..digests import file_digest
from ..errors import Problem
from ..model import Entry, SiteConfig
from ..project import Project
from ..stamp import RACY_NS  # the same trust in file metadata as the no-change stamp
from .store import BuildCache


def load_entries(cache: BuildCache | None, config: SiteConfig,
                 ) -> tuple[tuple[Entry, ...], tuple[Problem, ...]]:
    """content.load_entries, with last build's entries for the files that are the same."""
    if cache is None:
        return load_all(config)
    names, salt = config.department_index, config_salt(config)
    seen: dict[str, tuple[str, tuple[Entry | None, list[Problem]], tuple[int, ...]]] = {}
    # A file changed in the last seconds may change again within the same clock tick
    # without its time moving ("racy git"): such a file is always read.
    settled_before = time.time_ns() - RACY_NS

    def read(name: str) -> Loaded:
        cached = cache.entries.get(name)
        stat = os.stat(name)
        seen_as = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if stat.st_mtime_ns < settled_before and cached is not None and cached[2] == seen_as \
                and cached[0].endswith(salt):
            loaded: Loaded = (cached[0], cached[1])  # the file is as it was: its entry too
        elif cached is None or stat.st_size > MAX_ENTRY_BYTES:
            loaded = read_entry_file(name, config, names, salt)
        else:
            raw = Path(name).read_bytes()
            digest = file_digest(raw, salt, name) + salt
            loaded = (digest, cached[1]) if cached[0] == digest else \
                parse_entry_file(name, raw, digest, config, names)
        if loaded[0]:
            seen[name] = (loaded[0], loaded[1], seen_as)
        return loaded

    try:
        return load_all(config, read)
    finally:
        cache.entries = seen  # files that are gone drop out of the cache


def load_project(cache: BuildCache | None, root: Path | str) -> Project:
    """project.load_project, with the entries loaded as above."""
    return project.load_project(root, partial(load_entries, cache))
