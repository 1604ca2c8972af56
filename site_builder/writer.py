"""Render the Site into a staging directory, then commit it to output/.

A build that fails halfway — bad content, a crash, Ctrl-C — leaves the previous output
exactly as it was: everything is written to staging first.  The commit swaps a whole
product in, or, for a cached rebuild, moves the new and changed files over the live ones
(Stage.patch).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .cache import BuildCache, Fingerprints, file_digest, file_record, reuse_file, same_file
from .errors import ContentError, Problem
from .feeds import FEED_SIZE, atom_feed, sitemap
from .model import Entry
from .parallel import parallel_map
from .scoring.views import ScoreYear
from .search import DATA_DIR, manifest, shard_script, shards, version
from .search import FORMAT as SEARCH_FORMAT
from .site import Site, Term, paginate
from .templates import static_files, templates_digest

if TYPE_CHECKING:
    from jinja2 import Environment, TemplateError


@dataclass(frozen=True, slots=True)
class WriteReport:
    pages: int
    files: int
    rendered: int  # pages rendered this time (the rest were unchanged and reused)
    removed: frozenset[str] | None = None  # a patch: last build's files that are gone


class Stage:
    """Staging dirs for `output/<name>`, committed together when every product is written.

    By default a product's staging dir holds the whole product and replaces the live one
    (a rename).  A product marked with `patch` holds only new and changed files instead:
    they are moved over the live files, and the files it no longer has are deleted — an
    incremental build then costs what changed, not the size of the site.
    """

    def __init__(self, output: Path, names: Sequence[str], tag: str = ""):
        self.output = output
        self.root = output / f".staging-{tag}-{os.getpid()}"
        self.dirs = {name: self.root / "new" / name for name in names}
        self.removed: dict[str, frozenset[str]] = {}  # patched product → live files to delete

    def patch(self, name: str, removed: Iterable[str]) -> None:
        self.removed[name] = frozenset(removed)

    def commit(self) -> None:
        with interrupts_deferred():
            old = self.root / "old"
            old.mkdir()
            for name, path in self.dirs.items():
                target = self.output / name
                if name in self.removed:
                    apply_patch(path, target, self.removed[name])
                    continue
                if target.exists():
                    target.rename(old / name)
                path.rename(target)
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def staged(output: Path, names: Sequence[str], tag: str = "") -> Iterator[Stage]:
    """Yield a Stage with an empty dir per product (folders under `output`, the edition's
    base); on success commit them all.

    Until every product is written nothing in `output` changes.  Products not named
    (e.g. PDFs in a --no-pdf build) stay as they are.  `tag` (the edition) names the
    staging folder, so that only this edition's leftovers are swept: the caller holds the
    edition's lock, and another edition's build may be staging beside it.
    """
    output.mkdir(parents=True, exist_ok=True)
    for leftover in output.glob(f".staging-{tag}-*"):  # from a killed earlier build
        shutil.rmtree(leftover, ignore_errors=True)
    stage = Stage(output, names, tag)
    try:
        for path in stage.dirs.values():
            path.mkdir(parents=True)
        yield stage
    except BaseException:
        shutil.rmtree(stage.root, ignore_errors=True)
        raise
    stage.commit()


def apply_patch(new: Path, live: Path, removed: frozenset[str]) -> None:
    """Move every file under `new` to the same place under `live`; delete `removed`."""
    for folder, _, names in os.walk(new):
        for name in names:
            source = os.path.join(folder, name)
            target = live / os.path.relpath(source, new)
            try:
                os.replace(source, target)
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    for rel in sorted(removed):
        (live / rel).unlink(missing_ok=True)
        for parent in (live / rel).parents:  # prune folders left empty, up to `live`
            if parent == live:
                break
            try:
                parent.rmdir()
            except OSError:
                break


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C while output is being swapped in; raise it right after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


@dataclass(slots=True)  # not frozen: thousands per build, and a frozen one is slower to make
class PageJob:
    template: str
    url: str | None  # None: 404.html, which links from base_url
    key: str | tuple | None  # what the page shows, for the cache: a text (quicker to digest)
    # or a tuple of model values; None: always render
    context: dict[str, Any]
    digest: tuple[str, str] = ("", "")  # (what every page shares, the page's key digest)

    @property
    def path(self) -> str:
        return self.url or "404.html"


class WriteMemo:
    """What the last build made, in memory (serve keeps it from build to build).

    An entry's page job is used again while the entry and its neighbours are the very same
    objects, a term's list jobs while the term is: a job is a pure function of those objects
    and `basis`, and a cached build hands an unchanged entry on as the same object, so after
    an edit only the jobs of what changed are made again, not thousands.  Search rows are
    kept by entry digest; the feed and sitemap by everything they are made from."""

    def __init__(self) -> None:
        self.basis: tuple = ()  # templates, page size, tag URLs
        self.entries: dict[str, tuple[Entry, Entry | None, Entry | None, PageJob]] = {}
        self.terms: dict[tuple[str, str], tuple[Term, list[PageJob]]] = {}
        self.rows: dict[str, str] = {}  # entry digest → its search row (JSON)
        self.files: dict[str, tuple[object, bytes]] = {}  # feed.xml, sitemap.xml → inputs, bytes

    def file(self, name: str, inputs: object, make: Callable[[], bytes]) -> bytes:
        last = self.files.get(name)
        if last is not None and last[0] == inputs:
            return last[1]
        data = make()
        self.files[name] = (inputs, data)
        return data


def page_jobs(site: Site, score_years: Sequence[ScoreYear],
              search: Sequence[dict[str, object]] = (), templates: str = "",
              memo: WriteMemo | None = None) -> list[PageJob]:
    """Every page of the site, with the data each one shows (`search`: the search files;
    `templates`: their templates_digest; `memo`: last build's jobs, updated to this one's).

    Entries stand in keys by their digests, which a build with a cache gives them; without
    one, keys are not used."""
    cards = entry_cards(site, templates)
    tag_urls = {t.key: t.url for t in site.tags}
    memo = memo if memo is not None else WriteMemo()
    basis = (templates, site.config.page_size, tag_urls)
    last_entries, last_terms = (memo.entries, memo.terms) if memo.basis == basis else ({}, {})
    entries: dict[str, tuple[Entry, Entry | None, Entry | None, PageJob]] = {}
    terms: dict[tuple[str, str], tuple[Term, list[PageJob]]] = {}
    jobs = [PageJob("search.html", "search/index.html", (search,), {"search": search}),
            PageJob("index.html", "index.html", "\x1e".join(
                ["\x1f".join(cards(site.entries[:12])),
                 *("\x1f".join(cards(t.entries[:6])) for t in site.types)]), {})]
    for entry in site.entries:  # thousands: nearly all as they were in serve's last build
        older, newer = site.neighbours[entry.slug]
        last = last_entries.get(entry.slug)
        if last is None or last[0] is not entry or last[1] is not older or last[2] is not newer:
            last = (entry, older, newer, entry_job(entry, older, newer, tag_urls))
        entries[entry.slug] = last
        jobs.append(last[3])
    for term in site.all_terms:
        made = last_terms.get((term.kind, term.key))
        if made is None or made[0] is not term:
            made = (term, term_jobs(term, site.config.page_size, cards))
        terms[(term.kind, term.key)] = made
        jobs.extend(made[1])
    memo.basis, memo.entries, memo.terms = basis, entries, terms
    jobs.append(PageJob("terms.html", "tags/index.html", (term_list(site.tags),),
                        {"title": "全部标签", "terms": site.tags, "kind": "tag"}))
    jobs.append(PageJob("terms.html", "departments/index.html", (term_list(site.departments),),
                        {"title": "供稿单位", "terms": site.departments, "kind": "department"}))
    jobs.append(PageJob("archive.html", "archive/index.html", "\x1e".join(
        [f"{m.key}\x1f{m.label}\x1f{m.url}\x1f" + "\x1f".join(cards(m.entries))
         for m in site.months]), {}))
    jobs.append(PageJob("404.html", None, (), {}))
    if score_years:
        latest = score_years[-1]
        jobs.append(PageJob("scores.html", "scores/index.html", (latest, score_years),
                            {"year": latest, "years": score_years}))
    for year in score_years:
        common = {"year": year, "years": score_years}
        jobs.append(PageJob("scores.html", year.url, (year, score_years), common))
        for dept_id, rows in year.audit.items():
            standing = year.scores.standing(dept_id)
            jobs.append(PageJob("scores_department.html", year.department_url(dept_id),
                                # the year's digest covers its standings and audit rows
                                (year, score_years, dept_id) if year.digest else
                                (year, score_years, standing, rows),
                                {**common, "standing": standing, "rows": rows}))
        if year.correspondents:
            jobs.append(PageJob("scores_correspondents.html", year.correspondents_url,
                                (year, score_years), common))
    return jobs


def entry_job(entry: Entry, older: Entry | None, newer: Entry | None,
              tag_urls: dict[str, str]) -> PageJob:
    """An entry's page: its key is the entry and what the page shows of its neighbours."""
    key = (f"{entry.digest}\x1f{older.title if older else ''}\x1f{older.url if older else ''}"
           f"\x1f{newer.title if newer else ''}\x1f{newer.url if newer else ''}")
    if entry.tags:
        key += "\x1f" + "\x1f".join([tag_urls[t] for t in entry.tags])
    return PageJob("entry.html", entry.url, key, {"entry": entry, "older": older, "newer": newer})


