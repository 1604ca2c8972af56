"""The pipeline in one short function: project → site → output/."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .errors import Problem, raise_errors
from .project import Project
from .publish import Selection, select
from .site import assemble_site
from .templates import make_environment
from .writer import staged, write_site


@dataclass(frozen=True, slots=True)
class BuildReport:
    entries: int
    pages: int
    files: int
    seconds: float
    excluded: str
    warnings: tuple[Problem, ...]
    public: bool

    def summary(self) -> str:
        kind = "公开版" if self.public else "内网版"
        line = (f"已生成{kind}站点：{self.entries} 篇稿件，{self.pages} 个页面，"
                f"{self.files} 个文件，用时 {self.seconds:.2f} 秒")
        return line + (f"；{self.excluded}" if self.excluded else "")


def build(project: Project, public: bool = False) -> BuildReport:
    """Build output/site; on any error the previous output/ stays untouched."""
    started = time.perf_counter()
    selection = select(project.entries, public)
    site = assemble_site(project.config, project.entries, selection, public, project.warnings)
    raise_errors(site.problems)
    env = make_environment(project.root)
    with staged(project.output / "site") as staging:
        report = write_site(site, env, staging)
    return BuildReport(len(site.entries), report.pages, report.files,
                       time.perf_counter() - started, selection.summary(),
                       tuple(p for p in site.problems if not p.is_error), public)


def check(project: Project) -> tuple[Problem, ...]:
    """Every problem of the project, including those found only when rendering bodies.

    Renders every entry, published or not, so a broken link in a draft is found
    before the draft is approved.
    """
    everything = Selection(project.entries, ())
    site = assemble_site(project.config, project.entries, everything, False, project.warnings)
    return tuple(sorted(site.problems, key=Problem.sort_key))
