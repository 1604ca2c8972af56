"""Render the Site into a staging directory, then swap it in atomically.

A build that fails halfway — bad content, a crash, Ctrl-C — leaves the previous
output exactly as it was: nothing is written in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError, TemplateSyntaxError

from ._version import __version__
from .cache import BuildCache, Fingerprints, file_record, reuse_file, tree_digest
from .errors import ContentError, Problem
from .feeds import atom_feed, sitemap
from .scoring.views import ScoreYear
from .search import DATA_DIR, manifest, shard_script, shards, version
from .search import FORMAT as SEARCH_FORMAT
from .site import Site, Term
from .templates import static_files, template_dirs


@dataclass(frozen=True, slots=True)
class WriteReport:
    pages: int
    files: int
    rendered: int  # pages rendered this time (the rest were unchanged and reused)


@contextlib.contextmanager
def staged(output: Path, names: Sequence[str]) -> Iterator[dict[str, Path]]:
    """Yield empty staging dirs for `output/<name>`; on success all replace their targets.

    Until every product is written nothing in `output/` changes; the swap itself is a
    rename per product.  Products not named (e.g. PDFs in a --no-pdf build) stay as they are.
    """
    output.mkdir(parents=True, exist_ok=True)
    for leftover in output.glob(".staging-*"):  # from a killed earlier build
        shutil.rmtree(leftover, ignore_errors=True)
    stage = output / f".staging-{os.getpid()}"
    dirs = {name: stage / "new" / name for name in names}
    try:
        for path in dirs.values():
            path.mkdir(parents=True)
        yield dirs
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = stage / "old"
    old.mkdir()
    for name, path in dirs.items():
        target = output / name
        if target.exists():
            target.rename(old / name)
        path.rename(target)
    shutil.rmtree(stage, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class PageJob:
    template: str
    url: str | None  # None: 404.html, which links from base_url
    key: tuple | None  # what the page shows, for the cache; None: always render
    context: dict[str, Any]

    @property
    def path(self) -> str:
        return self.url or "404.html"


def page_jobs(site: Site, score_years: Sequence[ScoreYear],
              search: Sequence[dict[str, object]] = ()) -> list[PageJob]:
    """Every page of the site, with the data each one shows (`search`: the search files)."""
    jobs = [PageJob("search.html", "search/index.html", (search,), {"search": search}),
            PageJob("index.html", "index.html",
                    (site.entries[:12], [t.entries[:6] for t in site.types]), {})]
    for entry in site.entries:
        older, newer = site.neighbours[entry.slug]
        shown = [(n.title, n.url) if n else None for n in (older, newer)]
        tag_urls = [site.term("tag", t).url for t in entry.tags]  # type: ignore[union-attr]
        jobs.append(PageJob("entry.html", entry.url, (entry, shown, tag_urls),
                            {"entry": entry, "older": older, "newer": newer}))
    for listing in site.list_pages():
        term = listing.term
        jobs.append(PageJob("list.html", listing.url,
                            (term.kind, term.key, term.label, term.url, term.count,
                             listing.number, listing.pages, listing.entries),
                            {"listing": listing}))
    jobs.append(PageJob("terms.html", "tags/index.html", (term_list(site.tags),),
                        {"title": "全部标签", "terms": site.tags, "kind": "tag"}))
    jobs.append(PageJob("terms.html", "departments/index.html", (term_list(site.departments),),
                        {"title": "供稿单位", "terms": site.departments, "kind": "department"}))
    jobs.append(PageJob("archive.html", "archive/index.html",
                        ([(m.key, m.label, m.url, m.entries) for m in site.months],), {}))
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
                                (year, score_years, standing, rows),
                                {**common, "standing": standing, "rows": rows}))
        if year.correspondents:
            jobs.append(PageJob("scores_correspondents.html", year.correspondents_url,
                                (year, score_years), common))
    return jobs


def term_list(terms: Sequence[Term]) -> list[tuple[str, str, int]]:
    return [(t.label, t.url, t.count) for t in terms]


def site_key(site: Site, env: Environment, fingerprint: Fingerprints) -> str:
    """What every page shares: the package, the templates, site.yaml, navigation, sidebar."""
    nav = [term_list(group) for group in (site.columns, site.types, site.departments, site.months)]
    return fingerprint(__version__, tree_digest(*template_dirs(site.config.root)), site.config,
                       nav, term_list(site.tags[:20]), env.globals.get("scores_url"), site.public)


def render_page(env: Environment, site: Site, job: PageJob, dest: Path) -> None:
    try:
        html = env.get_template(job.template).render(site=site, page_url=job.url, **job.context)
    except TemplateError as err:
        raise ContentError([template_problem(err, job.template)]) from err
    path = dest / job.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("utf-8"))


# Set in the parent before forking, so worker processes inherit them instead of pickling.
_WORK: dict[str, Any] = {}


def _render_chunk(indices: list[int]) -> int:
    for index in indices:
        render_page(_WORK["env"], _WORK["site"], _WORK["jobs"][index], _WORK["dest"])
    return len(indices)


def render_pages(env: Environment, site: Site, jobs: Sequence[PageJob], dest: Path,
                 processes: int) -> None:
    """Render `jobs`, on `processes` forked workers when there are enough to be worth it.
    Each page is rendered by the same code either way, so the output is byte-identical."""
    if processes <= 1 or len(jobs) < 200 or not hasattr(os, "fork"):
        for job in jobs:
            render_page(env, site, job, dest)
        return
    import multiprocessing

    for job in jobs:  # make every folder first: workers then only write files
        (dest / job.path).parent.mkdir(parents=True, exist_ok=True)
    _WORK.update(env=env, site=site, jobs=jobs, dest=dest)
    size = max(20, len(jobs) // (processes * 8))
    chunks = [list(range(i, min(i + size, len(jobs)))) for i in range(0, len(jobs), size)]
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for _ in pool.imap_unordered(_render_chunk, chunks):
                pass
    finally:
        _WORK.clear()


def write_site(site: Site, env: Environment, dest: Path, score_years: Sequence[ScoreYear] = (),
               cache: BuildCache | None = None, old: Path | None = None,
               processes: int = 1, product: str = "site") -> WriteReport:
    """Write every page, feed, search file and asset of `site` into the (empty) directory `dest`.

    With a cache and the last build's output (`old`), a file made from exactly the same
    inputs is linked from there instead of being made again.
    """
    env.globals["scores_url"] = "scores/index.html" if score_years else None
    fingerprint = Fingerprints()
    shared = site_key(site, env, fingerprint) if cache is not None else ""
    kept = Reuse(cache, old, dest, product)
    versions = write_search(site, dest, kept, fingerprint, shared)
    jobs = page_jobs(site, score_years, manifest(versions, site))
    todo: list[PageJob] = []
    keys: dict[str, str] = {}
    for job in jobs:
        key = fingerprint(shared, job.template, job.key) if shared and job.key is not None else ""
        if not kept.link(job.path, key):
            todo.append(job)
            keys[job.path] = key
    render_pages(env, site, todo, dest, processes)
    for job in todo:
        kept.record(job.path, keys[job.path])
    kept.save()
    files = len(jobs) + len(versions)
    score_urls = [job.path for job in jobs if job.path.startswith("scores/")]
    write_file(dest / "feed.xml", atom_feed(site))
    write_file(dest / "sitemap.xml", sitemap(site, [*sitemap_urls(site), *score_urls]))
    files += 2
    for url, source in static_files(site.config.root).items():
        copy_file(source, dest / url)
        files += 1
    for source, url in site.media:
        copy_file(source, dest / url)
        files += 1
    return WriteReport(len(jobs), files, len(todo))


class Reuse:
    """Last build's files, linked into this build when made from the same inputs (their key)."""

    def __init__(self, cache: BuildCache | None, old: Path | None, dest: Path, product: str):
        self.cache, self.old, self.dest, self.product = cache, old, dest, product
        self.before = cache.pages.get(product, {}) if cache is not None else {}
        self.records: dict[str, tuple[str, int, int]] = {}

    def link(self, path: str, key: str) -> bool:
        if not key or self.old is None:
            return False
        if not reuse_file(self.old / path, self.dest / path, self.before.get(path), key):
            return False
        self.records[path] = self.before[path]
        return True

    def record(self, path: str, key: str) -> None:
        if key and self.cache is not None:
            self.records[path] = file_record(self.dest / path, key)

    def save(self) -> None:
        if self.cache is not None:
            self.cache.pages[self.product] = self.records


