"""Published entries → the Site: URLs, rendered bodies, lists, archives, prev/next.

Everything a writer needs is computed here, once; templates only display it.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any
from urllib.parse import unquote

from .cache import BuildCache, Fingerprints, pickle_digest
from .errors import Problem
from .markup import Links, make_summary, media_url, render_markdown, unusable_path
from .model import Entry, SiteConfig
from .parallel import parallel_map
from .publish import Selection
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
    entries: tuple[Entry, ...]

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
    entries: tuple[Entry, ...]

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
    entries: tuple[Entry, ...]  # published, newest first, with url, body_html and summary
    columns: tuple[Term, ...]
    types: tuple[Term, ...]
    departments: tuple[Term, ...]
    tags: tuple[Term, ...]
    months: tuple[Term, ...]  # newest first
    neighbours: dict[str, tuple[Entry | None, Entry | None]]  # slug → (older, newer)
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
    return [ListPage(term, n, len(chunks), chunk) for n, chunk in enumerate(chunks, start=1)]


def entry_url(entry: Entry) -> str:
    day = entry.date.isoformat()  # "YYYY-MM-DD"
    return f"{day[:4]}/{day[5:7]}/{entry.slug}.html"


def assemble_site(config: SiteConfig, all_entries: Sequence[Entry], selection: Selection,
                  public: bool, warnings: Iterable[Problem] = (),
                  cache: BuildCache | None = None, processes: int = 1) -> Site:
    """Give every published entry its URL and body, then group them into lists."""
    rendered, media, problems = render_entries(config, all_entries, selection.published, cache,
                                               processes)
    media_files = tuple(sorted(media.items(), key=lambda item: item[1]))
    cards = [e.card for e in rendered]
    last = cache.layout if cache is not None and all(cards) else None
    if last is not None and last[0] == cards and last[2].config == config \
            and last[2].public == public:
        site = same_layout(last[2], last[1], rendered,  # only bodies changed, if anything
                           media=media_files, problems=(*warnings, *problems), selection=selection)
    else:
        site = lay_out(config, rendered, public, media_files, (*warnings, *problems), selection)
    if cache is not None:
        cache.layout = (cards, rendered, site) if all(cards) else None
    return site


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
        return tuple(Term(kind, k, label_of(k), folder_of(k), tuple(members[k])) for k in keys)

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


def same_layout(last: Site, before: Sequence[Entry], now: Sequence[Entry], **fields: Any) -> Site:
    """`last` with the entries of `before` replaced by those of `now` at the same places,
    and with `fields` (this build's media, problems and selection).

    For entries whose cards (everything but the body) are those of the last build, in the
    same order: the lists, months and neighbours are then the same, and only the entries
    that are new objects are put in — into the few lists and neighbours that hold them —
    instead of sorting and grouping thousands again.  The result equals lay_out()'s."""
    swap = {id(old): new for old, new in zip(before, now, strict=True) if old is not new}
    if not swap:
        return dataclasses.replace(last, index={}, **fields)
    changed = list(swap.values())
    terms: dict[tuple[str, str], Term] = {}
    for entry in changed:
        for kind, key in (("column", entry.column), ("type", entry.type),
                          ("department", entry.department), ("month", entry.month),
                          *(("tag", tag) for tag in entry.tags)):
            term = terms.get((kind, key)) or last.index.get((kind, key))
            if term is not None:  # (lists only of the columns, types and units in site.yaml)
                terms[(kind, key)] = dataclasses.replace(
                    term, entries=tuple([swap.get(id(e), e) for e in term.entries]))
    pairs = dict(last.neighbours)
    for entry in changed:
        older, newer = last.neighbours[entry.slug]
        for slug in (entry.slug, older and older.slug, newer and newer.slug):
            if slug:
                o, n = last.neighbours[slug]
                pairs[slug] = (o and swap.get(id(o), o), n and swap.get(id(n), n))

    def put(group: tuple[Term, ...]) -> tuple[Term, ...]:
        return tuple([terms.get((t.kind, t.key), t) for t in group])

    return dataclasses.replace(
        last, entries=tuple([swap.get(id(e), e) for e in last.entries]),
        columns=put(last.columns), types=put(last.types), departments=put(last.departments),
        tags=put(last.tags), months=put(last.months), neighbours=pairs, index={}, **fields)


def render_entries(config: SiteConfig, all_entries: Sequence[Entry], published: Sequence[Entry],
                   cache: BuildCache | None = None, processes: int = 1,
                   ) -> tuple[list[Entry], dict[Path, str], list[Problem]]:
    """Give each published entry its URL, and its Markdown rendered with links resolved
    against the published set (on `processes` worker processes when there are many).

    With a cache, an entry is made again only when its file, its page URL or something it
    links to (another entry's URL, an image file) has changed; otherwise last build's
    finished entry is used as it is.
    """
    real = Resolver()  # for the files bodies link to
    fingerprint = Fingerprints(cache.texts.get("entries") if cache is not None else None)
    # An entry that links nowhere has the same URL and key whenever its file is the same
    # (its digest): serve's next build looks them up instead of making thousands again.
    now: dict[str, tuple[str, str]] = {}
    if cache is not None:
        for e in published:
            if e.digest and not e.refs:
                known_page = cache.plain.get(e.digest)
                if known_page is None:
                    url = entry_url(e)
                    known_page = (url, fingerprint.text(e.digest, url, "[]"))
                now[e.digest] = known_page
    urls = [now[e.digest][0] if e.digest in now else entry_url(e) for e in published]
    pages = {e.real_path: url for e, url in zip(published, urls, strict=True)}
    known = frozenset(e.real_path for e in all_entries)
    keys = ["" if cache is None or not e.digest else now[e.digest][1] if e.digest in now
            else fingerprint.text(e.digest, url, repr(link_context(e, pages, known, real)))
            for e, url in zip(published, urls, strict=True)]
    made = cache.finished if cache is not None else {}

    def render(entry: Entry) -> tuple[str, dict[Path, str], list[Problem]]:
        links = Links(entry.source, entry.url, config.root, config.content_dir, pages, known,
                      entry.body_md, entry.body_line)
        return render_body(entry, links), dict(links.media), list(links.problems)

    todo = [dataclasses.replace(e, url=url) for e, url, key in zip(published, urls, keys, strict=True)
            if not key or key not in made]
    fresh = iter(parallel_map(render, todo, processes))
    todo_entries = iter(todo)
    media: dict[Path, str] = {}
    problems: list[Problem] = []
    out: list[Entry] = []
    done: dict[str, tuple[Entry, dict[Path, str], list[Problem]]] = {}
    for key in keys:
        if key and key in made:
            entry, entry_media, entry_problems = made[key]
        else:
            entry = next(todo_entries)
            body, entry_media, entry_problems = next(fresh)
            cover_url = ""
            if entry.cover is not None:
                cover_url = media_url(entry.cover, config.content_dir, config.root)
                entry_media = {entry.cover: cover_url, **entry_media}
            entry = dataclasses.replace(entry, body_html=body, cover_url=cover_url, digest=key,
                                        summary=entry.summary or make_summary(body))
            if key:
                entry = dataclasses.replace(entry, card=pickle_digest(dataclasses.replace(
                    entry, body_md="", body_html="", front_matter="", refs=(), digest="")))
        if key:
            done[key] = (entry, entry_media, entry_problems)
        media.update(entry_media)
        problems.extend(entry_problems)
        out.append(entry)
    if cache is not None:  # keep this build's entries, forget the others
        cache.finished, cache.plain = done, now
        cache.texts["entries"] = fingerprint.texts
    return out, media, problems


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


class Resolver:
    """os.path.realpath for many files in few folders: each folder is resolved once and
    listed once (which of its files are symbolic links), instead of an lstat per path
    component of every file."""

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}
        self.links: dict[str, frozenset[str] | None] = {}  # folder → names of links in it
        self.files: dict[Path | str, str] = {}

    def __call__(self, path: Path | str) -> str:
        known = self.files.get(path)
        if known is None:
            known = self.files[path] = self._resolve(path)
        return known

    def _resolve(self, path: Path | str) -> str:
        folder, name = os.path.split(path)
        if name in ("", ".", ".."):
            return os.path.realpath(path)
        if folder not in self.links:
            try:
                with os.scandir(folder) as listing:
                    self.links[folder] = frozenset(e.name for e in listing if e.is_symlink())
            except OSError:
                self.links[folder] = None  # unreadable or missing: resolve the long way
        links = self.links[folder]
        if links is None or name in links:
            return os.path.realpath(path)
        real = self.folders.get(folder)
        if real is None:
            real = self.folders[folder] = os.path.realpath(folder)
        return os.path.join(real, name)


def link_context(entry: Entry, pages: dict[str, str], known: frozenset[str],
                 real: Resolver) -> list:
    """What a body's rendering depends on beyond its text: the pages and files it links to.

    Never raises for a reference: one the file system cannot take (a NUL byte, a name too
    long) is marked "unusable", and rendering the body reports it where it stands."""
    out: list = []
    for ref in entry.refs:
        if ref.startswith(("#", "/")) or "://" in ref or ":" in ref.split("/")[0]:
            continue
        path = os.path.join(entry.source.parent, unquote(ref.split("#")[0].split("?")[0]))
        code = unusable_path(path)
        if code:
            out.append((ref, "unusable", code))
            continue
        try:
            target = real(path)
            if target.lower().endswith(".md"):
                out.append((ref, pages.get(target), target in known))
            else:
                stat = os.stat(target)
                out.append((ref, stat.st_size, stat.st_mtime_ns, S_ISREG(stat.st_mode)))
        except OSError:  # missing or unreadable
            out.append((ref, None))
        except ValueError:  # refused after all: rendering the body says why
            out.append((ref, "unusable", "bad-path"))
    return out


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