def term_jobs(term: Term, page_size: int, cards: Callable[[Sequence[Entry]], list[str]],
              ) -> list[PageJob]:
    """A column's, type's, department's, tag's or month's list pages."""
    listings = paginate(term, page_size)
    head = f"{term.kind}\x1f{term.key}\x1f{term.label}\x1f{term.url}\x1f{term.count}\x1f{len(listings)}"
    return [PageJob("list.html", listing.url,
                    f"{head}\x1f{listing.number}\x1f" + "\x1f".join(cards(listing.entries)),
                    {"listing": listing}) for listing in listings]


def entry_cards(site: Site, templates: str = "") -> Callable[[Sequence[Entry]], list[str]]:
    """What list pages show of their entries, for their keys: everything but the body
    (Entry.card), so a changed sentence in a body re-renders its page, not every list.
    A project whose own list templates do show bodies gets the whole entry instead."""
    root = site.config.root
    shows = _SHOW_BODIES.get((root, templates)) if templates else None
    if shows is None:
        shows = lists_show_bodies(root)
        if templates:  # the same templates (serve's next build): no need to read them again
            _SHOW_BODIES.clear()
            _SHOW_BODIES[(root, templates)] = shows
    if shows:
        return lambda entries: [e.digest for e in entries]
    return lambda entries: [e.card for e in entries]


