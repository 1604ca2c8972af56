"""Published entries → the Site: URLs, rendered bodies, lists, archives, prev/next.

Everything a writer needs is computed here, once; templates only display it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .digests import file_digest, pickle_digest
from .errors import Problem
from .markup import Links, make_summary, media_url, render_markdown
from .model import Article, Entry, SiteConfig
from .parallel import parallel_map
from .publish import UNFINISHED, Selection, as_draft_problem
from .slugs import unique_slugs

_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\balt="[^"]+"')
_SRC = re.compile(r'\bsrc="([^"]*)"')
HOME_LATEST = 12
HOME_PER_TYPE = 6


@dataclass(frozen=True, slots=True)
class Term:
    """A group of entries with its own list pages: a column, type, department, tag or month."""

    kind: str  # "column" | "type" | "department" | "tag" | "month"
    key: str  # the column name, type id, department id, tag or "YYYY-MM"
    label: str  # what the reader sees
    folder: str  # e.g. "tags/jing-shi-jiao-yu"
    entries: tuple[Article, ...]
    digest: str = ""  # of all of the above (term_digest); "": an entry's digest is unknown

    @property
    def url(self) -> str:
        return f"{self.folder}/index.html"

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass(frozen=True, slots=True)
class ListPage:
    term: Term
    number: int  # 1-based
    pages: int
    entries: tuple[Article, ...]
    digest: str = ""  # of all of the above; "": not known

    @property
    def url(self) -> str:
        return page_url(self.term, self.number)

    @property
    def prev_url(self) -> str | None:
        return page_url(self.term, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.term, self.number + 1) if self.number < self.pages else None

    @property
    def page_urls(self) -> tuple[tuple[int, str], ...]:
        return tuple((n, page_url(self.term, n)) for n in range(1, self.pages + 1))


def page_url(term: Term, number: int) -> str:
    return term.url if number == 1 else f"{term.folder}/page-{number}.html"


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    public: bool
    entries: tuple[Article, ...]  # published, newest first
    columns: tuple[Term, ...]
    types: tuple[Term, ...]
    departments: tuple[Term, ...]
    tags: tuple[Term, ...]
    months: tuple[Term, ...]  # newest first
    neighbours: dict[str, tuple[Article | None, Article | None]]  # slug → (older, newer)
    media: tuple[tuple[Path, str], ...]  # (source file, site path) to copy
    problems: tuple[Problem, ...]  # warnings, and errors such as paths outside the project
    selection: Selection
    index: dict[tuple[str, str], Term] = field(default_factory=dict)  # (kind, key) → Term

    def __post_init__(self) -> None:
        self.index.update({(t.kind, t.key): t for t in self.all_terms})

    @property
    def title(self) -> str:
        return self.config.title

    def type_label(self, type_id: str) -> str:
        return self.config.type_labels.get(type_id, type_id)

    def department_name(self, dept_id: str) -> str:
        return self.config.department(dept_id).name

    def term(self, kind: str, key: str) -> Term | None:
        return self.index.get((kind, key))

    @property
    def all_terms(self) -> tuple[Term, ...]:
        return (*self.columns, *self.types, *self.departments, *self.tags, *self.months)

    @property
    def years(self) -> tuple[tuple[str, tuple[Term, ...]], ...]:
        by_year: dict[str, list[Term]] = defaultdict(list)
        for month in self.months:
            by_year[month.key[:4]].append(month)
        return tuple((year, tuple(months)) for year, months in by_year.items())


def paginate(term: Term, size: int) -> list[ListPage]:
    chunks = [term.entries[i:i + size] for i in range(0, len(term.entries), size)] or [()]
    return [ListPage(term, n, len(chunks), chunk,
                     f"{term.digest}:{n}:{len(chunks)}:{size}" if term.digest else "")
            for n, chunk in enumerate(chunks, start=1)]


def term_digest(kind: str, key: str, label: str, folder: str, entries: Sequence[Entry]) -> str:
    """Everything a Term is made of, when every entry's digest is known (a cached build):
    a page that read a term with the same digest read the same (incremental/reads.py)."""
    digests = [e.digest for e in entries]
    if not all(digests):
        return ""
    return file_digest("\x1f".join([kind, key, label, folder, *digests]).encode())


def entry_url(entry: Entry) -> str:
    day = entry.date.isoformat()  # "YYYY-MM-DD"
    return f"{day[:4]}/{day[5:7]}/{entry.slug}.html"


def assemble_site(config: SiteConfig, finished: Sequence[Finished], selection: Selection,
                  public: bool, warnings: Iterable[Problem] = ()) -> Site:
    """The finished entries (render_entries) grouped into lists, with every problem."""
    media: dict[Path, str] = {}
    problems: list[Problem] = []
    for _, entry_media, entry_problems, _ in finished:
        media.update(entry_media)
        problems.extend(entry_problems)
    media_files = tuple(sorted(media.items(), key=lambda item: item[1]))
    return lay_out(config, [f[0] for f in finished], public, media_files,
                   (*warnings, *problems), selection)


def lay_out(config: SiteConfig, rendered: Sequence[Entry], public: bool,
            media: tuple[tuple[Path, str], ...], problems: tuple[Problem, ...],
            selection: Selection) -> Site:
    """Sort the entries and group them into every kind of list."""
    entries = tuple(sorted(rendered, key=lambda e: (e.date, e.slug), reverse=True))

    by: dict[str, defaultdict[str, list[Entry]]] = {
        kind: defaultdict(list) for kind in ("column", "type", "department", "tag", "month")}
    for entry in entries:  # one pass for every kind of list: thousands of entries
        by["column"][entry.column].append(entry)
        by["type"][entry.type].append(entry)
        by["department"][entry.department].append(entry)
        by["month"][entry.month].append(entry)
        for tag in entry.tags:
            by["tag"][tag].append(entry)

    def group(kind: str, label_of: Callable[[str], str], folder_of: Callable[[str], str],
              order: Sequence[str] | None = None, newest_first: bool = False) -> tuple[Term, ...]:
        members = by[kind]
        keys = ([k for k in order if k in members] if order is not None
                else sorted(members, reverse=newest_first))
        return tuple(Term(kind, k, label_of(k), folder_of(k), tuple(members[k]),
                          term_digest(kind, k, label_of(k), folder_of(k), members[k]))
                     for k in keys)

    column_slugs = unique_slugs(config.columns)
    tag_slugs = unique_slugs(by["tag"])
    type_labels = config.type_labels
    dept_names = {d.id: d.name for d in config.departments}
    tags = group("tag", str, lambda k: f"tags/{tag_slugs[k]}")
    months = group("month", month_label, lambda k: f"archive/{k}", newest_first=True)
    return Site(
        config=config,
        public=public,
        entries=entries,
        columns=group("column", str, lambda k: f"columns/{column_slugs[k]}", order=config.columns),
        types=group("type", type_labels.__getitem__, lambda k: f"types/{k}",
                    order=list(type_labels)),
        departments=group("department", dept_names.__getitem__, lambda k: f"departments/{k}",
                          order=list(dept_names)),
        tags=tuple(sorted(tags, key=lambda t: (-t.count, t.folder))),
        months=months,
        neighbours=neighbours(entries),
        media=media,
        problems=problems,
        selection=selection,
    )


Finished = tuple[Article, dict[Path, str], list[Problem], dict[tuple[str, str], object]]
Rendered = tuple[str, dict[Path, str], list[Problem], dict[tuple[str, str], object]]


def link_tables(published: Sequence[Entry], all_entries: Sequence[Entry],
                ) -> tuple[list[str], dict[str, str], frozenset[str]]:
    """Each published entry's URL; what links resolve against: published entry sources →
    their pages, and every entry source (published or not)."""
    urls = [entry_url(e) for e in published]
    pages = {e.real_path: url for e, url in zip(published, urls, strict=True)}
    return urls, pages, frozenset(e.real_path for e in all_entries)


def finish_key(entry: Entry, url: str) -> str:
    """What a finished entry is made from besides its links' answers: its file (the
    loader's digest: bytes, name, site.yaml), its URL and its real path."""
    return pickle_digest(entry.digest, url, entry.real) if entry.digest else ""


