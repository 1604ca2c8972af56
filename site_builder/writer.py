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

from .errors import ContentError, Problem
from .feeds import atom_feed, sitemap
from .scoring.views import ScoreYear
from .search import SearchReport, write_search_index
from .site import Site
from .templates import static_files


@dataclass(frozen=True, slots=True)
class WriteReport:
    pages: int
    files: int
    search: SearchReport


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


class PageWriter:
    def __init__(self, site: Site, env: Environment, dest: Path):
        self.site, self.env, self.dest = site, env, dest
        self.pages = 0
        self.files = 0

    def write(self, url: str, content: str | bytes) -> None:
        path = self.dest / url
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        self.files += 1

    def page(self, template: str, url: str | None, **context: Any) -> None:
        try:
            html = self.env.get_template(template).render(site=self.site, page_url=url, **context)
        except TemplateError as err:
            raise ContentError([template_problem(err, template)]) from err
        self.write(url or "404.html", html)
        self.pages += 1


def write_site(site: Site, env: Environment, dest: Path,
               score_years: Sequence[ScoreYear] = (), search: bool = True) -> WriteReport:
    """Write every page, feed and asset of `site` into the (empty) directory `dest`."""
    w = PageWriter(site, env, dest)
    env.globals["scores_url"] = "scores/index.html" if score_years else None
    found = write_search_index(site, dest) if search else SearchReport(0, "未启用")
    w.page("search.html", "search/index.html", search_ready=not found.error)
    w.page("index.html", "index.html")
    for entry in site.entries:
        older, newer = site.neighbours[entry.slug]
        w.page("entry.html", entry.url, entry=entry, older=older, newer=newer)
    for listing in site.list_pages():
        w.page("list.html", listing.url, listing=listing)
    w.page("terms.html", "tags/index.html", title="全部标签", terms=site.tags, kind="tag")
    w.page("terms.html", "departments/index.html", title="供稿单位", terms=site.departments,
           kind="department")
    w.page("archive.html", "archive/index.html")
    w.page("404.html", None)
    score_urls = write_score_pages(w, score_years)
    w.write("feed.xml", atom_feed(site))
    w.write("sitemap.xml", sitemap(site, [*sitemap_urls(site), *score_urls]))
    for url, source in static_files(site.config.root).items():
        copy_file(source, dest / url)
        w.files += 1
    for source, url in site.media:
        copy_file(source, dest / url)
        w.files += 1
    return WriteReport(w.pages, w.files, found)


def write_score_pages(w: PageWriter, score_years: Sequence[ScoreYear]) -> list[str]:
    """scores/: the latest year's standings, each year's, each department's audit, and the
    correspondents' ranking.  Returns the URLs written."""
    if not score_years:
        return []
    urls = ["scores/index.html"]
    latest = score_years[-1]
    w.page("scores.html", "scores/index.html", year=latest, years=score_years)
    for year in score_years:
        urls.append(year.url)
        w.page("scores.html", year.url, year=year, years=score_years)
        for dept_id, rows in year.audit.items():
            url = year.department_url(dept_id)
            urls.append(url)
            w.page("scores_department.html", url, year=year, years=score_years,
                   standing=year.scores.standing(dept_id), rows=rows)
        if year.correspondents:
            urls.append(year.correspondents_url)
            w.page("scores_correspondents.html", year.correspondents_url, year=year,
                   years=score_years)
    return urls


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
