"""Newsletters, memoised: a PDF is a function of its HTML, the renderer, the faces and
the files WeasyPrint reads for it (images), whose size and time are recorded; its Word
file (YYYY-MM.docx) a function of its DocxJob, python-docx and the images it embeds."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..digests import code_digest, pickle_digest
from ..events import Advanced, Finished, Progress, Started
from ..newsletter import docx
from ..newsletter.issue import newsletter_months
from ..newsletter.pdf import _print_task, issue_and_html, project_faces, renderer_version
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
    """One PDF per month with published entries, printed on up to `jobs` processes, and
    the same issue as a Word file beside it (written here: it takes a fraction of a second).

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
    word = pickle_digest(code_digest(), docx.renderer_version(), public)
    before = cache.pages.get("pdf", {}) if cache is not None else {}
    records: dict[str, tuple] = {}
    todo: list[tuple[str, str, str]] = []  # (name, key, html)
    for month in months:
        name = f"{month}.pdf"
        planned = issue_and_html(project, int(month[:4]), int(month[5:]), public, events)
        assert planned is not None  # a month with published entries
        issue, html = planned
        write_word(cache, project, before, records, docx.project_docx_job(project, issue),
                   word, dest / f"{month}.docx", old / f"{month}.docx" if old else None)
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


def write_word(cache: BuildCache | None, project: Project, before: dict, records: dict,
               job: docx.DocxJob, shared: str, target: Path, old: Path | None) -> None:
    """The issue's Word file: last build's kept when made from the same job (the digest of
    all it is made of) and every image it embedded is the same size and time; else made."""
    key = pickle_digest(shared, job)
    record = before.get(target.name)
    if cache is not None and old is not None and record is not None \
            and record[0][0] == key and all(file_state(f[0]) == f for f in record[0][1]) \
            and reuse_file(old, target, record, record[0]):
        records[target.name] = record
        return
    files = docx.write_docx(project, job, target)
    records[target.name] = file_record(target, (key, tuple(file_state(f) for f in files)))
