"""Offline Chinese full-text search: a Pagefind index written into the site.

Pagefind's own Chinese segmentation and the browser's (Intl.Segmenter) disagree, so an
unspaced query such as 「反诈宣传进社区」 can miss.  Here the index and the query are
segmented the same way: every run of Chinese characters becomes its overlapping
character bigrams (反诈 诈宣 宣传 传进 进社 社区), on both sides — `bigrams` below and
its twin in templates/static/search.js.  A phrase is found when all its bigrams are.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .markup import plain_text
from .model import Entry
from .site import Site, month_label

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
EXCERPT_SOURCE = 3000  # characters of body text kept for excerpts and highlighting


def bigrams(text: str) -> str:
    """「刑侦大队召开」→ "刑侦 侦大 大队 队召 召开"; ASCII words stay words (lower-cased)."""
    out: list[str] = []
    for run in _RUN.findall(text):
        if _CJK.match(run):
            out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            out.append(run.lower())
    return " ".join(out)


@dataclass(frozen=True, slots=True)
class SearchReport:
    records: int
    error: str = ""  # why there is no index, if there is none
    pending: str = ""  # serve: last index kept for now; this key is to be indexed next


def search_document(site: Site, entry: Entry) -> str:
    """The page Pagefind indexes for an entry: its words as bigrams in the body, and what
    the results show (title, date, department, type, excerpt text) as metadata."""
    department = site.department_name(entry.department)
    body = plain_text(entry.body_html)
    figure = entry.figure.name if entry.figure else ""
    words = " ".join((entry.title, department, figure, " ".join(entry.tags), " ".join(entry.authors),
                      body))
    meta = {"title": entry.title, "date": entry.date.isoformat(), "department": department,
            "type": site.type_label(entry.type), "text": body[:EXCERPT_SOURCE]}
    filters = {"type": site.type_label(entry.type), "department": department,
               "month": month_label(entry.month)}
    parts = ['<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>']
    parts += [f'<p data-pagefind-meta="{key}" data-pagefind-ignore>{escape(value)}</p>'
              for key, value in meta.items()]
    parts += [f'<p data-pagefind-filter="{key}" data-pagefind-ignore>{escape(value)}</p>'
              for key, value in filters.items()]
    parts.append(f'<p data-pagefind-sort="date" data-pagefind-ignore>{entry.date.isoformat()}</p>')
    parts.append(f"<main data-pagefind-body>{escape(bigrams(words))}</main></body></html>")
    return "".join(parts)


def pagefind_binary() -> Path | None:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        return Path(found) if found else None
    return Path(get_executable())


def write_search_index(site: Site, dest: Path) -> SearchReport:
    """Index the site's entries into dest/pagefind/.  On any failure return the reason
    instead of raising, so the rest of the site is still written."""
    binary = pagefind_binary()
    if binary is None or not binary.is_file():
        return SearchReport(0, "找不到 pagefind 程序")
    with tempfile.TemporaryDirectory(prefix="site-builder-search-") as tmp:
        documents = Path(tmp) / "site"
        for entry in site.entries:  # same paths as the real pages, so result URLs match
            path = documents / entry.url
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(search_document(site, entry), encoding="utf-8")
        documents.mkdir(exist_ok=True)
        command = [str(binary), "--site", str(documents), "--output-path", str(dest / "pagefind"),
                   "--force-language", "zh", "--keep-index-url", "--silent"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.SubprocessError) as err:
            return SearchReport(0, f"pagefind 无法运行：{err}")
        if result.returncode != 0 or not (dest / "pagefind" / "pagefind.js").is_file():
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["未知错误"]
            return SearchReport(0, f"pagefind 出错（退出码 {result.returncode}）：{detail[0]}")
    return SearchReport(len(site.entries))