def render_bodies(config: SiteConfig, entries: Sequence[tuple[Entry, str]],
                  pages: Mapping[str, str], known: frozenset[str], processes: int = 1,
                  advance: Callable[[int], None] | None = None) -> list[Rendered]:
    """Each (entry, URL)'s Markdown rendered with links resolved against `pages` and
    `known` (on `processes` worker processes when there are many): body, media, problems,
    and the questions its link rewriting asked with their answers (Links.seen)."""

    def render(item: tuple[Entry, str]) -> Rendered:
        entry, url = item
        links = Links(entry.source, url, config.root, config.content_dir, pages, known,
                      entry.body_md, entry.body_line, strict=strict_body(entry))
        return render_body(entry, links), dict(links.media), list(links.problems), links.seen

    return parallel_map(render, entries, processes, advance=advance)


def strict_body(entry: Entry) -> bool:
    """Whether damage to the body is an error: in an approved entry the public may read."""
    return entry.status == "approved" and entry.classification == "public"


def finished_entry(config: SiteConfig, entry: Entry, url: str, rendered: Rendered,
                   key: str) -> Finished:
    """The Article: the entry with its URL, body, cover URL, summary and digest (of
    everything it was made from: `key` and what its links resolved to)."""
    body, media, problems, seen = rendered
    if entry.status in UNFINISHED:  # a draft's problems are warnings until it is approved
        problems = [as_draft_problem(p) for p in problems]
    cover_url = ""
    if entry.cover is not None:
        cover_url = media_url(entry.cover, config.content_dir.resolve())
        media = {entry.cover: cover_url, **media}
    article = Article.of(entry, url=url, body_html=body, cover_url=cover_url,
                         digest=key and pickle_digest(key, seen),
                         summary=entry.summary or make_summary(body))
    return article, media, problems, seen


