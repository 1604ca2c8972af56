"""Is output/ already up to date?  A make-style stamp, checked before the pipeline loads.

After a successful cached `build`, .cache/stamp-<edition>.json records two digests and
the report the build printed:

- what the build could have read: the size, mtime and inode of every file in the project
  except output/ and hidden or __pycache__ folders (content, images, templates, site.yaml,
  scoring and review rules wherever they sit), of the package's own files, of the folders
  Python imports from (an upgraded library changes them), and of the font folders when
  newsletters are made; with the command line, the working folder and the day;
- what it wrote: the same for every file in the edition's own folders (editions.py).

The next `build` takes the same digests — stat calls only, no file is read — and when
both match it prints the recorded report again and stops, without importing Markdown,
Jinja2 or even the rest of site-builder.  Anything else (a changed, added or removed
file, another flag, a new day, a page deleted from output/ by hand) runs the build.

This is the trust git and make place in file metadata, and the one the cache already
uses for entries (content.py): a file whose size and mtime are restored after an edit
would not be seen — `build --no-cache` never uses the stamp.  A stamp is only written when
every input is older than RACY_NS, so an edit in the same clock tick as the scan (coarse
file-system timestamps) cannot hide either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import marshal
import os
import sys
import time
from pathlib import Path

from ._version import __version__
from .editions import CACHE_DIR, Edition

FORMAT = f"site-builder {__version__} stamp 2"
RACY_NS = 3_000_000_000  # files younger than this at the scan are not trusted by metadata
SKIPPED_DIRS = {"output", "__pycache__"}  # output/ at the top, __pycache__ anywhere
SECONDS = "{seconds}"  # where a recorded summary takes the time of the run that replays it
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig",
             "~/.fonts", "~/.local/share/fonts", "~/.cache/fontconfig")

REPORT_KEYS = {"warnings", "summary", "open"}  # what the build printed, to print again
Row = tuple[str, int, int, int]  # path, size, mtime_ns, inode


def _scan(top: str, rows: list[Row], skip: set[str], seen: set[str]) -> None:
    """Every file under `top`, at any depth, following symbolic links (once per folder)."""
    try:
        listing = list(os.scandir(top))
    except OSError:
        return
    for item in listing:
        name = item.name
        if name.startswith(".") or name in skip:
            continue
        try:
            if item.is_dir():
                real = os.path.realpath(item.path) if item.is_symlink() else item.path
                if real not in seen:
                    seen.add(real)
                    _scan(item.path, rows, {"__pycache__"}, seen)
            else:
                st = item.stat()
                rows.append((item.path, st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:  # vanished or unreadable: the build will say so
            rows.append((item.path, -1, -1, -1))


def _tree(top: Path, skip: set[str]) -> list[Row]:
    rows: list[Row] = []
    _scan(str(top), rows, skip, {str(top)})
    rows.sort()
    return rows


def _folders(paths: list[str]) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        try:
            st = os.stat(os.path.expanduser(path))
            rows.append((path, st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            rows.append((path, -1, -1, -1))
    return rows


def _digest(*parts: object) -> str:
    return hashlib.blake2b(marshal.dumps(parts), digest_size=16).hexdigest()


class Stamp:
    """The stamp for one `build` invocation in one project."""

    def __init__(self, root: Path, settings: tuple[object, ...], pdf: bool, which: Edition):
        self.root = root
        self.path = stamp_path(root, which)
        self.folders = which.folders(root / "output")
        started = time.time_ns()
        files = _tree(root, SKIPPED_DIRS)
        package = _tree(Path(__file__).parent, {"__pycache__"})
        folders = _folders([p for p in sys.path if p] + (list(FONT_DIRS) if pdf else []))
        newest = max((row[2] for row in files + package), default=0)
        self.settled = newest < started - RACY_NS
        self.inputs = _digest(FORMAT, sys.version, sys.executable, os.getcwd(),
                              dt.date.today().isoformat(), settings, files, package, folders)

    def outputs(self) -> str:
        return _digest([(str(f), _tree(f, set())) for f in self.folders if f.is_dir()])

    def recorded(self) -> dict[str, str] | None:
        """The last build's report, if nothing it read or wrote has changed since."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(data, dict) and data.get("format") == FORMAT
                and data.get("inputs") == self.inputs and data.get("outputs") == self.outputs()):
            return None
        report = data.get("report")
        if (isinstance(report, dict) and set(report) == REPORT_KEYS
                and all(isinstance(v, str) for v in report.values())):
            return report
        return None

    def record(self, report: dict[str, str]) -> None:
        """Keep this build's report against the inputs as scanned before it ran and the
        output it left (the build has removed the old stamp: `forget`).  Not when an input
        was too fresh to trust, and never at the cost of the build: a stamp that cannot be
        written only makes the next build slower."""
        if not self.settled:
            return
        data = {"format": FORMAT, "inputs": self.inputs, "outputs": self.outputs(),
                "report": report}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(exist_ok=True)
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


def stamp_path(root: Path, which: Edition) -> Path:
    return root / CACHE_DIR / f"stamp-{which.name}.json"


def forget(root: Path, which: Edition) -> None:
    """No stamp for the edition: its output is about to change (or was changed by
    `--no-cache`, `pdf`, `scores --format xlsx`)."""
    with contextlib.suppress(OSError):
        stamp_path(root, which).unlink(missing_ok=True)
