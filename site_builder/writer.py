"""Render pages into a staging directory (on forked workers when there are many), and,
when asked, record what each page read while it rendered (incremental/reads.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, Problem
from .incremental.reads import Reads, Record, recording
from .pages import PageJob
from .parallel import parallel_map
from .site import Site

if TYPE_CHECKING:
    from jinja2 import Environment, TemplateError


_INTERN: dict[tuple, tuple] = {}  # shared read groups of this build (each worker has its own)


def render_page(env: Environment, site: Site, job: PageJob, dest: Path,
                track: bool = False) -> Record | None:
    """Render one page into `dest`; with `track`, return what it read."""
    from jinja2 import TemplateError

    with recording(Reads() if track else None) as reads:
        try:
            html = env.get_template(job.template).render(site=site, page_url=job.url,
                                                         **job.context)
        except TemplateError as err:
            raise ContentError([template_problem(err, job.template)]) from err
    (dest / job.path).write_bytes(html.encode("utf-8"))  # its folder: made by render_pages
    return reads.record(_INTERN) if reads is not None else None


def render_pages(env: Environment, site: Site, jobs: Sequence[PageJob], dest: Path,
                 processes: int, meanwhile: Callable[[], None] | None = None,
                 track: bool = False, advance: Callable[[int], None] | None = None,
                 ) -> list[Record | None]:
    """Render `jobs` into `dest`, on `processes` forked workers when there are enough;
    return what each page read (with `track`).  `advance(n)`: n pages are done."""
    _INTERN.clear()
    for folder in {(dest / job.path).parent for job in jobs}:  # workers then only write files
        folder.mkdir(parents=True, exist_ok=True)
    first = {job.template: job for job in reversed(jobs)}  # the first page of each template
    made = {id(job): render_page(env, site, job, dest, track)  # here, so forked workers
            for job in first.values()}                          # inherit compiled templates
    rest = [job for job in jobs if id(job) not in made]
    if advance is not None and made:
        advance(len(made))
    done = iter(parallel_map(lambda job: render_page(env, site, job, dest, track), rest,
                             processes, meanwhile,
                             advance and (lambda n: advance(len(made) + n))))
    records = [made[id(job)] if id(job) in made else next(done) for job in jobs]
    return [intern_record(r) if r is not None else None for r in records]


def intern_record(record: Record) -> Record:
    """The record with its groups shared with the other pages' equal ones (workers send
    their own copies back)."""
    return Record(_INTERN.setdefault(record.templates, record.templates),
                  tuple(_INTERN.setdefault(g, g) for g in record.shared), record.own,
                  record.opaque, record.tree)


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
