"""An Issue → a print-ready PDF in 简报 layout (WeasyPrint).

The HTML comes from the project's `newsletter.html` template; WeasyPrint may read
only what a link may publish (files of content/: publish.unpublishable) and the
template folders — no network, no other file on the machine.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment

from ..errors import ContentError, Problem
from ..markup import PRINT_SCHEME
from ..model import SiteConfig
from ..project import Project
from ..publish import unpublishable
from ..scoring.rules import RuleBook
from . import justify
from .fonts import INSTALL_HINT, Faces, FontError, choose_faces
from .headlines import headline_html
from .issue import Issue, plan_issue


def render_issue_html(env: Environment, config: SiteConfig, issue: Issue, faces: Faces,
                      rules: RuleBook, printed: dt.date) -> str:
    env.filters["breakable_quotes"] = justify.breakable_quotes
    return env.get_template("newsletter.html").render(
        config=config, newsletter=config.newsletter, issue=issue, faces=faces, rules=rules,
        printed=printed, department_names={d.id: d.name for d in config.departments},
        headlines={e.slug: headline_html(e.title) for e in issue.entries},
        page_url="newsletter.html")


def project_faces(config: SiteConfig) -> Faces:
    try:
        return choose_faces(dict(config.newsletter.fonts))
    except FontError as err:
        raise ContentError([Problem(config.root / "site.yaml", None, "newsletter.fonts", str(err),
                                    INSTALL_HINT, "missing-font")]) from err


def make_fetcher(may_read: Callable[[Path], bool], base: Path):
    """A WeasyPrint URL fetcher that serves data: URLs and the files `may_read` allows
    (as file: URLs, or as site-builder: URLs relative to the project `base`), nothing else."""
    from weasyprint.urls import URLFetcher

    class ProjectFetcher(URLFetcher):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.refused: list[str] = []
            self.fetched: set[str] = set()  # files read, for the cache's key

        def fetch(self, url: str, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme in ("file", PRINT_SCHEME):
                name = unquote(parts.path)
                path = (Path(name) if parts.scheme == "file" else base / name).resolve()
                if may_read(path) and path.is_file():
                    self.fetched.add(str(path))
                    return super().fetch(path.as_uri(), headers)
            self.refused.append(url)
            raise ValueError(f"refused: {url}")

    return ProjectFetcher(allowed_protocols=("file", "data", PRINT_SCHEME), timeout=5)


def write_pdf(html: str, target: Path, may_read: Callable[[Path], bool],
              base: Path) -> tuple[str, ...]:
    """Render `html` to `target` (written beside it, then renamed: never half a PDF);
    return the files WeasyPrint read (images, style sheets), as paths."""
    from weasyprint import HTML

    justify.install()
    fetcher = make_fetcher(may_read, base)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        document.write_pdf(partial, uncompressed_pdf=False)
        if fetcher.refused:
            raise ContentError([Problem(base, None, None,
                                        f"简报引用了不能读取的文件：{url}",
                                        "简报只能使用 content/ 中的图片（content/ledger/ 和名称以"
                                        "「.」或「_」开头的除外）和模板文件夹中的文件",
                                        "path-outside-project")
                                for url in fetcher.refused])
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return tuple(sorted(fetcher.fetched))


def issue_html(project: Project, year: int, month: int, public: bool,
               events: Sequence | None = None) -> str | None:
    """The month's issue as the HTML WeasyPrint prints; None when it has nothing to print."""
    planned = issue_and_html(project, year, month, public, events)
    return None if planned is None else planned[1]


def issue_and_html(project: Project, year: int, month: int, public: bool,
                   events: Sequence | None = None) -> tuple[Issue, str] | None:
    """The month's issue and the HTML WeasyPrint prints of it; None when it has nothing."""
    from ..scores import project_events
    from ..templates import make_environment

    issue = plan_issue(project, year, month, public,
                       project_events(project) if events is None else events)
    if issue is None:
        return None
    faces = project_faces(project.config)
    return issue, render_issue_html(make_environment(project.root), project.config, issue,
                                    faces, project.rules, issue.date)


def project_may_read(project: Project) -> Callable[[Path], bool]:
    """May the 简报 read this (real) path: a publishable file of content/ or a template's."""
    from ..templates import template_dirs

    content = project.config.content_dir.resolve()
    templates = [folder.resolve() for folder in template_dirs(project.root)]

    def may_read(path: Path) -> bool:
        return not unpublishable(path, content) or any(map(path.is_relative_to, templates))

    return may_read


def print_html(project: Project, html: str, target: Path) -> tuple[str, ...]:
    return write_pdf(html, target, project_may_read(project), project.root)


def write_month(project: Project, year: int, month: int, public: bool, target: Path,
                docx: Path | None = None) -> bool:
    """Plan and print one month's issue to `target` (and, given `docx`, write it there as a
    Word file too); False when the month has nothing to print."""
    from .docx import make_docx, project_docx_job, write_file

    planned = issue_and_html(project, year, month, public)
    if planned is None:
        return False
    issue, html = planned
    # made first (quick, and it fails on what the PDF would fail on), written once the PDF
    # is: a failed print leaves both files as they were
    word = make_docx(project, project_docx_job(project, issue))[0] if docx is not None else None
    print_html(project, html, target)
    if docx is not None and word is not None:
        write_file(docx, word)
    return True


def _print_task(task: tuple[Project, str, Path]) -> tuple[str, ...]:
    return print_html(*task)


def renderer_version() -> str:
    import pydyf
    import weasyprint

    return f"weasyprint {weasyprint.__version__} pydyf {pydyf.__version__}"
