"""An Issue → a print-ready PDF in 简报 layout (WeasyPrint).

The HTML comes from the project's `newsletter.html` template; WeasyPrint may read
only files inside the project and the packaged templates — no network, no other
file on the machine.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment

from .._version import __version__
from ..cache import BuildCache, Fingerprints, file_record, reuse_file, tree_digest
from ..errors import ContentError, Problem
from ..model import SiteConfig
from ..project import Project
from ..publish import select
from ..scoring.rules import RuleBook
from .fonts import INSTALL_HINT, Faces, FontError, choose_faces
from .issue import Issue, newsletter_months, plan_issue


def render_issue_html(env: Environment, config: SiteConfig, issue: Issue, faces: Faces,
                      rules: RuleBook, printed: dt.date) -> str:
    return env.get_template("newsletter.html").render(
        config=config, newsletter=config.newsletter, issue=issue, faces=faces, rules=rules,
        printed=printed, department_names={d.id: d.name for d in config.departments},
        page_url="newsletter.html")


def project_faces(config: SiteConfig) -> Faces:
    try:
        return choose_faces(dict(config.newsletter.fonts))
    except FontError as err:
        raise ContentError([Problem(config.root / "site.yaml", None, "newsletter.fonts", str(err),
                                    INSTALL_HINT, "missing-font")]) from err


def make_fetcher(roots: Sequence[Path]):
    """A WeasyPrint URL fetcher that serves data: URLs and files under `roots`, nothing else."""
    from weasyprint.urls import URLFetcher

    allowed = [r.resolve() for r in roots]

    class ProjectFetcher(URLFetcher):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.refused: list[str] = []

        def fetch(self, url: str, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in allowed) and path.is_file():
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"refused outside the project: {url}")

    return ProjectFetcher(allowed_protocols=("file", "data"), timeout=5)


def write_pdf(html: str, target: Path, roots: Sequence[Path], base: Path) -> None:
    """Render `html` to `target` (written beside it, then renamed: never half a PDF)."""
    from weasyprint import HTML

    fetcher = make_fetcher(roots)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        document.write_pdf(partial, uncompressed_pdf=False)
        if fetcher.refused:
            raise ContentError([Problem(base, None, None,
                                        f"简报引用了项目目录之外的文件：{url}",
                                        "图片必须放在项目目录内", "path-outside-project")
                                for url in fetcher.refused])
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def write_month(project: Project, year: int, month: int, public: bool, target: Path) -> bool:
    """Plan and print one month's issue to `target`; False when the month has nothing to print."""
    from ..scoring.tables import project_events
    from ..templates import make_environment, template_dirs

    issue = plan_issue(project, year, month, public, project_events(project))
    if issue is None:
        return False
    faces = project_faces(project.config)
    html = render_issue_html(make_environment(project.root), project.config, issue, faces,
                             project.rules, issue.date)
    write_pdf(html, target, [project.root, *template_dirs(project.root)], project.root)
    return True


def _write_month_task(task: tuple[Project, int, int, bool, Path]) -> bool:
    return write_month(*task)


def write_newsletters(project: Project, public: bool, dest: Path, jobs: int = 1,
                      months: Sequence[str] | None = None, cache: BuildCache | None = None,
                      old: Path | None = None) -> list[Path]:
    """One PDF per month with published entries, rendered on up to `jobs` processes; with a
    cache, a month whose issue, fonts and templates are unchanged keeps last build's PDF."""
    published = select(project.entries, public).published
    months = list(months) if months is not None else newsletter_months(published)
    if not months:
        return []
    faces = project_faces(project.config)  # fail early, once, when no CJK font is installed
    todo = months
    keys: dict[str, str] = {}  # pdf/YYYY-MM.pdf → what it is made from
    if cache is not None and old is not None:
        from ..scoring.tables import project_events
        from ..templates import template_dirs

        events = project_events(project)
        fingerprint = Fingerprints()
        shared = fingerprint(__version__, faces, tree_digest(*template_dirs(project.root)),
                             project.config, public)
        todo = []
        for key in months:
            issue = plan_issue(project, int(key[:4]), int(key[5:]), public, events)
            digest = fingerprint(shared, issue)
            name = f"pdf/{key}.pdf"
            record = cache.pages.get("pdf", {}).get(name)
            if not reuse_file(old / f"{key}.pdf", dest / f"{key}.pdf", record, digest):
                todo.append(key)
            keys[name] = digest
    tasks = [(project, int(key[:4]), int(key[5:]), public, dest / f"{key}.pdf") for key in todo]
    if jobs > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            list(pool.map(_write_month_task, tasks))
    else:
        for task in tasks:
            _write_month_task(task)
    if cache is not None:  # what each file was made from, and its size and time as written
        cache.pages["pdf"] = {name: file_record(dest / name[4:], key) for name, key in keys.items()}
    return [dest / f"{key}.pdf" for key in months]
