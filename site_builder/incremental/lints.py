"""Review findings, memoised: an entry's findings are a function of the entry (its
digest stands for all of it, site.yaml included), the review rules and the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..digests import pickle_digest
from ..errors import Problem
from ..model import Entry, SiteConfig
from ..review.lint import lint_entry
from ..review.terms import ReviewRules
from .store import BuildCache


def lint_entries(store: BuildCache | None, entries: Iterable[Entry], config: SiteConfig,
                 rules: ReviewRules, today: dt.date) -> list[Problem]:
    """lint.lint_entries, with last build's findings for an entry that is the same, under
    the same rules, on the same day."""
    if store is None:
        return [p for entry in entries for p in lint_entry(entry, config, rules, today)]
    salt = pickle_digest(rules, today)
    found: dict[str, list[Problem]] = {}
    out: list[Problem] = []
    for entry in entries:
        key = entry.digest + salt if entry.digest else ""
        problems = store.lints.get(key) if key else None
        if problems is None:
            problems = lint_entry(entry, config, rules, today)
        if key:
            found[key] = problems
        out += problems
    store.lints = found
    return out
