"""Newsletters, memoised: a PDF is a function of its HTML, the renderer, the faces and
the files WeasyPrint reads for it (images), whose size and time are recorded."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..digests import code_digest, pickle_digest
from ..events import Advanced, Finished, Progress, Started
from ..newsletter.issue import newsletter_months
from ..newsletter.pdf import _print_task, issue_html, project_faces, renderer_version
from ..project import Project
from ..publish import select
from .store import BuildCache, file_record, reuse_file


def file_state(path: str) -> tuple[str, int, int]:
    try:
        stat = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, stat.st_size, stat.st_mtime_ns)


def write_newsletters(cache: BuildCache | None, project: Project, public: bool, dest: Path,
                      old: Path, jobs: int = 1, months: Sequence[str] | None = None,
                      progress: Progress | None = None) -> list[Path]:
    """One PDF per month with published entries, printed on up to `jobs` processes.

    With a cache, last build's PDF stays when it would be printed from the same HTML by
    the same renderer with the same faces, and every file WeasyPrint read for it (images,
    style sheets) has the same size and time.  `progress` hears of each month: kept
    (`rebuilt=False`) as it is found unchanged, printed as its PDF is done."""
    from ..scores import project_events

    published = select(project.entries, public).published
    months = list(months) if months is not None else newsletter_months(published)
    if not months:
        return []
    say = progress or (lambda event: None)
    say(Started("newsletters", len(months)))
    faces = project_faces(project.config)  # fail early, once, when no CJK font is installed
    events = project_events(project)
    shared = pickle_digest(code_digest(), renderer_version(), faces, public)
    before = cache.pages.get("pdf", {}) if cache is not None else {}
    records: dict[str, tuple] = {}
    todo: list[tuple[str, str, str]] = []  # (name, key, html)
    for month in months:
        name = f"{month}.pdf"
        html = issue_html(project, int(month[:4]), int(month[5:]), public, events)
        assert html is not None  # a month with published entries
        key = pickle_digest(shared, html)
        record = before.get(name)
        if cache is not None and old is not None and record is not None \
                and record[0][0] == key and all(file_state(f[0]) == f for f in record[0][1]) \
                and reuse_file(old / name, dest / name, record, record[0]):
            records[name] = record
            say(Advanced("newsletters", len(records), month, rebuilt=False))
        else:
            todo.append((name, key, html))
    tasks = [(project, html, dest / name) for name, _, html in todo]
    kept = len(records)
    fetched: list = []

    def printed(files: object) -> None:
        fetched.append(files)
        say(Advanced("newsletters", kept + len(fetched), todo[len(fetched) - 1][0][:-4]))

    if jobs > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            for files in pool.map(_print_task, tasks):  # in order, each as it is printed
                printed(files)
    else:
        for task in tasks:
            printed(_print_task(task))
    for (name, key, _), files in zip(todo, fetched, strict=True):
        records[name] = file_record(dest / name, (key, tuple(file_state(f) for f in files)))
    if cache is not None:
        cache.pages["pdf"] = records
    say(Finished("newsletters", len(months), len(todo)))
    return [dest / f"{month}.pdf" for month in months]
