"""The pipeline in one short function: project → site and score exports → output/."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .cache import BuildCache, file_record, pickle_digest, reuse_file
from .editions import Edition, edition, edition_lock, os_message
from .errors import BuildError, Problem, raise_errors
from .model import Department
from .parallel import frozen_heap
from .project import Project
from .publish import Selection, select
from .review.integrity import duplicates
from .review.lint import lint_entries
from .review.terms import load_review_rules
from .scores import project_events, score_years
from .scoring.engine import MonthScores, Scores, monthly, score_year
from .scoring.events import ScoreEvent
from .scoring.export import write_csv, write_json, write_xlsx
from .scoring.rules import RuleBook
from .scoring.views import ScoreYear, score_year_view
from .site import Site, assemble_site
from .staging import staged
from .templates import make_environment
from .writer import write_site

if TYPE_CHECKING:
    from jinja2 import Environment


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


@dataclass(frozen=True, slots=True)
class YearResult:
    scores: Scores
    months: tuple[MonthScores, ...]


def compute_scores(events: list[ScoreEvent], rules: RuleBook, departments: tuple[Department, ...],
                   years: list[int]) -> list[YearResult]:
    """Every year's standings and month-end series: a function of exactly its arguments."""
    return [YearResult(score_year(events, rules, departments, year),
                       tuple(MonthScores(m, *monthly(events, rules, departments, year, m))
                             for m in range(1, last_month(events, year) + 1)))
            for year in years]


def last_month(events: list[ScoreEvent], year: int) -> int:
    months = [e.date.month for e in events if e.date.year == year]
    return max(months) if months else 12


def project_scores(project: Project) -> list[YearResult]:
    events = project_events(project)
    return compute_scores(events, project.rules, project.config.departments,
                          score_years(project, events))


def build(project: Project, public: bool = False, pdf: bool = True,
          jobs: int | None = None, today: dt.date | None = None,
          preview: bool = False, cache: BuildCache | None = None) -> BuildReport:
    """Build one edition into its own folders (editions.py): the intranet edition into
    output/site, output/scores and output/pdf (unless `pdf` is False), `public` into
    output/public/, `preview` (for `serve`: drafts and review entries, marked; no exports,
    no newsletters) into output/preview/.

    On any error — bad content, a missing font, a full disk, a crash, Ctrl-C — the
    edition's previous output stays untouched.  A second build of the same edition waits
    for the first (BuildError after a few seconds).
    """
    which = edition(public, preview)
    if cache is not None and cache.edition != which:
        raise ValueError(f"a {cache.edition.name} cache for a {which.name} build")
    with frozen_heap(), edition_lock(project.root, which), file_system_errors(project.output):
        return _build(project, which, pdf and not preview, jobs, today, cache)


def _build(project: Project, which: Edition, pdf: bool, jobs: int | None,
           today: dt.date | None, cache: BuildCache | None) -> BuildReport:
    started = time.perf_counter()
    public, preview = which.public, which.preview
    selection = select(project.entries, public, preview)
    lints = lint_entries(selection.published, project.config, load_review_rules(project.root),
                         today or dt.date.today(), cache)
    processes = jobs or cpu_count()
    site = assemble_site(project.config, project.entries, selection, public,
                         [*project.warnings, *lints], cache, processes)
    raise_errors(site.problems)
    scores_key, results, views = scoring(project, site, public, cache)

    def env(templates: str) -> Environment:
        return make_environment(project.root, templates)

    folders = which.products  # product → folder name under the edition's base
    products = [p for p in folders if p == "site" or (p == "pdf" and pdf) or p == "scores"]
    score_files: list[str] = []
    newsletters: list[Path] = []
    with staged(which.base(project.output), [folders[p] for p in products], which.name) as stage:
        dirs = {product: stage.dirs[folders[product]] for product in products}

        def write_exports() -> None:  # while workers render the pages
            score_files.extend(write_score_exports(project, results, dirs["scores"],
                                                   which.folder(project.output, "scores"),
                                                   cache, scores_key))

        report = write_site(site, env, dirs["site"], views, cache=cache,
                            old=which.folder(project.output, "site"), processes=processes,
                            product="site", meanwhile=write_exports if "scores" in dirs else None,
                            keep=("pdf/",) if preview else ())  # serve's on-demand PDFs
        if report.removed is not None:
            stage.patch(folders["site"], report.removed)
        if pdf:
            from .newsletter.pdf import write_newsletters  # WeasyPrint and fonts: only for PDFs

            newsletters = write_newsletters(project, public, dirs["pdf"], processes, cache=cache,
                                            old=which.folder(project.output, "pdf"))
        if cache is not None:
            stage.finish = cache.save_quietly  # with the commit: the cache describes it
    warnings = [p for p in site.problems if not p.is_error]
    return BuildReport(len(site.entries), report.pages, report.files,
                       time.perf_counter() - started, selection.summary(), tuple(warnings),
                       public, tuple(score_files), tuple(p.name for p in newsletters),
                       report.rendered)


