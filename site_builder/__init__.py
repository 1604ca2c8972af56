"""site-builder: Markdown entries → intranet bulletin site, 简报 PDFs and score tables.

The library API: `load_project`, `build`, `check`.
"""

from ._version import __version__
from .build import BuildReport, build, check
from .errors import ContentError, Problem, UsageError
from .project import Project, load_project

__all__ = ["BuildReport", "ContentError", "Problem", "Project", "UsageError", "__version__", "build",
           "check", "load_project"]