def write_search(site: Site, dest: Path, kept: Reuse, fingerprint: Fingerprints,
                 shared: str) -> dict[str, str]:
    """One search file per month; last build's when the month's entries are the same.
    Returns each file's content version (path → digest), for the search page's URLs."""
    versions: dict[str, str] = {}
    blobs = kept.cache.blobs if kept.cache is not None else {}
    known = {name: blobs.pop(name) for name in list(blobs)  # months gone are forgotten
             if name.startswith(f"{kept.product}/{DATA_DIR}/")}
    for shard in shards(site):
        key = fingerprint(shared, SEARCH_FORMAT, shard.entries) if shared else ""
        name = f"{kept.product}/{shard.path}"
        if key and known.get(name, "").startswith(key + " ") and kept.link(shard.path, key):
            versions[shard.path] = known[name].split(" ", 1)[1]
        else:
            data = shard_script(site, shard)
            write_file(dest / shard.path, data)
            versions[shard.path] = version(data)
            kept.record(shard.path, key)
        if key:
            blobs[name] = f"{key} {versions[shard.path]}"
    return versions


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def sitemap_urls(site: Site) -> list[str]:
    urls = ["index.html", *(e.url for e in site.entries)]
    urls += [page.url for page in site.list_pages()]
    urls += ["tags/index.html", "departments/index.html", "archive/index.html"]
    return urls


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def template_problem(err: TemplateError, template: str) -> Problem:
    """A located problem for a broken (project-overridden) template, instead of a traceback."""
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
