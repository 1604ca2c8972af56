#!/usr/bin/env python3
"""What one edit costs serve's rebuild, in this process, without the server around it.

    python bench/edit_cost.py PROJECT_DIR [--edits 15]

Builds the preview once (as serve starts), then appends a sentence to `--edits` different
entries one at a time and rebuilds the preview after each with the cache kept in memory,
as serve does; each entry gets its text back afterwards.  Prints each rebuild's wall time
and their median.

Wall time on a shared VM drifts by half within minutes.  For a number that does not,
count instructions: run the script under valgrind twice, with no edits and with some,
and divide the difference by the number of edits (about a minute per run at 1,000 entries):

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        .venv/bin/python bench/edit_cost.py /tmp/c1000 --edits 0 --jobs 1 --fresh
    valgrind ... --edits 20 --jobs 1 --fresh        # the "I refs" line of each

`--fresh` deletes the project's .cache/ and output/ first, so both runs start alike;
`--jobs 1` keeps the first build in this one process (valgrind counts each process apart).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

from site_builder.incremental.entries import load_project as load_cached_project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.editions import PREVIEW
from site_builder.incremental.store import BuildCache
from site_builder.pipeline import build


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--edits", type=int, default=15, help="entries to edit (default 15)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="processes for the first build (default: all cores)")
    parser.add_argument("--fresh", action="store_true",
                        help="delete PROJECT/.cache and PROJECT/output first")
    args = parser.parse_args()
    root = args.project.resolve()
    if args.fresh:
        for name in (".cache", "output"):
            shutil.rmtree(root / name, ignore_errors=True)
    cache = BuildCache(root, deferred=True, edition=PREVIEW)  # serve's: in memory between builds
    build(load_cached_project(cache, root), preview=True, cache=cache, jobs=args.jobs)
    cache.trusted = True  # as serve does after a build of its own
    files = sorted((root / "content").rglob("*.md"))
    files = [f for f in files if "ledger" not in f.relative_to(root / "content").parts
             and is_utf8(f)]  # a sentence is appended as UTF-8 (the demo has a GB18030 entry)
    times: list[float] = []
    for n in range(args.edits):
        path = files[(n * 397 + len(files) // 2) % len(files)]  # spread over the months
        text = path.read_text(encoding="utf-8")
        try:
            path.write_text(text + f"\n追加的第{n + 1}句。\n", encoding="utf-8")
            started = time.perf_counter()
            build(load_cached_project(cache, root), preview=True, cache=cache, jobs=args.jobs)
            times.append(time.perf_counter() - started)
        finally:
            path.write_text(text, encoding="utf-8")
    if times:
        print(" ".join(f"{t:.3f}" for t in times))
        print(f"{len(times)} edits, rebuild median {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s")
    return 0


def is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
