"""site-builder: Markdown entries → intranet bulletin site, 简报 PDFs and score tables.

The library API: `load_project`, `build`, `check`.

The names are imported on first use (PEP 562), so that `site-builder build` can find its
output already up to date (see stamp.py) without loading the pipeline at all.
"""

from __future__ import annotations

import importlib

from ._version import __version__

TYPE_CHECKING = False  # not typing's: importing typing alone costs more than a no-change build
if TYPE_CHECKING:
    from typing import Any

    from .errors import ContentError, Problem, UsageError
    from .pipeline import BuildReport, build, check
    from .project import Project, load_project

_HOMES = {"BuildReport": "pipeline", "build": "pipeline", "check": "pipeline",
          "ContentError": "errors", "Problem": "errors", "UsageError": "errors",
          "Project": "project", "load_project": "project"}

__all__ = ["BuildReport", "ContentError", "Problem", "Project", "UsageError", "__version__", "build",
           "check", "load_project"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value
