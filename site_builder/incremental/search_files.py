"""The search index's files (search.py) into a staging directory, memoised.

Each id's text file is kept when its entries are the same finished entries (their
digests) with the same department and type labels.  An edit then changes that one file,
and the shards of the tokens the entry gained or lost: each of those shards is read back
from the last build's output (checked untouched, as every reused file is), its changed
lists decoded, edited and encoded again.  Every other shard stays as it is.  The tokens an
entry had are read from its last text file, so the cache holds no copy of the index.

Without a cache, or when anything of the last index cannot be trusted (a file touched or
missing, other code), the whole index is made from the entries, with the same bytes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import search
from ..digests import code_digest
from ..model import Entry
from ..postings import decode
from ..site import Site
from ..templates import static_files
from .store import same_file

if TYPE_CHECKING:
    from .site_files import Reuse

SEARCH_SCRIPT = "static/search.js"


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """What the search page is told of the index, and how many files it has."""

    context: dict[str, object]
    files: int


def write_search(site: Site, dest: Path, kept: Reuse) -> SearchFiles:
    """The index, the character table and what the search page needs to know of them."""
    table = search.fold_script()  # the traditional → simplified table: made every time, cheap
    kept.write(search.FOLD_SCRIPT, table)
    index = Index(site, dest, kept)
    if not index.patch():
        index.full()
    versions = "\n".join(f"{p} {v}" for p, v in sorted(index.versions.items())).encode()
    script = static_files(site.config.root).get(SEARCH_SCRIPT)
    context = {"version": search.version(versions), "shards": search.SHARDS, "slots": search.SLOTS,
               "epoch": search.EPOCH.isoformat(), "present": search.present(index.present),
               "fold": search.version(table),
               "script": search.version(script.read_bytes()) if script else ""}
    return SearchFiles(context, len(index.versions) + 1)


@dataclass
class Index:
    site: Site
    dest: Path
    kept: Reuse
    groups: dict[int, list[Entry]] = field(init=False)
    versions: dict[str, str] = field(init=False, default_factory=dict)  # path → content digest
    present: set[int] = field(init=False, default_factory=set)
    folders: set[str] = field(init=False, default_factory=set)
    code: str = field(init=False, default_factory=code_digest)

    def __post_init__(self) -> None:
        groups: dict[int, list[Entry]] = defaultdict(list)
        for entry in self.site.entries:
            groups[search.entry_id(entry)].append(entry)
        self.groups = {i: sorted(g, key=lambda e: e.url) for i, g in sorted(groups.items())}

    def write(self, path: str, data: bytes) -> None:
        """write_file, with the index's two folders made once (thousands of files)."""
        folder = path.rsplit("/", 1)[0]
        if folder not in self.folders:
            (self.dest / folder).mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        with open(self.dest / path, "wb") as out:
            out.write(data)

    # ------------------------------------------------------------------ text files

    def text_key(self, entries: Sequence[Entry]) -> str:
        """What an id's text file is made of; "" when an entry's digest is unknown."""
        if not all(e.digest for e in entries):
            return ""
        parts = [self.code, *(f"{e.digest}|{self.site.department_name(e.department)}|"
                              f"{self.site.type_label(e.type)}" for e in entries)]
        return "text " + hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()

    def reuse_text(self, ident: int) -> bool:
        """Keep last build's text file of `ident` if it was made of the same entries."""
        path, inputs = search.text_path(ident), self.text_key(self.groups[ident])
        last = self.kept.recorded(path)
        if inputs and isinstance(last, str) and last.startswith(inputs + " ") and \
                self.kept.unchanged(path, last):
            self.versions[path] = last.rsplit(" ", 1)[1]
            return True
        return False

    def make_text(self, ident: int) -> list[list[str]]:
        """Write the id's text file; its rows."""
        entries = self.groups[ident]
        rows = [search.entry_row(self.site, e) for e in entries]
        data = search.text_script(ident, map(search.row_json, rows))
        path = search.text_path(ident)
        self.write(path, data)
        self.versions[path] = search.version(data)
        inputs = self.text_key(entries)
        self.kept.record(path, f"{inputs} {self.versions[path]}" if inputs else "")
        return rows

    # ------------------------------------------------------------------ shards

    def write_shard(self, shard: int, lists: dict[str, str]) -> None:
        path = search.shard_path(shard)
        data = search.shard_script(shard, lists)
        self.versions[path] = search.version(data)
        key = f"shard {self.code} {self.versions[path]}"
        if not self.kept.unchanged(path, key):
            self.write(path, data)
            self.kept.record(path, key)
        self.present.add(shard)

    def full(self) -> None:
        """Every file from the entries."""
        self.versions, self.present = {}, set()
        anywhere: dict[str, list[int]] = defaultdict(list)
        titled: dict[str, list[int]] = defaultdict(list)
        for ident, entries in self.groups.items():  # ascending ids: sorted lists
            if self.reuse_text(ident):
                rows = [search.entry_row(self.site, e) for e in entries]
            else:
                rows = self.make_text(ident)
            all_tokens, title_tokens = tokens(rows)
            for token in all_tokens:
                anywhere[token].append(ident)
            for token in title_tokens:
                titled[token].append(ident)
        shards: dict[int, dict[str, str]] = defaultdict(dict)
        for token in anywhere.keys() | titled.keys():
            lists = search.token_lists(anywhere.get(token, ()), titled.get(token, ()))
            shards[search.shard_of(token)][token] = lists
        for shard, lists in sorted(shards.items()):
            self.write_shard(shard, lists)

    def last(self, path: str) -> bytes | None:
        """Last build's file at `path` if it is untouched since it was recorded."""
        kept = self.kept
        record = kept.before.get(path)
        if record is None or kept.old is None:
            return None
        if not (kept.cache is not None and kept.cache.trusted) and not same_file(kept.old / path, record):
            return None
        try:
            return (kept.old / path).read_bytes()
        except OSError:
            return None

    def patch(self) -> bool:
        """Last build's index, with only what changed made again; False if it cannot be."""
        kept = self.kept
        if kept.cache is None or kept.old is None:
            return False
        prefix = f"shard {self.code} "
        old_shards = {p: r[0] for p, r in kept.before.items() if p.startswith(search.INDEX_DIR + "/")}
        if not old_shards or not all(k.startswith(prefix) for k in old_shards.values()):
            return False
        old_texts = {p for p in kept.before if p.startswith(search.TEXT_DIR + "/")}
        delta: dict[tuple[str, bool], dict[int, bool]] = defaultdict(dict)  # (token, title) → id → kept?
        for ident in self.groups:
            if self.reuse_text(ident):
                continue
            path = search.text_path(ident)
            before: tuple[set[str], set[str]] = (set(), set())
            if path in old_texts:
                data = self.last(path)
                if data is None:
                    return False
                before = tokens(search.parse_text(data))
            after = tokens(self.make_text(ident))
            note(delta, ident, before, after)
        current = {search.text_path(i) for i in self.groups}
        for path in sorted(old_texts - current):
            data = self.last(path)
            if data is None:
                return False
            ident = int(data[len(b"siteSearch.text("):data.index(b",")])
            note(delta, ident, tokens(search.parse_text(data)), (set(), set()))
        touched: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        for token, title in delta:
            touched[search.shard_of(token)].append((token, title))
        for path, key in old_shards.items():
            shard = int(path[len(search.INDEX_DIR) + 1:-3], 16)
            if shard in touched:
                continue
            if not kept.unchanged(path, key):
                return False
            self.versions[path] = key.rsplit(" ", 1)[1]
            self.present.add(shard)
        for shard, changes in sorted(touched.items()):
            path = search.shard_path(shard)
            lists: dict[str, str] = {}
            if path in old_shards:
                data = self.last(path)
                if data is None:
                    return False
                lists = search.parse_shard(data)
            for token in {token for token, _ in changes}:
                anywhere, _, titled = lists.get(token, "").partition(".")
                ids = [set(decode(anywhere)), set(decode(titled))]
                for which, title in enumerate((False, True)):
                    for ident, keep in delta.get((token, title), {}).items():
                        (ids[which].add if keep else ids[which].discard)(ident)
                if ids[0] or ids[1]:
                    lists[token] = search.token_lists(sorted(ids[0]), sorted(ids[1]))
                else:
                    lists.pop(token, None)
            if lists:
                self.write_shard(shard, lists)
        return True


def tokens(rows: Sequence[Sequence[str]]) -> tuple[set[str], set[str]]:
    """The tokens of an id's rows: (anywhere, in a title)."""
    anywhere: set[str] = set()
    titled: set[str] = set()
    for row in rows:
        a, t = search.row_tokens(row)
        anywhere |= a
        titled |= t
    return anywhere, titled


def note(delta: dict[tuple[str, bool], dict[int, bool]], ident: int,
         before: tuple[set[str], set[str]], after: tuple[set[str], set[str]]) -> None:
    """Record which lists `ident` joins (True) or leaves (False)."""
    for title, old, new in ((False, before[0], after[0]), (True, before[1], after[1])):
        for token in new - old:
            delta[(token, title)][ident] = True
        for token in old - new:
            delta[(token, title)][ident] = False

