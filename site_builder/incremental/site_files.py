"""The site's files into a staging directory, memoised.  Last build's file stays where it
is when it was made from the same inputs and nobody has touched it since:

- a page when every value it read and every template it loaded are the same as when it
  was rendered (reads.py records them while it renders, and replays them here);
- the feed and sitemap when their bytes are the same (they are made every time: cheap);
- a search file as search_files.py says (an edit rewrites its entry's text file and the
  shards of the tokens it gained or lost); the search page's character table when its
  bytes are the same;
- a copied asset when its source file has the same size and time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digests import file_digest
from ..events import Advanced, Finished, Progress, Started
from ..feeds import atom_feed, sitemap
from ..pages import PageJob, page_jobs
from ..scoring.views import ScoreYear
from ..site import Site
from ..staging import copy_file, write_file
from ..stats.views import StatsYear
from ..templates import source_digest, static_files, templates_digest
from ..writer import render_pages
from .reads import MEMOS, Fragments, Verifier
from .search_files import SearchFiles, write_search
from .store import BuildCache, file_record, reuse_file, same_file

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True, slots=True)
class WriteReport:
    pages: int
    files: int
    rendered: int  # pages rendered this time (the rest were unchanged and reused)
    removed: frozenset[str] | None = None  # a patch: last build's files that are gone


class PageRoots(Mapping[str, Any]):
    """Everything a page's templates can read, as the render call gives it: the page's
    context over `site` and `page_url` over the environment's globals (looked up, not
    copied: thousands of pages are checked per build)."""

    __slots__ = ("context", "env", "site", "url")

    def __init__(self, env: Environment, site: Site, job: PageJob):
        self.env, self.site, self.url, self.context = env, site, job.url, job.context

    def __getitem__(self, name: str) -> Any:
        if name in self.context:
            return self.context[name]
        if name == "site":
            return self.site
        if name == "page_url":
            return self.url
        return self.env.globals[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**self.env.globals, "site": 0, "page_url": 0, **self.context})

    def __len__(self) -> int:
        return len(list(iter(self)))


def given_roots(env: Environment, job: PageJob) -> tuple:
    """A page's own roots, every global included, as objects (for Verifier's `given`)."""
    return (job.url, *job.context.values(), *env.globals.values())


def write_site(cache: BuildCache | None, site: Site, environment: Callable[[str], Environment],
               dest: Path, score_years: Sequence[ScoreYear] = (), old: Path | None = None,
               processes: int = 1, product: str = "site",
               meanwhile: Callable[[], None] | None = None, keep: tuple[str, ...] = (),
               progress: Progress | None = None,
               stats_years: Sequence[StatsYear] = ()) -> WriteReport:
    """Write every page, feed, search file and asset of `site` into the (empty) directory `dest`.

    With a cache and the last build's output (`old`), a file made from exactly the same
    inputs is not made again: `dest` then receives only new and changed files, and the
    report says which of the old files are gone (`removed`), for Stage.patch.
    `environment` is called with the templates' digest.
    `meanwhile` runs while worker processes render the pages (other products' work).
    `keep`: folders of the live output that are not the site's (left alone by a patch).
    `progress` hears of the pages (events.py): how many are rendered, as they are.
    `stats_years`: the 统计 pages' views (none in the public edition).
    """
    scores_url = "scores/index.html" if score_years else None
    env = environment(templates_digest(site.config.root))
    env.globals["scores_url"] = scores_url
    env.globals["stats_url"] = "stats/index.html" if stats_years else None
    verify = Verifier({"site": site}, lambda name: source_digest(env, name))
    if MEMOS:
        env.__dict__["fragments"] = Fragments(verify)  # this build's, for every page of it
    try:
        return _write_site(site, env, verify, dest, score_years, cache, old, processes,
                           product, meanwhile, keep, progress, stats_years)
    finally:
        env.__dict__.pop("fragments", None)


def _write_site(site: Site, env: Environment, verify: Verifier, dest: Path,
                score_years: Sequence[ScoreYear], cache: BuildCache | None, old: Path | None,
                processes: int, product: str, meanwhile: Callable[[], None] | None,
                keep: tuple[str, ...], progress: Progress | None,
                stats_years: Sequence[StatsYear] = ()) -> WriteReport:
    kept = Reuse(cache, old, dest, product)
    jobs = page_jobs(site, score_years, None, stats_years)
    at = next(i for i, job in enumerate(jobs) if job.template == "search.html")
    searched: list[SearchFiles] = []

    def index_meanwhile() -> None:  # the index, while workers render the other pages
        searched.append(write_search(site, dest, kept))
        if meanwhile is not None:
            meanwhile()

    if cache is not None:
        verify.prepare(last[1] for last in map(kept.recorded, (job.path for job in jobs))
                       if isinstance(last, tuple))

    def stale(jobs: list[PageJob]) -> list[PageJob]:
        if cache is None:
            return jobs
        todo = []
        for job in jobs:
            last = kept.recorded(job.path)
            if not (isinstance(last, tuple) and last[0] == job.template
                    and verify(last[1], PageRoots(env, site, job), given_roots(env, job))
                    and kept.unchanged(job.path, last)):
                todo.append(job)
        return todo

    todo = stale(jobs[:at] + jobs[at + 1:])
    advance = None
    if progress is not None:
        progress(Started("pages", len(todo) + 1))  # and the search page, after the index
        advance = lambda n: progress(Advanced("pages", n))  # noqa: E731
    records = render_pages(env, site, todo, dest, processes, index_meanwhile, track=cache is not None,
                           advance=advance)
    search = searched[0]
    jobs[at] = PageJob("search.html", jobs[at].url, {**jobs[at].context, "search": search.context})
    last = stale([jobs[at]])
    records += render_pages(env, site, last, dest, 1, track=cache is not None)
    todo += last
    if progress is not None:
        progress(Advanced("pages", len(todo)))
        progress(Finished("pages", len(jobs), len(todo)))
    for job, record in zip(todo, records, strict=True):
        if record is not None and not record.opaque:
            record.given = given_roots(env, job)
            kept.record(job.path, (job.template, record))
        elif record is not None:  # read what cannot be replayed: recorded, never reused
            kept.record(job.path, "opaque")
    kept.write("feed.xml", atom_feed(site))
    urls = [job.path for job in jobs if job.url and job.template != "search.html"]  # pages
    kept.write("sitemap.xml", sitemap(site, urls))
    copies = [*static_files(site.config.root).items(), *((url, source) for source, url in site.media)]
    for url, source in copies:
        stat = source.stat()
        key = f"copy {source} {stat.st_size} {stat.st_mtime_ns}"
        if not kept.unchanged(url, key):
            copy_file(source, dest / url)
            kept.record(url, key)
    removed = kept.save(keep)
    return WriteReport(len(jobs), len(jobs) + search.files + 2 + len(copies), len(todo), removed)


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
        self.records: dict[str, tuple[Any, int, int]] = {}

    def recorded(self, path: str) -> Any:
        record = self.before.get(path)
        return record[0] if record is not None else None

    def unchanged(self, path: str, key: Any) -> bool:
        record = self.before.get(path)
        if not key or self.old is None or record is None or record[0] != key:
            return False
        if self.patch:  # serve trusts the preview it made itself; else: nobody touched it?
            if not (self.cache is not None and self.cache.trusted) and \
                    not same_file(self.old / path, record):
                return False
        elif not reuse_file(self.old / path, self.dest / path, record, key):
            return False
        self.records[path] = record
        return True

    def record(self, path: str, key: Any) -> None:
        if key and self.cache is not None:
            self.records[path] = file_record(self.dest / path, key)

    def write(self, path: str, data: bytes) -> None:
        """A small file made every time; written only when its bytes differ."""
        key = file_digest(data) if self.cache is not None else ""
        if not self.unchanged(path, key):
            write_file(self.dest / path, data)
            self.record(path, key)

    def save(self, keep: tuple[str, ...] = ()) -> frozenset[str] | None:
        """Keep this build's records; return the live files this build does not make (a
        patch): every file in the live folder, not only those the cache knew of, so a cache
        that missed a build cannot leave a page behind.  `keep`: folders not of the site
        (serve's on-demand newsletters)."""
        if self.cache is not None:
            self.cache.pages[self.product] = self.records
        if not self.patch or self.old is None:
            return None
        made = self.records.keys() | files_under(self.dest)
        # serve's own last build made the live folder, and recorded every file of it
        live = self.before.keys() if self.cache is not None and self.cache.trusted \
            else files_under(self.old)
        return frozenset(path for path in live if path not in made and not path.startswith(keep))


def files_under(folder: Path) -> set[str]:
    """Every file under `folder`, as a path relative to it."""
    out: set[str] = set()
    for top, _, names in os.walk(folder):
        rel = os.path.relpath(top, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        out.update(prefix + name for name in names)
    return out

