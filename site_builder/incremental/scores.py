"""Scores and their exports, memoised: the results are a function of compute_scores'
arguments, the views also of every entry (its digest) and URL, an export of the results."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .._version import __version__
from ..digests import pickle_digest
from ..events import Advanced, Finished, Progress, Started
from ..project import Project
from ..scores import YearResult, compute_scores, project_events, score_views, score_years, write_exports
from ..scoring.views import ScoreYear
from ..site import Site
from .store import BuildCache, file_record, reuse_file


def scores_and_views(cache: BuildCache | None, project: Project, site: Site, public: bool,
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


def write_score_exports(cache: BuildCache | None, project: Project, results: list[YearResult],
                        dest: Path, old: Path, key: str = "", progress: Progress | None = None,
                        ) -> list[str]:
    """YYYY.json, .csv and .xlsx per year into `dest`; last build's file (in `old`) when it
    was written from the same results (`key`) and is untouched since."""
    before = cache.pages.get("scores", {}) if cache is not None else {}
    records = {}
    written = []
    rebuilt = 0
    if progress is not None:
        progress(Started("scores"))
    for result in results:
        for name, write in write_exports(result, project.rules, dest).items():
            if not (key and reuse_file(old / name, dest / name, before.get(name), key)):
                write()
                rebuilt += 1
            if key:
                records[name] = file_record(dest / name, key)
            written.append(name)
            if progress is not None:
                progress(Advanced("scores", len(written)))
    if cache is not None:
        cache.pages["scores"] = records
    if progress is not None:
        progress(Finished("scores", len(written), rebuilt))
    return written
