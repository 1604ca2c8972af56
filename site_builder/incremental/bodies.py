"""Finished entries, memoised: last build's finished entry is used when it was made
from the same file (the loader's digest: its bytes, name and site.yaml) at the same URL,
and every question its link rewriting asked (Links.seen: which file a path resolves to,
which page an entry has, whether a file exists) has the same answer now."""

from __future__ import annotations

from collections.abc import Sequence

from ..events import Advanced, Progress, Started
from ..events import Finished as FinishedEvent
from ..markup import same_answers
from ..model import Entry, SiteConfig
from ..site import Finished, finish_key, finished_entry, link_tables, render_bodies
from ..site import render_entries as render_all
from .store import BuildCache


def render_entries(cache: BuildCache | None, config: SiteConfig, all_entries: Sequence[Entry],
                   published: Sequence[Entry], processes: int = 1,
                   progress: Progress | None = None) -> list[Finished]:
    """site.render_entries, rendering only what is not the same as in the last build.
    `progress` hears how many are rendered (events.py, stage "bodies")."""
    say = progress or (lambda event: None)
    advance = (lambda n: say(Advanced("bodies", n))) if progress is not None else None
    if cache is None:
        say(Started("bodies", len(published)))
        out = render_all(config, all_entries, published, processes, advance)
        say(FinishedEvent("bodies", len(published), len(published)))
        return out
    urls, pages, known = link_tables(published, all_entries)
    keys = [finish_key(e, url) for e, url in zip(published, urls, strict=True)]
    made: dict[str, Finished] = cache.finished
    kept = [bool(key) and key in made and same_answers(made[key][3], pages, known)
            for key in keys]
    todo = [(e, url) for e, url, keep in zip(published, urls, kept, strict=True) if not keep]
    say(Started("bodies", len(todo)))
    fresh = iter(render_bodies(config, todo, pages, known, processes, advance))
    todo_entries = iter(todo)
    out: list[Finished] = []
    done: dict[str, Finished] = {}
    for key, keep in zip(keys, kept, strict=True):
        finished = made[key] if keep else finished_entry(config, *next(todo_entries),
                                                          next(fresh), key)
        if key and not any(p.is_error for p in finished[2]):  # nothing damaged is kept
            done[key] = finished
        out.append(finished)
    cache.finished = done  # keep this build's entries, forget the others
    say(FinishedEvent("bodies", len(published), len(todo)))
    return out
