"""Offline Chinese full-text search: the published entries' text, one script per month.

`search/data/YYYY-MM.js` holds that month's entries as rows (URL, title, date, labels and
the body as plain text) and calls `siteSearch.add(...)`; templates/static/search.js loads
the months it needs with <script> tags (which work from file:// too, unlike fetch) and
matches every query word as a substring.  A substring test needs no word segmentation, so
an unspaced Chinese phrase such as 「反诈宣传进社区」 is found exactly where it occurs.

One month's file changes only when one of its entries does, so an edit rewrites one small
file, and a cached build links every other month from the last build.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .markup import plain_text
from .model import Entry
from .site import Site, Term

DATA_DIR = "search/data"
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
