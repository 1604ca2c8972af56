"""A loaded project: validated config, entries, ledger and rule book, ready for any product."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .content import load_entries
from .errors import ContentError, Problem
from .ledger import LedgerEvent, load_ledger
from .model import Entry, SiteConfig
from .scoring.rules import RuleBook, load_rules


@dataclass(frozen=True, slots=True)
class Project:
    config: SiteConfig
    entries: tuple[Entry, ...]  # every entry, published or not, newest first
    ledger: tuple[LedgerEvent, ...]
    rules: RuleBook
    warnings: tuple[Problem, ...]

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def output(self) -> Path:
        return self.config.root / "output"


def load_project(root: Path | str = ".",
                 entries_of: Callable[[SiteConfig], tuple[tuple[Entry, ...], tuple[Problem, ...]]]
                 = load_entries) -> Project:
    """Load site.yaml, the rule book, every entry and the ledger (`entries_of`: how the
    entries are loaded; the build cache gives incremental.entries.load_entries).

    Raises ContentError with every error of every file found in one run.
    """
    config = load_config(Path(root))
    problems: list[Problem] = []
    rules: RuleBook | None = None
    entries: tuple[Entry, ...] = ()
    try:
        rules, rule_warnings = load_rules(config.scoring)
        problems.extend(rule_warnings)
    except ContentError as err:
        problems.extend(err.problems)
    try:
        entries, entry_warnings = entries_of(config)
        problems.extend(entry_warnings)
    except ContentError as err:
        problems.extend(err.problems)
        entries = err.loaded if isinstance(err.loaded, tuple) else ()
    ledger: list[LedgerEvent] = []
    if rules is not None:
        ledger, ledger_problems = load_ledger(config, rules.ledger_kind_labels,
                                              config.department_index)
        problems.extend(ledger_problems)
    ledger.sort(key=lambda e: (e.date, str(e.source), e.line))
    if rules is None or any(p.is_error for p in problems):
        # What did load, for `check` to lint and count the rest (never built from).
        partial = Project(config, entries, tuple(ledger), rules, tuple(problems)) \
            if rules is not None else None
        raise ContentError(problems, loaded=partial)
    return Project(config, entries, tuple(ledger), rules, tuple(problems))
