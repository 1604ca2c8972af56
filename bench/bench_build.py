#!/usr/bin/env python3
"""Time the cold full build of a generated corpus (and optionally the repository's demo).

    python bench/bench_build.py [--entries 1000] [--runs 3] [--seed 1] [--demo]

The corpus is generated once (bench/gen_corpus.py) into a temporary directory;
then `python -m site_builder build --project DIR` runs --runs times, each in a
fresh subprocess with DIR/output removed first.  Reported: median/min/max wall
time, pages written and the peak RSS of the build process (ru_maxrss from
wait4, which includes any worker processes it waited for — as the largest
single process, not their sum).  With --demo the repository's own project
(site.yaml, content/, templates/ …) is copied to a temporary directory and
timed the same way, so the repository's output/ is never touched.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from gen_corpus import generate  # noqa: E402

# What a site project consists of (besides output/, which is never copied).
PROJECT_PARTS = ("site.yaml", "scoring.yaml", "content", "templates")
PAGES_RE = re.compile(r"(\d+)\s*个页面")
ENTRIES_RE = re.compile(r"(\d+)\s*篇稿件")


@dataclass
class Run:
    seconds: float
    returncode: int
    max_rss_kib: int
    stdout: str
    stderr: str


@dataclass
class Result:
    label: str
    project: Path
    sources: int  # *.md files under content/
    runs: list[Run] = field(default_factory=list)
    pages: int | None = None  # as reported by the build's summary line
    entries: int | None = None  # published entries, as reported
    html_files: int = 0
    pdf_files: int = 0
    warnings: int = 0

    @property
    def failed(self) -> Run | None:
        return next((r for r in self.runs if r.returncode != 0), None)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs if r.returncode == 0]

    @property
    def peak_mib(self) -> float:
        return max((r.max_rss_kib for r in self.runs), default=0) / 1024


def rss_kib(ru_maxrss: int) -> int:
    """ru_maxrss is KiB on Linux, bytes on macOS."""
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss


def build_once(project: Path, extra: list[str]) -> Run:
    """One cold build in a fresh process; output/ removed first."""
    shutil.rmtree(project / "output", ignore_errors=True)
    cmd = [sys.executable, "-m", "site_builder", "build", "--project", str(project), *extra]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the cumulative one
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, proc.returncode, rss_kib(usage.ru_maxrss),
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def bench(label: str, project: Path, runs: int, extra: list[str]) -> Result:
    content = project / "content"
    sources = sum(1 for p in content.rglob("*.md") if "ledger" not in p.relative_to(content).parts)
    result = Result(label, project, sources)
    for n in range(1, runs + 1):
        run = build_once(project, extra)
        result.runs.append(run)
        state = "ok" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
        print(f"  {label} run {n}/{runs}: {run.seconds:.2f} s, {run.max_rss_kib / 1024:.0f} MiB, {state}",
              file=sys.stderr, flush=True)
        if run.returncode != 0:
            break  # the same input fails the same way; no point repeating
    last = result.runs[-1]
    text = last.stdout + last.stderr
    if (m := PAGES_RE.search(text)) is not None:
        result.pages = int(m.group(1))
    if (m := ENTRIES_RE.search(text)) is not None:
        result.entries = int(m.group(1))
    result.warnings = sum(1 for line in text.splitlines() if "警告" in line)
    output = project / "output"
    result.html_files = sum(1 for _ in output.rglob("*.html")) if output.is_dir() else 0
    result.pdf_files = sum(1 for _ in output.rglob("*.pdf")) if output.is_dir() else 0
    return result


def copy_demo(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


def text_table(rows: list[tuple[str, ...]]) -> str:
    """Rows of cells (the first row the header) as aligned text: the first column to the
    left, the others to the right, a rule under the header.  Shared by the bench scripts."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths,
                                                                                         strict=True)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def print_output_tail(stderr: str, stdout: str, keep: int = 60) -> None:
    """The last `keep` lines of a failed child's stderr and stdout, on our stderr."""
    for name, text in (("stderr", stderr), ("stdout", stdout)):
        lines = text.rstrip().splitlines()
        if lines:
            shown = lines[-keep:]
            skipped = f" (last {len(shown)} of {len(lines)} lines)" if len(lines) > len(shown) else ""
            print(f"--- {name}{skipped} ---", file=sys.stderr)
            print("\n".join(shown), file=sys.stderr)


