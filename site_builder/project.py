"""A loaded project: validated config and entries, ready for any product."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .content import load_entries
from .errors import Problem
from .model import Entry, SiteConfig


@dataclass(frozen=True, slots=True)
class Project:
    config: SiteConfig
    entries: tuple[Entry, ...]  # every entry, published or not, newest first
    warnings: tuple[Problem, ...]

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def output(self) -> Path:
        return self.config.root / "output"


def load_project(root: Path | str = ".") -> Project:
    """Load site.yaml and every entry; raise ContentError with all problems found."""
    config = load_config(Path(root))
    entries, warnings = load_entries(config)
    return Project(config, entries, warnings)