@contextlib.contextmanager
def file_system_errors(output: Path) -> Iterator[None]:
    """A failure of the disk while building (full, unwritable, output/ deleted) becomes a
    BuildError with a Chinese message; the edition's previous output is left as it was."""
    try:
        yield
    except OSError as err:
        raise BuildError(os_message(output, err)) from err


def scoring(project: Project, site: Site, public: bool, cache: BuildCache | None,
            ) -> tuple[str, list[YearResult], list[ScoreYear]]:
    """The scores, their key, and what the scores pages show.  With a cache, last build's
    results when compute_scores' arguments are the same (the score events, the rule book,
    the departments, the years), and last build's views when, besides, every entry is the
    same (its digest stands for all of it) at the same URL."""
    events = project_events(project)
    years = score_years(project, events)
    departments = project.config.departments
    if cache is None:
        results = compute_scores(events, project.rules, departments, years)
        return "", results, score_views(project, site, results, public)
    key = pickle_digest(__version__, events, project.rules, departments, years)
    last = cache.scores.get(key)
    results = last[0] if last is not None else compute_scores(events, project.rules,
                                                              departments, years)
    shown = ""
    if all(e.digest for e in project.entries):
        shown = pickle_digest(key, public, project.config.scores_public,
                              [e.digest for e in project.entries], [e.url for e in site.entries])
    if last is not None and shown and last[1] == shown:
        views = last[2]
    else:
        views = [dataclasses.replace(v, digest=f"{shown}:{v.year}") if shown else v
                 for v in score_views(project, site, results, public)]
    cache.scores = {key: (results, shown, views)}
    return key, results, views


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def score_views(project: Project, site: Site, results: list[YearResult],
                public: bool) -> list[ScoreYear]:
    """What the scores pages show; a public build shows standings only if site.yaml says so,
    and never the audit or the correspondents (they name internal entries and people)."""
    if public and not project.config.scores_public:
        return []
    urls = {e.slug: e.url for e in site.entries}
    views = [score_year_view(r.scores, project.rules, r.months, project.entries, urls)
             for r in results]
    if public:
        views = [dataclasses.replace(v, audit={}, correspondents=()) for v in views]
    return views


def write_score_exports(project: Project, results: list[YearResult], dest: Path,
                        old: Path, cache: BuildCache | None = None, key: str = "") -> list[str]:
    """YYYY.json, .csv and .xlsx per year into `dest`; last build's file (in `old`) when it
    was written from the same results (`key`) and is untouched since."""
    before = cache.pages.get("scores", {}) if cache is not None else {}
    records = {}
    written = []
    for result in results:
        year = result.scores.year
        months = [(m.month, m.scores, m.earned) for m in result.months]
        writers = {
            "json": partial(write_json, result.scores, project.rules),
            "csv": partial(write_csv, result.scores, project.rules),
            "xlsx": partial(write_xlsx, result.scores, months, project.rules),
        }
        for ext, write in writers.items():
            name = f"{year}.{ext}"
            if not (key and reuse_file(old / name, dest / name, before.get(name), key)):
                write(dest / name)
            if key:
                records[name] = file_record(dest / name, key)
            written.append(name)
    if cache is not None:
        cache.pages["scores"] = records
    return written


def check(project: Project, today: dt.date | None = None) -> tuple[Problem, ...]:
    """Every problem of the project: loading, rendering every body (published or not, so a
    broken link in a draft is found before approval), review lints and duplicates."""
    today = today or dt.date.today()
    everything = Selection(project.entries, ())
    site = assemble_site(project.config, project.entries, everything, False, project.warnings)
    rules = load_review_rules(project.root)
    problems = [*site.problems, *lint_entries(project.entries, project.config, rules, today),
                *duplicates(project.entries, project.root)]
    return tuple(sorted(problems, key=Problem.sort_key))
