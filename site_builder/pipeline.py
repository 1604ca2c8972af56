"""The pipeline in one short function: project → site and score exports → output/."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .config import address_warnings
from .editions import Edition, edition, edition_lock, os_message
from .errors import BuildError, Problem, raise_errors
from .events import Finished, Progress, Started
from .incremental.bodies import render_entries as memo_bodies
from .incremental.lints import lint_entries as memo_lints
from .incremental.scores import scores_and_views, write_score_exports
from .incremental.site_files import write_site
from .incremental.store import BuildCache
from .parallel import frozen_heap
from .project import Project
from .publish import Selection, select
from .review.integrity import duplicates
from .review.lint import lint_entries
from .review.terms import load_review_rules
from .site import assemble_site, render_entries
from .staging import staged
from .stats.count import outlet_warnings
from .stats.views import stats_views
from .templates import make_environment


@dataclass(frozen=True, slots=True)
class BuildReport:
    entries: int
    pages: int
    files: int
    seconds: float
    excluded: str
    warnings: tuple[Problem, ...]
    public: bool
    score_files: tuple[str, ...] = ()
    newsletters: tuple[str, ...] = ()
    rendered: int = 0

    def summary(self, seconds: str | None = None) -> str:
        """One line for the terminal; `seconds` stands in for the time if given."""
        kind = "公开版" if self.public else "内网版"
        folder = "output/public/" if self.public else "output/"
        fresh = f"（重新生成 {self.rendered} 个）" if self.rendered < self.pages else ""
        line = (f"已生成{kind}站点：{self.entries} 篇稿件，{self.pages} 个页面{fresh}，"
                f"{self.files} 个文件，用时 {seconds or f'{self.seconds:.2f}'} 秒")
        if self.score_files:
            line += f"；积分表 {len(self.score_files)} 个文件（output/scores/）"
        if self.newsletters:
            line += f"；简报 {len(self.newsletters)} 期（{folder}pdf/）"
        return line + (f"；{self.excluded}" if self.excluded else "")


def build(project: Project, public: bool = False, pdf: bool = True,
          jobs: int | None = None, today: dt.date | None = None,
          preview: bool = False, cache: BuildCache | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build one edition into its own folders (editions.py): the intranet edition into
    output/site, output/scores and output/pdf (unless `pdf` is False), `public` into
    output/public/, `preview` (for `serve`: drafts and review entries, marked; no exports,
    no newsletters) into output/preview/.

    On any error — bad content, a missing font, a full disk, a crash, Ctrl-C — the
    edition's previous output stays untouched.  A second build of the same edition waits
    for the first (BuildError after a few seconds).

    `progress` is called with what the build is doing, stage by stage (events.py); it is
    told, never asked: the output is the same without it.
    """
    which = edition(public, preview)
    if cache is not None and cache.edition != which:
        raise ValueError(f"a {cache.edition.name} cache for a {which.name} build")
    with frozen_heap(), edition_lock(project.root, which), file_system_errors(project.output):
        return _build(project, which, pdf and not preview, jobs, today, cache,
                      progress or (lambda event: None))


def _build(project: Project, which: Edition, pdf: bool, jobs: int | None,
           today: dt.date | None, cache: BuildCache | None, say: Progress) -> BuildReport:
    """The pipeline.  Each stage is a plain function; with a cache, incremental/ wraps it
    and makes again only what is not the same as in the last build."""
    started = time.perf_counter()
    config, output, processes = project.config, project.output, jobs or cpu_count()
    selection = select(project.entries, which.public, which.preview)
    lints = memo_lints(cache, selection.published, config, load_review_rules(project.root),
                       today or dt.date.today())
    finished = memo_bodies(cache, config, project.entries, selection.published, processes, say)
    site = assemble_site(config, finished, selection, which.public, [*project.warnings, *lints])
    raise_errors(site.problems)
    scores_key, results, views = scores_and_views(cache, project, site, which.public)
    statistics = [] if which.public else stats_views(project.entries, config)  # intranet only
    folders = which.products  # product → folder name under the edition's base
    products = [p for p in folders if p != "pdf" or pdf]
    exported: list[str] = []
    newsletters: list[Path] = []
    with staged(which.base(output), [folders[p] for p in products], which.name) as stage:
        dirs = {product: stage.dirs[folders[product]] for product in products}

        def exports() -> None:  # while workers render the pages
            exported.extend(write_score_exports(cache, project, results, dirs["scores"],
                                                which.folder(output, "scores"), scores_key,
                                                say))

        report = write_site(cache, site, partial(make_environment, project.root), dirs["site"],
                            views, old=which.folder(output, "site"), processes=processes,
                            stats_years=statistics,
                            meanwhile=exports if "scores" in dirs else None,
                            keep=("pdf/",) if which.preview else (),  # serve's on-demand PDFs
                            progress=say)
        if report.removed is not None:
            stage.patch(folders["site"], report.removed)
        if pdf:
            from .incremental.newsletters import write_newsletters  # WeasyPrint: only for PDFs

            newsletters = write_newsletters(cache, project, which.public, dirs["pdf"],
                                            which.folder(output, "pdf"), processes,
                                            progress=say)
        if cache is not None:
            stage.finish = cache.save_quietly  # with the commit: the cache describes it
        say(Started("output"))
    say(Finished("output", 0, 0))
    return BuildReport(len(site.entries), report.pages, report.files,
                       time.perf_counter() - started, selection.summary(),
                       tuple(p for p in site.problems if not p.is_error), which.public,
                       tuple(exported), tuple(p.name for p in newsletters), report.rendered)


@contextlib.contextmanager
def file_system_errors(output: Path) -> Iterator[None]:
    """A failure of the disk while building (full, unwritable, output/ deleted) becomes a
    BuildError with a Chinese message; the edition's previous output is left as it was."""
    try:
        yield
    except OSError as err:
        raise BuildError(os_message(output, err)) from err


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check(project: Project, today: dt.date | None = None) -> tuple[Problem, ...]:
    """Every problem of the project: loading, rendering every body (published or not, so a
    broken link in a draft is found before approval), review lints and duplicates."""
    today = today or dt.date.today()
    everything = Selection(project.entries, ())
    site = assemble_site(project.config, render_entries(project.config, project.entries,
                                                        project.entries),
                         everything, False, project.warnings)
    rules = load_review_rules(project.root)
    problems = [*site.problems, *lint_entries(project.entries, project.config, rules, today),
                *address_warnings(project.config),
                *outlet_warnings(project.entries, project.config),
                *duplicates(project.entries, project.root)]
    return tuple(sorted(problems, key=Problem.sort_key))
