"""The pipeline in one short function: project → site and score exports → output/."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .cache import BuildCache, pickle_digest
from .editions import Edition, edition, edition_lock, os_message
from .errors import BuildError, Problem, raise_errors
from .parallel import frozen_heap
from .project import Project
from .publish import Selection, select
from .review.integrity import duplicates
from .review.lint import lint_entries
from .review.terms import load_review_rules
from .scoring.engine import Scores
from .scoring.export import write_csv, write_json, write_xlsx
from .scoring.tables import MonthScores, month_series, project_events, score_years, year_scores
from .scoring.views import ScoreYear, score_year_view
from .site import Site, assemble_site
from .templates import make_environment
from .writer import staged, write_site

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


def compute_scores(project: Project) -> list[YearResult]:
    events = project_events(project)
    return [YearResult(year_scores(project, year, events),
                       tuple(month_series(project, year, events)))
            for year in score_years(project, events)]


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
                            product="site", meanwhile=write_exports if "scores" in dirs else None)
        if report.removed is not None:
            stage.patch(folders["site"], report.removed)
        if pdf:
            from .newsletter.pdf import write_newsletters  # WeasyPrint and fonts: only for PDFs

            newsletters = write_newsletters(project, public, dirs["pdf"], processes, cache=cache,
                                            old=which.folder(project.output, "pdf"))
    if cache is not None:
        cache.save()
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
    """The scores and what the scores pages show; with a cache, last build's when every
    input is the same: the rule book, the ledger, and what scoring reads of each entry."""
    if cache is None:
        results = compute_scores(project)
        return "", results, score_views(project, site, results, public)
    parts: dict[str, str] = {}  # entry digest → digest of what scoring reads of the entry
    read = []
    for e in project.entries:
        part = (e.digest and cache.score_parts.get(e.digest)) or pickle_digest(
            e.source, e.slug, e.date, e.department, e.status, e.classification, e.title, e.type,
            e.authors, e.adoptions, e.placements, e.awards, e.showcases)
        if e.digest:
            parts[e.digest] = part
        read.append(part)
    cache.score_parts = parts
    key = pickle_digest(__version__, project.rules, project.ledger, project.config.departments,
                        project.config.scores_public, public, [e.url for e in site.entries], read)
    if key in cache.scores:
        results, views = cache.scores[key]
    else:
        results = compute_scores(project)
        views = [dataclasses.replace(v, digest=f"{key}:{v.year}")
                 for v in score_views(project, site, results, public)]
    cache.scores = {key: (results, views)}
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
    """YYYY.json, .csv and .xlsx per year into `dest`; last build's files (in `old`) when
    the scores are the same."""
    names = [f"{r.scores.year}.{ext}" for r in results for ext in ("json", "csv", "xlsx")]
    if cache is not None and key:
        if cache.blobs.get("scores") == key and all((old / n).is_file() for n in names):
            for name in names:
                os.link(old / name, dest / name)
            return names
        cache.blobs["scores"] = key
    written = []
    for result in results:
        year = result.scores.year
        write_json(result.scores, project.rules, dest / f"{year}.json")
        write_csv(result.scores, project.rules, dest / f"{year}.csv")
        write_xlsx(result.scores, [(m.month, m.scores, m.earned) for m in result.months],
                   project.rules, dest / f"{year}.xlsx")
        written += [f"{year}.json", f"{year}.csv", f"{year}.xlsx"]
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