_SHOW_BODIES: dict[tuple[Path, str], bool] = {}  # (root, templates_digest) → the answer


def lists_show_bodies(root: Path) -> bool:
    own = root / "templates"
    return own.is_dir() and any("body_" in path.read_text(encoding="utf-8", errors="replace")
                                for path in own.rglob("*") if path.is_file()
                                and path.name != "entry.html" and not path.is_relative_to(own / "static"))


def term_list(terms: Sequence[Term]) -> list[tuple[str, str, int]]:
    return [(t.label, t.url, t.count) for t in terms]


def site_key(site: Site, scores_url: str | None, templates: str, fingerprint: Fingerprints) -> str:
    """What every page shares: the package, the templates, site.yaml, navigation, sidebar."""
    nav = [term_list(group) for group in (site.columns, site.types, site.departments, site.months)]
    return fingerprint(__version__, templates, site.config,
                       nav, term_list(site.tags[:20]), scores_url, site.public)


def render_page(env: Environment, site: Site, job: PageJob, dest: Path) -> None:
    from jinja2 import TemplateError

    try:
        html = env.get_template(job.template).render(site=site, page_url=job.url, **job.context)
    except TemplateError as err:
        raise ContentError([template_problem(err, job.template)]) from err
    (dest / job.path).write_bytes(html.encode("utf-8"))  # its folder: made by render_pages


