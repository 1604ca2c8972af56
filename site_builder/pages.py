"""Page planning: every page of the site, with its template and the context it is given.

A page job says nothing about what the page shows: the template decides that, and what it
read is recorded while it renders (incremental/reads.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model import Article
from .scoring.views import ScoreYear
from .site import Site, Term, paginate
from .stats.views import StatsYear

HOME_LATEST = 12  # entries under 最新稿件 on the home page
HOME_PER_TYPE = 6  # entries under each type's heading below it


@dataclass(frozen=True, slots=True)
class PageJob:
    template: str
    url: str | None  # None: 404.html, which links from base_url
    context: dict[str, Any]

    @property
    def path(self) -> str:
        return self.url or "404.html"


def page_jobs(site: Site, score_years: Sequence[ScoreYear],
              search: Mapping[str, object] | None = None,
              stats_years: Sequence[StatsYear] = ()) -> list[PageJob]:
    """Every page of the site (`search`: what the search page is told of the index; `stats_years`: the
    统计 pages', intranet only)."""
    jobs = [PageJob("search.html", "search/index.html", {"search": search or {}}),
            PageJob("index.html", "index.html", home_context(site))]
    for entry in site.entries:
        older, newer = site.neighbours[entry.slug]
        jobs.append(PageJob("entry.html", entry.url,
                            {"entry": entry, "older": older, "newer": newer}))
    for term in site.all_terms:
        jobs.extend(PageJob("list.html", listing.url, {"listing": listing})
                    for listing in paginate(term, site.config.page_size))
    jobs.append(PageJob("terms.html", "tags/index.html",
                        {"title": "全部标签", "terms": site.tags, "kind": "tag"}))
    jobs.append(PageJob("terms.html", "departments/index.html",
                        {"title": "供稿单位", "terms": site.departments, "kind": "department"}))
    jobs.append(PageJob("archive.html", "archive/index.html", {}))
    jobs.append(PageJob("404.html", None, {}))
    if score_years:
        latest = score_years[-1]
        jobs.append(PageJob("scores.html", "scores/index.html",
                            {"year": latest, "years": score_years}))
    for year in score_years:
        common = {"year": year, "years": score_years}
        jobs.append(PageJob("scores.html", year.url, common))
        for dept_id, rows in year.audit.items():
            jobs.append(PageJob("scores_department.html", year.department_url(dept_id),
                                {**common, "standing": year.scores.standing(dept_id),
                                 "rows": rows, "waiting": year.waiting.get(dept_id, 0)}))
        if year.correspondents:
            jobs.append(PageJob("scores_correspondents.html", year.correspondents_url, common))
    if stats_years:
        jobs.append(PageJob("stats.html", "stats/index.html",
                            {"year": stats_years[-1], "years": stats_years}))
    jobs.extend(PageJob("stats.html", year.url, {"year": year, "years": stats_years})
                for year in stats_years)
    return jobs


def home_context(site: Site) -> dict[str, Any]:
    """What the home page shows, each entry once: the newest model figure (先进典型) as the
    lead, then the newest entries, then by type those not shown above."""
    figures = site.term("type", "model-figure")
    featured: Article | None = figures.entries[0] if figures and figures.entries else None
    shown = {featured.slug} if featured else set()
    latest = tuple(e for e in site.entries if e.slug not in shown)[:HOME_LATEST]
    shown.update(e.slug for e in latest)
    by_type: list[tuple[Term, tuple[Article, ...]]] = []
    for term in site.types:
        rest = tuple(e for e in term.entries if e.slug not in shown)[:HOME_PER_TYPE]
        if rest:
            by_type.append((term, rest))
    return {"featured": featured, "latest": latest, "by_type": tuple(by_type)}