def render_entries(config: SiteConfig, all_entries: Sequence[Entry], published: Sequence[Entry],
                   processes: int = 1, advance: Callable[[int], None] | None = None,
                   ) -> list[Finished]:
    """Every published entry as an Article: URL, rendered body, cover URL, summary, digest.
    `advance(n)`: n bodies are rendered."""
    urls, pages, known = link_tables(published, all_entries)
    todo = list(zip(published, urls, strict=True))
    rendered = render_bodies(config, todo, pages, known, processes, advance)
    return [finished_entry(config, e, url, r, finish_key(e, url))
            for (e, url), r in zip(todo, rendered, strict=True)]


def render_body(entry: Entry, links: Links) -> str:
    body = render_markdown(entry.body_md, links)
    for image in _IMG.finditer(body):
        if not _ALT.search(image.group(0)):
            src = _SRC.search(image.group(0))
            name = unquote(src.group(1)).rsplit("/", 1)[-1] if src else "!["
            links.report(name, "图片缺少说明文字（alt）",
                         "写作 ![图片说明](图片.jpg)：读屏软件和图片无法显示时都靠这段文字",
                         "missing-alt")
    return body


def neighbours(entries: Sequence[Entry]) -> dict[str, tuple[Entry | None, Entry | None]]:
    """slug → (older entry, newer entry) in publication order; `entries` is newest first."""
    out: dict[str, tuple[Entry | None, Entry | None]] = {}
    for index, entry in enumerate(entries):
        newer = entries[index - 1] if index > 0 else None
        older = entries[index + 1] if index + 1 < len(entries) else None
        out[entry.slug] = (older, newer)
    return out


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"