def render_pages(env: Environment, site: Site, jobs: Sequence[PageJob], dest: Path,
                 processes: int, meanwhile: Callable[[], None] | None = None) -> None:
    """Render `jobs` into `dest`, on `processes` forked workers when there are enough."""
    for folder in {(dest / job.path).parent for job in jobs}:  # workers then only write files
        folder.mkdir(parents=True, exist_ok=True)
    first = {job.template: job for job in reversed(jobs)}  # the first page of each template
    for job in first.values():  # here, so forked workers inherit the compiled templates
        render_page(env, site, job, dest)
    rest = [job for job in jobs if first[job.template] is not job]
    parallel_map(lambda job: render_page(env, site, job, dest), rest, processes, meanwhile)


def write_site(site: Site, environment: Callable[[str], Environment], dest: Path,
               score_years: Sequence[ScoreYear] = (),
               cache: BuildCache | None = None, old: Path | None = None,
               processes: int = 1, product: str = "site",
               meanwhile: Callable[[], None] | None = None) -> WriteReport:
    """Write every page, feed, search file and asset of `site` into the (empty) directory `dest`.

    With a cache and the last build's output (`old`), a file made from exactly the same
    inputs is not made again: `dest` then receives only new and changed files, and the
    report says which of the old files are gone (`removed`), for Stage.patch.
    `environment` is called with the templates' digest when there is a page to render.
    `meanwhile` runs while worker processes render the pages (other products' work).
    """
    scores_url = "scores/index.html" if score_years else None
    templates = templates_digest(site.config.root)  # read once for the keys and the environment
    fingerprint = Fingerprints(cache.texts.get(product) if cache is not None else None)
    shared = site_key(site, scores_url, templates, fingerprint) if cache is not None else ""
    kept = Reuse(cache, old, dest, product)
    memo = cache.written.setdefault(product, WriteMemo()) if cache is not None else WriteMemo()
    versions = write_search(site, dest, kept, fingerprint, shared, memo.rows)
    jobs = page_jobs(site, score_years, manifest(versions, site), templates, memo)
    todo: list[PageJob] = []
    keys: dict[str, str] = {}
    for job in jobs:
        if not shared or job.key is None:
            key = ""
        elif job.digest[0] == shared:  # a job kept from the last build, and nothing shared changed
            key = job.digest[1]
        else:
            key = (fingerprint.text(shared, job.template, job.key) if type(job.key) is str
                   else fingerprint(shared, job.template, *job.key))
            job.digest = (shared, key)
        if not kept.unchanged(job.path, key):
            todo.append(job)
            keys[job.path] = key
    if todo:  # the environment (Jinja2, the templates) only when there is a page to render
        env = environment(templates)
        env.globals["scores_url"] = scores_url
        render_pages(env, site, todo, dest, processes, meanwhile)
    elif meanwhile is not None:
        meanwhile()
    for job in todo:
        kept.record(job.path, keys[job.path])
    cards = [e.card for e in site.entries[:FEED_SIZE]]  # all there is of an entry in the feed
    kept.write("feed.xml", memo.file("feed.xml", (site.config, cards), lambda: atom_feed(site))
               if all(cards) else atom_feed(site))
    urls = [job.path for job in jobs if job.url and job.template != "search.html"]  # pages
    kept.write("sitemap.xml", memo.file("sitemap.xml", (
        site.config.base_url, urls, [e.url for e in site.entries], [e.date for e in site.entries]),
        lambda: sitemap(site, urls)))
    copies = [*static_files(site.config.root).items(), *((url, source) for source, url in site.media)]
    for url, source in copies:
        stat = source.stat()
        key = f"copy {source} {stat.st_size} {stat.st_mtime_ns}"
        if not kept.unchanged(url, key):
            copy_file(source, dest / url)
            kept.record(url, key)
    removed = kept.save()
    if cache is not None:
        cache.texts[product] = fingerprint.texts
    return WriteReport(len(jobs), len(jobs) + len(versions) + 2 + len(copies), len(todo), removed)