def show_failure(result: Result, kept: bool) -> None:
    run = result.failed
    assert run is not None
    where = f"project {result.project}" + ("" if kept else ", removed — rerun with --keep to inspect it")
    print(f"\n!! {result.label}: build FAILED with exit code {run.returncode} ({where})", file=sys.stderr)
    print_output_tail(run.stderr, run.stdout)


def fmt(value: int | None) -> str:
    return "?" if value is None else str(value)


def table(results: list[Result]) -> str:
    head = ("project", "sources", "published", "runs", "median s", "min s", "max s", "pages", "html",
            "pdf", "warn", "peak RSS MiB")
    rows = [head]
    for r in results:
        t = r.times
        if r.failed:
            timing = ("FAILED", "-", "-")
        else:
            timing = (f"{statistics.median(t):.2f}", f"{min(t):.2f}", f"{max(t):.2f}")
        rows.append((r.label, str(r.sources), fmt(r.entries), str(len(r.runs)), *timing, fmt(r.pages),
                     str(r.html_files), str(r.pdf_files), str(r.warnings), f"{r.peak_mib:.0f}"))
    return text_table(rows)


def summary(results: list[Result]) -> str:
    parts = []
    for r in results:
        if r.failed:
            parts.append(f"{r.label}: FAILED (exit {r.failed.returncode})")
            continue
        t = r.times
        parts.append(f"{r.label}: {r.sources} entries ({fmt(r.entries)} published) → {fmt(r.pages)} pages, "
                     f"median {statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f}, "
                     f"{len(t)} runs), peak RSS {r.peak_mib:.0f} MiB")
    env = (f"site-builder {git_revision()}, Python {platform.python_version()}, "
           f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    return f"Cold full build ({env}): " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1000, help="corpus size (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="builds per project (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--departments", type=int, default=12, help="corpus departments (default 12)")
    parser.add_argument("--demo", action="store_true", help="also time a copy of the repository's project")
    parser.add_argument("--build-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `site-builder build` (repeatable), "
                             "e.g. --build-arg=--no-pdf")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and print where")
    args = parser.parse_args(argv)
    if args.entries < 1 or args.runs < 1:
        parser.error("--entries and --runs must be ≥ 1")

    tmp = Path(tempfile.mkdtemp(prefix="site-builder-bench-"))
    results: list[Result] = []
    try:
        corpus = tmp / f"corpus-{args.entries}"
        started = time.perf_counter()
        stats = generate(corpus, args.entries, args.seed, args.departments)
        print(f"generated {stats['entries']} entries, {stats['ledger']} ledger lines, "
              f"{stats['departments']} departments ({stats['bytes'] / 1e6:.1f} MB) "
              f"in {time.perf_counter() - started:.2f} s", file=sys.stderr)
        results.append(bench(f"corpus-{args.entries}", corpus, args.runs, args.build_arg))
        if args.demo:
            if not (REPO / "site.yaml").is_file():
                print(f"!! --demo: no site.yaml in {REPO}; skipped", file=sys.stderr)
            else:
                results.append(bench("demo", copy_demo(tmp / "demo"), args.runs, args.build_arg))
    finally:
        if args.keep:
            print(f"kept temporary projects in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    for r in results:
        if r.failed:
            show_failure(r, args.keep)
    command = ["python", "bench/bench_build.py", "--entries", str(args.entries), "--runs", str(args.runs)]
    if args.seed != 1:
        command += ["--seed", str(args.seed)]
    if args.departments != 12:
        command += ["--departments", str(args.departments)]
    command += [f"--build-arg={a}" for a in args.build_arg]
    if args.demo:
        command.append("--demo")
    print()
    print(table(results))
    print()
    print(summary(results))
    print(f"Reproduce: cd {shlex.quote(str(REPO))} && {shlex.join(command)}")
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