class Reuse:
    """Last build's files that can stay: made from the same inputs (their key) and untouched.

    A patch (a cache, and last build's output with its records): unchanged files are left
    where they are and only the rest goes into `dest`.  Otherwise every file is in `dest`:
    an unchanged one is linked there from `old`, the rest made again.
    """

    def __init__(self, cache: BuildCache | None, old: Path | None, dest: Path, product: str):
        self.cache, self.old, self.dest, self.product = cache, old, dest, product
        self.before = cache.pages.get(product, {}) if cache is not None else {}
        self.patch = bool(self.before) and old is not None and old.is_dir()
        self.records: dict[str, tuple[str, int, int]] = {}

    def unchanged(self, path: str, key: str) -> bool:
        record = self.before.get(path)
        if not key or self.old is None or record is None or record[0] != key:
            return False
        if self.patch:  # serve trusts its own preview; a build checks nobody touched the file
            if not (self.cache is not None and self.cache.deferred) and \
                    not same_file(self.old / path, record):
                return False
        elif not reuse_file(self.old / path, self.dest / path, record, key):
            return False
        self.records[path] = record
        return True

    def record(self, path: str, key: str) -> None:
        if key and self.cache is not None:
            self.records[path] = file_record(self.dest / path, key)

    def write(self, path: str, data: bytes) -> None:
        """A small file made every time; written only when its bytes differ."""
        key = file_digest(data) if self.cache is not None else ""
        if not self.unchanged(path, key):
            write_file(self.dest / path, data)
            self.record(path, key)

    def save(self) -> frozenset[str] | None:
        """Keep this build's records; return last build's files that are gone (a patch)."""
        if self.cache is not None:
            self.cache.pages[self.product] = self.records
        return frozenset(self.before.keys() - self.records.keys()) if self.patch else None


def write_search(site: Site, dest: Path, kept: Reuse, fingerprint: Fingerprints,
                 shared: str, rows: dict[str, str]) -> dict[str, str]:
    """One search file per month; last build's when the month's entries are the same.
    `rows` keeps each entry's row (by digest) for the next time its month is made.
    Returns each file's content version (path → digest), for the search page's URLs."""
    if len(rows) > len(site.entries) + 1000:  # rows of entries since changed or gone
        current = {e.digest for e in site.entries}
        for digest in [d for d in rows if d not in current]:
            del rows[digest]
    versions: dict[str, str] = {}
    blobs = kept.cache.blobs if kept.cache is not None else {}
    known = {name: blobs.pop(name) for name in list(blobs)  # months gone are forgotten
             if name.startswith(f"{kept.product}/{DATA_DIR}/")}
    for shard in shards(site):
        key = fingerprint.text(shared, SEARCH_FORMAT, *[e.digest for e in shard.entries]) if shared else ""
        name = f"{kept.product}/{shard.path}"
        if key and known.get(name, "").startswith(key + " ") and kept.unchanged(shard.path, key):
            versions[shard.path] = known[name].split(" ", 1)[1]
        else:
            data = shard_script(site, shard, rows)
            write_file(dest / shard.path, data)
            versions[shard.path] = version(data)
            kept.record(shard.path, key)
        if key:
            blobs[name] = f"{key} {versions[shard.path]}"
    return versions


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def template_problem(err: TemplateError, template: str) -> Problem:
    """A located problem for a broken (project-overridden) template, instead of a traceback."""
    from jinja2 import TemplateSyntaxError

    file, line = template, None
    if isinstance(err, TemplateSyntaxError):
        file, line = err.filename or err.name or template, err.lineno
    else:  # find the innermost template frame of the traceback
        tb = err.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".xml")):
                file, line = name, tb.tb_lineno
            tb = tb.tb_next
    return Problem(Path(file), line, None, f"模板错误：{err.message or err}",
                   "检查 templates/ 中被覆盖的模板；删除该文件即可恢复默认模板", "template-error")
